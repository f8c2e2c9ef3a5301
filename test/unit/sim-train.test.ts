// Training on modelled crossbars: learning on a real MNIST slice, noise costs accuracy,
// bit-identical reproducibility, cancellation, and plan resolution from the IR.
import { beforeAll, describe, expect, it } from 'vitest';
import { type Dataset, loadMnist } from '../../engine/data/mnist';
import type { ElaboratedModel } from '../../engine/ir/model';
import { buildTrainingPlan, isWeightLayer, validatePlan } from '../../engine/sim/plan';
import { deviceModel, IDEAL_DEVICE, mlpPlan } from '../../engine/sim/presets';
import { type MetricPoint, train } from '../../engine/sim/train';

let trainSet: Dataset;
let testSet: Dataset;
beforeAll(() => {
  trainSet = loadMnist('train', 5000);
  testSet = loadMnist('test', 1000);
});

const NOISY = deviceModel({
  name: 'noisy-rram',
  kind: 'rram',
  levels: 8,
  programNoise: 0.15,
  readNoise: 0.05,
  stuckAtGMin: 0.02,
  stuckAtGMax: 0.02,
});

describe('train', () => {
  it('learns MNIST on ideal crossbars (5k train, 1k test, 2 epochs): accuracy ≥ 0.85', async () => {
    const points: MetricPoint[] = [];
    const progress: number[] = [];
    const r = await train(
      mlpPlan({ epochs: 2 }),
      { train: trainSet, test: testSet },
      {
        onMetrics: (p) => points.push(...p),
        onProgress: (p) => p.phase === 'train' && progress.push(p.done),
        progressEveryMs: 0,
      },
    );
    expect(r.status).toBe('finished');
    expect(r.metrics.test_accuracy).toBeGreaterThanOrEqual(0.85);
    expect(r.metrics.train_accuracy).toBeGreaterThan(0.85);
    expect(r.metrics.samples_per_s).toBeGreaterThan(0);
    const keys = new Set(points.map((p) => p.key));
    expect([...keys].sort()).toEqual([
      'samples_per_s',
      'test_accuracy',
      'test_loss',
      'train_accuracy',
      'train_loss',
    ]);
    // Steps are samples seen; test metrics come once per epoch, at the epoch's end.
    expect(points.filter((p) => p.key === 'test_accuracy').map((p) => p.step)).toEqual([5000, 10000]);
    const trainSteps = points.filter((p) => p.key === 'train_loss').map((p) => p.step);
    expect(trainSteps.length).toBeGreaterThan(50);
    expect(trainSteps.length).toBeLessThanOrEqual(110);
    expect(progress.at(-1)).toBe(10000);
  });

  it('noisy, few-level RRAM with stuck devices learns but scores below the ideal chip', async () => {
    const data = { train: trainSet, test: testSet };
    const ideal = await train(mlpPlan({ device: IDEAL_DEVICE }), data);
    const noisy = await train(mlpPlan({ device: NOISY, tile: { dacBits: 6, adcBits: 6 } }), data);
    expect(noisy.metrics.test_accuracy).toBeGreaterThan(0.5);
    expect(noisy.metrics.test_accuracy).toBeLessThan(ideal.metrics.test_accuracy! - 0.02);
  });

  it('is bit-identical for the same plan and seed, and differs for another seed', async () => {
    const data = { train: loadMnist('train', 600), test: loadMnist('test', 200) };
    const plan = mlpPlan({
      device: NOISY,
      tile: { rows: 100, dacBits: 7, adcBits: 9 },
      batch: 16,
      epochs: 2,
    });
    const record = async (seed: number) => {
      const pts: MetricPoint[] = [];
      await train({ ...plan, seed }, data, { onMetrics: (p) => pts.push(...p), logEvery: 5 });
      return pts.filter((p) => p.key !== 'samples_per_s').map((p) => [p.key, p.step, p.value]);
    };
    const a = await record(7);
    const b = await record(7);
    expect(a.length).toBeGreaterThan(10);
    expect(b).toEqual(a);
    expect(await record(8)).not.toEqual(a);
  });

  it('trains with Adam, sigmoid and tanh layers', async () => {
    const data = { train: loadMnist('train', 2000), test: loadMnist('test', 500) };
    for (const activation of ['sigmoid', 'tanh'] as const) {
      const plan = mlpPlan({ activation, optimizer: { kind: 'adam', lr: 2e-3, momentum: 0 }, epochs: 2 });
      const r = await train(plan, data);
      expect(r.metrics.test_accuracy).toBeGreaterThan(0.8);
    }
  });

  it('stops between batches when the signal is aborted', async () => {
    const ac = new AbortController();
    let calls = 0;
    const r = await train(
      mlpPlan({ batch: 8 }),
      { train: trainSet, test: testSet },
      {
        signal: ac.signal,
        logEvery: 10,
        onMetrics: () => {
          if (++calls === 2) ac.abort();
        },
      },
    );
    expect(r.status).toBe('cancelled');
    expect(r.samplesSeen).toBe(160);
    expect(r.metrics.test_accuracy).toBeUndefined();
    expect(r.metrics.train_loss).toBeGreaterThan(0);
  });
});

describe('buildTrainingPlan', () => {
  const range = {
    file: 'x.nfab',
    start: { line: 1, col: 1, offset: 0 },
    end: { line: 1, col: 1, offset: 0 },
  };
  const model = (): ElaboratedModel => ({
    devices: [{ ...IDEAL_DEVICE, name: 'dev' }],
    chips: [
      {
        name: 'chip',
        node: 20e-9,
        range,
        tiles: [
          {
            name: 'xb',
            kind: 'crossbar',
            rows: 128,
            cols: 128,
            device: 'dev',
            signedWeights: 'differential',
            dacBits: 7,
            adcBits: 9,
            readVoltage: 0.2,
            count: 16,
            range,
          },
        ],
      },
    ],
    networks: [
      {
        name: 'mlp',
        range,
        layers: [
          { kind: 'input', name: 'in', shape: [28, 28], size: 784, range },
          {
            kind: 'dense',
            name: 'h',
            inputs: 784,
            units: 100,
            activation: 'relu',
            bias: true,
            range,
            mapping: { tile: 'xb', rowBlocks: 7, colBlocks: 1, tilesUsed: 7, utilisation: 0.6 },
          },
          {
            kind: 'dense',
            name: 'out',
            inputs: 100,
            units: 10,
            activation: 'identity',
            bias: true,
            range,
            mapping: null,
          },
        ],
      },
    ],
    experiments: [
      {
        name: 'exp',
        chip: 'chip',
        network: 'mlp',
        dataset: 'mnist',
        train: {
          rule: 'backprop',
          optimizer: { kind: 'sgd', lr: 0.05, momentum: 0.9 },
          epochs: 3,
          batch: 32,
        },
        seed: 42,
        trainLimit: null,
        testLimit: 2000,
        range,
      },
    ],
  });

  it('resolves layers, tiles, devices and overrides into a structured-clone-able plan', () => {
    const plan = buildTrainingPlan(model(), 'exp', { epochs: 1, trainLimit: 500, seed: 3 });
    const layers = plan.layers.filter(isWeightLayer);
    expect(layers.map((l) => [l.name, l.inputs, l.units, l.tile.rowBlocks, l.tile.colBlocks])).toEqual([
      ['h', 784, 100, 7, 1],
      ['out', 100, 10, 1, 1],
    ]);
    expect(layers[0]!.tile).toMatchObject({ dacBits: 7, adcBits: 9, inputBound: 1, outputBound: 12 });
    expect(layers[1]!.device.name).toBe('dev');
    expect([plan.epochs, plan.trainLimit, plan.testLimit, plan.seed, plan.batch]).toEqual([
      1, 500, 2000, 3, 32,
    ]);
    expect(structuredClone(plan)).toEqual(plan);
    expect(() => validatePlan(plan)).not.toThrow();
  });

  it('throws a clear error for anything missing', () => {
    expect(() => buildTrainingPlan(model(), 'nope', {})).toThrow(
      'No experiment "nope" in the model (it defines: exp).',
    );
    const m1 = model();
    m1.experiments[0]!.chip = 'gone';
    expect(() => buildTrainingPlan(m1, 'exp', {})).toThrow('uses chip "gone", which is not defined');
    const m2 = model();
    m2.experiments[0]!.network = 'gone';
    expect(() => buildTrainingPlan(m2, 'exp', {})).toThrow('uses network "gone", which is not defined');
    const m3 = model();
    m3.devices = [];
    expect(() => buildTrainingPlan(m3, 'exp', {})).toThrow('uses device "dev", which is not defined');
    const m4 = model();
    (m4.networks[0]!.layers[1] as { mapping: { tile: string } }).mapping.tile = 'zz';
    expect(() => buildTrainingPlan(m4, 'exp', {})).toThrow(
      'mapped to tile "zz", which chip "chip" does not have',
    );
    const m5 = model();
    (m5.networks[0]!.layers[2] as { units: number }).units = 7;
    expect(() => buildTrainingPlan(m5, 'exp', {})).toThrow(
      'ends with 7 outputs but dataset mnist has 10 classes',
    );
    expect(() => buildTrainingPlan(model(), 'exp', { epochs: 0 })).toThrow(
      'epochs must be a positive integer',
    );
  });
});
