// The store scale bench's data builder writes what it claims (the bench reports its figures for
// "1,000 runs and 10 million points", so the counts must be exact), checked in the database
// itself on a tiny shape. No timings here: speed lives in `npm run bench`.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { benchStoreScale, DOWNSAMPLE_TO, formatStoreScaleBench } from '../../bench/store-scale';
import {
  buildProject,
  expectedPoints,
  FULL_SHAPE,
  LONG_STEP_KEYS,
  longRunPoints,
  QUICK_SHAPE,
  type ScaleShape,
  SERIES_KEY,
  SHORT_KEYS,
  shortRunPoints,
} from '../../bench/store-scale-data';
import { openStore } from '../../engine/store';
import { steppingClock, tempDbPath } from './store-helpers';

const TINY: ScaleShape = {
  runs: 7,
  longRuns: 2,
  shortEpochs: 5,
  longSteps: 300,
  evalEvery: 100,
  params: 3,
  batch: 64,
  seed: 1,
};

describe('store scale bench data', () => {
  it('the full and quick shapes are 1,000 runs / 10M points and 100 runs / 1M points', () => {
    expect(FULL_SHAPE.runs).toBe(1_000);
    expect(expectedPoints(FULL_SHAPE)).toBe(10_000_000);
    expect(QUICK_SHAPE.runs).toBe(100);
    expect(expectedPoints(QUICK_SHAPE)).toBe(1_000_000);
    // Both have the 100,000-point series the chart goal is about.
    expect(FULL_SHAPE.longSteps).toBe(100_000);
    expect(QUICK_SHAPE.longSteps).toBe(100_000);
  });

  it('builds exactly the runs, keys and points it reports', () => {
    const dbPath = tempDbPath();
    const store = openStore(dbPath, { now: steppingClock() });
    const built = buildProject(store, TINY);
    try {
      expect(built.runIds).toHaveLength(7);
      expect(built.longRunIds).toHaveLength(2);
      expect(built.points).toBe(expectedPoints(TINY));
      expect(built.points).toBe(5 * 4 * 5 + 2 * (9 * 300 + 3));

      const runs = store.listRuns();
      expect(runs).toHaveLength(7);
      expect(runs.every((r) => r.status === 'finished' && Object.keys(r.params).length === 3)).toBe(true);

      const long = built.longRunIds[0]!;
      expect(store.metricKeys(long).sort()).toEqual([...LONG_STEP_KEYS, 'test_accuracy'].sort());
      const series = store.metricColumns(long, SERIES_KEY);
      expect(series.steps).toHaveLength(TINY.longSteps);
      expect(Array.from(series.steps.slice(0, 3))).toEqual([1, 2, 3]);
      expect(store.metricColumns(long, 'test_accuracy').steps).toHaveLength(3);

      const short = built.runIds.find((id) => !built.longRunIds.includes(id))!;
      expect(store.metricKeys(short).sort()).toEqual([...SHORT_KEYS].sort());
      expect(store.getRun(short)!.metricHistory).toHaveLength(shortRunPoints(TINY));
      expect(store.getRun(long)!.metricHistory).toHaveLength(longRunPoints(TINY));
    } finally {
      store.close();
    }
    const db = new Database(dbPath, { readonly: true });
    try {
      expect(db.prepare('SELECT count(*) AS n FROM metrics').get()).toEqual({ n: built.points });
      expect(db.prepare('SELECT count(*) AS n FROM runs').get()).toEqual({ n: 7 });
      // Values look like training curves, not constants: loss falls from start to end.
      const loss = db
        .prepare<[string, string], { value: number }>(
          'SELECT value FROM metrics WHERE run_id = ? AND key = ? ORDER BY step',
        )
        .all(built.longRunIds[0]!, SERIES_KEY)
        .map((r) => r.value);
      const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
      expect(mean(loss.slice(0, 30))).toBeGreaterThan(mean(loss.slice(-30)) + 1);
    } finally {
      db.close();
    }
  });

  it('is seeded: two builds log the same values', () => {
    const values = () => {
      const store = openStore(tempDbPath(), { now: steppingClock() });
      try {
        const built = buildProject(store, { ...TINY, runs: 2, longRuns: 1 });
        return Array.from(store.metricColumns(built.longRunIds[0]!, SERIES_KEY).values);
      } finally {
        store.close();
      }
    };
    expect(values()).toEqual(values());
  });

  it('the whole section runs on a tiny project: every figure measured, nothing skipped', async () => {
    const r = await benchStoreScale({ quick: true, shape: TINY, log: () => {} });
    expect(r.build.points).toBe(expectedPoints(TINY));
    expect(r.open.runs).toBe(TINY.runs);
    expect(r.series).toMatchObject({ method: 'metricColumns', points: TINY.longSteps });
    expect(r.series.downsampledPoints).toBe(Math.min(TINY.longSteps, DOWNSAMPLE_TO));
    expect(r.runDetail.longRunPoints).toBe(longRunPoints(TINY));
    // The RPCs went through the real EngineHost: a failure would leave null and a reason.
    for (const t of [r.open.rpcRunsList, r.series.rpcMetricSeries, r.runDetail.rpcRunsGetLong]) {
      expect(t?.seconds).toBeGreaterThan(0);
    }
    expect(r.open.rpcSkipped ?? r.series.rpcMetricSeriesSkipped ?? r.runDetail.rpcSkipped).toBeUndefined();
    expect(r.draw.map((d) => d.name)).toEqual(['raw', 'lttb', 'echarts-sampling']);
    expect(r.insert.map((i) => i.batch)).toEqual([1, 10, 100, 1_000]);
    expect(formatStoreScaleBench(r)).toContain(`${TINY.runs} runs (${TINY.longRuns} long)`);
  }, 60_000);
});
