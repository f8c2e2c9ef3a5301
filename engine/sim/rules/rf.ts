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
import type { DeviceModel, ResonatorModel } from '../../ir/model';
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
  /** Pre-activation, activation, gradient at the chain voltage (maxBatch×n); input gradient (maxBatch×k). */
  z: Float32Array;
  a: Float32Array;
  du: Float32Array;
  dx: Float32Array;
}

function resonatorOf(device: DeviceModel): ResonatorModel {
  return device.resonator ?? SPIN_RES_DEFAULT;
}

/** The network of RF chains: state, forward, loss and backward. Exported for tests. */
export class RfNetwork {
  readonly layers: RfLayer[];
  private readonly grad: Float32Array;
  private readonly hw: boolean;

  constructor(
    readonly ctx: LearnerContext,
    readonly options: RfOptions = {},
    initRng: Rng = rngFor(ctx.plan, 'init'),
  ) {
    const { plan, maxBatch } = ctx;
    const plans = plan.layers.filter(isWeightLayer);
    if (plans.length !== plan.layers.length)
      throw new Error(
        'RF spintronic chains: only dense layers are simulated (no conv2d, pool or flatten yet).',
      );
    this.hw = options.hardwareAware ?? plan.rule === 'hw_aware';
    const s = options.symmetric ?? DEFAULT_SYMMETRIC_FRACTION;
    const gf = options.gainFactor ?? DEFAULT_GAIN_FACTOR;
    this.layers = plans.map((lp, l) => {
      if (lp.kind !== 'dense')
        throw new Error(`RF chains: layer "${lp.name}" is ${lp.kind}; only dense runs.`);
      const rows = lp.inputs + (lp.bias ? 1 : 0);
      const n = lp.units;
      const model = resonatorOf(lp.device);
      const geo = chainGeometry(rows, n, model, {
        ...(options.channels !== undefined ? { channels: options.channels } : {}),
        symmetric: s,
        crosstalk: options.crosstalk ?? false,
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
      const zetaDc = options.neuronBias ?? 1;
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
        z: new Float32Array(maxBatch * n),
        a: new Float32Array(maxBatch * n),
        du: new Float32Array(maxBatch * n),
        dx: new Float32Array(l === 0 ? 0 : maxBatch * lp.inputs),
      };
    });
    this.grad = new Float32Array(maxBatch * plans[plans.length - 1]!.units);
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
    const { kernels } = this.ctx;
    let input = x;
    for (const L of this.layers) {
      const k = L.plan.inputs;
      const n = L.plan.units;
      kernels.gemm(m, n, k, input, k, L.w, n, L.z, n, false);
      if (L.plan.bias) {
        const b = k * n;
        for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) L.z[i * n + j]! += L.w[b + j]!;
      }
      if (readRng && L.readNoise > 0) addReadNoise(L, input, m, readRng);
      const act = L.plan.activation;
      const len = m * n;
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
      input = L.a;
    }
    return input;
  }

  loss(labels: Uint8Array, m: number, wantGrad: boolean) {
    const last = this.layers[this.layers.length - 1]!;
    return softmaxCrossEntropy(last.a, labels, m, last.plan.units, wantGrad ? this.grad : null);
  }

  /** Backprop of the gradient left by loss(): fills every layer's dL/dν (gnu). */
  backward(x: Float32Array, m: number): void {
    const { kernels } = this.ctx;
    for (let l = this.layers.length - 1; l >= 0; l--) {
      const L = this.layers[l]!;
      const k = L.plan.inputs;
      const n = L.plan.units;
      const up = l === this.layers.length - 1 ? this.grad : this.layers[l + 1]!.dx;
      const act = L.plan.activation;
      const len = m * n;
      for (let t = 0; t < len; t++) {
        const d =
          act === 'oscillator' ? oscillatorSlope(L.z[t]!, L.exponent) : activateSlope(act, L.z[t]!, L.a[t]!);
        L.du[t] = up[t]! * d * L.gain;
      }
      const input = l === 0 ? x : this.layers[l - 1]!.a;
      kernels.gemmTN(m, n, k, input, k, L.du, n, L.gw, n, false);
      if (L.plan.bias) {
        const b = k * n;
        L.gw.fill(0, b, b + n);
        for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) L.gw[b + j]! += L.du[i * n + j]!;
      }
      if (l > 0) kernels.gemmNT(m, n, k, L.du, n, L.w, n, L.dx, k, false);
      resonanceGradient(L.gw, L.nuProg, L.geo, L.gnu);
    }
  }

  get hardwareAware(): boolean {
    return this.hw;
  }
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
