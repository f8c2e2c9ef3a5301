// conv2d layers on RF resonator chains: the same chain read as a dense layer at every output
// position (im2col), the gradient through it (f_res and W_eff), pool/flatten between chains,
// determinism, the CNN example checking as runnable, and learning on an MNIST slice.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadMnist } from '../../engine/data/mnist';
import { checkDocument } from '../../engine/dsl/index';
import type { DeviceModel, NeuronModel } from '../../engine/ir/model';
import { jsKernels } from '../../engine/sim/kernels';
import {
  buildTrainingPlan,
  isWeightLayer,
  type LayerPlan,
  type StagePlan,
  type TrainingPlan,
} from '../../engine/sim/plan';
import { deviceModel, mlpPlan } from '../../engine/sim/presets';
import { shape } from '../../engine/sim/resonator';
import { Rng } from '../../engine/sim/rng';
import { learnerFor } from '../../engine/sim/rules';
import { createRfLearner, RfNetwork } from '../../engine/sim/rules/rf';
import type { LearnerContext } from '../../engine/sim/rules/types';
import { train } from '../../engine/sim/train';

const spinRes: DeviceModel = deviceModel({
  name: 'spin_res',
  kind: 'spin_resonator',
  programNoise: 0,
  readNoise: 0,
  resonator: { fResMin: 2e9, fResMax: 4e9, linewidth: 40e6 },
});

const sto = (p: number): NeuronModel => ({
  name: 'sto',
  kind: 'oscillator',
  spiking: false,
  params: { threshold: 1e-3, nonlinearity: p },
  energyPerUpdate: 1e-13,
  energyPerSpike: 0,
  provenance: {},
  range: spinRes.range,
});

const base = mlpPlan({ hidden: [], bias: false, seed: 3, epochs: 1, batch: 16 });
const baseLayer = base.layers[0] as LayerPlan;

/** A layer on an rf_chain tile: dense (k → n) or conv2d (inShape, kernel, stride, padding → n channels). */
function rfLayer(
  name: string,
  o: {
    inputs?: number;
    units: number;
    conv?: { inShape: [number, number, number]; kernel: number; stride?: number; padding?: number };
    oscillator?: number;
    bias?: boolean;
  },
): LayerPlan {
  let inputs = o.inputs ?? 0;
  let conv: LayerPlan['conv'];
  if (o.conv) {
    const [c, h, w] = o.conv.inShape;
    const { kernel: k, stride = 1, padding = 0 } = o.conv;
    inputs = c * k * k;
    const out = (s: number) => Math.floor((s + 2 * padding - k) / stride) + 1;
    conv = { inShape: [c, h, w], outShape: [o.units, out(h), out(w)], kernel: k, stride, padding };
  }
  return {
    ...baseLayer,
    kind: conv ? 'conv2d' : 'dense',
    name,
    inputs,
    units: o.units,
    activation: o.oscillator !== undefined ? 'oscillator' : 'identity',
    bias: o.bias ?? false,
    device: spinRes,
    tile: { ...baseLayer.tile, kind: 'rf_chain', rows: 64, cols: 64, rowBlocks: 1, colBlocks: 1 },
    ...(conv ? { conv } : {}),
    ...(o.oscillator !== undefined ? { neuron: sto(o.oscillator) } : {}),
  };
}

function planOf(layers: StagePlan[], inputShape: [number, number, number], classes: number): TrainingPlan {
  return {
    ...base,
    network: 'rf-cnn-test',
    inputShape,
    inputSize: inputShape[0] * inputShape[1] * inputShape[2],
    classes,
    layers,
    rule: 'backprop',
    trainable: 'f_res',
    optimizer: { kind: 'sgd', lr: 0.2, momentum: 0.9, schedule: 'cosine' },
  };
}

const ctxFor = (plan: TrainingPlan, maxBatch = 64): LearnerContext => ({
  plan,
  kernels: jsKernels,
  maxBatch,
  totalSteps: 100,
  log: () => {},
});

describe('conv2d on RF chains: forward', () => {
  it('equals the dense chain read applied to the im2col patches (1×4×4 image, 2×2 kernel, 2 channels)', () => {
    const conv = rfLayer('c', { units: 2, conv: { inShape: [1, 4, 4], kernel: 2 }, oscillator: 1 });
    const net = new RfNetwork(ctxFor(planOf([conv], [1, 4, 4], 18)), { gainFactor: 1 });
    const dense = rfLayer('d', { inputs: 4, units: 2, oscillator: 1 });
    const dnet = new RfNetwork(ctxFor(planOf([dense], [1, 2, 2], 2)), { gainFactor: 1 });
    const C = net.layers[0]!;
    const D = dnet.layers[0]!;
    // 4 inputs per chain → 4 carriers at 2.25, 2.75, 3.25, 3.75 GHz: ν = 12.5, 37.5, 62.5, 87.5.
    expect(Array.from(C.geo.carrierNu)).toEqual([12.5, 37.5, 62.5, 87.5]);
    // Resonances (rows = kernel taps (ky, kx), columns = output channels), in ν units.
    const nu = [11.5, 13.5, 37.5, 35.5, 64.5, 62, 86.5, 90.5];
    C.nu.set(nu);
    D.nu.set(nu);
    net.program(null);
    dnet.program(null);
    const img = [0.1, 0.9, 0.3, 0.5, 0.7, 0.2, 0.8, 0.4, 0.6, 1.0, 0.0, 0.25, 0.35, 0.45, 0.55, 0.65];
    const x = new Float32Array(img);
    const out = net.forward(x, 1, null);
    // By hand: patch at (oy, ox) is [x(oy,ox), x(oy,ox+1), x(oy+1,ox), x(oy+1,ox+1)].
    const patches = new Float32Array(9 * 4);
    for (let oy = 0; oy < 3; oy++)
      for (let ox = 0; ox < 3; ox++)
        for (let ky = 0; ky < 2; ky++)
          for (let kx = 0; kx < 2; kx++)
            patches[(oy * 3 + ox) * 4 + ky * 2 + kx] = img[(oy + ky) * 4 + ox + kx]!;
    const dOut = dnet.forward(patches, 9, null);
    const gain = Math.sqrt(2 / 4); // gainFactor 1 × √(2/k), k = 1·2·2
    const carriers = [12.5, 37.5, 62.5, 87.5];
    for (let o = 0; o < 2; o++) {
      for (let p = 0; p < 9; p++) {
        // Channel-major output [o][oy][ox] equals the dense read of patch p on chain o.
        expect(out[o * 9 + p]).toBe(dOut[p * 2 + o]);
        let u = 0;
        for (let q = 0; q < 4; q++) u += patches[p * 4 + q]! * shape(carriers[q]! - nu[q * 2 + o]!, 0);
        expect(out[o * 9 + p]).toBeCloseTo(Math.max(0, gain * u), 6);
      }
    }
    // Position (0, 0), patch [0.1, 0.9, 0.7, 0.2], spelled out. Channel 0: u = +1, 0, −2, +1, so
    // W = 1, 0, −0.8, 1 and U = 0.1 − 0.56 + 0.2 = −0.26: below threshold, no output power.
    expect(shape(12.5 - 11.5, 0)).toBe(1);
    expect(out[0]).toBe(0);
    // Channel 1: u = −1, +2, +0.5, −3, so W = −1, 0.8, 0.8, −0.6 and U = −0.1 + 0.72 + 0.56 − 0.12.
    const u1 = 0.1 * -1 + 0.9 * 0.8 + 0.7 * 0.8 + 0.2 * -0.6;
    expect(out[9]).toBeCloseTo(gain * u1, 6);
  });
});

/** conv 3@3×3 (padding 1) → avg pool 2 → conv 2@2×2 → flatten → dense 3, on 1×6×6 images. */
function smallCnn(p: number, pool: 'avg' | 'max' = 'avg', bias = false): TrainingPlan {
  const c1 = rfLayer('c1', {
    units: 3,
    conv: { inShape: [1, 6, 6], kernel: 3, padding: 1 },
    oscillator: p,
    bias,
  });
  const c2 = rfLayer('c2', { units: 2, conv: { inShape: [3, 3, 3], kernel: 2 }, oscillator: p, bias });
  const y = rfLayer('y', { inputs: 8, units: 3, bias });
  return planOf(
    [
      c1,
      { kind: 'pool', name: 'p1', op: pool, inShape: [3, 6, 6], outShape: [3, 3, 3], size: 2, stride: 2 },
      c2,
      { kind: 'flatten', name: 'f', size: 8 },
      y,
    ],
    [1, 6, 6],
    3,
  );
}

describe('conv2d on RF chains: gradient', () => {
  for (const bias of [false, true]) {
    it(`dL/dν and dL/dW_eff match finite differences through conv, pool, conv, flatten, dense (bias ${bias})`, () => {
      // p = 2: smooth at threshold (p = 1 has a kink a finite difference can straddle).
      const net = new RfNetwork(ctxFor(smallCnn(2, 'avg', bias)), { gainFactor: 6 });
      const m = 3;
      const rng = new Rng(5, 1);
      const x = new Float32Array(m * 36);
      for (let i = 0; i < x.length; i++) x[i] = rng.uniform();
      const labels = new Uint8Array([0, 2, 1]);
      const lossOf = () => {
        net.forward(x, m, null);
        return net.loss(labels, m, false).loss / m;
      };
      net.program(null);
      net.forward(x, m, null);
      net.loss(labels, m, true);
      net.backward(x, m);
      const gnu = net.layers.map((L) => Float32Array.from(L.gnu));
      const gw = net.layers.map((L) => Float32Array.from(L.gw));
      let checked = 0;
      net.layers.forEach((L, l) => {
        for (let t = 0; t < L.nu.length; t++) {
          // f_res: move ν, reprogram.
          const v = L.nu[t]!;
          const h = 2e-3;
          L.nu[t] = v + h;
          net.program(null);
          const lp = lossOf();
          L.nu[t] = v - h;
          net.program(null);
          const lm = lossOf();
          L.nu[t] = v;
          net.program(null);
          const fd = (lp - lm) / (2 * h);
          expect(Math.abs(gnu[l]![t]! - fd)).toBeLessThan(2e-3 + 2e-2 * Math.abs(fd));
          if (Math.abs(fd) > 1e-3) checked++;
          // W_eff: move the effective weight directly.
          const w = L.w[t]!;
          const hw = 1e-3;
          L.w[t] = w + hw;
          const wp = lossOf();
          L.w[t] = w - hw;
          const wm = lossOf();
          L.w[t] = w;
          const fdw = (wp - wm) / (2 * hw);
          expect(Math.abs(gw[l]![t]! - fdw)).toBeLessThan(2e-3 + 2e-2 * Math.abs(fdw));
        }
      });
      expect(net.layers.map((L) => L.plan.kind)).toEqual(['conv2d', 'conv2d', 'dense']);
      expect(checked).toBeGreaterThan(20); // the check is not vacuous
    });
  }
});

/** 1×28×28 → conv 4@5×5 (oscillators) → max pool 2 → flatten 576 → dense 10, all on chains. */
function mnistCnn(): TrainingPlan {
  const c1 = rfLayer('c1', { units: 4, conv: { inShape: [1, 28, 28], kernel: 5 }, oscillator: 1 });
  const y = rfLayer('y', { inputs: 576, units: 10 });
  const plan = planOf(
    [
      c1,
      {
        kind: 'pool',
        name: 'p1',
        op: 'max',
        inShape: [4, 24, 24],
        outShape: [4, 12, 12],
        size: 2,
        stride: 2,
      },
      { kind: 'flatten', name: 'f', size: 576 },
      y,
    ],
    [1, 28, 28],
    10,
  );
  plan.batch = 32;
  return plan;
}

describe('conv2d on RF chains: learner', () => {
  it('is routed to the RF learner and bit-for-bit deterministic; trainable = weights trains f_res too', async () => {
    const plan = mnistCnn();
    expect(learnerFor(plan)).toBe(createRfLearner);
    const data = { train: loadMnist('train', 200), test: loadMnist('test', 100) };
    const strip = (m: Record<string, number>) => {
      const { samples_per_s: _, ...rest } = m;
      return rest;
    };
    const a = strip((await train(plan, data)).metrics);
    const b = strip((await train(plan, data)).metrics);
    expect(a).toEqual(b);
    // The parameters of a chain are its resonance frequencies whichever `trainable` the file says.
    const c = strip((await train({ ...plan, trainable: 'weights' }, data)).metrics);
    expect(c).toEqual(a);
  });

  it('learns MNIST on a slice (conv 4@5×5 → max pool → dense 10, 2,000 samples, 1 epoch)', async () => {
    const plan = mnistCnn();
    const data = { train: loadMnist('train', 2000), test: loadMnist('test', 1000) };
    const r = await train(plan, data);
    // Measured 85.7% (seed 3, 1,000 test images); chance is 10%.
    expect(r.metrics.test_accuracy).toBeGreaterThan(0.8);
  });
});

describe('examples/rf-spintronic-cnn.nfab', () => {
  it('checks as runnable; its conv layers are oscillator chains read by the RF learner', () => {
    const root = path.resolve(__dirname, '../../examples');
    const readFile = (p: string) => {
      const f = path.join(root, p);
      return fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : null;
    };
    const r = checkDocument('rf-spintronic-cnn.nfab', readFile('rf-spintronic-cnn.nfab')!, { readFile });
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.diagnostics.filter((d) => d.code === 'not-runnable')).toEqual([]);
    const plan = buildTrainingPlan(r.model, 'mnist_rf_cnn', { epochs: 1, trainLimit: 64, testLimit: 64 });
    const layers = plan.layers.filter(isWeightLayer);
    expect(layers.map((l) => `${l.kind} ${l.name} ${l.activation} ${l.tile.kind}`)).toEqual([
      'conv2d c1 oscillator rf_chain',
      'conv2d c2 oscillator rf_chain',
      'dense h oscillator rf_chain',
      'dense y identity rf_chain',
    ]);
    expect(learnerFor(plan)).toBe(createRfLearner);
  });
});
