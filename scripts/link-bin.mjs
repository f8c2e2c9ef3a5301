// Links bin/neurofab.js into node_modules/.bin, so `npx neurofab` inside this checkout runs the
// local CLI directly. npm does not link a package's own bin into its own node_modules; without
// this, npx installs the checkout into its cache (re-running `prepare`) on first use, and an
// interrupted first run leaves a broken cache entry.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const binDir = path.join(root, 'node_modules', '.bin');
const link = path.join(binDir, 'neurofab');
fs.mkdirSync(binDir, { recursive: true });
fs.rmSync(link, { force: true });
if (process.platform === 'win32') {
  fs.writeFileSync(`${link}.cmd`, '@node "%~dp0\\..\\..\\bin\\neurofab.js" %*\r\n');
} else {
  fs.symlinkSync(path.relative(binDir, path.join(root, 'bin', 'neurofab.js')), link);
}
