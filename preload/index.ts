// Preload (sandboxed, bundled to one CommonJS file): exposes exactly one API, `window.studio`
// (preload/api.ts). Engine traffic goes over a MessagePort that main hands over on every page
// load; native calls go through ipcRenderer.invoke. No ipcRenderer, port or Node object leaks out.
import './zod-jitless';
import { contextBridge, ipcRenderer } from 'electron';
import { Channels, parseEngineDownInfo, parseMenuCommand } from '../main/ipc-contract';
import type { EngineRestartInfo, MenuCommand, StudioApi } from './api';
import { EngineLink } from './engine-link';

const link = new EngineLink();
const menuHandlers = new Set<(command: MenuCommand) => void>();

ipcRenderer.on(Channels.enginePort, (event) => {
  const port = event.ports[0];
  if (port) link.attachPort(port);
});

ipcRenderer.on(Channels.engineDown, (_event, raw: unknown) => {
  const info = parseEngineDownInfo(raw);
  if (info) link.engineDown(info);
});

ipcRenderer.on(Channels.menuCommand, (_event, raw: unknown) => {
  const command = parseMenuCommand(raw);
  if (!command) return;
  for (const h of menuHandlers) {
    try {
      h(command);
    } catch (err) {
      console.warn(`menu command handler failed: ${(err as Error).message}`);
    }
  }
});

// Ask main for a port to the engine; it arrives on Channels.enginePort (again after a restart).
ipcRenderer.send(Channels.engineConnect);

const asPathOrNull = (value: unknown): string | null => (typeof value === 'string' && value ? value : null);

const api: StudioApi = {
  platform: 'electron',
  rpc: {
    send: (message) => link.send(message),
    onMessage: (handler) => link.onMessage(handler),
  },
  dialogs: {
    openProjectFolder: async () => asPathOrNull(await ipcRenderer.invoke(Channels.openProjectFolder)),
  },
  printToPdf: async () => asPathOrNull(await ipcRenderer.invoke(Channels.printToPdf)),
  onEngineRestart: (handler: (info: EngineRestartInfo) => void) => link.onEngineRestart(handler),
  onMenuCommand: (handler: (command: MenuCommand) => void) => {
    if (typeof handler !== 'function') throw new TypeError('The handler must be a function.');
    menuHandlers.add(handler);
    return () => {
      menuHandlers.delete(handler);
    };
  },
};

contextBridge.exposeInMainWorld('studio', api);
