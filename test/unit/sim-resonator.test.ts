// The RF resonator synapse against hand-computed values: line shape, rectified voltage, its
// derivative, the frequency-multiplexed chain sum and the effective-weight / gradient kernels.
import { describe, expect, it } from 'vitest';
import type { ResonatorModel } from '../../engine/ir/model';
import {
  carrierOf,
  chainGeometry,
  chainVoltage,
  channelPlan,
  clipToBand,
  dVoltageDfRes,
  effectiveWeights,
  lineShapeOf,
  rectifiedVoltage,
  resonanceGradient,
  shape,
  shapeSlope,
} from '../../engine/sim/resonator';
import { Rng } from '../../engine/sim/rng';

const SPIN_RES: ResonatorModel = { fResMin: 2e9, fResMax: 4e9, linewidth: 40e6 };
const F0 = 3e9; // a resonance in the middle of the band
const DELTA = 20e6; // half width at half maximum = linewidth / 2

describe('resonator line shape', () => {
  const anti = lineShapeOf(SPIN_RES, 0);
  const sym = lineShapeOf(SPIN_RES, 1);

  it('reads the linewidth as the FWHM: Δ = 20 MHz for spin_res', () => {
    expect(anti.halfWidth).toBe(DELTA);
  });

  it('at resonance: antisymmetric gives 0, symmetric its peak P_RF', () => {
    // P_RF = 2 mW, normalised sensitivity 1 V/W
    expect(rectifiedVoltage(F0, F0, 2e-3, anti)).toBe(0);
    expect(rectifiedVoltage(F0, F0, 2e-3, sym)).toBeCloseTo(2e-3, 15);
  });

  it('at ± half a linewidth (u = ±1): antisymmetric extrema ±P_RF, symmetric half maximum', () => {
    expect(rectifiedVoltage(F0 + DELTA, F0, 2e-3, anti)).toBeCloseTo(2e-3, 15);
    expect(rectifiedVoltage(F0 - DELTA, F0, 2e-3, anti)).toBeCloseTo(-2e-3, 15);
    expect(rectifiedVoltage(F0 + DELTA, F0, 2e-3, sym)).toBeCloseTo(1e-3, 15);
    expect(rectifiedVoltage(F0 - DELTA, F0, 2e-3, sym)).toBeCloseTo(1e-3, 15);
  });

  it('at ± one linewidth (u = ±2): antisymmetric ±4/5, symmetric 1/5', () => {
    expect(rectifiedVoltage(F0 + 40e6, F0, 1, anti)).toBeCloseTo(0.8, 12);
    expect(rectifiedVoltage(F0 - 40e6, F0, 1, anti)).toBeCloseTo(-0.8, 12);
    expect(rectifiedVoltage(F0 + 40e6, F0, 1, sym)).toBeCloseTo(0.2, 12);
  });

  it('far from resonance (1 GHz = 50 Δ): antisymmetric 100/2501, symmetric 1/2501', () => {
    expect(rectifiedVoltage(F0 + 1e9, F0, 1, anti)).toBeCloseTo(100 / 2501, 12);
    expect(rectifiedVoltage(F0 + 1e9, F0, 1, sym)).toBeCloseTo(1 / 2501, 12);
  });

  it('mixes the two parts linearly: s = 0.25 at u = 1 gives 0.25·½ + 0.75·1', () => {
    expect(shape(1, 0.25)).toBeCloseTo(0.875, 12);
  });

  it('amplitude scales the voltage', () => {
    const ls = lineShapeOf(SPIN_RES, 1, 1000); // 1000 V/W = 1 mV/µW
    expect(rectifiedVoltage(F0, F0, 1e-6, ls)).toBeCloseTo(1e-3, 12);
  });

  it('dV/df_res matches central finite differences', () => {
    for (const s of [0, 0.3, 1]) {
      const ls = lineShapeOf(SPIN_RES, s);
      for (const d of [-60e6, -20e6, -3e6, 0, 7e6, 20e6, 45e6, 300e6]) {
        const h = 1e3; // 1 kHz
        const fd =
          (rectifiedVoltage(F0 + d, F0 + h, 1, ls) - rectifiedVoltage(F0 + d, F0 - h, 1, ls)) / (2 * h);
        const an = dVoltageDfRes(F0 + d, F0, 1, ls);
        expect(an).toBeCloseTo(fd, 12);
        expect(Math.abs(an - fd)).toBeLessThan(1e-6 * Math.max(1e-9, Math.abs(fd)) + 1e-14);
      }
    }
  });

  it('slope of the antisymmetric shape is 2 at resonance (per Δ) and 0 at the extrema', () => {
    expect(shapeSlope(0, 0)).toBe(2);
    expect(shapeSlope(1, 0)).toBe(0);
    expect(shapeSlope(-1, 0)).toBe(0);
  });
});

describe('frequency-multiplexed chain', () => {
  const ls = lineShapeOf(SPIN_RES, 0);

  it('sums the rectified voltages of resonators in series (no crosstalk: each its own carrier)', () => {
    const fRF = [2.1e9, 2.5e9, 3.2e9];
    const fRes = [2.1e9 - 20e6, 2.5e9 + 40e6, 3.2e9]; // u = +1, −2, 0
    const p = [1e-3, 2e-3, 5e-3];
    // 1e-3·1 + 2e-3·(−0.8) + 5e-3·0
    expect(chainVoltage(p, fRF, fRes, ls, false)).toBeCloseTo(1e-3 - 1.6e-3, 15);
  });

  it('with crosstalk every resonator also rectifies the other carriers', () => {
    const fRF = [3e9, 3.04e9];
    const fRes = [3e9 - 20e6, 3.04e9]; // own carriers: u = +1 and 0
    const p = [1, 1];
    // resonator 0: carrier 0 u=1 → 1; carrier 1 u=(60 MHz)/Δ=3 → 6/10. resonator 1: carrier 0 u=−2 → −0.8; carrier 1 → 0.
    expect(chainVoltage(p, fRF, fRes, ls, true)).toBeCloseTo(1 + 0.6 - 0.8, 12);
    expect(chainVoltage(p, fRF, fRes, ls, false)).toBeCloseTo(1, 12);
  });

  it('spreads carriers one linewidth apart: 50 channels in 2–4 GHz, 784 inputs on 16 sub-chains', () => {
    const cp = channelPlan(784, SPIN_RES);
    expect(cp.channels).toBe(50);
    expect(cp.subChains).toBe(16);
    expect(cp.spacing).toBe(40e6);
    expect(cp.carriers[0]).toBeCloseTo(2.02e9, 0);
    expect(cp.carriers[49]).toBeCloseTo(3.98e9, 0);
    expect(carrierOf(cp, 50)).toBe(cp.carriers[0]);
    expect(carrierOf(cp, 783)).toBe(cp.carriers[783 % 50]);
    // Fewer inputs than channels: one carrier per input over the whole band.
    expect(channelPlan(10, SPIN_RES).spacing).toBe(200e6);
  });

  for (const crosstalk of [false, true]) {
    it(`W_eff reproduces the chain voltages (crosstalk ${crosstalk})`, () => {
      const k = 7;
      const n = 3;
      const g = chainGeometry(k, n, SPIN_RES, { channels: 3, crosstalk });
      const rng = new Rng(5, 1);
      const nu = new Float32Array(k * n);
      for (let i = 0; i < k; i++)
        for (let j = 0; j < n; j++) nu[i * n + j] = g.carrierNu[i % 3]! + 3 * rng.normal();
      const w = new Float32Array(k * n);
      effectiveWeights(nu, g, w);
      const x = Array.from({ length: k }, () => rng.uniform());
      const cp = channelPlan(k, SPIN_RES, 3);
      for (let j = 0; j < n; j++) {
        let u = 0;
        for (let i = 0; i < k; i++) u += x[i]! * w[i * n + j]!;
        // Reference: per sub-chain, the chain formula in Hz.
        let ref = 0;
        for (let r0 = 0; r0 < k; r0 += 3) {
          const idx = [...Array(Math.min(3, k - r0)).keys()].map((t) => r0 + t);
          ref += chainVoltage(
            idx.map((i) => x[i]!),
            idx.map((i) => carrierOf(cp, i)),
            idx.map((i) => SPIN_RES.fResMin + nu[i * n + j]! * DELTA),
            ls,
            crosstalk,
          );
        }
        expect(u).toBeCloseTo(ref, 4);
      }
    });

    it(`dL/dν matches finite differences of L = Σ G⊙W_eff (crosstalk ${crosstalk})`, () => {
      const k = 5;
      const n = 2;
      const g = chainGeometry(k, n, SPIN_RES, { channels: 3, crosstalk, symmetric: 0.2 });
      const rng = new Rng(9, 1);
      const nu = new Float32Array(k * n);
      for (let i = 0; i < k; i++)
        for (let j = 0; j < n; j++) nu[i * n + j] = g.carrierNu[i % 3]! + 2 * rng.normal();
      const G = new Float32Array(k * n);
      rng.fillNormal(G, 1);
      const grad = new Float32Array(k * n);
      resonanceGradient(G, nu, g, grad);
      const w = new Float32Array(k * n);
      const L = () => {
        effectiveWeights(nu, g, w);
        let s = 0;
        for (let t = 0; t < k * n; t++) s += G[t]! * w[t]!;
        return s;
      };
      for (let t = 0; t < k * n; t++) {
        const v = nu[t]!;
        const h = 1e-2;
        nu[t] = v + h;
        const lp = L();
        nu[t] = v - h;
        const lm = L();
        nu[t] = v;
        expect(grad[t]!).toBeCloseTo((lp - lm) / (2 * h), 2);
      }
    });
  }

  it('clips resonances to the tunable band', () => {
    const nu = new Float32Array([-3, 0, 50, 100, 130]);
    clipToBand(nu, 100);
    expect(Array.from(nu)).toEqual([0, 0, 50, 100, 100]);
  });
});
