import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  listProjectFiles,
  openProjectRoot,
  readProjectText,
  resolveInProject,
  writeProjectText,
} from '../../engine/host/project';
import { ENGINE_VERSION } from '../../engine/version';

function tempProject(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nf-project-'));
  return fs.realpathSync(dir);
}

describe('project folder access', () => {
  it('reads and writes files inside the project, atomically', () => {
    const root = tempProject();
    writeProjectText(root, 'lib/devices.nfab', 'device d : ideal {}\n');
    expect(readProjectText(root, 'lib/devices.nfab')).toBe('device d : ideal {}\n');
    expect(fs.readdirSync(path.join(root, 'lib'))).toEqual(['devices.nfab']);
  });

  it('refuses paths that escape the project', () => {
    const root = tempProject();
    expect(() => resolveInProject(root, '../outside.nfab')).toThrow(/outside the project/);
    expect(() => resolveInProject(root, 'a/../../outside.nfab')).toThrow(/outside the project/);
    expect(() => resolveInProject(root, '/etc/passwd')).toThrow(/relative to the project/);
    expect(() => readProjectText(root, '../../etc/passwd')).toThrow(/outside the project/);
  });

  it('refuses a symlink that leads out of the project', () => {
    const root = tempProject();
    const outside = tempProject();
    fs.writeFileSync(path.join(outside, 'secret.txt'), 'secret');
    fs.symlinkSync(outside, path.join(root, 'link'));
    expect(() => readProjectText(root, 'link/secret.txt')).toThrow(/through a link/);
    expect(() => writeProjectText(root, 'link/new.nfab', 'x')).toThrow(/through a link/);
  });

  it('lists sources but hides the store and dot folders', () => {
    const root = tempProject();
    writeProjectText(root, 'a.nfab', 'x');
    writeProjectText(root, 'lib/b.nfab', 'yy');
    fs.mkdirSync(path.join(root, '.neurofab'));
    fs.writeFileSync(path.join(root, '.neurofab', 'project.db'), '');
    expect(listProjectFiles(root)).toEqual([
      { path: 'a.nfab', kind: 'file', size: 1 },
      { path: 'lib', kind: 'dir', size: 0 },
      { path: 'lib/b.nfab', kind: 'file', size: 2 },
    ]);
  });

  it('opens, creates, or explains a missing folder', () => {
    const root = tempProject();
    expect(() => openProjectRoot(path.join(root, 'nope'), false)).toThrow(/does not exist/);
    expect(fs.existsSync(openProjectRoot(path.join(root, 'new'), true))).toBe(true);
  });

  it('records the same engine version as package.json', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '../../package.json'), 'utf8'));
    expect(ENGINE_VERSION).toBe(pkg.version);
  });
});
