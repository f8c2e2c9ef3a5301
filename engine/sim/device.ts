// Device model: how a weight matrix lands on conductances, and what the array then really holds.
//
// Work is done in normalised conductance g̃ = (G − g_min)/(g_max − g_min) ∈ [0, 1]; that is exact
// (an affine change of units) and keeps siemens-sized numbers out of float32. A weight w maps to
//   differential pair:  w = w_max·(g̃⁺ − g̃⁻), one device of the pair at g_min;
//   reference column:   w = 2·w_max·(g̃ − ½), against a column held at mid-range.
// So scale = w_max/(g_max − g_min) per siemens (differential). w_max is the layer's weight clip,
// or max|w| of the layer at each programming when the tile sets none (aihwkit's weight scaling
// with omega = 1): the largest weight uses the full range and nothing is clipped.
//
// Beyond that generic model (docs/engine-devices.md has every equation and its source):
//   pcm, photonic_pcm: conductance-dependent programming noise (aihwkit PCMLikeNoiseModel);
//   mram with switchProbability < 1: a write that must flip a state fails with 1 − p, so the array
//     remembers its states between programmings;
//   drift / temp_coeff / pcm read-noise growth: age() turns the conductances of the last programming
//     into what the array holds at time t and temperature T. Only such devices keep a copy of their
//     conductances, so the training path of every other device is unchanged.
import type { DeviceModel } from '../ir/model';
import { globalDriftCompensation, temperatureFactor } from './drift';
import {
  fillNormalRng,
  fillNormalWasm,
  type Kernels,
  maxAbs,
  type ProgramBuffers,
  programBuffers,
  programNoisyWasm,
  programWasm,
  wasmNoiseSelected,
} from './kernels';
import {
  PCM_NU_REFERENCE,
  PCM_T0,
  pcmAccumulatedNoise,
  pcmNuMean,
  pcmNuStd,
  pcmProgramSigmaShape,
  pcmReadNoiseGrowth,
} from './pcm';
import type { TilePlan } from './plan';
import type { Rng } from './rng';

/** Stuck-at state of one device. */
export const STUCK_NONE = 0;
export const STUCK_GMIN = 1;
export const STUCK_GMAX = 2;

/** Devices that hold exactly what they are told (read noise is handled by the crossbar). */
export function isExactDevice(d: DeviceModel): boolean {
  return d.levels === null && d.programNoise === 0 && d.stuckAtGMin === 0 && d.stuckAtGMax === 0;
}

/** Snaps a normalised conductance to the nearest of `levels` evenly spaced values (null = continuous). */
export function quantiseConductance(g: number, levels: number | null): number {
  if (levels === null) return g;
  const steps = levels - 1;
  return Math.round(g * steps) / steps;
}

/** Draws the per-run stuck-at map: each device independently stuck at g_min, at g_max, or free. */
export function drawStuckMap(devices: number, d: DeviceModel, rng: Rng): Uint8Array | null {
  if (d.stuckAtGMin === 0 && d.stuckAtGMax === 0) return null;
  const map = new Uint8Array(devices);
  const pMin = d.stuckAtGMin;
  const pAny = d.stuckAtGMin + d.stuckAtGMax;
  for (let i = 0; i < devices; i++) {
    const u = rng.uniform();
    map[i] = u < pMin ? STUCK_GMIN : u < pAny ? STUCK_GMAX : STUCK_NONE;
  }
  return map;
}

/** Devices whose programming noise follows aihwkit's PCM polynomial in G/g_max. */
export function hasPcmProgramNoise(d: DeviceModel): boolean {
  return d.kind === 'pcm' || d.kind === 'photonic_pcm';
}

/** Devices whose held conductances change after programming (drift, temperature, 1/f growth). */
export function agesAfterProgramming(d: DeviceModel): boolean {
  return (d.drift !== undefined && d.drift.nu > 0) || (d.tempCoeff ?? 0) !== 0 || d.kind === 'pcm';
}

/** Binary devices whose writes succeed only with probability switchProbability (MTJ). */
export function hasStochasticWrites(d: DeviceModel): boolean {
  return d.kind === 'mram' && (d.switchProbability ?? 1) < 1;
}

/**
 * One weight matrix (k×n) programmed onto devices. `program` is one write of the whole array:
 * target conductances, quantised to the device's levels, plus a fresh draw of programming noise
 * N(0, program_noise) per device, clipped to [g_min, g_max]; stuck devices ignore the write.
 */
export class DeviceArray {
  /** Devices per weight: 2 for a differential pair, 1 against a reference column. */
  readonly perWeight: 1 | 2;
  readonly stuck: Uint8Array | null;
  /** w_max used by the last programming. */
  wMax = 1;
  /**
   * Multiplier of device.readNoise set by age(): PCM's 1/f read noise grows with time since
   * programming (and a global drift compensation scales it with the outputs). 1 after program().
   */
  readNoiseScale = 1;
  /** Output scale of the last age() with global drift compensation (1 without). */
  driftCompensationScale = 1;
  private readonly noise: Float32Array | null;
  /** Noise and stuck map inside the WASM kernel memory for the generic path (null: JS loop). */
  private readonly wasmBuffers: ProgramBuffers | null;
  /** The general (non-fast) programming path: PCM noise, stochastic writes or stored conductances. */
  private readonly general: boolean;
  private readonly pcmNoise: boolean;
  private readonly stochasticWrites: boolean;
  /** Normalised conductance g̃ of every device after the last programming (aging and mram only). */
  private readonly conductance: Float32Array | null;
  /** Normalised target conductance of the last programming (PCM: ν depends on it, as in aihwkit). */
  private readonly target: Float32Array | null;
  /** Binary state (0 = g_min, 1 = g_max) of every device, kept between writes that can fail. */
  private readonly state: Uint8Array | null;

  constructor(
    readonly device: DeviceModel,
    readonly size: number,
    readonly scheme: TilePlan['signedWeights'],
    readonly weightClip: number | null,
    stuckRng: Rng,
    /** Kernels whose threads may share the programming (WASM); absent: this thread alone. */
    private readonly kernels?: Kernels,
  ) {
    this.perWeight = scheme === 'differential' ? 2 : 1;
    const devices = size * this.perWeight;
    this.stuck = drawStuckMap(devices, device, stuckRng);
    this.pcmNoise = hasPcmProgramNoise(device) && device.programNoise > 0;
    this.stochasticWrites = hasStochasticWrites(device);
    const ages = agesAfterProgramming(device);
    this.general = this.pcmNoise || this.stochasticWrites || ages;
    // The generic write runs in WASM SIMD when available (it was a third of a hardware-aware
    // training step in JS); its noise then lives in the kernel memory, drawn there in place.
    this.wasmBuffers =
      this.general || isExactDevice(device)
        ? null
        : programBuffers(this, devices, device.programNoise > 0, this.stuck);
    this.noise = this.wasmBuffers?.noise ?? (device.programNoise > 0 ? new Float32Array(devices) : null);
    this.conductance = ages ? new Float32Array(devices) : null;
    this.target = ages && device.kind === 'pcm' ? new Float32Array(devices) : null;
    // MTJs start all in the g_min (antiparallel) state: a reliable block reset before first use.
    this.state = this.stochasticWrites ? new Uint8Array(devices) : null;
  }

  /** Whether the array keeps its conductances for age() (only devices that drift or feel temperature). */
  get keepsConductances(): boolean {
    return this.conductance !== null;
  }

  /** True when programming is the identity, so callers may use the weights directly. */
  get exact(): boolean {
    return isExactDevice(this.device) && this.weightClip === null && !this.general;
  }

  /** Programs `w` and writes the weights the array now holds (in weight units) into `out`. */
  program(w: Float32Array, out: Float32Array, rng: Rng): void {
    const n = this.size;
    let wMax = this.weightClip ?? 0;
    if (this.weightClip === null) {
      wMax = maxAbs(w, n); // SIMD when WebAssembly is available: this scan runs every training step
      if (wMax === 0) wMax = 1; // an all-zero layer: any scale represents it
    }
    this.wMax = wMax;
    this.readNoiseScale = 1;
    this.driftCompensationScale = 1;
    if (this.exact) {
      out.set(w.subarray(0, n));
      return;
    }
    if (this.general) {
      this.programGeneral(w, out, rng, wMax);
      return;
    }
    const { levels, programNoise } = this.device;
    if (this.wasmBuffers !== null) {
      const noise = this.wasmBuffers.noise;
      const steps = levels === null ? 0 : levels - 1;
      if (noise !== null && this.perWeight === 2 && wasmNoiseSelected()) {
        // The default for differential pairs: the draws made inside the programming kernel.
        programNoisyWasm(w, n, this.wasmBuffers, out, wMax, steps, rng, programNoise, this.kernels);
        return;
      }
      if (noise !== null) {
        // Default: the SIMD Box–Muller (fill_normal); NEUROFAB_NOISE=ziggurat: the Rng's
        // ziggurat draws, identical to the JavaScript path's.
        if (wasmNoiseSelected()) fillNormalWasm(this.wasmBuffers, rng, programNoise);
        else fillNormalRng(rng, noise, programNoise);
      }
      programWasm(this.perWeight, w, n, this.wasmBuffers, out, wMax, steps);
      return;
    }
    const noise = this.noise;
    if (noise) rng.fillNormal(noise, programNoise);
    const stuck = this.stuck;
    const inv = 1 / wMax;
    // Level quantisation inlined (quantiseConductance): this loop runs over every device at every
    // training step, so it is kept free of calls and of null checks per element.
    const steps = levels === null ? 0 : levels - 1;
    const invSteps = steps > 0 ? 1 / steps : 0;
    if (this.perWeight === 2) {
      for (let i = 0; i < n; i++) {
        let t = w[i]! * inv;
        t = t > 1 ? 1 : Math.max(t, -1);
        let gp = Math.max(t, 0);
        let gn = t < 0 ? -t : 0;
        if (steps > 0) {
          // floor(x + ½) = round(x) for x ≥ 0, and V8 compiles it to fewer instructions.
          gp = Math.floor(gp * steps + 0.5) * invSteps;
          gn = Math.floor(gn * steps + 0.5) * invSteps;
        }
        if (noise !== null) {
          gp += noise[2 * i]!;
          gn += noise[2 * i + 1]!;
          gp = gp < 0 ? 0 : Math.min(gp, 1);
          gn = gn < 0 ? 0 : Math.min(gn, 1);
        }
        if (stuck !== null) {
          const sp = stuck[2 * i]!;
          const sn = stuck[2 * i + 1]!;
          if (sp !== STUCK_NONE) gp = sp === STUCK_GMIN ? 0 : 1;
          if (sn !== STUCK_NONE) gn = sn === STUCK_GMIN ? 0 : 1;
        }
        out[i] = wMax * (gp - gn);
      }
    } else {
      for (let i = 0; i < n; i++) {
        let t = w[i]! * inv;
        t = t > 1 ? 1 : Math.max(t, -1);
        let g = 0.5 + 0.5 * t;
        if (steps > 0) g = Math.floor(g * steps + 0.5) * invSteps;
        if (noise !== null) {
          g += noise[i]!;
          g = g < 0 ? 0 : Math.min(g, 1);
        }
        if (stuck !== null && stuck[i] !== STUCK_NONE) g = stuck[i] === STUCK_GMIN ? 0 : 1;
        out[i] = 2 * wMax * (g - 0.5);
      }
    }
  }

  /**
   * The same write per device, for the models the fast loops leave out:
   *  - PCM noise: σ(g̃) = program_noise · σ_aihwkit(x)/σ_aihwkit(½) with x = G/g_max, clipped only
   *    at g_min (aihwkit clamps at 0 and never above: program-and-verify does not saturate);
   *  - stochastic writes: a device whose state must change switches with probability p, else keeps
   *    its previous state (binary: targets rounded to g_min or g_max);
   *  - the conductances (and PCM targets) are kept for age().
   */
  private programGeneral(w: Float32Array, out: Float32Array, rng: Rng, wMax: number): void {
    const d = this.device;
    const noise = this.noise;
    if (noise) rng.fillNormal(noise, this.pcmNoise ? 1 : d.programNoise);
    const inv = 1 / wMax;
    const n = this.size;
    if (this.perWeight === 2) {
      for (let i = 0; i < n; i++) {
        let t = w[i]! * inv;
        t = t > 1 ? 1 : Math.max(t, -1);
        const gp = this.writeDevice(2 * i, Math.max(t, 0), rng);
        const gn = this.writeDevice(2 * i + 1, t < 0 ? -t : 0, rng);
        out[i] = wMax * (gp - gn);
      }
    } else {
      for (let i = 0; i < n; i++) {
        let t = w[i]! * inv;
        t = t > 1 ? 1 : Math.max(t, -1);
        out[i] = 2 * wMax * (this.writeDevice(i, 0.5 + 0.5 * t, rng) - 0.5);
      }
    }
  }

  /** Writes device j towards normalised target v; returns the conductance it then holds. */
  private writeDevice(j: number, v: number, rng: Rng): number {
    const d = this.device;
    const state = this.state;
    if (state !== null) {
      // Binary write that can fail: only devices whose state must change draw a random number.
      const want = v >= 0.5 ? 1 : 0;
      if (want !== state[j] && rng.uniform() < (d.switchProbability ?? 1)) state[j] = want;
      v = state[j]!;
    } else if (d.levels !== null) {
      const steps = d.levels - 1;
      v = Math.floor(v * steps + 0.5) / steps;
    }
    if (this.target !== null) this.target[j] = v;
    let g = v;
    const noise = this.noise;
    if (noise !== null) {
      if (this.pcmNoise) {
        const x = (d.gMin + v * (d.gMax - d.gMin)) / d.gMax;
        g += d.programNoise * pcmProgramSigmaShape(x) * noise[j]!;
        if (g < 0) g = 0;
      } else {
        g += noise[j]!;
        g = g < 0 ? 0 : Math.min(g, 1);
      }
    }
    const stuck = this.stuck;
    if (stuck !== null && stuck[j] !== STUCK_NONE) g = stuck[j] === STUCK_GMIN ? 0 : 1;
    if (this.conductance !== null) this.conductance[j] = g;
    return g;
  }

  /**
   * The weights the array holds at `time` s after the last programming and at `temperature` K,
   * written into `out` (weight units, like program()). Each device's absolute conductance
   * G = g_min + g̃·(g_max − g_min) drifts as G·(t/t0)^−ν and scales by 1 + α·(T − 300 K); stuck
   * devices keep their stuck value. PCM: ν per device drawn from aihwkit's ν(x) law (mean and
   * spread, scaled by drift.nu/0.049), and readNoiseScale follows the 1/f growth. With
   * driftCompensation 'global' the layer's weights (and its read noise) are rescaled by
   * mean|w(t0)| / mean|w(t)|. A no-op (out untouched, readNoiseScale 1) when nothing changes:
   * no aging model, or t ≤ t0 at 300 K. Call right after program().
   */
  age(time: number, temperature: number, rng: Rng, out: Float32Array): void {
    this.readNoiseScale = 1;
    this.driftCompensationScale = 1;
    const g = this.conductance;
    if (g === null || !agesAfterProgramming(this.device)) return;
    const d = this.device;
    const t0 = d.drift?.t0 ?? PCM_T0;
    const nu = d.drift?.nu ?? 0;
    const drifts = nu > 0 && time > t0;
    const thermal = temperatureFactor(temperature, d.tempCoeff ?? 0);
    const isPcm = d.kind === 'pcm';
    // aihwkit's frozen 1/f noise, drawn here once per deployment, replaces the growth of read_noise.
    const accumulated = isPcm && d.readNoiseModel === 'accumulated_1f';
    const growth = isPcm && !accumulated ? pcmReadNoiseGrowth(time, t0) : 1;
    if (!drifts && thermal === 1 && !accumulated) {
      this.readNoiseScale = growth;
      return;
    }
    const window = d.gMax - d.gMin;
    const base = d.gMin / window; // G/window = base + g̃
    const logT = drifts ? Math.log(time / t0) : 0;
    const nuScale = nu / PCM_NU_REFERENCE;
    const stuck = this.stuck;
    const target = this.target;
    // The chip is not read before t0, the time its programming was verified.
    const tRead1f = Math.max(time, t0);
    const held = (j: number): number => {
      if (stuck !== null && stuck[j] !== STUCK_NONE) return g[j]!;
      let factor = thermal;
      if (drifts) {
        let nuJ = nu;
        if (isPcm && target !== null) {
          const x = (d.gMin + target[j]! * window) / d.gMax;
          nuJ = nuScale * Math.abs(pcmNuMean(x) + pcmNuStd(x) * rng.normal());
        }
        factor *= Math.exp(-nuJ * logT);
      }
      let G = (base + g[j]!) * factor; // conductance in units of the window
      if (accumulated) {
        const x = ((base + g[j]!) * window) / d.gMax;
        G += Math.abs(G) * pcmAccumulatedNoise(x, tRead1f) * rng.normal();
        if (G < 0) G = 0;
      }
      return G - base;
    };
    const wMax = this.wMax;
    const n = this.size;
    let before = 0;
    let after = 0;
    if (this.perWeight === 2) {
      for (let i = 0; i < n; i++) {
        before += Math.abs(g[2 * i]! - g[2 * i + 1]!);
        const v = wMax * (held(2 * i) - held(2 * i + 1));
        after += Math.abs(v);
        out[i] = v;
      }
      before *= wMax;
    } else {
      // The reference column is a column of the same devices at mid-range: it ages with the mean ν.
      const xRef = (d.gMin + 0.5 * window) / d.gMax;
      const nuRef = isPcm ? nuScale * pcmNuMean(xRef) : nu;
      const ref = (base + 0.5) * thermal * (drifts ? Math.exp(-nuRef * logT) : 1) - base;
      for (let i = 0; i < n; i++) {
        before += Math.abs(g[i]! - 0.5);
        const v = 2 * wMax * (held(i) - ref);
        after += Math.abs(v);
        out[i] = v;
      }
      before *= 2 * wMax;
    }
    let scale = 1;
    if (d.driftCompensation === 'global') {
      scale = globalDriftCompensation(before / n, after / n);
      for (let i = 0; i < n; i++) out[i] = out[i]! * scale;
    }
    this.driftCompensationScale = scale;
    this.readNoiseScale = growth * scale;
  }
}
