// electron-builder.yml is checked with electron-builder's own schema (the same check
// `electron-builder` runs before building) and the studio's requirements (scripts/package.mjs).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error: plain .mjs script without type declarations
import { pngSize, validatePackagingConfig } from '../../scripts/package.mjs';

const repo = path.resolve(import.meta.dirname, '../..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pkg-config-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A copy of the real config with `edit` applied to its text. */
function variant(name: string, edit: (yml: string) => string): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, edit(fs.readFileSync(path.join(repo, 'electron-builder.yml'), 'utf8')));
  return file;
}

describe('packaging config', () => {
  it('validates: schema, targets, icon, .nfab association, unpacked engine and better-sqlite3', async () => {
    const result = await validatePackagingConfig(repo);
    expect(result.problems).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.config.productName).toBe('Neurofab Studio');
  }, 60_000);

  it('rejects what electron-builder would reject (an unknown option)', async () => {
    const file = variant('unknown.yml', (y) => `${y}\nwindowsTarget: nsis\n`);
    const result = await validatePackagingConfig(repo, file);
    expect(result.ok).toBe(false);
    expect(result.problems.join('\n')).toMatch(/unknown property 'windowsTarget'/);
  }, 60_000);

  it('rejects a config that would ship without the .nfab association or a packed native addon', async () => {
    const file = variant('weak.yml', (y) =>
      y
        .replace(/ext: nfab/, 'ext: txt')
        .replace(/ {2}- node_modules\/\*\*\n/, '')
        .replace(/ {4}- deb\n/, ''),
    );
    const result = await validatePackagingConfig(repo, file);
    expect(result.ok).toBe(false);
    const text = result.problems.join('\n');
    expect(text).toMatch(/\.nfab/);
    expect(text).toMatch(/better-sqlite3/);
    expect(text).toMatch(/AppImage and deb/);
  }, 60_000);

  it('has a square icon of at least 512 px', () => {
    const { width, height } = pngSize(path.join(repo, 'build', 'icon.png'));
    expect(width).toBe(height);
    expect(width).toBeGreaterThanOrEqual(512);
  });
});
