// Equilibrium Propagation (Scellier & Bengio, "Equilibrium Propagation: Bridging the Gap between
// Energy-Based Models and Backpropagation", Front. Comput. Neurosci. 11:24, 2017) for layered
// networks whose weights live on crossbars.
//
// The network is the layered Hopfield-like system of the paper: states s_1..s_L (post-activation,
// the input s_0 = x is clamped), symmetric couplings W_l between neighbouring layers, and the
// primitive function Φ = Σ_l s_{l−1}·W_l·s_l + Σ_l b_l·s_l. A phase settles the states to a fixed
// point of the "prototypical" dynamics (Ernoult et al., NeurIPS 2019)
//     s_l ← ρ(s_{l−1}·W_l + s_{l+1}·W_{l+1}ᵀ + b_l)          (hidden layers)
//     s_L ← ρ(s_{L−1}·W_L + b_L + β·(t − s_L))               (output, t the one-hot target)
// layer by layer in order (Gauss–Seidel). Free phase: β = 0 from s = 0. Nudged phase(s): β ≠ 0,
// a few steps from the free fixed point. The update of each synapse uses only its two neurons:
//     ΔW_l ∝ (s_{l−1}^β ᵀ s_l^β − s_{l−1}^0 ᵀ s_l^0)/β,   Δb_l ∝ (s_l^β − s_l^0)/β.
// At a fixed point, as β → 0 this is exactly −∂C/∂W of the cost C = ½‖t − s_L‖² at the free fixed
// point (implicit differentiation; the symmetric coupling makes the two sides equal, see
// docs/engine-rules-physics.md and test/unit/sim-eqprop.test.ts, which checks it numerically).
//
// Improvements that make it train reliably, all from the literature:
// - A random sign of β per batch (Scellier & Bengio, section 4; the default): the O(β) bias of the
//   one-sided estimate then averages out over batches, at the cost of one nudged phase.
// - Symmetric nudging (Laborieux et al., "Scaling Equilibrium Propagation to Deep ConvNets by
//   Drastically Reducing Its Gradient Estimator Bias", Front. Neurosci. 15:633674, 2021): two
//   nudged phases at +β and −β, ΔW ∝ (s^{+β}s^{+β} − s^{−β}s^{−β})/(2β), which removes the O(β)
//   bias in every step (error O(β²), tested). On MNIST at β = 1 it learned as fast as the random
//   sign (84.3% vs 84.8% after 4,000 samples) for one more phase, so it is an option, not the
//   default. 'positive' is the original one-sided estimate.
// - The steep sigmoid for layers declared sigmoid (see rhoForActivation).
// - Per-layer learning rates as in Scellier & Bengio (α₁ = 0.1, α₂ = 0.05 for 784-500-10): each
//   layer below the output gets twice the rate of the layer above it (scale 2^(L−l)), applied to
//   the plan's learning rate (so the example's lr 0.05 gives exactly the paper's pair).
//
// Hardware: every settling read goes through the modelled crossbar (CrossbarLayer: per-vector
// input scaling, DAC, tiles, read noise, ADC). The feedback term s_{l+1}·W_{l+1}ᵀ is a transposed
// read of the same array (inputs on the bit lines, currents summed on the word lines), modelled
// here with the same periphery. The input projection x·W_1 is read once per batch and held while
// the network settles. Updates go to float master weights that are programmed onto the devices
// before every batch (as in hardware-aware training), so programming noise, levels and stuck
// devices shape what the network computes. Biases are digital (float), as in crossbar.ts.
import { CrossbarLayer, converterStep } from '../crossbar';
import type { Kernels } from '../kernels';
import { createOptimizer } from '../optim';
import { isWeightLayer, type LayerPlan, type TrainingPlan } from '../plan';
import type { Rng } from '../rng';
import type { BatchResult, Learner, LearnerContext, LearnerFactory } from './types';
import { rngFor } from './types';

/** The neuron non-linearity ρ, bounded so the settling dynamics stay bounded. */
/**
 * `steep_sigmoid` is 1/(1 + e^{−4(x−½)}) of Ernoult et al. (NeurIPS 2019) and Laborieux et al.
 * (2021): slope 1 at its centre like the hard sigmoid, but smooth, so saturated units still learn.
 */
export type EqPropRho = 'sigmoid' | 'steep_sigmoid' | 'hard_sigmoid' | 'tanh' | 'identity';

export type Nudging = 'symmetric' | 'random_sign' | 'positive';

export interface EqPropSettings {
  /** Fixed-point iterations of the free phase (Scellier & Bengio: 20 for 784-500-10). */
  freeSteps: number;
  /** Iterations of each nudged phase, started from the free fixed point (Scellier & Bengio: 4). */
  nudgeSteps: number;
  nudging: Nudging;
  /** Learning-rate multiplier per weight layer; null = 2^(L−l) (Scellier & Bengio's ratios). */
  layerLrScale: number[] | null;
  /** ρ per weight layer; null = from each layer's activation (see rhoForActivation). */
  rho: EqPropRho[] | null;
}

// Validated on full MNIST (docs/engine-rules-physics.md): 784-500-10, 95.3% after one epoch.
// Scellier & Bengio used 20 free and 4 nudged iterations for this network and a random sign of β.
export const EQPROP_DEFAULTS: EqPropSettings = {
  freeSteps: 20,
  nudgeSteps: 6,
  nudging: 'random_sign',
  layerLrScale: null,
  rho: null,
};

/**
 * ρ for a layer's declared activation. `sigmoid` settles with the steep sigmoid 1/(1 + e^{−4(x−½)})
 * of Ernoult et al. and Laborieux et al.: the logistic sigmoid's slope of ¼ makes the nudge and the
 * feedback four times weaker and learning several times slower (measured: 25% vs 76% test accuracy
 * after 2,000 MNIST samples). tanh as declared; relu becomes the hard sigmoid clamp(x, 0, 1) of
 * Scellier & Bengio (an unbounded ReLU lets the settling diverge).
 */
export function rhoForActivation(a: LayerPlan['activation']): EqPropRho {
  switch (a) {
    case 'sigmoid':
      return 'steep_sigmoid';
    case 'tanh':
      return 'tanh';
    case 'identity':
      return 'identity';
    default:
      return 'hard_sigmoid';
  }
}

function applyRho(kind: EqPropRho, z: Float32Array, out: Float32Array, len: number): void {
  switch (kind) {
    case 'sigmoid':
      for (let i = 0; i < len; i++) out[i] = 1 / (1 + Math.exp(-z[i]!));
      return;
    case 'steep_sigmoid':
      for (let i = 0; i < len; i++) out[i] = 1 / (1 + Math.exp(2 - 4 * z[i]!));
      return;
    case 'hard_sigmoid':
      for (let i = 0; i < len; i++) {
        const v = z[i]!;
        out[i] = v < 0 ? 0 : v > 1 ? 1 : v;
      }
      return;
    case 'tanh':
      for (let i = 0; i < len; i++) out[i] = Math.tanh(z[i]!);
      return;
    case 'identity':
      out.set(z.subarray(0, len));
      return;
  }
}

/**
 * The transposed read of a programmed crossbar: out(m×k) (+)= a(m×n)·Wᵀ through the same periphery
 * as CrossbarLayer.forward, with the roles of rows and columns swapped: the inputs drive the bit
 * lines, so each tile's slice is a block of `cols` inputs; per slice abs-max noise management and
 * DAC, then read noise and output noise on every word line of the tile, then its ADC. Not modelled
 * on this path: bound management and IR drop (the forward reads have them).
 */
export function readTransposed(
  xbar: CrossbarLayer,
  kernels: Kernels,
  a: Float32Array,
  m: number,
  out: Float32Array,
  rng: Rng,
  scratch: { aq: Float32Array; partial: Float32Array; alpha: Float32Array },
  accumulate: boolean,
): void {
  const { k, n } = xbar;
  const layer = xbar.layer;
  const t = layer.tile;
  const sigma = layer.device.readNoise;
  const outNoise = t.outputNoise;
  if (!(t.dacBits > 0 || t.adcBits > 0 || sigma > 0 || outNoise > 0)) {
    kernels.gemmNT(m, n, k, a, n, xbar.weights, n, out, k, accumulate);
    return;
  }
  const { aq, partial, alpha } = scratch;
  const dacStep = converterStep(t.dacBits, t.inputBound);
  const adcStep = converterStep(t.adcBits, t.outputBound);
  if (!accumulate) out.fill(0, 0, m * k);
  const wMax = xbar.array.wMax;
  const invW = 1 / wMax;
  const differential = t.signedWeights === 'differential';
  const blockCols = xbar.tiling.usableCols;
  for (let c0 = 0; c0 < n; c0 += blockCols) {
    const cols = Math.min(blockCols, n - c0);
    // Noise management and DAC of this slice of the input.
    for (let i = 0; i < m; i++) {
      const ai = i * n + c0;
      let amax = 0;
      for (let j = 0; j < cols; j++) {
        const v = Math.abs(a[ai + j]!);
        if (v > amax) amax = v;
      }
      alpha[i] = amax;
      const inv = amax === 0 ? 0 : 1 / amax;
      for (let j = 0; j < cols; j++) aq[ai + j] = quantise(a[ai + j]! * inv, dacStep, t.inputBound);
    }
    kernels.gemmNT(m, cols, k, aq.subarray(c0), n, xbar.weights.subarray(c0), n, partial, k, false);
    for (let i = 0; i < m; i++) {
      if (alpha[i] === 0) continue; // an all-zero slice reads zero, as in CrossbarLayer
      let sd = 0;
      let shared = 0;
      if (sigma > 0) {
        let s = 0;
        const ai = i * n + c0;
        for (let j = 0; j < cols; j++) s += aq[ai + j]! * aq[ai + j]!;
        sd = sigma * Math.sqrt((differential ? 2 : 4) * s);
        if (!differential) shared = sd * rng.normal();
      }
      const scale = alpha[i]! * wMax;
      const row = i * k;
      for (let p = 0; p < k; p++) {
        let y = partial[row + p]! * invW;
        if (sd > 0) y += shared + sd * rng.normal();
        if (outNoise > 0) y += outNoise * rng.normal();
        out[row + p]! += scale * quantise(y, adcStep, t.outputBound);
      }
    }
  }
}

function quantise(x: number, step: number, bound: number): number {
  if (step === 0) return x;
  const c = x > bound ? bound : Math.max(x, -bound);
  return Math.round(c / step) * step;
}

interface EqLayer {
  plan: LayerPlan;
  rho: EqPropRho;
  xbar: CrossbarLayer;
  /** Float master weights (k×n) and bias (n), and the update direction written by `gradient`. */
  w: Float32Array;
  b: Float32Array;
  gw: Float32Array;
  gb: Float32Array;
  /** States of the free phase and of the two nudged phases (maxBatch×n each). */
  free: Float32Array;
  plus: Float32Array;
  minus: Float32Array;
  /** Pre-activation scratch (maxBatch×n). */
  pre: Float32Array;
}

/** The layered EqProp network on crossbars: settling, the EqProp update, programming. */
export class EqPropNetwork {
  readonly layers: EqLayer[];
  /** Largest |Δs| of the last iteration of the last phase (the fixed-point residual). */
  lastResidual = 0;
  /** x·W_1 as read once for the current batch (maxBatch×n_1), without bias. */
  private readonly inputProjection: Float32Array;
  private readonly target: Float32Array;
  private readonly scratch: { aq: Float32Array; partial: Float32Array; alpha: Float32Array };

  constructor(
    plans: LayerPlan[],
    readonly settings: EqPropSettings,
    readonly maxBatch: number,
    private readonly kernels: Kernels,
    initRng: Rng,
    stuckRng: Rng,
  ) {
    if (plans.length === 0) throw new Error('equilibrium_prop: the network has no weight layer.');
    let widest = 0;
    this.layers = plans.map((plan, l) => {
      if (plan.kind !== 'dense') {
        throw new Error(
          `equilibrium_prop: layer "${plan.name}" is ${plan.kind}; this learner settles dense layers only.`,
        );
      }
      const { inputs: k, units: n } = plan;
      widest = Math.max(widest, k, n);
      const w = new Float32Array(k * n);
      // Glorot uniform, as Scellier & Bengio: U(±√(6/(k+n))).
      const a = Math.sqrt(6 / (k + n));
      for (let i = 0; i < w.length; i++) w[i] = (2 * initRng.uniform() - 1) * a;
      return {
        plan,
        rho: settings.rho?.[l] ?? rhoForActivation(plan.activation),
        xbar: new CrossbarLayer(plan, maxBatch, kernels, stuckRng),
        w,
        b: new Float32Array(n),
        gw: new Float32Array(k * n),
        gb: new Float32Array(n),
        free: new Float32Array(maxBatch * n),
        plus: new Float32Array(maxBatch * n),
        minus: new Float32Array(maxBatch * n),
        pre: new Float32Array(maxBatch * n),
      };
    });
    this.inputProjection = new Float32Array(maxBatch * plans[0]!.units);
    this.target = new Float32Array(maxBatch * plans[plans.length - 1]!.units);
    this.scratch = {
      aq: new Float32Array(maxBatch * widest),
      partial: new Float32Array(maxBatch * widest),
      alpha: new Float32Array(maxBatch),
    };
  }

  get classes(): number {
    return this.layers[this.layers.length - 1]!.plan.units;
  }

  /** Writes every layer's master weights to its devices (one programming, fresh noise). */
  program(rng: Rng): void {
    for (const L of this.layers) L.xbar.program(L.w, rng);
  }

  /** One read of x·W_1 for the batch; every phase of this batch reuses it. */
  readInput(x: Float32Array, m: number, readRng: Rng): void {
    this.layers[0]!.xbar.forward(x, m, this.inputProjection, readRng);
  }

  /** Sets the one-hot targets of the batch. */
  setTargets(labels: Uint8Array, m: number): void {
    const c = this.classes;
    this.target.fill(0, 0, m * c);
    for (let i = 0; i < m; i++) this.target[i * c + labels[i]!] = 1;
  }

  /**
   * Settles the states in `which` for `steps` iterations with nudging β (0 = free phase). The
   * states start from their current contents. readInput (and setTargets when β ≠ 0) come first.
   */
  settle(which: 'free' | 'plus' | 'minus', m: number, steps: number, beta: number, readRng: Rng): void {
    const { layers, kernels, scratch } = this;
    const L = layers.length;
    let residual = 0;
    for (let step = 0; step < steps; step++) {
      residual = 0;
      for (let l = 0; l < L; l++) {
        const layer = layers[l]!;
        const n = layer.plan.units;
        const pre = layer.pre;
        const s = layer[which];
        if (l === 0) pre.set(this.inputProjection.subarray(0, m * n));
        else layer.xbar.forward(layers[l - 1]![which], m, pre, readRng);
        if (l + 1 < L) {
          const above = layers[l + 1]!;
          readTransposed(above.xbar, kernels, above[which], m, pre, readRng, scratch, true);
        }
        const b = layer.b;
        if (layer.plan.bias) {
          for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) pre[i * n + j]! += b[j]!;
        }
        if (l === L - 1 && beta !== 0) {
          const t = this.target;
          for (let i = 0; i < m * n; i++) pre[i]! += beta * (t[i]! - s[i]!);
        }
        // ρ into pre, then measure the change and store (no extra buffer).
        applyRho(layer.rho, pre, pre, m * n);
        for (let i = 0; i < m * n; i++) {
          const d = Math.abs(pre[i]! - s[i]!);
          if (d > residual) residual = d;
          s[i] = pre[i]!;
        }
      }
    }
    this.lastResidual = residual;
  }

  /** Free phase from s = 0: reads x·W_1 once, then settles. Leaves the outputs in the last layer's `free`. */
  freePhase(x: Float32Array, m: number, readRng: Rng): Float32Array {
    this.readInput(x, m, readRng);
    for (const layer of this.layers) layer.free.fill(0, 0, m * layer.plan.units);
    this.settle('free', m, this.settings.freeSteps, 0, readRng);
    return this.layers[this.layers.length - 1]!.free;
  }

  /**
   * After freePhase on the same batch: the nudged phase(s), then the EqProp update direction into
   * every layer's gw/gb, as a gradient to descend (−ΔW), averaged over the batch and scaled by the
   * layer's learning-rate multiplier. `signRng` draws β's sign for 'random_sign'.
   */
  gradient(x: Float32Array, labels: Uint8Array, m: number, beta: number, readRng: Rng, signRng: Rng): void {
    const { layers, settings } = this;
    this.setTargets(labels, m);
    let bPlus = beta;
    if (settings.nudging === 'random_sign' && signRng.uniform() < 0.5) bPlus = -beta;
    for (const layer of layers) layer.plus.set(layer.free.subarray(0, m * layer.plan.units));
    this.settle('plus', m, settings.nudgeSteps, bPlus, readRng);
    let second: 'free' | 'minus' = 'free';
    let span = bPlus; // β₁ − β₂ of the two states compared
    if (settings.nudging === 'symmetric') {
      for (const layer of layers) layer.minus.set(layer.free.subarray(0, m * layer.plan.units));
      this.settle('minus', m, settings.nudgeSteps, -beta, readRng);
      second = 'minus';
      span = 2 * beta;
    }
    const L = layers.length;
    for (let l = 0; l < L; l++) {
      const layer = layers[l]!;
      const { inputs: k, units: n } = layer.plan;
      const scale = this.lrScale(l);
      // gradient = −(scale/(span·m))·(s_{l−1}^a ᵀ s_l^a − s_{l−1}^b ᵀ s_l^b)
      const c = -scale / (span * m);
      const a = layer.plus;
      const bState = layer[second];
      if (l === 0) {
        // The input is clamped: xᵀ(s^a − s^b), one product. `pre` holds the difference.
        const d = layer.pre;
        for (let i = 0; i < m * n; i++) d[i] = a[i]! - bState[i]!;
        this.kernels.gemmTN(m, n, k, x, k, d, n, layer.gw, n, false);
      } else {
        const below = layers[l - 1]!;
        const d = layer.pre;
        for (let i = 0; i < m * n; i++) d[i] = -bState[i]!;
        this.kernels.gemmTN(m, n, k, below.plus, k, a, n, layer.gw, n, false);
        this.kernels.gemmTN(m, n, k, below[second], k, d, n, layer.gw, n, true);
      }
      const gw = layer.gw;
      for (let i = 0; i < k * n; i++) gw[i]! *= c;
      const gb = layer.gb;
      gb.fill(0);
      if (layer.plan.bias) {
        for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) gb[j]! += a[i * n + j]! - bState[i * n + j]!;
        for (let j = 0; j < n; j++) gb[j]! *= c;
      }
    }
  }

  lrScale(l: number): number {
    return this.settings.layerLrScale?.[l] ?? 2 ** (this.layers.length - 1 - l);
  }
}

/** Cost C = ½‖t − s_L‖² summed over the batch, and argmax accuracy, of the free-phase outputs. */
export function squaredErrorResult(out: Float32Array, labels: Uint8Array, m: number, c: number): BatchResult {
  let loss = 0;
  let correct = 0;
  for (let i = 0; i < m; i++) {
    const row = i * c;
    let arg = 0;
    for (let j = 0; j < c; j++) {
      const d = (j === labels[i] ? 1 : 0) - out[row + j]!;
      loss += 0.5 * d * d;
      if (out[row + j]! > out[row + arg]!) arg = j;
    }
    if (arg === labels[i]) correct++;
  }
  return { loss, correct };
}

/** The learner with explicit settings (tests and experiment scripts); the registry uses the defaults. */
export function createEqPropLearnerWith(settings: Partial<EqPropSettings>): LearnerFactory {
  return (ctx: LearnerContext) => eqPropLearner(ctx, { ...EQPROP_DEFAULTS, ...settings });
}

/** The learner of rule equilibrium_prop: the defaults, with what the DSL's train block sets. */
export const createEqPropLearner: LearnerFactory = (ctx) =>
  eqPropLearner(ctx, { ...EQPROP_DEFAULTS, ...ctx.plan.eqprop });

/** Rng stream ids of this learner (types.ts: learners use ids from 100 up). */
export const EQPROP_STREAMS = { betaSign: 110 } as const;

function eqPropLearner(ctx: LearnerContext, settings: EqPropSettings): Learner {
  const { plan, kernels, maxBatch } = ctx;
  const layers = weightLayersOf(plan);
  const net = new EqPropNetwork(
    layers,
    settings,
    maxBatch,
    kernels,
    rngFor(plan, 'init'),
    rngFor(plan, 'stuck'),
  );
  const optimizer = createOptimizer(plan.optimizer);
  const programRng = rngFor(plan, 'program');
  const readRng = rngFor(plan, 'read');
  const signRng = rngFor(plan, EQPROP_STREAMS.betaSign);
  const evalProgramRng = rngFor(plan, 'evalProgram');
  const evalReadRng = rngFor(plan, 'evalRead');
  let residualSum = 0;
  let residualCount = 0;
  return {
    trainBatch(x, labels, m, lr) {
      net.program(programRng);
      const out = net.freePhase(x, m, readRng);
      residualSum += net.lastResidual;
      residualCount++;
      const r = squaredErrorResult(out, labels, m, net.classes);
      net.gradient(x, labels, m, plan.beta, readRng, signRng);
      optimizer.beginStep(lr);
      net.layers.forEach((L, li) => {
        optimizer.step(2 * li, L.w, L.gw);
        if (L.plan.bias) optimizer.step(2 * li + 1, L.b, L.gb);
      });
      return r;
    },
    deploy() {
      net.program(evalProgramRng);
    },
    inferBatch(x, labels, m) {
      const out = net.freePhase(x, m, evalReadRng);
      return squaredErrorResult(out, labels, m, net.classes);
    },
    epochMetrics() {
      const mean = residualCount > 0 ? residualSum / residualCount : 0;
      residualSum = 0;
      residualCount = 0;
      return { free_phase_residual: mean };
    },
  };
}

function weightLayersOf(plan: TrainingPlan): LayerPlan[] {
  for (const s of plan.layers) {
    if (!isWeightLayer(s)) {
      throw new Error(
        `equilibrium_prop: stage "${s.name}" (${s.kind}) is not supported; use a stack of dense layers.`,
      );
    }
  }
  return plan.layers.filter(isWeightLayer);
}
