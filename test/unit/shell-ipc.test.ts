import { describe, expect, it } from 'vitest';
import { RestartPolicy } from '../../engine/host/restart-policy';
import {
  checkNoArgs,
  defaultPdfName,
  parseEngineDownInfo,
  parseMenuCommand,
  parseProjectArg,
  pdfTargetPath,
} from '../../main/ipc-contract';
import { buildMenuTemplate } from '../../main/menu-template';

describe('IPC argument checks', () => {
  it('accepts no arguments and refuses any', () => {
    expect(() => checkNoArgs('x', [])).not.toThrow();
    expect(() => checkNoArgs('x', [undefined])).not.toThrow();
    expect(() => checkNoArgs('x', ['/etc'])).toThrow(/takes no arguments/);
    expect(() => checkNoArgs('x', [undefined, 1])).toThrow();
  });

  it('parses engine-down notices strictly', () => {
    expect(parseEngineDownInfo({ exitCode: 9, restarting: true })).toEqual({ exitCode: 9, restarting: true });
    expect(parseEngineDownInfo({ exitCode: 1.5, restarting: true })).toBeNull();
    expect(parseEngineDownInfo({ exitCode: 1 })).toBeNull();
    expect(parseEngineDownInfo(null)).toBeNull();
    expect(parseEngineDownInfo('down')).toBeNull();
  });

  it('parses menu commands strictly', () => {
    expect(parseMenuCommand({ command: 'save' })).toEqual({ command: 'save' });
    expect(parseMenuCommand({ command: 'open-project', root: '/p' })).toEqual({
      command: 'open-project',
      root: '/p',
    });
    expect(parseMenuCommand({ command: 'open-project', root: '' })).toBeNull();
    expect(parseMenuCommand({ command: 'open-project' })).toBeNull();
    expect(parseMenuCommand({ command: 'rm -rf' })).toBeNull();
    expect(parseMenuCommand(undefined)).toBeNull();
  });

  it('makes PDF paths and names', () => {
    expect(pdfTargetPath('/tmp/report')).toBe('/tmp/report.pdf');
    expect(pdfTargetPath('/tmp/report.PDF')).toBe('/tmp/report.PDF');
    expect(defaultPdfName('Neurofab Studio — chip.nfab')).toBe('Neurofab Studio — chip.nfab.pdf');
    expect(defaultPdfName('a/b:c*?\u0007"<>|d')).toBe('a b c d.pdf');
    expect(defaultPdfName('   ')).toBe('Neurofab Studio.pdf');
    expect(defaultPdfName('x'.repeat(300))).toHaveLength(104);
  });

  it('reads --project from the command line', () => {
    expect(parseProjectArg(['.', '--project', '/p'])).toBe('/p');
    expect(parseProjectArg(['.', '--project=/q'])).toBe('/q');
    expect(parseProjectArg(['.', '--project'])).toBeNull();
    expect(parseProjectArg(['.', '--project', '--inspect'])).toBeNull();
    expect(parseProjectArg(['.'])).toBeNull();
  });
});

describe('engine restart policy', () => {
  it('backs off exponentially and gives up after a crash loop', () => {
    const policy = new RestartPolicy({ maxRestarts: 3, windowMs: 10_000, baseDelayMs: 100, maxDelayMs: 300 });
    expect(policy.onCrash(0)).toEqual({ restart: true, delayMs: 100 });
    expect(policy.onCrash(1)).toEqual({ restart: true, delayMs: 200 });
    expect(policy.onCrash(2)).toEqual({ restart: true, delayMs: 300 });
    const last = policy.onCrash(3);
    expect(last.restart).toBe(false);
    if (!last.restart) expect(last.reason).toMatch(/4 times within 10 s/);
  });

  it('forgets crashes outside its window', () => {
    const policy = new RestartPolicy({ maxRestarts: 1, windowMs: 1000, baseDelayMs: 50 });
    expect(policy.onCrash(0).restart).toBe(true);
    expect(policy.onCrash(5000)).toEqual({ restart: true, delayMs: 50 });
    expect(policy.onCrash(5500).restart).toBe(false);
    policy.reset();
    expect(policy.onCrash(5600).restart).toBe(true);
  });
});

describe('application menu', () => {
  const calls: string[] = [];
  const actions = {
    openProject: () => calls.push('open'),
    save: () => calls.push('save'),
    printToPdf: () => calls.push('pdf'),
    about: () => calls.push('about'),
    openDocs: () => calls.push('docs'),
  };
  type Item = { label?: string; role?: string; id?: string; accelerator?: string; submenu?: unknown };
  const items = (menu: Item[], label: string) =>
    (menu.find((m) => m.label === label)?.submenu ?? []) as Item[];

  it('has File, Edit, View and Help with the documented accelerators', () => {
    const menu = buildMenuTemplate(actions, {
      isMac: false,
      isDev: false,
      appName: 'Neurofab Studio',
    }) as Item[];
    expect(menu.map((m) => m.label)).toEqual(['&File', '&Edit', '&View', '&Help']);
    const file = items(menu, '&File');
    expect(file.find((i) => i.id === 'open-project')?.accelerator).toBe('CmdOrCtrl+O');
    expect(file.find((i) => i.id === 'save')?.accelerator).toBe('CmdOrCtrl+S');
    expect(file.some((i) => i.id === 'print-to-pdf')).toBe(true);
    expect(file.some((i) => i.role === 'quit')).toBe(true);
    expect(items(menu, '&Edit').map((i) => i.role)).toContain('paste');
    const view = items(menu, '&View').map((i) => i.role);
    expect(view).toEqual(expect.arrayContaining(['reload', 'zoomIn', 'zoomOut', 'resetZoom']));
    expect(view).not.toContain('toggleDevTools');
  });

  it('offers developer tools only in development', () => {
    const menu = buildMenuTemplate(actions, { isMac: false, isDev: true, appName: 'N' }) as Item[];
    expect(items(menu, '&View').map((i) => i.role)).toContain('toggleDevTools');
  });

  it('wires the actions', () => {
    const menu = buildMenuTemplate(actions, { isMac: false, isDev: false, appName: 'N' }) as Item[];
    for (const item of items(menu, '&File')) (item as { click?: () => void }).click?.();
    expect(calls).toEqual(['open', 'save', 'pdf']);
  });

  it('has the application menu first on macOS', () => {
    const menu = buildMenuTemplate(actions, {
      isMac: true,
      isDev: false,
      appName: 'Neurofab Studio',
    }) as Item[];
    expect(menu[0]?.label).toBe('Neurofab Studio');
  });
});
