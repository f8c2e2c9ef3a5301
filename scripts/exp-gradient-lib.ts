// Shared pieces of the gradient-rule experiments (scripts/exp-ideal.ts, exp-hw-aware.ts,
// exp-dfa.ts, exp-binary.ts, exp-conv.ts): argument parsing, full-MNIST loading, a training run that
// logs every epoch, and re-evaluation of the trained weights on several freshly programmed chips.
import { loadMnist } from '../engine/data/mnist';
import { defaultKernels } from '../engine/sim/kernels';
import type { TrainingPlan } from '../engine/sim/plan';
import { learnerFor } from '../engine/sim/rules';
import type { Learner } from '../engine/sim/rules/types';
import { EVAL_BATCH, evaluate, type TrainData, train } from '../engine/sim/train';

export function parseArgs(): { num(k: string, d: number): number; str(k: string, d: string): string } {
  const args = new Map<string, string>();
  for (let i = 2; i < process.argv.length; i += 2)
    args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1]!);
  return {
    num: (k, d) => (args.has(k) ? Number(args.get(k)) : d),
    str: (k, d) => args.get(k) ?? d,
  };
}

/** MNIST, the first `trainLimit` / `testLimit` samples (0 = the whole split). */
export function mnist(trainLimit = 0, testLimit = 0): TrainData {
  return {
    train: loadMnist('train', trainLimit > 0 ? trainLimit : undefined),
    test: loadMnist('test', testLimit > 0 ? testLimit : undefined),
  };
}

export interface RunResult {
  label: string;
  learner: Learner;
  accuracy: number;
  epochAccuracy: number[];
  samplesPerS: number;
  seconds: number;
}

/** Trains `plan` on `data`, printing each epoch's test accuracy; keeps the learner for more evaluations. */
export async function run(label: string, plan: TrainingPlan, data: TrainData): Promise<RunResult> {
  const kernels = defaultKernels();
  const batchesPerEpoch = Math.ceil(data.train.count / plan.batch);
  const learner = learnerFor(plan)({
    plan,
    kernels,
    maxBatch: Math.max(plan.batch, EVAL_BATCH),
    totalSteps: batchesPerEpoch * plan.epochs,
    log: (level, message) => console.log(`  [${label}] ${level}: ${message}`),
  });
  const epochAccuracy: number[] = [];
  const t0 = performance.now();
  const r = await train(plan, data, {
    learner,
    kernels,
    onMetrics: (points) => {
      for (const p of points) if (p.key === 'test_accuracy') epochAccuracy.push(p.value);
    },
    onLog: (_level, message) => {
      if (message.startsWith('epoch')) console.log(`  [${label}] ${message}`);
    },
  });
  const seconds = (performance.now() - t0) / 1000;
  return {
    label,
    learner,
    accuracy: r.metrics.test_accuracy ?? Number.NaN,
    epochAccuracy,
    samplesPerS: r.metrics.samples_per_s ?? 0,
    seconds,
  };
}

/**
 * Test accuracy of the trained learner on `chips` more deployments (each a fresh draw of
 * programming noise from the evaluation stream): mean and standard deviation.
 */
export async function chipAccuracies(
  learner: Learner,
  data: TrainData,
  features: number,
  chips: number,
): Promise<{ mean: number; std: number; all: number[] }> {
  const all: number[] = [];
  for (let c = 0; c < chips; c++) {
    const ev = await evaluate(learner, data.test, features);
    all.push(ev!.accuracy);
  }
  const mean = all.reduce((s, v) => s + v, 0) / all.length;
  const std = Math.sqrt(all.reduce((s, v) => s + (v - mean) ** 2, 0) / Math.max(1, all.length - 1));
  return { mean, std, all };
}

export const pct = (v: number) => `${(100 * v).toFixed(2)}%`;
