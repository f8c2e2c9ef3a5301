// IPC handlers for the preload's few native calls. Each checks that the sender is the studio's own
// top-level page and that no arguments were smuggled in.
import { BrowserWindow, type IpcMainEvent, type IpcMainInvokeEvent, ipcMain } from 'electron';
import type { EngineProcess } from './engine-process';
import { Channels, checkNoArgs } from './ipc-contract';
import { pickProjectFolder, printWindowToPdf } from './native';
import { isTrustedSender } from './security';

export interface IpcDeps {
  engine: EngineProcess;
  devOrigin: string | null;
  onProjectChosen(root: string): void;
}

function trusted(event: IpcMainEvent | IpcMainInvokeEvent, devOrigin: string | null): boolean {
  const frame = event.senderFrame;
  return isTrustedSender(frame?.url, frame !== null && frame.parent === null, devOrigin);
}

function windowOf(event: IpcMainInvokeEvent): BrowserWindow {
  const win = BrowserWindow.fromWebContents(event.sender);
  if (!win) throw new Error('The request did not come from a studio window.');
  return win;
}

export function registerIpc(deps: IpcDeps): void {
  ipcMain.on(Channels.engineConnect, (event, ...args: unknown[]) => {
    if (!trusted(event, deps.devOrigin) || args.length > 0) {
      console.warn(
        `[ipc] refused ${Channels.engineConnect} from ${event.senderFrame?.url ?? 'an unknown frame'}`,
      );
      return;
    }
    deps.engine.connect(event.sender);
  });

  ipcMain.handle(Channels.openProjectFolder, async (event, ...args: unknown[]) => {
    if (!trusted(event, deps.devOrigin)) throw new Error('Refused: not the studio page.');
    checkNoArgs(Channels.openProjectFolder, args);
    const root = await pickProjectFolder(windowOf(event));
    if (root) deps.onProjectChosen(root);
    return root;
  });

  ipcMain.handle(Channels.printToPdf, async (event, ...args: unknown[]) => {
    if (!trusted(event, deps.devOrigin)) throw new Error('Refused: not the studio page.');
    checkNoArgs(Channels.printToPdf, args);
    return printWindowToPdf(windowOf(event));
  });
}
