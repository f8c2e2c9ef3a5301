// Device model: how a weight matrix lands on conductances, and what the array then really holds.
//
// Work is done in normalised conductance g̃ = (G − g_min)/(g_max − g_min) ∈ [0, 1]; that is exact
// (an affine change of units) and keeps siemens-sized numbers out of float32. A weight w maps to
//   differential pair:  w = w_max·(g̃⁺ − g̃⁻), one device of the pair at g_min;
//   reference column:   w = 2·w_max·(g̃ − ½), against a column held at mid-range.
// So scale = w_max/(g_max − g_min) per siemens (differential). w_max is the layer's weight clip,
// or max|w| of the layer at each programming when the tile sets none (aihwkit's weight scaling
// with omega = 1): the largest weight uses the full range and nothing is clipped.
import type { DeviceModel } from '../ir/model';
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
  private readonly noise: Float32Array | null;

  constructor(
    readonly device: DeviceModel,
    readonly size: number,
    readonly scheme: TilePlan['signedWeights'],
    readonly weightClip: number | null,
    stuckRng: Rng,
  ) {
    this.perWeight = scheme === 'differential' ? 2 : 1;
    this.stuck = drawStuckMap(size * this.perWeight, device, stuckRng);
    this.noise = device.programNoise > 0 ? new Float32Array(size * this.perWeight) : null;
  }

  /** True when programming is the identity, so callers may use the weights directly. */
  get exact(): boolean {
    return isExactDevice(this.device) && this.weightClip === null;
  }

  /** Programs `w` and writes the weights the array now holds (in weight units) into `out`. */
  program(w: Float32Array, out: Float32Array, rng: Rng): void {
    const n = this.size;
    let wMax = this.weightClip ?? 0;
    if (this.weightClip === null) {
      for (let i = 0; i < n; i++) {
        const a = Math.abs(w[i]!);
        if (a > wMax) wMax = a;
      }
      if (wMax === 0) wMax = 1; // an all-zero layer: any scale represents it
    }
    this.wMax = wMax;
    if (this.exact) {
      out.set(w.subarray(0, n));
      return;
    }
    const { levels, programNoise } = this.device;
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
}
