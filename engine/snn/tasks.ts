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

export interface DelayedRecallOptions {
  /** Channels per input group: cue "0", cue "1", recall, and background noise (4 groups). */
  channelsPerGroup: number;
  /** Cue duration, delay, recall window (steps). */
  cueSteps: number;
  delaySteps: number;
  recallSteps: number;
  /** Step (s). */
  dt: number;
  /** Rate of an active cue or recall channel, and of the noise channels (Hz). */
  activeRate: number;
  noiseRate: number;
}

/**
 * Defaults (our choices, after the store-recall tasks of Bellec et al. 2020, Fig. 3, made short):
 * 10 channels per group, a 50 ms cue, a 600 ms delay, a 50 ms recall window; active channels at
 * 100 Hz, noise channels at 10 Hz; 1 ms steps.
 */
export const DEFAULT_DELAYED_RECALL: Readonly<DelayedRecallOptions> = {
  channelsPerGroup: 10,
  cueSteps: 50,
  delaySteps: 600,
  recallSteps: 50,
  dt: 1e-3,
  activeRate: 100,
  noiseRate: 10,
};

export interface DelayedRecallTrial {
  /** The bit to remember (0 or 1). */
  bit: number;
  steps: number;
  inputs: number;
  /** Input spikes, time-major [t][i]: cue-0 group, cue-1 group, recall group, noise group. */
  input: Uint8Array;
  /** Target ([t], one output): +1 for bit 1 and −1 for bit 0 in the recall window, 0 elsewhere. */
  target: Float32Array;
  /** 1 in the recall window, 0 elsewhere: only the recall is scored. */
  mask: Float32Array;
}

/**
 * One delayed-recall trial: the cue group of `bit` fires during the cue, then only noise during
 * the delay, then the recall group fires and the output must report the bit. Draws the bit first,
 * then the spikes in time-major order.
 */
export function delayedRecallTrial(
  rng: Rng,
  options: Partial<DelayedRecallOptions> = {},
): DelayedRecallTrial {
  const o: DelayedRecallOptions = { ...DEFAULT_DELAYED_RECALL, ...options };
  const g = o.channelsPerGroup;
  const inputs = 4 * g;
  const steps = o.cueSteps + o.delaySteps + o.recallSteps;
  const bit = rng.uniform() < 0.5 ? 0 : 1;
  const input = new Uint8Array(steps * inputs);
  const target = new Float32Array(steps);
  const mask = new Float32Array(steps);
  const pActive = o.activeRate * o.dt;
  const pNoise = o.noiseRate * o.dt;
  const recallStart = o.cueSteps + o.delaySteps;
  for (let t = 0; t < steps; t++) {
    const row = t * inputs;
    const cue = t < o.cueSteps;
    const recall = t >= recallStart;
    for (let c = 0; c < g; c++) {
      const u0 = rng.uniform();
      const u1 = rng.uniform();
      const u2 = rng.uniform();
      const u3 = rng.uniform();
      input[row + c] = cue && bit === 0 && u0 < pActive ? 1 : 0;
      input[row + g + c] = cue && bit === 1 && u1 < pActive ? 1 : 0;
      input[row + 2 * g + c] = recall && u2 < pActive ? 1 : 0;
      input[row + 3 * g + c] = u3 < pNoise ? 1 : 0;
    }
    if (recall) {
      target[t] = bit === 1 ? 1 : -1;
      mask[t] = 1;
    }
  }
  return { bit, steps, inputs, input, target, mask };
}

export interface SpikePatternOptions {
  channels: number;
  classes: number;
  /** Steps per sample and step (s). */
  steps: number;
  dt: number;
  /** Fraction of the channels that fire at the high rate in a class's template. */
  activeFraction: number;
  /** Rates of the active and the other channels (Hz). */
  highRate: number;
  lowRate: number;
}

/**
 * Defaults (our choices; the sizes of examples/eprop-recurrent-snn.nfab: 100 channels, 10
 * classes, 100 steps of 1 ms): each class is a fixed random set of 20% of the channels firing at
 * 40 Hz while the others fire at 5 Hz. Classes overlap (random subsets), and a 100 ms sample holds
 * about 4 spikes per active channel, so single samples are noisy.
 */
export const DEFAULT_SPIKE_PATTERNS: Readonly<SpikePatternOptions> = {
  channels: 100,
  classes: 10,
  steps: 100,
  dt: 1e-3,
  activeFraction: 0.2,
  highRate: 40,
  lowRate: 5,
};

/** Poisson spike-pattern classification: one rate template per class, samples drawn from it. */
export class SpikePatternTask {
  readonly options: SpikePatternOptions;
  /** Spike probability per step of every channel for each class, [class][channel]. */
  readonly templates: Float32Array;

  constructor(rng: Rng, options: Partial<SpikePatternOptions> = {}) {
    const o: SpikePatternOptions = { ...DEFAULT_SPIKE_PATTERNS, ...options };
    this.options = o;
    this.templates = new Float32Array(o.classes * o.channels);
    const order = new Uint32Array(o.channels);
    const active = Math.round(o.activeFraction * o.channels);
    for (let c = 0; c < o.classes; c++) {
      for (let i = 0; i < o.channels; i++) order[i] = i;
      // Partial Fisher-Yates: the first `active` entries are a uniform random subset.
      for (let i = 0; i < active; i++) {
        const r = i + Math.floor(rng.uniform() * (o.channels - i));
        const tmp = order[i]!;
        order[i] = order[r]!;
        order[r] = tmp;
      }
      const row = c * o.channels;
      for (let i = 0; i < o.channels; i++) this.templates[row + i] = o.lowRate * o.dt;
      for (let i = 0; i < active; i++) this.templates[row + order[i]!] = o.highRate * o.dt;
    }
  }

  /** Draws a sample of class `label` into `out` (time-major [t][channel], steps × channels bytes). */
  sample(rng: Rng, label: number, out: Uint8Array): void {
    const { channels, steps } = this.options;
    const row = label * channels;
    for (let t = 0; t < steps; t++) {
      const o = t * channels;
      for (let i = 0; i < channels; i++) out[o + i] = rng.uniform() < this.templates[row + i]! ? 1 : 0;
    }
  }
}
