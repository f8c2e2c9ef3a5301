// Float LIF / CUBA-LIF (engine/snn/neurons.ts) against traces computed by hand.
import { describe, expect, it } from 'vitest';
import type { NeuronKind, NeuronModel } from '../../engine/ir/model';
import {
  createLifState,
  type LifConstants,
  lifConstants,
  lifStep,
  resetLifState,
} from '../../engine/snn/neurons';

const RANGE = { file: 't', start: { line: 1, col: 1, offset: 0 }, end: { line: 1, col: 1, offset: 0 } };
function neuron(kind: NeuronKind, params: Record<string, number> = {}): NeuronModel {
  return {
    name: 'n',
    kind,
    spiking: true,
    params,
    energyPerUpdate: 0,
    energyPerSpike: 0,
    provenance: {},
    range: RANGE,
  };
}

/** Runs one neuron for inputs.length steps; returns v after each step and the spike steps. */
function trace(c: LifConstants, inputs: number[], reset: 'subtract' | 'value') {
  const s = createLifState(1);
  const input = new Float32Array(1);
  const v: number[] = [];
  const syn: number[] = [];
  const spikes: number[] = [];
  inputs.forEach((x, t) => {
    input[0] = x;
    if (lifStep(c, s, input, 0, { reset }) === 1) spikes.push(t);
    expect(s.spikes[0]).toBe(spikes.includes(t) ? 1 : 0);
    v.push(s.v[0]!);
    syn.push(s.syn[0]!);
  });
  return { v, syn, spikes };
}

function expectClose(actual: number[], hand: number[], digits: number): void {
  expect(actual.length).toBe(hand.length);
  for (let t = 0; t < hand.length; t++) expect(actual[t]).toBeCloseTo(hand[t]!, digits);
}

const LIF: LifConstants = { beta: 0.9, alpha: 0, threshold: 1, reset: 0, refractorySteps: 0 };

describe('lifConstants', () => {
  it('derives beta, alpha, threshold, reset and refractory steps from the IR, defaults filled in', () => {
    const c = lifConstants(
      neuron('cuba_lif', { tau_mem: 10e-3, tau_syn: 2e-3, v_th: 0.5, refractory: 2.4e-3 }),
      1e-3,
    );
    expect(c.beta).toBeCloseTo(Math.exp(-0.1), 15);
    expect(c.alpha).toBeCloseTo(Math.exp(-0.5), 15);
    expect(c.threshold).toBe(0.5);
    expect(c.reset).toBe(0); // default v_reset
    expect(c.refractorySteps).toBe(2); // round(2.4 ms / 1 ms)
    // lif: defaults tau_mem 20 ms, v_th 1, no synaptic state.
    const d = lifConstants(neuron('lif'), 1e-3);
    expect(d).toEqual({
      beta: Math.exp(-1e-3 / 20e-3),
      alpha: 0,
      threshold: 1,
      reset: 0,
      refractorySteps: 0,
    });
    // loihi_cuba: the float reading of the integer decays (du + 1 as Lava's ds_offset).
    const l = lifConstants(neuron('loihi_cuba', { du: 1023, dv: 2048, vth: 100, refractory: 3 }), 1e-3);
    expect(l).toEqual({ beta: 0.5, alpha: 0.75, threshold: 100, reset: 0, refractorySteps: 3 });
  });

  it('refuses non-spiking kinds, adex and dt <= 0', () => {
    expect(() => lifConstants(neuron('relu'), 1e-3)).toThrow(/non-spiking/);
    expect(() => lifConstants(neuron('adex'), 1e-3)).toThrow(/not a LIF/);
    expect(() => lifConstants(neuron('lif'), 0)).toThrow(/dt/);
    expect(() => lifConstants(neuron('lif'), -1)).toThrow(/dt/);
  });
});

describe('lifStep, plain LIF (beta 0.9, threshold 1, constant input 0.3)', () => {
  it('subtract reset follows snnTorch Leaky: v[t] = 0.9 v[t-1] + 0.3 - s[t-1]', () => {
    // By hand:
    // t0: 0.3   t1: 0.27 + 0.3 = 0.57   t2: 0.513 + 0.3 = 0.813   t3: 0.7317 + 0.3 = 1.0317 > 1: spike
    // t4: 0.92853 + 0.3 - 1 = 0.22853   t5: 0.205677 + 0.3 = 0.505677   t6: 0.4551093 + 0.3 = 0.7551093
    // t7: 0.67959837 + 0.3 = 0.97959837 (no spike)   t8: 0.881638533 + 0.3 = 1.181638533: spike
    // t9: 1.0634746797 + 0.3 - 1 = 0.3634746797
    const r = trace(LIF, Array(10).fill(0.3), 'subtract');
    const hand = [
      0.3, 0.57, 0.813, 1.0317, 0.22853, 0.505677, 0.7551093, 0.97959837, 1.181638533, 0.3634746797,
    ];
    expectClose(r.v, hand, 6);
    expect(r.spikes).toEqual([3, 8]);
  });

  it('value reset (NIR) sets v to v_reset at the spike: period 4', () => {
    // t0..t3 as above; t3 spikes and v := 0; t4..t7 repeat t0..t3.
    const r = trace({ ...LIF, reset: 0 }, Array(10).fill(0.3), 'value');
    const hand = [0.3, 0.57, 0.813, 0, 0.3, 0.57, 0.813, 0, 0.3, 0.57];
    expectClose(r.v, hand, 6);
    expect(r.spikes).toEqual([3, 7]);
    // A non-zero v_reset is used as given.
    const neg = trace({ ...LIF, reset: -0.5 }, Array(5).fill(0.3), 'value');
    expect(neg.v[3]).toBe(-0.5);
    expect(neg.v[4]).toBeCloseTo(-0.45 + 0.3, 6);
  });

  it('refractory period blocks integration for exactly N steps', () => {
    for (const n of [1, 2, 5]) {
      // Spike at t3, v := 0; t4..t(3+n) held at 0 without spiking; then 0.3, 0.57, 0.813, spike.
      const r = trace({ ...LIF, refractorySteps: n }, Array(20).fill(0.3), 'value');
      // Period n + 4: spikes at 3, 3 + (n + 4), 3 + 2 (n + 4), ... below 20.
      const expected: number[] = [];
      for (let t = 3; t < 20; t += n + 4) expected.push(t);
      expect(r.spikes).toEqual(expected);
      for (let t = 4; t <= 3 + n; t++) expect(r.v[t]).toBe(0);
      expect(r.v[4 + n]).toBeCloseTo(0.3, 6);
    }
  });

  it('refractory in subtract mode still takes the threshold off, then holds v', () => {
    // t3 = 1.0317 spikes; t4 (refractory): v = 1.0317 - 1 = 0.0317, no decay, no input;
    // t5: 0.9 * 0.0317 + 0.3 = 0.32853.
    const r = trace({ ...LIF, refractorySteps: 1 }, Array(6).fill(0.3), 'subtract');
    expect(r.v[4]).toBeCloseTo(0.0317, 6);
    expect(r.v[5]).toBeCloseTo(0.32853, 6);
    expect(r.spikes).toEqual([3]);
  });
});

describe('lifStep, CUBA-LIF (snnTorch Synaptic discretisation)', () => {
  it('a single input pulse: syn halves each step, v = 0.9 v + syn', () => {
    // alpha 0.5, beta 0.9, threshold 10 (never reached), input 1 at t0 then 0.
    // syn: 1, 0.5, 0.25, 0.125, 0.0625
    // v:   1, 0.9 + 0.5 = 1.4, 1.26 + 0.25 = 1.51, 1.359 + 0.125 = 1.484, 1.3356 + 0.0625 = 1.3981
    const c: LifConstants = { beta: 0.9, alpha: 0.5, threshold: 10, reset: 0, refractorySteps: 0 };
    const r = trace(c, [1, 0, 0, 0, 0], 'subtract');
    expectClose(r.syn, [1, 0.5, 0.25, 0.125, 0.0625], 7);
    expectClose(r.v, [1, 1.4, 1.51, 1.484, 1.3981], 6);
    expect(r.spikes).toEqual([]);
  });

  it('spikes with value reset while the current keeps decaying; refractory leaves syn running', () => {
    // alpha 0.5, beta 0.5, threshold 1, reset 0, refractory 1; input 2 at t0 only.
    // t0: syn 2, v 2 > 1 spike, v := 0.   t1: syn 1, refractory: v stays 0.
    // t2: syn 0.5, v = 0 + 0.5 = 0.5.      t3: syn 0.25, v = 0.25 + 0.25 = 0.5.
    const c: LifConstants = { beta: 0.5, alpha: 0.5, threshold: 1, reset: 0, refractorySteps: 1 };
    const r = trace(c, [2, 0, 0, 0], 'value');
    expect(r.spikes).toEqual([0]);
    expect(r.syn).toEqual([2, 1, 0.5, 0.25]);
    expect(r.v).toEqual([0, 0, 0.5, 0.5]);
  });

  it('is vectorised: neurons of a population are independent; inputOffset reads a slice', () => {
    const c: LifConstants = { beta: 0.9, alpha: 0, threshold: 1, reset: 0, refractorySteps: 0 };
    const s = createLifState(3);
    const buf = new Float32Array([9, 9, 0.3, 0, 0.6]); // population input at offset 2
    const counts: number[] = [];
    for (let t = 0; t < 4; t++) counts.push(lifStep(c, s, buf, 2));
    // neuron 0 = the 0.3 trace (spikes at t3); neuron 1 never (input 0);
    // neuron 2: 0.6, 0.54 + 0.6 = 1.14 spike, 1.026 + 0.6 - 1 = 0.626, 0.5634 + 0.6 = 1.1634 spike.
    expect(counts).toEqual([0, 1, 0, 2]);
    expect(s.v[2]).toBeCloseTo(1.1634, 6);
    expect(s.v[1]).toBe(0);
    resetLifState(s);
    expect(Array.from(s.v)).toEqual([0, 0, 0]);
    expect(Array.from(s.spikes)).toEqual([0, 0, 0]);
  });
});
