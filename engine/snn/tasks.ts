// Seeded tasks for the local spiking learning rules (docs/engine-snn-local-rules.md):
// - pattern generation (Bellec et al. 2020, Nat. Commun. 11:3625, Fig. 2): a recurrent spiking
//   network driven by one fixed random Poisson spike pattern must output a fixed target curve, a sum
//   of sinusoids over 1 s;
// - a two-armed bandit (Bernoulli rewards), the reward task of the three-factor rule.
// Everything is drawn from an Rng seeded by the caller, so a seed gives the same task bit for bit.
import type { Rng } from '../sim/rng';

export interface PatternTaskOptions {
  /** Input channels (Bellec et al. 2020 use 100). */
  inputs: number;
  /** Readout channels, one target curve each. */
  outputs: number;
  /** Time steps (1 ms each by default: 1,000 = 1 s, as in Bellec et al. 2020 Fig. 2). */
  steps: number;
  /** Step (s). */
  dt: number;
  /** Poisson rate of every input channel (Hz). */
  inputRate: number;
  /** Frequencies of the summed sinusoids (Hz). */
  frequencies: readonly number[];
}

/**
 * Defaults: 100 inputs, 1 output, 1 s at 1 ms; target = sum of sinusoids at 1, 2, 3 and 5 Hz with
 * random amplitudes in [0.5, 2] and phases in [0, 2π) (the frequencies of Bellec et al. 2020's
 * pattern-generation task as we read its Methods), scaled to a peak of 1 so that the MSE of the
 * silent network (output 0) is about 0.2-0.3. Input rate 20 Hz: our choice, enough spikes per
 * step (2 on average) to drive 100 recurrent neurons.
 */
export const DEFAULT_PATTERN_TASK: Readonly<PatternTaskOptions> = {
  inputs: 100,
  outputs: 1,
  steps: 1000,
  dt: 1e-3,
  inputRate: 20,
  frequencies: [1, 2, 3, 5],
};

export interface PatternTask {
  options: PatternTaskOptions;
  /** Input spikes, time-major: input[t * inputs + i]. */
  input: Uint8Array;
  /** Target, time-major: target[t * outputs + k]. */
  target: Float32Array;
}

/** Draws one pattern-generation task (input pattern and target curves) from `rng`. */
export function patternGenerationTask(rng: Rng, options: Partial<PatternTaskOptions> = {}): PatternTask {
  const o: PatternTaskOptions = { ...DEFAULT_PATTERN_TASK, ...options };
  const { inputs, outputs, steps, dt } = o;
  const input = new Uint8Array(steps * inputs);
  const p = o.inputRate * dt;
  for (let q = 0; q < input.length; q++) input[q] = rng.uniform() < p ? 1 : 0;
  const target = new Float32Array(steps * outputs);
  for (let k = 0; k < outputs; k++) {
    const amp = o.frequencies.map(() => 0.5 + 1.5 * rng.uniform());
    const phase = o.frequencies.map(() => 2 * Math.PI * rng.uniform());
    let peak = 0;
    const curve = new Float64Array(steps);
    for (let t = 0; t < steps; t++) {
      let v = 0;
      for (let f = 0; f < o.frequencies.length; f++) {
        v += amp[f]! * Math.sin(2 * Math.PI * o.frequencies[f]! * t * dt + phase[f]!);
      }
      curve[t] = v;
      peak = Math.max(peak, Math.abs(v));
    }
    for (let t = 0; t < steps; t++) target[t * outputs + k] = curve[t]! / peak;
  }
  return { options: o, input, target };
}

/** Mean square of the target: the MSE of a network that outputs 0 (the reference for the loss). */
export function silentMse(task: PatternTask): number {
  let s = 0;
  for (let q = 0; q < task.target.length; q++) s += task.target[q]! * task.target[q]!;
  return s / task.target.length;
}

/**
 * A two-armed bandit with Bernoulli rewards: arm a pays 1 with probability p[a], else 0.
 * Default probabilities 0.8 and 0.2 (our choice: a clear but stochastic contrast, so that the
 * learning curve has room to rise from 0.5).
 */
export class TwoArmedBandit {
  constructor(
    readonly rewardProbability: readonly [number, number] = [0.8, 0.2],
    private readonly rng: Rng,
  ) {}

  /** The arm with the higher reward probability. */
  get betterArm(): 0 | 1 {
    return this.rewardProbability[0] >= this.rewardProbability[1] ? 0 : 1;
  }

  /** Pulls arm `a`: 1 with probability p[a], else 0 (one uniform draw). */
  pull(a: 0 | 1): number {
    return this.rng.uniform() < this.rewardProbability[a] ? 1 : 0;
  }
}
