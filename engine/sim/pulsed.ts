// Pulsed-update device arrays after IBM aihwkit's PulsedDevice family (src/rpucuda/
// rpu_pulsed_device.cpp, rpu_constantstep_device.cpp, rpu_linearstep_device.cpp (SoftBounds),
// rpu_expstep_device.cpp). One element per cross-point; weights in aihwkit's normalised units.
//
// Per device i, drawn once per run from a seeded Rng (aihwkit PulsedRPUDevice::populate):
//   bounds      w_max_i = w_max·(1 + dtod·ξ),  w_min_i = w_min·(1 + dtod·ξ)
//               (enforce_consistency: w_max_i = |·|, w_min_i = −|·|; min > max swaps them)
//   step gain   g_i = 1 + dtod·ξ,  up/down spread r_i = up_down_dtod·ξ
//   step sizes  Δ⁺_i = |(up_bias + g_i + r_i)|·dw_min,  Δ⁻_i = |(down_bias + g_i − r_i)|·dw_min
//               up_bias = min(up_down, 0), down_bias = −max(up_down, 0)
// so up_down > 0 makes down steps smaller (aihwkit's one-sided bias: the larger step stays
// dw_min and Δ⁺ − Δ⁻ = up_down·dw_min on average).
//
// One pulse in direction d (+1 up, −1 down), with cycle-to-cycle noise σ = ctoc (dw_min_std):
//   constant step (ConstantStepDevice):  w += d·Δᵈ_i·(1 + σ·ξ)
//   soft bounds (SoftBoundsDevice = LinearStep with slope 1, mean-bound reference, mult. noise):
//       up:   w += Δ⁺_i·(1 − w/w_max)·(1 + σξ)      down: w −= Δ⁻_i·(1 − w/w_min)·(1 + σξ)
//     i.e. the up step is Δ⁺·(w_max − w)/w_max and the down step Δ⁻·(w − w_min)/|w_min|, both
//     vanishing at the (nominal) bound.
//   exponential step (nonlinearity ν > 0; our documented simpler form of aihwkit's ExpStep):
//       u = (w − w_min_i)/(w_max_i − w_min_i) ∈ [0, 1]
//       up:   w += Δ⁺_i·e^{−ν(u − ½)}·(1 + σξ)      down: w −= Δ⁻_i·e^{−ν(½ − u)}·(1 + σξ)
//     the step is dw_min at mid-range and shrinks exponentially towards the bound it moves to
//     (PCM's SET steps are large at low conductance and saturate near the crystalline state).
// After every pulse the weight is clipped to [w_min_i, w_max_i] (aihwkit checks both bounds).
//
// n pulses on a constant-step device are applied at once: n·Δ + Δ·σ·√n·ξ is the exact sum of n
// independent noisy pulses; the clip at the end equals clipping after each pulse as long as the
// pulses of one train all go the same way (they do: one train has one sign). Soft-bounds and
// exponential steps depend on w, so their pulses are applied one by one.
import type { DeviceModel, PulsedUpdateModel } from '../ir/model';
import type { Rng } from './rng';

/** aihwkit PulsedDevice defaults (src/aihwkit/simulator/configs/devices.py). */
export const AIHWKIT_PULSED_DEFAULTS: PulsedUpdateModel = {
  dwMin: 0.001, // PulsedDevice.dw_min
  upDown: 0, // PulsedDevice.up_down
  dtod: 0.3, // PulsedDevice.dw_min_dtod (also w_max_dtod, w_min_dtod)
  ctoc: 0.3, // PulsedDevice.dw_min_std
  softBounds: false,
  nonlinearity: 0,
  wMin: -0.6, // PulsedDevice.w_min
  wMax: 0.6, // PulsedDevice.w_max
};

/**
 * Gokmen & Vlasov's RPU device (Front. Neurosci. 10:333, 2016), as aihwkit's
 * GokmenVlasovPresetDevice (ConstantStepDevice): dw_min 0.0016 (~1,200 states over ±1), 30%
 * device-to-device and 30% cycle-to-cycle spread, symmetric, w in [−1, 1]. Same values as
 * `rpu_gv` in examples/lib/devices.nfab.
 */
export const GV_UPDATE: PulsedUpdateModel = {
  dwMin: 0.0016,
  upDown: 0,
  dtod: 0.3,
  ctoc: 0.3,
  softBounds: false,
  nonlinearity: 0,
  wMin: -1,
  wMax: 1,
};

/**
 * ReRAM with soft bounds, after aihwkit's ReRamSBPresetDevice: dw_min 0.002, asymmetric bounds
 * w in [−0.75, 1.25]. The step depends on w (up dw·(1 − w/1.25), down dw·(1 + w/0.75)), so
 * positive and negative updates of the same size do not cancel: every ± pair pulls w towards the
 * symmetry point 0 by ≈ dw·w·(1/1.25 + 1/0.75). 30% d2d and c2c (PulsedDevice defaults; the preset's additive c2c 3.75 and write noise
 * are not modelled). Same values as `rram_sb` in examples/lib/devices.nfab.
 */
export const RRAM_SB_UPDATE: PulsedUpdateModel = {
  dwMin: 0.002,
  upDown: 0,
  dtod: 0.3,
  ctoc: 0.3,
  softBounds: true,
  nonlinearity: 0,
  wMin: -0.75,
  wMax: 1.25,
};

/** aihwkit PulsedDevice.up_down_dtod default (also GokmenVlasovPresetDevice): not a DSL field yet. */
export const UP_DOWN_DTOD = 0.01;

export type StepKind = 'constant' | 'soft' | 'exp';

export interface PulsedParams extends PulsedUpdateModel {
  step: StepKind;
  /** Device-to-device spread of the up/down bias (relative to dw_min). */
  upDownDtod: number;
}

/** The pulsed-update parameters of a device: its `update` block, else aihwkit's defaults. */
export function pulsedParams(device: DeviceModel): PulsedParams {
  const u = device.update ?? AIHWKIT_PULSED_DEFAULTS;
  if (!(u.dwMin > 0)) throw new Error(`device "${device.name}": dw_min must be > 0, got ${u.dwMin}.`);
  if (u.wMin > 0 || u.wMax < 0 || !(u.wMax > u.wMin)) {
    throw new Error(
      `device "${device.name}": the pulsed range [w_min, w_max] = [${u.wMin}, ${u.wMax}] must contain 0 and be non-empty.`,
    );
  }
  const step: StepKind = u.nonlinearity > 0 ? 'exp' : u.softBounds ? 'soft' : 'constant';
  return { ...u, step, upDownDtod: UP_DOWN_DTOD };
}

/** Number of set bits of a 32-bit integer (SWAR popcount). */
export function popcount32(v: number): number {
  let c = v - ((v >>> 1) & 0x55555555);
  c = (c & 0x33333333) + ((c >>> 2) & 0x33333333);
  return Math.imul((c + (c >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}

/**
 * An array of `size` pulsed devices. `w` holds their weights (normalised units); a caller may
 * pass the buffer to use (e.g. a crossbar's weight buffer, so reads see every pulse at once), and
 * a `mirror` with a transposed layout that every write also updates (for the transposed read).
 */
export class PulsedArray {
  readonly w: Float32Array;
  readonly maxBound: Float32Array;
  readonly minBound: Float32Array;
  readonly scaleUp: Float32Array;
  readonly scaleDown: Float32Array;
  /** Pulses applied since the counter was last reset (every coincidence counts). */
  pulses = 0;
  private readonly step: StepKind;
  private readonly ctoc: number;
  private readonly nu: number;
  private readonly invWMax: number;
  private readonly invWMin: number;

  /**
   * @param rows, cols  the array's shape (row-major, index = row·cols + col)
   * @param d2dRng      draws the device-to-device parameters (once, here)
   * @param storage     optional buffer for `w` (length rows·cols)
   * @param mirror      optional transposed copy (index col·rows + row) kept in step with `w`
   */
  constructor(
    readonly params: PulsedParams,
    readonly rows: number,
    readonly cols: number,
    d2dRng: Rng,
    storage?: Float32Array,
    readonly mirror: Float32Array | null = null,
  ) {
    const size = rows * cols;
    if (storage && storage.length < size) throw new Error('PulsedArray: storage is too small.');
    if (mirror && mirror.length < size) throw new Error('PulsedArray: mirror is too small.');
    this.w = storage ?? new Float32Array(size);
    this.maxBound = new Float32Array(size);
    this.minBound = new Float32Array(size);
    this.scaleUp = new Float32Array(size);
    this.scaleDown = new Float32Array(size);
    this.step = params.step;
    this.ctoc = params.ctoc;
    this.nu = params.nonlinearity;
    this.invWMax = 1 / params.wMax;
    this.invWMin = params.wMin < 0 ? 1 / params.wMin : 0;
    const p = params;
    const upBias = p.upDown > 0 ? 0 : p.upDown;
    const downBias = p.upDown > 0 ? -p.upDown : 0;
    for (let i = 0; i < size; i++) {
      // Same draw order as aihwkit's populate(): bounds, gain, up/down spread.
      let hi = p.wMax * (1 + p.dtod * d2dRng.normal());
      let lo = p.wMin * (1 + p.dtod * d2dRng.normal());
      const gain = 1 + p.dtod * d2dRng.normal();
      const r = p.upDownDtod * d2dRng.normal();
      // enforce_consistency (aihwkit default true): positive steps, bounds on either side of 0.
      if (lo > hi) [lo, hi] = [hi, lo];
      this.maxBound[i] = Math.abs(hi);
      this.minBound[i] = -Math.abs(lo);
      this.scaleUp[i] = Math.abs(upBias + gain + r) * p.dwMin;
      this.scaleDown[i] = Math.abs(downBias + gain - r) * p.dwMin;
    }
  }

  get size(): number {
    return this.rows * this.cols;
  }

  /** Sets the weights directly (aihwkit set_weights: ideal write, clipped to each device's bounds). */
  setWeights(target: ArrayLike<number>): void {
    for (let i = 0; i < this.size; i++) this.write(i, target[i]!);
  }

  /** Reads weight i (after clipping to its bounds). */
  get(i: number): number {
    return this.w[i]!;
  }

  /**
   * Applies `count` pulses in direction `dir` (+1 up, −1 down) to device i; `rng` supplies the
   * cycle-to-cycle noise. Returns the new weight.
   */
  pulse(i: number, count: number, dir: number, rng: Rng): number {
    if (count <= 0) return this.w[i]!;
    this.pulses += count;
    let w = this.w[i]!;
    const hi = this.maxBound[i]!;
    const lo = this.minBound[i]!;
    const sigma = this.ctoc;
    if (this.step === 'constant') {
      const s = dir > 0 ? this.scaleUp[i]! : this.scaleDown[i]!;
      let dw = count * s;
      if (sigma > 0) dw += s * sigma * Math.sqrt(count) * rng.normal();
      w += dir > 0 ? dw : -dw;
    } else if (this.step === 'soft') {
      for (let c = 0; c < count; c++) {
        const noise = sigma > 0 ? 1 + sigma * rng.normal() : 1;
        if (dir > 0) w += this.scaleUp[i]! * (1 - w * this.invWMax) * noise;
        else w -= this.scaleDown[i]! * (1 - w * this.invWMin) * noise;
        w = w > hi ? hi : w < lo ? lo : w;
      }
    } else {
      const span = hi - lo;
      if (span <= 0) return w;
      const nu = this.nu;
      for (let c = 0; c < count; c++) {
        const u = (w - lo) / span;
        const noise = sigma > 0 ? 1 + sigma * rng.normal() : 1;
        if (dir > 0) w += this.scaleUp[i]! * Math.exp(-nu * (u - 0.5)) * noise;
        else w -= this.scaleDown[i]! * Math.exp(-nu * (0.5 - u)) * noise;
        w = w > hi ? hi : w < lo ? lo : w;
      }
    }
    return this.write(i, w);
  }

  /** Expected size of one pulse at weight w for device i (no c2c noise): for tests and docs. */
  expectedStep(i: number, w: number, dir: number): number {
    const s = dir > 0 ? this.scaleUp[i]! : this.scaleDown[i]!;
    if (this.step === 'constant') return s;
    if (this.step === 'soft') return dir > 0 ? s * (1 - w * this.invWMax) : s * (1 - w * this.invWMin);
    const u = (w - this.minBound[i]!) / (this.maxBound[i]! - this.minBound[i]!);
    return dir > 0 ? s * Math.exp(-this.nu * (u - 0.5)) : s * Math.exp(-this.nu * (0.5 - u));
  }

  /** Fraction of devices within one mean step of a bound (saturated). */
  fractionAtBound(): number {
    let n = 0;
    const dw = this.params.dwMin;
    for (let i = 0; i < this.size; i++) {
      const w = this.w[i]!;
      if (w >= this.maxBound[i]! - dw || w <= this.minBound[i]! + dw) n++;
    }
    return n / Math.max(1, this.size);
  }

  private write(i: number, v: number): number {
    const hi = this.maxBound[i]!;
    const lo = this.minBound[i]!;
    const w = v > hi ? hi : v < lo ? lo : v;
    this.w[i] = w;
    if (this.mirror) {
      const r = (i / this.cols) | 0;
      this.mirror[(i - r * this.cols) * this.rows + r] = w;
    }
    return w;
  }
}

/**
 * Pulse trains of the stochastic update (Gokmen & Vlasov 2016; aihwkit StochasticCompressed):
 * a value fires in each of `bl` slots independently with probability p, packed as bits of a
 * uint32 (bl ≤ 32). Returns the mask.
 */
export function pulseTrain(p: number, bl: number, rng: Rng): number {
  if (p <= 0) return 0;
  if (p >= 1) return bl >= 32 ? -1 >>> 0 : ((1 << bl) - 1) >>> 0;
  let m = 0;
  for (let k = 0; k < bl; k++) if (rng.uniform() < p) m |= 1 << k;
  return m >>> 0;
}
