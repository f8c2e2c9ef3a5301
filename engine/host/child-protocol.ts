// Messages between browser mode's EngineSupervisor (the server process) and the engine child it
// forks, over Node's IPC channel. Each WebSocket client is a numbered connection; its protocol
// messages travel wrapped with that number so one child serves every client.

/** Server → child. */
export type ToChild =
  | { t: 'open'; conn: number }
  | { t: 'msg'; conn: number; m: unknown }
  | { t: 'close'; conn: number };

/** Child → server. */
export type FromChild =
  | {
      t: 'ready';
      /** The project the child opened at start (null: none, or it could not be opened). */
      root: string | null;
      /** Runs found left running (by the crash that made this a restart), now 'interrupted'. */
      interruptedRuns: string[];
      /** Why the requested project could not be opened, if it could not. */
      error: string | null;
    }
  | { t: 'msg'; conn: number; m: unknown };
