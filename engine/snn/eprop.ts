// e-prop (Bellec et al. 2020, "A solution to the learning dilemma for recurrent networks of
// spiking neurons", Nat. Commun. 11:3625): online learning in a recurrent LIF network, forward in
// time, no backpropagation through time.
//
// Network (Bellec et al. 2020, Methods, LIF neurons; discrete time, step dt):
//   v_j[t]  = α·v_j[t−1] + Σ_i W^in_ji x_i[t] + Σ_i W^rec_ji z_i[t−1] − v_th·z_j[t−1]   (reset by subtraction)
//   z_j[t]  = H(v_j[t] − v_th)  (and 0 during the refractory period)
//   y_k[t]  = κ·y_k[t−1] + Σ_j W^out_kj z_j[t];  out_k[t] = y_k[t] + b_k   (leaky readout)
// with α = exp(−dt/τ_m) and κ = exp(−dt/τ_out).
// Gradient of E = ½ Σ_t Σ_k (out_k − y*_k)² by e-prop:
//   pseudo-derivative     ψ_j[t] = (γ/v_th)·max(0, 1 − |v_j[t] − v_th|/v_th)     (triangle, γ = 0.3)
//   presynaptic trace     z̄_i[t] = α·z̄_i[t−1] + (input of synapse i at step t)
//   eligibility trace     e_ji[t] = ψ_j[t]·z̄_i[t]
//   filtered by readout   ē_ji[t] = κ·ē_ji[t−1] + e_ji[t]
//   learning signal       L_j[t] = Σ_k B_jk (out_k[t] − y*_k[t])
//   gradient              ∂E/∂W_ji ≈ Σ_t L_j[t]·ē_ji[t]
// B is a fixed random matrix (random e-prop) or W^outᵀ (symmetric e-prop). The readout learns by
// the exact gradient Σ_t err_k[t]·z̄^κ_j[t] (the delta rule through the readout's leak). A firing-
// rate regulariser (Bellec et al.: E_reg = c/2·Σ_j (f_j − f_target)²) adds c·(f_j − f_t)·Σ_t e_ji/T.
// The gradients accumulate online at every step; the weights change at the end of each trial (as
// Bellec et al. do), by Adam from engine/sim/optim.ts.
// Docs and measured curves: docs/engine-snn-local-rules.md.
import { createOptimizer, type Optimizer } from '../sim/optim';
import { Rng } from '../sim/rng';
import type { LifConstants } from './neurons';
import { DEFAULT_SURROGATE_SLOPE, type SurrogateKind, surrogateGrad } from './surrogate';
import {
  DEFAULT_DELAYED_RECALL,
  type DelayedRecallOptions,
  delayedRecallTrial,
  type PatternTask,
  type PatternTaskOptions,
  patternGenerationTask,
  type SpikePatternOptions,
  SpikePatternTask,
  silentMse,
} from './tasks';

export interface EpropOptions {
  inputs: number;
  recurrent: number;
  outputs: number;
  /** Step (s). */
  dt: number;
  /** Neuron constants for step dt (from lifConstants(neuron, dt); alpha and reset are not used). */
  neuron: Pick<LifConstants, 'beta' | 'threshold' | 'refractorySteps'>;
  /** Readout time constant (s). */
  tauOut: number;
  surrogate: SurrogateKind;
  /** Surrogate slope; the triangle's is Bellec's dampening factor γ. */
  surrogateSlope: number;
  /** 'random': fixed random B (random e-prop); 'symmetric': B = W_outᵀ. */
  feedback: 'random' | 'symmetric';
  /** Adam learning rate. */
  lr: number;
  /** Firing-rate regulariser: target rate (Hz) and coefficient c (0 = off). */
  rateTarget: number;
  rateReg: number;
  /**
   * Fraction of the recurrent neurons that are adaptive (ALIF, Bellec et al. 2020: threshold
   * A_j = v_th + β·a_j, a_j ← ρ·a_j + z_j, ρ = exp(−dt/τ_a)); 0 = all LIF. The adaptive ones are
   * the last round(fraction·n) neurons.
   */
  adaptiveFraction: number;
  /** Threshold adaptation time constant τ_a (s) and strength β (threshold units per spike). */
  tauAdapt: number;
  betaAdapt: number;
  /** Initial weights: N(0, 1)·scale/√fan_in. */
  inputScale: number;
  recurrentScale: number;
  seed: number;
}

/**
 * Defaults. τ_m = 20 ms and τ_out = 20 ms, γ = 0.3, 2 ms refractory, firing-rate target 10 Hz:
 * Bellec et al. 2020 (Methods). Threshold 1 (the DSL's normalised threshold). Adam lr 0.003 and
 * the weight scales: our choices for this task size (docs/engine-snn-local-rules.md).
 */
export const DEFAULT_EPROP: Readonly<EpropOptions> = {
  inputs: 100,
  recurrent: 100,
  outputs: 1,
  dt: 1e-3,
  neuron: { beta: Math.exp(-1e-3 / 20e-3), threshold: 1, refractorySteps: 2 },
  tauOut: 20e-3,
  surrogate: 'triangle',
  surrogateSlope: DEFAULT_SURROGATE_SLOPE.triangle,
  feedback: 'random',
  lr: 3e-3,
  rateTarget: 10,
  rateReg: 0.1,
  adaptiveFraction: 0,
  tauAdapt: 600e-3,
  betaAdapt: 0.5,
  inputScale: 1,
  recurrentScale: 1,
  seed: 1,
};

/** A classification trial: the mean cross-entropy over the scored steps and the predicted class. */
export interface ClassifyResult extends TrialResult {
  crossEntropy: number;
  predicted: number;
}

export interface TrialResult {
  /** Mean squared error over the trial's steps and outputs. */
  mse: number;
  /** Mean firing rate of the recurrent neurons (Hz). */
  rate: number;
  /** Spikes of the recurrent population in the trial. */
  spikes: number;
}

/** A recurrent LIF network with a leaky readout, trained by e-prop. */
export class EpropNetwork {
  readonly opts: EpropOptions;
  readonly nPre: number;
  /** Input and recurrent weights, presynaptic-major: w[p * recurrent + j], p < inputs are inputs. */
  readonly w: Float32Array;
  /** Readout weights [k][j] and biases. */
  readonly wOut: Float32Array;
  readonly bOut: Float32Array;
  /** Random feedback B [j][k]. */
  readonly feedback: Float32Array;
  /** Readout output of the last trial, time-major [t][k]. */
  output: Float32Array = new Float32Array(0);
  /** Spikes of the last trial, time-major [t][j]. */
  spikes: Uint8Array = new Uint8Array(0);

  private readonly optimizer: Optimizer;
  // Per-trial state and gradient buffers (allocated once).
  private readonly v: Float32Array;
  private readonly z: Uint8Array;
  private readonly zPrev: Uint8Array;
  private readonly refr: Int32Array;
  private readonly psi: Float32Array;
  private readonly pbar: Float32Array;
  private readonly zRead: Float32Array;
  private readonly y: Float32Array;
  private readonly err: Float32Array;
  private readonly learnSig: Float32Array;
  private readonly ebar: Float32Array;
  private readonly esum: Float32Array;
  private readonly gW: Float32Array;
  private readonly gOut: Float32Array;
  private readonly gB: Float32Array;
  private readonly counts: Float32Array;
  /** ALIF: adaptation a_j, β_j (0 for LIF neurons), and the eligibility vector ε^a (nPre × n). */
  private readonly adapt: Float32Array;
  private readonly betaJ: Float32Array;
  private readonly epsA: Float32Array;
  private readonly thrJ: Float32Array;
  private readonly votes: Float64Array;

  constructor(options: Partial<EpropOptions> = {}) {
    const o: EpropOptions = { ...DEFAULT_EPROP, ...options };
    this.opts = o;
    const { inputs, recurrent: n, outputs } = o;
    this.nPre = inputs + n;
    const rng = new Rng(o.seed, 101);
    this.w = new Float32Array(this.nPre * n);
    const sIn = o.inputScale / Math.sqrt(inputs);
    const sRec = o.recurrentScale / Math.sqrt(n);
    for (let p = 0; p < this.nPre; p++) {
      for (let j = 0; j < n; j++) {
        const isRec = p >= inputs;
        // No self-connections (Bellec et al. 2020).
        this.w[p * n + j] = isRec && p - inputs === j ? 0 : rng.normal() * (isRec ? sRec : sIn);
      }
    }
    this.wOut = new Float32Array(outputs * n);
    for (let q = 0; q < this.wOut.length; q++) this.wOut[q] = rng.normal() / Math.sqrt(n);
    this.bOut = new Float32Array(outputs);
    this.feedback = new Float32Array(n * outputs);
    for (let q = 0; q < this.feedback.length; q++) this.feedback[q] = rng.normal() / Math.sqrt(n);
    this.optimizer = createOptimizer({ kind: 'adam', lr: o.lr, momentum: 0.9 }, false);
    this.v = new Float32Array(n);
    this.z = new Uint8Array(n);
    this.zPrev = new Uint8Array(n);
    this.refr = new Int32Array(n);
    this.psi = new Float32Array(n);
    this.pbar = new Float32Array(this.nPre);
    this.zRead = new Float32Array(n);
    this.y = new Float32Array(outputs);
    this.err = new Float32Array(outputs);
    this.learnSig = new Float32Array(n);
    this.ebar = new Float32Array(this.nPre * n);
    this.esum = new Float32Array(this.nPre * n);
    this.gW = new Float32Array(this.nPre * n);
    this.gOut = new Float32Array(outputs * n);
    this.gB = new Float32Array(outputs);
    this.counts = new Float32Array(n);
    this.adapt = new Float32Array(n);
    this.votes = new Float64Array(outputs);
    this.thrJ = new Float32Array(n);
    this.betaJ = new Float32Array(n);
    const nAdaptive = Math.round(o.adaptiveFraction * n);
    for (let j = n - nAdaptive; j < n; j++) this.betaJ[j] = o.betaAdapt;
    this.epsA = new Float32Array(nAdaptive > 0 ? this.nPre * n : 0);
  }

  /**
   * Runs one trial on `input` (time-major [t][i] spikes) against `target` ([t][k]); with `learn`,
   * accumulates the e-prop gradients online and applies one Adam step at the end. `mask` (one
   * weight per step, e.g. 1 in a recall window and 0 elsewhere) weights the error of each step;
   * the MSE returned is over the masked steps.
   */
  trial(
    input: Uint8Array,
    target: Float32Array,
    steps: number,
    learn = true,
    mask?: Float32Array,
  ): TrialResult {
    if (target.length < steps * this.opts.outputs) {
      throw new RangeError('EpropNetwork.trial: target shorter than steps');
    }
    return this.run(input, target, -1, steps, learn, mask);
  }

  /**
   * Classification (Bellec et al. 2020, Methods): softmax π_k of the readout at every step where
   * `mask` is non-zero (all steps without a mask), cross-entropy against `label`, error
   * π_k − 1[k = label] as the learning signal's input. The prediction is the argmax of the
   * readout summed over those steps.
   */
  trialClassify(
    input: Uint8Array,
    label: number,
    steps: number,
    learn = true,
    mask?: Float32Array,
  ): ClassifyResult {
    if (!(label >= 0 && label < this.opts.outputs)) {
      throw new RangeError(`EpropNetwork.trialClassify: label ${label} outside 0..${this.opts.outputs - 1}`);
    }
    return this.run(input, null, label, steps, learn, mask);
  }

  private run(
    input: Uint8Array,
    target: Float32Array | null,
    label: number,
    steps: number,
    learn: boolean,
    mask: Float32Array | undefined,
  ): ClassifyResult {
    const o = this.opts;
    const { inputs, recurrent: n, outputs } = o;
    const nPre = this.nPre;
    if (input.length < steps * inputs) {
      throw new RangeError('EpropNetwork: input shorter than steps');
    }
    if (mask && mask.length < steps) throw new RangeError('EpropNetwork: mask shorter than steps');
    const votes = this.votes;
    votes.fill(0);
    let ce = 0;
    if (this.output.length !== steps * outputs) this.output = new Float32Array(steps * outputs);
    if (this.spikes.length !== steps * n) this.spikes = new Uint8Array(steps * n);
    const {
      w,
      wOut,
      bOut,
      v,
      z,
      zPrev,
      refr,
      psi,
      pbar,
      zRead,
      y,
      err,
      learnSig,
      ebar,
      esum,
      gW,
      gOut,
      gB,
      counts,
      adapt,
      thrJ,
      betaJ,
      epsA,
    } = this;
    const adaptive = epsA.length > 0;
    const rho = Math.exp(-o.dt / o.tauAdapt);
    const alpha = o.neuron.beta;
    const thr = o.neuron.threshold;
    const kappa = Math.exp(-o.dt / o.tauOut);
    const refSteps = o.neuron.refractorySteps;
    const slope = o.surrogateSlope;
    const B = o.feedback === 'symmetric' ? null : this.feedback;
    v.fill(0);
    zPrev.fill(0);
    refr.fill(0);
    pbar.fill(0);
    zRead.fill(0);
    y.fill(0);
    counts.fill(0);
    adapt.fill(0);
    if (learn) {
      epsA.fill(0);
      ebar.fill(0);
      esum.fill(0);
      gW.fill(0);
      gOut.fill(0);
      gB.fill(0);
    }
    let sq = 0;
    let maskSum = 0;
    for (let t = 0; t < steps; t++) {
      const m = mask ? mask[t]! : 1;
      maskSum += m;
      // Adaptive thresholds from last step's spikes (β_j = 0 keeps a LIF neuron at v_th).
      for (let j = 0; j < n; j++) {
        adapt[j] = rho * adapt[j]! + zPrev[j]!;
        thrJ[j] = thr + betaJ[j]! * adapt[j]!;
      }
      const xin = t * inputs;
      // Membrane: leak, reset by subtraction of last step's spike, then the synaptic input.
      for (let j = 0; j < n; j++) v[j] = alpha * v[j]! - thr * zPrev[j]!;
      for (let i = 0; i < inputs; i++) {
        if (input[xin + i] === 0) continue;
        const row = i * n;
        for (let j = 0; j < n; j++) v[j]! += w[row + j]!;
      }
      for (let r = 0; r < n; r++) {
        if (zPrev[r] === 0) continue;
        const row = (inputs + r) * n;
        for (let j = 0; j < n; j++) v[j]! += w[row + j]!;
      }
      for (let j = 0; j < n; j++) {
        if (refr[j]! > 0) {
          refr[j]!--;
          z[j] = 0;
          psi[j] = 0; // Bellec et al.: no pseudo-derivative during the refractory period
          continue;
        }
        const th = thrJ[j]!;
        const s = v[j]! >= th ? 1 : 0;
        z[j] = s;
        if (s) {
          refr[j] = refSteps;
          counts[j]!++;
        }
        // Bellec et al.: ψ = (γ/v_th)·max(0, 1 − |v − A|/v_th), the width set by v_th.
        psi[j] = surrogateGrad(o.surrogate, v[j]! - th, slope, thr) / thr;
      }
      this.spikes.set(z, t * n);
      // Readout.
      for (let k = 0; k < outputs; k++) {
        let a = kappa * y[k]!;
        const row = k * n;
        for (let j = 0; j < n; j++) if (z[j] !== 0) a += wOut[row + j]!;
        y[k] = a;
        const out = a + bOut[k]!;
        this.output[t * outputs + k] = out;
        if (target) {
          const e = m * (out - target[t * outputs + k]!);
          err[k] = e;
          sq += e * e;
        }
      }
      if (!target) {
        // Softmax cross-entropy over the outputs of this step (max-shifted for stability).
        const row = t * outputs;
        let mx = -Infinity;
        for (let k = 0; k < outputs; k++) mx = Math.max(mx, this.output[row + k]!);
        let sum = 0;
        for (let k = 0; k < outputs; k++) sum += Math.exp(this.output[row + k]! - mx);
        for (let k = 0; k < outputs; k++) {
          const pk = Math.exp(this.output[row + k]! - mx) / sum;
          err[k] = m * (pk - (k === label ? 1 : 0));
          votes[k]! += m * this.output[row + k]!;
        }
        if (m !== 0) ce -= m * (this.output[row + label]! - mx - Math.log(sum));
      }
      if (learn) {
        // Presynaptic traces: inputs of this step, recurrent spikes of the last step.
        for (let i = 0; i < inputs; i++) pbar[i] = alpha * pbar[i]! + input[xin + i]!;
        for (let r = 0; r < n; r++) pbar[inputs + r] = alpha * pbar[inputs + r]! + zPrev[r]!;
        for (let j = 0; j < n; j++) {
          let l = 0;
          if (B) for (let k = 0; k < outputs; k++) l += B[j * outputs + k]! * err[k]!;
          else for (let k = 0; k < outputs; k++) l += wOut[k * n + j]! * err[k]!;
          learnSig[j] = l;
        }
        // The hot loop: eligibility, its readout filter, and the accumulated gradient.
        if (adaptive) {
          // ALIF (Bellec et al. 2020, Methods): e = ψ·(ε^v − β·ε^a) with ε^v = z̄, then
          // ε^a ← ψ·ε^v + (ρ − ψ·β)·ε^a for the next step.
          for (let p = 0; p < nPre; p++) {
            const pb = pbar[p]!;
            const row = p * n;
            for (let j = 0; j < n; j++) {
              const ps = psi[j]!;
              const bj = betaJ[j]!;
              const ea = epsA[row + j]!;
              const e = ps * (pb - bj * ea);
              epsA[row + j] = ps * pb + (rho - ps * bj) * ea;
              const eb = kappa * ebar[row + j]! + e;
              ebar[row + j] = eb;
              gW[row + j]! += learnSig[j]! * eb;
              esum[row + j]! += e;
            }
          }
        } else
          for (let p = 0; p < nPre; p++) {
            const pb = pbar[p]!;
            const row = p * n;
            for (let j = 0; j < n; j++) {
              const e = psi[j]! * pb;
              const eb = kappa * ebar[row + j]! + e;
              ebar[row + j] = eb;
              gW[row + j]! += learnSig[j]! * eb;
              esum[row + j]! += e;
            }
          }
        for (let j = 0; j < n; j++) zRead[j] = kappa * zRead[j]! + z[j]!;
        for (let k = 0; k < outputs; k++) {
          const ek = err[k]!;
          const row = k * n;
          for (let j = 0; j < n; j++) gOut[row + j]! += ek * zRead[j]!;
          gB[k]! += ek;
        }
      }
      zPrev.set(z);
    }
    let total = 0;
    for (let j = 0; j < n; j++) total += counts[j]!;
    const duration = steps * o.dt;
    if (learn) {
      // E = ½ Σ err² / (steps·outputs), or the cross-entropy per scored step: the gradients share
      // that normalisation (the regulariser's weight c is relative to it).
      const norm = 1 / (Math.max(maskSum, 1e-12) * (target ? outputs : 1));
      const fTarget = o.rateTarget * o.dt;
      for (let p = 0; p < nPre; p++) {
        const row = p * n;
        for (let j = 0; j < n; j++) {
          const reg = o.rateReg * (counts[j]! / steps - fTarget);
          gW[row + j] = gW[row + j]! * norm + (reg * esum[row + j]!) / steps;
        }
      }
      for (let r = 0; r < n; r++) gW[(inputs + r) * n + r] = 0; // keep self-connections at 0
      for (let q = 0; q < gOut.length; q++) gOut[q]! *= norm;
      for (let k = 0; k < outputs; k++) gB[k]! *= norm;
      this.optimizer.beginStep(o.lr);
      this.optimizer.step(0, w, gW);
      this.optimizer.step(1, wOut, gOut);
      this.optimizer.step(2, bOut, gB);
    }
    let predicted = 0;
    for (let k = 1; k < outputs; k++) if (votes[k]! > votes[predicted]!) predicted = k;
    const ms = Math.max(maskSum, 1e-12);
    return {
      mse: sq / (ms * outputs),
      crossEntropy: ce / ms,
      predicted,
      rate: total / (n * duration),
      spikes: total,
    };
  }
}

export interface PatternRunOptions {
  iterations: number;
  seed: number;
  task?: Partial<PatternTaskOptions>;
  network?: Partial<Omit<EpropOptions, 'inputs' | 'outputs' | 'dt' | 'seed'>>;
  /** Called after each iteration (for progress logs). */
  onIteration?: (it: number, r: TrialResult) => void;
}

export interface PatternRunResult {
  /** MSE per iteration (before that iteration's update). */
  losses: number[];
  /** Mean firing rate per iteration (Hz). */
  rates: number[];
  /** MSE of a silent network (output 0): the loss's reference. */
  silentMse: number;
  task: PatternTask;
  network: EpropNetwork;
}

/** Trains an e-prop network on one seeded pattern-generation task; returns the loss curve. */
export function trainPatternGeneration(opts: PatternRunOptions): PatternRunResult {
  const task = patternGenerationTask(new Rng(opts.seed, 102), opts.task);
  const to = task.options;
  const net = new EpropNetwork({
    ...opts.network,
    inputs: to.inputs,
    outputs: to.outputs,
    dt: to.dt,
    seed: opts.seed,
  });
  const losses: number[] = [];
  const rates: number[] = [];
  for (let it = 0; it < opts.iterations; it++) {
    const r = net.trial(task.input, task.target, to.steps, true);
    losses.push(r.mse);
    rates.push(r.rate);
    opts.onIteration?.(it, r);
  }
  return { losses, rates, silentMse: silentMse(task), task, network: net };
}

export interface RecallRunOptions {
  iterations: number;
  seed: number;
  task?: Partial<DelayedRecallOptions>;
  network?: Partial<Omit<EpropOptions, 'inputs' | 'outputs' | 'dt' | 'seed'>>;
  onIteration?: (it: number, r: TrialResult & { correct: boolean }) => void;
}

export interface RecallRunResult {
  /** Masked MSE (recall window only) per iteration (one new random trial each). */
  losses: number[];
  /** 1 when the mean output over the recall window has the sign of the target. */
  correct: Uint8Array;
  network: EpropNetwork;
}

/** Trains e-prop on delayed recall: each iteration is a fresh random trial (a new bit and new spikes). */
export function trainDelayedRecall(opts: RecallRunOptions): RecallRunResult {
  const rng = new Rng(opts.seed, 103);
  const to = { ...DEFAULT_DELAYED_RECALL, ...opts.task };
  const inputs = 4 * to.channelsPerGroup;
  const dt = to.dt;
  const net = new EpropNetwork({ ...opts.network, inputs, outputs: 1, dt, seed: opts.seed });
  const losses: number[] = [];
  const correct = new Uint8Array(opts.iterations);
  for (let it = 0; it < opts.iterations; it++) {
    const trial = delayedRecallTrial(rng, opts.task);
    const r = net.trial(trial.input, trial.target, trial.steps, true, trial.mask);
    let mean = 0;
    let count = 0;
    for (let t = 0; t < trial.steps; t++) {
      if (trial.mask[t] === 0) continue;
      mean += net.output[t]!;
      count++;
    }
    const ok = (mean / Math.max(1, count) > 0 ? 1 : 0) === trial.bit;
    losses.push(r.mse);
    correct[it] = ok ? 1 : 0;
    opts.onIteration?.(it, { ...r, correct: ok });
  }
  return { losses, correct, network: net };
}

export interface ClassifyRunOptions {
  /** Training samples (one trial and one Adam step each; labels drawn uniformly). */
  iterations: number;
  /** Fresh test samples scored without learning at the end (and every `evalEvery` iterations). */
  testSamples: number;
  evalEvery: number;
  seed: number;
  task?: Partial<SpikePatternOptions>;
  network?: Partial<Omit<EpropOptions, 'inputs' | 'outputs' | 'dt' | 'seed'>>;
}

export interface ClassifyRunResult {
  /** Cross-entropy per training iteration. */
  losses: number[];
  /** [iterations done, test accuracy] at every evaluation (the first at 0, before learning). */
  accuracy: Array<[number, number]>;
  network: EpropNetwork;
}

/**
 * e-prop classification of Poisson spike patterns (the sizes of
 * examples/eprop-recurrent-snn.nfab): the readout is scored at every step of the sample.
 */
export function trainSpikeClassification(opts: ClassifyRunOptions): ClassifyRunResult {
  const task = new SpikePatternTask(new Rng(opts.seed, 105), opts.task);
  const to = task.options;
  const net = new EpropNetwork({
    ...opts.network,
    inputs: to.channels,
    outputs: to.classes,
    dt: to.dt,
    seed: opts.seed,
  });
  const trainRng = new Rng(opts.seed, 106);
  const buf = new Uint8Array(to.steps * to.channels);
  const evaluate = (): number => {
    // The same test samples at every evaluation: a fixed stream.
    const testRng = new Rng(opts.seed, 107);
    let ok = 0;
    for (let q = 0; q < opts.testSamples; q++) {
      const label = Math.floor(testRng.uniform() * to.classes);
      task.sample(testRng, label, buf);
      if (net.trialClassify(buf, label, to.steps, false).predicted === label) ok++;
    }
    return ok / opts.testSamples;
  };
  const losses: number[] = [];
  const accuracy: Array<[number, number]> = [[0, evaluate()]];
  for (let it = 0; it < opts.iterations; it++) {
    const label = Math.floor(trainRng.uniform() * to.classes);
    task.sample(trainRng, label, buf);
    losses.push(net.trialClassify(buf, label, to.steps, true).crossEntropy);
    if ((it + 1) % opts.evalEvery === 0 || it === opts.iterations - 1) accuracy.push([it + 1, evaluate()]);
  }
  return { losses, accuracy, network: net };
}
