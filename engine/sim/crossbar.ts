// The analog MVM of one dense layer on crossbar tiles, with the periphery of aihwkit's
// IOParameters: per-vector input scaling, DAC, per-tile read noise and ADC, digital accumulation.
//
//  1. Noise management (aihwkit ABS_MAX): each input vector is divided by α = max|x| so it fills
//     the DAC range; the result is multiplied back by α digitally.
//  2. DAC: x̃ clipped to ±inputBound and quantised (dacBits; 0 = ideal, no clip either).
//  3. Each row block of `rows` inputs is one tile; its partial sum ỹ = Σ x̃·w/w_max (in units of
//     w_max, so ±outputBound means the same thing for every layer) gets read noise, then its ADC
//     (clip to ±outputBound, quantise to adcBits; 0 = ideal). Column blocks need no extra work:
//     each bit line has its own ADC anyway.
//  4. Digital: y = Σ_tiles α·w_max·ỹ_q.
// Read noise: each read perturbs every device by N(0, σ_r) (fraction of g_max − g_min). Its effect
// on a bit line is the sum of independent terms, so it is drawn once per output with the same
// variance: differential σ²(ỹ) = 2·σ_r²·Σ_i x̃_i²; reference column 4·σ_r²·Σ x̃² from the
// column plus the same again from the reference column, shared by all outputs of the tile (same
// physics, k times fewer random numbers).

import { DeviceArray } from './device';
import type { Kernels } from './kernels';
import type { LayerPlan } from './plan';
import type { Rng } from './rng';

/**
 * Symmetric converter: clip to [−bound, bound], quantise to 2^bits − 2 steps across it (aihwkit's
 * convention, so zero is a level). bits = 0 is an ideal converter: neither clipped nor quantised.
 * Used for both DAC and ADC.
 */
export function quantiseIO(x: number, bits: number, bound: number): number {
  return bits === 0 ? x : quantiseStep(x, converterStep(bits, bound), bound);
}

/** The quantisation step of a converter; 0 for an ideal one. */
export function converterStep(bits: number, bound: number): number {
  return bits === 0 ? 0 : (2 * bound) / (2 ** bits - 2);
}

/** quantiseIO with the step precomputed (the per-element form used in the MVM). */
function quantiseStep(x: number, step: number, bound: number): number {
  if (step === 0) return x;
  const c = x > bound ? bound : Math.max(x, -bound);
  return Math.round(c / step) * step;
}

export class CrossbarLayer {
  readonly k: number;
  readonly n: number;
  /** The weights the devices hold after the last programming (k×n, weight units). */
  readonly weights: Float32Array;
  readonly array: DeviceArray;
  private readonly analog: boolean;
  private readonly xq: Float32Array;
  private readonly partial: Float32Array;
  private readonly alpha: Float32Array;

  constructor(
    readonly layer: LayerPlan,
    maxBatch: number,
    private readonly kernels: Kernels,
    stuckRng: Rng,
  ) {
    this.k = layer.inputs;
    this.n = layer.units;
    this.weights = new Float32Array(this.k * this.n);
    this.array = new DeviceArray(
      layer.device,
      this.k * this.n,
      layer.tile.signedWeights,
      layer.tile.weightClip,
      stuckRng,
    );
    const t = layer.tile;
    // Without converters or read noise the periphery is the identity; skip it (exact float MVM).
    this.analog = t.dacBits > 0 || t.adcBits > 0 || layer.device.readNoise > 0;
    this.xq = new Float32Array(this.analog ? maxBatch * this.k : 0);
    this.partial = new Float32Array(this.analog ? maxBatch * this.n : 0);
    this.alpha = new Float32Array(this.analog ? maxBatch : 0);
  }

  /** Writes the master weights to the devices (fresh programming noise). */
  program(w: Float32Array, rng: Rng): void {
    this.array.program(w, this.weights, rng);
  }

  /** out(m×n) = the crossbar's reading of x(m×k)·W; no bias. `rng` supplies read noise. */
  forward(x: Float32Array, m: number, out: Float32Array, rng: Rng): void {
    const { k, n, kernels } = this;
    if (!this.analog) {
      kernels.gemm(m, n, k, x, k, this.weights, n, out, n, false);
      return;
    }
    const { xq, partial, alpha } = this;
    const t = this.layer.tile;
    const dacStep = converterStep(t.dacBits, t.inputBound);
    const adcStep = converterStep(t.adcBits, t.outputBound);
    for (let i = 0; i < m; i++) {
      let a = 0;
      const xi = i * k;
      for (let p = 0; p < k; p++) {
        const v = Math.abs(x[xi + p]!);
        if (v > a) a = v;
      }
      if (a === 0) a = 1;
      alpha[i] = a;
      const inv = 1 / a;
      for (let p = 0; p < k; p++) xq[xi + p] = quantiseStep(x[xi + p]! * inv, dacStep, t.inputBound);
    }
    out.fill(0, 0, m * n);
    const wMax = this.array.wMax;
    const invW = 1 / wMax;
    const sigma = this.layer.device.readNoise;
    const differential = t.signedWeights === 'differential';
    for (let r0 = 0; r0 < k; r0 += t.rows) {
      const rows = Math.min(t.rows, k - r0);
      kernels.gemm(m, n, rows, xq.subarray(r0), k, this.weights.subarray(r0 * n), n, partial, n, false);
      for (let i = 0; i < m; i++) {
        let sd = 0;
        let shared = 0;
        if (sigma > 0) {
          let s = 0;
          const xi = i * k + r0;
          for (let p = 0; p < rows; p++) s += xq[xi + p]! * xq[xi + p]!;
          sd = sigma * Math.sqrt((differential ? 2 : 4) * s);
          if (!differential) shared = sd * rng.normal();
        }
        const scale = alpha[i]! * wMax;
        const row = i * n;
        for (let j = 0; j < n; j++) {
          let y = partial[row + j]! * invW;
          if (sd > 0) y += shared + sd * rng.normal();
          out[row + j]! += scale * quantiseStep(y, adcStep, t.outputBound);
        }
      }
    }
  }
}
