// Kernels on WebAssembly SIMD (kernels.wat), optionally spread over a worker pool. Each variant
// of engine/sim/kernels.ts maps onto one generalised product C (+)= A'·B' whose operands are
// addressed through strides, so a transpose costs nothing (see kernels.wat).
//
// Operands that do not live in the kernel memory are copied in for the call (and C copied back):
// a TypedArray.set of 800 KB takes about 20 µs here, against about 500 µs for the batch-32 GEMM
// it feeds. Arrays from `alloc()` live in the memory and are used in place.
import os from 'node:os';
import { KernelPool } from '../kernel-pool';
import { type Gemm, type Kernels, type NoisyProgramJob, programNoisyHere } from '../kernels';
import { jumpLanes, jumpMatrix } from '../xoshiro-jump';
import { type WasmRuntime, wasmRuntime } from './runtime';

export interface WasmKernels extends Kernels {
  /** A zeroed array inside the kernel memory: kernels use it in place, without copies. */
  alloc(length: number): Float32Array;
  /** Threads a large GEMM is split over (1 = this thread only). */
  readonly threads: number;
  /** Stops the pool's workers (idempotent); the kernels keep working on this thread. */
  close(): void;
}

export interface WasmKernelOptions {
  /** Threads for large GEMMs, this one included (default: NEUROFAB_KERNEL_THREADS or 2). */
  threads?: number;
  /**
   * Multiply-adds (M·N·K) from which a GEMM is split over the pool. Below it the wake-up of a
   * worker (a few µs spinning, tens of µs from sleep) costs more than the half it saves.
   */
  parallelMin?: number;
}

/**
 * Default pool size: two threads (both cores of the reference machine), one on a single-core
 * machine; NEUROFAB_KERNEL_THREADS overrides. Two, not every core: the run manager already runs
 * cores − 1 jobs side by side, each with its own pool.
 */
export function defaultThreadCount(): number {
  const env = Number(process.env.NEUROFAB_KERNEL_THREADS);
  if (Number.isInteger(env) && env >= 1) return env;
  return Math.min(2, os.availableParallelism());
}

/**
 * Weights per chunk of a programming split over threads: a multiple of the kernel's 192-weight
 * noise chunk (85 of them), large enough that the lane jump (2 µs) and a claim are noise against
 * its ~80 µs.
 */
const PROGRAM_CHUNK = 192 * 85;

/** M below which a product is done row by row (no packing): batch sizes 1–3. */
const ROWS_BELOW = 4;

export function createWasmKernels(options: WasmKernelOptions = {}): WasmKernels {
  const maybe = wasmRuntime();
  if (!maybe) throw new Error('WebAssembly SIMD is not available in this JavaScript engine');
  const rt: WasmRuntime = maybe;
  const ex = rt.exports;
  const threads = Math.max(1, options.threads ?? defaultThreadCount());
  const parallelMin = options.parallelMin ?? 1 << 19;
  let pool: KernelPool | null = null;
  let closed = false;

  /**
   * The shared body: place operands, run `body` on their byte offsets, copy C back.
   * aLen/bLen are the extents read from A and B; C is cRows×cCols with leading dimension ldc.
   */
  function withOperands(
    a: Float32Array,
    aLen: number,
    b: Float32Array,
    bLen: number,
    c: Float32Array,
    cRows: number,
    cCols: number,
    ldc: number,
    accumulate: boolean,
    body: (pa: number, pb: number, pc: number) => void,
    /** Place B row by row, only the rows this returns true for (the others are never read). */
    neededRowOfB?: (q: number) => boolean,
    ldb = 0,
    bCols = 0,
  ): void {
    if (cRows === 0 || cCols === 0) return;
    rt.resetStaging();
    const cLen = (cRows - 1) * ldc + cCols;
    const pa = rt.place(a, aLen);
    let pb: number;
    if (neededRowOfB && !rt.owns(b)) {
      pb = rt.stageSpace(bLen);
      const f32 = rt.f32;
      const base = pb >> 2;
      for (let q = 0; q * ldb < bLen; q++) {
        if (neededRowOfB(q)) f32.set(b.subarray(q * ldb, q * ldb + bCols), base + q * ldb);
      }
    } else {
      pb = rt.place(b, bLen);
    }
    // Gaps between rows of C (ldc > cCols) must survive the copy back, so they are copied in too.
    const pc = rt.place(c, cLen, accumulate || ldc !== cCols);
    body(pa, pb, pc);
    rt.copyOut(c, pc, cLen);
  }

  function core(
    M: number,
    N: number,
    K: number,
    a: number,
    sar: number,
    saq: number,
    b: number,
    sq: number,
    sj: number,
    c: number,
    ldc: number,
    acc: number,
  ): void {
    if (threads > 1 && !closed && M * N * K >= parallelMin && N >= 16) {
      pool ??= new KernelPool(rt, threads);
      pool.run({ M, N, K, a, sar, saq, b, sq, sj, c, ldc, acc });
    } else {
      ex.gemm_core(M, N, K, a, sar, saq, b, sq, sj, c, ldc, acc, rt.scratch(0));
    }
  }

  function zeroC(c: Float32Array, rows: number, cols: number, ldc: number): void {
    for (let r = 0; r < rows; r++) c.fill(0, r * ldc, r * ldc + cols);
  }

  // X·W: C(m×n) = A(m×k)·B(k×n).
  const gemm: Gemm = (m, n, k, a, lda, b, ldb, c, ldc, accumulate) => {
    if (k === 0) {
      if (!accumulate) zeroC(c, m, n, ldc);
      return;
    }
    if (m === 0 || n === 0) return;
    const acc = accumulate ? 1 : 0;
    const small = m < ROWS_BELOW;
    // Batch < 4 goes row by row and reads row q of W only where some x(i, q) ≠ 0: copy just those
    // rows (a fifth of W on MNIST) instead of all of it.
    const needed = small
      ? (q: number) => {
          for (let i = 0; i < m; i++) if (a[i * lda + q] !== 0) return true;
          return false;
        }
      : undefined;
    withOperands(
      a,
      (m - 1) * lda + k,
      b,
      (k - 1) * ldb + n,
      c,
      m,
      n,
      ldc,
      accumulate,
      (pa, pb, pc) => {
        if (small) ex.gemm_rows(m, n, k, pa, 4 * lda, 4, pb, 4 * ldb, pc, ldc, acc);
        else core(m, n, k, pa, 4 * lda, 4, pb, 4 * ldb, 4, pc, ldc, acc);
      },
      needed,
      ldb,
      n,
    );
  };

  // Xᵀ·D: C(k×n) = A(m×k)ᵀ·B(m×n); A' = Aᵀ is read through swapped strides.
  const gemmTN: Gemm = (m, n, k, a, lda, b, ldb, c, ldc, accumulate) => {
    if (m === 0) {
      if (!accumulate) zeroC(c, k, n, ldc);
      return;
    }
    if (k === 0 || n === 0) return;
    const acc = accumulate ? 1 : 0;
    withOperands(a, (m - 1) * lda + k, b, (m - 1) * ldb + n, c, k, n, ldc, accumulate, (pa, pb, pc) => {
      if (m < ROWS_BELOW) ex.gemm_rows(k, n, m, pa, 4, 4 * lda, pb, 4 * ldb, pc, ldc, acc);
      else core(k, n, m, pa, 4, 4 * lda, pb, 4 * ldb, 4, pc, ldc, acc);
    });
  };

  // D·Wᵀ: C(m×k) = A(m×n)·B(k×n)ᵀ; B' = Bᵀ is packed from its rows.
  const gemmNT: Gemm = (m, n, k, a, lda, b, ldb, c, ldc, accumulate) => {
    if (n === 0) {
      if (!accumulate) zeroC(c, m, k, ldc);
      return;
    }
    if (m === 0 || k === 0) return;
    const acc = accumulate ? 1 : 0;
    withOperands(a, (m - 1) * lda + n, b, (k - 1) * ldb + n, c, m, k, ldc, accumulate, (pa, pb, pc) => {
      if (m < ROWS_BELOW) ex.gemm_dots(m, k, n, pa, lda, pb, ldb, pc, ldc, acc);
      else core(m, k, n, pa, 4 * lda, 4, pb, 4, 4 * ldb, pc, ldc, acc);
    });
  };

  /**
   * Programming with in-kernel noise, split into PROGRAM_CHUNK-weight chunks over the pool when
   * there are two or more: chunk i starts from the lanes jumped ahead by the draws of chunks
   * 0..i−1 (xoshiro-jump.ts), so the result is that of one call, bit for bit.
   */
  function programNoisy(job: NoisyProgramJob): void {
    const chunks = Math.ceil(job.n / PROGRAM_CHUNK);
    if (threads === 1 || closed || chunks < 2) {
      programNoisyHere(rt, job);
      return;
    }
    const states = rt.stageSpace(16 * chunks);
    const words = new Uint32Array(rt.f32.buffer, states, 16 * chunks);
    words.set(new Uint32Array(rt.f32.buffer, job.state, 16));
    // Each lane steps twice per four weights (eight normals).
    const jump = jumpMatrix(PROGRAM_CHUNK / 2);
    for (let c = 1; c < chunks; c++)
      jumpLanes(words.subarray(16 * (c - 1), 16 * c), jump, words.subarray(16 * c));
    pool ??= new KernelPool(rt, threads);
    pool.runProgram({ ...job, states }, PROGRAM_CHUNK);
  }

  return {
    name: threads > 1 ? `wasm-simd×${threads}` : 'wasm-simd',
    programNoisy,
    gemm,
    gemmTN,
    gemmNT,
    threads,
    alloc: (length) => rt.alloc(length),
    close() {
      closed = true;
      pool?.close();
      pool = null;
    },
  };
}
