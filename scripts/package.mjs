// `npm run package [-- --linux|--mac|--win ...]`: builds the desktop installers with electron-builder
// (config: electron-builder.yml; AppImage + deb, dmg, nsis). First the config is validated against
// electron-builder's own schema plus the studio's requirements (targets, icon, .nfab association,
// the engine and better-sqlite3 outside the asar). Then, if electron-builder can fetch what it
// needs (Electron's release zip and, for the native rebuild, Electron's headers), the app is built
// and packaged; if it cannot (no network, as on the CI sandbox), the reason is printed and the
// script exits 0 — "validated, cannot build here" — and 1 for an invalid config.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
export const CONFIG_FILE = 'electron-builder.yml';

/** Width and height of a PNG, from its IHDR chunk. */
export function pngSize(file) {
  const b = fs.readFileSync(file);
  if (b.length < 24 || b.toString('latin1', 1, 4) !== 'PNG') throw new Error(`${file} is not a PNG`);
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

const targetsOf = (platform) =>
  (Array.isArray(platform?.target) ? platform.target : [platform?.target])
    .filter(Boolean)
    .map((t) => (typeof t === 'string' ? t : t.target).toLowerCase());

/** The studio's own requirements on top of the schema; returns a list of problems. */
export function studioRequirements(config, root = repo) {
  const problems = [];
  const need = (ok, what) => {
    if (!ok) problems.push(what);
  };
  need(config.productName === 'Neurofab Studio', 'productName must be "Neurofab Studio"');
  need(
    typeof config.appId === 'string' && /^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(config.appId),
    'appId must be reverse-DNS',
  );
  const linux = targetsOf(config.linux);
  need(linux.includes('appimage') && linux.includes('deb'), 'linux targets must include AppImage and deb');
  need(targetsOf(config.mac).includes('dmg'), 'mac targets must include dmg');
  need(targetsOf(config.win).includes('nsis'), 'win targets must include nsis');
  need(
    (config.fileAssociations ?? []).some((a) => [a.ext].flat().includes('nfab')),
    'fileAssociations must register .nfab',
  );
  const unpack = [config.asarUnpack ?? []].flat();
  need(
    unpack.some((p) => p === 'node_modules/**' || p.startsWith('node_modules/better-sqlite3')),
    'asarUnpack must cover node_modules/better-sqlite3 (a native addon cannot load from an asar)',
  );
  need(
    unpack.some((p) => p.startsWith('out/engine')),
    'asarUnpack must cover out/engine (worker threads cannot start from an asar)',
  );
  need(
    config.npmRebuild !== false,
    'npmRebuild must stay on: better-sqlite3 is rebuilt for Electron at packaging time',
  );
  // getConfig normalises `files` to [{ filter: [...] }].
  const files = [config.files ?? []]
    .flat()
    .flatMap((f) => (typeof f === 'string' ? [f] : [f.filter ?? []].flat()));
  need(files.includes('out/**') && files.includes('package.json'), 'files must list out/** and package.json');
  for (const key of ['linux', 'mac', 'win']) {
    const icon = config[key]?.icon;
    if (!icon) {
      problems.push(`${key}.icon is missing`);
      continue;
    }
    const file = path.join(root, icon);
    if (!fs.existsSync(file)) {
      problems.push(`${key}.icon ${icon} does not exist`);
      continue;
    }
    const { width, height } = pngSize(file);
    need(
      width >= 512 && width === height,
      `${key}.icon ${icon} must be square and at least 512 px (is ${width}x${height})`,
    );
  }
  return problems;
}

/**
 * Loads electron-builder.yml the way electron-builder does and validates it with its own schema
 * (app-builder-lib's validateConfiguration), then checks the studio's requirements.
 */
export async function validatePackagingConfig(root = repo, configFile = CONFIG_FILE) {
  const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config.js');
  const { DebugLogger } = require('builder-util');
  let config;
  try {
    config = await getConfig(root, path.resolve(root, configFile), null);
    await validateConfiguration(config, new DebugLogger(false));
  } catch (err) {
    return { ok: false, config, problems: [String(err.message ?? err)] };
  }
  const problems = studioRequirements(config, root);
  return { ok: problems.length === 0, config, problems };
}

/** Can electron-builder get Electron here? Cached zip, or github.com reachable. */
export async function buildBlocker() {
  const electronVersion = require('electron/package.json').version;
  const cache =
    process.env.ELECTRON_CACHE ||
    (process.platform === 'darwin'
      ? path.join(os.homedir(), 'Library', 'Caches', 'electron')
      : process.platform === 'win32'
        ? path.join(process.env.LOCALAPPDATA ?? os.homedir(), 'electron', 'Cache')
        : path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'electron'));
  const zipCached =
    fs.existsSync(cache) &&
    fs
      .readdirSync(cache, { recursive: true })
      .some((f) => String(f).includes(`electron-v${electronVersion}-`));
  const reach = await reachable('https://github.com/electron/electron/releases', 8000);
  // The native rebuild of better-sqlite3 fetches Electron's headers even with a cached zip.
  if (reach.ok) return null;
  return zipCached
    ? `Electron ${electronVersion} is cached in ${cache}, but github.com is unreachable (${reach.reason}), so Electron's headers for rebuilding better-sqlite3 cannot be fetched.`
    : `Electron ${electronVersion}'s release zip is not in ${cache} and github.com is unreachable (${reach.reason}).`;
}

function reachable(url, timeoutMs) {
  return new Promise((resolve) => {
    const req = https.request(url, { method: 'HEAD', timeout: timeoutMs }, (res) => {
      res.resume();
      resolve({ ok: true });
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)));
    req.on('error', (err) =>
      resolve({ ok: false, reason: err.code ? `${err.code}: ${err.message}` : err.message }),
    );
    req.end();
  });
}

async function main() {
  const passThrough = process.argv.slice(2);
  console.log(
    `package: validating ${CONFIG_FILE} with electron-builder's schema and the studio's requirements`,
  );
  const result = await validatePackagingConfig();
  if (!result.ok) {
    console.error(`package: ${CONFIG_FILE} is invalid:`);
    for (const p of result.problems) console.error(`  - ${p}`);
    process.exit(1);
  }
  console.log('package: configuration valid');
  const blocker = await buildBlocker();
  if (blocker) {
    console.log(`package: validated, but the installers cannot be built on this machine: ${blocker}`);
    console.log(
      'package: on a machine with internet, run `npm ci && npm run package` (see README, "Building the installers").',
    );
    process.exit(0);
  }
  const step = (cmd, args) => {
    console.log(`package: ${cmd} ${args.join(' ')}`);
    const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: repo, shell: process.platform === 'win32' });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
  };
  step('npm', ['run', 'build']);
  // electron-builder's npmRebuild rebuilds better-sqlite3 in node_modules for Electron's ABI; keep
  // the Node build aside and restore it, whatever happens, so tests and the CLI still load it.
  const addon = path.join(repo, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
  const saved = `${addon}.node-build`;
  fs.copyFileSync(addon, saved);
  try {
    step('npx', ['electron-builder', '--config', CONFIG_FILE, ...passThrough]);
  } finally {
    fs.renameSync(saved, addon);
    console.log('package: restored the Node build of better-sqlite3 in node_modules');
  }
  console.log(`package: installers are in ${path.join(repo, 'release')}`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main().catch((err) => {
    console.error(`package: ${err.message}`);
    process.exit(1);
  });
}
