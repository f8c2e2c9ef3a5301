// Installs the application menu (main/menu-template.ts) and wires its actions.
import { app, BrowserWindow, dialog, Menu } from 'electron';
import { Channels, type MenuCommand } from './ipc-contract';
import { buildMenuTemplate } from './menu-template';
import { pickProjectFolder, printWindowToPdf } from './native';

export interface MenuDeps {
  isDev: boolean;
  /** The shell remembers the project so a restarted engine reopens it. */
  onProjectChosen(root: string): void;
  openDocs(): void;
  /** File > Open Recent: most recent first. */
  recentProjects: readonly string[];
  /** Opens a project folder in the focused window (recent list, file association). */
  openRecent(root: string): void;
  clearRecent(): void;
}

function send(win: BrowserWindow | null, command: MenuCommand): void {
  if (win && !win.isDestroyed()) win.webContents.send(Channels.menuCommand, command);
}

export function installMenu(deps: MenuDeps): void {
  const focused = () => BrowserWindow.getFocusedWindow() ?? BrowserWindow.getAllWindows()[0] ?? null;
  const template = buildMenuTemplate(
    {
      openProject: () => {
        const win = focused();
        void pickProjectFolder(win).then((root) => {
          if (!root) return;
          deps.onProjectChosen(root);
          send(win, { command: 'open-project', root });
        });
      },
      save: () => send(focused(), { command: 'save' }),
      printToPdf: () => {
        const win = focused();
        if (!win) return;
        printWindowToPdf(win).catch((err: Error) => {
          dialog.showErrorBox('Print to PDF failed', err.message);
        });
      },
      about: () => {
        void dialog.showMessageBox({
          type: 'info',
          title: `About ${app.getName()}`,
          message: 'Neurofab Studio',
          detail: `Version ${app.getVersion()}\nElectron ${process.versions.electron}, Chromium ${process.versions.chrome}, Node ${process.versions.node}`,
        });
      },
      openDocs: deps.openDocs,
      openRecent: deps.openRecent,
      clearRecent: deps.clearRecent,
    },
    {
      isMac: process.platform === 'darwin',
      isDev: deps.isDev,
      appName: 'Neurofab Studio',
      recentProjects: deps.recentProjects,
    },
  );
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}
