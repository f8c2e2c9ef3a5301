// The dense linear-algebra seam. Everything the simulator multiplies goes through one Kernels
// object, so faster back ends (WASM SIMD, worker-parallel) can be dropped in without touching the
// device or training code. Matrices are row-major Float32Array with explicit leading dimensions
// (a sub-block of a larger matrix is a subarray view plus the parent's leading dimension).
//
// Shapes use one naming throughout: m = batch rows, k = layer inputs, n = layer outputs; so X is
// m×k, W is k×n and D (a gradient at the outputs) is m×n.
import { type Rng, ZIGGURAT_TABLES } from './rng';
import { type WasmRuntime, wasmDisabled, wasmRuntime, wasmSimdAvailable } from './wasm/runtime';
import { createWasmKernels } from './wasm/wasm-kernels';

/**
 * One GEMM variant: dimensions m, n, k as documented per variant, row-major operands with their
 * leading dimensions, and `accumulate` to add into C instead of overwriting it.
 */
export type Gemm = (
  m: number,
  n: number,
  k: number,
  a: Float32Array,
  lda: number,
  b: Float32Array,
  ldb: number,
  c: Float32Array,
  ldc: number,
  accumulate: boolean,
) => void;

export interface Kernels {
  readonly name: string;
  /** C(m×n) = A(m×k)·B(k×n), or C += A·B when `accumulate`. The forward MVM X·W. */
  gemm: Gemm;
  /** C(k×n) = A(m×k)ᵀ·B(m×n), or C += when `accumulate`. The weight gradient Xᵀ·D. */
  gemmTN: Gemm;
  /** C(m×k) = A(m×n)·B(k×n)ᵀ, or C += when `accumulate`. The input gradient D·Wᵀ. */
  gemmNT: Gemm;
  /**
   * Optional: a zeroed array the kernels use in place, without copying it in and out on every
   * call (WASM kernels: a view into their memory). Use `allocFor(kernels, n)`.
   */
  alloc?(length: number): Float32Array;
  /**
   * Optional (WASM kernels): kernels.wat program_diff_noisy over these kernels' threads, the
   * generator state at byte offset `job.state` (16 words); the same draws for every thread count.
   */
  programNoisy?(job: NoisyProgramJob): void;
}

/** One differential programming with in-kernel noise: byte offsets in the kernel memory, scalars. */
export interface NoisyProgramJob {
  w: number;
  stuck: number;
  out: number;
  n: number;
  flags: number;
  inv: number;
  wMax: number;
  steps: number;
  invSteps: number;
  state: number;
  std: number;
}

function zeroRows(c: Float32Array, rows: number, cols: number, ldc: number): void {
  if (ldc === cols) c.fill(0, 0, rows * cols);
  else for (let r = 0; r < rows; r++) c.fill(0, r * ldc, r * ldc + cols);
}

/** c[c0 .. c0+n) += s·b[b0 .. b0+n), unrolled by four (V8 does not vectorise; this halves loop overhead). */
function axpy(n: number, s: number, b: Float32Array, b0: number, c: Float32Array, c0: number): void {
  let j = 0;
  for (; j + 3 < n; j += 4) {
    c[c0 + j]! += s * b[b0 + j]!;
    c[c0 + j + 1]! += s * b[b0 + j + 1]!;
    c[c0 + j + 2]! += s * b[b0 + j + 2]!;
    c[c0 + j + 3]! += s * b[b0 + j + 3]!;
  }
  for (; j < n; j++) c[c0 + j]! += s * b[b0 + j]!;
}

/**
 * Plain JavaScript kernels. Loop orders keep the innermost loop unit-stride on both operands
 * (i-k-j for X·W, k-i-j for Xᵀ·D so a row of the k×n result stays in L1 while the small batch
 * streams past). Zero inputs are skipped: MNIST pixels (about 81% zeros) and ReLU outputs are
 * sparse, and on MNIST this beats a register-blocked dense kernel by about 2× (measured; see
 * docs/simulation.md). No allocation happens here.
 */
export const jsKernels: Kernels = {
  name: 'js',

  gemm(m, n, k, a, lda, b, ldb, c, ldc, accumulate) {
    if (!accumulate) zeroRows(c, m, n, ldc);
    for (let i = 0; i < m; i++) {
      const ci = i * ldc;
      const ai = i * lda;
      for (let p = 0; p < k; p++) {
        const av = a[ai + p]!;
        if (av !== 0) axpy(n, av, b, p * ldb, c, ci);
      }
    }
  },

  gemmTN(m, n, k, a, lda, b, ldb, c, ldc, accumulate) {
    if (!accumulate) zeroRows(c, k, n, ldc);
    for (let p = 0; p < k; p++) {
      const cp = p * ldc;
      for (let i = 0; i < m; i++) {
        const av = a[i * lda + p]!;
        if (av !== 0) axpy(n, av, b, i * ldb, c, cp);
      }
    }
  },

  gemmNT(m, n, k, a, lda, b, ldb, c, ldc, accumulate) {
    for (let i = 0; i < m; i++) {
      const ai = i * lda;
      const ci = i * ldc;
      for (let p = 0; p < k; p++) {
        const bp = p * ldb;
        let s0 = 0;
        let s1 = 0;
        let j = 0;
        for (; j + 1 < n; j += 2) {
          s0 += a[ai + j]! * b[bp + j]!;
          s1 += a[ai + j + 1]! * b[bp + j + 1]!;
        }
        if (j < n) s0 += a[ai + j]! * b[bp + j]!;
        const s = s0 + s1;
        c[ci + p] = accumulate ? c[ci + p]! + s : s;
      }
    }
  },
};

let current: Kernels | null = null;

/**
 * The kernels the simulator uses unless a caller passes its own: the WebAssembly SIMD kernels
 * (engine/sim/wasm/, split over a worker pool for large products) when this engine supports
 * WebAssembly SIMD, else jsKernels (also with NEUROFAB_KERNELS=js). Chosen once per thread, on
 * first use.
 */
export function defaultKernels(): Kernels {
  current ??= !wasmDisabled() && wasmSimdAvailable() ? createWasmKernels() : jsKernels;
  return current;
}

/**
 * A zeroed Float32Array for a long-lived operand (weights, activations, gradients). With kernels
 * that have their own memory (WASM) it lives there and is used in place; otherwise a plain array.
 */
export function allocFor(kernels: Kernels, length: number): Float32Array {
  return kernels.alloc ? kernels.alloc(length) : new Float32Array(length);
}

/**
 * A long-lived array for an object's field: in the WASM memory when `kernels` are the WASM ones
 * (the programming and optimiser kernels then use it in place, no copy per step), freed once the
 * array is unreachable (WasmRuntime.allocOwned); a plain Float32Array otherwise.
 */
export function allocOwnedFor(kernels: Kernels, length: number): Float32Array {
  const rt = kernels.alloc ? wasmRuntime() : null;
  return rt && length > 0 ? rt.allocOwned(length) : new Float32Array(length);
}

/** Arrays from this length take the SIMD max|x| (V8's scalar loop costs ≈1.5 ns an element here). */
const MAX_ABS_WASM_MIN = 4096;

/**
 * max |x_i| over the first n elements: the per-programming weight scale w_max (DeviceArray) and
 * the noise-management α of the crossbar periphery. f32x4 in WebAssembly for large arrays (the
 * 200k-weight scan was a third of a batch-1 training step); 0 for n = 0.
 */
export function maxAbs(x: Float32Array, n: number = x.length): number {
  const rt = n >= MAX_ABS_WASM_MIN ? wasmRuntime() : null;
  if (rt) {
    rt.resetStaging();
    return rt.exports.max_abs(rt.place(x, n), n);
  }
  let a0 = 0;
  let a1 = 0;
  let i = 0;
  for (; i + 1 < n; i += 2) {
    a0 = Math.max(a0, Math.abs(x[i]!));
    a1 = Math.max(a1, Math.abs(x[i + 1]!));
  }
  if (i < n) a0 = Math.max(a0, Math.abs(x[i]!));
  return Math.max(a0, a1);
}

/**
 * Σ x_i² over x, in f64 with four partial sums (element i into sum i mod 4): one chain of
 * dependent additions was 4x slower, and the layer-Gaussian clip of hardware-aware training reads
 * every weight at every step. The WASM kernel adds in the same order, so both give the same bits.
 */
export function sumOfSquares(x: Float32Array): number {
  const n = x.length;
  const rt = n >= MAX_ABS_WASM_MIN && !wasmDisabled() ? wasmRuntime() : null;
  if (rt?.owns(x)) return rt.exports.sum_squares(x.byteOffset, n);
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    const a = x[i]!;
    const b = x[i + 1]!;
    const c = x[i + 2]!;
    const d = x[i + 3]!;
    s0 += a * a;
    s1 += b * b;
    s2 += c * c;
    s3 += d * d;
  }
  for (; i < n; i++) s0 += x[i]! * x[i]!;
  return s0 + s1 + (s2 + s3);
}

/** x_i = clamp(x_i, −bound, bound) in place (NaN kept); f32x4 when x lives in the kernel memory. */
export function clampAbs(x: Float32Array, bound: number): void {
  const n = x.length;
  const rt = n >= MAX_ABS_WASM_MIN && !wasmDisabled() ? wasmRuntime() : null;
  if (rt?.owns(x)) {
    rt.exports.clamp_abs(x.byteOffset, n, bound);
    return;
  }
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    if (v > bound) x[i] = bound;
    else if (v < -bound) x[i] = -bound;
  }
}

/**
 * Device buffers the WASM programming kernel reads in place: the programming-noise draws and a
 * copy of the stuck map inside the kernel memory. null when WebAssembly is unavailable or
 * disabled (NEUROFAB_KERNELS=js): the caller then keeps its JavaScript loop.
 */
export interface ProgramBuffers {
  readonly noise: Float32Array | null;
  readonly stuck: Uint8Array | null;
}

/**
 * Buffers for programWasm, owned by `owner` (they return to the kernel memory's free list once it
 * is garbage-collected); null without a WASM runtime.
 */
export function programBuffers(
  owner: object,
  devices: number,
  withNoise: boolean,
  stuck: Uint8Array | null,
): ProgramBuffers | null {
  // wasmDisabled() is read here, not only when the runtime is created: a test can compare both paths.
  const rt = wasmDisabled() ? null : wasmRuntime();
  if (!rt) return null;
  // Rounded up to 24: the WASM normal generator writes whole iterations of three blocks of 8 draws.
  const noise = withNoise ? rt.alloc(Math.ceil(devices / 24) * 24, owner).subarray(0, devices) : null;
  let stuckCopy: Uint8Array | null = null;
  if (stuck !== null) {
    const block = rt.alloc(Math.ceil(devices / 4), owner);
    stuckCopy = new Uint8Array(block.buffer, block.byteOffset, devices);
    stuckCopy.set(stuck);
  }
  return { noise, stuck: stuckCopy };
}

/**
 * The generic write of DeviceArray.program (levels, programming noise already drawn into
 * `buffers.noise`, clip to [0, 1], stuck-at) in WebAssembly SIMD: kernels.wat program_diff /
 * program_ref. Same f64 arithmetic in the same order as the JavaScript loop, so `out` is
 * bit-identical to it. `steps` = levels − 1 (0 = continuous).
 */
export function programWasm(
  perWeight: 1 | 2,
  w: Float32Array,
  n: number,
  buffers: ProgramBuffers,
  out: Float32Array,
  wMax: number,
  steps: number,
): void {
  const rt = wasmRuntime();
  if (!rt) throw new Error('programWasm needs the WebAssembly runtime');
  rt.resetStaging();
  const pw = rt.place(w, n);
  const po = rt.place(out, n, false);
  const flags = (steps > 0 ? 1 : 0) | (buffers.noise ? 2 : 0) | (buffers.stuck ? 4 : 0);
  const fn = perWeight === 2 ? rt.exports.program_diff : rt.exports.program_ref;
  fn(
    pw,
    buffers.noise ? buffers.noise.byteOffset : 0,
    buffers.stuck ? buffers.stuck.byteOffset : 0,
    po,
    n,
    1 / wMax,
    wMax,
    steps,
    steps > 0 ? 1 / steps : 0,
    flags,
  );
  rt.copyOut(out, po, n);
}

/**
 * Differential programming with the programming noise drawn in place (kernels.wat
 * program_diff_noisy: program_diff in f32x4, with fill_normal's Box–Muller drawing 384 normals at a
 * time into an L1-sized scratch), so the 2·n draws never go through main memory. The generator's four lanes are seeded from 16 draws of `rng`, as in
 * fillNormalWasm. `steps` = levels − 1 (0 = continuous).
 */
export function programNoisyWasm(
  w: Float32Array,
  n: number,
  buffers: ProgramBuffers,
  out: Float32Array,
  wMax: number,
  steps: number,
  rng: Rng,
  std: number,
  kernels?: Kernels,
): void {
  const rt = wasmRuntime();
  if (!rt) throw new Error('programNoisyWasm needs the WebAssembly runtime');
  rt.resetStaging();
  const state = rt.stageSpace(16);
  seedLanes(new Uint32Array(rt.f32.buffer, state, 16), rng);
  const pw = rt.place(w, n);
  const po = rt.place(out, n, false);
  const job: NoisyProgramJob = {
    w: pw,
    stuck: buffers.stuck ? buffers.stuck.byteOffset : 0,
    out: po,
    n,
    flags: (steps > 0 ? 1 : 0) | (buffers.stuck ? 4 : 0),
    inv: 1 / wMax,
    wMax,
    steps,
    invSteps: steps > 0 ? 1 / steps : 0,
    state,
    std,
  };
  if (kernels?.programNoisy) kernels.programNoisy(job);
  else programNoisyHere(rt, job);
  rt.copyOut(out, po, n);
}

/** One program_diff_noisy call over the whole job on this thread (scratch of thread 0). */
export function programNoisyHere(rt: WasmRuntime, job: NoisyProgramJob): void {
  rt.exports.program_diff_noisy(
    job.w,
    job.stuck,
    job.out,
    job.n,
    job.inv,
    job.wMax,
    job.steps,
    job.invSteps,
    job.flags,
    job.state,
    job.std,
    rt.scratch(0),
  );
}

/** Seeds the four xoshiro128** lanes (16 words) of the WASM normal generator from `rng`. */
function seedLanes(words: Uint32Array, rng: Rng): void {
  for (let i = 0; i < 16; i++) words[i] = rng.nextU32();
  // xoshiro's state must not be all zero in any lane (lane l is words l, 4+l, 8+l, 12+l).
  for (let l = 0; l < 4; l++)
    if ((words[l]! | words[4 + l]! | words[8 + l]! | words[12 + l]!) === 0) words[l] = 1;
}

/** Byte offset of the ziggurat tables (K, W, F: 128 f64 each) in the runtime's memory. */
let zigTables: { rt: object; at: number } | null = null;
/** The Rng state words staged for zig_fast (5 Int32s), reused between calls. */
let zigWords: Int32Array | null = null;

/**
 * rng.fillNormal(out, std, mean, n) for an `out` that lives in the kernel memory, with the same
 * draws (bit for bit): the ziggurat's fast path runs in WebAssembly (kernels.wat zig_fast, about
 * 98.8% of the draws) and hands each wedge or tail draw back to the Rng, which needs exp and log.
 */
export function fillNormalRng(
  rng: Rng,
  out: Float32Array | Float64Array,
  std: number,
  mean = 0,
  n = out.length,
): void {
  const rt = wasmRuntime();
  if (!rt?.owns(out)) {
    rng.fillNormal(out, std, mean, n);
    return;
  }
  if (zigTables?.rt !== rt) {
    const block = rt.alloc(3 * 128 * 2);
    const f64 = new Float64Array(block.buffer, block.byteOffset, 3 * 128);
    f64.set(ZIGGURAT_TABLES.K, 0);
    f64.set(ZIGGURAT_TABLES.W, 128);
    f64.set(ZIGGURAT_TABLES.F, 256);
    zigTables = { rt, at: block.byteOffset };
  }
  rt.resetStaging();
  const state = rt.stageSpace(8);
  // The view is kept between calls: a crossbar draws a tile row's read noise through here for
  // every input vector and tile (the staging offset only moves when the heap grows).
  if (zigWords?.byteOffset !== state || zigWords.buffer !== rt.f32.buffer)
    zigWords = new Int32Array(rt.f32.buffer, state, 5);
  const words = zigWords;
  const wide = out instanceof Float64Array ? 1 : 0;
  rng.saveState(words);
  let i = 0;
  for (;;) {
    i = rt.exports.zig_fast(out.byteOffset, i, n, state, zigTables.at, std, mean, wide);
    if (i >= n) break;
    rng.loadState(words);
    out[i] = mean + std * rng.normalAfterDraw(words[4]!);
    rng.saveState(words);
    i++;
  }
  rng.loadState(words);
}

/**
 * Programming noise comes from fillNormalWasm (SIMD Box–Muller, about 4x cheaper per normal than
 * the ziggurat) by default; NEUROFAB_NOISE=ziggurat keeps the Rng's own ziggurat draws (the numbers
 * of runs made before the switch). Both are N(0, σ²), seeded from the run's Rng and reproducible.
 */
export function wasmNoiseSelected(): boolean {
  return process.env.NEUROFAB_NOISE !== 'ziggurat';
}

/**
 * Fills `buffers.noise` with N(0, std²) draws in WebAssembly SIMD (kernels.wat fill_normal:
 * Box–Muller over four xoshiro128** lanes), about ten times faster than the JavaScript ziggurat.
 * The lanes are seeded from 16 draws of `rng`, so the noise is a function of the run's seed (and
 * differs from the JavaScript path's draws, which NEUROFAB_KERNELS=js keeps).
 */
export function fillNormalWasm(buffers: ProgramBuffers, rng: Rng, std: number): void {
  const rt = wasmRuntime();
  const noise = buffers.noise;
  if (!rt || !noise) throw new Error('fillNormalWasm needs the WebAssembly runtime and a noise buffer');
  rt.resetStaging();
  const state = rt.stageSpace(16);
  seedLanes(new Uint32Array(rt.f32.buffer, state, 16), rng);
  rt.exports.fill_normal(noise.byteOffset, noise.length, state, std, 0);
}

/** Installs another implementation (e.g. WASM SIMD) as the default for this thread. */
export function setDefaultKernels(k: Kernels): void {
  current = k;
}
