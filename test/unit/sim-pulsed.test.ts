// Pulsed-update devices (engine/sim/pulsed.ts) against hand-computed values: step mean and
// variance, up/down asymmetry, soft-bounds and exponential steps, bound clipping, d2d statistics,
// coincidences of two pulse trains, determinism.
import { describe, expect, it } from 'vitest';
import { deviceModel } from '../../engine/sim/presets';
import {
  GV_UPDATE,
  PulsedArray,
  type PulsedParams,
  popcount32,
  pulsedParams,
  pulseTrain,
  RRAM_SB_UPDATE,
} from '../../engine/sim/pulsed';
import { Rng } from '../../engine/sim/rng';

/** Parameters with every spread off unless given. */
function params(o: Partial<PulsedParams> = {}): PulsedParams {
  return {
    dwMin: 0.01,
    upDown: 0,
    dtod: 0,
    ctoc: 0,
    softBounds: false,
    nonlinearity: 0,
    wMin: -1,
    wMax: 1,
    step: 'constant',
    upDownDtod: 0,
    ...o,
  };
}

function meanVar(v: ArrayLike<number>): { mean: number; variance: number } {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]!;
  const mean = s / v.length;
  let q = 0;
  for (let i = 0; i < v.length; i++) q += (v[i]! - mean) ** 2;
  return { mean, variance: q / (v.length - 1) };
}

describe('popcount32', () => {
  it('counts set bits', () => {
    expect(popcount32(0)).toBe(0);
    expect(popcount32(1)).toBe(1);
    expect(popcount32(0b1011_0110)).toBe(5);
    expect(popcount32(0x7fffffff)).toBe(31);
    expect(popcount32(-1 >>> 0)).toBe(32);
    expect(popcount32(0x80000001 | 0)).toBe(2);
  });
});

describe('constant-step device', () => {
  it('n pulses up with c2c σ: mean n·dw_min, variance n·(σ·dw_min)²', () => {
    const N = 20000;
    const n = 9;
    const dw = 0.01;
    const sigma = 0.3;
    const arr = new PulsedArray(params({ dwMin: dw, ctoc: sigma }), 1, N, new Rng(1, 0));
    const rng = new Rng(2, 0);
    for (let i = 0; i < N; i++) arr.pulse(i, n, +1, rng);
    const { mean, variance } = meanVar(arr.w);
    // Hand values: mean 0.09, variance 9·(0.003)² = 8.1e-5 (std 0.009).
    expect(mean).toBeCloseTo(n * dw, 3); // SE = 0.009/√20000 = 6e-5
    expect(variance / (n * (sigma * dw) ** 2)).toBeGreaterThan(0.96);
    expect(variance / (n * (sigma * dw) ** 2)).toBeLessThan(1.04);
    expect(arr.pulses).toBe(N * n);
  });

  it('the same holds pulse by pulse (one call per pulse)', () => {
    const N = 20000;
    const arr = new PulsedArray(params({ ctoc: 0.3 }), 1, N, new Rng(1, 0));
    const rng = new Rng(3, 0);
    for (let i = 0; i < N; i++) for (let c = 0; c < 4; c++) arr.pulse(i, 1, -1, rng);
    const { mean, variance } = meanVar(arr.w);
    expect(mean).toBeCloseTo(-0.04, 3);
    expect(variance / (4 * 0.003 ** 2)).toBeGreaterThan(0.96);
    expect(variance / (4 * 0.003 ** 2)).toBeLessThan(1.04);
  });

  it('up_down > 0 shrinks the down step (aihwkit one-sided bias): up dw_min, down (1 − up_down)·dw_min', () => {
    const arr = new PulsedArray(params({ upDown: 0.3 }), 1, 2, new Rng(1, 0));
    arr.pulse(0, 10, +1, new Rng(0, 0));
    arr.pulse(1, 10, -1, new Rng(0, 0));
    expect(arr.w[0]).toBeCloseTo(0.1, 6);
    expect(arr.w[1]).toBeCloseTo(-0.07, 6);
    const neg = new PulsedArray(params({ upDown: -0.5 }), 1, 1, new Rng(1, 0));
    expect(neg.scaleUp[0]).toBeCloseTo(0.005, 7);
    expect(neg.scaleDown[0]).toBeCloseTo(0.01, 7);
  });

  it('clips at the bounds', () => {
    const arr = new PulsedArray(params({ wMin: -0.05, wMax: 0.03 }), 1, 2, new Rng(1, 0));
    arr.pulse(0, 100, +1, new Rng(0, 0));
    arr.pulse(1, 100, -1, new Rng(0, 0));
    expect(arr.w[0]).toBeCloseTo(0.03, 7);
    expect(arr.w[1]).toBeCloseTo(-0.05, 7);
    arr.setWeights([5, -5]);
    expect(Array.from(arr.w)).toEqual([Math.fround(0.03), Math.fround(-0.05)]);
  });
});

describe('soft bounds (aihwkit SoftBoundsDevice)', () => {
  it('step at w: up dw·(1 − w/w_max), down dw·(1 − w/w_min)', () => {
    const p = params({ dwMin: 0.002, softBounds: true, step: 'soft', wMin: -0.75, wMax: 1.25 });
    const arr = new PulsedArray(p, 1, 2, new Rng(1, 0));
    arr.setWeights([0.5, 0.5]);
    // Hand values: up 0.002·(1 − 0.4) = 0.0012; down 0.002·(1 + 0.5/0.75) = 0.0033333.
    expect(arr.expectedStep(0, 0.5, +1)).toBeCloseTo(0.0012, 9);
    expect(arr.expectedStep(1, 0.5, -1)).toBeCloseTo(0.0033333333, 9);
    arr.pulse(0, 1, +1, new Rng(0, 0));
    arr.pulse(1, 1, -1, new Rng(0, 0));
    expect(arr.w[0]).toBeCloseTo(0.5012, 6);
    expect(arr.w[1]).toBeCloseTo(0.4966667, 6);
  });

  it('alternating up/down pulses settle at the symmetry point w = 0 (equal steps: 1 − w/1.25 = 1 + w/0.75)', () => {
    const p = params({ dwMin: 0.002, softBounds: true, step: 'soft', wMin: -0.75, wMax: 1.25 });
    const arr = new PulsedArray(p, 1, 1, new Rng(1, 0));
    const rng = new Rng(0, 0);
    arr.setWeights([0.6]);
    // Each up/down pair moves w by −dw²·… ≈ −0.002·w·(1/1.25 + 1/0.75): w decays towards 0 as
    // 0.6·(1 − 0.00427)^n; after 10,000 pairs it is below 1e-6.
    for (let t = 0; t < 20000; t++) arr.pulse(0, 1, t % 2 === 0 ? +1 : -1, rng);
    expect(Math.abs(arr.w[0]!)).toBeLessThan(0.01);
  });

  it('steps vanish at the nominal bounds: many up pulses approach w_max without jumping past', () => {
    const p = params({ dwMin: 0.05, softBounds: true, step: 'soft', wMin: -1, wMax: 1 });
    const arr = new PulsedArray(p, 1, 1, new Rng(1, 0));
    arr.pulse(0, 200, +1, new Rng(0, 0));
    // w_n = 1 − (1 − 0.05)^n → 1 − 0.95^200 ≈ 1 − 3.5e-5
    expect(arr.w[0]).toBeCloseTo(1 - 0.95 ** 200, 5);
  });
});

describe('exponential step (nonlinearity ν)', () => {
  it('is dw_min at mid-range and dw·e^{−ν(u − ½)} elsewhere', () => {
    const p = params({ dwMin: 0.01, nonlinearity: 2, step: 'exp', wMin: -1, wMax: 1 });
    const arr = new PulsedArray(p, 1, 1, new Rng(1, 0));
    expect(arr.expectedStep(0, 0, +1)).toBeCloseTo(0.01, 9);
    expect(arr.expectedStep(0, 0, -1)).toBeCloseTo(0.01, 9);
    // w = 0.5 → u = 0.75: up 0.01·e^{−0.5}, down 0.01·e^{0.5}
    expect(arr.expectedStep(0, 0.5, +1)).toBeCloseTo(0.01 * Math.exp(-0.5), 9);
    expect(arr.expectedStep(0, 0.5, -1)).toBeCloseTo(0.01 * Math.exp(0.5), 9);
    arr.setWeights([0.5]);
    arr.pulse(0, 1, +1, new Rng(0, 0));
    expect(arr.w[0]).toBeCloseTo(0.5 + 0.01 * Math.exp(-0.5), 6);
  });
});

describe('device-to-device spread', () => {
  it('step gain and bounds have relative std dtod around their means', () => {
    const N = 40000;
    const arr = new PulsedArray(params({ dwMin: 0.0016, dtod: 0.3 }), 200, N / 200, new Rng(7, 0));
    const up = meanVar(arr.scaleUp);
    // |1 + 0.3ξ|·dw: the fold at 0 (P = 4e-4) is negligible → mean dw, std 0.3·dw.
    expect(up.mean / 0.0016).toBeCloseTo(1, 2);
    expect(Math.sqrt(up.variance) / 0.0016).toBeCloseTo(0.3, 2);
    // Up and down share the gain (up_down_dtod 0): equal steps per device.
    for (let i = 0; i < 100; i++) expect(arr.scaleDown[i]).toBe(arr.scaleUp[i]);
    const hi = meanVar(arr.maxBound);
    expect(hi.mean).toBeCloseTo(1, 2);
    expect(Math.sqrt(hi.variance)).toBeCloseTo(0.3, 2);
    const lo = meanVar(arr.minBound);
    expect(lo.mean).toBeCloseTo(-1, 2);
  });

  it('pulsedParams: GV preset is a constant-step device; rram_sb soft bounds; nonlinearity → exp', () => {
    const gv = pulsedParams(deviceModel({ name: 'gv', update: GV_UPDATE }));
    expect(gv.step).toBe('constant');
    expect(gv.dwMin).toBe(0.0016);
    expect(pulsedParams(deviceModel({ name: 'sb', update: RRAM_SB_UPDATE })).step).toBe('soft');
    expect(pulsedParams(deviceModel({ name: 'x', update: { ...GV_UPDATE, nonlinearity: 1 } })).step).toBe(
      'exp',
    );
    // No update block: aihwkit PulsedDevice defaults.
    expect(pulsedParams(deviceModel({ name: 'd' })).wMax).toBe(0.6);
    expect(() => pulsedParams(deviceModel({ name: 'bad', update: { ...GV_UPDATE, wMin: 0.1 } }))).toThrow(
      /must contain 0/,
    );
  });
});

describe('pulse trains and coincidences', () => {
  it('coincidences of trains with p and q per slot: mean BL·p·q, variance BL·pq(1 − pq)', () => {
    const rng = new Rng(11, 0);
    const BL = 31;
    const p = 0.4;
    const q = 0.7;
    const N = 40000;
    const counts = new Float64Array(N);
    for (let t = 0; t < N; t++) counts[t] = popcount32(pulseTrain(p, BL, rng) & pulseTrain(q, BL, rng));
    const { mean, variance } = meanVar(counts);
    const pq = p * q;
    expect(mean).toBeCloseTo(BL * pq, 1); // 8.68, SE 0.013
    expect(variance / (BL * pq * (1 - pq))).toBeGreaterThan(0.96);
    expect(variance / (BL * pq * (1 - pq))).toBeLessThan(1.04);
  });

  it('uses only the BL low bits; p ≥ 1 fires every slot', () => {
    const rng = new Rng(1, 0);
    for (let t = 0; t < 100; t++) expect(pulseTrain(0.9, 5, rng) >>> 5).toBe(0);
    expect(pulseTrain(1.5, 31, rng)).toBe(0x7fffffff);
    expect(pulseTrain(1, 32, rng)).toBe(0xffffffff);
    expect(pulseTrain(0, 31, rng)).toBe(0);
  });
});

describe('determinism', () => {
  it('same seed, same devices and same pulse outcomes', () => {
    const p = params({ dtod: 0.3, ctoc: 0.3, upDownDtod: 0.01 });
    const a = new PulsedArray(p, 10, 10, new Rng(5, 110));
    const b = new PulsedArray(p, 10, 10, new Rng(5, 110));
    const ra = new Rng(5, 111);
    const rb = new Rng(5, 111);
    for (let i = 0; i < 100; i++) {
      a.pulse(i, 1 + (i % 3), i % 2 ? 1 : -1, ra);
      b.pulse(i, 1 + (i % 3), i % 2 ? 1 : -1, rb);
    }
    expect(Array.from(a.w)).toEqual(Array.from(b.w));
    expect(Array.from(a.scaleUp)).toEqual(Array.from(b.scaleUp));
    const c = new PulsedArray(p, 10, 10, new Rng(6, 110));
    expect(Array.from(c.scaleUp)).not.toEqual(Array.from(a.scaleUp));
  });

  it('keeps a transposed mirror in step with every write', () => {
    const mirror = new Float32Array(6);
    const arr = new PulsedArray(params(), 2, 3, new Rng(1, 0), undefined, mirror);
    arr.setWeights([0.1, 0.2, 0.3, 0.4, 0.5, 0.6]);
    arr.pulse(5, 2, +1, new Rng(0, 0)); // row 1, col 2
    for (let r = 0; r < 2; r++) for (let c = 0; c < 3; c++) expect(mirror[c * 2 + r]).toBe(arr.w[r * 3 + c]);
    expect(arr.w[5]).toBeCloseTo(0.62, 6);
  });
});

describe('one-sided pairs (aihwkit OneSidedUnitCell)', () => {
  const oneSided = params({ dwMin: 0.1, wMin: 0, wMax: 1 });

  it('w = g⁺ − g⁻; up pulses SET g⁺, down pulses SET g⁻', () => {
    const arr = new PulsedArray(oneSided, 1, 1, new Rng(1, 0));
    expect(arr.perWeight).toBe(2);
    arr.setWeights([-0.3]);
    expect(arr.g[0]).toBe(0);
    expect(arr.g[1]).toBeCloseTo(0.3, 6);
    arr.pulse(0, 2, +1, new Rng(0, 0));
    expect(arr.g[0]).toBeCloseTo(0.2, 6);
    expect(arr.w[0]).toBeCloseTo(-0.1, 6);
    arr.pulse(0, 1, -1, new Rng(0, 0));
    expect(arr.g[1]).toBeCloseTo(0.4, 6);
    expect(arr.w[0]).toBeCloseTo(-0.2, 6);
  });

  it('refreshes a pair when the larger device passes 0.75·w_max and the smaller 0.25·w_max', () => {
    const arr = new PulsedArray(oneSided, 1, 1, new Rng(1, 0));
    arr.setWeights([0.7]); // g⁺ 0.7, g⁻ 0
    arr.pulse(0, 3, -1, new Rng(0, 0)); // g⁻ 0.3 > 0.25, g⁺ 0.7 < 0.75: no refresh
    expect(arr.refreshes).toBe(0);
    arr.pulse(0, 1, +1, new Rng(0, 0)); // g⁺ 0.8 > 0.75 → refresh: w = 0.5 on g⁺, g⁻ reset
    expect(arr.refreshes).toBe(1);
    expect(arr.g[0]).toBeCloseTo(0.5, 6);
    expect(arr.g[1]).toBe(0);
    expect(arr.w[0]).toBeCloseTo(0.5, 6);
  });
});
