// The RF spintronic synapse: a magnetic-tunnel-junction resonator rectifies the RF power it
// receives (spin-diode effect), V_DC = W(f_RF − f_res)·P_RF, and resonators in series on one DC
// line add their voltages, so a chain computes U_j = Σ_i P_RF^i·W(f_RF^i − f_res^{ji}) by frequency
// multiplexing (seed 003; Leroux et al., Phys. Rev. Applied 15:034067, 2021; Ross et al.,
// Nat. Nanotechnol. 18:1273, 2023). Pure functions; the learner is rules/rf.ts.
//
// Line shape (docs/engine-rf.md). The spin-diode voltage near resonance is the sum of a symmetric
// Lorentzian and an antisymmetric (dispersive) Lorentzian in u = (f_RF − f_res)/Δ (Tulapurkar et
// al., Nature 438:339, 2005; Sankey et al., Nat. Phys. 4:67, 2008: the in-plane spin torque gives
// the symmetric part, the field-like torque the antisymmetric one):
//   W(u) = A·[ s·1/(1 + u²) + (1 − s)·2u/(1 + u²) ]
// Both parts peak at magnitude 1: the symmetric one at u = 0, the antisymmetric one at u = ±1.
// Default s = 0 (purely antisymmetric): the weight then changes sign across the resonance, which
// is how Leroux et al. (Neuromorph. Comput. Eng. 1:011001, 2021) get "tunable positive and
// negative synaptic weights" from one junction; a symmetric line gives only one sign.
// Δ is the half width at half maximum: we read the DSL's `linewidth` as the full width (FWHM),
// so Δ = linewidth / 2, and the 2–4 GHz band over a 40 MHz linewidth holds ~50 channels.
// Amplitude A: the rectification sensitivity (V/W). We normalise it to 1 and put the scale in
// the readout gain of the layer (rules/rf.ts); measured MTJ spin-diode sensitivities range from
// ~1 V/W (Tulapurkar 2005, unbiased) to ~10⁴ V/W (Miwa et al., Nat. Mater. 13:50, 2014, biased).
import type { ResonatorModel } from '../ir/model';

/** How a resonator turns RF power into DC voltage. */
export interface LineShape {
  /** Half width at half maximum Δ (Hz). */
  halfWidth: number;
  /** Weight s ∈ [0, 1] of the symmetric Lorentzian; the antisymmetric part has 1 − s. */
  symmetric: number;
  /** Rectification sensitivity A (V/W); 1 = normalised. */
  amplitude: number;
}

/** Default fraction of symmetric Lorentzian: 0, purely antisymmetric (signed weights, see above). */
export const DEFAULT_SYMMETRIC_FRACTION = 0;

/** The line shape of a device: Δ = linewidth/2 (linewidth read as FWHM), normalised amplitude. */
export function lineShapeOf(
  model: ResonatorModel,
  symmetric = DEFAULT_SYMMETRIC_FRACTION,
  amplitude = 1,
): LineShape {
  if (!(model.linewidth > 0)) throw new Error(`resonator linewidth must be > 0 Hz, got ${model.linewidth}`);
  if (!(model.fResMax > model.fResMin)) throw new Error('resonator f_res range must have f_max > f_min');
  if (!(symmetric >= 0 && symmetric <= 1))
    throw new Error(`symmetric fraction must be in [0, 1], got ${symmetric}`);
  return { halfWidth: model.linewidth / 2, symmetric, amplitude };
}

/** Normalised response w(u) = s/(1+u²) + (1−s)·2u/(1+u²), u = (f_RF − f_res)/Δ; |w| ≤ 1. */
export function shape(u: number, s: number): number {
  const d = 1 / (1 + u * u);
  return (s + (1 - s) * 2 * u) * d;
}

/** dw/du of `shape`: s·(−2u)/(1+u²)² + (1−s)·2(1−u²)/(1+u²)². */
export function shapeSlope(u: number, s: number): number {
  const d = 1 / (1 + u * u);
  return (-2 * s * u + 2 * (1 - s) * (1 - u * u)) * d * d;
}

/** Rectified DC voltage of one resonator: V_DC = P_RF·W(f_RF − f_res), in V for P_RF in W. */
export function rectifiedVoltage(fRF: number, fRes: number, pRF: number, ls: LineShape): number {
  return ls.amplitude * pRF * shape((fRF - fRes) / ls.halfWidth, ls.symmetric);
}

/** ∂V_DC/∂f_res (V/Hz): moving f_res up moves u = (f_RF − f_res)/Δ down, hence the minus sign. */
export function dVoltageDfRes(fRF: number, fRes: number, pRF: number, ls: LineShape): number {
  return (-ls.amplitude * pRF * shapeSlope((fRF - fRes) / ls.halfWidth, ls.symmetric)) / ls.halfWidth;
}

/**
 * DC voltage of one chain of resonators in series, U = Σ_i V_DC^i.
 * Without crosstalk (the seed's formula) resonator i rectifies only its own carrier i:
 * U = Σ_i P_RF^i·W(f_RF^i − f_res^i). With crosstalk every resonator of the chain rectifies every
 * carrier on the line: U = Σ_i Σ_i' P_RF^i'·W(f_RF^i' − f_res^i).
 */
export function chainVoltage(
  pRF: ArrayLike<number>,
  fRF: ArrayLike<number>,
  fRes: ArrayLike<number>,
  ls: LineShape,
  crosstalk: boolean,
): number {
  let u = 0;
  for (let i = 0; i < fRes.length; i++) {
    if (!crosstalk) u += rectifiedVoltage(fRF[i]!, fRes[i]!, pRF[i]!, ls);
    else for (let q = 0; q < pRF.length; q++) u += rectifiedVoltage(fRF[q]!, fRes[i]!, pRF[q]!, ls);
  }
  return u;
}

/**
 * How k inputs share the band. One RF line carries at most `channels` carriers, evenly spaced over
 * [f_min, f_max] at the centres of `channels` equal slots; input i uses carrier i mod channels on
 * sub-chain ⌊i / channels⌋ (each sub-chain has its own RF line; all sub-chains of an output are in
 * series on its DC line, so their voltages add). Default channels = ⌊band / linewidth⌋: carriers one
 * FWHM apart, the closest spacing at which neighbouring resonances are still told apart (50 for the
 * 2–4 GHz band at 40 MHz).
 */
export interface ChannelPlan {
  channels: number;
  subChains: number;
  /** Carrier of each channel (Hz). */
  carriers: Float64Array;
  /** Carrier spacing (Hz). */
  spacing: number;
}

export function defaultChannels(model: ResonatorModel): number {
  return Math.max(1, Math.floor((model.fResMax - model.fResMin) / model.linewidth));
}

export function channelPlan(inputs: number, model: ResonatorModel, channels?: number): ChannelPlan {
  const c = Math.max(1, Math.min(inputs, channels ?? defaultChannels(model)));
  const spacing = (model.fResMax - model.fResMin) / c;
  const carriers = new Float64Array(c);
  for (let q = 0; q < c; q++) carriers[q] = model.fResMin + (q + 0.5) * spacing;
  return { channels: c, subChains: Math.ceil(inputs / c), carriers, spacing };
}

/** Carrier frequency (Hz) of input i. */
export function carrierOf(plan: ChannelPlan, i: number): number {
  return plan.carriers[i % plan.channels]!;
}

/**
 * A layer of chains in normalised frequency ν = (f − f_min)/Δ: k inputs (rows), n chains
 * (columns); resonator (i, j) is f_res^{ji}. The trainer works in these units so that learning
 * rates are dimensionless (a step of 1 moves f_res by one half-linewidth).
 */
export interface ChainLayerGeometry {
  k: number;
  n: number;
  channels: number;
  /** Carrier of each channel, in ν units. */
  carrierNu: Float32Array;
  /** Upper end of the band in ν units ((f_max − f_min)/Δ); the lower end is 0. */
  bandNu: number;
  symmetric: number;
  crosstalk: boolean;
}

export function chainGeometry(
  k: number,
  n: number,
  model: ResonatorModel,
  options: { channels?: number; symmetric?: number; crosstalk?: boolean } = {},
): ChainLayerGeometry {
  const ls = lineShapeOf(model, options.symmetric ?? DEFAULT_SYMMETRIC_FRACTION);
  const cp = channelPlan(k, model, options.channels);
  const carrierNu = new Float32Array(cp.channels);
  for (let q = 0; q < cp.channels; q++) carrierNu[q] = (cp.carriers[q]! - model.fResMin) / ls.halfWidth;
  return {
    k,
    n,
    channels: cp.channels,
    carrierNu,
    bandNu: (model.fResMax - model.fResMin) / ls.halfWidth,
    symmetric: ls.symmetric,
    crosstalk: options.crosstalk ?? false,
  };
}

/**
 * The effective weight matrix of a layer of chains (k×n, row-major like nu): W_eff[i'][j] is the
 * DC voltage chain j adds per unit of power on input i'. Without crosstalk
 * W_eff[i][j] = w(ν_c(i) − ν[i][j]); with crosstalk W_eff[i'][j] = Σ_{i in sub-chain of i'}
 * w(ν_c(i') − ν[i][j]). Then U = X·W_eff is one GEMM.
 */
export function effectiveWeights(nu: Float32Array, g: ChainLayerGeometry, out: Float32Array): void {
  const { k, n, channels: C, carrierNu, symmetric: s } = g;
  if (!g.crosstalk) {
    for (let i = 0; i < k; i++) {
      const c = carrierNu[i % C]!;
      const row = i * n;
      for (let j = 0; j < n; j++) {
        out[row + j] = shape(c - nu[row + j]!, s);
      }
    }
    return;
  }
  out.fill(0, 0, k * n);
  for (let r0 = 0; r0 < k; r0 += C) {
    const r1 = Math.min(k, r0 + C);
    for (let i = r0; i < r1; i++) {
      const rowI = i * n;
      for (let q = r0; q < r1; q++) {
        const c = carrierNu[q - r0]!;
        const rowQ = q * n;
        for (let j = 0; j < n; j++) {
          out[rowQ + j]! += shape(c - nu[rowI + j]!, s);
        }
      }
    }
  }
}

/**
 * Chain rule from dL/dW_eff (k×n) to dL/dν (k×n): dL/dν[i][j] = Σ_{i'} dL/dW_eff[i'][j]·∂W_eff[i'][j]/∂ν[i][j],
 * with ∂w(ν_c − ν)/∂ν = −w'(u). The sum over i' is just i' = i without crosstalk, else the
 * sub-chain of i.
 */
export function resonanceGradient(
  gradW: Float32Array,
  nu: Float32Array,
  g: ChainLayerGeometry,
  out: Float32Array,
): void {
  const { k, n, channels: C, carrierNu, symmetric: s } = g;
  if (!g.crosstalk) {
    for (let i = 0; i < k; i++) {
      const c = carrierNu[i % C]!;
      const row = i * n;
      for (let j = 0; j < n; j++) {
        out[row + j] = -gradW[row + j]! * shapeSlope(c - nu[row + j]!, s);
      }
    }
    return;
  }
  out.fill(0, 0, k * n);
  for (let r0 = 0; r0 < k; r0 += C) {
    const r1 = Math.min(k, r0 + C);
    for (let i = r0; i < r1; i++) {
      const rowI = i * n;
      for (let q = r0; q < r1; q++) {
        const c = carrierNu[q - r0]!;
        const rowQ = q * n;
        for (let j = 0; j < n; j++) {
          out[rowI + j]! -= gradW[rowQ + j]! * shapeSlope(c - nu[rowI + j]!, s);
        }
      }
    }
  }
}

/** Keeps every resonance inside the tunable band [0, bandNu] (in ν units). */
export function clipToBand(nu: Float32Array, bandNu: number): void {
  for (let i = 0; i < nu.length; i++) {
    const v = nu[i]!;
    if (v < 0) nu[i] = 0;
    else if (v > bandNu) nu[i] = bandNu;
  }
}
