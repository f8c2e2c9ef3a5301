// `npm test`: typecheck, lint, unit tests (Vitest), browser end-to-end tests (Playwright on
// Debian's Chromium) and the Electron end-to-end tests (skipped, with the reason, where the
// binary is absent). Ends with one line `N passed, N failed, N skipped` over all of them.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'neurofab-test-'));
const totals = { passed: 0, failed: 0, skipped: 0 };
const failures = [];

function run(name, command, args, env = {}) {
  console.log(`\n=== ${name}: ${command} ${args.join(' ')}`);
  const started = Date.now();
  const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const ok = result.status === 0;
  console.log(
    `=== ${name}: ${ok ? 'ok' : `FAILED (exit ${result.status ?? result.signal})`} in ${seconds} s`,
  );
  return ok;
}

function step(name, command, args) {
  const ok = run(name, command, args);
  totals[ok ? 'passed' : 'failed']++;
  if (!ok) failures.push(name);
}

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

step('typecheck (node)', 'npx', ['tsc', '-p', 'tsconfig.node.json']);
step('typecheck (web)', 'npx', ['tsc', '-p', 'tsconfig.web.json']);
step('typecheck (e2e)', 'npx', ['tsc', '-p', 'tsconfig.e2e.json']);
step('lint', 'npx', ['biome', 'check', '.']);
// Electron security checklist: fails on any finding not justified in security/electronegativity-allowlist.json.
step('electronegativity', 'node', ['scripts/electronegativity.mjs']);

// The bundled engine and UI are what the CLI and the browser tests exercise.
step('build', 'npm', ['run', 'build']);

function vitest(name, config) {
  const jsonFile = path.join(tmp, `${name.replace(/\W+/g, '-')}.json`);
  const ok = run(name, 'npx', [
    'vitest',
    'run',
    '--config',
    config,
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${jsonFile}`,
  ]);
  const report = readJson(jsonFile);
  if (report) {
    totals.passed += report.numPassedTests;
    totals.failed += report.numFailedTests;
    totals.skipped += report.numPendingTests + (report.numTodoTests ?? 0);
  }
  if (!ok) {
    failures.push(name);
    if (!report || report.numFailedTests === 0) totals.failed++;
  }
}

vitest('unit tests', 'vitest.config.ts');
// A real one-node Slurm cluster (issue 11); where Slurm or root is missing its tests are skipped
// and the reason is printed.
vitest('slurm integration', 'vitest.slurm.config.ts');

function playwright(name, config) {
  const jsonFile = path.join(tmp, `${name}.json`);
  const ok = run(name, 'npx', ['playwright', 'test', '--config', config, '--reporter=list,json'], {
    PLAYWRIGHT_JSON_OUTPUT_NAME: jsonFile,
  });
  const report = readJson(jsonFile);
  if (report?.stats) {
    totals.passed += report.stats.expected + (report.stats.flaky ?? 0);
    totals.failed += report.stats.unexpected;
    totals.skipped += report.stats.skipped;
  }
  if (!ok) {
    failures.push(name);
    if (!report?.stats || report.stats.unexpected === 0) totals.failed++;
  }
}

playwright('e2e (browser)', 'playwright.config.ts');
// Where Electron's binary is absent the runner prints why and exits 0; its tests count as skipped.
console.log('\n=== e2e (electron): node scripts/test-electron.mjs');
const electronRun = spawnSync('node', ['scripts/test-electron.mjs'], { encoding: 'utf8' });
process.stdout.write(electronRun.stdout ?? '');
process.stderr.write(electronRun.stderr ?? '');
if (electronRun.status !== 0) {
  failures.push('e2e (electron)');
  totals.failed++;
} else if (/^SKIPPED @electron/m.test(electronRun.stdout ?? '')) {
  const listed = spawnSync(
    'npx',
    ['playwright', 'test', '--config', 'playwright.electron.config.ts', '--list'],
    {
      encoding: 'utf8',
    },
  );
  totals.skipped += Number(/Total: (\d+) tests?/.exec(listed.stdout ?? '')?.[1] ?? 0);
} else {
  totals.passed += Number(/(\d+) passed/.exec(electronRun.stdout ?? '')?.[1] ?? 0);
}

fs.rmSync(tmp, { recursive: true, force: true });
if (failures.length) console.log(`\nFailed: ${failures.join(', ')}`);
console.log(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(failures.length ? 1 : 0);
