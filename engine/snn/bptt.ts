// Surrogate-gradient backpropagation through time (BPTT) for a feedforward spiking network:
// rate-coded input -> LIF hidden layer -> readout layer (leaky integrator or LIF), trained with
// softmax cross-entropy and Adam. Equations, choices and their sources: docs/engine-snn-bptt.md.
//
// Layout: every per-step quantity of a batch is stored time-major and stacked, [T][count][units],
// so one step is a contiguous count x units matrix and the input layer's product for all T steps
// is a single GEMM of (T*count) x inputs times inputs x hidden (the input spikes do not depend on
// the network). Only the elementwise neuron dynamics run step by step. All buffers are allocated
// once, for the largest batch; nothing is allocated per step or per sample.
import type { NeuronModel } from '../ir/model';
import { allocOwnedFor, defaultKernels, type Kernels } from '../sim/kernels';
import { createOptimizer, type Optimizer } from '../sim/optim';
import { Rng } from '../sim/rng';
import { softmaxCrossEntropy } from '../sim/rules/types';
import { poissonEncode } from './encoders';
import { lifConstants } from './neurons';
import { DEFAULT_SURROGATE_SLOPE, type SurrogateKind, surrogateGrad, surrogatePrimitive } from './surrogate';

/**
 * What the loss reads from the output layer.
 * - 'membrane': the output neurons are non-spiking leaky integrators (no threshold, no reset);
 *   logits = their membrane potential averaged over the T steps.
 * - 'spike_count': the output neurons are LIF like the hidden ones; logits = spike counts over T.
 */
export type SnnReadout = 'membrane' | 'spike_count';

export interface SnnBpttOptions {
  inputs: number;
  hidden: number;
  outputs: number;
  /** Simulation steps per sample (issue 7: 25, as snnTorch tutorial 5). */
  timeSteps: number;
  /** Hidden membrane decay per step, exp(-dt/tau_mem) (snnTorch tutorial 5: 0.95). */
  beta: number;
  /** Hidden synaptic-current decay per step (cuba_lif), exp(-dt/tau_syn); 0 = plain LIF. */
  alpha: number;
  /** Readout membrane decay per step (defaults to beta). */
  betaOut: number;
  /** Firing threshold of the normalised membrane (snnTorch default 1). Reset subtracts it. */
  threshold: number;
  surrogate: SurrogateKind;
  /** Surrogate slope (default per kind: DEFAULT_SURROGATE_SLOPE). */
  slope: number;
  /**
   * Treat the reset term -threshold*S[t-1] as a constant in the backward pass (snnTorch's
   * default: Leaky.mem_reset detaches it; Zenke & Vogels 2021 find it trains better).
   */
  detachReset: boolean;
  readout: SnnReadout;
  /** Rate coding: a pixel p spikes with probability min(1, p*gain) per step (snnTorch spikegen.rate). */
  gain: number;
  /** Largest mini-batch (buffers are sized for it). */
  batch: number;
  /** Adam step size before the schedule (snnTorch tutorial 5: 5e-4). */
  lr: number;
  seed: number;
  /**
   * Forward spike function. 'heaviside' is the network; 'smooth' replaces the step by the
   * surrogate's primitive so that the surrogate is the exact derivative (gradient checks only).
   */
  spikeForward: 'heaviside' | 'smooth';
}

/** Defaults for the 784-256-10 MNIST network of issue 7; sources in the comments of SnnBpttOptions. */
export const SNN_BPTT_DEFAULTS: SnnBpttOptions = {
  inputs: 784,
  hidden: 256,
  outputs: 10,
  timeSteps: 25,
  beta: 0.95,
  alpha: 0,
  betaOut: 0.95,
  threshold: 1,
  surrogate: 'fast_sigmoid',
  slope: DEFAULT_SURROGATE_SLOPE.fast_sigmoid,
  detachReset: true,
  readout: 'membrane',
  gain: 1,
  batch: 128,
  lr: 5e-4,
  seed: 1,
  spikeForward: 'heaviside',
};

export function snnBpttOptions(partial: Partial<SnnBpttOptions> = {}): SnnBpttOptions {
  const o = { ...SNN_BPTT_DEFAULTS, ...partial };
  if (partial.betaOut === undefined) o.betaOut = o.beta;
  if (partial.slope === undefined) o.slope = DEFAULT_SURROGATE_SLOPE[o.surrogate];
  return o;
}

/**
 * Trainer options for a network whose hidden (and readout) neurons are `neuron`, simulated with a
 * step of `dt` seconds: beta, alpha and threshold from lifConstants (the DSL's normalised
 * membrane, default v_th = 1). The reset subtracts the threshold (snnTorch's default), so v_reset
 * and the refractory period are not used by this trainer.
 */
export function snnBpttOptionsFromNeuron(
  neuron: NeuronModel,
  dt: number,
  partial: Partial<SnnBpttOptions> = {},
): SnnBpttOptions {
  const c = lifConstants(neuron, dt);
  return snnBpttOptions({
    beta: c.beta,
    alpha: c.alpha,
    betaOut: c.beta,
    threshold: c.threshold,
    ...partial,
  });
}

export interface SnnBatchResult {
  /** Summed cross-entropy over the batch (nats). */
  loss: number;
  correct: number;
  /** Hidden spikes per neuron per step, averaged over the batch. */
  hiddenRate: number;
}

export interface SnnDataset {
  images: Float32Array;
  labels: Uint8Array;
  count: number;
}

// Independent random streams of one run (engine/sim/rng.ts Rng sub-streams).
const STREAM_INIT = 101;
const STREAM_SHUFFLE = 102;
const STREAM_ENCODE = 103;
const STREAM_EVAL_ENCODE = 104;

/**
 * Forward dynamics of one layer over T steps, in place on stacked [T][count][cols] buffers:
 * `cur` holds x[t]·W on entry (the bias is added here) and the synaptic current on exit.
 * Returns the number of spikes (0 for a non-spiking layer, s = null).
 */
function lifForward(
  cur: Float32Array,
  u: Float32Array,
  s: Float32Array | null,
  bias: Float32Array,
  steps: number,
  count: number,
  cols: number,
  beta: number,
  alpha: number,
  th: number,
  smooth: SurrogateKind | null,
  slope: number,
): number {
  const size = count * cols;
  let spikes = 0;
  for (let t = 0; t < steps; t++) {
    const o = t * size;
    const p = o - size;
    for (let r = 0; r < count; r++) {
      const row = r * cols;
      for (let j = 0; j < cols; j++) {
        const i = row + j;
        // Synaptic current (cuba_lif): I[t] = alpha I[t-1] + x[t] W + b.
        let c = cur[o + i]! + bias[j]!;
        if (alpha !== 0 && t > 0) c += alpha * cur[p + i]!;
        cur[o + i] = c;
        // U[t] = beta U[t-1] + I[t] - th S[t-1] (reset by subtraction, snnTorch's default).
        let v = c;
        if (t > 0) {
          v += beta * u[p + i]!;
          if (s) v -= th * s[p + i]!;
        }
        u[o + i] = v;
        if (s) {
          const sp = smooth ? surrogatePrimitive(smooth, v - th, slope, th) : v >= th ? 1 : 0;
          s[o + i] = sp;
          spikes += sp;
        }
      }
    }
  }
  return spikes;
}

/**
 * Backward dynamics of one layer, in place: `d` holds dL/dS[t] (spiking) or dL/dU[t] from the
 * loss (non-spiking) on entry and dL/d(x[t] W + b) on exit; the bias gradient (its sum over
 * steps and samples) goes to `gBias`.
 */
function lifBackward(
  d: Float32Array,
  u: Float32Array,
  gBias: Float32Array,
  spiking: boolean,
  steps: number,
  count: number,
  cols: number,
  beta: number,
  alpha: number,
  th: number,
  kind: SurrogateKind,
  slope: number,
  detachReset: boolean,
): void {
  const size = count * cols;
  const resetGain = spiking && !detachReset ? th : 0;
  gBias.fill(0);
  for (let t = steps - 1; t >= 0; t--) {
    const o = t * size;
    const n = o + size;
    const last = t === steps - 1;
    for (let r = 0; r < count; r++) {
      const row = r * cols;
      for (let j = 0; j < cols; j++) {
        const i = row + j;
        const dNext = last ? 0 : d[n + i]!;
        let du: number;
        if (spiking) {
          // S[t] feeds the loss (above) and, unless detached, the reset of U[t+1] (-th S[t]).
          const ds = d[o + i]! - resetGain * dNext;
          du = ds * surrogateGrad(kind, u[o + i]! - th, slope, th) + beta * dNext;
        } else {
          du = d[o + i]! + beta * dNext;
        }
        d[o + i] = du;
        if (alpha === 0) gBias[j]! += du;
      }
    }
  }
  if (alpha !== 0) {
    // dL/dI[t] = dL/dU[t] + alpha dL/dI[t+1].
    for (let t = steps - 2; t >= 0; t--) {
      const o = t * size;
      const n = o + size;
      for (let i = 0; i < size; i++) d[o + i]! += alpha * d[n + i]!;
    }
    columnSums(d, steps * count, cols, gBias);
  }
}

/** Column sums of a rows x cols buffer into out (the bias gradient). */
function columnSums(x: Float32Array, rows: number, cols: number, out: Float32Array): void {
  out.fill(0);
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    for (let j = 0; j < cols; j++) out[j]! += x[o + j]!;
  }
}

export class SnnBpttTrainer {
  readonly options: SnnBpttOptions;
  readonly kernels: Kernels;
  /** inputs x hidden, row-major (x W). */
  readonly w1: Float32Array;
  readonly b1: Float32Array;
  /** hidden x outputs. */
  readonly w2: Float32Array;
  readonly b2: Float32Array;
  readonly gw1: Float32Array;
  readonly gb1: Float32Array;
  readonly gw2: Float32Array;
  readonly gb2: Float32Array;

  private readonly spikesIn: Uint8Array;
  /** Stacked input spikes as floats, [T][count][inputs]. */
  private readonly x: Float32Array;
  private readonly cur1: Float32Array;
  /** Hidden membrane potentials and spikes of the last forward pass, [T][count][hidden]. */
  readonly u1: Float32Array;
  readonly s1: Float32Array;
  private readonly cur2: Float32Array;
  private readonly u2: Float32Array;
  private readonly s2: Float32Array;
  /** Logits of the last forward pass, [count][outputs]. */
  readonly logits: Float32Array;
  private readonly dLogits: Float32Array;
  private readonly batchImages: Float32Array;
  private readonly batchLabels: Uint8Array;
  private order: Uint32Array | null = null;
  private readonly optimizer: Optimizer;
  private readonly shuffleRng: Rng;
  private readonly encodeRng: Rng;

  constructor(options: Partial<SnnBpttOptions> = {}, kernels: Kernels = defaultKernels()) {
    const o = snnBpttOptions(options);
    this.options = o;
    this.kernels = kernels;
    const { inputs: nIn, hidden: nH, outputs: nO, timeSteps: T, batch: B } = o;
    const alloc = (n: number) => allocOwnedFor(kernels, n);
    this.w1 = alloc(nIn * nH);
    this.b1 = alloc(nH);
    this.w2 = alloc(nH * nO);
    this.b2 = alloc(nO);
    this.gw1 = alloc(nIn * nH);
    this.gb1 = new Float32Array(nH);
    this.gw2 = alloc(nH * nO);
    this.gb2 = new Float32Array(nO);
    this.spikesIn = new Uint8Array(T * B * nIn);
    this.x = alloc(T * B * nIn);
    this.cur1 = alloc(T * B * nH);
    this.u1 = new Float32Array(T * B * nH);
    this.s1 = alloc(T * B * nH);
    this.cur2 = alloc(T * B * nO);
    this.u2 = new Float32Array(T * B * nO);
    this.s2 = new Float32Array(T * B * nO);
    this.logits = new Float32Array(B * nO);
    this.dLogits = new Float32Array(B * nO);
    this.batchImages = new Float32Array(B * nIn);
    this.batchLabels = new Uint8Array(B);
    // PyTorch nn.Linear's default initialisation (kaiming_uniform with a = sqrt(5)), which
    // snnTorch's tutorials use: weights and biases U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
    const init = new Rng(o.seed, STREAM_INIT);
    const fill = (a: Float32Array, fanIn: number) => {
      const bound = 1 / Math.sqrt(fanIn);
      for (let i = 0; i < a.length; i++) a[i] = (2 * init.uniform() - 1) * bound;
    };
    fill(this.w1, nIn);
    fill(this.b1, nIn);
    fill(this.w2, nH);
    fill(this.b2, nH);
    // Adam (Kingma & Ba 2015) with PyTorch's defaults beta1 0.9, beta2 0.999, eps 1e-8 (optim.ts).
    this.optimizer = createOptimizer({ kind: 'adam', lr: o.lr, momentum: 0.9 });
    this.shuffleRng = new Rng(o.seed, STREAM_SHUFFLE);
    this.encodeRng = new Rng(o.seed, STREAM_ENCODE);
  }

  /** Rate-codes `count` images (row-major, already gathered) into the stacked float input x. */
  private encode(rng: Rng, images: Float32Array, count: number): void {
    const { inputs, timeSteps, gain } = this.options;
    poissonEncode(rng, images, 0, count, inputs, timeSteps, this.spikesIn, gain);
    const n = timeSteps * count * inputs;
    const x = this.x;
    const sp = this.spikesIn;
    for (let i = 0; i < n; i++) x[i] = sp[i]!;
  }

  /** Stacked input x, [T][count][inputs], for callers that bring their own spikes (tests). */
  get input(): Float32Array {
    return this.x;
  }

  /** Forward pass over the stacked input already in x; writes the logits. Returns the hidden rate. */
  forward(count: number): number {
    const o = this.options;
    const { inputs: nIn, hidden: nH, outputs: nO, timeSteps: T } = o;
    const k = this.kernels;
    const rows = T * count;
    const smooth = o.spikeForward === 'smooth' ? o.surrogate : null;
    k.gemm(rows, nH, nIn, this.x, nIn, this.w1, nH, this.cur1, nH, false);
    const spikes = lifForward(
      this.cur1,
      this.u1,
      this.s1,
      this.b1,
      T,
      count,
      nH,
      o.beta,
      o.alpha,
      o.threshold,
      smooth,
      o.slope,
    );
    k.gemm(rows, nO, nH, this.s1, nH, this.w2, nO, this.cur2, nO, false);
    const spikingOut = o.readout === 'spike_count';
    lifForward(
      this.cur2,
      this.u2,
      spikingOut ? this.s2 : null,
      this.b2,
      T,
      count,
      nO,
      o.betaOut,
      0,
      o.threshold,
      smooth,
      o.slope,
    );
    const src = spikingOut ? this.s2 : this.u2;
    const scale = spikingOut ? 1 : 1 / T;
    const lg = this.logits;
    const size = count * nO;
    lg.fill(0, 0, size);
    for (let t = 0; t < T; t++) {
      const off = t * size;
      for (let i = 0; i < size; i++) lg[i]! += src[off + i]!;
    }
    if (scale !== 1) for (let i = 0; i < size; i++) lg[i]! *= scale;
    return spikes / (rows * nH);
  }

  /**
   * Loss of the stacked input in x against `labels`; with `withGrad`, the gradients of the mean
   * loss over the batch into gw1, gb1, gw2, gb2.
   */
  lossAndGradients(labels: Uint8Array, count: number, withGrad: boolean): SnnBatchResult {
    const o = this.options;
    const { inputs: nIn, hidden: nH, outputs: nO, timeSteps: T } = o;
    const hiddenRate = this.forward(count);
    const res = softmaxCrossEntropy(this.logits, labels, count, nO, withGrad ? this.dLogits : null);
    if (!withGrad) return { loss: res.loss, correct: res.correct, hiddenRate };
    const k = this.kernels;
    const rows = T * count;
    const size2 = count * nO;
    const spikingOut = o.readout === 'spike_count';
    // dL/dS2[t] = dL/dlogits (spike counts) or dL/dU2[t] = dL/dlogits / T (mean membrane).
    const d2 = this.cur2;
    const scale = spikingOut ? 1 : 1 / T;
    for (let t = 0; t < T; t++) {
      const off = t * size2;
      for (let i = 0; i < size2; i++) d2[off + i] = this.dLogits[i]! * scale;
    }
    lifBackward(
      d2,
      this.u2,
      this.gb2,
      spikingOut,
      T,
      count,
      nO,
      o.betaOut,
      0,
      o.threshold,
      o.surrogate,
      o.slope,
      o.detachReset,
    );
    k.gemmTN(rows, nO, nH, this.s1, nH, d2, nO, this.gw2, nO, false);
    const d1 = this.cur1;
    k.gemmNT(rows, nO, nH, d2, nO, this.w2, nO, d1, nH, false);
    lifBackward(
      d1,
      this.u1,
      this.gb1,
      true,
      T,
      count,
      nH,
      o.beta,
      o.alpha,
      o.threshold,
      o.surrogate,
      o.slope,
      o.detachReset,
    );
    k.gemmTN(rows, nH, nIn, this.x, nIn, d1, nH, this.gw1, nH, false);
    return { loss: res.loss, correct: res.correct, hiddenRate };
  }

  /** Gathers samples idx[first .. first+count) of a dataset into the batch buffers. */
  private gather(data: SnnDataset, idx: ArrayLike<number>, first: number, count: number): void {
    const nIn = this.options.inputs;
    for (let b = 0; b < count; b++) {
      const s = idx[first + b]!;
      this.batchImages.set(data.images.subarray(s * nIn, (s + 1) * nIn), b * nIn);
      this.batchLabels[b] = data.labels[s]!;
    }
  }

  /** One Adam step on a mini-batch of `count` samples (indices idx[first ..]) at step size lr. */
  trainBatch(
    data: SnnDataset,
    idx: ArrayLike<number>,
    first: number,
    count: number,
    lr: number,
  ): SnnBatchResult {
    if (count > this.options.batch) throw new RangeError(`batch of ${count} exceeds ${this.options.batch}`);
    this.gather(data, idx, first, count);
    return this.trainImages(this.batchImages, this.batchLabels, count, lr);
  }

  /**
   * One Adam step on `count` gathered images (count x inputs, row-major, values in [0, 1]):
   * rate-codes them from the run's encoding stream, back-propagates, updates the weights.
   */
  trainImages(images: Float32Array, labels: Uint8Array, count: number, lr: number): SnnBatchResult {
    if (count > this.options.batch) throw new RangeError(`batch of ${count} exceeds ${this.options.batch}`);
    this.encode(this.encodeRng, images, count);
    const r = this.lossAndGradients(labels, count, true);
    const opt = this.optimizer;
    opt.beginStep(lr);
    opt.step(0, this.w1, this.gw1);
    opt.step(1, this.b1, this.gb1);
    opt.step(2, this.w2, this.gw2);
    opt.step(3, this.b2, this.gb2);
    return r;
  }

  /** The stream evaluate() encodes test inputs from (fixed by the seed): a fresh one per pass. */
  evalEncodingRng(): Rng {
    return new Rng(this.options.seed, STREAM_EVAL_ENCODE);
  }

  /** Loss and correct count of `count` gathered images, rate-coded from `rng` (no update). */
  inferImages(rng: Rng, images: Float32Array, labels: Uint8Array, count: number): SnnBatchResult {
    if (count > this.options.batch) throw new RangeError(`batch of ${count} exceeds ${this.options.batch}`);
    this.encode(rng, images, count);
    return this.lossAndGradients(labels, count, false);
  }

  /**
   * One epoch over `data` in an order shuffled by the run's shuffle stream; `lrAt(b)` gives the
   * step size of batch b of the epoch. Returns summed loss, correct count and mean hidden rate.
   */
  trainEpoch(
    data: SnnDataset,
    lrAt: (batchIndex: number, batches: number) => number,
    onBatch?: (b: number, batches: number, r: SnnBatchResult) => void,
  ): SnnBatchResult {
    const n = data.count;
    let order = this.order;
    if (!order || order.length !== n) {
      order = new Uint32Array(n);
      this.order = order;
    }
    for (let i = 0; i < n; i++) order[i] = i;
    this.shuffleRng.shuffle(order);
    const B = this.options.batch;
    const batches = Math.ceil(n / B);
    let loss = 0;
    let correct = 0;
    let rate = 0;
    for (let b = 0; b < batches; b++) {
      const first = b * B;
      const count = Math.min(B, n - first);
      const r = this.trainBatch(data, order, first, count, lrAt(b, batches));
      loss += r.loss;
      correct += r.correct;
      rate += r.hiddenRate * count;
      onBatch?.(b, batches, r);
    }
    return { loss, correct, hiddenRate: rate / n };
  }

  /**
   * Test-set accuracy with rate-coded input drawn from a stream fixed by the seed (the same
   * spikes at every call, so evaluations are comparable across epochs).
   */
  evaluate(data: SnnDataset, limit = data.count): SnnBatchResult {
    const rng = this.evalEncodingRng();
    const n = Math.min(limit, data.count);
    const B = this.options.batch;
    const nIn = this.options.inputs;
    let loss = 0;
    let correct = 0;
    let rate = 0;
    for (let first = 0; first < n; first += B) {
      const count = Math.min(B, n - first);
      const images = data.images.subarray(first * nIn, (first + count) * nIn);
      const r = this.inferImages(rng, images, data.labels.subarray(first, first + count), count);
      loss += r.loss;
      correct += r.correct;
      rate += r.hiddenRate * count;
    }
    return { loss, correct, hiddenRate: rate / n };
  }
}

/**
 * Training speed of the 784-256-10 SNN over 25 steps (issue 7, item 6): a short timed run of
 * rate-coded MNIST training (one warm-up batch, then `samples` samples) with the defaults above.
 */
export async function benchSnnTraining(
  samples = 2048,
): Promise<{ network: '784-256-10'; timeSteps: 25; batch: number; samplesPerSecond: number }> {
  const { loadMnist } = await import('../data/mnist');
  const data = loadMnist('train', samples);
  const trainer = new SnnBpttTrainer({ seed: 7 });
  const B = trainer.options.batch;
  const idx = new Uint32Array(data.count);
  for (let i = 0; i < idx.length; i++) idx[i] = i;
  trainer.trainBatch(data, idx, 0, Math.min(B, data.count), trainer.options.lr);
  const start = performance.now();
  let done = 0;
  for (let first = 0; first < data.count; first += B) {
    const count = Math.min(B, data.count - first);
    trainer.trainBatch(data, idx, first, count, trainer.options.lr);
    done += count;
  }
  const seconds = (performance.now() - start) / 1000;
  return { network: '784-256-10', timeSteps: 25, batch: B, samplesPerSecond: done / seconds };
}
