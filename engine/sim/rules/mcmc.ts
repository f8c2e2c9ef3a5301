// MCMC learning with memristor variability as the randomness: T. Dalgaty, N. Castellani,
// C. Turck, K.-E. Harabi, D. Querlioz and E. Vianello, "In situ learning using intrinsic
// memristor variability via Markov chain Monte Carlo sampling", Nat. Electron. 4:151, 2021.
//
// The network's parameters are the conductances of memristor pairs, w = w_max·(g⁺ − g⁻) (or
// 2·w_max·(g − ½) against a reference column), in normalised conductance g ∈ [0, 1]. Training is
// a Metropolis–Hastings chain over those conductances:
//  1. Proposal: a new SET of the devices of a few weights. A SET lands on a conductance drawn from
//     the device's cycle-to-cycle distribution around the programmed value,
//     g' = clip(g + σ_c2c·ξ, 0, 1), ξ ~ N(0, 1), σ_c2c = device ctoc (fraction of the window):
//     sampleSetConductance of switching.ts. The random number is the device's variability: the
//     draw comes from a stream of its own (MCMC_STREAMS.c2c). Weights are visited in a fixed
//     sweep over the array (systematic scan), so choosing them needs no randomness.
//  2. Acceptance: with probability min(1, exp(ℓ(θ') − ℓ(θ))), ℓ the log-likelihood of the
//     training batch under the model's softmax outputs, read through the crossbar (read noise,
//     converters). The prior is the one the conductance window implies: uniform over [0, 1] per
//     device (weights bounded by ±w_max), so it cancels in the ratio. The uniform draw of the
//     acceptance test comes from a second stream (MCMC_STREAMS.accept). A rejected proposal is
//     undone (the devices are SET back; in this model they return to the stored value).
//  3. Model: after burn-in, the chain's states are thinned into an ensemble of up to
//     `ensembleSize` samples; inference averages the softmax outputs of the members (Dalgaty et
//     al. average the predictions of the sampled models), each read on the crossbar with noise.
//
// Simplifications (docs/engine-rules-physics.md): the clipping of the proposal at the window
// edges makes it slightly asymmetric there; the Hastings correction for that is omitted, as in
// the paper's hardware. Read noise makes ℓ itself noisy (each evaluation is a fresh read). The
// likelihood is that of the current training batch (the whole data set when batch = data size),
// so the batch sets the chain's temperature. Device levels are ignored: the SET draw is analog.
// Biases are a device pair too, read digitally (not through the ADC).
import { CrossbarLayer } from '../crossbar';
import type { Kernels } from '../kernels';
import { isWeightLayer, type LayerPlan, type TrainingPlan } from '../plan';
import type { Rng } from '../rng';
import { sampleSetConductance } from '../switching';
import type { BatchResult, Learner, LearnerContext, LearnerFactory } from './types';
import { rngFor, softmaxCrossEntropy } from './types';

export interface McmcSettings {
  /** Weights (device pairs) re-SET in one proposal (Dalgaty et al. propose per device group). */
  proposalSize: number;
  /** Metropolis–Hastings steps per training batch. */
  stepsPerBatch: number;
  /** Fraction of the run's steps discarded as burn-in before samples enter the ensemble. */
  burnIn: number;
  /** Most samples kept (evenly thinned over the steps after burn-in). */
  ensembleSize: number;
  /** w_max per weight layer (the weight of a full-window conductance difference); null = default. */
  weightScale: number[] | null;
  /** Cycle-to-cycle σ of a SET (fraction of the window); null = the device's update.ctoc. */
  ctoc: number | null;
}

/** Used when the device declares no ctoc: 10% of the window, a moderate HfO2 OxRAM spread. */
export const DEFAULT_SET_CTOC = 0.1;

export const MCMC_DEFAULTS: McmcSettings = {
  proposalSize: 1,
  stepsPerBatch: 1,
  burnIn: 0.5,
  ensembleSize: 100,
  weightScale: null,
  ctoc: null,
};

/** Rng stream ids of this learner (types.ts: learners use ids from 100 up). */
export const MCMC_STREAMS = { c2c: 120, accept: 121, initialSet: 122 } as const;

/**
 * Default w_max of a layer: the tile's weight clip if it sets one, else 4/√(fan-in + 1), so that a
 * unit's summed input spans a few units of its non-linearity however wide the layer is.
 */
export function defaultWeightScale(layer: LayerPlan): number {
  return layer.tile.weightClip ?? 4 / Math.sqrt(layer.inputs + 1);
}

/** The SET cycle-to-cycle σ (fraction of the window) of a layer's device. */
export function setCtoc(layer: LayerPlan, override: number | null): number {
  return override ?? layer.device.update?.ctoc ?? DEFAULT_SET_CTOC;
}

/**
 * The Metropolis–Hastings acceptance test: accept when u < exp(Δℓ), u uniform in (0, 1], i.e.
 * with probability min(1, exp(Δℓ)). Written in the log domain so large |Δℓ| cannot overflow.
 */
export function acceptProposal(deltaLogLik: number, u: number): boolean {
  return deltaLogLik >= 0 || Math.log(u) < deltaLogLik;
}

interface McmcLayer {
  plan: LayerPlan;
  xbar: CrossbarLayer;
  wMax: number;
  ctoc: number;
  /** Devices per parameter: 2 (differential pair) or 1 (reference column). */
  perParam: 1 | 2;
  /** Conductances, normalised, of (inputs + 1) × units parameters (the last row is the bias). */
  g: Float32Array;
  /** Stuck state per device of the weights (from the crossbar's map), null if none. */
  stuck: Uint8Array | null;
  bias: Float32Array;
  z: Float32Array;
  a: Float32Array;
}

/** A network whose parameters are memristor conductances, sampled by Metropolis–Hastings. */
export class McmcNetwork {
  readonly layers: McmcLayer[];
  /** Parameters over all layers (weights and biases). */
  readonly params: number;
  accepted = 0;
  proposed = 0;
  private cursor = 0;
  private readonly saved: Float32Array;
  private readonly savedIndex: Int32Array;
  private readonly probs: Float32Array;

  constructor(
    plans: LayerPlan[],
    readonly settings: McmcSettings,
    readonly maxBatch: number,
    kernels: Kernels,
    initialSetRng: Rng,
    stuckRng: Rng,
  ) {
    let params = 0;
    this.layers = plans.map((plan, l) => {
      if (plan.kind !== 'dense')
        throw new Error(`mcmc: layer "${plan.name}" is ${plan.kind}; use dense layers.`);
      const xbar = new CrossbarLayer(plan, maxBatch, kernels, stuckRng);
      const perParam: 1 | 2 = plan.tile.signedWeights === 'differential' ? 2 : 1;
      const { inputs: k, units: n } = plan;
      const g = new Float32Array((k + 1) * n * perParam);
      const ctoc = setCtoc(plan, settings.ctoc);
      // The initial state: every device SET once around mid-window (weights spread around 0).
      for (let i = 0; i < g.length; i++) g[i] = sampleSetConductance(0.5, ctoc, initialSetRng);
      params += (k + 1) * n;
      const layer: McmcLayer = {
        plan,
        xbar,
        wMax: settings.weightScale?.[l] ?? defaultWeightScale(plan),
        ctoc,
        perParam,
        g,
        stuck: xbar.array.stuck,
        bias: new Float32Array(n),
        z: new Float32Array(maxBatch * n),
        a: new Float32Array(maxBatch * n),
      };
      this.applyStuck(layer);
      xbar.array.wMax = layer.wMax;
      for (let p = 0; p < (k + 1) * n; p++) this.writeParam(layer, p);
      return layer;
    });
    this.params = params;
    this.saved = new Float32Array(settings.proposalSize * 2);
    this.savedIndex = new Int32Array(settings.proposalSize);
    this.probs = new Float32Array(maxBatch * plans[plans.length - 1]!.units);
  }

  /** Sets every free device to conductance `g` (normalised) and rewrites the weights: a known start. */
  resetConductances(g: number): void {
    for (const layer of this.layers) {
      layer.g.fill(g);
      this.applyStuck(layer);
      for (let p = 0; p < (layer.plan.inputs + 1) * layer.plan.units; p++) this.writeParam(layer, p);
    }
  }

  /** Stuck devices hold g_min or g_max whatever is written (crossbar's stuck map covers the weights). */
  private applyStuck(layer: McmcLayer): void {
    const s = layer.stuck;
    if (!s) return;
    for (let d = 0; d < s.length && d < layer.g.length; d++) {
      if (s[d] === 1) layer.g[d] = 0;
      else if (s[d] === 2) layer.g[d] = 1;
    }
  }

  /** The weight of parameter p (row-major (k+1)×n; row k is the bias) from its devices, into the array. */
  private writeParam(layer: McmcLayer, p: number): void {
    const g = layer.g;
    const w =
      layer.perParam === 2 ? layer.wMax * (g[2 * p]! - g[2 * p + 1]!) : 2 * layer.wMax * (g[p]! - 0.5);
    const kn = layer.plan.inputs * layer.plan.units;
    if (p < kn) layer.xbar.weights[p] = w;
    else layer.bias[p - kn] = w;
  }

  /** Layer and in-layer index of a global parameter index (no allocation: read right after). */
  private locLayer = 0;
  private locParam = 0;
  private locate(index: number): void {
    let i = index;
    for (let l = 0; l < this.layers.length; l++) {
      const layer = this.layers[l]!;
      const size = (layer.plan.inputs + 1) * layer.plan.units;
      if (i < size) {
        this.locLayer = l;
        this.locParam = i;
        return;
      }
      i -= size;
    }
    throw new Error('mcmc: parameter index out of range');
  }

  /** The weights and biases the devices now hold, flattened (a sample of the chain). */
  snapshot(out: Float32Array): void {
    let o = 0;
    for (const L of this.layers) {
      out.set(L.xbar.weights, o);
      o += L.xbar.weights.length;
      out.set(L.bias, o);
      o += L.bias.length;
    }
  }

  /** Loads a snapshot onto the arrays (for inference of one ensemble member). */
  load(from: Float32Array): void {
    let o = 0;
    for (const L of this.layers) {
      L.xbar.weights.set(from.subarray(o, o + L.xbar.weights.length));
      o += L.xbar.weights.length;
      L.bias.set(from.subarray(o, o + L.bias.length));
      o += L.bias.length;
    }
  }

  get snapshotLength(): number {
    return this.layers.reduce((s, L) => s + L.xbar.weights.length + L.bias.length, 0);
  }

  /** Forward pass through the crossbars; returns the logits (m × classes). */
  forward(x: Float32Array, m: number, readRng: Rng): Float32Array {
    let input = x;
    for (const L of this.layers) {
      const n = L.plan.units;
      L.xbar.forward(input, m, L.z, readRng);
      if (L.plan.bias) for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) L.z[i * n + j]! += L.bias[j]!;
      activate(L.plan.activation, L.z, L.a, m * n);
      input = L.a;
    }
    return input;
  }

  /** Softmax probabilities of the last forward pass into `probs` (m × c). */
  softmax(logits: Float32Array, m: number, out: Float32Array): void {
    const c = this.classes;
    for (let i = 0; i < m; i++) {
      const row = i * c;
      let max = logits[row]!;
      for (let j = 1; j < c; j++) max = Math.max(max, logits[row + j]!);
      let sum = 0;
      for (let j = 0; j < c; j++) {
        const e = Math.exp(logits[row + j]! - max);
        out[row + j] = e;
        sum += e;
      }
      for (let j = 0; j < c; j++) out[row + j]! /= sum;
    }
  }

  get classes(): number {
    return this.layers[this.layers.length - 1]!.plan.units;
  }

  /** Log-likelihood Σ log p(y | x, θ) of the batch, read through the crossbars. */
  logLikelihood(x: Float32Array, labels: Uint8Array, m: number, readRng: Rng): number {
    const logits = this.forward(x, m, readRng);
    const c = this.classes;
    let ll = 0;
    for (let i = 0; i < m; i++) {
      const row = i * c;
      let max = logits[row]!;
      for (let j = 1; j < c; j++) max = Math.max(max, logits[row + j]!);
      let sum = 0;
      for (let j = 0; j < c; j++) sum += Math.exp(logits[row + j]! - max);
      ll += logits[row + labels[i]!]! - max - Math.log(sum);
    }
    return ll;
  }

  /**
   * One Metropolis–Hastings step on the batch whose log-likelihood under the current state is
   * `current`; returns the log-likelihood of the state after the step.
   */
  step(
    x: Float32Array,
    labels: Uint8Array,
    m: number,
    current: number,
    c2cRng: Rng,
    acceptRng: Rng,
    readRng: Rng,
  ): number {
    const size = Math.min(this.settings.proposalSize, this.params);
    for (let q = 0; q < size; q++) {
      const index = this.cursor;
      this.cursor = (this.cursor + 1) % this.params;
      this.savedIndex[q] = index;
      this.locate(index);
      const layer = this.layers[this.locLayer]!;
      const p = this.locParam;
      const d0 = p * layer.perParam;
      for (let d = 0; d < layer.perParam; d++) {
        this.saved[2 * q + d] = layer.g[d0 + d]!;
        const stuck = layer.stuck !== null && d0 + d < layer.stuck.length && layer.stuck[d0 + d] !== 0;
        if (!stuck) layer.g[d0 + d] = sampleSetConductance(layer.g[d0 + d]!, layer.ctoc, c2cRng);
      }
      this.writeParam(layer, p);
    }
    const proposed = this.logLikelihood(x, labels, m, readRng);
    this.proposed++;
    if (acceptProposal(proposed - current, acceptRng.uniformOpen())) {
      this.accepted++;
      return proposed;
    }
    for (let q = 0; q < size; q++) {
      this.locate(this.savedIndex[q]!);
      const layer = this.layers[this.locLayer]!;
      const p = this.locParam;
      const d0 = p * layer.perParam;
      for (let d = 0; d < layer.perParam; d++) layer.g[d0 + d] = this.saved[2 * q + d]!;
      this.writeParam(layer, p);
    }
    return current;
  }

  /** Scratch for ensemble inference (m × classes). */
  get probBuffer(): Float32Array {
    return this.probs;
  }
}

function activate(kind: LayerPlan['activation'], z: Float32Array, a: Float32Array, len: number): void {
  switch (kind) {
    case 'relu':
      for (let i = 0; i < len; i++) a[i] = z[i]! > 0 ? z[i]! : 0;
      return;
    case 'sigmoid':
      for (let i = 0; i < len; i++) a[i] = 1 / (1 + Math.exp(-z[i]!));
      return;
    case 'tanh':
      for (let i = 0; i < len; i++) a[i] = Math.tanh(z[i]!);
      return;
    default:
      a.set(z.subarray(0, len));
  }
}

/** The learner with explicit settings (tests and scripts); the registry uses the defaults. */
export function createMcmcLearnerWith(settings: Partial<McmcSettings>): LearnerFactory {
  return (ctx) => mcmcLearner(ctx, { ...MCMC_DEFAULTS, ...settings });
}

/** The learner of rule mcmc: the defaults, with what the DSL's train block sets. */
export const createMcmcLearner: LearnerFactory = (ctx) =>
  mcmcLearner(ctx, { ...MCMC_DEFAULTS, ...ctx.plan.mcmc });

function mcmcLearner(ctx: LearnerContext, settings: McmcSettings): Learner {
  const { plan, kernels, maxBatch } = ctx;
  const net = new McmcNetwork(
    weightLayersOf(plan),
    settings,
    maxBatch,
    kernels,
    rngFor(plan, MCMC_STREAMS.initialSet),
    rngFor(plan, 'stuck'),
  );
  const c2cRng = rngFor(plan, MCMC_STREAMS.c2c);
  const acceptRng = rngFor(plan, MCMC_STREAMS.accept);
  const readRng = rngFor(plan, 'read');
  const evalReadRng = rngFor(plan, 'evalRead');
  const totalSteps = ctx.totalSteps * settings.stepsPerBatch;
  const burnInSteps = Math.floor(settings.burnIn * totalSteps);
  const thin = Math.max(1, Math.floor((totalSteps - burnInSteps) / settings.ensembleSize));
  const sampleLength = net.snapshotLength;
  const ensemble: Float32Array[] = [];
  const current = new Float32Array(sampleLength);
  const avgProbs = new Float32Array(maxBatch * net.classes);
  let steps = 0;
  let epochAccepted = 0;
  let epochProposed = 0;

  return {
    trainBatch(x, labels, m) {
      let ll = net.logLikelihood(x, labels, m, readRng);
      for (let s = 0; s < settings.stepsPerBatch; s++) {
        ll = net.step(x, labels, m, ll, c2cRng, acceptRng, readRng);
        steps++;
        if (
          steps > burnInSteps &&
          (steps - burnInSteps) % thin === 0 &&
          ensemble.length < settings.ensembleSize
        ) {
          const sample = new Float32Array(sampleLength); // once per kept sample, not per step
          net.snapshot(sample);
          ensemble.push(sample);
        }
      }
      // The state after the steps, on this batch: its loss and accuracy (one more read).
      const logits = net.forward(x, m, readRng);
      return batchResult(net, logits, labels, m);
    },
    deploy() {
      // The ensemble's members are the stored samples; nothing to program.
    },
    inferBatch(x, labels, m) {
      if (ensemble.length === 0) return batchResult(net, net.forward(x, m, evalReadRng), labels, m);
      net.snapshot(current);
      const c = net.classes;
      avgProbs.fill(0, 0, m * c);
      const probs = net.probBuffer;
      for (const member of ensemble) {
        net.load(member);
        net.softmax(net.forward(x, m, evalReadRng), m, probs);
        for (let i = 0; i < m * c; i++) avgProbs[i]! += probs[i]!;
      }
      net.load(current);
      const inv = 1 / ensemble.length;
      let loss = 0;
      let correct = 0;
      for (let i = 0; i < m; i++) {
        const row = i * c;
        let arg = 0;
        for (let j = 0; j < c; j++) {
          avgProbs[row + j]! *= inv;
          if (avgProbs[row + j]! > avgProbs[row + arg]!) arg = j;
        }
        loss -= Math.log(Math.max(avgProbs[row + labels[i]!]!, 1e-12));
        if (arg === labels[i]) correct++;
      }
      return { loss, correct };
    },
    epochMetrics() {
      const acc = net.proposed - epochProposed;
      const rate = acc > 0 ? (net.accepted - epochAccepted) / acc : 0;
      epochAccepted = net.accepted;
      epochProposed = net.proposed;
      return { acceptance_rate: rate, ensemble_size: ensemble.length };
    },
  };
}

function batchResult(net: McmcNetwork, logits: Float32Array, labels: Uint8Array, m: number): BatchResult {
  return softmaxCrossEntropy(logits, labels, m, net.classes, null);
}

function weightLayersOf(plan: TrainingPlan): LayerPlan[] {
  for (const s of plan.layers) {
    if (!isWeightLayer(s))
      throw new Error(`mcmc: stage "${s.name}" (${s.kind}) is not supported; use dense layers.`);
  }
  return plan.layers.filter(isWeightLayer);
}
