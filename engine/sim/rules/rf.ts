// The RF spintronic network and its learner: training the resonance frequencies (seed 003).
//
// Layer l is n chains of resonators reading k RF inputs (engine/sim/resonator.ts). Inputs are RF
// powers, normalised to full scale: P_RF^i = x_i ∈ [0, 1] for the first layer, and the output
// power of the previous layer's oscillators after. Chain j gives U_j = Σ_i P_RF^i·W_eff[i][j]
// with W_eff materialised from the resonance frequencies each step, so the layer is one GEMM.
// Hidden neurons are spin-torque nano-oscillators (activation 'oscillator'): the chain voltage,
// times a fixed readout gain, drives a DC current I on top of a bias current I_dc, and the
// oscillator emits RF power only above its threshold I_th:
//   ζ = I/I_th = ζ_dc + gain·U,   P_out/P_ref = max(0, ζ − 1)^p
// (p = the neuron's `nonlinearity`; p = 1 is the linear power-above-threshold law of a weakly
// supercritical auto-oscillator, Slavin & Tiberkevich, IEEE Trans. Magn. 45:1875, 2009). We bias
// every neuron at its threshold (ζ_dc = 1 by default), so p = 1 is a ReLU of gain·U: the
// network is then the bias-free ReLU MLP of the same shape, with weights gain·W_eff. The last
// layer's chain voltages (times its gain) are the logits.
//
// Training (plan.trainable = 'f_res'): backprop through the line shape, f ← f − α·∂L/∂f, in
// normalised frequency ν = (f − f_min)/Δ (α is dimensionless: a unit step moves f_res by one
// half-linewidth Δ), with the plan's optimiser, then clipped to the tunable band. Programming
// noise (DeviceModel.programNoise, a fraction of the band) perturbs every f_res at deploy(); with
// rule 'hw_aware' also in every training forward pass (fresh draw, straight-through gradient).
// A layer with `bias` gets one more resonator per chain fed by a constant full-power carrier.
//
// conv2d layers on chains (docs/engine-rf.md, "Convolutions on chains"): the layer's resonator
// matrix (c_in·K·K rows × c_out chains) is read at every output position, so a forward pass is the
// dense chain read above on the m·H_out·W_out im2col patch rows (engine/sim/conv.ts), and the
// backward pass is the dense one on the same rows, with col2im carrying the input gradient back.
// Pool stages (max/avg/sum of the oscillators' powers, in the digital periphery) are network.ts's
// PoolStage; flatten is the identity on [channel, row, column]-ordered activations.
import type { DeviceModel, ResonatorModel } from '../../ir/model';
import {
  type ConvGeometry,
  channelsToRows,
  checkConvGeometry,
  col2im,
  im2col,
  rowsToChannels,
} from '../conv';
import { PoolStage } from '../network';
import { createOptimizer, type Optimizer } from '../optim';
import { isWeightLayer, type LayerPlan } from '../plan';
import {
  type ChainLayerGeometry,
  chainGeometry,
  clipToBand,
  DEFAULT_SYMMETRIC_FRACTION,
  effectiveWeights,
  resonanceGradient,
} from '../resonator';
import type { Rng } from '../rng';
import type { Learner, LearnerContext, LearnerFactory } from './types';
import { rngFor, softmaxCrossEntropy } from './types';

/** Modelling choices that the DSL does not (yet) expose; every field has a documented default. */
export interface RfOptions {
  /** Fraction of symmetric Lorentzian in the line shape (default 0: antisymmetric, signed weights). */
  symmetric?: number;
  /** Every resonator of a sub-chain rectifies every carrier of its RF line (default false: the seed's formula). */
  crosstalk?: boolean;
  /** Carriers per RF line (default ⌊band/linewidth⌋, 50 for spin_res). */
  channels?: number;
  /**
   * Readout gain of a layer of k inputs, gain = gainFactor·√(2/k): the largest effective weight
   * (|W| = 1) is gainFactor He-standard-deviations. Default 4 (measured on MNIST slices, docs).
   */
  gainFactor?: number;
  /** Oscillator bias current in units of its threshold, ζ_dc = I_dc/I_th (default 1: at threshold). */
  neuronBias?: number;
  /** Train with programming and read noise in the forward pass (default: plan.rule === 'hw_aware'). */
  hardwareAware?: boolean;
}

export const DEFAULT_GAIN_FACTOR = 4;
/** Used when a plan's device has no resonator block: the spin_res preset (seed 003, examples/lib/devices.nfab). */
export const SPIN_RES_DEFAULT: ResonatorModel = { fResMin: 2e9, fResMax: 4e9, linewidth: 40e6 };

/** Normalised oscillator output power, max(0, ζ − 1)^p, written in terms of z = ζ − 1. */
export function oscillatorPower(z: number, p: number): number {
  if (z <= 0) return 0;
  return p === 1 ? z : z ** p;
}

/** d/dz of oscillatorPower (z = ζ − 1); 0 at and below threshold. */
export function oscillatorSlope(z: number, p: number): number {
  if (z <= 0) return 0;
  return p === 1 ? 1 : p * z ** (p - 1);
}

interface RfLayer {
  plan: LayerPlan;
  geo: ChainLayerGeometry;
  /** Rows of the resonator matrix: the inputs, plus one constant carrier when the layer has a bias. */
  rows: number;
  gain: number;
  /** ζ_dc − 1 for oscillator layers. */
  offset: number;
  exponent: number;
  /** Program-noise std in ν units, read-noise fraction. */
  programSigma: number;
  readNoise: number;
  /** Master resonances (rows×n, ν units), their programmed copy, W_eff and the gradients. */
  nu: Float32Array;
  nuProg: Float32Array;
  w: Float32Array;
  gw: Float32Array;
  gnu: Float32Array;
  /** Chain reads per sample: 1 for dense, H_out·W_out for conv2d (one read per output position). */
  positions: number;
  /** conv2d geometry, null for dense. */
  conv: ConvGeometry | null;
  /** Values per sample in and out of the layer (conv2d: c·h·w of its input and output images). */
  inSize: number;
  outSize: number;
  /** conv2d: the im2col patch rows of the last forward pass and their gradient ((maxBatch·P)×k). */
  cols: Float32Array;
  dcols: Float32Array;
  /**
   * Pre-activation, activation, gradient at the chain voltage, one row per chain read
   * ((maxBatch·P)×n, patch-major for conv2d); the layer's output (maxBatch×outSize: `a` itself for
   * dense, the [channel, row, column] copy for conv2d); input gradient (maxBatch×inSize).
   */
  z: Float32Array;
  a: Float32Array;
  du: Float32Array;
  out: Float32Array;
  dx: Float32Array;
}

/** A stage of the RF network: a layer of chains, or a pool between them (flattens are dropped). */
type RfStage = RfLayer | PoolStage;

function resonatorOf(device: DeviceModel): ResonatorModel {
  return device.resonator ?? SPIN_RES_DEFAULT;
}

/** The network of RF chains: state, forward, loss and backward. Exported for tests. */
export class RfNetwork {
  /** The layers of chains, in order (what the optimiser touches). */
  readonly layers: RfLayer[];
  /** Every stage but flattens, in order. */
  readonly stages: RfStage[];
  /** Each stage's input in the last forward pass (x, or a view of the previous stage's output). */
  private readonly inputs: Float32Array[];
  private readonly grad: Float32Array;
  private readonly hw: boolean;

  constructor(
    readonly ctx: LearnerContext,
    readonly options: RfOptions = {},
    initRng: Rng = rngFor(ctx.plan, 'init'),
  ) {
    const { plan, maxBatch } = ctx;
    this.hw = options.hardwareAware ?? plan.rule === 'hw_aware';
    const s = options.symmetric ?? DEFAULT_SYMMETRIC_FRACTION;
    const gf = options.gainFactor ?? DEFAULT_GAIN_FACTOR;
    this.stages = [];
    let width = plan.inputSize;
    for (const p of plan.layers) {
      const first = this.stages.length === 0;
      let stage: RfStage;
      if (p.kind === 'flatten') {
        if (p.size !== width)
          throw new Error(`flatten "${p.name}" has size ${p.size} but receives ${width} values.`);
        continue;
      }
      if (p.kind === 'pool') stage = new PoolStage(p, maxBatch, !first);
      else stage = this.makeLayer(p, first, s, gf, initRng);
      if (stage.inSize !== width)
        throw new Error(`stage "${p.name}" takes ${stage.inSize} values per sample but receives ${width}.`);
      width = stage.outSize;
      this.stages.push(stage);
    }
    this.layers = this.stages.filter((st): st is RfLayer => !(st instanceof PoolStage));
    if (this.layers.length === 0) throw new Error('RF chains: the network has no layer of chains.');
    const last = this.stages[this.stages.length - 1]!;
    if (last instanceof PoolStage) throw new Error('RF chains: the network must end with a layer of chains.');
    this.inputs = this.stages.map(() => new Float32Array(0));
    this.grad = new Float32Array(maxBatch * width);
  }

  private makeLayer(lp: LayerPlan, first: boolean, s: number, gf: number, initRng: Rng): RfLayer {
    const { maxBatch } = this.ctx;
    let conv: ConvGeometry | null = null;
    if (lp.kind === 'conv2d') {
      if (!lp.conv) throw new Error(`conv2d layer "${lp.name}" has no geometry in the plan.`);
      conv = lp.conv;
      checkConvGeometry(conv, lp.name);
      const [c, kh] = [conv.inShape[0], conv.kernel];
      if (c * kh * kh !== lp.inputs || conv.outShape[0] !== lp.units)
        throw new Error(`conv2d layer "${lp.name}": its matrix is not c_in·K·K × c_out.`);
    } else if (lp.kind !== 'dense') {
      throw new Error(`RF chains: layer "${(lp as LayerPlan).name}" is not simulated.`);
    }
    const positions = conv ? conv.outShape[1] * conv.outShape[2] : 1;
    const inSize = conv ? conv.inShape[0] * conv.inShape[1] * conv.inShape[2] : lp.inputs;
    const outSize = lp.units * positions;
    const reads = maxBatch * positions;
    const rows = lp.inputs + (lp.bias ? 1 : 0);
    const n = lp.units;
    const model = resonatorOf(lp.device);
    const geo = chainGeometry(rows, n, model, {
      ...(this.options.channels !== undefined ? { channels: this.options.channels } : {}),
      symmetric: s,
      crosstalk: this.options.crosstalk ?? false,
    });
    const gain = gf * Math.sqrt(2 / lp.inputs);
    // Start every resonance at the zero crossing of the line shape next to its own carrier,
    // where the weight is 0 and most sensitive to f_res, spread so that gain·W_eff has the He
    // standard deviation √(2/k): near the crossing W ≈ w'(u0)·δu, so σ_u = 1/(gainFactor·w'(u0)).
    const u0 = s >= 1 ? 1 : -s / (2 * (1 - s));
    const slope = Math.abs((-2 * s * u0 + 2 * (1 - s) * (1 - u0 * u0)) / (1 + u0 * u0) ** 2);
    const spread = 1 / (gf * Math.max(slope, 1e-3));
    const nu = new Float32Array(rows * n);
    for (let i = 0; i < rows; i++) {
      const c = geo.carrierNu[i % geo.channels]!;
      for (let j = 0; j < n; j++) nu[i * n + j] = c - u0 + spread * initRng.normal();
    }
    clipToBand(nu, geo.bandNu);
    const exponent = lp.neuron?.params.nonlinearity ?? 1;
    const zetaDc = this.options.neuronBias ?? 1;
    const a = new Float32Array(reads * n);
    return {
      plan: lp,
      geo,
      rows,
      gain,
      offset: zetaDc - 1,
      exponent,
      programSigma: lp.device.programNoise * geo.bandNu,
      readNoise: lp.device.readNoise,
      nu,
      nuProg: new Float32Array(rows * n),
      w: new Float32Array(rows * n),
      gw: new Float32Array(rows * n),
      gnu: new Float32Array(rows * n),
      positions,
      conv,
      inSize,
      outSize,
      cols: new Float32Array(conv ? reads * lp.inputs : 0),
      dcols: new Float32Array(conv && !first ? reads * lp.inputs : 0),
      z: new Float32Array(reads * n),
      a,
      du: new Float32Array(reads * n),
      out: conv ? new Float32Array(maxBatch * outSize) : a,
      dx: new Float32Array(first ? 0 : maxBatch * inSize),
    };
  }

  /**
   * Sets every resonance on the chip from the master ν: with `rng`, each f_res lands N(0, σ) off
   * target (σ = programNoise × band), clipped to the band; then materialises W_eff.
   */
  program(rng: Rng | null): void {
    for (const L of this.layers) {
      let src = L.nu;
      if (rng && L.programSigma > 0) {
        for (let i = 0; i < L.nu.length; i++) L.nuProg[i] = L.nu[i]! + L.programSigma * rng.normal();
        clipToBand(L.nuProg, L.geo.bandNu);
        src = L.nuProg;
      } else {
        L.nuProg.set(L.nu);
        src = L.nuProg;
      }
      effectiveWeights(src, L.geo, L.w);
    }
  }

  /** Forward pass of m samples through the programmed chains; returns the logits (m×classes). */
  forward(x: Float32Array, m: number, readRng: Rng | null): Float32Array {
    let input = x;
    for (let s = 0; s < this.stages.length; s++) {
      const st = this.stages[s]!;
      this.inputs[s] = input;
      if (st instanceof PoolStage) {
        st.forward(input, m);
        input = st.out;
        continue;
      }
      if (st.conv) {
        im2col(st.conv, input, m, st.cols);
        chainRead(st, this.ctx, st.cols, m * st.positions, readRng);
        rowsToChannels(st.a, m, st.positions, st.plan.units, st.out);
      } else chainRead(st, this.ctx, input, m, readRng);
      input = st.out;
    }
    return input;
  }

  loss(labels: Uint8Array, m: number, wantGrad: boolean) {
    const last = this.layers[this.layers.length - 1]!;
    return softmaxCrossEntropy(last.out, labels, m, last.outSize, wantGrad ? this.grad : null);
  }

  /** Backprop of the gradient left by loss(): fills every layer's dL/dν (gnu). */
  backward(x: Float32Array, m: number): void {
    let d = this.grad;
    for (let s = this.stages.length - 1; s >= 0; s--) {
      const st = this.stages[s]!;
      if (st instanceof PoolStage) {
        if (s > 0) {
          st.backward(d, m);
          d = st.dx;
        }
        continue;
      }
      const L = st;
      const n = L.plan.units;
      const reads = m * L.positions;
      // The gradient at the outputs, one row per chain read (patch-major for conv2d).
      if (L.conv) channelsToRows(d, m, L.positions, n, L.du);
      else L.du.set(d.subarray(0, reads * n));
      const rowsIn = L.conv ? L.cols : s === 0 ? x : this.inputs[s]!;
      const back = s === 0 ? null : L.conv ? L.dcols : L.dx;
      chainBackward(L, this.ctx, rowsIn, reads, back);
      if (s > 0) {
        if (L.conv) col2im(L.conv, L.dcols, m, L.dx);
        d = L.dx;
      }
    }
  }

  get hardwareAware(): boolean {
    return this.hw;
  }
}

/**
 * One read of every chain of layer L for `reads` input rows (m samples of a dense layer, or the
 * m·P im2col patch rows of a conv2d layer): U = X·W_eff (+ the bias tone), read noise, then
 * gain and the neuron, into L.z and L.a (reads×n).
 */
function chainRead(
  L: RfLayer,
  ctx: LearnerContext,
  input: Float32Array,
  reads: number,
  readRng: Rng | null,
): void {
  const k = L.plan.inputs;
  const n = L.plan.units;
  ctx.kernels.gemm(reads, n, k, input, k, L.w, n, L.z, n, false);
  if (L.plan.bias) {
    const b = k * n;
    for (let i = 0; i < reads; i++) for (let j = 0; j < n; j++) L.z[i * n + j]! += L.w[b + j]!;
  }
  if (readRng && L.readNoise > 0) addReadNoise(L, input, reads, readRng);
  const act = L.plan.activation;
  const len = reads * n;
  for (let t = 0; t < len; t++) {
    const v = L.gain * L.z[t]!;
    if (act === 'oscillator') {
      const zz = L.offset + v;
      L.z[t] = zz;
      L.a[t] = oscillatorPower(zz, L.exponent);
    } else {
      L.z[t] = v;
      L.a[t] = activate(act, v);
    }
  }
}

/**
 * The backward pass of chainRead on the same rows. On entry L.du holds dL/d(output) per read
 * (reads×n); it leaves dL/dU there, dL/dν in L.gnu, and with `back` the input-row gradient
 * dU·W_effᵀ (reads×k).
 */
function chainBackward(
  L: RfLayer,
  ctx: LearnerContext,
  input: Float32Array,
  reads: number,
  back: Float32Array | null,
): void {
  const { kernels } = ctx;
  const k = L.plan.inputs;
  const n = L.plan.units;
  const act = L.plan.activation;
  const len = reads * n;
  for (let t = 0; t < len; t++) {
    const d =
      act === 'oscillator' ? oscillatorSlope(L.z[t]!, L.exponent) : activateSlope(act, L.z[t]!, L.a[t]!);
    L.du[t] = L.du[t]! * d * L.gain;
  }
  kernels.gemmTN(reads, n, k, input, k, L.du, n, L.gw, n, false);
  if (L.plan.bias) {
    const b = k * n;
    L.gw.fill(0, b, b + n);
    for (let i = 0; i < reads; i++) for (let j = 0; j < n; j++) L.gw[b + j]! += L.du[i * n + j]!;
  }
  if (back) kernels.gemmNT(reads, n, k, L.du, n, L.w, n, back, k, false);
  resonanceGradient(L.gw, L.nuProg, L.geo, L.gnu);
}

/**
 * Read noise of a chain: each resonator's voltage gets independent Gaussian noise of std
 * readNoise × its full-scale output (|W| = 1 at the input's power), so a chain read adds
 * N(0, readNoise²·Σ_i P_i²), drawn once per chain (the same law with k times fewer draws).
 */
function addReadNoise(L: RfLayer, input: Float32Array, m: number, rng: Rng): void {
  const k = L.plan.inputs;
  const n = L.plan.units;
  for (let i = 0; i < m; i++) {
    let ss = L.plan.bias ? 1 : 0;
    for (let p = 0; p < k; p++) ss += input[i * k + p]! ** 2;
    const sigma = L.readNoise * Math.sqrt(ss);
    for (let j = 0; j < n; j++) L.z[i * n + j]! += sigma * rng.normal();
  }
}

function activate(kind: LayerPlan['activation'], v: number): number {
  switch (kind) {
    case 'relu':
      return v > 0 ? v : 0;
    case 'sigmoid':
      return 1 / (1 + Math.exp(-v));
    case 'tanh':
      return Math.tanh(v);
    case 'identity':
      return v;
    default:
      throw new Error(`RF chains: activation '${kind}' is not simulated`);
  }
}

function activateSlope(kind: LayerPlan['activation'], z: number, a: number): number {
  switch (kind) {
    case 'relu':
      return z > 0 ? 1 : 0;
    case 'sigmoid':
      return a * (1 - a);
    case 'tanh':
      return 1 - a * a;
    default:
      return 1;
  }
}

/** Fraction of resonators pinned at an edge of the tunable band (a sign the band is too narrow). */
function pinnedFraction(net: RfNetwork): number {
  let pinned = 0;
  let total = 0;
  for (const L of net.layers) {
    for (let i = 0; i < L.nu.length; i++) if (L.nu[i]! <= 0 || L.nu[i]! >= L.geo.bandNu) pinned++;
    total += L.nu.length;
  }
  return total > 0 ? pinned / total : 0;
}

/** One optimiser step on every layer's resonances (f ← f − α·∂L/∂f in ν units), clipped to the band. */
export function updateResonances(net: RfNetwork, optimizer: Optimizer, lr: number): void {
  optimizer.beginStep(lr);
  net.layers.forEach((L, li) => {
    optimizer.step(li, L.nu, L.gnu);
    clipToBand(L.nu, L.geo.bandNu);
  });
}

/** A learner factory with explicit modelling options (scripts and tests use it for variants). */
export function rfLearnerFactory(options: RfOptions = {}): LearnerFactory {
  return (ctx) => {
    const { plan } = ctx;
    if (plan.trainable !== 'f_res')
      ctx.log(
        'info',
        'RF spintronic chains: the trainable parameters are the resonance frequencies (f_res).',
      );
    const net = new RfNetwork(ctx, options);
    const optimizer = createOptimizer(plan.optimizer);
    const programRng = rngFor(plan, 'program');
    const readRng = rngFor(plan, 'read');
    const evalProgramRng = rngFor(plan, 'evalProgram');
    const evalReadRng = rngFor(plan, 'evalRead');
    const hw = net.hardwareAware;
    const learner: Learner = {
      trainBatch(x, labels, m, lr) {
        net.program(hw ? programRng : null);
        net.forward(x, m, hw ? readRng : null);
        const r = net.loss(labels, m, true);
        net.backward(x, m);
        updateResonances(net, optimizer, lr);
        return r;
      },
      deploy() {
        net.program(evalProgramRng);
      },
      inferBatch(x, labels, m) {
        net.forward(x, m, evalReadRng);
        return net.loss(labels, m, false);
      },
      epochMetrics() {
        return { f_res_pinned_fraction: pinnedFraction(net) };
      },
    };
    return learner;
  };
}

/**
 * The learner for plans on RF chains: the modelling choices written in the DSL (the first RF
 * tile's channels, crosstalk and gain, the resonator's line symmetry) over the defaults.
 */
export const createRfLearner: LearnerFactory = (ctx) => {
  const layer = ctx.plan.layers.filter(isWeightLayer).find((l) => l.tile.kind === 'rf_chain');
  const rf = layer?.tile.rf ?? {};
  const symmetry = layer?.device.resonator?.symmetry;
  return rfLearnerFactory({
    ...(rf.channels !== undefined ? { channels: rf.channels } : {}),
    ...(rf.crosstalk !== undefined ? { crosstalk: rf.crosstalk } : {}),
    ...(rf.gainFactor !== undefined ? { gainFactor: rf.gainFactor } : {}),
    ...(symmetry !== undefined ? { symmetric: symmetry } : {}),
  })(ctx);
};
