// PCM programming noise (aihwkit PCMLikeNoiseModel polynomial) and MTJ writes that can fail.
import { describe, expect, it } from 'vitest';
import { DeviceArray, hasPcmProgramNoise } from '../../engine/sim/device';
import { PCM_PROG_COEFF, pcmProgramSigmaShape, pcmProgramSigmaUs } from '../../engine/sim/pcm';
import { deviceModel } from '../../engine/sim/presets';
import { Rng } from '../../engine/sim/rng';

/** aihwkit's σ at mid-range as a fraction of 25 µS: program_noise that reproduces aihwkit exactly. */
const AIHWKIT_MID = 0.952705 / 25;

function moments(a: Float32Array): { mean: number; std: number } {
  let s = 0;
  let s2 = 0;
  for (const v of a) {
    s += v;
    s2 += v * v;
  }
  const mean = s / a.length;
  return { mean, std: Math.sqrt(s2 / a.length - mean * mean) };
}

describe('PCM programming noise', () => {
  it('polynomial sigma(x) = 0.26348 + 1.9650 x - 1.1731 x^2 uS', () => {
    expect(PCM_PROG_COEFF).toEqual([0.26348, 1.965, -1.1731]);
    expect(pcmProgramSigmaUs(0.5)).toBeCloseTo(0.952705, 9);
    expect(pcmProgramSigmaUs(0)).toBeCloseTo(0.26348, 12);
    expect(pcmProgramSigmaUs(1)).toBeCloseTo(1.05538, 9);
    expect(pcmProgramSigmaShape(0.5)).toBe(1);
    expect(pcmProgramSigmaShape(0.8)).toBeCloseTo(1.084696 / 0.952705, 9);
  });

  it('applies to pcm and photonic_pcm only', () => {
    expect(hasPcmProgramNoise(deviceModel({ name: 'a', kind: 'pcm' }))).toBe(true);
    expect(hasPcmProgramNoise(deviceModel({ name: 'a', kind: 'photonic_pcm' }))).toBe(true);
    expect(hasPcmProgramNoise(deviceModel({ name: 'a', kind: 'rram' }))).toBe(false);
  });

  // Reference column, fixed clip 1: w = 2(g̃ − ½), so a device at g̃ gives std(w) = 2·σ(g̃).
  function spread(target: number, n = 200_000) {
    const dev = deviceModel({ name: 'p', kind: 'pcm', gMin: 0, gMax: 25e-6, programNoise: AIHWKIT_MID });
    const arr = new DeviceArray(dev, n, 'reference_column', 1, new Rng(7, 3));
    const out = new Float32Array(n);
    arr.program(new Float32Array(n).fill(2 * target - 1), out, new Rng(7, 4));
    return moments(out);
  }

  // Bounds: the std of a normal sample has relative standard error 1/sqrt(2n) = 0.16% at n = 200k,
  // the mean σ/sqrt(n) ≈ 0.0002; the bounds are ~6 standard errors.
  it('spread at g = 0.8 g_max matches sigma(0.8) = 1.084696 uS / 25 uS', () => {
    const { mean, std } = spread(0.8);
    expect(Math.abs(mean - 0.6)).toBeLessThan(0.0012);
    expect(Math.abs(std / (2 * 0.04338784) - 1)).toBeLessThan(0.01);
  });

  it('spread at mid-range equals program_noise (here aihwkit 3.81%)', () => {
    const { mean, std } = spread(0.5);
    expect(Math.abs(mean)).toBeLessThan(0.001);
    expect(Math.abs(std / (2 * AIHWKIT_MID) - 1)).toBeLessThan(0.01);
  });

  it('no clip at g_max (aihwkit clamps only at 0): a device at g_max keeps an unbiased mean', () => {
    const { mean, std } = spread(1);
    expect(Math.abs(mean - 1)).toBeLessThan(0.0012);
    expect(Math.abs(std / (2 * 0.0422152) - 1)).toBeLessThan(0.01);
  });
});

describe('MTJ writes that can fail (switchProbability)', () => {
  const n = 100_000;
  const dev = deviceModel({
    name: 'm',
    kind: 'mram',
    levels: 2,
    gMin: 80e-6,
    gMax: 200e-6,
    switchProbability: 0.3,
  });
  const fractionAt = (out: Float32Array, v: number) => out.filter((x) => x === v).length / out.length;

  it('a device that must switch does so with probability p, and remembers its state', () => {
    const arr = new DeviceArray(dev, n, 'reference_column', 1, new Rng(3, 3));
    const out = new Float32Array(n);
    const rng = new Rng(3, 4);
    // All devices start at g_min (w = −1); ask for +1.
    arr.program(new Float32Array(n).fill(1), out, rng);
    // Binomial(n, 0.3): std 0.00145 of the fraction.
    expect(Math.abs(fractionAt(out, 1) - 0.3)).toBeLessThan(0.008);
    arr.program(new Float32Array(n).fill(1), out, rng);
    expect(Math.abs(fractionAt(out, 1) - 0.51)).toBeLessThan(0.008); // 1 − 0.7²
    const before = new Float32Array(out);
    // Asking for −1 moves each +1 device with p; the −1 devices stay.
    arr.program(new Float32Array(n).fill(-1), out, rng);
    let stayedUp = 0;
    let movedUp = 0;
    for (let i = 0; i < n; i++) {
      if (before[i] === -1 && out[i] !== -1) movedUp++;
      else if (before[i] === 1 && out[i] === 1) stayedUp++;
    }
    expect(movedUp).toBe(0);
    expect(Math.abs(stayedUp / (0.51 * n) - 0.7)).toBeLessThan(0.012);
  });

  it('switchProbability 1 (the default) writes deterministically', () => {
    const arr = new DeviceArray({ ...dev, switchProbability: undefined }, 4, 'differential', 1, new Rng(1));
    const out = new Float32Array(4);
    arr.program(Float32Array.from([1, -1, 0.2, -0.7]), out, new Rng(2));
    expect([...out]).toEqual([1, -1, 0, -1]);
  });
});
