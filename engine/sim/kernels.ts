// The dense linear-algebra seam. Everything the simulator multiplies goes through one Kernels
// object, so faster back ends (WASM SIMD, worker-parallel) can be dropped in without touching the
// device or training code. Matrices are row-major Float32Array with explicit leading dimensions
// (a sub-block of a larger matrix is a subarray view plus the parent's leading dimension).
//
// Shapes use one naming throughout: m = batch rows, k = layer inputs, n = layer outputs; so X is
// m×k, W is k×n and D (a gradient at the outputs) is m×n.
import { wasmDisabled, wasmRuntime, wasmSimdAvailable } from './wasm/runtime';
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

/** Installs another implementation (e.g. WASM SIMD) as the default for this thread. */
export function setDefaultKernels(k: Kernels): void {
  current = k;
}
