// Gradient rules: backprop (software) vs hw_aware (through the devices), feedback alignment and
// DFA feedback paths, binary layers with the sign straight-through estimator, the 1-bit DAC, and
// deploy() ageing the devices at plan.infer.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Dataset, loadMnist } from '../../engine/data/mnist';
import { DeviceArray } from '../../engine/sim/device';
import { jsKernels } from '../../engine/sim/kernels';
import { AnalogNetwork, oneBitDac } from '../../engine/sim/network';
import type { LayerPlan } from '../../engine/sim/plan';
import { deviceModel, IDEAL_DEVICE, mlpPlan } from '../../engine/sim/presets';
import { Rng } from '../../engine/sim/rng';
import { createBackpropLearner, FEEDBACK_STREAM } from '../../engine/sim/rules/backprop';
import { rngFor } from '../../engine/sim/rules/types';
import { type MetricPoint, train } from '../../engine/sim/train';

let trainSet: Dataset;
let testSet: Dataset;
beforeAll(() => {
  trainSet = loadMnist('train', 5000);
  testSet = loadMnist('test', 1000);
});

/** Continuous RRAM-like device with 5% programming noise (fraction of g_max − g_min). */
const NOISY5 = deviceModel({ name: 'rram5', kind: 'rram', programNoise: 0.05 });

function smallNet(
  rule: 'backprop' | 'feedback_alignment' | 'dfa',
  seed: number,
  hidden = [6, 5],
  activation: LayerPlan['activation'] = 'tanh',
) {
  const plan = mlpPlan({ hidden, activation, seed, rule });
  const layers = plan.layers.map((l) => ({ ...(l as LayerPlan), inputs: (l as LayerPlan).inputs }));
  // Shrink the 784-wide input to 7 features for hand-sized checks.
  layers[0]!.inputs = 7;
  const net = new AnalogNetwork(layers, 4, jsKernels, rngFor(plan, 'init'), rngFor(plan, 'stuck'), {
    feedback: rule,
    feedbackRng: rngFor(plan, FEEDBACK_STREAM),
  });
  const x = new Float32Array(4 * 7);
  new Rng(seed, 50).fillNormal(x, 1);
  const labels = Uint8Array.from([0, 3, 9, 3]);
  return { net, x, labels };
}

/** C(m×k) = A(m×n)·B(k×n)ᵀ by the definition, in float64. */
function matmulNT(a: Float32Array, b: Float32Array, m: number, n: number, k: number): number[] {
  const c: number[] = [];
  for (let i = 0; i < m; i++)
    for (let p = 0; p < k; p++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += a[i * n + j]! * b[p * n + j]!;
      c.push(s);
    }
  return c;
}

describe('feedback alignment', () => {
  it('draws one fixed B per layer above the first, with W’s shape, the same for the same seed', () => {
    const a = smallNet('feedback_alignment', 4).net;
    const b = smallNet('feedback_alignment', 4).net;
    const c = smallNet('feedback_alignment', 5).net;
    expect(a.layers.map((L) => L.feedback?.length ?? 0)).toEqual([0, 6 * 5, 5 * 10]);
    expect([...a.layers[2]!.feedback!]).toEqual([...b.layers[2]!.feedback!]);
    expect([...a.layers[2]!.feedback!]).not.toEqual([...c.layers[2]!.feedback!]);
  });

  it('sends the error down through B, not Wᵀ: dx = dz·Bᵀ', () => {
    const { net, x, labels } = smallNet('feedback_alignment', 4);
    net.forward(x, 4, new Rng(1, 5), 'software');
    net.loss(labels, 4, true);
    net.backward(x, 4);
    const L = net.layers[2]!; // 5 → 10, identity
    const viaB = matmulNT(L.dz, L.feedback!, 4, 10, 5);
    const viaW = matmulNT(L.dz, L.w, 4, 10, 5);
    viaB.forEach((v, i) => {
      expect(L.dx[i]).toBeCloseTo(v, 5);
    });
    expect(viaW.some((v, i) => Math.abs(v - L.dx[i]!) > 1e-3)).toBe(true);
  });
});

describe('direct feedback alignment', () => {
  it('draws B_l (outputs × classes) for every hidden layer and none for the last', () => {
    const { net } = smallNet('dfa', 4);
    expect(net.layers.map((L) => L.feedback?.length ?? 0)).toEqual([6 * 10, 5 * 10, 0]);
  });

  it('projects the output error to each hidden layer: δ_l = (e·B_lᵀ) ⊙ tanh′', () => {
    const { net, x, labels } = smallNet('dfa', 4);
    net.forward(x, 4, new Rng(1, 5), 'software');
    net.loss(labels, 4, true);
    net.backward(x, 4);
    const e = net.outputError;
    for (const L of net.layers.slice(0, 2)) {
      const proj = matmulNT(e, L.feedback!, 4, 10, L.n);
      proj.forEach((v, i) => {
        expect(L.dz[i]).toBeCloseTo(v * (1 - L.a[i]! * L.a[i]!), 5);
      });
    }
    // The last layer gets the true gradient e (identity output).
    const last = net.layers[2]!;
    for (let i = 0; i < 40; i++) expect(last.dz[i]).toBeCloseTo(e[i]!, 6);
  });

  it('is bit-identical for the same seed on a noisy chip', async () => {
    const data = { train: loadMnist('train', 400), test: loadMnist('test', 100) };
    const plan = mlpPlan({ rule: 'dfa', device: NOISY5, hidden: [32, 32], epochs: 1, batch: 16, seed: 3 });
    const record = async () => {
      const pts: MetricPoint[] = [];
      await train(plan, data, { onMetrics: (p) => pts.push(...p), logEvery: 5 });
      return pts.filter((p) => p.key !== 'samples_per_s').map((p) => [p.key, p.step, p.value]);
    };
    const a = await record();
    expect(a.length).toBeGreaterThan(5);
    expect(await record()).toEqual(a);
  });
});

describe('backprop vs hw_aware', () => {
  it('backprop trains on the exact weights whatever the device; only evaluation sees the noise', async () => {
    const data = { train: loadMnist('train', 600), test: loadMnist('test', 300) };
    const trainLoss = async (device = IDEAL_DEVICE, rule: 'backprop' | 'hw_aware' = 'backprop') => {
      const pts: MetricPoint[] = [];
      const r = await train(mlpPlan({ device, rule, batch: 16 }), data, {
        onMetrics: (p) => pts.push(...p),
        logEvery: 5,
      });
      return {
        loss: pts.filter((p) => p.key === 'train_loss').map((p) => p.value),
        acc: r.metrics.test_accuracy,
      };
    };
    const ideal = await trainLoss();
    const noisyBackprop = await trainLoss(NOISY5);
    const noisyHwAware = await trainLoss(NOISY5, 'hw_aware');
    expect(noisyBackprop.loss).toEqual(ideal.loss); // same training, bit for bit
    expect(noisyBackprop.acc).not.toEqual(ideal.acc); // evaluated on the noisy chip
    expect(noisyHwAware.loss).not.toEqual(ideal.loss); // noise in every training forward pass
  });

  it('hw_aware keeps more accuracy than backprop on a chip with 20% programming noise (3k slice, 4 seeds)', async () => {
    // One deployed chip is one draw of programming noise, and backprop's accuracy on it varies a
    // lot from seed to seed (66-81%), so the claim is made over four seeds: hw_aware wins on each,
    // and by more than 3 points on average. Measured (hw_aware − backprop, Box–Muller noise drawn
    // in the programming kernel): +6.7, +2.3, +8.5, +8.6 points (seeds 1-4; mean +6.5), seeds 5-6:
    // +5.8, +9.8 (with fill_normal's draws before the fusion: +4.1, +9.9, +4.0, +17.2, +3.1, +4.8).
    const device = deviceModel({ name: 'rram20', kind: 'rram', programNoise: 0.2 });
    const data = { train: { ...trainSet, count: 3000 }, test: testSet };
    const margins: number[] = [];
    for (const seed of [1, 2, 3, 4]) {
      const plain = await train(mlpPlan({ device, rule: 'backprop', seed }), data);
      const aware = await train(mlpPlan({ device, rule: 'hw_aware', seed }), data);
      margins.push(aware.metrics.test_accuracy! - plain.metrics.test_accuracy!);
    }
    for (const m of margins) expect(m).toBeGreaterThan(0);
    expect(margins.reduce((a, b) => a + b, 0) / margins.length).toBeGreaterThan(0.03);
  });
});

describe('binary layers and sign neurons', () => {
  const MTJ = deviceModel({ name: 'mtj', kind: 'mram', levels: 2 });

  it('sign forward is ±1 and its straight-through gradient passes only where |z| ≤ 1', () => {
    const { net, x, labels } = smallNet('backprop', 2, [6], 'sign');
    net.forward(x, 4, new Rng(1, 5), 'software');
    net.loss(labels, 4, true);
    net.backward(x, 4);
    const h = net.layers[0]!;
    const out = net.layers[1]!;
    const da = matmulNT(out.dz, out.w, 4, 10, 6);
    for (let i = 0; i < 24; i++) {
      expect(h.a[i]).toBe(h.z[i]! >= 0 ? 1 : -1);
      expect(h.dz[i]).toBeCloseTo(Math.abs(h.z[i]!) <= 1 ? da[i]! : 0, 6);
    }
    expect(h.z.subarray(0, 24).some((z) => Math.abs(z) > 1)).toBe(true);
    expect(h.z.subarray(0, 24).some((z) => Math.abs(z) <= 1)).toBe(true);
  });

  it('2-level devices hold binary weights ±1 (scaled by 1/√k); shadow weights are clipped to [−1, 1]', () => {
    const plan = mlpPlan({ device: MTJ, activation: 'sign', hidden: [64] });
    const net = new AnalogNetwork(plan.layers, 4, jsKernels, rngFor(plan, 'init'), rngFor(plan, 'stuck'));
    const L = net.layers[0]!;
    expect(L.binary).toBe(true);
    expect(L.gain).toBeCloseTo(1 / Math.sqrt(784), 9);
    net.program(new Rng(1, 6));
    // A complementary pair per weight: one device at g_max, the other at g_min.
    for (let i = 0; i < 1000; i++) expect(L.xbar.weights[i]).toBe(L.w[i]! >= 0 ? 1 : -1);
    // The software forward pass multiplies by the same ±1 weights and the gain.
    const x = new Float32Array(784 * 4);
    x[5] = 1;
    net.forward(x, 1, new Rng(1, 5), 'software');
    for (let j = 0; j < 64; j++) expect(L.z[j]).toBeCloseTo(L.wForward[5 * 64 + j]! / 28, 6);
    L.w[0] = 3;
    L.w[1] = -5;
    L.w[2] = 0.25;
    net.clipShadowWeights();
    expect([L.w[0], L.w[1], L.w[2]]).toEqual([1, -1, 0.25]);
  });

  it('a binary sign network (2-level devices, 1-bit DAC and ADC) learns MNIST: ≥ 0.75 on a 3k slice', async () => {
    // Measured: 82.1% (backprop, as here), 84.5% (hw_aware).
    const plan = mlpPlan({
      device: MTJ,
      activation: 'sign',
      hidden: [256],
      tile: { rows: 128, cols: 128, dacBits: 1, adcBits: 1 },
      optimizer: { kind: 'adam', lr: 1e-3, momentum: 0.9 },
      epochs: 2,
      batch: 50,
    });
    const r = await train(plan, { train: { ...trainSet, count: 3000 }, test: testSet });
    expect(r.metrics.test_accuracy).toBeGreaterThanOrEqual(0.75);
  });

  it('1-bit DAC: ±α where |x| ≥ α/2 with α = max|x| of the row, else 0', () => {
    const x = Float32Array.from([0.2, 0.5, 0.9, 0.44, -1, 1, 0.4, -0.6, 0, 0, 0, 0]);
    const out = new Float32Array(12);
    oneBitDac(x, 3, 4, out);
    expect([...out]).toEqual([0, 0.9, 0.9, 0, -1, 1, 0, -1, 0, 0, 0, 0].map(Math.fround));
  });
});

describe('learning with random feedback', () => {
  it.each([
    ['dfa', 0.85],
    ['feedback_alignment', 0.85],
  ] as const)(
    '%s learns a 5k MNIST slice in 2 epochs (784-256-256-10 tanh): ≥ %s',
    async (rule, threshold) => {
      const plan = mlpPlan({ rule, hidden: [256, 256], activation: 'tanh', epochs: 2 });
      const r = await train(plan, { train: trainSet, test: testSet });
      expect(r.metrics.test_accuracy).toBeGreaterThanOrEqual(threshold);
    },
  );
});

describe('deploy', () => {
  const proto = DeviceArray.prototype as unknown as { age?: (...args: unknown[]) => void };
  const original = proto.age;
  afterEach(() => {
    proto.age = original;
  });

  it('programs once and ages every layer to plan.infer as it is when deploy() is called', () => {
    const calls: Array<[number, number]> = [];
    proto.age = (time: unknown, temperature: unknown) => {
      calls.push([time as number, temperature as number]);
    };
    const plan = mlpPlan({ device: NOISY5 });
    const learner = createBackpropLearner({
      plan,
      kernels: jsKernels,
      maxBatch: 256,
      totalSteps: 1,
      log: () => {},
    });
    learner.deploy();
    plan.infer.time = 3600;
    plan.infer.temperature = 330;
    learner.deploy();
    expect(calls).toEqual([
      [0, 300],
      [0, 300],
      [3600, 330],
      [3600, 330],
    ]);
  });
});
