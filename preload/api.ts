// The one API the preload script exposes to the renderer as `window.studio`.
// Engine traffic is protocol wire messages (engine/protocol); the rest are native shell duties.
import type { WireMessage } from '../engine/protocol/schema';

export interface StudioApi {
  readonly platform: 'electron';
  readonly rpc: {
    send(message: WireMessage): void;
    /** Returns an unsubscribe function. */
    onMessage(handler: (message: unknown) => void): () => void;
  };
  readonly dialogs: {
    /** Native folder picker; resolves to an absolute path, or null when cancelled. */
    openProjectFolder(): Promise<string | null>;
  };
  /** Prints the current window to a PDF file chosen by the user; resolves to its path or null. */
  printToPdf(): Promise<string | null>;
  /**
   * The engine process exited unexpectedly. The shell restarts it (unless `restarting` is false)
   * and the preload switches to the new engine's port by itself; messages sent meanwhile are
   * queued. Requests that were in flight are lost: their ids are in `lostRequestIds`, and no
   * response will come for them. The new engine reopens the shell's last known project.
   * Returns an unsubscribe function.
   */
  onEngineRestart?(handler: (info: EngineRestartInfo) => void): () => void;
  /** Commands from the native menu that the renderer carries out. Returns an unsubscribe function. */
  onMenuCommand?(handler: (command: MenuCommand) => void): () => void;
}

export interface EngineRestartInfo {
  exitCode: number;
  /** False when the engine crashed too often and the shell stopped restarting it. */
  restarting: boolean;
  lostRequestIds: number[];
}

/** File → Save (Ctrl+S) and File → Open Project… (Ctrl+O; main already asked for the folder). */
export type MenuCommand = { command: 'save' } | { command: 'open-project'; root: string };
