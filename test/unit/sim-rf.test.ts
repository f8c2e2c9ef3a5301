// The RF spintronic learner: oscillator neuron, gradient check through the line shape, band
// clipping, programming noise, determinism, routing, and learning on an MNIST slice.
import { describe, expect, it } from 'vitest';
import { loadMnist } from '../../engine/data/mnist';
import type { DeviceModel } from '../../engine/ir/model';
import { jsKernels } from '../../engine/sim/kernels';
import { createOptimizer } from '../../engine/sim/optim';
import type { LayerPlan, TrainingPlan } from '../../engine/sim/plan';
import { deviceModel, mlpPlan } from '../../engine/sim/presets';
import { Rng } from '../../engine/sim/rng';
import { learnerFor } from '../../engine/sim/rules';
import {
  createRfLearner,
  oscillatorPower,
  oscillatorSlope,
  RfNetwork,
  type RfOptions,
  rfLearnerFactory,
  updateResonances,
} from '../../engine/sim/rules/rf';
import type { LearnerContext } from '../../engine/sim/rules/types';
import { train } from '../../engine/sim/train';

const spinRes = (programNoise = 0, readNoise = 0): DeviceModel =>
  deviceModel({
    name: 'spin_res',
    kind: 'spin_resonator',
    programNoise,
    readNoise,
    resonator: { fResMin: 2e9, fResMax: 4e9, linewidth: 40e6 },
  });

/** An RF MLP inputs-…-classes on rf_chain tiles, oscillator hidden neurons. */
function rfPlan(
  sizes: number[],
  o: { device?: DeviceModel; bias?: boolean; nonlinearity?: number; rule?: TrainingPlan['rule'] } = {},
): TrainingPlan {
  const base = mlpPlan({ hidden: sizes.slice(1, -1), bias: o.bias ?? false, seed: 3, epochs: 1, batch: 16 });
  const device = o.device ?? spinRes();
  const layers: LayerPlan[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const last = l + 2 === sizes.length;
    layers.push({
      ...(base.layers[0] as LayerPlan),
      name: `rf${l + 1}`,
      inputs: sizes[l]!,
      units: sizes[l + 1]!,
      activation: last ? 'identity' : 'oscillator',
      bias: o.bias ?? false,
      device,
      tile: {
        ...(base.layers[0] as LayerPlan).tile,
        kind: 'rf_chain',
        rows: sizes[l]!,
        cols: sizes[l + 1]!,
        rowBlocks: 1,
        colBlocks: 1,
      },
      ...(last
        ? {}
        : {
            neuron: {
              name: 'sto',
              kind: 'oscillator',
              spiking: false,
              params: { threshold: 1e-3, nonlinearity: o.nonlinearity ?? 1 },
              energyPerUpdate: 1e-13,
              energyPerSpike: 0,
              provenance: {},
              range: device.range,
            },
          }),
    });
  }
  return {
    ...base,
    inputSize: sizes[0]!,
    inputShape: [sizes[0]!],
    classes: sizes[sizes.length - 1]!,
    layers,
    rule: o.rule ?? 'backprop',
    trainable: 'f_res',
    optimizer: { kind: 'sgd', lr: 0.2, momentum: 0.9, schedule: 'cosine' },
  };
}

function ctxFor(plan: TrainingPlan, maxBatch = 64): LearnerContext {
  return { plan, kernels: jsKernels, maxBatch, totalSteps: 100, log: () => {} };
}

describe('spin-torque oscillator neuron', () => {
  it('emits no power at or below threshold and (ζ − 1)^p above it', () => {
    expect(oscillatorPower(-0.5, 1)).toBe(0);
    expect(oscillatorPower(0, 1)).toBe(0);
    expect(oscillatorPower(0.3, 1)).toBeCloseTo(0.3, 12);
    expect(oscillatorPower(0.25, 2)).toBeCloseTo(0.0625, 12);
    expect(oscillatorPower(0.25, 0.5)).toBeCloseTo(0.5, 12);
    expect(oscillatorSlope(-0.1, 2)).toBe(0);
    expect(oscillatorSlope(0.25, 2)).toBeCloseTo(0.5, 12);
    expect(oscillatorSlope(0.3, 1)).toBe(1);
  });

  it('a neuron biased below threshold needs a larger input to oscillate', () => {
    const plan = rfPlan([4, 3, 2]);
    const net = new RfNetwork(ctxFor(plan), { neuronBias: 0.5 });
    const x = new Float32Array([0, 0, 0, 0]);
    net.program(null);
    net.forward(x, 1, null);
    // Zero input: ζ = ζ_dc = 0.5 < 1, no oscillation; z = ζ − 1 = −0.5.
    expect(Array.from(net.layers[0]!.a.subarray(0, 3))).toEqual([0, 0, 0]);
    expect(net.layers[0]!.z[0]).toBeCloseTo(-0.5, 6);
  });
});

describe('RF network forward', () => {
  it('hidden outputs are oscillator powers of gain × the chain sums (hand-computed)', () => {
    const plan = rfPlan([2, 2, 2]);
    const net = new RfNetwork(ctxFor(plan), { gainFactor: 1 });
    const L = net.layers[0]!;
    // 2 inputs → 2 carriers at 2.5 and 3.5 GHz, i.e. ν = 25 and 75 (Δ = 20 MHz).
    expect(Array.from(L.geo.carrierNu)).toEqual([25, 75]);
    // Chain 0: u = +1 on input 0 (W = 1), u = −2 on input 1 (W = −0.8).
    // Chain 1: u = 0 on input 0 (W = 0), u = 3 on input 1 (W = 0.6).
    L.nu.set([24, 25, 77, 72]);
    net.program(null);
    const x = new Float32Array([0.5, 0.25]);
    net.forward(x, 1, null);
    const gain = Math.sqrt(2 / 2); // gainFactor 1 × √(2/k)
    const u0 = 0.5 * 1 + 0.25 * -0.8; // 0.3
    const u1 = 0.5 * 0 + 0.25 * 0.6; // 0.15
    expect(L.a[0]).toBeCloseTo(gain * u0, 6);
    expect(L.a[1]).toBeCloseTo(gain * u1, 6);
    // Input 1 alone drives chain 0 negative: below threshold, no output power.
    net.forward(new Float32Array([0, 1]), 1, null);
    expect(L.a[0]).toBe(0);
    expect(L.a[1]).toBeCloseTo(gain * 0.6, 6);
  });
});

describe('RF network gradient', () => {
  // p = 1 has a kink at threshold that a finite difference can straddle; p > 1 is smooth there.
  for (const [bias, p] of [
    [false, 2],
    [true, 1.5],
  ] as const) {
    it(`dL/dν matches finite differences (bias ${bias}, nonlinearity ${p})`, () => {
      const plan = rfPlan([6, 5, 3], { bias, nonlinearity: p });
      const net = new RfNetwork(ctxFor(plan), { gainFactor: 6 });
      const m = 4;
      const rng = new Rng(11, 1);
      const x = new Float32Array(m * 6);
      for (let i = 0; i < x.length; i++) x[i] = rng.uniform();
      const labels = new Uint8Array([0, 1, 2, 1]);
      const lossAt = () => {
        net.program(null);
        net.forward(x, m, null);
        return net.loss(labels, m, false).loss / m;
      };
      net.program(null);
      net.forward(x, m, null);
      net.loss(labels, m, true);
      net.backward(x, m);
      const grads = net.layers.map((L) => Float32Array.from(L.gnu));
      let checked = 0;
      net.layers.forEach((L, l) => {
        for (let t = 0; t < L.nu.length; t++) {
          const v = L.nu[t]!;
          const h = 2e-3;
          L.nu[t] = v + h;
          const lp = lossAt();
          L.nu[t] = v - h;
          const lm = lossAt();
          L.nu[t] = v;
          const fd = (lp - lm) / (2 * h);
          const an = grads[l]![t]!;
          expect(Math.abs(an - fd)).toBeLessThan(2e-3 + 2e-2 * Math.abs(fd));
          if (Math.abs(fd) > 1e-3) checked++;
        }
      });
      expect(checked).toBeGreaterThan(10); // the check is not vacuous
    });
  }
});

describe('RF learner', () => {
  it('keeps every resonance inside the tunable band, even with a huge learning rate', () => {
    const plan = rfPlan([8, 6, 3]);
    const net = new RfNetwork(ctxFor(plan));
    const band = net.layers[0]!.geo.bandNu;
    expect(band).toBe(100); // 2 GHz band / 20 MHz half width
    const opt = createOptimizer({ kind: 'sgd', lr: 1e5, momentum: 0, schedule: 'constant' });
    const rng = new Rng(2, 1);
    const x = new Float32Array(16 * 8);
    for (let i = 0; i < x.length; i++) x[i] = rng.uniform();
    const y = new Uint8Array(16).map((_, i) => i % 3);
    let pinned = 0;
    for (let s = 0; s < 5; s++) {
      net.program(null);
      net.forward(x, 16, null);
      net.loss(y, 16, true);
      net.backward(x, 16);
      updateResonances(net, opt, 1e5);
    }
    for (const L of net.layers)
      for (const v of L.nu) {
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(band);
        if (v === 0 || v === band) pinned++;
      }
    expect(pinned).toBeGreaterThan(0); // the clip was exercised
  });

  it('programming noise (fraction of the band) moves programmed f_res by the right std, clipped', () => {
    const plan = rfPlan([50, 40, 10], { device: spinRes(0.001) }); // σ = 2 MHz = 0.1 Δ
    const net = new RfNetwork(ctxFor(plan));
    net.program(new Rng(4, 4));
    let s2 = 0;
    let cnt = 0;
    for (const L of net.layers) {
      for (let t = 0; t < L.nu.length; t++) {
        const d = L.nuProg[t]! - L.nu[t]!;
        s2 += d * d;
        cnt++;
        expect(L.nuProg[t]!).toBeGreaterThanOrEqual(0);
        expect(L.nuProg[t]!).toBeLessThanOrEqual(100);
      }
    }
    expect(Math.sqrt(s2 / cnt)).toBeCloseTo(0.1, 2);
  });

  it('is routed by learnerFor and bit-for-bit deterministic', async () => {
    const plan = rfPlan([784, 16, 10]);
    plan.trainLimit = 300;
    plan.testLimit = 100;
    expect(learnerFor(plan)).toBe(createRfLearner);
    const data = { train: loadMnist('train', 300), test: loadMnist('test', 100) };
    const a = await train(plan, data, { evaluate: true });
    const b = await train(plan, data, { evaluate: true });
    const strip = (m: Record<string, number>) => {
      const { samples_per_s: _, ...rest } = m;
      return rest;
    };
    expect(strip(a.metrics)).toEqual(strip(b.metrics));
  });

  it('learns MNIST on a slice (784-32-10, 3000 samples, 2 epochs) to over 85%', async () => {
    const plan = rfPlan([784, 32, 10]);
    plan.epochs = 2;
    plan.batch = 32;
    const data = { train: loadMnist('train', 3000), test: loadMnist('test', 1000) };
    const r = await train(plan, data);
    expect(r.metrics.test_accuracy).toBeGreaterThan(0.85);
  });

  it('programming noise at deploy hurts; hardware-aware training recovers part of it', async () => {
    const data = { train: loadMnist('train', 2000), test: loadMnist('test', 500) };
    const acc = async (noise: number, rule: TrainingPlan['rule'], o: RfOptions = {}) => {
      const plan = rfPlan([784, 128, 10], { device: spinRes(noise), rule });
      plan.epochs = 2;
      plan.batch = 32;
      const ctx = ctxFor(plan, 256);
      const r = await train(plan, data, { learner: rfLearnerFactory(o)(ctx) });
      return r.metrics.test_accuracy!;
    };
    const clean = await acc(0, 'backprop');
    const noisy = await acc(0.002, 'backprop'); // σ = 4 MHz = 0.2 Δ
    const aware = await acc(0.002, 'hw_aware');
    expect(noisy).toBeLessThan(clean - 0.02);
    expect(aware).toBeGreaterThan(noisy);
  });
});
