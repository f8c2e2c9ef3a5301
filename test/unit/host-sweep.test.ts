// Sweeps: the grid of points, the values written back into the right file, and a real sweep run
// through the RunManager: one recorded run per point, each with its params, tags and metrics.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkDocument } from '../../engine/dsl';
import { RunManager } from '../../engine/host/runs';
import { applySweepPoint, expandSweeps, sweepParams } from '../../engine/host/sweep';
import type { EventSink } from '../../engine/protocol';
import { openStore } from '../../engine/store';

const lib = `device dev : rram {
  levels = 32
  program_noise = 5%
}
`;
const main = `import "lib.nfab"
chip c { tile xbar : crossbar(rows = 256, cols = 256) { device = dev  dac_bits = 0  adc_bits = 0  count = 8 } }
network mlp {
  input x : 28x28
  dense h : 16 { act = relu } on xbar
  dense y : 10 on xbar
}
experiment e {
  chip = c  network = mlp  dataset = mnist
  train { rule = hw_aware  optimizer = sgd(lr = 0.1, momentum = 0.9)  batch = 32 }
  seed = 3  train_limit = 256  test_limit = 128
  sweep dev.program_noise in [0%, 10%]
  sweep dev.levels in [4, 64]
}
`;

describe('sweep expansion', () => {
  it('is the cartesian product, first sweep slowest, with values as written', () => {
    const points = expandSweeps([
      { path: ['a', 'x'], values: [0, 0.01], texts: ['0%', '1%'] },
      { path: ['b', 'y'], values: [4, 8, 16], texts: ['4', '8', '16'] },
    ]);
    expect(points.map((p) => p.assignments.map((a) => a.text).join(' '))).toEqual([
      '0% 4',
      '0% 8',
      '0% 16',
      '1% 4',
      '1% 8',
      '1% 16',
    ]);
    expect(sweepParams(points[4]!)).toEqual({ 'sweep.a.x': '1%', 'sweep.b.y': '8' });
    expect(expandSweeps([])).toEqual([]);
    expect(() => expandSweeps([{ path: ['a', 'x'], values: new Array(20_000).fill(1) }])).toThrow(
      /20000 points; at most 10000/,
    );
  });

  it('writes each value into the file that declares the device, and the checker reads it back', () => {
    const files = new Map([
      ['main.nfab', main],
      ['lib.nfab', lib],
    ]);
    const check = checkDocument('main.nfab', main, { readFile: (p) => files.get(p) ?? null });
    expect(check.hasErrors).toBe(false);
    const [point] = expandSweeps(check.model.experiments[0]!.sweeps!).slice(3);
    const patched = applySweepPoint(files, point!);
    expect(patched.get('main.nfab')).toBe(main);
    expect(patched.get('lib.nfab')).toContain('program_noise = 10%');
    expect(patched.get('lib.nfab')).toContain('levels = 64');
    const again = checkDocument('main.nfab', main, { readFile: (p) => patched.get(p) ?? null });
    const dev = again.model.devices.find((d) => d.name === 'dev')!;
    expect([dev.programNoise, dev.levels]).toEqual([0.1, 64]);
    expect(() =>
      applySweepPoint(new Map([['main.nfab', 'chip c {}']]), {
        index: 0,
        assignments: [{ target: 'nope', field: 'levels', value: 2, text: '2' }],
      }),
    ).toThrow(/'nope' is not declared in main.nfab/);
  });
});

describe('sweep runs', () => {
  it('records one run per point, trained in parallel, with the point in its params and tags', async () => {
    const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'nf-sweep-')));
    fs.writeFileSync(path.join(dir, 'lib.nfab'), lib);
    const store = openStore(path.join(dir, 'runs.db'));
    const sink: EventSink = { emit() {} };
    const manager = new RunManager(store, sink, 2, dir);
    const started = manager.start({ sourceFile: 'main.nfab', text: main, experiment: 'e' });
    expect(started.sweepId).toMatch(/^e-/);
    expect(started.runs).toHaveLength(4);
    const outcomes = await Promise.all(started.runs.map((r) => r.done));
    expect(outcomes.map((o) => o.status)).toEqual(['finished', 'finished', 'finished', 'finished']);
    const details = started.runs.map((r) => store.getRun(r.runId)!);
    expect(details.map((d) => d.params['sweep.dev.program_noise'])).toEqual(['0%', '0%', '10%', '10%']);
    expect(details.map((d) => d.params['sweep.dev.levels'])).toEqual(['4', '64', '4', '64']);
    expect(details.map((d) => d.params['layers.0.device.levels'])).toEqual(['4', '64', '4', '64']);
    expect(details.map((d) => d.tags.sweep)).toEqual(new Array(4).fill(started.sweepId));
    expect(details.map((d) => d.tags.sweep_point)).toEqual(['1/4', '2/4', '3/4', '4/4']);
    expect(details.every((d) => d.dslSnapshot === main)).toBe(true);
    expect(details.map((d) => [d.sweepId, d.sweepIndex])).toEqual(
      [0, 1, 2, 3].map((i) => [started.sweepId, i]),
    );
    // The sweep itself is recorded with the unpatched text, so it can be resumed.
    expect(store.getSweep(started.sweepId!)).toMatchObject({ dslSnapshot: main, total: 4, overrides: {} });
    for (const d of details) expect(d.metrics.test_accuracy).toBeGreaterThan(0.2);
    // A single point, and the base experiment without its sweeps.
    const one = manager.start({ sourceFile: 'main.nfab', text: main, experiment: 'e', sweep: 2 });
    expect(one.runs.map((r) => r.sweepPoint?.index)).toEqual([2]);
    const base = manager.start({ sourceFile: 'main.nfab', text: main, experiment: 'e', sweep: 'base' });
    expect(base.sweepId).toBeNull();
    expect(base.runs[0]!.sweepPoint).toBeNull();
    await Promise.all([...one.runs, ...base.runs].map((r) => r.done));
    // One point of a new sweep: the sweep has all four, three of them still to run.
    expect(store.listSweeps().find((s) => s.id === one.sweepId)).toMatchObject({
      total: 4,
      missing: [0, 1, 3],
    });
    expect(() => manager.start({ sourceFile: 'main.nfab', text: main, experiment: 'e', sweep: 9 })).toThrow(
      /has 4 sweep point\(s\); index 9 does not exist/,
    );
    store.close();
  }, 60_000);
});
