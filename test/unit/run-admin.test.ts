// Run administration over real runs: a small sweep trained in worker threads into a real SQLite
// store, then resumed, re-run, tagged, deleted, charted and exported through the RPC handlers.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { OpenProject } from '../../engine/host/engine';
import { runAdminHandlers } from '../../engine/host/run-admin';
import { RunManager } from '../../engine/host/runs';
import { type EventName, type EventPayload, type EventSink, methods } from '../../engine/protocol';
import { openStore, type Store } from '../../engine/store';
import { MetricBatcher } from '../../engine/store/metric-batcher';
import { TINY_SWEEP_DSL as DSL } from './tiny-sweep';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

interface Fixture {
  store: Store;
  runs: RunManager;
  events: { event: EventName; payload: unknown }[];
  call: ReturnType<typeof runAdminHandlers>;
  /** Problems found in events as they were emitted (asserted at the end of each test). */
  problems: string[];
}

/** A real project folder, store and run manager (concurrency 1: the points queue up in order). */
function fixture(concurrency = 1): Fixture {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'nf-admin-')));
  fs.writeFileSync(path.join(dir, 'main.nfab'), DSL);
  const store = openStore(path.join(dir, '.neurofab', 'project.db'));
  const events: Fixture['events'] = [];
  const problems: string[] = [];
  const sink: EventSink = {
    emit<E extends EventName>(event: E, payload: EventPayload<E>) {
      events.push({ event, payload });
      // Clients may only hear of points the store already has (crash safety depends on it).
      if (event === 'run.metrics') {
        const { runId, points } = payload as EventPayload<'run.metrics'>;
        for (const p of points) {
          const steps = store.metricColumns(runId, p.key).steps;
          if (!steps.includes(p.step)) problems.push(`${p.key}@${p.step} announced before it was stored`);
        }
      }
    },
  };
  const runs = new RunManager(store, sink, concurrency, dir);
  const project: OpenProject = { root: dir, store, runs };
  cleanups.push(() => {
    runs.cancelAll();
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return { store, runs, events, call: runAdminHandlers(() => project), problems };
}

const ctx = { signal: new AbortController().signal };

/** Calls a handler and checks its result against the protocol schema, as the RPC server does. */
async function rpc<M extends keyof ReturnType<typeof runAdminHandlers>>(
  f: Fixture,
  method: M,
  params: Parameters<ReturnType<typeof runAdminHandlers>[M]>[0],
) {
  const handler = f.call[method] as (p: unknown, c: typeof ctx) => unknown;
  const result = await handler(methods[method].params.parse(params), ctx);
  return methods[method].result.parse(result) as Awaited<ReturnType<ReturnType<typeof runAdminHandlers>[M]>>;
}

/** Metric history without the wall-clock ones (throughput differs from run to run). */
function history(store: Store, runId: string) {
  return store
    .getRun(runId)!
    .metricHistory.filter((p) => p.key !== 'samples_per_s')
    .map(({ key, step, value }) => ({ key, step, value }));
}

describe('sweeps: resume runs exactly the points with no finished run', () => {
  it('cancelled and deleted points are re-run from the recorded DSL, in the same sweep', async () => {
    const f = fixture(1);
    const started = f.runs.start({
      sourceFile: 'main.nfab',
      text: DSL,
      experiment: 'e',
      overrides: { trainLimit: 128 },
    });
    const ids = started.runs.map((r) => r.runId);
    expect(ids).toHaveLength(4);
    // Concurrency 1: point 0 trains, 1..3 wait. A queued run cannot be deleted.
    await expect(rpc(f, 'runs.delete', { runIds: [ids[2]!] })).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: expect.stringMatching(/queued or running.*cancel them first/),
    });
    expect(f.runs.cancel(ids[1]!)).toBe(true);
    const outcomes = await Promise.all(started.runs.map((r) => r.done));
    expect(outcomes.map((o) => o.status)).toEqual(['finished', 'cancelled', 'finished', 'finished']);
    expect(await rpc(f, 'runs.delete', { runIds: [ids[3]!] })).toEqual({ deleted: 1 });

    let [sweep] = (await rpc(f, 'sweeps.list', {})).sweeps;
    expect(sweep).toMatchObject({ id: started.sweepId, experiment: 'e', total: 4, missing: [1, 3] });
    expect(sweep!.counts).toMatchObject({ finished: 2, cancelled: 1 });
    const recorded = f.store.getSweep(started.sweepId!)!;
    expect(recorded.dslSnapshot).toBe(DSL);
    expect(recorded.overrides).toEqual({ trainLimit: 128 });

    const resumed = await rpc(f, 'sweep.resume', { sweepId: started.sweepId! });
    expect(resumed.sweepId).toBe(started.sweepId);
    expect(resumed.runIds).toHaveLength(2);
    await Promise.all(resumed.runIds.map((id) => waitEnded(f, id)));
    const newRuns = f.store.listRuns().filter((r) => resumed.runIds.includes(r.id));
    expect(newRuns.map((r) => [r.sweepId, r.sweepIndex, r.status]).sort()).toEqual([
      [started.sweepId, 1, 'finished'],
      [started.sweepId, 3, 'finished'],
    ]);
    // Each resumed point trains its own values with the sweep's overrides.
    for (const r of newRuns) {
      // Point 1 is (0%, 64), point 3 is (5%, 64): the first sweep varies slowest.
      expect(r.params['sweep.dev.levels']).toBe('64');
      expect(r.params['sweep.dev.program_noise']).toBe(r.sweepIndex === 1 ? '0%' : '5%');
      expect(r.params.trainLimit).toBe('128');
      expect(f.store.getRun(r.id)!.overrides).toEqual({ trainLimit: 128 });
      expect(r.tags.sweep_point).toBe(`${r.sweepIndex! + 1}/4`);
    }
    [sweep] = (await rpc(f, 'sweeps.list', {})).sweeps;
    expect(sweep!.missing).toEqual([]);
    expect(sweep!.counts.finished).toBe(4);
    // Nothing left: a second resume starts no run.
    expect(await rpc(f, 'sweep.resume', { sweepId: started.sweepId! })).toEqual({
      runId: null,
      runIds: [],
      sweepId: started.sweepId,
    });
    await expect(rpc(f, 'sweep.resume', { sweepId: 'nope' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(f.problems).toEqual([]);
  }, 120_000);
});

/** Resolves when the run reaches a terminal status in the store (handlers return ids, not promises). */
async function waitEnded(f: Fixture, runId: string): Promise<void> {
  for (;;) {
    const status = f.store.runStatuses([runId]).get(runId);
    if (status !== 'queued' && status !== 'running') return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('re-run', () => {
  it('repeats a run exactly: same DSL, seed and overrides give the same metrics', async () => {
    const f = fixture(2);
    const base = f.runs.start({
      sourceFile: 'main.nfab',
      text: DSL,
      experiment: 'e',
      sweep: 'base',
      overrides: { epochs: 1, seed: 11 },
    });
    const point = f.runs.start({ sourceFile: 'main.nfab', text: DSL, experiment: 'e', sweep: 2 });
    await Promise.all([...base.runs, ...point.runs].map((r) => r.done));
    const original = base.runs[0]!.runId;
    const originalPoint = point.runs[0]!.runId;

    const again = await rpc(f, 'run.rerun', { runId: original });
    expect(again.sweepId).toBeNull();
    const againPoint = await rpc(f, 'run.rerun', { runId: originalPoint });
    expect(againPoint.sweepId).toBe(point.sweepId);
    await Promise.all([again.runId, againPoint.runId].map((id) => waitEnded(f, id)));

    const a = f.store.getRun(again.runId)!;
    expect(a).toMatchObject({ status: 'finished', seed: 11, tags: { rerun_of: original } });
    expect(a.overrides).toEqual({ epochs: 1, seed: 11 });
    expect(history(f.store, again.runId)).toEqual(history(f.store, original));
    expect(history(f.store, original).length).toBeGreaterThan(3);

    const p = f.store.getRun(againPoint.runId)!;
    expect([p.sweepId, p.sweepIndex, p.tags.rerun_of]).toEqual([point.sweepId, 2, originalPoint]);
    expect(p.params['sweep.dev.program_noise']).toBe('5%');
    expect(history(f.store, againPoint.runId)).toEqual(history(f.store, originalPoint));

    await expect(rpc(f, 'run.rerun', { runId: 'ghost' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(f.problems).toEqual([]);
  }, 120_000);
});

describe('tags, notes, delete, series, export over a real run', () => {
  it('mutations announce runs.changed; series and export read the recorded history', async () => {
    const f = fixture(1);
    const started = f.runs.start({ sourceFile: 'main.nfab', text: DSL, experiment: 'e', sweep: 'base' });
    const runId = started.runs[0]!.runId;
    await started.runs[0]!.done;
    const changed = () => f.events.filter((e) => e.event === 'runs.changed').length;

    let before = changed();
    await rpc(f, 'runs.setTag', { runId, key: 'owner', value: 'ana' });
    await rpc(f, 'runs.setNote', { runId, note: 'Looks *good*.' });
    expect(changed()).toBe(before + 2);
    expect(f.store.listRuns()[0]).toMatchObject({ tags: { owner: 'ana' }, note: 'Looks *good*.' });
    await rpc(f, 'runs.setTag', { runId, key: 'owner', value: null });
    expect(f.store.listRuns()[0]!.tags).toEqual({});
    await expect(rpc(f, 'runs.setNote', { runId: 'ghost', note: '' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });

    const { series } = await rpc(f, 'runs.metricSeries', { runIds: [runId], maxPoints: 10 });
    const keys = f.store.metricKeys(runId);
    expect(series.map((s) => s.key)).toEqual(keys);
    for (const s of series) {
      const cols = f.store.metricColumns(runId, s.key);
      expect(s.total).toBe(cols.steps.length);
      expect(s.steps.length).toBe(Math.min(10, s.total));
      expect(s.steps[0]).toBe(cols.steps[0]);
      expect(s.steps.at(-1)).toBe(cols.steps.at(-1));
    }
    const one = await rpc(f, 'runs.metricSeries', { runIds: [runId], keys: ['test_accuracy'] });
    expect(one.series.map((s) => s.key)).toEqual(['test_accuracy']);
    await expect(rpc(f, 'runs.metricSeries', { runIds: ['ghost'] })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });

    const csv = await rpc(f, 'runs.export', { format: 'csv' });
    expect(csv.fileName).toMatch(/^runs-.*\.csv$/);
    const points = keys.reduce((n, k) => n + f.store.metricColumns(runId, k).steps.length, 0);
    expect(csv.text.split('\r\n').filter(Boolean)).toHaveLength(1 + points);
    const json = JSON.parse((await rpc(f, 'runs.export', { format: 'json', runIds: [runId] })).text);
    expect(json.runs[0].metrics.test_accuracy).toBe(f.store.listRuns()[0]!.metrics.test_accuracy);
    await expect(rpc(f, 'runs.export', { format: 'csv', runIds: ['ghost'] })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });

    before = changed();
    expect(await rpc(f, 'runs.delete', { runIds: [runId, 'ghost'] })).toEqual({ deleted: 1 });
    expect(changed()).toBe(before + 1);
    expect(f.store.listRuns()).toEqual([]);
    expect(f.problems).toEqual([]);
  }, 120_000);
});

describe('metric batching', () => {
  it('commits a burst of single points as few batches, and a trickle after the delay', () => {
    vi.useFakeTimers();
    try {
      const batches: number[] = [];
      const b = new MetricBatcher((points) => batches.push(points.length), {
        maxDelayMs: 50,
        maxPoints: 500,
      });
      for (let step = 0; step < 1200; step++) b.add([{ key: 'loss', value: 1, step, timestamp: step }]);
      expect(batches).toEqual([500, 500]);
      b.flush();
      expect(batches).toEqual([500, 500, 200]);
      b.add([{ key: 'loss', value: 1, step: 1200, timestamp: 0 }]);
      b.add([{ key: 'loss', value: 1, step: 1201, timestamp: 0 }]);
      vi.advanceTimersByTime(49);
      expect(batches).toHaveLength(3);
      vi.advanceTimersByTime(1);
      expect(batches).toEqual([500, 500, 200, 2]);
      b.flush();
      expect(batches).toHaveLength(4);
    } finally {
      vi.useRealTimers();
    }
  });
});
