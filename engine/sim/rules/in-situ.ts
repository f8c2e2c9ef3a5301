// In-situ training by stochastic pulse update (Gokmen & Vlasov, Front. Neurosci. 10:333, 2016;
// IBM aihwkit's pulsed RPU tile: rpu_pulsed.cpp, sparse_bit_line_maker.cpp,
// rpu_pulsed_meta_parameter.cpp). Every weight lives on a pulsed device (../pulsed.ts); nothing
// is stored in float except activations and errors.
//
// Per sample and layer:
//  forward   z = read(W·[x; 1])            (crossbar periphery: DAC, read noise, ADC; bias row)
//  backward  δx = read(Wᵀ·δz)              (the transposed read of the same devices, same periphery)
//  update    row i fires a train of BL slots, each with probability p_i = B·|x_i|; column j with
//            q_j = A·|δ_j|; device ij receives popcount(train_i & train_j) pulses in direction
//            −sign(x_i)·sign(δ_j). E[pulses] = BL·A·B·|x_i δ_j| = lr·|x_i δ_j|/dw_min, so the mean
//            update is −lr·x_i·δ_j (for a constant-step device), the SGD step.
//  A, B, BL: aihwkit update management (update_management and update_bl_management both on, its
//            defaults): k = lr·max|x|·max|δ|/dw_min; BL = min(⌈k⌉, desired_BL); A = B = √(lr/(dw_min·BL)),
//            then A ·= √(max|x|/d̃), B ·= √(d̃/max|x|), d̃ = max|δ| (scaled by BL/k when k > BL, so that
//            the x side stays unclipped and δ's probabilities clip at 1). Then p(max|x|) = q(max|δ|).
//
// Mapping: network weight = device weight in aihwkit's normalised units (weight scale 1, as in
// Gokmen & Vlasov and aihwkit's default MappingParameter.weight_scaling_omega = 0); the crossbar
// reads it in units of max(|w_min|, w_max), the device's full conductance range. The bias is a row of the
// array driven by a constant 1 (aihwkit's analog bias), updated by the same pulses. A batch of m
// samples is m pulse updates in turn (aihwkit's per-sample loop), each with the batch-mean
// gradient's scale (δ = dL/dz of the mean loss), after one forward/backward of the whole batch.
import { activate, activationGrad } from '../activations';
import { CrossbarLayer } from '../crossbar';
import type { LayerPlan } from '../plan';
import { isWeightLayer } from '../plan';
import { PulsedArray, popcount32, pulsedParams, pulseTrain } from '../pulsed';
import type { Rng } from '../rng';
import type { Learner, LearnerFactory } from './types';
import { rngFor, softmaxCrossEntropy } from './types';

/** Random streams of this learner (ids from 100 up, see rngFor). */
export const INSITU_STREAMS = { d2d: 110, c2c: 111, trains: 112 } as const;

interface InSituLayer {
  plan: LayerPlan;
  /** Inputs including the bias row. */
  kIn: number;
  n: number;
  fwd: CrossbarLayer;
  /** Transposed read (n inputs → kIn outputs); null for the first layer (no error to send back). */
  bwd: CrossbarLayer | null;
  devices: PulsedArray;
  /** Augmented input [x; 1] (maxBatch × kIn), pre-activation, activation, δz, δ(input). */
  xa: Float32Array;
  z: Float32Array;
  a: Float32Array;
  dz: Float32Array;
  dxa: Float32Array;
}

/** A copy of the layer plan whose tile covers `inputs` × `units` (row/column blocks recomputed). */
function resizedPlan(plan: LayerPlan, inputs: number, units: number): LayerPlan {
  const tile = {
    ...plan.tile,
    rowBlocks: Math.ceil(inputs / plan.tile.rows),
    colBlocks: Math.ceil(units / plan.tile.cols),
  };
  return { ...plan, inputs, units, tile };
}

/** aihwkit update management: pulse-train length and the probability scales of x and δ. */
export interface PulsePlan {
  /** Pulse slots BL (0 = no update). */
  bl: number;
  /** Probability per slot of row i is bX·|x_i|, of column j aD·|δ_j| (both clipped to 1). */
  bX: number;
  aD: number;
}

/**
 * aihwkit PulsedUpdateMetaParameter::performUpdateManagement with update_management and
 * update_bl_management on: k = lr·xMax·dMax/dw_min, BL = min(⌈k⌉, desiredBL),
 * A = B = √(lr/(dw_min·BL)); then d̃ = dMax (times BL/k when k > BL) and A·√(xMax/d̃) scales δ,
 * B·√(d̃/xMax) scales x. So BL·bX·aD = lr/dw_min: E[coincidences] = lr·|x_i·δ_j|/dw_min.
 */
export function planPulses(
  lr: number,
  xMax: number,
  dMax: number,
  dwMin: number,
  desiredBL: number,
  out: PulsePlan = { bl: 0, bX: 0, aD: 0 },
): PulsePlan {
  if (!(lr > 0) || xMax === 0 || dMax === 0) {
    out.bl = 0;
    out.bX = 0;
    out.aD = 0;
    return out;
  }
  const kVal = (lr * xMax * dMax) / dwMin;
  const bl = Math.min(Math.max(1, Math.ceil(kVal)), desiredBL);
  const dVal = kVal > bl ? (dMax * bl) / kVal : dMax;
  const base = Math.sqrt(lr / (dwMin * bl));
  out.bl = bl;
  out.bX = base * Math.sqrt(dVal / xMax);
  out.aD = base * Math.sqrt(xMax / dVal);
  return out;
}

/** Reusable buffers of one pulse update: the trains (masks and signs) of the active columns. */
export class UpdateScratch {
  readonly colIdx: Int32Array;
  readonly colMask: Int32Array;
  readonly colSign: Int8Array;
  /** The update management result of the current update. */
  readonly plan: PulsePlan = { bl: 0, bX: 0, aD: 0 };
  constructor(maxCols: number) {
    this.colIdx = new Int32Array(maxCols);
    this.colMask = new Int32Array(maxCols);
    this.colSign = new Int8Array(maxCols);
  }
}

/**
 * One stochastic pulse update (aihwkit's pulsed update, StochasticCompressed trains) of the
 * rows × cols array `devices` with input x[xOff .. xOff + rows) and error d[dOff .. dOff + cols):
 * row i fires a train with probability bX·|x_i| per slot, column j with aD·|δ_j|; device ij gets
 * popcount(train_i & train_j) pulses in direction −sign(x_i·δ_j). Allocates nothing.
 */
export function pulseUpdate(
  devices: PulsedArray,
  x: Float32Array,
  xOff: number,
  d: Float32Array,
  dOff: number,
  lr: number,
  desiredBL: number,
  trainRng: Rng,
  c2cRng: Rng,
  scratch: UpdateScratch,
): void {
  const { rows, cols: n } = devices;
  let xMax = 0;
  for (let i = 0; i < rows; i++) {
    const v = Math.abs(x[xOff + i]!);
    if (v > xMax) xMax = v;
  }
  let dMax = 0;
  for (let j = 0; j < n; j++) {
    const v = Math.abs(d[dOff + j]!);
    if (v > dMax) dMax = v;
  }
  const { bl, bX, aD } = planPulses(lr, xMax, dMax, devices.params.dwMin, desiredBL, scratch.plan);
  if (bl === 0) return;
  const { colIdx, colMask, colSign } = scratch;
  let cols = 0;
  for (let j = 0; j < n; j++) {
    const v = d[dOff + j]!;
    if (v === 0) continue;
    const mask = pulseTrain(aD * Math.abs(v), bl, trainRng);
    if (mask === 0) continue;
    colIdx[cols] = j;
    colMask[cols] = mask;
    colSign[cols] = v > 0 ? 1 : -1;
    cols++;
  }
  if (cols === 0) return;
  for (let i = 0; i < rows; i++) {
    const v = x[xOff + i]!;
    if (v === 0) continue; // MNIST inputs are ~81% zeros: no train, no work
    const mask = pulseTrain(bX * Math.abs(v), bl, trainRng);
    if (mask === 0) continue;
    const xs = v > 0 ? 1 : -1;
    const row = i * n;
    for (let c = 0; c < cols; c++) {
      const both = mask & colMask[c]!;
      if (both === 0) continue;
      // Δw = −lr·x·δ: the pulse goes down when x and δ have the same sign.
      devices.pulse(row + colIdx[c]!, popcount32(both), -xs * colSign[c]!, c2cRng);
    }
  }
}

export const createInSituLearner: LearnerFactory = (ctx) => {
  const { plan, kernels, maxBatch } = ctx;
  const stages = plan.layers;
  for (const s of stages) {
    if (s.kind !== 'dense') {
      throw new Error(
        `in_situ: layer "${s.name}" is ${s.kind}; stochastic pulse training supports dense layers only.`,
      );
    }
  }
  const plans = stages.filter(isWeightLayer);
  if (plan.pulseLength > 32) {
    throw new Error(`in_situ: pulse_length ${plan.pulseLength} exceeds 32 (one 32-bit train per line).`);
  }
  if (plan.optimizer.momentum > 0 || plan.optimizer.kind !== 'sgd') {
    ctx.log(
      'warn',
      'in_situ: the pulsed update is plain SGD on the devices; momentum and Adam settings are ignored.',
    );
  }
  const initRng = rngFor(plan, 'init');
  const stuckRng = rngFor(plan, 'stuck');
  const d2dRng = rngFor(plan, INSITU_STREAMS.d2d);
  const c2cRng = rngFor(plan, INSITU_STREAMS.c2c);
  const trainRng = rngFor(plan, INSITU_STREAMS.trains);
  const readRng = rngFor(plan, 'read');
  const evalReadRng = rngFor(plan, 'evalRead');
  const desiredBL = plan.pulseLength;

  const layers: InSituLayer[] = plans.map((p, l) => {
    const params = pulsedParams(p.device);
    const kIn = p.inputs + (p.bias ? 1 : 0);
    const n = p.units;
    const fwd = new CrossbarLayer(resizedPlan(p, kIn, n), maxBatch, kernels, stuckRng);
    const bwd = l === 0 ? null : new CrossbarLayer(resizedPlan(p, n, kIn), maxBatch, kernels, stuckRng);
    // The crossbar reads in units of the device's full range (its g_max); see the header.
    const range = Math.max(-params.wMin, params.wMax);
    fwd.array.wMax = range;
    if (bwd) bwd.array.wMax = range;
    const devices = new PulsedArray(params, kIn, n, d2dRng, fwd.weights, bwd ? bwd.weights : null);
    // Initial weights as the backprop learner draws them (He for ReLU, else Xavier), bias 0, set
    // ideally and clipped to each device's bounds (aihwkit set_weights).
    const init = new Float32Array(kIn * n);
    const std = p.activation === 'relu' ? Math.sqrt(2 / p.inputs) : Math.sqrt(2 / (p.inputs + n));
    for (let i = 0; i < p.inputs * n; i++) init[i] = std * initRng.normal();
    devices.setWeights(init);
    return {
      plan: p,
      kIn,
      n,
      fwd,
      bwd,
      devices,
      xa: new Float32Array(maxBatch * kIn),
      z: new Float32Array(maxBatch * n),
      a: new Float32Array(maxBatch * n),
      dz: new Float32Array(maxBatch * n),
      dxa: new Float32Array(l === 0 ? 0 : maxBatch * kIn),
    };
  });
  const last = layers[layers.length - 1]!;
  const classes = last.n;
  const grad = new Float32Array(maxBatch * classes);
  const scratch = new UpdateScratch(Math.max(...layers.map((L) => L.n)));

  function forward(x: Float32Array, m: number, rng: Rng): Float32Array {
    let input = x;
    let width = plans[0]!.inputs;
    for (const L of layers) {
      const k = L.plan.inputs;
      if (k !== width) throw new Error('in_situ: layer widths do not chain.');
      // [x; 1] row by row, without a subarray view per sample.
      const xa = L.xa;
      for (let i = 0; i < m; i++) {
        const src = i * k;
        const dst = i * L.kIn;
        for (let p = 0; p < k; p++) xa[dst + p] = input[src + p]!;
        if (L.plan.bias) xa[dst + k] = 1;
      }
      L.fwd.forward(L.xa, m, L.z, rng);
      activate(L.plan.activation, L.z, L.a, m * L.n);
      input = L.a;
      width = L.n;
    }
    return last.a;
  }

  let pulsesAtEpochStart = 0;
  let samplesInEpoch = 0;

  const learner: Learner = {
    trainBatch(x, labels, m, lr) {
      const logits = forward(x, m, readRng);
      const r = softmaxCrossEntropy(logits, labels, m, classes, grad);
      let upstream: Float32Array = grad;
      for (let l = layers.length - 1; l >= 0; l--) {
        const L = layers[l]!;
        activationGrad(L.plan.activation, upstream, L.z, L.a, L.dz, m * L.n);
        if (L.bwd) {
          // Error to the previous layer through the transposed read, before this layer changes.
          L.bwd.forward(L.dz, m, L.dxa, readRng);
          const k = L.plan.inputs;
          // Compact m × kIn to m × k (drop the bias row's output) in place, into prev's upstream.
          for (let i = 0; i < m; i++) L.dxa.copyWithin(i * k, i * L.kIn, i * L.kIn + k);
          upstream = L.dxa;
        }
        for (let s = 0; s < m; s++) {
          pulseUpdate(L.devices, L.xa, s * L.kIn, L.dz, s * L.n, lr, desiredBL, trainRng, c2cRng, scratch);
        }
      }
      samplesInEpoch += m;
      return r;
    },
    deploy() {
      // The devices already hold the trained state: in-situ training has nothing to program.
    },
    inferBatch(x, labels, m) {
      const logits = forward(x, m, evalReadRng);
      return softmaxCrossEntropy(logits, labels, m, classes, null);
    },
    epochMetrics() {
      let pulses = 0;
      let refreshes = 0;
      let atBound = 0;
      let devices = 0;
      for (const L of layers) {
        pulses += L.devices.pulses;
        refreshes += L.devices.refreshes;
        atBound += L.devices.fractionAtBound() * L.devices.g.length;
        devices += L.devices.g.length;
      }
      const perSample = samplesInEpoch > 0 ? (pulses - pulsesAtEpochStart) / samplesInEpoch : 0;
      pulsesAtEpochStart = pulses;
      samplesInEpoch = 0;
      const out: Record<string, number> = {
        pulses_per_sample: perSample,
        devices_at_bound: atBound / Math.max(1, devices),
      };
      if (layers.some((L) => L.devices.perWeight === 2)) out.pair_refreshes = refreshes;
      // ADC saturation of every read since the last epoch (training and evaluation, both
      // directions), when the tiles have ADCs.
      let conversions = 0;
      let saturations = 0;
      for (const L of layers) {
        for (const x of L.bwd ? [L.fwd, L.bwd] : [L.fwd]) {
          conversions += x.counters.adcConversions;
          saturations += x.counters.adcSaturations;
          x.resetCounters();
        }
      }
      if (conversions > 0 && layers.some((L) => L.plan.tile.adcBits > 0)) {
        out.adc_saturation = saturations / conversions;
      }
      return out;
    },
  };
  return learner;
};
