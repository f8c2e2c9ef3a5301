// The application menu as data. Only a type is imported from `electron` (erased at build time),
// so the template is unit-tested under plain Node; main/menus.ts installs it.
import type { MenuItemConstructorOptions } from 'electron';

export interface MenuActions {
  openProject(): void;
  save(): void;
  printToPdf(): void;
  about(): void;
  openDocs(): void;
  /** Open a project from File > Open Recent. */
  openRecent?(root: string): void;
  clearRecent?(): void;
}

export interface MenuOptions {
  isMac: boolean;
  /** Developer tools appear only in development builds. */
  isDev: boolean;
  appName: string;
  /** Recent project folders, most recent first (File > Open Recent). */
  recentProjects?: readonly string[];
}

export function buildMenuTemplate(actions: MenuActions, options: MenuOptions): MenuItemConstructorOptions[] {
  const { isMac, isDev, appName, recentProjects = [] } = options;
  const template: MenuItemConstructorOptions[] = [];
  if (isMac) {
    template.push({
      label: appName,
      submenu: [
        { label: `About ${appName}`, click: actions.about },
        { type: 'separator' },
        { role: 'services' },
        { type: 'separator' },
        { role: 'hide' },
        { role: 'hideOthers' },
        { role: 'unhide' },
        { type: 'separator' },
        { role: 'quit' },
      ],
    });
  }
  template.push({
    label: '&File',
    submenu: [
      { id: 'open-project', label: 'Open Project…', accelerator: 'CmdOrCtrl+O', click: actions.openProject },
      {
        id: 'open-recent',
        label: 'Open Recent',
        enabled: recentProjects.length > 0,
        submenu: [
          ...recentProjects.map((root, i) => ({
            id: `recent-${i}`,
            label: root,
            click: () => actions.openRecent?.(root),
          })),
          { type: 'separator' as const },
          { id: 'clear-recent', label: 'Clear Recently Opened', click: () => actions.clearRecent?.() },
        ],
      },
      { id: 'save', label: 'Save', accelerator: 'CmdOrCtrl+S', click: actions.save },
      { type: 'separator' },
      { id: 'print-to-pdf', label: 'Print to PDF…', accelerator: 'CmdOrCtrl+P', click: actions.printToPdf },
      { type: 'separator' },
      isMac ? { role: 'close' } : { role: 'quit', label: 'Quit', accelerator: 'Ctrl+Q' },
    ],
  });
  template.push({
    label: '&Edit',
    submenu: [
      { role: 'undo' },
      { role: 'redo' },
      { type: 'separator' },
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      { role: 'delete' },
      { type: 'separator' },
      { role: 'selectAll' },
    ],
  });
  const view: MenuItemConstructorOptions[] = [{ role: 'reload' }, { role: 'forceReload' }];
  if (isDev) view.push({ role: 'toggleDevTools' });
  view.push(
    { type: 'separator' },
    { role: 'resetZoom' },
    { role: 'zoomIn' },
    { role: 'zoomOut' },
    { type: 'separator' },
    { role: 'togglefullscreen' },
  );
  template.push({ label: '&View', submenu: view });
  template.push({
    label: '&Help',
    role: 'help',
    submenu: [
      { id: 'docs', label: 'Documentation', click: actions.openDocs },
      ...(isMac ? [] : [{ type: 'separator' as const }, { label: `About ${appName}`, click: actions.about }]),
    ],
  });
  return template;
}
