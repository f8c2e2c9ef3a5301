// Tile periphery after aihwkit's IOParameters: per-tile noise management, DAC clip, ADC levels,
// output noise, iterative bound management and its limits, reference-column noise per array,
// the read-noise scale hook, and the periphery counters. Expected values are worked by hand.
import { describe, expect, it } from 'vitest';
import { CrossbarLayer, maxBoundManagementReduction, quantiseIO } from '../../engine/sim/crossbar';
import { jsKernels } from '../../engine/sim/kernels';
import { type LayerPlan, type TilePlan, tilePlan } from '../../engine/sim/plan';
import { deviceModel } from '../../engine/sim/presets';
import { Rng } from '../../engine/sim/rng';

function layer(
  k: number,
  n: number,
  tile: Partial<TilePlan>,
  dev: Parameters<typeof deviceModel>[0] = { name: 'ideal' },
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

function make(plan: LayerPlan, w: number[], m: number, seed = 1): CrossbarLayer {
  const xb = new CrossbarLayer(plan, m, jsKernels, new Rng(seed, 3));
  xb.program(Float32Array.from(w), new Rng(seed, 4));
  return xb;
}

function read(xb: CrossbarLayer, x: number[], m = 1, seed = 1): number[] {
  const out = new Float32Array(m * xb.n);
  xb.forward(Float32Array.from(x), m, out, new Rng(seed, 5));
  return [...out];
}

const column = (v: number[], n: number, j: number) => v.filter((_, i) => i % n === j);
const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const variance = (v: number[]) => {
  const mu = mean(v);
  return v.reduce((a, b) => a + (b - mu) ** 2, 0) / v.length;
};
const covariance = (a: number[], b: number[]) => {
  const ma = mean(a);
  const mb = mean(b);
  return a.reduce((s, e, i) => s + (e - ma) * (b[i]! - mb), 0) / a.length;
};

describe('converters', () => {
  it('8-bit ADC over ±12: step 24/254, 3.05 → level 32 = 768/254', () => {
    // 3.05 / (24/254) = 32.28 → 32.
    expect(quantiseIO(3.05, 8, 12)).toBeCloseTo(768 / 254, 12);
    expect(quantiseIO(-3.05, 8, 12)).toBeCloseTo(-768 / 254, 12);
    expect(quantiseIO(12.04, 8, 12)).toBe(12); // the bound is itself a level (127 steps)
    expect(quantiseIO(40, 8, 12)).toBe(12);
  });

  it('DAC clips the normalised input to ±inputBound before quantising', () => {
    // α = max|x| = 1; x̃ = [1, 0.3]; bound 0.5, 3 bits: step 1/6 → [0.5, 2/6]; ỹ = 5/6 (w = 1, 1).
    expect(read(make(layer(2, 1, { dacBits: 3, inputBound: 0.5 }), [1, 1], 1), [1, 0.3])[0]).toBeCloseTo(
      5 / 6,
      6,
    );
  });

  it('noise management is per row block: a small slice keeps its own DAC range', () => {
    // rows = 2: tile 1 sees [1, 0] (α 1), tile 2 sees [0.01, 0.03] (α 0.03 → x̃ [1/3, 1]).
    // 4-bit DAC, step 1/7: tile 2 reads x̃ = [2/7, 1], ỹ = 9/7, so y = 1 + 0.03·9/7.
    // (One α for the whole vector would quantise tile 2's inputs to zero.)
    const xb = make(layer(4, 1, { rows: 2, dacBits: 4 }), [1, 1, 1, 1], 1);
    expect(read(xb, [1, 0, 0.01, 0.03])[0]).toBeCloseTo(1 + (0.03 * 9) / 7, 6);
  });
});

describe('bound management (aihwkit BoundManagementType.ITERATIVE)', () => {
  it('reduction limits follow max_bm_factor 1000 and max_bm_res 0.25 / DAC step', () => {
    expect(maxBoundManagementReduction(7, 1)).toBe(16); // step 2/126: 0.25·63 = 15.75 → 16
    expect(maxBoundManagementReduction(8, 1)).toBe(32); // 31.75 → 32
    expect(maxBoundManagementReduction(4, 1)).toBe(2); // 1.75 → 2
    expect(maxBoundManagementReduction(3, 1)).toBe(1); // 0.75: no re-read at all
    expect(maxBoundManagementReduction(0, 1)).toBe(1024); // ideal DAC: > 1000
  });

  it('halves the inputs of a saturating tile and scales the result back (ideal DAC)', () => {
    // W columns [1,1,1,1] and [¼,¼,¼,¼], x = 1s: ỹ = [4, 1]. ADC ±3, 8 bits (step 6/254).
    // Read 1: 4 saturates. Read 2 at x/2: [2, 0.5] → levels 85 and 21 → y = 2·[510, 126]/254.
    const w = [1, 0.25, 1, 0.25, 1, 0.25, 1, 0.25];
    const x = [1, 1, 1, 1];
    const tile = { adcBits: 8, outputBound: 3 };
    const bm = make(layer(4, 2, { ...tile, boundManagement: 'iterative' }), w, 1);
    const got = read(bm, x);
    expect(got[0]).toBeCloseTo((2 * 510) / 254, 5);
    expect(got[1]).toBeCloseTo((2 * 126) / 254, 5);
    expect(bm.counters).toEqual({ adcConversions: 4, adcSaturations: 1, boundManagementReads: 1 });
    // Without it the first output clips to the bound: [3, level 42 = 252/254].
    const none = make(layer(4, 2, tile), w, 1);
    const clipped = read(none, x);
    expect(clipped[0]).toBeCloseTo(3, 6);
    expect(clipped[1]).toBeCloseTo(252 / 254, 5);
    expect(none.counters).toEqual({ adcConversions: 2, adcSaturations: 1, boundManagementReads: 0 });
  });

  it('re-quantises the halved inputs on the DAC grid, and stops at the DAC limit', () => {
    // 4-bit DAC (step 1/7, at most one halving), W = [0,1,1,1], x = [1, .6, .6, .6]:
    // read 1: x̃ = [1, 4/7, 4/7, 4/7], ỹ = 12/7 > 1.5 (ADC ±1.5, 8 bits, step 3/254) → saturated;
    // read 2: x̃ = [½, 2/7, 2/7, 2/7] (0.3·7 = 2.1 → 2), ỹ = 6/7 → level 73 → y = 2·219/254.
    const xb = make(
      layer(4, 1, { dacBits: 4, adcBits: 8, outputBound: 1.5, boundManagement: 'iterative' }),
      [0, 1, 1, 1],
      1,
    );
    expect(read(xb, [1, 0.6, 0.6, 0.6])[0]).toBeCloseTo((2 * 219) / 254, 5);
    expect(xb.counters.boundManagementReads).toBe(1);
  });

  it('gives up after the largest reduction (ideal DAC: 1024, ten re-reads), still clipped', () => {
    // ỹ = 1 against a bound of 1e-4: even 1/1024 saturates; the result is 1024·1e-4.
    const xb = make(layer(1, 1, { adcBits: 8, outputBound: 1e-4, boundManagement: 'iterative' }), [1], 1);
    expect(read(xb, [1])[0]).toBeCloseTo(0.1024, 6);
    expect(xb.counters).toEqual({ adcConversions: 11, adcSaturations: 11, boundManagementReads: 10 });
  });

  it('is decided per tile: only the saturating row block is read again', () => {
    // rows = 2: tile 1 reads ỹ = 2 > bound 1.5, tile 2 reads 0.5. One re-read in all.
    const xb = make(
      layer(4, 1, { rows: 2, adcBits: 8, outputBound: 1.5, boundManagement: 'iterative' }),
      [1, 1, 0.25, 0.25],
      1,
    );
    // tile 1 at x/2: ỹ = 1 → level 84.67 → 85 → 2·85·3/254; tile 2: 0.5 → 42.33 → 42 → 42·3/254.
    expect(read(xb, [1, 1, 1, 1])[0]).toBeCloseTo((2 * 255 + 126) / 254, 5);
    expect(xb.counters).toEqual({ adcConversions: 3, adcSaturations: 1, boundManagementReads: 1 });
  });
});

describe('noise', () => {
  it('output noise: N(0, σ_o) per output and tile read, scaled by each tile’s α', () => {
    // Zero weights (w_max = 1), rows = 2: tiles see α = 1 and α = 0.5, so y ~ N(0, σ_o²·(1 + ¼)).
    const m = 5000;
    const sigma = 0.1;
    const xb = make(layer(4, 3, { rows: 2, outputNoise: sigma }), new Array(12).fill(0), m);
    const out = read(xb, Array.from({ length: m }, () => [1, 0, 0.5, 0]).flat(), m);
    const expected = sigma * Math.sqrt(1.25);
    expect(Math.abs(mean(out))).toBeLessThan((4 * expected) / Math.sqrt(out.length));
    expect(Math.abs(Math.sqrt(variance(out)) / expected - 1)).toBeLessThan(0.03);
    // Independent across outputs.
    expect(Math.abs(covariance(column(out, 3, 0), column(out, 3, 1)) / expected ** 2)).toBeLessThan(0.06);
  });

  it('reference column: the shared noise is per array, independent between column blocks', () => {
    // cols = 3 → 2 usable columns: outputs {0, 1} on one array, {2, 3} on another.
    const m = 6000;
    const sigma = 0.02;
    const xb = make(
      layer(3, 4, { cols: 3, signedWeights: 'reference_column' }, { name: 'r', readNoise: sigma }),
      new Array(12).fill(0),
      m,
    );
    expect(xb.tiling.colBlocks).toBe(2);
    const out = read(xb, Array.from({ length: m }, () => [1, 1, 0]).flat(), m);
    const cols = [0, 1, 2, 3].map((j) => column(out, 4, j));
    const v = 8 * sigma * sigma * 2; // (4 own + 4 shared)·σ²·Σx̃², Σx̃² = 2
    expect(Math.abs(variance(cols[0]!) / v - 1)).toBeLessThan(0.1);
    expect(covariance(cols[0]!, cols[1]!) / v).toBeGreaterThan(0.4);
    expect(covariance(cols[2]!, cols[3]!) / v).toBeGreaterThan(0.4);
    expect(Math.abs(covariance(cols[1]!, cols[2]!) / v)).toBeLessThan(0.08);
  });

  it('read noise is multiplied by the device array’s readNoiseScale when it has one', () => {
    const m = 4000;
    const sigma = 0.02;
    const plan = layer(2, 1, {}, { name: 'r', readNoise: sigma });
    const x = Array.from({ length: m }, () => [1, 1]).flat();
    const base = make(plan, [0, 0], m);
    const scaled = make(plan, [0, 0], m);
    Object.assign(scaled.array, { readNoiseScale: 3 });
    const s1 = Math.sqrt(variance(read(base, x, m)));
    const s3 = Math.sqrt(variance(read(scaled, x, m)));
    expect(s1 / (sigma * 2)).toBeCloseTo(1, 1); // σ·√(2·Σx̃²) = σ·2
    expect(s3 / s1).toBeCloseTo(3, 1);
  });
});

describe('counters and fast path', () => {
  it('a 785×500 layer on 256×256 tiles converts rowBlocks·n = 2000 outputs per input vector', () => {
    const m = 3;
    const r = new Rng(5);
    const w = Array.from({ length: 785 * 500 }, () => r.normal() * 0.05);
    const xb = make(layer(785, 500, { dacBits: 8, adcBits: 8 }), w, m);
    expect(xb.tiling.tiles).toBe(8);
    read(
      xb,
      Array.from({ length: m * 785 }, () => r.uniform()),
      m,
    );
    expect(xb.counters.adcConversions).toBe(m * xb.tiling.adcConversionsPerMvm);
    xb.resetCounters();
    expect(xb.counters.adcConversions).toBe(0);
  });

  it('bound management without a quantising ADC never triggers (an ideal ADC does not clip)', () => {
    const xb = make(
      layer(2, 1, { outputNoise: 0.01, boundManagement: 'iterative', outputBound: 0.1 }),
      [1, 1],
      1,
    );
    expect(read(xb, [1, 1])[0]).toBeGreaterThan(1.9);
    expect(xb.counters.adcSaturations + xb.counters.boundManagementReads).toBe(0);
  });

  it('output noise, converters and bound management are reproducible bit for bit', () => {
    const plan = layer(
      20,
      5,
      { rows: 8, dacBits: 6, adcBits: 6, outputBound: 2, outputNoise: 0.05, boundManagement: 'iterative' },
      { name: 'r', readNoise: 0.03 },
    );
    const r = new Rng(9);
    const w = Array.from({ length: 100 }, () => r.normal() * 0.3);
    const x = Array.from({ length: 4 * 20 }, () => r.normal());
    const a = read(make(plan, w, 4, 7), x, 4, 7);
    const b = read(make(plan, w, 4, 7), x, 4, 7);
    expect(a).toEqual(b);
    expect(a).not.toEqual(read(make(plan, w, 4, 7), x, 4, 8));
  });
});
