// Weight → conductance mapping, level quantisation, programming noise and stuck-at faults.
import { describe, expect, it } from 'vitest';
import { DeviceArray, quantiseConductance, STUCK_GMAX, STUCK_GMIN } from '../../engine/sim/device';
import { deviceModel } from '../../engine/sim/presets';
import { Rng } from '../../engine/sim/rng';

const f32 = (a: number[]) => Float32Array.from(a);

function programOnce(
  w: number[],
  dev: Parameters<typeof deviceModel>[0],
  scheme: 'differential' | 'reference_column' = 'differential',
  clip: number | null = null,
) {
  const arr = new DeviceArray(deviceModel(dev), w.length, scheme, clip, new Rng(1, 3));
  const out = new Float32Array(w.length);
  arr.program(f32(w), out, new Rng(1, 4));
  return { out: [...out], arr };
}

describe('device mapping', () => {
  it('quantises normalised conductance to evenly spaced levels', () => {
    expect(quantiseConductance(0.3, 5)).toBe(0.25);
    expect(quantiseConductance(0.4, 5)).toBe(0.5);
    expect(quantiseConductance(1, 5)).toBe(1);
    expect(quantiseConductance(0.3, 2)).toBe(0);
    expect(quantiseConductance(0.3, null)).toBe(0.3);
  });

  it('an exact device stores the weights unchanged', () => {
    const w = [0.123, -0.5, 2.5, 0];
    const { out, arr } = programOnce(w, { name: 'ideal' });
    expect(out).toEqual([...f32(w)]);
    expect(arr.wMax).toBeCloseTo(2.5, 6);
  });

  it('differential pair with 5 levels: w_max = max|w| maps to the full range', () => {
    // w/w_max = [1, −0.3, 0.6, 0.1, −1, 0.13] → levels of 0.25: [1, −0.25, 0.5, 0, −1, 0.25]
    const { out, arr } = programOnce([2, -0.6, 1.2, 0.2, -2, 0.26], { name: 'q', levels: 5 });
    expect(arr.wMax).toBe(2);
    expect(out).toEqual([2, -0.5, 1, 0, -2, 0.5]);
  });

  it('a fixed weight clip saturates larger weights', () => {
    const { out } = programOnce([1, -0.25, 0.125, -3], { name: 'c' }, 'differential', 0.5);
    expect(out).toEqual([0.5, -0.25, 0.125, -0.5]);
  });

  it('reference column: w = 2·w_max·(g̃ − ½), zero at mid-range', () => {
    // g̃ = ½ + ½·w/w_max = [1, 0, 0.5, 0.75, 0.65→0.75]
    const { out } = programOnce([1, -1, 0, 0.5, 0.3], { name: 'r', levels: 5 }, 'reference_column');
    expect(out).toEqual([1, -1, 0, 0.5, 0.5]);
  });

  it('programming noise: std of a seeded sample matches σ (reference column, mid-range)', () => {
    const n = 200_000;
    const arr = new DeviceArray(
      deviceModel({ name: 'n', programNoise: 0.05 }),
      n,
      'reference_column',
      1,
      new Rng(5, 3),
    );
    const out = new Float32Array(n);
    arr.program(new Float32Array(n), out, new Rng(5, 4));
    const { mean, std } = stats(out);
    // w = 2·(g̃ − ½) with g̃ = ½ + N(0, 0.05): std 0.1, far from the clip.
    expect(Math.abs(mean)).toBeLessThan(0.001);
    expect(std / 0.1).toBeGreaterThan(0.99);
    expect(std / 0.1).toBeLessThan(1.01);
  });

  it('programming noise on a differential pair, with the g_min device clipped (hand-derived moments)', () => {
    const n = 200_000;
    const sigma = 0.05;
    const arr = new DeviceArray(
      deviceModel({ name: 'n', programNoise: sigma }),
      n,
      'differential',
      1,
      new Rng(6, 3),
    );
    const out = new Float32Array(n);
    arr.program(new Float32Array(n).fill(0.5), out, new Rng(6, 4));
    const { mean, std } = stats(out);
    // G⁺ at ½ gets N(0, σ); G⁻ at g_min becomes max(0, N(0, σ)): mean σ/√(2π), variance σ²(½ − 1/(2π)).
    expect(mean).toBeCloseTo(0.5 - sigma / Math.sqrt(2 * Math.PI), 3);
    const expected = sigma * Math.sqrt(1 + 0.5 - 1 / (2 * Math.PI));
    expect(Math.abs(std / expected - 1)).toBeLessThan(0.01);
  });

  it('draws fresh programming noise on every write', () => {
    const arr = new DeviceArray(
      deviceModel({ name: 'n', programNoise: 0.05 }),
      10,
      'differential',
      1,
      new Rng(1),
    );
    const a = new Float32Array(10);
    const b = new Float32Array(10);
    const rng = new Rng(2);
    arr.program(new Float32Array(10).fill(0.5), a, rng);
    arr.program(new Float32Array(10).fill(0.5), b, rng);
    expect([...a]).not.toEqual([...b]);
  });

  it('stuck-at faults: seeded fractions, fixed for the run, overriding every write', () => {
    const n = 100_000;
    const dev = deviceModel({ name: 's', stuckAtGMin: 0.1, stuckAtGMax: 0.05 });
    const arr = new DeviceArray(dev, n, 'differential', 1, new Rng(3, 3));
    const map = arr.stuck!;
    expect(map.length).toBe(2 * n);
    let lo = 0;
    let hi = 0;
    for (const s of map) {
      if (s === STUCK_GMIN) lo++;
      if (s === STUCK_GMAX) hi++;
    }
    expect(Math.abs(lo / (2 * n) - 0.1)).toBeLessThan(0.003);
    expect(Math.abs(hi / (2 * n) - 0.05)).toBeLessThan(0.003);
    expect([...new DeviceArray(dev, n, 'differential', 1, new Rng(3, 3)).stuck!]).toEqual([...map]);
    const out = new Float32Array(n);
    arr.program(new Float32Array(n).fill(0.5), out, new Rng(1));
    for (let i = 0; i < 1000; i++) {
      const gp = map[2 * i] === STUCK_GMIN ? 0 : map[2 * i] === STUCK_GMAX ? 1 : 0.5;
      const gn = map[2 * i + 1] === STUCK_GMAX ? 1 : 0;
      expect(out[i]).toBe(gp - gn);
    }
  });
});

function stats(a: Float32Array): { mean: number; std: number } {
  let s = 0;
  let s2 = 0;
  for (const v of a) {
    s += v;
    s2 += v * v;
  }
  const mean = s / a.length;
  return { mean, std: Math.sqrt(s2 / a.length - mean * mean) };
}
