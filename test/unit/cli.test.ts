// The CLI contract (ARCHITECTURE.md): output formats and exit codes, through the real binary.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.join(__dirname, '../..');
const bin = path.join(root, 'bin/neurofab.js');

function neurofab(args: string[], cwd = root) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function tempProject(): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'nf-cli-')));
  fs.cpSync(path.join(root, 'examples'), dir, { recursive: true, filter: (s) => !s.includes('.neurofab') });
  return dir;
}

describe('neurofab CLI', () => {
  it('prints usage and exits 2 on a bad command or flag', () => {
    expect(neurofab(['frobnicate']).code).toBe(2);
    const r = neurofab(['run', 'x.nfab', '--epochs', 'many']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--epochs must be a positive integer');
  });

  it('check: exit 0 on the examples, exit 1 with FILE:LINE:COL diagnostics on an error', () => {
    const dir = tempProject();
    const good = neurofab(['check', 'quickstart.nfab', 'mnist-mlp.nfab'], dir);
    expect(good.stdout.split('\n').filter((l) => l.includes(': error:'))).toEqual([]);
    expect(good.code).toBe(0);
    const text = fs.readFileSync(path.join(dir, 'quickstart.nfab'), 'utf8');
    fs.writeFileSync(path.join(dir, 'bad.nfab'), `${text}\ndevice broken : rram { g_max = 5ns }\n`);
    const bad = neurofab(['check', 'bad.nfab'], dir);
    expect(bad.code).toBe(1);
    const line = text.split('\n').length + 1;
    expect(bad.stdout).toMatch(new RegExp(`^bad\\.nfab:${line}:\\d+: error: .+`, 'm'));
  });

  it('run --json trains, records, and prints one JSON object', () => {
    const dir = tempProject();
    const r = neurofab(
      ['run', 'quickstart.nfab', '--train-limit', '600', '--test-limit', '200', '--json'],
      dir,
    );
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.status).toBe('finished');
    expect(out.runs.length).toBeGreaterThan(0);
    for (const run of out.runs) {
      expect(run.status).toBe('finished');
      expect(run.metrics.test_accuracy).toBeGreaterThan(0.3);
    }
    expect(fs.existsSync(path.join(dir, '.neurofab/project.db'))).toBe(true);
    // Same file, seed and data give the same numbers.
    const again = JSON.parse(
      neurofab(['run', 'quickstart.nfab', '--train-limit', '600', '--test-limit', '200', '--json'], dir)
        .stdout,
    );
    expect(again.runs[0].metrics.test_accuracy).toBe(out.runs[0].metrics.test_accuracy);
    expect(again.runs[0].id).not.toBe(out.runs[0].id);
  }, 240_000);
});
