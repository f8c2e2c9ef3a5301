// The Electron shell end to end: a real window, preload, app:// protocol and engine utilityProcess.
// Needs Electron's binary (see scripts/test-electron.mjs, which skips these tests without it).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ElectronApplication, _electron as electron, expect, type Page, test } from '@playwright/test';
import type { EngineRestartInfo, StudioApi } from '../../preload/api';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

type StudioWindow = Window & { studio: StudioApi; __restarts?: EngineRestartInfo[] };

let app: ElectronApplication;
let page: Page;
let project: string;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  project = fs.mkdtempSync(path.join(os.tmpdir(), 'neurofab-electron-'));
  const env = { ...process.env } as Record<string, string>;
  delete env.ELECTRON_RENDERER_URL;
  delete env.ELECTRON_RUN_AS_NODE;
  app = await electron.launch({
    args: [...(isRoot ? ['--no-sandbox'] : []), repo, '--project', project],
    cwd: repo,
    env,
    timeout: 60_000,
  });
  app.process().stdout?.on('data', (d) => process.stdout.write(`[electron] ${d}`));
  app.process().stderr?.on('data', (d) => process.stderr.write(`[electron] ${d}`));
  page = await app.firstWindow();
  await page.waitForLoadState('domcontentloaded');
});

test.afterAll(async () => {
  await app?.close();
  fs.rmSync(project, { recursive: true, force: true });
});

/** One raw protocol request through window.studio.rpc (bypassing the UI's own client). */
function engineCall(method: string, params: unknown): Promise<unknown> {
  return page.evaluate(
    ([method, params]) =>
      new Promise((resolve, reject) => {
        const studio = (window as unknown as StudioWindow).studio;
        const id = 1_000_000 + Math.floor(Math.random() * 1_000_000);
        const timer = setTimeout(() => {
          off();
          reject(new Error(`${method}: no answer in 20 s`));
        }, 20_000);
        const off = studio.rpc.onMessage((raw) => {
          const m = raw as { type: string; id?: number; result?: unknown; error?: { message: string } };
          if (m.id !== id) return;
          clearTimeout(timer);
          off();
          if (m.type === 'response') resolve(m.result);
          else reject(new Error(m.error?.message ?? m.type));
        });
        studio.rpc.send({ type: 'request', id, method: method as string, params });
      }),
    [method, params] as const,
  );
}

test('loads the studio from app:// in a locked-down window @electron', async () => {
  expect(page.url()).toMatch(/^app:\/\/studio\//);
  const prefs = await app.evaluate(({ BrowserWindow }) => {
    // Not in Electron's typings, but present at run time; the behavioural checks below hold anyway.
    const contents = BrowserWindow.getAllWindows()[0]!.webContents as unknown as {
      getLastWebPreferences?: () => Record<string, unknown> | null;
    };
    const wp = contents.getLastWebPreferences?.();
    return wp
      ? {
          contextIsolation: wp.contextIsolation,
          sandbox: wp.sandbox,
          nodeIntegration: wp.nodeIntegration,
          webSecurity: wp.webSecurity,
          webviewTag: wp.webviewTag,
        }
      : null;
  });
  if (prefs) {
    expect(prefs).toEqual({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
    });
  }
});

// contextBridge.exposeInMainWorld throws unless contextIsolation is on, so window.studio being there
// at all is proof of isolation; no require/process/Buffer proves there is no Node in the page.
test('exposes window.studio and nothing of Node to the page @electron', async () => {
  const seen = await page.evaluate(() => {
    const w = window as unknown as Record<string, unknown> & StudioWindow;
    return {
      studio: typeof w.studio,
      platform: w.studio?.platform,
      keys: Object.keys(w.studio ?? {}).sort(),
      require: typeof w.require,
      process: typeof w.process,
      module: typeof w.module,
      Buffer: typeof w.Buffer,
      ipcRenderer: typeof (w.studio as unknown as Record<string, unknown>)?.ipcRenderer,
    };
  });
  expect(seen).toEqual({
    studio: 'object',
    platform: 'electron',
    keys: ['dialogs', 'onEngineRestart', 'onMenuCommand', 'platform', 'printToPdf', 'rpc'],
    require: 'undefined',
    process: 'undefined',
    module: 'undefined',
    Buffer: 'undefined',
    ipcRenderer: 'undefined',
  });
});

test('the engine answers engine.info through the MessagePort @electron', async () => {
  const info = (await engineCall('engine.info', {})) as { protocol: number; projectRoot: string | null };
  expect(info.protocol).toBe(1);
  expect(info.projectRoot && fs.realpathSync(info.projectRoot)).toBe(fs.realpathSync(project));
});

test('the preload refuses messages that are not protocol requests @electron', async () => {
  const error = await page.evaluate(() => {
    try {
      (window as unknown as StudioWindow).studio.rpc.send({ type: 'response', id: 1, result: {} });
      return null;
    } catch (err) {
      return (err as Error).message;
    }
  });
  expect(error).toMatch(/only requests and cancels/);
});

test('app:// responses carry the CSP and refuse escapes @electron', async () => {
  const result = await page.evaluate(async () => {
    const index = await fetch('app://studio/index.html');
    const escaping = await fetch('app://studio/..%2f..%2fpackage.json');
    return { csp: index.headers.get('content-security-policy'), escapeStatus: escaping.status };
  });
  expect(result.csp).toContain("default-src 'self'");
  expect(result.csp).not.toContain('unsafe-eval');
  expect(result.escapeStatus).toBe(403);
});

test('refuses navigation to a remote URL, popups and permissions @electron', async () => {
  await page.evaluate(() => {
    window.location.href = 'https://example.com/';
  });
  await page.waitForTimeout(1000);
  expect(page.url()).toMatch(/^app:\/\/studio\//);
  const mainUrl = await app.evaluate(({ BrowserWindow }) =>
    BrowserWindow.getAllWindows()[0]!.webContents.getURL(),
  );
  expect(mainUrl).toMatch(/^app:\/\/studio\//);

  const popup = await page.evaluate(() => window.open('https://example.com/') === null);
  expect(popup).toBe(true);
  expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(1);

  const permission = await page.evaluate(() => Notification.requestPermission());
  expect(permission).toBe('denied');
});

test('restarts a crashed engine and hands the page a new port @electron', async () => {
  const pid = await app.evaluate(({ app: electronApp }) => {
    const metric = electronApp
      .getAppMetrics()
      .find(
        (m) => m.type === 'Utility' && (m.serviceName === 'Neurofab engine' || m.name === 'Neurofab engine'),
      );
    return metric?.pid ?? null;
  });
  expect(pid).not.toBeNull();
  await page.evaluate(() => {
    const w = window as unknown as StudioWindow;
    w.__restarts = [];
    w.studio.onEngineRestart?.((info) => w.__restarts!.push(info));
  });
  process.kill(pid!, 'SIGKILL');
  await expect
    .poll(() => page.evaluate(() => (window as unknown as StudioWindow).__restarts?.length ?? 0))
    .toBe(1);
  const restart = await page.evaluate(() => (window as unknown as StudioWindow).__restarts![0]!);
  expect(restart.restarting).toBe(true);
  const info = (await engineCall('engine.info', {})) as { protocol: number; projectRoot: string | null };
  expect(info.protocol).toBe(1);
  expect(info.projectRoot && fs.realpathSync(info.projectRoot)).toBe(fs.realpathSync(project));
});
