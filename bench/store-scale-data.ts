// The synthetic project of the store scale bench (issue 9): many short runs (a few keys logged
// every epoch) and a few long ones (one point per training step for several keys, plus an
// evaluation every `evalEvery` steps). The long runs hold most of the points and every one of
// them has 100,000-point series, the size the chart goal is stated for.
// Values are seeded and shaped like training curves (decaying loss with noise, rising accuracy),
// so downsampling and charting see realistic data, not constants.
import type { MetricPoint } from '../engine/protocol/schema';
import { Rng } from '../engine/sim/rng';
import type { Store } from '../engine/store';

export interface ScaleShape {
  /** Total runs, long ones included. */
  runs: number;
  /** Runs with `longSteps` per-step points for each of LONG_STEP_KEYS. */
  longRuns: number;
  /** Epochs a short run logs SHORT_KEYS for. */
  shortEpochs: number;
  longSteps: number;
  /** A long run logs `test_accuracy` every evalEvery steps. */
  evalEvery: number;
  /** Params per run (a flattened training plan has a few dozen). */
  params: number;
  /** Points per logMetrics call while building (the run manager logs a training chunk at a time). */
  batch: number;
  seed: number;
}

// The keys the trainer logs (engine/sim/train.ts) plus, for long runs, the kind of per-step
// diagnostics a longer training logs.
export const SHORT_KEYS = ['train_loss', 'train_accuracy', 'test_loss', 'test_accuracy'] as const;
export const LONG_STEP_KEYS = [
  'train_loss',
  'train_accuracy',
  'samples_per_s',
  'lr',
  'grad_norm',
  'weight_norm',
  'conductance_min',
  'conductance_max',
  'energy_per_step',
] as const;
/** The key of the 100k-point series the load and chart figures use (the run view's first curve). */
export const SERIES_KEY = 'train_loss';

/** 1,000 runs, 10,000,000 points: 990 × 1,000 + 10 × (9 × 100,000 + 1,000). */
export const FULL_SHAPE: ScaleShape = {
  runs: 1_000,
  longRuns: 10,
  shortEpochs: 250,
  longSteps: 100_000,
  evalEvery: 100,
  params: 24,
  batch: 1_000,
  seed: 9,
};

/** `bench --quick`: 100 runs, 1,000,000 points (99 × 1,000 + 1 × 901,000), same series length. */
export const QUICK_SHAPE: ScaleShape = { ...FULL_SHAPE, runs: 100, longRuns: 1 };

export function shortRunPoints(s: ScaleShape): number {
  return SHORT_KEYS.length * s.shortEpochs;
}

export function longRunPoints(s: ScaleShape): number {
  return LONG_STEP_KEYS.length * s.longSteps + Math.floor(s.longSteps / s.evalEvery);
}

export function expectedPoints(s: ScaleShape): number {
  return (s.runs - s.longRuns) * shortRunPoints(s) + s.longRuns * longRunPoints(s);
}

/** A curve value at progress x ∈ [0, 1]: loss-like keys decay, the rest rise, all with noise. */
function curve(key: string, x: number, r: number, noise: number): number {
  const falling = key.includes('loss') || key === 'lr' || key === 'grad_norm';
  const base = falling ? 2.3 * Math.exp(-4 * x) + 0.05 : 1 - 0.9 * Math.exp(-5 * x);
  return base + noise * (r - 0.5);
}

export interface BuiltProject {
  runIds: string[];
  /** The long runs (they have the 100k-point series), in creation order. */
  longRunIds: string[];
  points: number;
  seconds: number;
}

/**
 * Creates the runs and logs their metrics in batches of `shape.batch` points. Long runs are spread
 * through the list (not all newest), as they would be in a real project. `onProgress` is told the
 * points written so far after each run.
 */
export function buildProject(
  store: Store,
  shape: ScaleShape,
  onProgress?: (points: number) => void,
): BuiltProject {
  if (shape.longRuns > shape.runs) throw new Error(`longRuns (${shape.longRuns}) > runs (${shape.runs}).`);
  const generator = new Rng(shape.seed);
  const random = () => generator.uniform();
  const t0 = performance.now();
  const runIds: string[] = [];
  const longRunIds: string[] = [];
  const longEvery = shape.longRuns > 0 ? Math.floor(shape.runs / shape.longRuns) : Number.POSITIVE_INFINITY;
  let points = 0;
  let clock = Date.UTC(2026, 0, 1);
  const batch: MetricPoint[] = [];
  const flush = (runId: string) => {
    if (batch.length === 0) return;
    store.logMetrics(runId, batch);
    points += batch.length;
    batch.length = 0;
  };
  for (let i = 0; i < shape.runs; i++) {
    const long = i % longEvery === longEvery - 1 && longRunIds.length < shape.longRuns;
    const params: Record<string, string> = {};
    for (let p = 0; p < shape.params; p++) params[`plan.param_${p}`] = (random() * 100).toFixed(3);
    const runId = store.createRun({
      experiment: `exp_${i % 7}`,
      sourceFile: `experiments/exp_${i % 7}.nfab`,
      seed: i,
      engineVersion: 'bench',
      params,
      dslSnapshot: `experiment exp_${i % 7} { seed = ${i} }\n`,
      tags: { origin: 'bench' },
    });
    store.setRunStatus(runId, 'running');
    runIds.push(runId);
    if (long) longRunIds.push(runId);
    const push = (p: MetricPoint) => {
      batch.push(p);
      if (batch.length >= shape.batch) flush(runId);
    };
    if (long) {
      for (let step = 1; step <= shape.longSteps; step++) {
        clock += 5;
        const x = step / shape.longSteps;
        for (const key of LONG_STEP_KEYS) {
          push({ key, value: curve(key, x, random(), 0.2), step, timestamp: clock });
        }
        if (step % shape.evalEvery === 0) {
          push({
            key: 'test_accuracy',
            value: curve('test_accuracy', x, random(), 0.02),
            step,
            timestamp: clock,
          });
        }
      }
    } else {
      for (let epoch = 1; epoch <= shape.shortEpochs; epoch++) {
        clock += 1_000;
        const x = epoch / shape.shortEpochs;
        for (const key of SHORT_KEYS)
          push({ key, value: curve(key, x, random(), 0.05), step: epoch, timestamp: clock });
      }
    }
    flush(runId);
    store.setRunStatus(runId, 'finished');
    onProgress?.(points);
  }
  return { runIds, longRunIds, points, seconds: (performance.now() - t0) / 1000 };
}
