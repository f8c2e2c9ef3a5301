// Drift law, PCM ν(g) and 1/f growth, temperature, and DeviceArray.age() against hand-computed values.
import { describe, expect, it } from 'vitest';
import { DeviceArray } from '../../engine/sim/device';
import { driftFactor, globalDriftCompensation, temperatureFactor } from '../../engine/sim/drift';
import { pcmAccumulatedNoise, pcmNuMean, pcmNuStd, pcmReadNoiseGrowth } from '../../engine/sim/pcm';
import { deviceModel } from '../../engine/sim/presets';
import { Rng } from '../../engine/sim/rng';

const HOUR = 3600;
const DAY = 86_400;
const YEAR = 365.25 * DAY;

describe('drift law G(t) = G0 (t/t0)^-nu', () => {
  it('matches hand-computed factors at 1 h, 1 day, 1 month, 1 year (nu 0.049, t0 20 s)', () => {
    expect(driftFactor(HOUR, 20, 0.049)).toBeCloseTo(0.775339031, 8); // (3600/20)^-0.049
    expect(driftFactor(DAY, 20, 0.049)).toBeCloseTo(0.66353112, 8);
    expect(driftFactor(30 * DAY, 20, 0.049)).toBeCloseTo(0.561671458, 8);
    expect(driftFactor(YEAR, 20, 0.049)).toBeCloseTo(0.496929038, 8);
  });

  it('no drift up to t0', () => {
    expect(driftFactor(0, 20, 0.1)).toBe(1);
    expect(driftFactor(1, 20, 0.1)).toBe(1);
    expect(driftFactor(20, 20, 0.1)).toBe(1);
  });

  it('PCM mean nu(x) = clamp(-0.0155 ln x + 0.0244, 0.049, 0.1)', () => {
    expect(pcmNuMean(1)).toBe(0.049); // 0.0244 clamped up
    expect(pcmNuMean(0.5)).toBe(0.049); // 0.0351 clamped up
    expect(pcmNuMean(0.1)).toBeCloseTo(-0.0155 * Math.log(0.1) + 0.0244, 12); // 0.06009
    expect(pcmNuMean(0.01)).toBeCloseTo(0.0957797, 6);
    expect(pcmNuMean(1e-3)).toBe(0.1); // 0.1315 clamped down
    expect(pcmNuMean(0)).toBe(0.1);
  });

  it('PCM nu spread sigma(x) = clamp(-0.0125 ln x - 0.0059, 0.008, 0.045)', () => {
    expect(pcmNuStd(1)).toBe(0.008);
    expect(pcmNuStd(0.1)).toBeCloseTo(0.0228823, 6);
    expect(pcmNuStd(1e-3)).toBe(0.045);
  });

  it('1/f read noise grows as sqrt(ln((t + t_read)/(2 t_read))), referenced to t0', () => {
    expect(pcmReadNoiseGrowth(1)).toBe(1);
    expect(pcmReadNoiseGrowth(20)).toBe(1);
    expect(pcmReadNoiseGrowth(HOUR)).toBeCloseTo(1.13871242, 7);
    expect(pcmReadNoiseGrowth(YEAR)).toBeCloseTo(1.34733628, 7);
  });

  it('aihwkit accumulated 1/f noise: q_s(x) sqrt(ln((t + t_read)/(2 t_read))), q_s = min(0.0088/x^0.65, 0.2)', () => {
    expect(pcmAccumulatedNoise(1, 20)).toBeCloseTo(0.03681766, 7);
    expect(pcmAccumulatedNoise(0.5, 20) / pcmAccumulatedNoise(1, 20)).toBeCloseTo(0.5 ** -0.65, 9);
    expect(pcmAccumulatedNoise(1e-4, 20)).toBeCloseTo(0.2 * 4.18382481, 6); // q_s clamped at 0.2
  });

  it('temperature: G(T) = G(300 K)(1 + alpha (T - 300 K))', () => {
    expect(temperatureFactor(300, 0.01)).toBe(1);
    expect(temperatureFactor(350, 0.002)).toBeCloseTo(1.1, 12);
    expect(temperatureFactor(250, 0.002)).toBeCloseTo(0.9, 12);
    expect(temperatureFactor(0, 0.01)).toBe(0); // floored
  });

  it('global drift compensation is the ratio of the two readouts', () => {
    expect(globalDriftCompensation(2, 1.5)).toBeCloseTo(4 / 3, 12);
    expect(globalDriftCompensation(0, 0)).toBe(1);
  });
});

const W = Float32Array.from([1, -0.5, 0.25, 0, -1, 0.75]);

function programmed(dev: Parameters<typeof deviceModel>[0], scheme: 'differential' | 'reference_column') {
  const arr = new DeviceArray(deviceModel(dev), W.length, scheme, null, new Rng(1, 3));
  const out = new Float32Array(W.length);
  arr.program(W, out, new Rng(1, 4));
  return { arr, out };
}

describe('DeviceArray.age()', () => {
  for (const scheme of ['differential', 'reference_column'] as const) {
    it(`constant nu scales every weight by (t/t0)^-nu (${scheme}; g_min offset cancels)`, () => {
      const dev = { name: 'd', kind: 'rram' as const, gMin: 1e-6, gMax: 1e-4, drift: { nu: 0.05, t0: 20 } };
      const { arr, out } = programmed(dev, scheme);
      expect([...out]).toEqual([...W]);
      arr.age(DAY, 300, new Rng(9), out);
      const f = (DAY / 20) ** -0.05;
      for (let i = 0; i < W.length; i++) expect(out[i]).toBeCloseTo(W[i]! * f, 6);
      expect(arr.readNoiseScale).toBe(1);
    });
  }

  it('global drift compensation restores a uniformly drifted layer, and scales its read noise', () => {
    const dev = {
      name: 'd',
      kind: 'rram' as const,
      drift: { nu: 0.05, t0: 20 },
      driftCompensation: 'global' as const,
    };
    const { arr, out } = programmed(dev, 'differential');
    arr.age(YEAR, 300, new Rng(9), out);
    for (let i = 0; i < W.length; i++) expect(out[i]).toBeCloseTo(W[i]!, 5);
    expect(arr.driftCompensationScale).toBeCloseTo((YEAR / 20) ** 0.05, 5);
    expect(arr.readNoiseScale).toBeCloseTo((YEAR / 20) ** 0.05, 5);
  });

  it('temperature coefficient at t <= t0: w(350 K) = 1.1 w', () => {
    const { arr, out } = programmed({ name: 't', tempCoeff: 0.002 }, 'differential');
    arr.age(0, 350, new Rng(9), out);
    for (let i = 0; i < W.length; i++) expect(out[i]).toBeCloseTo(W[i]! * 1.1, 6);
  });

  it('is a no-op without an aging model, before t0 at 300 K, and keeps no conductances then', () => {
    const plain = programmed({ name: 'r', kind: 'rram', levels: 32, programNoise: 0.05 }, 'differential');
    expect(plain.arr.keepsConductances).toBe(false);
    const before = [...plain.out];
    plain.arr.age(YEAR, 400, new Rng(9), plain.out);
    expect([...plain.out]).toEqual(before);
    expect(plain.arr.readNoiseScale).toBe(1);

    const dev = { name: 'd', kind: 'rram' as const, programNoise: 0.03, drift: { nu: 0.05, t0: 20 } };
    const drifting = programmed(dev, 'differential');
    expect(drifting.arr.keepsConductances).toBe(true);
    const held = [...drifting.out];
    drifting.arr.age(20, 300, new Rng(9), drifting.out);
    expect([...drifting.out]).toEqual(held);
    expect(drifting.arr.readNoiseScale).toBe(1);
  });

  it('aging reads the conductances of the last programming (repeatable, not cumulative)', () => {
    const dev = { name: 'd', kind: 'rram' as const, programNoise: 0.03, drift: { nu: 0.05, t0: 20 } };
    const { arr, out } = programmed(dev, 'differential');
    const a = new Float32Array(out);
    arr.age(HOUR, 300, new Rng(9), a);
    arr.age(HOUR, 300, new Rng(9), a);
    const b = new Float32Array(out);
    arr.age(HOUR, 300, new Rng(9), b);
    expect([...a]).toEqual([...b]);
  });

  it('stuck devices do not drift', () => {
    const dev = { name: 's', kind: 'rram' as const, stuckAtGMax: 1, gMin: 1e-6, drift: { nu: 0.1, t0: 20 } };
    const { arr, out } = programmed(dev, 'reference_column');
    // Every device stuck at g_max holds +w_max; the mid-range reference column drifts, the cells not.
    const wMax = arr.wMax;
    for (const v of out) expect(v).toBe(wMax);
    arr.age(DAY, 300, new Rng(9), out);
    const base = 1e-6 / (1e-4 - 1e-6);
    const ref = (base + 0.5) * (DAY / 20) ** -0.1 - base;
    for (const v of out) expect(v).toBeCloseTo(2 * wMax * (1 - ref), 5);
    const pair = programmed(dev, 'differential');
    const held = [...pair.out];
    pair.arr.age(DAY, 300, new Rng(9), pair.out);
    expect([...pair.out]).toEqual(held); // both devices stuck: nothing moves
  });

  it('PCM: per-device nu has aihwkit mean and spread (x = 1: 0.049 +- 0.008), and 1/f growth', () => {
    const n = 50_000;
    const dev = deviceModel({ name: 'p', kind: 'pcm', gMin: 0, gMax: 25e-6, drift: { nu: 0.049, t0: 20 } });
    const arr = new DeviceArray(dev, n, 'differential', 1, new Rng(2, 3));
    const out = new Float32Array(n);
    arr.program(new Float32Array(n).fill(1), out, new Rng(2, 4));
    arr.age(YEAR, 300, new Rng(2, 5), out);
    // g- sits at g_min = 0 and stays there, so w(t)/w0 = (t/t0)^-nu of the g+ device.
    const logT = Math.log(YEAR / 20);
    let s = 0;
    let s2 = 0;
    for (const v of out) {
      const nu = -Math.log(v) / logT;
      s += nu;
      s2 += nu * nu;
    }
    const mean = s / n;
    const std = Math.sqrt(s2 / n - mean * mean);
    // Standard errors: 0.008/sqrt(n) = 3.6e-5 on the mean, ~0.32% on the std.
    expect(Math.abs(mean - 0.049)).toBeLessThan(2e-4);
    expect(Math.abs(std / 0.008 - 1)).toBeLessThan(0.02);
    expect(arr.readNoiseScale).toBeCloseTo(1.34733628, 6);
  });

  it('PCM drift_scale: drift.nu scales the aihwkit law (nu 0.098 doubles every exponent)', () => {
    const dev = deviceModel({ name: 'p', kind: 'pcm', gMin: 0, gMax: 25e-6, drift: { nu: 0.098, t0: 20 } });
    const arr = new DeviceArray(dev, 20_000, 'differential', 1, new Rng(2, 3));
    const out = new Float32Array(20_000);
    arr.program(new Float32Array(20_000).fill(1), out, new Rng(2, 4));
    arr.age(YEAR, 300, new Rng(2, 5), out);
    let s = 0;
    for (const v of out) s -= Math.log(v) / Math.log(YEAR / 20);
    expect(Math.abs(s / 20_000 - 0.098)).toBeLessThan(5e-4);
  });

  it("readNoiseModel 'accumulated_1f': frozen per-device noise of relative sigma q_s(x)·sqrt(ln(..)), read noise not grown", () => {
    const n = 50_000;
    const dev = deviceModel({
      name: 'p',
      kind: 'pcm',
      gMin: 0,
      gMax: 25e-6,
      readNoise: 0.01,
      drift: { nu: 0.049, t0: 20 },
      readNoiseModel: 'accumulated_1f',
    });
    const arr = new DeviceArray(dev, n, 'differential', 1, new Rng(4, 3));
    const out = new Float32Array(n);
    arr.program(new Float32Array(n).fill(1), out, new Rng(4, 4));
    arr.age(1, 300, new Rng(4, 5), out); // before t0: no drift, noise as read at t0
    let s = 0;
    let s2 = 0;
    for (const v of out) {
      s += v - 1;
      s2 += (v - 1) ** 2;
    }
    const mean = s / n;
    const std = Math.sqrt(s2 / n - mean * mean);
    // g- = 0 stays 0 (noise is relative to G); g+ = g_max: x = 1, sigma = 0.0088·4.18382 = 0.0368177.
    expect(Math.abs(mean)).toBeLessThan(0.0008); // 5 standard errors
    expect(Math.abs(std / 0.03681766 - 1)).toBeLessThan(0.02);
    expect(arr.readNoiseScale).toBe(1);
  });
});
