// Is Electron's binary on this machine? `npm install electron` fetches it in a postinstall; where
// that cannot happen (no network, ELECTRON_SKIP_BINARY_DOWNLOAD) the package exists without it.
// Decided from node_modules/electron/path.txt + dist/ instead of `require('electron')`, which
// throws when the binary is missing. Shared by scripts/start.mjs and scripts/test-electron.mjs.
import fs from 'node:fs';
import path from 'node:path';

/** @returns {{ ok: true, path: string } | { ok: false, reason: string }} */
export function findElectronBinary(root) {
  const dir = path.join(root, 'node_modules', 'electron');
  if (!fs.existsSync(path.join(dir, 'package.json'))) {
    return { ok: false, reason: 'the electron package is not installed (npm install)' };
  }
  const pathFile = path.join(dir, 'path.txt');
  if (!fs.existsSync(pathFile)) {
    return {
      ok: false,
      reason:
        'node_modules/electron has no path.txt: it was installed without its binary (no network or ELECTRON_SKIP_BINARY_DOWNLOAD)',
    };
  }
  const relative = fs.readFileSync(pathFile, 'utf8').trim();
  const distDir = process.env.ELECTRON_OVERRIDE_DIST_PATH || path.join(dir, 'dist');
  const exe = path.join(distDir, relative);
  if (!fs.existsSync(exe)) return { ok: false, reason: `${exe} does not exist` };
  return { ok: true, path: exe };
}

/** On Linux a window needs X11 or Wayland. */
export function hasDisplay() {
  if (process.platform !== 'linux') return true;
  return Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
}

/** Electron refuses to run as root unless Chromium's OS sandbox is switched off. */
export function isRoot() {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

const OUTPUTS = [
  'out/main/index.js',
  'out/preload/index.cjs',
  'out/renderer/index.html',
  'out/engine/host.js',
];
const SOURCES = ['main', 'preload', 'renderer', 'engine', 'electron.vite.config.ts', 'package.json'];

function newestMtime(p) {
  let stat;
  try {
    stat = fs.statSync(p);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of fs.readdirSync(p)) {
    if (entry === 'node_modules' || entry.startsWith('.')) continue;
    newest = Math.max(newest, newestMtime(path.join(p, entry)));
  }
  return newest;
}

/** True when a build output is missing or older than a source file. */
export function needsBuild(root, outputs = OUTPUTS) {
  let oldestOutput = Number.POSITIVE_INFINITY;
  for (const out of outputs) {
    const file = path.join(root, out);
    if (!fs.existsSync(file)) return true;
    oldestOutput = Math.min(oldestOutput, fs.statSync(file).mtimeMs);
  }
  const newestSource = Math.max(...SOURCES.map((s) => newestMtime(path.join(root, s))));
  return newestSource > oldestOutput;
}
