// What the renderer needs from wherever it runs. Only platform/electron.ts and platform/web.ts
// know which one it is; everything else in the renderer talks to this interface.
import type { RpcClient } from '../../../engine/protocol/rpc';
import type { MenuCommand } from '../../../preload/api';

export interface Platform {
  readonly kind: 'electron' | 'web';
  /**
   * Connects to the engine host and resolves once the connection is usable. `onClosed`, where
   * the platform can tell, is called once if the connection later drops, with a readable reason.
   */
  connect(onClosed?: (reason: string) => void): Promise<RpcClient>;
  /** A native folder picker where one exists; null means the UI asks for a path in a text field. */
  readonly pickProjectFolder: (() => Promise<string | null>) | null;
  /** Print the current view to PDF where the platform can; null where it cannot. */
  readonly printToPdf: (() => Promise<string | null>) | null;
  /** Commands from a native menu (Electron's File → Save, Open Project…); absent in a browser. */
  readonly onMenuCommand?: (handler: (command: MenuCommand) => void) => () => void;
}
