// `neurofab runs list|export` and `neurofab run --rerun|--resume-sweep` through the real binary
// (out/engine, built by scripts/build-engine.mjs) on a real project store.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TINY_SWEEP_DSL as DSL } from './tiny-sweep';

const root = path.join(__dirname, '../..');
const bin = path.join(root, 'bin/neurofab.js');

function neurofab(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface ListedRun {
  id: string;
  status: string;
  sweepId: string | null;
  sweepIndex: number | null;
  tags: Record<string, string>;
  metrics: Record<string, number>;
}

describe('neurofab runs and run --rerun/--resume-sweep', () => {
  let dir: string;
  const list = (): ListedRun[] => {
    const r = neurofab(['runs', 'list', '--json'], dir);
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout).runs;
  };

  beforeAll(() => {
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'nf-cli-runs-')));
    fs.writeFileSync(path.join(dir, 'main.nfab'), DSL);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('resume-sweep runs the points a partial sweep left out; rerun repeats a run', () => {
    // Only point 1 of the four: the sweep is recorded whole, points 0, 2 and 3 are missing.
    const first = neurofab(['run', 'main.nfab', '--sweep', '1', '--json'], dir);
    expect(first.code, first.stderr).toBe(0);
    let runs = list();
    expect(runs).toHaveLength(1);
    const sweepId = runs[0]!.sweepId!;
    expect(runs[0]!.sweepIndex).toBe(1);

    const resumed = neurofab(['run', '--resume-sweep', sweepId, '--jobs', '1', '--json'], dir);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(JSON.parse(resumed.stdout).runs).toHaveLength(3);
    runs = list();
    expect(runs.map((r) => [r.sweepId, r.sweepIndex, r.status]).sort()).toEqual(
      [0, 1, 2, 3].map((i) => [sweepId, i, 'finished']),
    );
    const nothing = neurofab(['run', '--resume-sweep', sweepId, '--json'], dir);
    expect(nothing.code, nothing.stderr).toBe(0);
    expect(JSON.parse(nothing.stdout).runs).toEqual([]);
    expect(nothing.stderr).toContain('nothing to run');

    const original = runs.find((r) => r.sweepIndex === 1)!;
    const again = neurofab(['run', '--rerun', original.id, '--json'], dir);
    expect(again.code, again.stderr).toBe(0);
    const rerun = JSON.parse(again.stdout).runs[0];
    expect(rerun.metrics.test_accuracy).toBe(original.metrics.test_accuracy);
    expect(rerun.metrics.test_loss).toBe(original.metrics.test_loss);
    const listed = list().find((r) => r.id === rerun.id)!;
    expect([listed.sweepId, listed.sweepIndex, listed.tags.rerun_of]).toEqual([sweepId, 1, original.id]);

    const table = neurofab(['runs', 'list'], dir);
    expect(table.stdout.split('\n')[0]).toMatch(/^ID\s+EXPERIMENT\s+STATUS/);
    expect(table.stdout).toContain(`${sweepId}#0`);
  }, 180_000);

  it('exports CSV and JSON, to stdout or a file', () => {
    const runs = list();
    expect(runs.length).toBeGreaterThan(0);
    const csv = neurofab(['runs', 'export', runs[0]!.id], dir);
    expect(csv.code, csv.stderr).toBe(0);
    const lines = csv.stdout.split('\r\n').filter(Boolean);
    expect(lines[0]).toMatch(/^run_id,experiment,status,key,step,value,timestamp,param\./);
    expect(lines.slice(1).every((l) => l.startsWith(`${runs[0]!.id},e,finished,`))).toBe(true);
    const out = path.join(dir, 'all.json');
    const json = neurofab(['runs', 'export', '--out', out], dir);
    expect(json.code, json.stderr).toBe(0);
    const doc = JSON.parse(fs.readFileSync(out, 'utf8'));
    expect(doc.runs.map((r: { id: string }) => r.id).sort()).toEqual(runs.map((r) => r.id).sort());
    expect(doc.runs[0].history.test_accuracy.values.length).toBeGreaterThan(0);
  });

  it('unknown ids exit 1, bad usage exits 2', () => {
    for (const args of [
      ['run', '--rerun', 'ghost'],
      ['run', '--resume-sweep', 'ghost'],
      ['runs', 'export', 'ghost'],
    ]) {
      const r = neurofab(args, dir);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr).toMatch(/No (run|sweep) ghost/);
    }
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'nf-empty-'));
    const none = neurofab(['runs', 'list', '--project', empty], dir);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('no runs recorded in');
    fs.rmSync(empty, { recursive: true });
    for (const args of [
      ['runs'],
      ['runs', 'frob'],
      ['runs', 'export', '--format', 'xml'],
      ['run', '--rerun', 'x', 'main.nfab'],
      ['run', '--rerun', 'x', '--resume-sweep', 'y'],
      ['run', '--resume-sweep', 'x', '--epochs', '3'],
    ]) {
      expect(neurofab(args, dir).code, args.join(' ')).toBe(2);
    }
  });
});
