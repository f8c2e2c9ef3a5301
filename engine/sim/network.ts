// A feed-forward network of stages (dense and conv2d layers on crossbars, pools, flattens):
// forward either through the exact float weights ("software") or through the modelled devices and
// converters ("hardware"), softmax cross-entropy, and a backward pass whose error reaches each
// layer by backprop (Wᵀ), feedback alignment (fixed random B_l) or direct feedback alignment (B_l
// applied to the output error). The weight update itself is the optimiser's, on float master
// weights (straight-through gradients: device effects are identity in the backward pass).
// docs/engine-rules-gradient.md describes the rules; docs/simulation.md the device and crossbar.

import { activate, activationGrad } from './activations';
import {
  type ConvGeometry,
  channelsToRows,
  checkConvGeometry,
  checkPoolGeometry,
  col2im,
  im2col,
  poolBackward,
  poolForward,
  rowsToChannels,
} from './conv';
import { CrossbarLayer } from './crossbar';
import { allocOwnedFor, clampAbs, type Kernels, sumOfSquares } from './kernels';
import type { LayerPlan, PoolPlan, StagePlan } from './plan';
import type { Rng } from './rng';
import { softmaxCrossEntropy } from './rules/types';

/** How the forward pass computes a layer's MVM. */
export type ForwardMode = 'software' | 'hardware';
/** How the output error reaches the hidden layers in the backward pass. */
export type FeedbackMode = 'backprop' | 'feedback_alignment' | 'dfa';

export interface NetworkOptions {
  feedback?: FeedbackMode;
  /** Draws the fixed feedback matrices (feedback_alignment, dfa). */
  feedbackRng?: Rng;
}

/** The optional ageing method of a device array (drift to a time, temperature); see deploy(). */
interface AgeableArray {
  readonly wMax: number;
  age?(time: number, temperature: number, rng: Rng, weights: Float32Array): void;
}

/** True when a layer's weights are binary: ±1 on a complementary pair of 2-level devices. */
export function isBinaryLayer(plan: LayerPlan): boolean {
  return plan.device.levels === 2;
}

/** A dense or conv2d layer whose weights live on a crossbar. */
export class WeightLayer {
  readonly kind = 'weights';
  readonly k: number;
  readonly n: number;
  /** Floats per sample at the input and output (conv: C·H·W; dense: k and n). */
  readonly inSize: number;
  readonly outSize: number;
  readonly xbar: CrossbarLayer;
  /** Master (shadow, for binary layers) weights k×n and bias n, and their gradients. */
  readonly w: Float32Array;
  readonly b: Float32Array;
  readonly gw: Float32Array;
  readonly gb: Float32Array;
  /** Pre-activation, activation, and the gradient at the pre-activation (maxBatch × outSize). */
  readonly z: Float32Array;
  readonly a: Float32Array;
  readonly dz: Float32Array;
  /** Gradient at this layer's input (maxBatch × inSize); empty for the first stage. */
  readonly dx: Float32Array;
  /** Binary layers: weights are sign(w) = ±1, and the column sum is scaled by gain = 1/√k. */
  readonly binary: boolean;
  readonly gain: number;
  /** The weights a software forward pass uses: w itself, or sign(w) for a binary layer. */
  readonly wForward: Float32Array;
  /**
   * Fixed random feedback: feedback_alignment B (k×n, in place of W), dfa B (outSize × classes,
   * applied to the output error); null for backprop and for the last layer under dfa.
   */
  feedback: Float32Array | null = null;
  readonly conv: ConvGeometry | null;
  /** Output pixels per sample (1 for dense): the MVM has m·positions rows. */
  readonly positions: number;
  private readonly cols: Float32Array;
  private readonly rowOut: Float32Array;
  private readonly rowGrad: Float32Array;
  private readonly dcols: Float32Array;
  /** A 1-bit DAC is applied here (the crossbar takes 0 or 2..24 bits). */
  private readonly oneBitDac: boolean;
  private readonly dacOut: Float32Array;

  constructor(
    readonly plan: LayerPlan,
    maxBatch: number,
    private readonly kernels: Kernels,
    initRng: Rng,
    stuckRng: Rng,
    needInputGrad: boolean,
  ) {
    const { inputs: k, units: n } = plan;
    this.k = k;
    this.n = n;
    if (plan.kind === 'conv2d') {
      if (!plan.conv) throw new Error(`conv2d layer "${plan.name}" has no geometry.`);
      checkConvGeometry(plan.conv, plan.name);
      const [c, h, w] = plan.conv.inShape;
      if (c * plan.conv.kernel * plan.conv.kernel !== k || plan.conv.outShape[0] !== n) {
        throw new Error(`conv2d layer "${plan.name}": ${k}×${n} weights do not match its geometry.`);
      }
      this.conv = plan.conv;
      this.positions = plan.conv.outShape[1] * plan.conv.outShape[2];
      this.inSize = c * h * w;
    } else {
      this.conv = null;
      this.positions = 1;
      this.inSize = k;
    }
    this.outSize = n * this.positions;
    const rows = maxBatch * this.positions;
    const t = plan.tile;
    // 1-bit converters are handled here, so the crossbar sees ideal ones (see oneBitDac, and the
    // 1-bit ADC, which is the sign neuron or a popcount: docs/engine-rules-gradient.md).
    const xbarPlan: LayerPlan =
      t.dacBits === 1 || t.adcBits === 1
        ? {
            ...plan,
            tile: {
              ...t,
              dacBits: t.dacBits === 1 ? 0 : t.dacBits,
              adcBits: t.adcBits === 1 ? 0 : t.adcBits,
            },
          }
        : plan;
    this.oneBitDac = t.dacBits === 1;
    this.xbar = new CrossbarLayer(xbarPlan, rows, kernels, stuckRng);
    // In the WASM memory with WASM kernels: programming reads it every step (no 800 KB copy in).
    this.w = allocOwnedFor(kernels, k * n);
    // He init for ReLU layers, Xavier (Glorot normal) otherwise; fan-out counts the kernel's taps.
    const fanOut = this.conv ? n * this.conv.kernel * this.conv.kernel : n;
    const std = plan.activation === 'relu' ? Math.sqrt(2 / k) : Math.sqrt(2 / (k + fanOut));
    initRng.fillNormal(this.w, std);
    this.binary = isBinaryLayer(plan);
    // Courbariaux et al. 2016: shadow weights stay in [−1, 1]. The gain 1/√k keeps the column sum
    // of k ±1 products at unit scale (BNNs use batch norm for this; here it is a fixed gain of
    // the digital periphery), so the sign's straight-through window |z| ≤ 1 passes gradients.
    if (this.binary) clampAbs(this.w, 1);
    this.gain = this.binary ? 1 / Math.sqrt(k) : 1;
    this.wForward = this.binary ? new Float32Array(k * n) : this.w;
    this.b = new Float32Array(n);
    this.gw = new Float32Array(k * n);
    this.gb = new Float32Array(n);
    // The crossbar's read kernel adds into z (rowOut for conv) in place: kernel memory.
    this.z = allocOwnedFor(kernels, maxBatch * this.outSize);
    // The next layer's input: its DAC and GEMM read it in place from the kernel memory.
    this.a = allocOwnedFor(kernels, maxBatch * this.outSize);
    this.dz = new Float32Array(maxBatch * this.outSize);
    this.dx = new Float32Array(needInputGrad ? maxBatch * this.inSize : 0);
    this.cols = new Float32Array(this.conv ? rows * k : 0);
    this.rowOut = this.conv ? allocOwnedFor(kernels, rows * n) : new Float32Array(0);
    this.rowGrad = new Float32Array(this.conv ? rows * n : 0);
    this.dcols = new Float32Array(this.conv && needInputGrad ? rows * k : 0);
    this.dacOut = new Float32Array(this.oneBitDac ? rows * k : 0);
  }

  /** Recomputes sign(w) for a binary layer (sign(0) = +1). */
  private binarise(): void {
    if (!this.binary) return;
    const { w, wForward } = this;
    for (let i = 0; i < w.length; i++) wForward[i] = w[i]! >= 0 ? 1 : -1;
  }

  /** Writes the master weights (binarised for a binary layer) to the devices: one programming. */
  program(rng: Rng): void {
    this.binarise();
    this.xbar.program(this.wForward, rng);
  }

  /** Ages the programmed devices to `time` s at `temperature` K, when the device model can. */
  age(time: number, temperature: number, rng: Rng): void {
    const array: AgeableArray = this.xbar.array;
    array.age?.(time, temperature, rng, this.xbar.weights);
  }

  /** z, a (m × outSize) from x (m × inSize). */
  forward(x: Float32Array, m: number, mode: ForwardMode, readRng: Rng): void {
    const { k, n, kernels } = this;
    const rows = m * this.positions;
    let input = x;
    if (this.conv) {
      im2col(this.conv, x, m, this.cols);
      input = this.cols;
    }
    const target = this.conv ? this.rowOut : this.z;
    if (mode === 'hardware') {
      if (this.oneBitDac) {
        oneBitDac(input, rows, k, this.dacOut);
        input = this.dacOut;
      }
      this.xbar.forward(input, rows, target, readRng);
    } else {
      this.binarise();
      kernels.gemm(rows, n, k, input, k, this.wForward, n, target, n, false);
    }
    const { gain, b } = this;
    if (gain !== 1) for (let i = 0; i < rows * n; i++) target[i]! *= gain;
    if (this.plan.bias) {
      for (let i = 0; i < rows; i++) {
        const r = i * n;
        for (let j = 0; j < n; j++) target[r + j]! += b[j]!;
      }
    }
    if (this.conv) rowsToChannels(this.rowOut, m, this.positions, n, this.z);
    activate(this.plan.activation, this.z, this.a, m * this.outSize);
  }

  /**
   * Gradients from the error at this layer's output. `da` is dL/da (m × outSize), or with
   * `direct` already dL/da projected by dfa; `x` is the input of the forward pass. When `needDx`,
   * the error goes on to dx through `back` (k×n: the weights, or B under feedback alignment).
   */
  backward(x: Float32Array, da: Float32Array, m: number, back: Float32Array | null): void {
    const { k, n, kernels, gain } = this;
    const rows = m * this.positions;
    activationGrad(this.plan.activation, da, this.z, this.a, this.dz, m * this.outSize);
    let g = this.dz;
    let input = x;
    if (this.conv) {
      channelsToRows(this.dz, m, this.positions, n, this.rowGrad);
      g = this.rowGrad;
      input = this.cols;
    }
    kernels.gemmTN(rows, n, k, input, k, g, n, this.gw, n, false);
    if (gain !== 1) for (let i = 0; i < k * n; i++) this.gw[i]! *= gain;
    const gb = this.gb;
    gb.fill(0);
    for (let i = 0; i < rows; i++) {
      const r = i * n;
      for (let j = 0; j < n; j++) gb[j]! += g[r + j]!;
    }
    if (back === null) return;
    const dInput = this.conv ? this.dcols : this.dx;
    kernels.gemmNT(rows, n, k, g, n, back, n, dInput, k, false);
    if (gain !== 1) for (let i = 0; i < rows * k; i++) dInput[i]! *= gain;
    if (this.conv) col2im(this.conv, this.dcols, m, this.dx);
  }

  /** Keeps binary layers' shadow weights in [−1, 1] after an update (Courbariaux et al. 2016). */
  clipShadow(): void {
    if (this.binary) clampAbs(this.w, 1);
  }

  /**
   * aihwkit's WeightClipType.LAYER_GAUSSIAN: clips the master weights to ±sigma·std(w) of the layer.
   * With w_max = max|w| mapped to the conductance range, this keeps a few outliers from setting
   * the scale, so every other weight gets more of the range and less relative programming noise.
   */
  clipGaussian(sigma: number): void {
    const w = this.w;
    const bound = sigma * Math.sqrt(sumOfSquares(w) / w.length);
    if (bound > 0) clampAbs(w, bound);
  }
}

/** A pooling stage (digital periphery between crossbars). */
export class PoolStage {
  readonly kind = 'pool';
  readonly inSize: number;
  readonly outSize: number;
  readonly out: Float32Array;
  readonly dx: Float32Array;
  private readonly argmax: Int32Array | null;

  constructor(
    readonly plan: PoolPlan,
    maxBatch: number,
    needInputGrad: boolean,
  ) {
    checkPoolGeometry(plan);
    this.inSize = plan.inShape[0] * plan.inShape[1] * plan.inShape[2];
    this.outSize = plan.outShape[0] * plan.outShape[1] * plan.outShape[2];
    this.out = new Float32Array(maxBatch * this.outSize);
    this.dx = new Float32Array(needInputGrad ? maxBatch * this.inSize : 0);
    this.argmax = plan.op === 'max' ? new Int32Array(maxBatch * this.outSize) : null;
  }

  forward(x: Float32Array, m: number): void {
    poolForward(this.plan, x, m, this.out, this.argmax);
  }

  backward(d: Float32Array, m: number): void {
    poolBackward(this.plan, d, m, this.dx, this.argmax);
  }
}

type Stage = WeightLayer | PoolStage;

export class AnalogNetwork {
  /** The weight layers, in order (what an optimiser or a pulse update touches). */
  readonly layers: WeightLayer[];
  /** Every stage but flattens (a flatten is the identity on [c, h, w]-ordered activations). */
  readonly stages: Stage[];
  readonly classes: number;
  readonly feedbackMode: FeedbackMode;
  private readonly probs: Float32Array;
  /** Each stage's input in the last forward pass (views of other stages' buffers, or x). */
  private readonly inputs: Float32Array[];
  private lastMode: ForwardMode = 'hardware';
  /** Index in `stages` of the last weight layer. */
  private readonly lastLayerStage: number;

  constructor(
    plans: StagePlan[],
    readonly maxBatch: number,
    private readonly kernels: Kernels,
    initRng: Rng,
    stuckRng: Rng,
    options: NetworkOptions = {},
  ) {
    this.feedbackMode = options.feedback ?? 'backprop';
    this.stages = [];
    let width = -1;
    for (const p of plans) {
      const needDx = this.stages.length > 0;
      let stage: Stage;
      if (p.kind === 'flatten') {
        if (width >= 0 && p.size !== width)
          throw new Error(`flatten "${p.name}" has size ${p.size} but receives ${width} values.`);
        continue;
      }
      if (p.kind === 'pool') stage = new PoolStage(p, maxBatch, needDx);
      else stage = new WeightLayer(p, maxBatch, kernels, initRng, stuckRng, needDx);
      if (width >= 0 && stage.inSize !== width) {
        throw new Error(`stage "${p.name}" takes ${stage.inSize} values per sample but receives ${width}.`);
      }
      width = stage.outSize;
      this.stages.push(stage);
    }
    this.layers = this.stages.filter((s): s is WeightLayer => s.kind === 'weights');
    if (this.layers.length === 0) throw new Error('the network has no layer with weights.');
    this.classes = width;
    this.lastLayerStage = this.stages.indexOf(this.layers[this.layers.length - 1]!);
    this.probs = new Float32Array(maxBatch * width);
    this.inputs = this.stages.map(() => new Float32Array(0));
    if (this.feedbackMode !== 'backprop') {
      const rng = options.feedbackRng;
      if (!rng) throw new Error(`${this.feedbackMode} needs a random stream for its feedback matrices.`);
      this.drawFeedback(rng);
    }
  }

  /**
   * Fixed random feedback matrices, drawn once, layer by layer from the first. feedback_alignment
   * (Lillicrap et al. 2016): B_l has W_l's shape and init scale. dfa (Nøkland 2016): B_l maps the
   * output error (classes) to layer l's outputs (outSize); std √(2/(outSize + classes)), the
   * Glorot scale of such a matrix, so the hidden errors start at about backprop's magnitude.
   */
  private drawFeedback(rng: Rng): void {
    const last = this.layers[this.layers.length - 1]!;
    for (const L of this.layers) {
      if (this.feedbackMode === 'feedback_alignment') {
        // The first stage's B would only carry the error to the input.
        if (this.stages.indexOf(L) === 0) continue;
        const b = new Float32Array(L.k * L.n);
        let s = 0;
        for (let i = 0; i < L.w.length; i++) s += L.w[i]! * L.w[i]!;
        rng.fillNormal(b, Math.sqrt(s / L.w.length) || 1);
        L.feedback = b;
      } else if (L !== last) {
        const b = new Float32Array(L.outSize * this.classes);
        rng.fillNormal(b, Math.sqrt(2 / (L.outSize + this.classes)));
        L.feedback = b;
      }
    }
  }

  /** Writes every layer's master weights to its devices (one programming, fresh noise). */
  program(rng: Rng): void {
    for (const L of this.layers) L.program(rng);
  }

  /** Ages every layer's programmed devices (drift, temperature) when the device model can. */
  age(time: number, temperature: number, rng: Rng): void {
    for (const L of this.layers) L.age(time, temperature, rng);
  }

  /**
   * Forward pass of m samples; returns the logits buffer (m × classes, valid rows only).
   * 'hardware' reads the devices as last programmed, through the converters with read noise;
   * 'software' multiplies by the master weights (sign(w) for binary layers), no device effects.
   */
  forward(x: Float32Array, m: number, readRng: Rng, mode: ForwardMode = 'hardware'): Float32Array {
    this.lastMode = mode;
    let input = x;
    for (let s = 0; s < this.stages.length; s++) {
      const st = this.stages[s]!;
      this.inputs[s] = input;
      if (st.kind === 'pool') {
        st.forward(input, m);
        input = st.out;
      } else {
        st.forward(input, m, mode, readRng);
        input = st.a;
      }
    }
    return input;
  }

  /** The logits of the last forward pass (m × classes). */
  get logits(): Float32Array {
    const last = this.stages[this.stages.length - 1]!;
    return last.kind === 'pool' ? last.out : last.a;
  }

  /**
   * Softmax cross-entropy of the last forward pass: the summed loss and the number correct;
   * with `wantGrad`, leaves dL/dlogits (mean over the batch) for `backward`.
   */
  loss(labels: Uint8Array, m: number, wantGrad: boolean): { loss: number; correct: number } {
    return softmaxCrossEntropy(this.logits, labels, m, this.classes, wantGrad ? this.probs : null);
  }

  /** dL/dlogits left by the last `loss` call (m × classes). */
  get outputError(): Float32Array {
    return this.probs;
  }

  /**
   * Backward pass of the error left by `loss`, filling every layer's gw and gb. Straight-through:
   * device effects count as identity. The error travels back through the weights the forward pass
   * used (software: the master weights; hardware: the weights as programmed, a transposed read of
   * the same array, without read noise or converters), through B_l under feedback alignment, or
   * straight from the output to every hidden layer under dfa.
   */
  backward(_x: Float32Array, m: number): void {
    const { kernels, classes } = this;
    const dfa = this.feedbackMode === 'dfa';
    const e = this.probs;
    let d = e;
    for (let s = this.stages.length - 1; s >= 0; s--) {
      const st = this.stages[s]!;
      if (dfa && s < this.lastLayerStage) {
        // δ_l = (B_l e) ⊙ f'(a_l): the output error projected straight to the layer; nothing
        // travels further down, so no input gradient and no pool backward are needed.
        if (st.kind === 'pool') continue;
        kernels.gemmNT(m, classes, st.outSize, e, classes, st.feedback!, classes, st.dz, st.outSize, false);
        st.backward(this.inputs[s]!, st.dz, m, null);
        continue;
      }
      const needDx = s > 0 && !(dfa && s === this.lastLayerStage);
      if (st.kind === 'pool') {
        if (needDx) {
          st.backward(d, m);
          d = st.dx;
        }
        continue;
      }
      let back: Float32Array | null = null;
      if (needDx) {
        if (this.feedbackMode === 'feedback_alignment') back = st.feedback;
        else back = this.lastMode === 'hardware' ? st.xbar.weights : st.wForward;
      }
      st.backward(this.inputs[s]!, d, m, back);
      if (back !== null) d = st.dx;
    }
  }

  /** Keeps binary layers' shadow weights in [−1, 1]; call after each optimiser step. */
  clipShadowWeights(): void {
    for (const L of this.layers) L.clipShadow();
  }
}

/**
 * A 1-bit DAC: each row is scaled by α = max|x| (abs-max noise management, as the crossbar does)
 * and every input becomes ±α where |x| ≥ α/2, else 0: a word line is driven or not, with the
 * polarity of the input. ±1 inputs (sign neurons) pass unchanged; MNIST pixels are thresholded at
 * half the brightest pixel of their image.
 */
export function oneBitDac(x: Float32Array, rows: number, k: number, out: Float32Array): void {
  for (let i = 0; i < rows; i++) {
    const r = i * k;
    let a = 0;
    for (let p = 0; p < k; p++) {
      const v = Math.abs(x[r + p]!);
      if (v > a) a = v;
    }
    const half = a / 2;
    for (let p = 0; p < k; p++) {
      const v = x[r + p]!;
      out[r + p] = a === 0 ? 0 : v >= half ? a : v <= -half ? -a : 0;
    }
  }
}
