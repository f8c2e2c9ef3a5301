// The seam between the training loop and a learning rule. train.ts owns everything every rule
// shares (epochs, shuffling, batching, metrics, progress, cancellation, evaluation passes); a
// Learner owns the network state and what one step of its rule does to the modelled hardware.
import type { Dataset } from '../../data/mnist';
import type { Kernels } from '../kernels';
import type { TrainingPlan } from '../plan';
import { Rng, STREAMS } from '../rng';

/** Summed loss over the batch (not the mean) and the number of samples classified correctly. */
export interface BatchResult {
  loss: number;
  correct: number;
}

export type LearnerLog = (level: 'info' | 'warn' | 'error', message: string) => void;

export interface LearnerContext {
  plan: TrainingPlan;
  kernels: Kernels;
  /** Largest m trainBatch / inferBatch will be called with. */
  maxBatch: number;
  /** Batches per epoch × epochs: the length of the run in optimiser steps. */
  totalSteps: number;
  log: LearnerLog;
}

export interface Learner {
  /**
   * One training step on m samples: x is m × plan.inputSize (row-major, features in [0, 1] for the
   * built-in sets), labels are class indices. `lr` is the scheduled learning rate of this step.
   */
  trainBatch(x: Float32Array, labels: Uint8Array, m: number, lr: number): BatchResult;
  /**
   * Puts the trained state on the chip as deployed: program the devices once, then age them to
   * plan.infer (drift to infer.time, temperature). Called before every evaluation pass.
   */
  deploy(): void;
  /** Inference of m samples on the deployed chip (read noise, converters). */
  inferBatch(x: Float32Array, labels: Uint8Array, m: number): BatchResult;
  /**
   * Extra per-epoch metrics, e.g. `pulses`, `adc_saturation` (snake_case keys, plain numbers).
   * Called after each epoch's evaluation.
   */
  epochMetrics?(): Record<string, number>;
  /**
   * Files to store with the run after training (e.g. a spiking run's spike recording of a test
   * sample), made from the deployed state; called once, after the last evaluation.
   */
  artifacts?(test: Dataset): LearnerArtifact[];
}

export interface LearnerArtifact {
  name: string;
  mediaType: string;
  content: string;
}

export type LearnerFactory = (ctx: LearnerContext) => Learner;

/**
 * The run's random streams. Each consumer of randomness has its own, derived from the plan's seed,
 * so changing one noise source never changes another (see STREAMS). Learners that need streams of
 * their own use ids from 100 up (e.g. `rngFor(plan, 100)` for feedback matrices).
 */
export function rngFor(plan: TrainingPlan, stream: keyof typeof STREAMS | number): Rng {
  return new Rng(plan.seed, typeof stream === 'number' ? stream : STREAMS[stream]);
}

/**
 * Softmax cross-entropy of logits (m × c): the summed loss and number correct; when `grad` is
 * given, writes dL/dlogits averaged over the batch into it (m × c).
 */
export function softmaxCrossEntropy(
  logits: Float32Array,
  labels: Uint8Array,
  m: number,
  c: number,
  grad: Float32Array | null,
): BatchResult {
  let loss = 0;
  let correct = 0;
  for (let i = 0; i < m; i++) {
    const row = i * c;
    let max = logits[row]!;
    let arg = 0;
    for (let j = 1; j < c; j++) {
      if (logits[row + j]! > max) {
        max = logits[row + j]!;
        arg = j;
      }
    }
    let sum = 0;
    for (let j = 0; j < c; j++) sum += Math.exp(logits[row + j]! - max);
    const y = labels[i]!;
    loss += Math.log(sum) - (logits[row + y]! - max);
    if (arg === y) correct++;
    if (grad) {
      const inv = 1 / (sum * m);
      for (let j = 0; j < c; j++)
        grad[row + j] = Math.exp(logits[row + j]! - max) * inv - (j === y ? 1 / m : 0);
    }
  }
  return { loss, correct };
}
