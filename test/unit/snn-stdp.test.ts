import { describe, expect, it } from 'vitest';
import { DEFAULT_STDP, PairStdp, stdpWindow } from '../../engine/snn/stdp';

const DT = 1e-3;

/** Runs one synapse through the given pre/post spike steps; returns the final weight change. */
function pairRun(preSteps: number[], postSteps: number[], steps: number, w0 = 0.5): number {
  const stdp = new PairStdp(1, 1, DT);
  const w = new Float32Array([w0]);
  const pre = new Uint8Array(1);
  const post = new Uint8Array(1);
  for (let t = 0; t < steps; t++) {
    pre[0] = preSteps.includes(t) ? 1 : 0;
    post[0] = postSteps.includes(t) ? 1 : 0;
    stdp.step(pre, post, w);
  }
  return w[0]! - w0;
}

describe('pair-based STDP', () => {
  it('defaults carry the Bi & Poo windows and Song et al. amplitudes', () => {
    expect(DEFAULT_STDP.tauPlus).toBe(16.8e-3);
    expect(DEFAULT_STDP.tauMinus).toBe(33.7e-3);
    expect(DEFAULT_STDP.aMinus / DEFAULT_STDP.aPlus).toBeCloseTo(1.05, 12);
  });

  it('pre -> post at +10 ms potentiates by A+ exp(-10/16.8)', () => {
    // Hand value: 0.005 * exp(-10/16.8) = 0.005 * 0.551447... = 0.00275724
    const dw = pairRun([0], [10], 20);
    expect(dw).toBeCloseTo(0.005 * Math.exp(-10 / 16.8), 7);
    expect(dw).toBeCloseTo(0.0027572, 6);
  });

  it('post -> pre at -10 ms depresses by A- exp(-10/33.7)', () => {
    // Hand value: 0.00525 * exp(-10/33.7) = 0.00525 * 0.743301... = 0.00390233
    const dw = pairRun([10], [0], 20);
    expect(dw).toBeCloseTo(-0.00525 * Math.exp(-10 / 33.7), 7);
    expect(dw).toBeCloseTo(-0.0039023, 6);
  });

  it('spikes in the same step pair both ways (A+ - A-, Lava order); all-to-all pairs add up', () => {
    expect(pairRun([3], [3], 10)).toBeCloseTo(0.005 - 0.00525, 7);
    // Two pre spikes at 0 and 5, one post at 10: A+ (e^{-10/16.8} + e^{-5/16.8}).
    const both = pairRun([0, 5], [10], 12);
    expect(both).toBeCloseTo(0.005 * (Math.exp(-10 / 16.8) + Math.exp(-5 / 16.8)), 7);
    expect(stdpWindow(10e-3)).toBeCloseTo(0.005 * Math.exp(-10 / 16.8), 12);
    expect(stdpWindow(-10e-3)).toBeCloseTo(-0.00525 * Math.exp(-10 / 33.7), 12);
    expect(stdpWindow(0)).toBeCloseTo(-0.00025, 12);
  });

  it('traces decay by exp(-dt/tau) per step and jump by 1 at a spike', () => {
    const stdp = new PairStdp(1, 1, DT);
    const w = new Float32Array(1);
    stdp.accumulate(new Uint8Array([1]), new Uint8Array([1]), w);
    expect(stdp.xPre[0]).toBe(1);
    expect(stdp.yPost[0]).toBe(1);
    const none = new Uint8Array(1);
    for (let t = 0; t < 7; t++) stdp.accumulate(none, none, w);
    expect(stdp.xPre[0]).toBeCloseTo(Math.exp(-7 / 16.8), 6);
    expect(stdp.yPost[0]).toBeCloseTo(Math.exp(-7 / 33.7), 6);
  });

  it('weights stay within the bounds', () => {
    const stdp = new PairStdp(1, 1, DT, { aPlus: 0.3, aMinus: 0.3, wMin: 0, wMax: 1 });
    const w = new Float32Array([0.9]);
    const on = new Uint8Array([1]);
    const off = new Uint8Array([0]);
    stdp.step(on, off, w);
    stdp.step(off, on, w); // +0.3 e^{-1/16.8} -> clipped at 1
    expect(w[0]).toBe(1);
    const s2 = new PairStdp(1, 1, DT, { aPlus: 0.3, aMinus: 0.9, wMin: 0, wMax: 1 });
    const w2 = new Float32Array([0.2]);
    s2.step(off, on, w2);
    s2.step(on, off, w2); // -0.9 e^{-1/33.7} -> clipped at 0
    expect(w2[0]).toBe(0);
  });
});
