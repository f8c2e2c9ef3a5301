// Electron main process: thin shell duties only. It serves the built renderer from app://studio,
// locks the window down (isolation, sandbox, CSP, no navigation/popups/webviews/permissions),
// installs the menu, answers the preload's native calls, and runs the engine in a utilityProcess.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, dialog, protocol, screen, session, shell } from 'electron';
import { serveAppRequest } from './app-protocol';
import {
  DEFAULT_WINDOW,
  launchTarget,
  loadAppState,
  MIN_WINDOW,
  restoreWindowState,
  saveAppState,
  unpackedPath,
  withRecentProject,
} from './app-state';
import { EngineProcess } from './engine-process';
import { registerIpc } from './ipc';
import { Channels } from './ipc-contract';
import { installMenu } from './menus';
import {
  APP_ENTRY_URL,
  APP_SCHEME,
  contentSecurityPolicy,
  isNavigationAllowed,
  isPermissionGranted,
  isRequestAllowed,
  loopbackDevOrigin,
} from './security';

// Must happen before 'ready': app:// behaves like a secure, standard origin (fetch, workers, CSP 'self').
protocol.registerSchemesAsPrivileged([
  {
    scheme: APP_SCHEME,
    privileges: {
      standard: true,
      secure: true,
      supportFetchAPI: true,
      corsEnabled: true,
      stream: true,
      codeCache: true,
    },
  },
]);
// Every renderer is sandboxed, whatever a window's options say.
app.enableSandbox();

// One studio process: a second launch (double-clicking a .nfab file, the dock, the command line)
// hands its arguments to this one ('second-instance' below) and exits.
const primaryInstance = app.requestSingleInstanceLock();
if (!primaryInstance) app.exit(0);

const isDev = !app.isPackaged;
/** electron-vite dev sets ELECTRON_RENDERER_URL; honoured only unpackaged and only on loopback. */
const devOrigin = isDev ? loopbackDevOrigin(process.env.ELECTRON_RENDERER_URL) : null;
const here = path.dirname(fileURLToPath(import.meta.url));
const rendererDir = path.resolve(here, '../renderer');
const preloadPath = path.resolve(here, '../preload/index.cjs');

const stateFile = path.join(app.getPath('userData'), 'studio-state.json');
const state = loadAppState(stateFile);
const persistState = () => {
  try {
    saveAppState(stateFile, state);
  } catch (err) {
    // Losing the recent list or the window size is not worth interrupting the user for.
    console.warn(`[state] could not save ${stateFile}: ${(err as Error).message}`);
  }
};

/** --project DIR, or the .nfab file the OS opened us with (its folder is the project). */
let projectRoot: string | null = launchTarget(process.argv.slice(1), process.cwd())?.root ?? null;
let mainWindow: BrowserWindow | null = null;

const engine = new EngineProcess({
  hostScript: unpackedPath(path.join(app.getAppPath(), 'out', 'engine', 'host.js')),
  projectRoot: () => projectRoot,
  onGiveUp: (reason, exitCode) => {
    const choice = dialog.showMessageBoxSync({
      type: 'error',
      title: 'Engine stopped',
      message: 'The Neurofab engine keeps crashing and was not restarted.',
      detail: `${reason} (last exit code ${exitCode}). Your files and recorded runs are on disk; runs that were in progress are marked interrupted.`,
      buttons: ['Restart engine', 'Keep it stopped'],
      defaultId: 0,
      cancelId: 1,
    });
    if (choice === 0) engine.restart();
  },
});

/** The shell remembers the open project (a restarted engine reopens it) and lists it as recent. */
const rememberProject = (root: string) => {
  projectRoot = root;
  state.recentProjects = withRecentProject(state.recentProjects, root);
  persistState();
  app.addRecentDocument(root);
  if (app.isReady()) refreshMenu();
};

/** Brings the window up (restored if minimised); null when there is none yet. */
function focusMainWindow(): BrowserWindow | null {
  const win = mainWindow;
  if (!win || win.isDestroyed()) return null;
  if (win.isMinimized()) win.restore();
  win.focus();
  return win;
}

/** Opens a project in the window on behalf of the OS (file association, second launch, recent list). */
function openProjectInWindow(root: string): void {
  rememberProject(root);
  const win = focusMainWindow();
  if (!win) return; // the window, once created, asks the engine for projectRoot
  win.webContents.send(Channels.menuCommand, { command: 'open-project', root });
}

function refreshMenu(): void {
  installMenu({
    isDev,
    onProjectChosen: rememberProject,
    openDocs,
    recentProjects: state.recentProjects,
    openRecent: openProjectInWindow,
    clearRecent: () => {
      state.recentProjects = [];
      persistState();
      app.clearRecentDocuments();
      refreshMenu();
    },
  });
}

app.on('second-instance', (_event, argv, cwd) => {
  const target = launchTarget(argv.slice(1), cwd);
  if (target) openProjectInWindow(target.root);
  else focusMainWindow();
});

// macOS delivers file-association opens as an event, possibly before 'ready'.
app.on('open-file', (event, file) => {
  event.preventDefault();
  const target = launchTarget([file], process.cwd());
  if (!target) return;
  if (app.isReady()) openProjectInWindow(target.root);
  else projectRoot = target.root;
});

/** Locks down every webContents the app ever creates (windows, devtools, anything else). */
app.on('web-contents-created', (_event, contents) => {
  const refuse = (what: string) => (event: Electron.Event<{ url: string }>) => {
    if (isNavigationAllowed(event.url, devOrigin)) return;
    event.preventDefault();
    console.warn(`[security] refused ${what} to ${event.url}`);
  };
  contents.on('will-navigate', refuse('navigation'));
  contents.on('will-frame-navigate', refuse('frame navigation'));
  contents.on('will-redirect', refuse('redirect'));
  contents.setWindowOpenHandler(({ url }) => {
    console.warn(`[security] refused window.open(${url})`);
    return { action: 'deny' };
  });
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    console.warn('[security] refused a <webview>');
  });
});

function hardenSession(): void {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_contents, permission, callback, details) => {
    callback(isPermissionGranted(permission, details.requestingUrl));
  });
  ses.setPermissionCheckHandler((_contents, permission, origin) => isPermissionGranted(permission, origin));
  ses.setDevicePermissionHandler(() => false);
  // Defence in depth behind the CSP: nothing leaves the machine.
  ses.webRequest.onBeforeRequest((details, callback) => {
    const allowed = isRequestAllowed(details.url, devOrigin);
    if (!allowed) console.warn(`[security] blocked request to ${details.url}`);
    callback({ cancel: !allowed });
  });
  if (devOrigin) {
    // The dev server's responses do not pass through the app:// handler; give them the CSP too.
    const csp = contentSecurityPolicy(devOrigin);
    ses.webRequest.onHeadersReceived((details, callback) => {
      callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } });
    });
  }
  protocol.handle(APP_SCHEME, async (request) => {
    const response = await serveAppRequest(request.url, rendererDir, devOrigin);
    return new Response(response.body, { status: response.status, headers: response.headers });
  });
}

function createWindow(): BrowserWindow {
  const restored = restoreWindowState(
    state.window,
    screen.getAllDisplays().map((d) => d.workArea),
  );
  const win = new BrowserWindow({
    ...(restored
      ? { x: restored.x, y: restored.y, width: restored.width, height: restored.height }
      : DEFAULT_WINDOW),
    minWidth: MIN_WINDOW.width,
    minHeight: MIN_WINDOW.height,
    show: false,
    title: 'Neurofab Studio',
    backgroundColor: '#1e1e1e',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      // Middle-click (auxclick) could open a link in a new window; the window-open handler denies
      // that anyway, this removes the event altogether (electronegativity AUXCLICK_JS_CHECK).
      disableBlinkFeatures: 'Auxclick',
      safeDialogs: true,
      spellcheck: false,
    },
  });
  win.once('ready-to-show', () => {
    if (restored?.maximized) win.maximize();
    win.show();
  });
  win.on('close', () => {
    state.window = { ...win.getNormalBounds(), maximized: win.isMaximized() };
    persistState();
  });
  mainWindow = win;
  win.webContents.on('render-process-gone', (_event, details) => {
    console.error(`[window] renderer gone: ${details.reason} (exit code ${details.exitCode})`);
  });
  void win.loadURL(devOrigin ? `${devOrigin}/` : APP_ENTRY_URL);
  return win;
}

function openDocs(): void {
  const doc = path.join(app.getAppPath(), 'README.md');
  if (fs.existsSync(doc)) void shell.openPath(doc);
}

app.whenReady().then(() => {
  if (!primaryInstance) return;
  hardenSession();
  registerIpc({ engine, devOrigin, onProjectChosen: rememberProject });
  // rememberProject refreshes the menu itself.
  if (projectRoot) rememberProject(projectRoot);
  else refreshMenu();
  if (fs.existsSync(path.join(app.getAppPath(), 'out', 'engine', 'host.js'))) {
    engine.start();
  } else {
    dialog.showErrorBox(
      'Engine not built',
      `out/engine/host.js is missing under ${app.getAppPath()}. Run \`npm run build\` and start the studio again.`,
    );
  }
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

// Stop the engine gracefully (it closes the SQLite store) before the app exits.
let quitting = false;
app.on('before-quit', (event) => {
  if (quitting) return;
  quitting = true;
  event.preventDefault();
  void engine.stop().finally(() => app.quit());
});
