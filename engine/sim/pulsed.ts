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
// dw_min and Δ⁺ − Δ⁻ = up_down·dw_min on average). aihwkit's docstring writes the symmetric
// d·dw_min·(1 + d·up_down) (difference 2·up_down·dw_min); we follow its code.
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

/** √n for the pulse counts of one train (n ≤ 32 coincidences). */
const SQRT = Float64Array.from({ length: 33 }, (_, n) => Math.sqrt(n));

/** aihwkit OneSidedUnitCell refresh thresholds (refresh_upper_thres, refresh_lower_thres). */
export const REFRESH_UPPER = 0.75;
export const REFRESH_LOWER = 0.25;

/**
 * An array of `size` pulsed weights. `w` holds the weights (normalised units); a caller may pass
 * the buffer to use (e.g. a crossbar's weight buffer, so reads see every pulse at once), and a
 * `mirror` with a transposed layout that every write also updates (for the transposed read).
 *
 * Signed devices (w_min < 0) hold one weight each. One-sided devices (w_min = 0, e.g. PCM's
 * 0..w_max) come in pairs, w = g⁺ − g⁻ (aihwkit OneSidedUnitCell): an up pulse on the weight is
 * an up (SET) pulse on g⁺, a down pulse an up pulse on g⁻. Both only grow, so a pair is refreshed
 * when its larger device passes 0.75·w_max while the smaller is above 0.25·w_max (aihwkit's
 * thresholds, checked after every update of the pair rather than every refresh_every updates):
 * both are RESET to their lower bound and |w| is rewritten onto one of them (an ideal write,
 * clipped to its bounds; aihwkit rewrites with pulses).
 */
export class PulsedArray {
  readonly w: Float32Array;
  /** Device states: = w for signed devices; g⁺ in [0, size), g⁻ in [size, 2·size) for pairs. */
  readonly g: Float32Array;
  /** Per-device parameters (length size, or 2·size for pairs). */
  readonly maxBound: Float32Array;
  readonly minBound: Float32Array;
  readonly scaleUp: Float32Array;
  readonly scaleDown: Float32Array;
  /** Devices per weight: 1 (signed) or 2 (one-sided pair). */
  readonly perWeight: 1 | 2;
  /** Pulses applied since construction (every coincidence counts). */
  pulses = 0;
  /** Pair refreshes since construction. */
  refreshes = 0;
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
    this.perWeight = params.wMin >= 0 ? 2 : 1;
    const devices = size * this.perWeight;
    this.w = storage ?? new Float32Array(size);
    this.g = this.perWeight === 1 ? this.w : new Float32Array(devices);
    this.maxBound = new Float32Array(devices);
    this.minBound = new Float32Array(devices);
    this.scaleUp = new Float32Array(devices);
    this.scaleDown = new Float32Array(devices);
    this.step = params.step;
    this.ctoc = params.ctoc;
    this.nu = params.nonlinearity;
    this.invWMax = 1 / params.wMax;
    this.invWMin = params.wMin < 0 ? 1 / params.wMin : 0;
    const p = params;
    const upBias = p.upDown > 0 ? 0 : p.upDown;
    const downBias = p.upDown > 0 ? -p.upDown : 0;
    for (let i = 0; i < devices; i++) {
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
    const n = this.size;
    if (this.perWeight === 1) {
      for (let i = 0; i < n; i++) this.g[i] = this.clip(i, target[i]!);
    } else {
      for (let i = 0; i < n; i++) {
        const v = target[i]!;
        this.g[i] = this.clip(i, Math.max(v, 0));
        this.g[i + n] = this.clip(i + n, Math.max(-v, 0));
      }
    }
    for (let i = 0; i < n; i++) this.publish(i);
  }

  /**
   * Applies `count` pulses in direction `dir` (+1 up, −1 down) to weight i; `rng` supplies the
   * cycle-to-cycle noise. Returns the new weight.
   */
  pulse(i: number, count: number, dir: number, rng: Rng): number {
    if (count <= 0) return this.w[i]!;
    this.pulses += count;
    if (this.perWeight === 1) {
      if (this.step === 'constant') {
        // The hot path of in-situ training, inlined: n pulses as one noisy step, then the clip.
        const s = dir > 0 ? this.scaleUp[i]! : this.scaleDown[i]!;
        let dw = count * s;
        if (this.ctoc > 0)
          dw += s * this.ctoc * (count < 33 ? SQRT[count]! : Math.sqrt(count)) * rng.normal();
        const v = this.g[i]! + (dir > 0 ? dw : -dw);
        const hi = this.maxBound[i]!;
        const lo = this.minBound[i]!;
        this.g[i] = v > hi ? hi : v < lo ? lo : v;
      } else {
        this.g[i] = this.stepDevice(i, this.g[i]!, count, dir, rng);
      }
      return this.publish(i);
    }
    const n = this.size;
    const dev = dir > 0 ? i : i + n;
    this.g[dev] = this.stepDevice(dev, this.g[dev]!, count, +1, rng);
    const a = this.g[i]!;
    const b = this.g[i + n]!;
    const wMax = this.params.wMax;
    if (Math.max(a, b) > REFRESH_UPPER * wMax && Math.min(a, b) > REFRESH_LOWER * wMax) {
      this.refreshes++;
      const v = a - b;
      this.g[i] = this.clip(i, Math.max(v, 0));
      this.g[i + n] = this.clip(i + n, Math.max(-v, 0));
    }
    return this.publish(i);
  }

  /** Expected size of one pulse on device `dev` at state g (no c2c noise): for tests and docs. */
  expectedStep(dev: number, g: number, dir: number): number {
    const s = dir > 0 ? this.scaleUp[dev]! : this.scaleDown[dev]!;
    if (this.step === 'constant') return s;
    if (this.step === 'soft') return dir > 0 ? s * (1 - g * this.invWMax) : s * (1 - g * this.invWMin);
    const u = (g - this.minBound[dev]!) / (this.maxBound[dev]! - this.minBound[dev]!);
    return dir > 0 ? s * Math.exp(-this.nu * (u - 0.5)) : s * Math.exp(-this.nu * (0.5 - u));
  }

  /** Fraction of devices within one mean step of a bound (saturated). */
  fractionAtBound(): number {
    let n = 0;
    const dw = this.params.dwMin;
    const devices = this.g.length;
    for (let i = 0; i < devices; i++) {
      const g = this.g[i]!;
      if (g >= this.maxBound[i]! - dw || g <= this.minBound[i]! + dw) n++;
    }
    return n / Math.max(1, devices);
  }

  /** `count` pulses on one device at state g; returns the new state (clipped after every pulse). */
  private stepDevice(dev: number, g: number, count: number, dir: number, rng: Rng): number {
    const hi = this.maxBound[dev]!;
    const lo = this.minBound[dev]!;
    const sigma = this.ctoc;
    if (this.step === 'constant') {
      const s = dir > 0 ? this.scaleUp[dev]! : this.scaleDown[dev]!;
      let dw = count * s;
      if (sigma > 0) dw += s * sigma * (count < 33 ? SQRT[count]! : Math.sqrt(count)) * rng.normal();
      g += dir > 0 ? dw : -dw;
    } else if (this.step === 'soft') {
      for (let c = 0; c < count; c++) {
        const noise = sigma > 0 ? 1 + sigma * rng.normal() : 1;
        if (dir > 0) g += this.scaleUp[dev]! * (1 - g * this.invWMax) * noise;
        else g -= this.scaleDown[dev]! * (1 - g * this.invWMin) * noise;
        g = g > hi ? hi : g < lo ? lo : g;
      }
    } else {
      const span = hi - lo;
      if (span <= 0) return g;
      const nu = this.nu;
      for (let c = 0; c < count; c++) {
        const u = (g - lo) / span;
        const noise = sigma > 0 ? 1 + sigma * rng.normal() : 1;
        if (dir > 0) g += this.scaleUp[dev]! * Math.exp(-nu * (u - 0.5)) * noise;
        else g -= this.scaleDown[dev]! * Math.exp(-nu * (0.5 - u)) * noise;
        g = g > hi ? hi : g < lo ? lo : g;
      }
    }
    return this.clip(dev, g);
  }

  private clip(dev: number, v: number): number {
    const hi = this.maxBound[dev]!;
    const lo = this.minBound[dev]!;
    return v > hi ? hi : v < lo ? lo : v;
  }

  /** Writes weight i from its device state(s) into `w` (and the mirror); returns it. */
  private publish(i: number): number {
    const w = this.perWeight === 1 ? this.g[i]! : this.g[i]! - this.g[i + this.size]!;
    this.w[i] = w;
    if (this.mirror) {
      const r = (i / this.cols) | 0;
      this.mirror[(i - r * this.cols) * this.rows + r] = w;
    }
    return this.w[i]!;
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
