// Metric series for charts: a run's metric as columns, downsampled with LTTB (largest triangle
// three buckets) over step, so a 100 000-point loss curve reaches the renderer as ~2000 points
// that keep its shape (peaks and dips survive, unlike every-nth sampling).
import { createLTTB } from 'downsample';
import type { MetricPoint, MetricSeries } from '../protocol/schema';
import type { MetricColumns, Store } from './types';

/** Points per series when the caller does not say. */
export const DEFAULT_MAX_POINTS = 2000;

/**
 * Indices of the points LTTB keeps (ascending; the first and last always). The points are their
 * own indices, so the library picks positions and every column follows the same choice: each kept
 * value keeps its own step and timestamp.
 */
export function lttbIndices(
  steps: ArrayLike<number>,
  values: ArrayLike<number>,
  maxPoints: number,
): Uint32Array {
  const n = steps.length;
  const all = new Uint32Array(n);
  for (let i = 0; i < n; i++) all[i] = i;
  // LTTB needs a first bucket, a last bucket and at least one between them.
  if (n <= maxPoints || maxPoints < 3) return all;
  const lttb = createLTTB<number>({ x: (i: number) => steps[i]!, y: (i: number) => values[i]! });
  return lttb(all, maxPoints) as Uint32Array;
}

export function downsampleColumns(cols: MetricColumns, maxPoints: number): MetricColumns {
  const keep = lttbIndices(cols.steps, cols.values, maxPoints);
  if (keep.length === cols.steps.length) return cols;
  const pick = (a: Float64Array) => {
    const out = new Float64Array(keep.length);
    for (let i = 0; i < keep.length; i++) out[i] = a[keep[i]!]!;
    return out;
  };
  return { steps: pick(cols.steps), values: pick(cols.values), timestamps: pick(cols.timestamps) };
}

/** One metric of one run, downsampled to at most maxPoints. */
export function metricSeries(
  store: Store,
  runId: string,
  key: string,
  maxPoints = DEFAULT_MAX_POINTS,
): MetricSeries {
  const cols = store.metricColumns(runId, key);
  const kept = downsampleColumns(cols, maxPoints);
  return {
    runId,
    key,
    steps: Array.from(kept.steps),
    values: Array.from(kept.values),
    timestamps: Array.from(kept.timestamps),
    total: cols.steps.length,
  };
}

/** Every metric of a run, each downsampled to maxPoints, as protocol points in step order per key. */
export function downsampledHistory(
  store: Store,
  runId: string,
  maxPoints: number,
  keys?: readonly string[],
): MetricPoint[] {
  const out: MetricPoint[] = [];
  const logged = store.metricKeys(runId);
  for (const key of keys ? logged.filter((k) => keys.includes(k)) : logged) {
    const cols = downsampleColumns(store.metricColumns(runId, key), maxPoints);
    for (let i = 0; i < cols.steps.length; i++) {
      out.push({ key, value: cols.values[i]!, step: cols.steps[i]!, timestamp: cols.timestamps[i]! });
    }
  }
  return out;
}
