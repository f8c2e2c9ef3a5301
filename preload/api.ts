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
}
