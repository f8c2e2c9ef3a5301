// The WebAssembly SIMD kernels against the plain JS kernels: random shapes (odd sizes, leading
// dimensions, sub-block views, accumulate), every path (row-by-row for batches below 4, dots for
// gemmNT, packed register-blocked core), the worker pool (bit-identical to one thread), and alloc.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultKernels, jsKernels, type Kernels, maxAbs } from '../../engine/sim/kernels';
import { wasmRuntime, wasmSimdAvailable } from '../../engine/sim/wasm/runtime';
import { createWasmKernels } from '../../engine/sim/wasm/wasm-kernels';

type Variant = 'gemm' | 'gemmTN' | 'gemmNT';

/** Element counts of A, B, C for a variant (m, n, k as in kernels.ts) with leading dimensions. */
function extents(v: Variant, m: number, n: number, k: number, lda: number, ldb: number, ldc: number) {
  if (v === 'gemm') return { a: m * lda, b: k * ldb, c: m * ldc, aCols: k, bCols: n, cCols: n };
  if (v === 'gemmTN') return { a: m * lda, b: m * ldb, c: k * ldc, aCols: k, bCols: n, cCols: n };
  return { a: m * lda, b: k * ldb, c: m * ldc, aCols: n, bCols: n, cCols: k };
}

function lcg(seed: number) {
  let s = seed >>> 0 || 1;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Random operands; `zeros` is the fraction of A set to exactly 0 (MNIST-like sparsity). */
function operands(v: Variant, m: number, n: number, k: number, pad: number, seed: number, zeros: number) {
  const rnd = lcg(seed);
  const lda = (v === 'gemmNT' ? n : k) + pad;
  const ldb = n + ((pad * 2) % 5);
  const ldc = (v === 'gemmNT' ? k : n) + ((pad * 3) % 4);
  const e = extents(v, m, n, k, lda, ldb, ldc);
  // One leading element so the operands are sub-block views (byteOffset ≠ 0).
  const A = Float32Array.from({ length: e.a + 1 }, () => (rnd() < zeros ? 0 : rnd() * 2 - 1)).subarray(1);
  const B = Float32Array.from({ length: e.b + 1 }, () => rnd() * 2 - 1).subarray(1);
  const C = Float32Array.from({ length: e.c }, () => rnd() * 2 - 1);
  return { A, B, C, lda, ldb, ldc };
}

function run(
  K: Kernels,
  v: Variant,
  m: number,
  n: number,
  k: number,
  o: ReturnType<typeof operands>,
  acc: boolean,
) {
  const C = o.C.slice();
  K[v](m, n, k, o.A, o.lda, o.B, o.ldb, C, o.ldc, acc);
  return C;
}

/** |x − y| ≤ tol·(1 + Σ|terms|) with Σ|terms| bounded by the depth of the sum. */
function expectClose(actual: Float32Array, expected: Float32Array, depth: number) {
  const tol = 4e-7 * (depth + 4);
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i]! - expected[i]!);
    if (!(d <= tol * (1 + Math.abs(expected[i]!)) * 2)) {
      throw new Error(`element ${i}: ${actual[i]} vs ${expected[i]} (|d| = ${d})`);
    }
  }
}

describe.runIf(wasmSimdAvailable())('WASM SIMD kernels', () => {
  const one = createWasmKernels({ threads: 1 });
  // parallelMin 1: every product goes through the pool, even tiny ones.
  const two = createWasmKernels({ threads: 2, parallelMin: 1 });
  afterAll(() => two.close());

  it('are the default kernels where WebAssembly SIMD exists', () => {
    expect(defaultKernels().name).toMatch(/^wasm-simd/);
  });

  it('compute hand-computed products (gemm, gemmTN, gemmNT, accumulate)', () => {
    const X = Float32Array.from([1, 2, 0, -1, 0.5, 3]);
    const W = Float32Array.from([1, -1, 2, 0, 0.5, 4]);
    const D = Float32Array.from([1, 2, 3, -1]);
    const C = new Float32Array(4);
    one.gemm(2, 2, 3, X, 3, W, 2, C, 2, false);
    expect([...C]).toEqual([5, -1, 1.5, 13]);
    one.gemm(2, 2, 3, X, 3, W, 2, C, 2, true);
    expect([...C]).toEqual([10, -2, 3, 26]);
    const G = new Float32Array(6).fill(99);
    one.gemmTN(2, 2, 3, X, 3, D, 2, G, 2, false);
    expect([...G]).toEqual([-2, 3, 3.5, 3.5, 9, -3]);
    const E = new Float32Array(6);
    one.gemmNT(2, 2, 3, D, 2, W, 2, E, 3, false);
    expect([...E]).toEqual([-1, 2, 8.5, 4, 6, -2.5]);
  });

  it('match jsKernels on random shapes, leading dimensions, views and accumulate', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<Variant>('gemm', 'gemmTN', 'gemmNT'),
        fc.integer({ min: 1, max: 37 }),
        fc.integer({ min: 1, max: 70 }),
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 0, max: 6 }),
        fc.boolean(),
        fc.integer({ min: 1, max: 1e6 }),
        fc.constantFrom(0, 0.8),
        (v, m, n, k, pad, acc, seed, zeros) => {
          const o = operands(v, m, n, k, pad, seed, zeros);
          const expected = run(jsKernels, v, m, n, k, o, acc);
          const depth = v === 'gemmTN' ? m : v === 'gemmNT' ? n : k;
          expectClose(run(one, v, m, n, k, o, acc), expected, depth);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('give bit-identical results on one thread and on the pool', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<Variant>('gemm', 'gemmTN', 'gemmNT'),
        fc.integer({ min: 4, max: 40 }),
        fc.integer({ min: 16, max: 90 }),
        fc.integer({ min: 1, max: 600 }),
        fc.boolean(),
        fc.integer({ min: 1, max: 1e6 }),
        (v, m, n, k, acc, seed) => {
          const o = operands(v, m, n, k, 1, seed, 0.5);
          expect(run(two, v, m, n, k, o, acc)).toEqual(run(one, v, m, n, k, o, acc));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('skip all-zero blocks of Aᵀ (blank pixels of a batch) in gemmTN without changing the result', () => {
    // X: 37 samples × 50 pixels, pixels 0–13 and 30–41 blank in every sample (image borders).
    const m = 37;
    const k = 50;
    const n = 19;
    const rnd = lcg(11);
    const X = Float32Array.from({ length: m * k }, (_, i) => {
      const p = i % k;
      return p < 14 || (p >= 30 && p < 42) ? 0 : rnd() - 0.5;
    });
    const D = Float32Array.from({ length: m * n }, () => rnd() - 0.5);
    for (const acc of [false, true]) {
      const start = Float32Array.from({ length: k * n }, () => rnd());
      const expected = start.slice();
      jsKernels.gemmTN(m, n, k, X, k, D, n, expected, n, acc);
      for (const K of [one, two]) {
        const got = start.slice();
        K.gemmTN(m, n, k, X, k, D, n, got, n, acc);
        expectClose(got, expected, m);
        // Blank pixels: their gradient rows are exactly 0 (fresh) or unchanged (accumulate).
        for (let j = 0; j < n; j++) expect(got[0 * n + j]).toBe(acc ? start[j] : 0);
      }
    }
  });

  it('drop blank input steps in X·W (compressed packing) without changing the result', () => {
    // 23 samples × 300 pixels; the first 120 and last 60 pixels blank in every sample, and a
    // scatter of further zeros, so dense, sparse and empty 4-row blocks all occur.
    const m = 23;
    const k = 300;
    const n = 45;
    const rnd = lcg(5);
    const X = Float32Array.from({ length: m * k }, (_, i) => {
      const p = i % k;
      return p < 120 || p >= 240 || rnd() < 0.5 ? 0 : rnd();
    });
    const W = Float32Array.from({ length: k * n }, () => rnd() - 0.5);
    for (const acc of [false, true]) {
      const start = Float32Array.from({ length: m * n }, () => rnd());
      const expected = start.slice();
      jsKernels.gemm(m, n, k, X, k, W, n, expected, n, acc);
      const single = start.slice();
      one.gemm(m, n, k, X, k, W, n, single, n, acc);
      expectClose(single, expected, k);
      const pooled = start.slice();
      two.gemm(m, n, k, X, k, W, n, pooled, n, acc);
      expect(pooled).toEqual(single);
    }
  });

  it('leave the gaps between rows of C (ldc > columns) untouched', () => {
    const A = Float32Array.from({ length: 5 * 3 }, (_, i) => i - 7);
    const B = Float32Array.from({ length: 3 * 9 }, (_, i) => (i % 4) - 1.5);
    const C = new Float32Array(5 * 12).fill(42);
    one.gemm(5, 9, 3, A, 3, B, 9, C, 12, false);
    for (let r = 0; r < 5; r++) expect([...C.subarray(r * 12 + 9, r * 12 + 12)]).toEqual([42, 42, 42]);
  });

  it('use alloc()ed arrays in place, with the same results as copied operands', () => {
    const m = 9;
    const n = 33;
    const k = 70;
    const o = operands('gemm', m, n, k, 0, 7, 0.3);
    const A = one.alloc(o.A.length);
    const B = one.alloc(o.B.length);
    const C = one.alloc(o.C.length);
    expect(A.every((x) => x === 0)).toBe(true);
    // In the kernel memory (used in place), also after the memory grows; plain arrays are not.
    const rt = wasmRuntime()!;
    const grown = one.alloc(20_000_000);
    expect(rt.owns(A) && rt.owns(grown)).toBe(true);
    expect(rt.owns(new Float32Array(4))).toBe(false);
    A.set(o.A);
    B.set(o.B);
    one.gemm(m, n, k, A, o.lda, B, o.ldb, C, o.ldc, false);
    const copied = new Float32Array(o.C.length);
    one.gemm(m, n, k, o.A, o.lda, o.B, o.ldb, copied, o.ldc, false);
    expect([...C]).toEqual([...copied]);
  });

  it('handle empty dimensions like jsKernels (k = 0 clears C unless accumulating)', () => {
    const C = new Float32Array(6).fill(3);
    one.gemm(2, 3, 0, new Float32Array(0), 0, new Float32Array(0), 3, C, 3, true);
    expect([...C]).toEqual([3, 3, 3, 3, 3, 3]);
    one.gemm(2, 3, 0, new Float32Array(0), 0, new Float32Array(0), 3, C, 3, false);
    expect([...C]).toEqual([0, 0, 0, 0, 0, 0]);
  });
});

describe('maxAbs', () => {
  it('finds the largest magnitude, small (JS) and large (SIMD, odd tail) arrays alike', () => {
    expect(maxAbs(Float32Array.from([0.5, -3, 2]))).toBe(3);
    expect(maxAbs(new Float32Array(0))).toBe(0);
    const big = new Float32Array(10_007).fill(0.25);
    big[10_006] = -7.5; // in the scalar tail
    expect(maxAbs(big)).toBe(7.5);
    big[5] = 9;
    expect(maxAbs(big)).toBe(9);
    expect(maxAbs(big, 5)).toBe(0.25);
  });
});
