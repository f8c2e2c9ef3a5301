// The shell's memory between launches (recent projects, window bounds), its command line (a .nfab
// file from the OS file association) and the packaged engine path: main/app-state.ts, on real files.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  launchTarget,
  loadAppState,
  MAX_RECENT_PROJECTS,
  parseAppState,
  restoreWindowState,
  saveAppState,
  unpackedPath,
  withRecentProject,
} from '../../main/app-state';
import { buildMenuTemplate } from '../../main/menu-template';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'shell-state-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('recent projects and window state', () => {
  it('round-trips through the state file', () => {
    const file = path.join(tmp, 'a', 'studio-state.json');
    const state = {
      recentProjects: ['/p/one', '/p/two'],
      window: { x: 10, y: 20, width: 1200, height: 800, maximized: true },
    };
    saveAppState(file, state);
    expect(loadAppState(file)).toEqual(state);
    expect(fs.readdirSync(path.dirname(file))).toEqual(['studio-state.json']);
  });

  it('starts from defaults when the file is missing, corrupt or half-valid', () => {
    expect(loadAppState(path.join(tmp, 'missing.json'))).toEqual({ recentProjects: [], window: null });
    const bad = path.join(tmp, 'bad.json');
    fs.writeFileSync(bad, '{"recentProjects": [');
    expect(loadAppState(bad)).toEqual({ recentProjects: [], window: null });
    expect(
      parseAppState(
        JSON.stringify({ recentProjects: ['/ok', 3, 'relative/no'], window: { x: 0, y: 0, width: 'big' } }),
      ),
    ).toEqual({ recentProjects: ['/ok'], window: null });
  });

  it('keeps recent projects most recent first, unique and bounded', () => {
    let recent: string[] = [];
    for (let i = 0; i < 15; i++) recent = withRecentProject(recent, `/p/${i}`);
    recent = withRecentProject(recent, '/p/10');
    expect(recent).toHaveLength(MAX_RECENT_PROJECTS);
    expect(recent[0]).toBe('/p/10');
    expect(recent[1]).toBe('/p/14');
    expect(new Set(recent).size).toBe(recent.length);
  });

  it('restores bounds only onto a display that still exists', () => {
    const saved = { x: 2000, y: 100, width: 1200, height: 800, maximized: false };
    const twoScreens = [
      { x: 0, y: 0, width: 1920, height: 1080 },
      { x: 1920, y: 0, width: 2560, height: 1440 },
    ];
    expect(restoreWindowState(saved, twoScreens)).toEqual(saved);
    // The second monitor was unplugged: fall back to the default size.
    expect(restoreWindowState(saved, [twoScreens[0]!])).toBeNull();
    // A window larger than the remaining screen is shrunk to fit.
    const big = { x: 0, y: 0, width: 3000, height: 2000, maximized: false };
    expect(restoreWindowState(big, [twoScreens[0]!])).toMatchObject({ width: 1920, height: 1080 });
  });

  it('lists recent projects in File > Open Recent and opens them', () => {
    const opened: string[] = [];
    const noop = () => {};
    const menu = buildMenuTemplate(
      {
        openProject: noop,
        save: noop,
        printToPdf: noop,
        about: noop,
        openDocs: noop,
        openRecent: (r) => opened.push(r),
      },
      { isMac: false, isDev: false, appName: 'N', recentProjects: ['/p/a', '/p/b'] },
    );
    type Item = { id?: string; label?: string; click?: () => void; submenu?: Item[] };
    const file = (menu as Item[])[0]!.submenu!;
    const recent = file.find((i) => i.id === 'open-recent')!;
    expect(recent.submenu!.slice(0, 2).map((i) => i.label)).toEqual(['/p/a', '/p/b']);
    recent.submenu![1]!.click!();
    expect(opened).toEqual(['/p/b']);
  });
});

describe('launch arguments', () => {
  it('opens the folder of a .nfab file given by the file association', () => {
    expect(launchTarget(['--no-sandbox', 'designs/mlp.nfab'], '/home/u')).toEqual({
      root: path.resolve('/home/u/designs'),
      file: path.resolve('/home/u/designs/mlp.nfab'),
    });
    expect(launchTarget(['/abs/x.NFAB'], '/cwd')?.root).toBe(path.resolve('/abs'));
  });

  it('prefers --project and ignores unrelated arguments', () => {
    expect(launchTarget(['--project', 'proj', 'a.nfab'], '/w')).toEqual({
      root: path.resolve('/w/proj'),
      file: null,
    });
    expect(launchTarget(['.', '--inspect'], '/w')).toBeNull();
    expect(launchTarget(['notes.txt'], '/w')).toBeNull();
  });
});

describe('packaged engine path', () => {
  it('points into app.asar.unpacked, where worker threads and native addons can load', () => {
    expect(unpackedPath('/opt/Neurofab Studio/resources/app.asar/out/engine/host.js')).toBe(
      '/opt/Neurofab Studio/resources/app.asar.unpacked/out/engine/host.js',
    );
    expect(unpackedPath('C:\\Apps\\resources\\app.asar\\out\\engine\\host.js')).toBe(
      'C:\\Apps\\resources\\app.asar.unpacked\\out\\engine\\host.js',
    );
    // Unpackaged (npm start): unchanged.
    expect(unpackedPath('/work/main/out/engine/host.js')).toBe('/work/main/out/engine/host.js');
  });
});
