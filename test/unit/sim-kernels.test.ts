// The JS kernels against hand-computed products.
import { describe, expect, it } from 'vitest';
import { jsKernels as K } from '../../engine/sim/kernels';

const f32 = (a: number[]) => Float32Array.from(a);

describe('jsKernels', () => {
  // X (2×3), W (3×2), D (2×2)
  const X = f32([1, 2, 0, -1, 0.5, 3]);
  const W = f32([1, -1, 2, 0, 0.5, 4]);

  it('gemm: X·W', () => {
    const C = new Float32Array(4);
    K.gemm(2, 2, 3, X, 3, W, 2, C, 2, false);
    // row 0: [1·1 + 2·2 + 0, 1·(−1) + 0 + 0] ; row 1: [−1 + 1 + 1.5, 1 + 0 + 12]
    expect([...C]).toEqual([5, -1, 1.5, 13]);
    K.gemm(2, 2, 3, X, 3, W, 2, C, 2, true);
    expect([...C]).toEqual([10, -2, 3, 26]);
  });

  it('gemmTN: Xᵀ·D', () => {
    const D = f32([1, 2, 3, -1]);
    const C = new Float32Array(6).fill(99);
    K.gemmTN(2, 2, 3, X, 3, D, 2, C, 2, false);
    // Xᵀ = [[1,−1],[2,0.5],[0,3]]
    expect([...C]).toEqual([1 - 3, 2 + 1, 2 + 1.5, 4 - 0.5, 9, -3]);
  });

  it('gemmNT: D·Wᵀ', () => {
    const D = f32([1, 2, 3, -1]);
    const C = new Float32Array(6);
    K.gemmNT(2, 2, 3, D, 2, W, 2, C, 3, false);
    // W rows: [1,−1], [2,0], [0.5,4]
    expect([...C]).toEqual([-1, 2, 8.5, 4, 6, -2.5]);
    K.gemmNT(2, 2, 3, D, 2, W, 2, C, 3, true);
    expect([...C]).toEqual([-2, 4, 17, 8, 12, -5]);
  });

  it('honours leading dimensions and sub-blocks (a tile of a larger matrix)', () => {
    // A 2×4 parent; take columns 1..2 as a 2×2 block. B: rows 1..2 of a 4×3 matrix, first 2 cols.
    const A = f32([9, 1, 2, 9, 9, 3, 4, 9]);
    const B = f32([0, 0, 0, 1, 2, 7, 3, 4, 7, 0, 0, 0]);
    const C = new Float32Array(2 * 5).fill(-1);
    K.gemm(2, 2, 2, A.subarray(1), 4, B.subarray(3), 3, C, 5, false);
    expect([...C]).toEqual([7, 10, -1, -1, -1, 15, 22, -1, -1, -1]);
  });

  it('matches a naive product on random non-multiple-of-4 shapes', () => {
    const m = 5;
    const k = 13;
    const n = 7;
    let s = 1;
    const rnd = () => {
      s = (Math.imul(s, 48271) >>> 0) % 2147483647;
      return (s / 2147483647) * 2 - 1;
    };
    const A = Float32Array.from({ length: m * k }, () => (rnd() > 0.5 ? 0 : rnd()));
    const B = Float32Array.from({ length: k * n }, rnd);
    const C = new Float32Array(m * n);
    K.gemm(m, n, k, A, k, B, n, C, n, false);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let ref = 0;
        for (let p = 0; p < k; p++) ref += A[i * k + p]! * B[p * n + j]!;
        expect(C[i * n + j]).toBeCloseTo(ref, 5);
      }
    }
  });
});
