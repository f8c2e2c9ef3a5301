// Néel-Brown MTJ switching (Koch et al. 2004) and stochastic-memristor SET draws.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../engine/sim/rng';
import {
  MTJ_TAU0,
  mtjSwitchingProbability,
  mtjSwitchingTime,
  sampleSetConductance,
  switchingProbability,
} from '../../engine/sim/switching';

describe('MTJ thermally activated switching', () => {
  it('tau = tau0 exp(Delta (1 - I/Ic0))', () => {
    expect(MTJ_TAU0).toBe(1e-9);
    // No current: the retention time τ0·e^40 = 2.35e8 s, about 7.5 years.
    expect(mtjSwitchingTime(0, 1, 40) / 2.3538526683702e8).toBeCloseTo(1, 9);
    expect(mtjSwitchingTime(0.9e-4, 1e-4, 40) / 5.459815003e-8).toBeCloseTo(1, 9); // tau0 e^4
    expect(mtjSwitchingTime(1e-4, 1e-4, 40)).toBe(1e-9);
  });

  it('P_sw = 1 - exp(-t_pulse / tau)', () => {
    expect(switchingProbability(10e-9, 5.459815003314424e-8)).toBeCloseTo(0.16736207, 8);
    expect(mtjSwitchingProbability(10e-9, 0.9e-4, 1e-4, 40)).toBeCloseTo(0.16736207, 8);
    expect(mtjSwitchingProbability(10e-9, 1e-4, 1e-4, 40)).toBeCloseTo(1 - Math.exp(-10), 12);
    expect(switchingProbability(0, 1e-9)).toBe(0);
    // A weak pulse on a stable bit almost never switches: 1 ns / (1 ns·e^40).
    expect(mtjSwitchingProbability(1e-9, 0, 1e-4, 40)).toBeCloseTo(Math.exp(-40), 25);
  });
});

describe('stochastic memristor SET (Dalgaty et al. 2021)', () => {
  it('draws N(target, ctoc) in normalised conductance, clipped to [0, 1]', () => {
    const rng = new Rng(11);
    const n = 100_000;
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const g = sampleSetConductance(0.5, 0.1, rng);
      s += g;
      s2 += g * g;
    }
    const mean = s / n;
    const std = Math.sqrt(s2 / n - mean * mean);
    // Clip at 5σ is negligible; standard errors 3e-4 (mean) and 0.22% (std).
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.0015);
    expect(Math.abs(std / 0.1 - 1)).toBeLessThan(0.012);
    for (let i = 0; i < 1000; i++) {
      const g = sampleSetConductance(0.95, 0.5, rng);
      expect(g).toBeGreaterThanOrEqual(0);
      expect(g).toBeLessThanOrEqual(1);
    }
  });

  it('is reproducible from the seed', () => {
    const a = new Rng(4);
    const b = new Rng(4);
    for (let i = 0; i < 10; i++)
      expect(sampleSetConductance(0.3, 0.2, a)).toBe(sampleSetConductance(0.3, 0.2, b));
  });
});
