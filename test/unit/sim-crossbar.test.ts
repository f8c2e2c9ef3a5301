// Crossbar MVM: the exact path, DAC/ADC quantisation, per-tile ADC, and read-noise statistics.
import { describe, expect, it } from 'vitest';
import { CrossbarLayer, quantiseIO } from '../../engine/sim/crossbar';
import { jsKernels } from '../../engine/sim/kernels';
import { type LayerPlan, type TilePlan, tilePlan } from '../../engine/sim/plan';
import { deviceModel } from '../../engine/sim/presets';
import { Rng } from '../../engine/sim/rng';

function layer(
  k: number,
  n: number,
  tile: Partial<TilePlan>,
  dev: Parameters<typeof deviceModel>[0],
): LayerPlan {
  return {
    kind: 'dense',
    name: 'fc',
    inputs: k,
    units: n,
    activation: 'identity',
    bias: false,
    tile: tilePlan(k, n, { name: 't', ...tile }),
    device: deviceModel(dev),
  };
}

function run(plan: LayerPlan, w: number[], x: number[], m = 1, seed = 1): number[] {
  const xb = new CrossbarLayer(plan, m, jsKernels, new Rng(seed, 3));
  xb.program(Float32Array.from(w), new Rng(seed, 4));
  const out = new Float32Array(m * plan.units);
  xb.forward(Float32Array.from(x), m, out, new Rng(seed, 5));
  return [...out];
}

describe('converters', () => {
  it('quantise to 2^bits − 2 steps over ±bound, clipping outside; 0 bits is ideal', () => {
    // 3 bits: 6 steps over [−1, 1], step 1/3.
    expect(quantiseIO(0.4, 3, 1)).toBe(1 / 3);
    expect(quantiseIO(0.6, 3, 1)).toBe(2 / 3);
    expect(quantiseIO(-0.2, 3, 1)).toBe(-1 / 3);
    expect(quantiseIO(0.1, 3, 1)).toBe(0);
    expect(quantiseIO(5, 3, 1)).toBe(1);
    expect(quantiseIO(-5, 3, 1)).toBe(-1);
    // 8 bits over ±12: step 24/254.
    expect(quantiseIO(1, 8, 12)).toBeCloseTo((24 / 254) * 11, 12);
    expect(quantiseIO(5, 0, 1)).toBe(5);
    expect(quantiseIO(-0.123, 0, 1)).toBe(-0.123);
  });
});

describe('CrossbarLayer', () => {
  it('ideal device with 0-bit converters equals the exact float MVM, bit for bit', () => {
    const k = 300;
    const n = 37;
    const m = 5;
    const r = new Rng(11);
    const w = Float32Array.from({ length: k * n }, () => r.normal() * 0.1);
    const x = Float32Array.from({ length: m * k }, () => (r.uniform() < 0.7 ? 0 : r.uniform()));
    const plan = layer(k, n, { rows: 64, cols: 16 }, { name: 'ideal' });
    const xb = new CrossbarLayer(plan, m, jsKernels, new Rng(1));
    xb.program(w, new Rng(2));
    const out = new Float32Array(m * n);
    xb.forward(x, m, out, new Rng(3));
    const ref = new Float32Array(m * n);
    for (let i = 0; i < m; i++) {
      for (let p = 0; p < k; p++)
        for (let j = 0; j < n; j++) ref[i * n + j]! += x[i * k + p]! * w[p * n + j]!;
    }
    expect([...out]).toEqual([...ref]);
  });

  it('DAC and ADC quantisation, hand-computed', () => {
    // α = max|x| = 2; x̃ = [0.5, −1, 0.25] → DAC 3 bit → [2/3, −1, 1/3].
    // W = [1, 0.25, 1]ᵀ (w_max 1): ỹ = 2/3 − 0.25 + 1/3 = 0.75 → ADC 3 bit → 2/3; y = α·w_max·2/3.
    const plan = layer(3, 1, { dacBits: 3, adcBits: 3, outputBound: 1 }, { name: 'ideal' });
    expect(run(plan, [1, 0.25, 1], [1, -2, 0.5])[0]).toBeCloseTo(4 / 3, 6);
    // ADC range ±0.6 (step 0.2): 0.75 clips to 0.6.
    const clipped = layer(3, 1, { dacBits: 3, adcBits: 3, outputBound: 0.6 }, { name: 'ideal' });
    expect(run(clipped, [1, 0.25, 1], [1, -2, 0.5])[0]).toBeCloseTo(2 * 0.6, 6);
    // Ideal converters: the float result 1 − 2·0.25 + 0.5 = 1.
    expect(run(layer(3, 1, {}, { name: 'ideal' }), [1, 0.25, 1], [1, -2, 0.5])[0]).toBeCloseTo(1, 6);
  });

  it('quantises each tile’s partial sum before digital accumulation', () => {
    // 4 inputs, all weights w_max: ỹ per 2-row tile = 2, clipped to the ADC bound 1 in each tile.
    const w = [0.4, 0.4, 0.4, 0.4];
    const x = [0.3, 0.3, 0.3, 0.3];
    const perTile = layer(4, 1, { rows: 2, adcBits: 3, outputBound: 1 }, { name: 'ideal' });
    expect(run(perTile, w, x)[0]).toBeCloseTo(0.3 * 0.4 * 2, 6);
    const oneTile = layer(4, 1, { rows: 4, adcBits: 3, outputBound: 1 }, { name: 'ideal' });
    expect(run(oneTile, w, x)[0]).toBeCloseTo(0.3 * 0.4 * 1, 6);
  });

  it('read noise: output std = α·w_max·σ·√(2·Σx̃²) on a differential pair, however tiled', () => {
    const sigma = 0.02;
    const m = 4000;
    const x = Array.from({ length: m }, () => [2, 1, 1, 0]).flat(); // α = 2, Σx̃² = 1.5
    const w = [0.5, -0.5, 0.25, 0.5, 0, 0.1, -0.2, 0.3]; // 4×2, w_max = 0.5
    const expected = 2 * 0.5 * sigma * Math.sqrt(2 * 1.5);
    const clean = run(layer(4, 2, {}, { name: 'ideal' }), w, [2, 1, 1, 0]);
    for (const rows of [4, 1]) {
      const out = run(layer(4, 2, { rows }, { name: 'r', readNoise: sigma }), w, x, m);
      for (let j = 0; j < 2; j++) {
        const col = out.filter((_, i) => i % 2 === j);
        const mean = col.reduce((a, b) => a + b, 0) / m;
        const std = Math.sqrt(col.reduce((a, b) => a + (b - mean) ** 2, 0) / m);
        expect(Math.abs(mean - clean[j]!)).toBeLessThan((4 * expected) / Math.sqrt(m));
        expect(Math.abs(std / expected - 1)).toBeLessThan(0.05);
      }
    }
  });

  it('read noise as output noise matches per-device noise drawn explicitly', () => {
    // Brute force: perturb every device of the pair on every read, as the physics says.
    const sigma = 0.05;
    const k = 6;
    const x = [0.9, -0.3, 0.5, 0, 1, 0.2];
    const w = [0.3, -0.6, 0.1, 0.2, -0.4, 0.6]; // one output column, w_max 0.6
    const r = new Rng(99);
    const reads = 20_000;
    let s2 = 0;
    for (let t = 0; t < reads; t++) {
      let noise = 0;
      for (let i = 0; i < k; i++) noise += (x[i]! / 1) * 0.6 * sigma * (r.normal() - r.normal());
      s2 += noise * noise;
    }
    const brute = Math.sqrt(s2 / reads);
    const out = run(
      layer(k, 1, {}, { name: 'r', readNoise: sigma }),
      w,
      Array.from({ length: reads }, () => x).flat(),
      reads,
    );
    const mean = out.reduce((a, b) => a + b, 0) / reads;
    const std = Math.sqrt(out.reduce((a, b) => a + (b - mean) ** 2, 0) / reads);
    expect(Math.abs(std / brute - 1)).toBeLessThan(0.04);
  });

  it('reference column: twice the variance, half of it shared by the outputs of a tile', () => {
    const sigma = 0.02;
    const m = 4000;
    const x = Array.from({ length: m }, () => [1, 1, 0]).flat(); // α = 1, Σx̃² = 2
    const w = [0, 0, 0, 0, 0, 0]; // all-zero layer: w_max = 1
    const out = run(
      layer(3, 2, { signedWeights: 'reference_column' }, { name: 'r', readNoise: sigma }),
      w,
      x,
      m,
    );
    const a = out.filter((_, i) => i % 2 === 0);
    const b = out.filter((_, i) => i % 2 === 1);
    const varOf = (v: number[]) => v.reduce((s, e) => s + e * e, 0) / v.length;
    const expectedVar = 8 * sigma * sigma * 2; // (4 own + 4 shared)·σ²·Σx̃²
    expect(Math.abs(varOf(a) / expectedVar - 1)).toBeLessThan(0.1);
    const cov = a.reduce((s, e, i) => s + e * b[i]!, 0) / m;
    expect(cov / expectedVar).toBeGreaterThan(0.4);
    expect(cov / expectedVar).toBeLessThan(0.6);
  });
});
