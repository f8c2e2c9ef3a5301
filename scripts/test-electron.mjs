// Runs the @electron end-to-end tests (playwright.electron.config.ts). Where Electron's binary is
// not installed (it cannot be downloaded on some machines) it says so and exits 0, so `npm test`
// stays green there; where there is no display it uses xvfb-run when available.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findElectronBinary, hasDisplay, needsBuild } from './electron-binary.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const electron = findElectronBinary(root);
if (!electron.ok) {
  console.log(`SKIPPED @electron tests: Electron binary not installed (${electron.reason})`);
  process.exit(0);
}

const hasXvfbRun = spawnSync('sh', ['-c', 'command -v xvfb-run'], { stdio: 'ignore' }).status === 0;
if (!hasDisplay() && !hasXvfbRun) {
  console.log(
    'SKIPPED @electron tests: no display (DISPLAY unset) and no xvfb-run (apt-get install -y xvfb)',
  );
  process.exit(0);
}

if (needsBuild(root)) {
  console.log('Building the app for the Electron tests (npm run build)…');
  const built = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (built.status !== 0) process.exit(built.status ?? 1);
}

const playwright = [
  'playwright',
  'test',
  '--config',
  'playwright.electron.config.ts',
  ...process.argv.slice(2),
];
const [command, args] = hasDisplay() ? ['npx', playwright] : ['xvfb-run', ['-a', 'npx', ...playwright]];
const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
process.exit(result.status ?? 1);
