// Run records through the Store API: lifecycle, list/detail shapes (validated against the
// protocol schemas), metric batches, tags, artifacts and crash recovery.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { type MetricPoint, RunDetailSchema, RunSummarySchema } from '../../engine/protocol/schema';
import { DSL_ARTIFACT, openStore, type Store, StoreError } from '../../engine/store';
import { runInput, steppingClock, tempDbPath } from './store-helpers';

function withStore<T>(fn: (store: Store, dbPath: string) => T, clock = steppingClock()): T {
  const dbPath = tempDbPath();
  const store = openStore(dbPath, { now: clock });
  try {
    return fn(store, dbPath);
  } finally {
    store.close();
  }
}

/** Deterministic Fisher–Yates shuffle (LCG), so a failure reproduces. */
function shuffled<T>(items: T[], seed = 7): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe('store: run lifecycle', () => {
  it('queued → running → finished, with listRuns matching RunSummarySchema', () => {
    withStore((store) => {
      const id = store.createRun(runInput({ tags: { note: 'first' } }));
      expect(id).toMatch(/^[0-9a-f-]{36}$/);

      let [run] = store.listRuns();
      expect(RunSummarySchema.parse(run)).toEqual(run);
      expect(run).toMatchObject({
        id,
        experiment: 'mnist-baseline',
        status: 'queued',
        endedAt: null,
        sourceFile: 'models/mnist.nfab',
        seed: 42,
        metrics: {},
        params: { epochs: '3', 'layers.0.neurons': '128' },
        error: null,
      });
      expect(typeof run!.startedAt).toBe('number');

      store.setRunStatus(id, 'running');
      expect(store.listRuns()[0]!.status).toBe('running');
      store.logMetrics(id, [
        { key: 'loss', value: 0.9, step: 0, timestamp: 1000 },
        { key: 'accuracy', value: 0.5, step: 0, timestamp: 1000 },
        { key: 'loss', value: 0.4, step: 1, timestamp: 2000 },
      ]);
      store.setRunStatus(id, 'finished');

      [run] = store.listRuns();
      expect(RunSummarySchema.parse(run)).toEqual(run);
      expect(run!.status).toBe('finished');
      expect(run!.endedAt).toBeGreaterThan(run!.startedAt);
      expect(run!.metrics).toEqual({ loss: 0.4, accuracy: 0.5 });
    });
  });

  it('failed runs keep their error; returning to running clears ended_at and error', () => {
    withStore((store) => {
      const id = store.createRun(runInput());
      store.setRunStatus(id, 'failed', 'weights diverged at epoch 2');
      expect(store.getRun(id)).toMatchObject({ status: 'failed', error: 'weights diverged at epoch 2' });
      expect(store.getRun(id)!.endedAt).not.toBeNull();
      store.setRunStatus(id, 'running');
      expect(store.getRun(id)).toMatchObject({ status: 'running', error: null, endedAt: null });
    });
  });

  it('getRun returns the detail shape with history, tags and the DSL snapshot', () => {
    withStore((store) => {
      const input = runInput({ tags: { git: 'abc123' } });
      const id = store.createRun(input);
      store.setTag(id, 'note', 'baseline');
      store.setTag(id, 'git', 'def456'); // a tag set twice keeps the last value
      store.logMetrics(id, [
        { key: 'loss', value: 1, step: 0, timestamp: 10 },
        { key: 'loss', value: 0.5, step: 1, timestamp: 20 },
      ]);

      const detail = store.getRun(id);
      expect(RunDetailSchema.parse(detail)).toEqual(detail);
      expect(detail!.tags).toEqual({ git: 'def456', note: 'baseline' });
      expect(detail!.dslSnapshot).toBe(input.dslSnapshot);
      expect(detail!.metricHistory).toEqual([
        { key: 'loss', value: 1, step: 0, timestamp: 10 },
        { key: 'loss', value: 0.5, step: 1, timestamp: 20 },
      ]);
      expect(store.getArtifact(id, DSL_ARTIFACT)).toMatchObject({
        mediaType: 'text/x-nfab',
        content: input.dslSnapshot,
      });
      expect(store.getRun('nope')).toBeNull();
    });
  });

  it('lists runs newest first across experiments, sharing experiments by name', () => {
    withStore((store) => {
      const a = store.createRun(runInput({ experiment: 'a' }));
      const b = store.createRun(runInput({ experiment: 'b' }));
      const c = store.createRun(runInput({ experiment: 'a', seed: 7, sourceFile: null }));
      const runs = store.listRuns();
      expect(runs.map((r) => r.id)).toEqual([c, b, a]);
      expect(runs.map((r) => r.experiment)).toEqual(['a', 'b', 'a']);
      expect(runs[0]).toMatchObject({ seed: 7, sourceFile: null });
      expect(store.getOrCreateExperiment('a')).toBe(store.getOrCreateExperiment('a'));
      expect(store.getOrCreateExperiment('a')).not.toBe(store.getOrCreateExperiment('b'));
    });
  });

  it('runs created within the same millisecond still list newest first', () => {
    withStore(
      (store) => {
        const ids = [0, 1, 2, 3].map(() => store.createRun(runInput()));
        expect(store.listRuns().map((r) => r.id)).toEqual(ids.reverse());
      },
      () => 1_700_000_000_000,
    );
  });

  it('refuses unknown runs with RUN_NOT_FOUND', () => {
    withStore((store) => {
      for (const fn of [
        () => store.setRunStatus('ghost', 'finished'),
        () => store.setTag('ghost', 'k', 'v'),
        () => store.logMetrics('ghost', [{ key: 'loss', value: 1, step: 0, timestamp: 0 }]),
        () => store.putArtifact('ghost', 'report', 'x', 'text/html'),
      ]) {
        expect(fn).toThrow(StoreError);
        expect(fn).toThrow(/No run ghost/);
      }
    });
  });

  it('stores binary and text artifacts, replacing by name', () => {
    withStore((store) => {
      const id = store.createRun(runInput());
      const bytes = new Uint8Array([0, 1, 2, 255]);
      store.putArtifact(id, 'checkpoint', bytes, 'application/octet-stream');
      expect(Buffer.isBuffer(store.getArtifact(id, 'checkpoint')!.content)).toBe(true);
      expect([...(store.getArtifact(id, 'checkpoint')!.content as Buffer)]).toEqual([0, 1, 2, 255]);
      store.putArtifact(id, 'checkpoint', 'v2', 'text/plain');
      expect(store.getArtifact(id, 'checkpoint')).toMatchObject({ content: 'v2', mediaType: 'text/plain' });
      expect(store.getArtifact(id, 'missing')).toBeNull();
    });
  });
});

describe('store: metrics', () => {
  it('inserts a batch of 10k points and reads them back in step order', () => {
    withStore((store) => {
      const id = store.createRun(runInput());
      const points: MetricPoint[] = [];
      for (let step = 0; step < 5000; step++) {
        points.push({ key: 'loss', value: 1 / (step + 1), step, timestamp: 1_000_000 + step });
        points.push({ key: 'accuracy', value: step / 5000, step, timestamp: 1_000_000 + step });
      }
      store.logMetrics(id, shuffled(points));

      const history = store.getRun(id)!.metricHistory;
      expect(history).toHaveLength(10_000);
      for (let i = 1; i < history.length; i++) {
        expect(history[i]!.step).toBeGreaterThanOrEqual(history[i - 1]!.step);
      }
      const loss = history.filter((p) => p.key === 'loss');
      expect(loss.map((p) => p.step)).toEqual([...Array(5000).keys()]);
      expect(loss[4999]).toEqual({ key: 'loss', value: 1 / 5000, step: 4999, timestamp: 1_004_999 });
      expect(store.listRuns()[0]!.metrics).toEqual({ loss: 1 / 5000, accuracy: 4999 / 5000 });
    });
  });

  it('a batch is one transaction: a point failing mid-batch leaves none of the batch behind', () => {
    withStore((store) => {
      const id = store.createRun(runInput());
      store.logMetrics(id, [{ key: 'loss', value: 2, step: 0, timestamp: 0 }]);
      const points: MetricPoint[] = [];
      for (let step = 1; step <= 10_000; step++)
        points.push({ key: 'loss', value: 1, step, timestamp: step });
      // Passes the store's value checks but violates the key NOT NULL constraint in SQLite, after
      // 5000 rows of the batch have already been inserted.
      points.splice(5000, 0, { key: null as unknown as string, value: 1, step: 5000, timestamp: 5000 });

      expect(() => store.logMetrics(id, points)).toThrow(/NOT NULL/);
      const detail = store.getRun(id)!;
      expect(detail.metricHistory).toEqual([{ key: 'loss', value: 2, step: 0, timestamp: 0 }]);
      expect(detail.metrics).toEqual({ loss: 2 });
    });
  });

  it('latest value is the highest step, even when logged out of order across batches', () => {
    withStore((store) => {
      const id = store.createRun(runInput());
      store.logMetrics(id, [{ key: 'loss', value: 0.3, step: 10, timestamp: 1 }]);
      store.logMetrics(id, [{ key: 'loss', value: 0.9, step: 2, timestamp: 2 }]); // a late straggler
      expect(store.listRuns()[0]!.metrics).toEqual({ loss: 0.3 });
      store.logMetrics(id, [{ key: 'loss', value: 0.2, step: 10, timestamp: 3 }]); // same step: last wins
      expect(store.getRun(id)!.metrics).toEqual({ loss: 0.2 });
    });
  });

  it('rejects non-finite values and non-integer steps without inserting anything', () => {
    withStore((store) => {
      const id = store.createRun(runInput());
      const ok = { key: 'loss', value: 1, step: 0, timestamp: 0 };
      for (const bad of [{ value: Number.NaN }, { value: Number.POSITIVE_INFINITY }, { step: 1.5 }]) {
        let caught: unknown;
        try {
          store.logMetrics(id, [ok, { ...ok, ...bad }]);
        } catch (err) {
          caught = err;
        }
        expect(caught).toBeInstanceOf(StoreError);
        expect((caught as StoreError).code).toBe('INVALID_METRIC');
      }
      expect(store.getRun(id)!.metricHistory).toEqual([]);
    });
  });
});

describe('store: crash recovery', () => {
  it('markInterrupted flips queued and running runs, stamps ended_at, and keeps their metrics', () => {
    const dbPath = tempDbPath();
    const before = openStore(dbPath, { now: steppingClock(1_000) });
    const running = before.createRun(runInput());
    before.setRunStatus(running, 'running');
    before.logMetrics(running, [
      { key: 'loss', value: 0.8, step: 0, timestamp: 5 },
      { key: 'loss', value: 0.6, step: 1, timestamp: 6 },
    ]);
    const queued = before.createRun(runInput());
    const finished = before.createRun(runInput());
    before.setRunStatus(finished, 'finished');
    const finishedBefore = before.getRun(finished);
    // The process "crashes": no status updates, just the connection going away.
    before.close();

    const after = openStore(dbPath, { now: () => 99_000 });
    try {
      expect(after.markInterrupted().sort()).toEqual([running, queued].sort());
      const r = after.getRun(running)!;
      expect(r).toMatchObject({ status: 'interrupted', endedAt: 99_000, metrics: { loss: 0.6 } });
      expect(r.error).toMatch(/stopped before this run finished/);
      expect(r.metricHistory.map((p) => p.value)).toEqual([0.8, 0.6]);
      expect(after.getRun(queued)).toMatchObject({ status: 'interrupted', endedAt: 99_000 });
      expect(after.getRun(finished)).toEqual(finishedBefore);
      expect(after.markInterrupted()).toHaveLength(0);
    } finally {
      after.close();
    }
  });

  it('close is idempotent and the database stays consistent (integrity_check)', () => {
    const dbPath = tempDbPath();
    const store = openStore(dbPath);
    store.createRun(runInput());
    store.close();
    store.close();
    const db = new Database(dbPath, { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(db.pragma('foreign_key_check')).toEqual([]);
    db.close();
  });
});
