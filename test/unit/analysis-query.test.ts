// The analysis views' pure parts: the runs table's filter and sort, the EMA, and the Sweep
// dialog's text edit (checked by the real DSL checker, on a real example).
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkDocument } from '../../engine/dsl/index';
import { applyEdit } from '../../engine/dsl/schematic/edits';
import type { RunSummary } from '../../engine/protocol/schema';
import {
  compactNumber,
  compareRuns,
  groupBySweep,
  matchesClauses,
  matchesSearch,
  parseFilter,
  toNumber,
  varyingParams,
} from '../../renderer/src/analysis/query';
import { emaSmooth } from '../../renderer/src/analysis/smoothing';
import { importsOf, parseValues, sweepEdit, sweepTargets } from '../../renderer/src/analysis/sweep-edit';

function run(id: string, over: Partial<RunSummary> = {}): RunSummary {
  return {
    id,
    experiment: 'exp',
    status: 'finished',
    startedAt: 0,
    endedAt: 1000,
    sourceFile: 'a.nfab',
    seed: 7,
    engineVersion: '0.1.0',
    metrics: {},
    params: {},
    error: null,
    tags: {},
    note: '',
    sweepId: null,
    sweepIndex: null,
    ...over,
  };
}

describe('runs filter', () => {
  const a = run('aaa', { metrics: { test_accuracy: 0.95 }, params: { 'sweep.dev.program_noise': '0.01' } });
  const b = run('bbb', {
    metrics: { test_accuracy: 0.8 },
    params: { 'sweep.dev.program_noise': '0.05' },
    tags: { baseline: 'yes' },
  });
  const c = run('ccc', { status: 'failed', note: 'diverged at lr 1' });

  it('compares numbers as numbers, percent included, and finds params by their last part', () => {
    const f = parseFilter('test_accuracy > 0.9');
    expect(f.error).toBeNull();
    expect([a, b, c].filter((r) => matchesClauses(r, f.clauses)).map((r) => r.id)).toEqual(['aaa']);
    const g = parseFilter('program_noise >= 2%, status = finished');
    expect([a, b, c].filter((r) => matchesClauses(r, g.clauses)).map((r) => r.id)).toEqual(['bbb']);
    expect(toNumber('2.5%')).toBeCloseTo(0.025);
    expect(toNumber('abc')).toBeNull();
  });

  it('says what is allowed when a clause cannot be read', () => {
    expect(parseFilter('accuracy is high').error).toMatch(/key op value/);
  });

  it('searches ids, tags and notes', () => {
    expect([a, b, c].filter((r) => matchesSearch(r, 'baseline')).map((r) => r.id)).toEqual(['bbb']);
    expect([a, b, c].filter((r) => matchesSearch(r, 'DIVERGED')).map((r) => r.id)).toEqual(['ccc']);
  });

  it('sorts missing values last either way, and groups a sweep where its best run sorts', () => {
    const s1 = run('s1', { sweepId: 'S', metrics: { test_accuracy: 0.9 } });
    const s2 = run('s2', { sweepId: 'S', metrics: { test_accuracy: 0.99 } });
    const sorted = [a, c, s1, s2].sort((x, y) =>
      compareRuns(x, y, { column: 'test_accuracy', descending: true }),
    );
    expect(sorted.map((r) => r.id)).toEqual(['s2', 'aaa', 's1', 'ccc']);
    const items = groupBySweep(sorted);
    expect(
      items.map((i) => (i.kind === 'run' ? i.run.id : `sweep:${i.runs.map((r) => r.id).join(',')}`)),
    ).toEqual(['sweep:s2,s1', 'aaa', 'ccc']);
  });

  it('lists the params that differ, sweep params first', () => {
    const x = run('x', { params: { lr: '0.1', 'sweep.d.f': '1', epochs: '3' } });
    const y = run('y', { params: { lr: '0.2', 'sweep.d.f': '2', epochs: '3' } });
    expect(varyingParams([x, y])).toEqual(['sweep.d.f', 'lr']);
  });
});

describe('EMA smoothing', () => {
  it('leaves values alone at 0 and is debiased (a constant stays constant)', () => {
    expect(emaSmooth([1, 2, 3], 0)).toEqual([1, 2, 3]);
    for (const v of emaSmooth([5, 5, 5, 5], 0.9)) expect(v).toBeCloseTo(5);
    const s = emaSmooth([0, 10], 0.5);
    // debiased: (0.5*0 + 0.5*10 weighted) / (1 - 0.25) = 2.5 / 0.75
    expect(s[1]).toBeCloseTo((0.5 * 0.5 * 0 + 0.5 * 10) / 0.75);
  });
});

describe('Sweep dialog edit', () => {
  const path = 'examples/rpu-insitu-training.nfab';
  const text = fs.readFileSync(path, 'utf8');
  const readFile = (p: string) => (fs.existsSync(p) ? fs.readFileSync(p, 'utf8') : null);

  it('replaces a sweep over the same field in place, and the checker accepts the result', () => {
    const r = sweepEdit(text, 'rpu_insitu', 'rpu_gv.up_down', parseValues('0, 0.02, 0.05, 0.1'));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const next = applyEdit(text, r.edit);
    expect(next).toContain('sweep rpu_gv.up_down in [0, 0.02, 0.05, 0.1]');
    expect(next.match(/^\s*sweep /gm)).toHaveLength(1);
    const errors = checkDocument(path, next, { readFile }).diagnostics.filter((d) => d.severity === 'error');
    expect(errors).toEqual([]);
  });

  it('adds a sweep over another field as a new line of the experiment', () => {
    const r = sweepEdit(text, 'rpu_insitu', 'rpu_gv.program_noise', ['0%', '2%']);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const next = applyEdit(text, r.edit);
    expect(next).toMatch(/\n {2}sweep rpu_gv\.program_noise in \[0%, 2%\]\n/);
    expect(checkDocument(path, next, { readFile }).diagnostics.filter((d) => d.severity === 'error')).toEqual(
      [],
    );
  });

  it('refuses a missing experiment and bad values with a reason', () => {
    expect(sweepEdit(text, 'nope', 'rpu_gv.up_down', ['1'])).toMatchObject({
      ok: false,
      message: /no experiment nope/,
    });
    expect(sweepEdit(text, 'rpu_insitu', 'rpu_gv.up_down', [])).toMatchObject({ ok: false });
    expect(sweepEdit(text, 'rpu_insitu', 'rpu_gv', ['1'])).toMatchObject({
      ok: false,
      message: /name\.field/,
    });
  });

  it('finds the devices of imported files with their sweepable fields', () => {
    expect(importsOf(text)).toEqual(['lib/devices.nfab']);
    const lib = fs.readFileSync('examples/lib/devices.nfab', 'utf8');
    const targets = sweepTargets([{ text }, { text: lib }]);
    // The device the design uses comes first, ahead of the library's others.
    expect(targets[0]?.name).toBe('rpu_gv');
    expect(targets.length).toBeGreaterThan(1);
    const rpu = targets.find((t) => t.name === 'rpu_gv');
    expect(rpu?.keyword).toBe('device');
    expect(rpu?.fields.map((f) => f.name)).toContain('up_down');
    expect(rpu?.fields.map((f) => f.name)).toContain('program_noise');
  });
});

describe('axis numbers', () => {
  it('stay short: exponent for tiny and huge values, separators in between', () => {
    expect(compactNumber(1.8e-9)).toBe('1.8e-9');
    expect(compactNumber(100_000)).toBe('100,000');
    expect(compactNumber(0.123456)).toBe('0.1235');
    expect(compactNumber(0)).toBe('0');
  });
});
