// The seeded generator: reproducible streams and the distributions the device model relies on.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../engine/sim/rng';

describe('Rng', () => {
  it('repeats a stream for a seed and separates seeds and streams', () => {
    const seq = (r: Rng) => Array.from({ length: 8 }, () => r.nextU32());
    expect(seq(new Rng(7))).toEqual(seq(new Rng(7)));
    expect(seq(new Rng(7))).not.toEqual(seq(new Rng(8)));
    expect(seq(new Rng(7, 1))).not.toEqual(seq(new Rng(7, 2)));
    expect(seq(new Rng(2 ** 40))).not.toEqual(seq(new Rng(0)));
    for (const v of seq(new Rng(0))) expect(Number.isInteger(v) && v >= 0 && v < 2 ** 32).toBe(true);
  });

  it('gives uniform values in [0, 1) with the right mean and variance', () => {
    const r = new Rng(1);
    const n = 200_000;
    let s = 0;
    let s2 = 0;
    let min = 1;
    let max = 0;
    for (let i = 0; i < n; i++) {
      const u = r.uniform();
      min = Math.min(min, u);
      max = Math.max(max, u);
      s += u;
      s2 += u * u;
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    expect(s / n).toBeCloseTo(0.5, 2);
    expect(s2 / n - (s / n) ** 2).toBeCloseTo(1 / 12, 3);
  });

  it('gives standard normals: mean, std, tails and kurtosis of a large seeded sample', () => {
    const r = new Rng(42);
    const n = 1_000_000;
    const a = new Float64Array(n);
    r.fillNormal(a, 2, 1);
    let s = 0;
    let s2 = 0;
    let s4 = 0;
    let beyond2 = 0;
    for (const v of a) {
      const z = (v - 1) / 2;
      s += z;
      s2 += z * z;
      s4 += z ** 4;
      if (Math.abs(z) > 2) beyond2++;
    }
    // Standard errors for n = 1e6: mean 0.001, variance 0.0014, P(|z|>2) 0.0002, kurtosis 0.005.
    expect(Math.abs(s / n)).toBeLessThan(0.004);
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.006);
    expect(Math.abs(beyond2 / n - 0.0455)).toBeLessThan(0.001);
    expect(Math.abs(s4 / n - 3)).toBeLessThan(0.03);
  });

  it('draws unbiased integers and shuffles into a permutation', () => {
    const r = new Rng(3);
    const counts = new Array(6).fill(0);
    for (let i = 0; i < 60_000; i++) counts[r.int(6)]++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(400);
    expect(() => r.int(0)).toThrow(RangeError);
    const arr = Uint32Array.from({ length: 100 }, (_, i) => i);
    r.shuffle(arr);
    expect([...arr].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect([...arr]).not.toEqual(Array.from({ length: 100 }, (_, i) => i));
    const a1 = Uint32Array.from({ length: 100 }, (_, i) => i);
    const a2 = Uint32Array.from({ length: 100 }, (_, i) => i);
    new Rng(9).shuffle(a1);
    new Rng(9).shuffle(a2);
    expect([...a1]).toEqual([...a2]);
  });
});
