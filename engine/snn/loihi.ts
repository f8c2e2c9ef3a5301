// Loihi's CUBA neuron in fixed point, bit for bit as Lava's fixed-point LIF process model
// (lava-nc/lava, src/lava/proc/lif/models.py: AbstractPyLifModelFixed.subthr_dynamics,
// .scale_bias, PyLifModelBitAcc.scale_threshold / .spiking_activation, reset_voltage; checked
// against the repository at commit b6822fbc, July 2025). Integer arithmetic only: products that
// need more than 32 bits are exact in doubles (|u| <= 2^23 times a 13-bit factor < 2^53).
// Refractoriness is not in Lava's bit-accurate model (its docstring lists it as missing); we
// apply the rule of Lava's LIFRefractory process (PyLifRefractoryModelFloat) to the integer state.
// Equations and references: docs/engine-snn-neurons.md.
import { neuronParam } from '../dsl/neuron-defaults';
import type { NeuronModel } from '../ir/model';

/** Decays are 12-bit fractions of 4096 (Lava decay_shift = 12, decay_unity = 2^12). */
export const LOIHI_DECAY_SHIFT = 12;
export const LOIHI_DECAY_UNITY = 1 << LOIHI_DECAY_SHIFT;
/** Synaptic input and threshold are MSB-aligned by 6 bits (Lava act_shift = vth_shift = 6). */
export const LOIHI_ACT_SHIFT = 6;
export const LOIHI_VTH_SHIFT = 6;
/** u and v are 24-bit (Lava uv_bitwidth = 24, max_uv_val = 2^23). */
export const LOIHI_UV_MAX = 1 << 23;
/** Loihi 1's 1-bit offsets added to du (ds_offset = 1) and dv (dm_offset = 0), as Lava sets them. */
export const LOIHI_DS_OFFSET = 1;
export const LOIHI_DM_OFFSET = 0;

/** Integer parameters of a population of Loihi CUBA neurons (Lava's LIF process fields). */
export interface LoihiCubaParams {
  /** Current decay, 12-bit (0..4095); u keeps (4096 - (du + 1))/4096 of itself per step. */
  du: number;
  /** Voltage decay, 12-bit (0..4095); v keeps (4096 - dv)/4096 of itself per step. */
  dv: number;
  /** Threshold, 17-bit unsigned; a neuron spikes when v > vth << 6. */
  vth: number;
  /** Bias mantissa, 13-bit signed (-4096..4095). */
  biasMant: number;
  /** Bias exponent (DSL 0..7; a negative exponent shifts right, as Lava's scale_bias). */
  biasExp: number;
  /** Steps after a spike during which v is held (at 0) and not integrated; 0 = none (Lava's LIF). */
  refractory: number;
}

/** The integer parameters of a loihi_cuba neuron from the IR (defaults from neuron-defaults.ts). */
export function loihiParams(neuron: NeuronModel): LoihiCubaParams {
  if (neuron.kind !== 'loihi_cuba') {
    throw new Error(`loihiParams: neuron '${neuron.name}' is ${neuron.kind}, not loihi_cuba`);
  }
  const p: LoihiCubaParams = {
    du: neuronParam(neuron, 'du'),
    dv: neuronParam(neuron, 'dv'),
    vth: neuronParam(neuron, 'vth'),
    biasMant: neuronParam(neuron, 'bias_mant'),
    biasExp: neuronParam(neuron, 'bias_exp'),
    refractory: neuronParam(neuron, 'refractory'),
  };
  checkLoihiParams(p);
  return p;
}

function checkInt(name: string, x: number, min: number, max: number): void {
  if (!Number.isInteger(x) || x < min || x > max) {
    throw new RangeError(`Loihi CUBA: ${name} must be an integer in [${min}, ${max}], got ${x}`);
  }
}

/** Throws unless every field fits Loihi's register widths (the ranges of Lava's docstring). */
export function checkLoihiParams(p: LoihiCubaParams): void {
  checkInt('du', p.du, 0, 4095);
  checkInt('dv', p.dv, 0, 4095);
  checkInt('vth', p.vth, 0, 131071);
  checkInt('bias_mant', p.biasMant, -4096, 4095);
  checkInt('bias_exp', p.biasExp, -7, 7);
  checkInt('refractory', p.refractory, 0, 2 ** 31 - 1);
}

/** bias_mant · 2^bias_exp as Lava's scale_bias: a shift left, or an arithmetic shift right. */
export function loihiEffectiveBias(biasMant: number, biasExp: number): number {
  return biasExp >= 0 ? biasMant << biasExp : biasMant >> -biasExp;
}

/**
 * x · (4096 - decay) / 4096 rounded toward zero, as Lava: sign(x) · ((|x| · f) >> 12) with the
 * product in int64. Here the product is exact in a double (< 2^36) and the division by 2^12 too.
 */
export function loihiDecay(x: number, decay: number): number {
  return Math.trunc((x * (LOIHI_DECAY_UNITY - decay)) / LOIHI_DECAY_UNITY);
}

/**
 * Lava's wrap of the current u into 24 bits, taken once: above 2^23 it loses 2^24, at or below
 * -2^23 it gains 2^24. (So u stays in (-2^23, 2^23]: exactly 2^23 is kept, as Lava keeps it.)
 */
export function loihiWrapCurrent(x: number): number {
  if (x > LOIHI_UV_MAX) return x - 2 * LOIHI_UV_MAX;
  if (x <= -LOIHI_UV_MAX) return x + 2 * LOIHI_UV_MAX;
  return x;
}

/** Lava's saturation of v: clipped to [-(2^23 - 1), 2^23 - 1]. */
export function loihiClipVoltage(x: number): number {
  const hi = LOIHI_UV_MAX - 1;
  return x > hi ? hi : x < -hi ? -hi : x;
}

/** State of a population of n Loihi CUBA neurons, in Lava's 24-bit units (inputs << 6). */
export interface LoihiState {
  u: Int32Array;
  v: Int32Array;
  /** Refractory steps left. */
  refractory: Int32Array;
  /** Spikes of the last step (0/1). */
  spikes: Uint8Array;
}

export function createLoihiState(n: number): LoihiState {
  return {
    u: new Int32Array(n),
    v: new Int32Array(n),
    refractory: new Int32Array(n),
    spikes: new Uint8Array(n),
  };
}

export function resetLoihiState(state: LoihiState): void {
  state.u.fill(0);
  state.v.fill(0);
  state.refractory.fill(0);
  state.spikes.fill(0);
}

/**
 * One time step (Lava's run_spk) for n = state.u.length neurons, in place. aIn is the integer
 * synaptic input a_in (sum of weights of the spikes that arrived), read at aIn[aInOffset + k];
 * `biasMant`, when given, overrides p.biasMant per neuron (Lava's bias_mant is per neuron).
 *   u <- wrap24( trunc0(u (4096 - du - 1) / 4096) + (a_in << 6) )
 *   v <- clip24( trunc0(v (4096 - dv) / 4096) + u + (bias_mant << bias_exp) )
 *   s  = v > vth << 6;  v <- 0 where s
 * Refractory (p.refractory = R > 0): for the R steps after a spike v is not updated (stays 0)
 * and cannot spike; u still integrates (Lava LIFRefractory: refractory_period_end < time_step).
 * Lava computes a_in << 6 on the in-port's sum, which numpy widens to the sender's 32-bit type,
 * so there is no 16-bit wrap of the shifted input here either. Returns the number of spikes.
 */
export function loihiStep(
  p: LoihiCubaParams,
  state: LoihiState,
  aIn: Int32Array | Int16Array,
  aInOffset = 0,
  biasMant?: Int32Array | Int16Array,
): number {
  const decayU = p.du + LOIHI_DS_OFFSET;
  const decayV = p.dv + LOIHI_DM_OFFSET;
  const vth = p.vth << LOIHI_VTH_SHIFT;
  const sharedBias = loihiEffectiveBias(p.biasMant, p.biasExp);
  const { u, v, refractory, spikes } = state;
  const n = u.length;
  let count = 0;
  for (let k = 0; k < n; k++) {
    const uk = loihiWrapCurrent(loihiDecay(u[k]!, decayU) + aIn[aInOffset + k]! * (1 << LOIHI_ACT_SHIFT));
    u[k] = uk;
    if (refractory[k]! > 0) {
      refractory[k] = refractory[k]! - 1;
      spikes[k] = 0;
      continue;
    }
    const bias = biasMant ? loihiEffectiveBias(biasMant[k]!, p.biasExp) : sharedBias;
    const vk = loihiClipVoltage(loihiDecay(v[k]!, decayV) + uk + bias);
    if (vk > vth) {
      spikes[k] = 1;
      count++;
      v[k] = 0;
      refractory[k] = p.refractory;
    } else {
      spikes[k] = 0;
      v[k] = vk;
    }
  }
  return count;
}
