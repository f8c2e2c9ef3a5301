// In-situ learner (engine/sim/rules/in-situ.ts): aihwkit's update management, the expected
// stochastic update −lr·x·δ, learning on a real MNIST slice, and bit-identical reruns.
import { beforeAll, describe, expect, it } from 'vitest';
import { type Dataset, loadMnist } from '../../engine/data/mnist';
import { jsKernels } from '../../engine/sim/kernels';
import type { LayerPlan, TrainingPlan } from '../../engine/sim/plan';
import { deviceModel, mlpPlan } from '../../engine/sim/presets';
import { GV_UPDATE, PulsedArray, type PulsedParams } from '../../engine/sim/pulsed';
import { Rng } from '../../engine/sim/rng';
import { learnerFor } from '../../engine/sim/rules';
import { planPulses, pulseUpdate, UpdateScratch } from '../../engine/sim/rules/in-situ';
import { train } from '../../engine/sim/train';

const IDEAL_STEP: PulsedParams = {
  dwMin: 0.001,
  upDown: 0,
  dtod: 0,
  ctoc: 0,
  softBounds: false,
  nonlinearity: 0,
  wMin: -10,
  wMax: 10,
  step: 'constant',
  upDownDtod: 0,
};

describe('update management (aihwkit performUpdateManagement)', () => {
  it('k ≤ BL: BL = ⌈k⌉ and equal probabilities at max|x| and max|δ|', () => {
    // k = 0.01·1·0.5/0.001 = 5 → BL 5, p(x_max) = q(δ_max) = √(k/BL) = 1
    const a = planPulses(0.01, 1, 0.5, 0.001, 31);
    expect(a.bl).toBe(5);
    expect(a.bX * 1).toBeCloseTo(1, 9);
    expect(a.aD * 0.5).toBeCloseTo(1, 9);
    // k = 0.01·0.8·0.2/0.001 = 1.6 → BL 2, p = q = √(1.6/2)
    const b = planPulses(0.01, 0.8, 0.2, 0.001, 31);
    expect(b.bl).toBe(2);
    expect(b.bX * 0.8).toBeCloseTo(Math.sqrt(0.8), 9);
    expect(b.aD * 0.2).toBeCloseTo(Math.sqrt(0.8), 9);
    // Always BL·bX·aD = lr/dw_min: the expected coincidences are lr·|x·δ|/dw_min.
    expect(b.bl * b.bX * b.aD).toBeCloseTo(10, 9);
  });

  it('k > BL: x fills its train (p = 1 at max|x|), δ clips, BL = desired_BL', () => {
    // k = 0.1·1·1/0.001 = 100 > 31
    const a = planPulses(0.1, 1, 1, 0.001, 31);
    expect(a.bl).toBe(31);
    expect(a.bX).toBeCloseTo(1, 9);
    expect(a.aD).toBeCloseTo(100 / 31, 9);
    expect(a.bl * a.bX * a.aD).toBeCloseTo(100, 6);
  });

  it('no update for lr 0 or an all-zero x or δ', () => {
    expect(planPulses(0, 1, 1, 0.001, 31).bl).toBe(0);
    expect(planPulses(0.1, 0, 1, 0.001, 31).bl).toBe(0);
    expect(planPulses(0.1, 1, 0, 0.001, 31).bl).toBe(0);
  });
});

describe('stochastic pulse update', () => {
  it('the mean update over many trials is −lr·x·δ (constant step, no spread), signs included', () => {
    const x = new Float32Array([1, 0.5, 0, -0.25]);
    const d = new Float32Array([0.2, -0.4, 0.1]);
    const lr = 0.005;
    const trials = 4000;
    const arr = new PulsedArray(IDEAL_STEP, 4, 3, new Rng(1, 0));
    const scratch = new UpdateScratch(3);
    const tr = new Rng(2, 0);
    const c2c = new Rng(3, 0);
    for (let t = 0; t < trials; t++) pulseUpdate(arr, x, 0, d, 0, lr, 31, tr, c2c, scratch);
    for (let i = 0; i < 4; i++) {
      for (let j = 0; j < 3; j++) {
        const expected = -lr * x[i]! * d[j]!; // per trial
        const got = arr.w[i * 3 + j]! / trials;
        if (x[i] === 0) expect(got).toBe(0);
        else expect(Math.abs(got - expected)).toBeLessThan(0.03 * Math.abs(x[0]! * d[1]! * lr) + 1e-9);
      }
    }
    // k = 0.005·1·0.4/0.001 = 2 → BL 2; mean pulses per trial Σ|x_i δ_j|·lr/dw_min = 1.75·0.7·5
    expect(arr.pulses / trials).toBeCloseTo(1.75 * 0.7 * 5, 0);
  });

  it('reads x and δ at offsets (a row of a batch) and allocates nothing per call', () => {
    const x = new Float32Array([9, 9, 1, 1]);
    const d = new Float32Array([9, 0.5]);
    const arr = new PulsedArray(IDEAL_STEP, 2, 1, new Rng(1, 0));
    const scratch = new UpdateScratch(1);
    pulseUpdate(arr, x, 2, d, 1, 0.002, 31, new Rng(1, 0), new Rng(2, 0), scratch);
    // k = 0.002·1·0.5/0.001 = 1 → BL 1, p = q = 1: exactly one pulse down on each device.
    expect(arr.w[0]).toBeCloseTo(-0.001, 7);
    expect(arr.w[1]).toBeCloseTo(-0.001, 7);
  });
});

describe('in_situ learner on MNIST', () => {
  let trainSet: Dataset;
  let testSet: Dataset;
  beforeAll(() => {
    trainSet = loadMnist('train', 3000);
    testSet = loadMnist('test', 1000);
  });

  const gv = deviceModel({ name: 'rpu_gv', kind: 'rram', readNoise: 0.01, update: GV_UPDATE });
  const plan = (seed = 1) =>
    mlpPlan({
      hidden: [64],
      activation: 'sigmoid',
      device: gv,
      rule: 'in_situ',
      batch: 1,
      epochs: 1,
      seed,
      optimizer: { kind: 'sgd', lr: 0.1, momentum: 0, schedule: 'constant' },
    });

  it('learns (784-64-10 sigmoid, GV device, 3k samples, 1 epoch): test accuracy ≥ 0.75', async () => {
    const r = await train(plan(), { train: trainSet, test: testSet });
    expect(r.status).toBe('finished');
    expect(r.metrics.test_accuracy).toBeGreaterThanOrEqual(0.75);
    expect(r.metrics.pulses_per_sample).toBeGreaterThan(0);
  });

  it('a strongly asymmetric device (up_down 0.6) learns clearly worse than the symmetric one', async () => {
    const data = { train: trainSet, test: testSet };
    const asym = deviceModel({
      name: 'asym',
      kind: 'rram',
      readNoise: 0.01,
      update: { ...GV_UPDATE, upDown: 0.6 },
    });
    const sym = await train(plan(), data);
    const bad = await train({ ...plan(), layers: plan().layers.map((l) => ({ ...l, device: asym })) }, data);
    expect(bad.metrics.test_accuracy).toBeLessThan(sym.metrics.test_accuracy! - 0.1);
  });

  it('is bit-identical for the same seed and differs for another', async () => {
    const small = { train: loadMnist('train', 500), test: loadMnist('test', 200) };
    const a = await train(plan(3), small);
    const b = await train(plan(3), small);
    const c = await train(plan(4), small);
    const strip = (m: Record<string, number>) => ({ ...m, samples_per_s: 0 });
    expect(strip(a.metrics)).toEqual(strip(b.metrics));
    expect(c.metrics.test_loss).not.toBe(a.metrics.test_loss);
  });

  it('trains a one-sided PCM-like pair (w = g⁺ − g⁻, exponential SET steps, refresh) above chance', async () => {
    const pcm = deviceModel({
      name: 'pcm',
      kind: 'pcm',
      update: { ...GV_UPDATE, dwMin: 0.01, wMin: 0, wMax: 2, nonlinearity: 1, dtod: 0.2, ctoc: 0.3 },
    });
    const p = mlpPlan({
      hidden: [32],
      activation: 'sigmoid',
      device: pcm,
      rule: 'in_situ',
      batch: 1,
      optimizer: { kind: 'sgd', lr: 0.1, momentum: 0, schedule: 'constant' },
    });
    const r = await train(p, { train: loadMnist('train', 1000), test: loadMnist('test', 300) });
    expect(r.metrics.test_accuracy).toBeGreaterThan(0.5);
    expect(r.metrics.pair_refreshes).toBeGreaterThanOrEqual(0);
  });

  it('rejects conv layers with a clear message', () => {
    const p = mlpPlan({ hidden: [8], device: gv, rule: 'in_situ' });
    const first = p.layers[0] as LayerPlan;
    const conv: TrainingPlan = { ...p, layers: [{ ...first, kind: 'conv2d' }, p.layers[1]!] };
    expect(() =>
      learnerFor(conv)({ plan: conv, kernels: jsKernels, maxBatch: 1, totalSteps: 1, log: () => {} }),
    ).toThrow(/dense layers only/);
  });
});
