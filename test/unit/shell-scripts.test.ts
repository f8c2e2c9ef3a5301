import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
// @ts-expect-error plain .mjs script without type declarations
import { findElectronBinary, needsBuild } from '../../scripts/electron-binary.mjs';

const dirs: string[] = [];
function tmpRoot(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'shell-scripts-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('Electron binary detection (npm start, test-electron)', () => {
  it('explains a missing package, a missing path.txt and a missing binary', () => {
    const root = tmpRoot();
    expect(findElectronBinary(root)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/not installed/),
    });
    const pkg = path.join(root, 'node_modules', 'electron');
    fs.mkdirSync(pkg, { recursive: true });
    fs.writeFileSync(path.join(pkg, 'package.json'), '{}');
    expect(findElectronBinary(root)).toMatchObject({ ok: false, reason: expect.stringMatching(/path\.txt/) });
    fs.writeFileSync(path.join(pkg, 'path.txt'), 'electron');
    expect(findElectronBinary(root)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/does not exist/),
    });
    fs.mkdirSync(path.join(pkg, 'dist'));
    fs.writeFileSync(path.join(pkg, 'dist', 'electron'), '');
    expect(findElectronBinary(root)).toEqual({ ok: true, path: path.join(pkg, 'dist', 'electron') });
  });

  it('rebuilds when an output is missing or older than a source', () => {
    const root = tmpRoot();
    fs.mkdirSync(path.join(root, 'main'));
    fs.mkdirSync(path.join(root, 'out'));
    const src = path.join(root, 'main', 'index.ts');
    const out = path.join(root, 'out', 'a.js');
    fs.writeFileSync(src, '');
    expect(needsBuild(root, ['out/a.js'])).toBe(true);
    fs.writeFileSync(out, '');
    fs.utimesSync(src, new Date(1000), new Date(1000));
    fs.utimesSync(out, new Date(2000), new Date(2000));
    expect(needsBuild(root, ['out/a.js'])).toBe(false);
    fs.utimesSync(src, new Date(3000), new Date(3000));
    expect(needsBuild(root, ['out/a.js'])).toBe(true);
  });
});
