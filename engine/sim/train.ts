// The training loop every learning rule shares: epochs, seeded shuffling, batching, the learning-
// rate schedule, metrics, progress, cancellation and the evaluation pass after each epoch. What a
// step does to the modelled hardware is the rule's Learner (./rules). Evaluation deploys the
// learner's state (one programming, aged to the experiment's infer time and temperature) and
// infers the whole test set, as a deployed chip would.
//
// Metric steps count training samples seen. Everything numeric is seeded: the same plan and data
// give bit-identical metrics (samples_per_s, a wall-clock figure, excepted).
import type { Dataset } from '../data/mnist';
import { allocOwnedFor, defaultKernels, type Kernels } from './kernels';
import { scheduledLr } from './optim';
import type { TrainingPlan } from './plan';
import { Rng, STREAMS } from './rng';
import { learnerFor } from './rules';
import type { Learner, LearnerArtifact } from './rules/types';

export interface MetricPoint {
  key: string;
  value: number;
  /** Training samples seen when the value was taken. */
  step: number;
  /** Wall-clock time (ms since the epoch). */
  timestamp: number;
}

export interface Progress {
  phase: 'train' | 'evaluate';
  done: number;
  total: number;
  /** Samples per second over the phase so far. */
  rate: number | null;
}

export type LogLevel = 'info' | 'warn' | 'error';

export interface TrainHooks {
  signal?: AbortSignal;
  onProgress?(p: Progress): void;
  onMetrics?(points: MetricPoint[]): void;
  onLog?(level: LogLevel, message: string): void;
  kernels?: Kernels;
  /** Batches between train-metric points; default about 50 points per epoch. */
  logEvery?: number;
  /** Minimum ms between progress reports (default 200). */
  progressEveryMs?: number;
  /** Evaluate on the test set after each epoch (default true). */
  evaluate?: boolean;
  /**
   * Train this learner instead of creating one from the plan, so a script can evaluate the trained
   * state again afterwards, e.g. at other infer times: deploy() reads plan.infer when called.
   */
  learner?: Learner;
}

export type TrainStatus = 'finished' | 'cancelled';

export interface TrainResult {
  status: TrainStatus;
  /** Last value of every metric. */
  metrics: Record<string, number>;
  samplesSeen: number;
  trainSeconds: number;
  /** Files the learner made from the trained state (LearnerArtifact), for the run's store. */
  artifacts: LearnerArtifact[];
}

export interface TrainData {
  train: Dataset;
  test: Dataset;
}

export const EVAL_BATCH = 256;
// How long the loop may run before it yields to the event loop, so a worker can receive its
// 'cancel' message and flush posted messages. Time-based, so it never changes the numbers.
const YIELD_EVERY_MS = 50;

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function train(
  plan: TrainingPlan,
  data: TrainData,
  hooks: TrainHooks = {},
): Promise<TrainResult> {
  const kernels = hooks.kernels ?? defaultKernels();
  const features = plan.inputSize;
  const batch = plan.batch;
  const n = data.train.count;
  const batchesPerEpoch = Math.ceil(n / batch);
  const learner =
    hooks.learner ??
    learnerFor(plan)({
      plan,
      kernels,
      maxBatch: Math.max(batch, EVAL_BATCH),
      totalSteps: batchesPerEpoch * plan.epochs,
      log: (level, message) => hooks.onLog?.(level, message),
    });
  const shuffleRng = new Rng(plan.seed, STREAMS.shuffle);

  const logEvery = hooks.logEvery ?? Math.max(1, Math.floor(batchesPerEpoch / 50));
  const progressEvery = hooks.progressEveryMs ?? 200;
  const total = n * plan.epochs;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  // In the kernel memory with WASM kernels: the first layer's DAC and GEMM read it in place.
  const xb = allocOwnedFor(kernels, batch * features);
  const yb = new Uint8Array(batch);

  const metrics: Record<string, number> = {};
  const emit = (points: MetricPoint[]) => {
    for (const p of points) metrics[p.key] = p.value;
    hooks.onMetrics?.(points);
  };
  let seen = 0;
  let trainMs = 0;
  let lastYield = performance.now();
  let lastProgress = 0;
  const rate = () => (trainMs > 0 ? (seen * 1000) / trainMs : null);
  const cancelled = () => hooks.signal?.aborted === true;

  hooks.onLog?.(
    'info',
    `training ${plan.network} (${plan.rule}) on ${n} samples × ${plan.epochs} epoch(s), batch ${batch}, ` +
      `${plan.optimizer.kind} lr ${plan.optimizer.lr} (${plan.optimizer.schedule ?? 'constant'}), seed ${plan.seed}, kernels ${kernels.name}`,
  );

  let status: TrainStatus = 'finished';
  outer: for (let epoch = 0; epoch < plan.epochs; epoch++) {
    shuffleRng.shuffle(order);
    let lossSum = 0;
    let correct = 0;
    let count = 0;
    let t0 = performance.now();
    for (let b = 0; b < batchesPerEpoch; b++) {
      if (cancelled()) {
        trainMs += performance.now() - t0;
        status = 'cancelled';
        break outer;
      }
      const start = b * batch;
      const m = Math.min(batch, n - start);
      for (let i = 0; i < m; i++) {
        const idx = order[start + i]!;
        xb.set(data.train.images.subarray(idx * features, (idx + 1) * features), i * features);
        yb[i] = data.train.labels[idx]!;
      }
      const lr = scheduledLr(plan.optimizer, epoch * batchesPerEpoch + b, batchesPerEpoch * plan.epochs);
      const r = learner.trainBatch(xb, yb, m, lr);
      lossSum += r.loss;
      correct += r.correct;
      count += m;
      seen += m;

      const now = performance.now();
      const lastOfEpoch = b === batchesPerEpoch - 1;
      if ((b + 1) % logEvery === 0 || lastOfEpoch) {
        trainMs += now - t0;
        t0 = now;
        if (!Number.isFinite(lossSum)) {
          hooks.onLog?.('warn', `training loss is ${lossSum} at step ${seen}; lower the learning rate`);
        }
        const ts = Date.now();
        emit([
          { key: 'train_loss', value: lossSum / count, step: seen, timestamp: ts },
          { key: 'train_accuracy', value: correct / count, step: seen, timestamp: ts },
          { key: 'samples_per_s', value: rate() ?? 0, step: seen, timestamp: ts },
        ]);
        lossSum = 0;
        correct = 0;
        count = 0;
      }
      if (now - lastProgress >= progressEvery || (lastOfEpoch && epoch === plan.epochs - 1)) {
        lastProgress = now;
        const elapsed = trainMs + (now - t0);
        hooks.onProgress?.({
          phase: 'train',
          done: seen,
          total,
          rate: elapsed > 0 ? (seen * 1000) / elapsed : null,
        });
      }
      if (now - lastYield >= YIELD_EVERY_MS) {
        await yieldToEventLoop();
        // Time spent outside the loop (other tasks) is not training time.
        t0 += performance.now() - now;
        lastYield = performance.now();
      }
    }
    if (hooks.evaluate !== false) {
      const ev = await evaluate(learner, data.test, features, hooks);
      if (!ev) {
        status = 'cancelled';
        break;
      }
      const ts = Date.now();
      const extra = learner.epochMetrics?.() ?? {};
      emit([
        { key: 'test_loss', value: ev.loss, step: seen, timestamp: ts },
        { key: 'test_accuracy', value: ev.accuracy, step: seen, timestamp: ts },
        ...Object.entries(extra).map(([key, value]) => ({ key, value, step: seen, timestamp: ts })),
      ]);
      hooks.onLog?.(
        'info',
        `epoch ${epoch + 1}/${plan.epochs}: test accuracy ${(ev.accuracy * 100).toFixed(2)}%, ` +
          `loss ${ev.loss.toFixed(4)}, ${Math.round(rate() ?? 0)} samples/s`,
      );
    }
  }
  if (rate() !== null) metrics.samples_per_s = rate()!;
  const artifacts = status === 'finished' && learner.artifacts ? learner.artifacts(data.test) : [];
  return { status, metrics, samplesSeen: seen, trainSeconds: trainMs / 1000, artifacts };
}

/**
 * Deploys the learner's state (one programming, aged to plan.infer) and infers `test` in batches;
 * null when cancelled. Exported for inference-only runs.
 */
export async function evaluate(
  learner: Learner,
  test: Dataset,
  features: number,
  hooks: Pick<TrainHooks, 'signal' | 'onProgress'> = {},
): Promise<{ loss: number; accuracy: number } | null> {
  learner.deploy();
  const started = performance.now();
  let lastYield = started;
  let loss = 0;
  let correct = 0;
  for (let start = 0; start < test.count; start += EVAL_BATCH) {
    if (hooks.signal?.aborted) return null;
    const m = Math.min(EVAL_BATCH, test.count - start);
    const x = test.images.subarray(start * features, (start + m) * features);
    const r = learner.inferBatch(x, test.labels.subarray(start, start + m), m);
    loss += r.loss;
    correct += r.correct;
    const now = performance.now();
    if (now - lastYield >= YIELD_EVERY_MS) {
      const done = start + m;
      hooks.onProgress?.({
        phase: 'evaluate',
        done,
        total: test.count,
        rate: (done * 1000) / (now - started),
      });
      await yieldToEventLoop();
      lastYield = performance.now();
    }
  }
  const count = Math.max(1, test.count);
  return { loss: loss / count, accuracy: correct / count };
}
