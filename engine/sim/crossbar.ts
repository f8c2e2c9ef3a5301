// The analog MVM of one weight layer on crossbar tiles, with the periphery of aihwkit's
// IOParameters (src/aihwkit/simulator/parameters/io.py; C++ rpu_forward_backward_pass.cpp,
// ForwardBackwardPassIOManaged::forwardVector). docs/engine-tiles.md has the equations.
//
// The k×n matrix is laid over rows×cols arrays by tiling.ts. Each tile (row block × col block)
// is read like one aihwkit analog tile, as aihwkit's TileModuleArray reads its split tiles:
//  1. Noise management (ABS_MAX), per row block: the block's input slice is divided by
//     α = max|x_slice| so it fills the DAC range; the result is multiplied back by α digitally.
//  2. DAC: x̃ clipped to ±inputBound and quantised (dacBits; 0 = ideal, no clip either).
//  3. Analog MVM: ỹ = Σ x̃·w'/w_max, in units of w_max (so ±outputBound means the same for every
//     layer); w' are the weights as the array presents them (IR drop, ir-drop.ts).
//  4. Read noise (device read noise summed on the bit line) and output noise (tile.outputNoise,
//     aihwkit out_noise), fresh on every read; then the ADC: clip to ±outputBound, quantise to
//     adcBits (0 = ideal: neither clipped nor quantised).
//  5. Bound management (aihwkit ITERATIVE): if any output of the tile saturates the ADC, the
//     tile's input vector is halved and read again, up to aihwkit's max_bm_factor / max_bm_res.
//  6. Digital: y = Σ_tiles α·2^s·w_max·ỹ_q (s = halvings of that read).
// Read noise: each read perturbs every device by N(0, σ_r) (fraction of g_max − g_min). On a bit
// line that is a sum of independent terms, drawn once per output with the same variance:
// differential σ²(ỹ) = 2·σ_r²·Σ_i x̃_i²; reference column 4·σ_r²·Σ x̃² from the column plus the
// same again from the array's reference column, shared by the outputs of that array (same physics,
// k times fewer random numbers).

import { DeviceArray } from './device';
import { LayerIrDrop } from './ir-drop';
import { allocOwnedFor, fillNormalRng, type Kernels } from './kernels';
import type { LayerPlan } from './plan';
import type { Rng } from './rng';
import { type Tiling, tileMatrix } from './tiling';
import { type WasmRuntime, wasmRuntime } from './wasm/runtime';

/** aihwkit IOParameters.max_bm_factor (default 1000): bound management stops past this reduction. */
export const MAX_BM_FACTOR = 1000;
/** aihwkit IOParameters.max_bm_res (default 0.25): stop once the halved inputs keep ~2 bits. */
export const MAX_BM_RES = 0.25;

/**
 * Symmetric converter: clip to [−bound, bound], quantise to 2^bits − 2 steps across it (aihwkit's
 * convention, so zero is a level). bits = 0 is an ideal converter: neither clipped nor quantised.
 * Used for both DAC and ADC.
 */
export function quantiseIO(x: number, bits: number, bound: number): number {
  return bits === 0 ? x : quantiseStep(x, converterStep(bits, bound), bound);
}

/**
 * The quantisation step of a converter; 0 for an ideal one. A 1-bit converter has no step: it is
 * a sign (a sense amplifier on a bit line, a word line driven or not), marked by an infinite step.
 */
export function converterStep(bits: number, bound: number): number {
  if (bits === 1) return Number.POSITIVE_INFINITY;
  return bits === 0 ? 0 : (2 * bound) / (2 ** bits - 2);
}

/**
 * quantiseIO with the step precomputed (the per-element form used in the MVM). Clipping before
 * rounding equals aihwkit's rounding before clipping: ±bound is itself a level (2^bits − 2 is even).
 */
function quantiseStep(x: number, step: number, bound: number): number {
  if (step === 0) return x;
  if (step === Number.POSITIVE_INFINITY) return x > 0 ? bound : x < 0 ? -bound : 0;
  const c = x > bound ? bound : Math.max(x, -bound);
  return Math.round(c / step) * step;
}

/**
 * The largest input reduction bound management may reach (a power of two). aihwkit reads at
 * reductions 1, 2, 4, … and stops after the read whose reduction exceeds max_bm_factor or, with
 * a quantising DAC of step inp_res (= our DAC step), exceeds max_bm_res / inp_res.
 * 7-bit DAC (aihwkit's default): 16, i.e. at most 5 reads; ideal DAC: 1024, 11 reads.
 */
export function maxBoundManagementReduction(dacBits: number, inputBound: number): number {
  const step = converterStep(dacBits, inputBound);
  let r = 1;
  while (!(r > MAX_BM_FACTOR || (step > 0 && r > MAX_BM_RES / step))) r *= 2;
  return r;
}

/** Running totals of the periphery, for diagnostics and metrics (reset with resetCounters). */
export interface CrossbarCounters {
  /** ADC conversions performed, including bound-management re-reads. */
  adcConversions: number;
  /** Conversions whose value lay beyond ±outputBound (clipped), including ones re-read by bound management. */
  adcSaturations: number;
  /** Extra tile reads bound management needed (each is a re-read of one tile for one input vector). */
  boundManagementReads: number;
}

export class CrossbarLayer {
  readonly k: number;
  readonly n: number;
  /** The weights the devices hold after the last programming (k×n, weight units). */
  readonly weights: Float32Array;
  readonly array: DeviceArray;
  /** How the layer's matrix is laid over the tile's arrays. */
  readonly tiling: Tiling;
  readonly counters: CrossbarCounters = { adcConversions: 0, adcSaturations: 0, boundManagementReads: 0 };
  /** True when the periphery is not the identity (converters or noise): the per-tile read loop runs. */
  private readonly analog: boolean;
  private readonly irDrop: LayerIrDrop | null;
  /** The weights as the arrays present them to their inputs (IR drop); = weights without IR drop. */
  private readonly readW: Float32Array;
  /** The weights and w_max readW was computed from (IR drop only). */
  private readonly irFrom: Float32Array;
  private irWMax = Number.NaN;
  private readonly maxReduction: number;
  private readonly xq: Float32Array;
  private readonly partial: Float32Array;
  private readonly alpha: Float32Array;
  private readonly sumSq: Float32Array;
  /** One tile read: quantised outputs, a re-read's inputs and ideal outputs. */
  private readonly yq: Float32Array;
  /** One tile row's read-noise draws (N(0, 1), f64 as rng.normal() returns them). */
  private readonly noiseRow: Float64Array;
  /** The runtime whose read_cols kernel reads tiles (WASM kernels), else null: the JavaScript loop. */
  private readonly readKernel: WasmRuntime | null;
  private readonly xRe: Float32Array;
  private readonly yRe: Float32Array;
  /** Views made once, so forward() allocates nothing: per row block, xq from its first row and
   * readW from its first row; per tile (row-major over blocks), readW from its first cell. */
  private readonly xqRows: Float32Array[];
  private readonly wRows: Float32Array[];
  private readonly wTiles: Float32Array[];

  constructor(
    readonly layer: LayerPlan,
    maxBatch: number,
    private readonly kernels: Kernels,
    stuckRng: Rng,
  ) {
    this.k = layer.inputs;
    this.n = layer.units;
    const t = layer.tile;
    this.tiling = tileMatrix(this.k, this.n, t);
    // In the WASM memory with WASM kernels: programming writes it every step (no copy out).
    this.weights = allocOwnedFor(kernels, this.k * this.n);
    this.array = new DeviceArray(
      layer.device,
      this.k * this.n,
      t.signedWeights,
      t.weightClip,
      stuckRng,
      kernels,
    );
    this.analog = t.dacBits > 0 || t.adcBits > 0 || layer.device.readNoise > 0 || t.outputNoise > 0;
    this.irDrop =
      t.lineResistance > 0
        ? new LayerIrDrop(this.tiling, t.rows, t.cols, t.signedWeights, layer.device, t.lineResistance)
        : null;
    this.readW = this.irDrop ? new Float32Array(this.k * this.n) : this.weights;
    this.irFrom = new Float32Array(this.irDrop ? this.k * this.n : 0);
    this.maxReduction =
      t.boundManagement === 'iterative' ? maxBoundManagementReduction(t.dacBits, t.inputBound) : 1;
    const a = this.analog;
    // The periphery's buffers live in the kernel memory with WASM kernels: the GEMMs and the
    // tile-read kernel then use them in place.
    const buffer = (length: number) => (length > 0 ? allocOwnedFor(kernels, length) : new Float32Array(0));
    this.xq = buffer(a ? maxBatch * this.k : 0);
    this.partial = buffer(a ? maxBatch * this.n : 0);
    this.alpha = buffer(a ? maxBatch : 0);
    this.sumSq = buffer(a ? maxBatch : 0);
    const bm = a && this.maxReduction > 1;
    this.yq = buffer(a ? this.tiling.usableCols : 0);
    this.readKernel = a && kernels.alloc ? wasmRuntime() : null;
    // f64 draws in a block owned by this layer (freed with it), viewed as a Float64Array.
    const cols = a ? this.tiling.usableCols : 0;
    const noise =
      this.readKernel && cols > 0 ? this.readKernel.alloc(2 * cols, this) : new Float32Array(2 * cols);
    this.noiseRow = new Float64Array(noise.buffer, noise.byteOffset, cols);
    this.xRe = new Float32Array(bm ? t.rows : 0);
    this.yRe = buffer(bm ? this.tiling.usableCols : 0);
    const tl = this.tiling;
    const starts = tl.blocks.filter((b) => b.colBlock === 0).map((b) => b.row0);
    this.xqRows = starts.map((r0) => this.xq.subarray(Math.min(r0, this.xq.length)));
    this.wRows = starts.map((r0) => this.readW.subarray(r0 * this.n));
    this.wTiles = tl.blocks.map((b) => this.readW.subarray(b.row0 * this.n + b.col0));
  }

  /** Writes the master weights to the devices (fresh programming noise). */
  program(w: Float32Array, rng: Rng): void {
    this.array.program(w, this.weights, rng);
  }

  resetCounters(): void {
    this.counters.adcConversions = 0;
    this.counters.adcSaturations = 0;
    this.counters.boundManagementReads = 0;
  }

  /** Read-noise σ (fraction of g_max − g_min) now; DeviceArray.readNoiseScale grows it (PCM 1/f). */
  private readNoise(): number {
    const scale = (this.array as DeviceArray & { readNoiseScale?: number }).readNoiseScale;
    return this.layer.device.readNoise * (scale ?? 1);
  }

  /**
   * Recomputes the IR-dropped weights when the devices changed since the last forward. Checking
   * here rather than in program() means whoever writes `weights` (programming, pulsed updates,
   * drift) needs no hook; the check is one pass over k·n floats, the model a few.
   */
  private updateIrDrop(): void {
    const { weights, irFrom } = this;
    const wMax = this.array.wMax;
    let same = wMax === this.irWMax;
    for (let i = 0; same && i < weights.length; i++) same = weights[i] === irFrom[i];
    if (same) return;
    this.irDrop!.apply(weights, wMax, this.n, this.readW);
    irFrom.set(weights);
    this.irWMax = wMax;
  }

  /** out(m×n) = the crossbar's reading of x(m×k)·W; no bias. `rng` supplies read and output noise. */
  forward(x: Float32Array, m: number, out: Float32Array, rng: Rng): void {
    const { k, n, kernels, readW } = this;
    if (this.irDrop) this.updateIrDrop();
    if (!this.analog) {
      kernels.gemm(m, n, k, x, k, readW, n, out, n, false);
      return;
    }
    const { xq, partial, alpha, sumSq } = this;
    const t = this.layer.tile;
    const dacStep = converterStep(t.dacBits, t.inputBound);
    const sigma = this.readNoise();
    out.fill(0, 0, m * n);
    const tl = this.tiling;
    for (let rb = 0; rb < tl.rowBlocks; rb++) {
      const first = tl.blocks[rb * tl.colBlocks]!;
      const r0 = first.row0;
      const rows = first.row1 - r0;
      // Noise management and DAC of this row block's input slice.
      const rt = this.readKernel;
      if (rt?.owns(x)) {
        // kernels.wat dac_rows: the loop below, bit for bit.
        const finite = dacStep > 0 && dacStep < Number.POSITIVE_INFINITY;
        rt.exports.dac_rows(
          x.byteOffset,
          xq.byteOffset,
          m,
          k,
          r0,
          rows,
          finite ? 1 : dacStep === 0 ? 0 : 2,
          dacStep,
          finite ? 1 / dacStep : 0,
          t.inputBound,
          alpha.byteOffset,
          sumSq.byteOffset,
        );
      } else
        for (let i = 0; i < m; i++) {
          const xi = i * k + r0;
          let a = 0;
          for (let p = 0; p < rows; p++) {
            const v = Math.abs(x[xi + p]!);
            if (v > a) a = v;
          }
          alpha[i] = a;
          let s = 0;
          if (a === 0) {
            xq.fill(0, xi, xi + rows);
          } else if (dacStep > 0 && dacStep < Number.POSITIVE_INFINITY) {
            // The common quantising DAC, inlined: one multiply instead of a division per input.
            const inv = 1 / a;
            const bound = t.inputBound;
            const invStep = 1 / dacStep;
            for (let p = 0; p < rows; p++) {
              const v = x[xi + p]! * inv;
              const c = v > bound ? bound : v < -bound ? -bound : v;
              const q = Math.round(c * invStep) * dacStep;
              xq[xi + p] = q;
              s += q * q;
            }
          } else {
            const inv = 1 / a;
            for (let p = 0; p < rows; p++) {
              const q = quantiseStep(x[xi + p]! * inv, dacStep, t.inputBound);
              xq[xi + p] = q;
              s += q * q;
            }
          }
          sumSq[i] = s;
        }
      kernels.gemm(m, n, rows, this.xqRows[rb]!, k, this.wRows[rb]!, n, partial, n, false);
      for (let i = 0; i < m; i++) {
        // An all-zero slice reads zero (aihwkit's short cut when the noise-management scale is 0).
        if (alpha[i] === 0) continue;
        for (let cb = 0; cb < tl.colBlocks; cb++) {
          const b = tl.blocks[rb * tl.colBlocks + cb]!;
          const tileW = this.wTiles[rb * tl.colBlocks + cb]!;
          this.readTile(x, i, r0, rows, b.col0, b.col1, tileW, sigma, dacStep, out, rng);
        }
      }
    }
  }

  /**
   * Reads one tile for input vector i: noise, ADC and bound management on the ideal partial sums
   * already in `partial`; adds the digital result to `out`.
   */
  private readTile(
    x: Float32Array,
    i: number,
    r0: number,
    rows: number,
    c0: number,
    c1: number,
    /** readW from the tile's first cell (for bound-management re-reads). */
    tileW: Float32Array,
    sigma: number,
    dacStep: number,
    out: Float32Array,
    rng: Rng,
  ): void {
    const { k, n, yq, counters } = this;
    const t = this.layer.tile;
    const bound = t.outputBound;
    const adcStep = converterStep(t.adcBits, bound);
    const ideal = t.adcBits === 0;
    // aihwkit flags a read when the discretised value exceeds the bound (rounding half away
    // from zero): |y| ≥ bound + step/2. An ideal ADC never clips, so it never saturates.
    const satLevel = bound + adcStep / 2;
    const outNoise = t.outputNoise;
    const differential = t.signedWeights === 'differential';
    const invW = 1 / this.array.wMax;
    const cols = c1 - c0;
    let src = this.partial;
    let srcAt = i * n + c0;
    let sumSq = this.sumSq[i]!;
    let reduction = 1;
    for (;;) {
      const sd = sigma > 0 ? sigma * Math.sqrt((differential ? 2 : 4) * sumSq) : 0;
      const shared = sd > 0 && !differential ? sd * rng.normal() : 0;
      let saturated = false;
      // Read noise alone (the common case): the tile's draws in one bulk call, the same draws in
      // the same order as one rng.normal() per column (the call per draw was most of their cost).
      const bulk = sd > 0 && outNoise === 0;
      const noiseRow = this.noiseRow;
      // The Rng's draws; their ziggurat fast path in WASM when the row lives in the kernel memory.
      if (bulk) fillNormalRng(rng, noiseRow, 1, 0, cols);
      const rt = this.readKernel;
      if (rt && outNoise === 0 && rt.owns(out) && rt.owns(src)) {
        // kernels.wat read_cols: the loop below and the accumulation at the end, bit for bit.
        const open = reduction < this.maxReduction;
        const g = this.alpha[i]! * this.array.wMax * reduction;
        const count = rt.exports.read_cols(
          src.byteOffset + 4 * srcAt,
          cols,
          invW,
          bulk ? noiseRow.byteOffset : 0,
          sd,
          shared,
          adcStep,
          bound,
          ideal ? 0 : satLevel,
          ideal ? 0 : adcStep === Number.POSITIVE_INFINITY ? 2 : 1,
          yq.byteOffset,
          out.byteOffset + 4 * (i * n + c0),
          g,
          open ? 1 : 0,
        );
        counters.adcSaturations += count;
        saturated = count > 0;
        if (!saturated || !open) {
          // read_cols has added g·yq into out already.
          counters.adcConversions += cols;
          return;
        }
      } else {
        for (let j = 0; j < cols; j++) {
          let y = src[srcAt + j]! * invW;
          if (bulk) y += shared + sd * noiseRow[j]!;
          else {
            if (sd > 0) y += shared + sd * rng.normal();
            if (outNoise > 0) y += outNoise * rng.normal();
          }
          if (!ideal && (y >= satLevel || y <= -satLevel)) {
            saturated = true;
            counters.adcSaturations++;
          }
          yq[j] = quantiseStep(y, adcStep, bound);
        }
      }
      counters.adcConversions += cols;
      if (!saturated || reduction >= this.maxReduction) break;
      // Bound management: halve the input vector and read the tile again.
      reduction *= 2;
      counters.boundManagementReads++;
      const scale = 1 / reduction;
      if (dacStep === 0) {
        // Ideal DAC: the halved input is exactly half of x̃, and so (powers of two are exact in
        // floating point) is the ideal read; no need to multiply again.
        const p = this.partial;
        const at = i * n + c0;
        for (let j = 0; j < cols; j++) this.yRe[j] = p[at + j]! * scale;
        sumSq = this.sumSq[i]! * scale * scale;
      } else {
        const xRe = this.xRe;
        const inv = scale / this.alpha[i]!;
        const xi = i * k + r0;
        let s = 0;
        for (let p = 0; p < rows; p++) {
          const q = quantiseStep(x[xi + p]! * inv, dacStep, t.inputBound);
          xRe[p] = q;
          s += q * q;
        }
        sumSq = s;
        this.kernels.gemm(1, cols, rows, xRe, rows, tileW, n, this.yRe, cols, false);
      }
      src = this.yRe;
      srcAt = 0;
    }
    const g = this.alpha[i]! * this.array.wMax * reduction;
    const row = i * n + c0;
    for (let j = 0; j < cols; j++) out[row + j]! += g * yq[j]!;
  }
}
