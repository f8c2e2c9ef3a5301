// `npm start [PROJECT_DIR]`: the studio as a desktop app where Electron's binary is installed,
// otherwise (e.g. on machines that cannot download it) the same studio in the browser through
// `neurofab serve`. The project is PROJECT_DIR, or ./examples when it exists.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findElectronBinary, hasDisplay, isRoot, needsBuild } from './electron-binary.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function projectDir() {
  if (process.argv[2]) return path.resolve(process.argv[2]);
  const examples = path.resolve('examples');
  return fs.existsSync(examples) ? examples : null;
}

function build(outputs) {
  if (!needsBuild(root, outputs)) return;
  console.log('Building the studio (npm run build)…');
  const result = spawnSync('npm', ['run', 'build'], {
    cwd: root,
    stdio: 'inherit',
    shell: process.platform === 'win32',
  });
  if (result.status !== 0) {
    console.error('The build failed; see above.');
    process.exit(result.status ?? 1);
  }
}

/** Runs a child in the foreground: signals go to it, its exit code becomes ours. */
function foreground(command, args) {
  const child = spawn(command, args, { cwd: root, stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

const project = projectDir();
const electron = findElectronBinary(root);
const why = !electron.ok
  ? `Electron's binary is not installed (${electron.reason})`
  : !hasDisplay()
    ? 'there is no display (DISPLAY/WAYLAND_DISPLAY unset)'
    : null;

if (electron.ok && !why) {
  build();
  const args = [];
  if (isRoot()) {
    console.warn('Running as root: starting Electron with --no-sandbox (Chromium refuses otherwise).');
    args.push('--no-sandbox');
  }
  args.push(root);
  if (project) args.push('--project', project);
  foreground(electron.path, args);
} else {
  console.log(`${why}; starting the studio in browser mode instead.`);
  build(['out/renderer/index.html', 'out/engine/cli.js']);
  foreground(process.execPath, [
    path.join(root, 'bin', 'neurofab.js'),
    'serve',
    ...(project ? [project] : []),
    '--open',
  ]);
}
