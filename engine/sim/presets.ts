// Ready-made plans for tests, benchmarks and the quick start, built without the DSL.
import type { DeviceModel, OptimizerConfig, TrainRule } from '../ir/model';
import { DEFAULT_PULSE_LENGTH, type LayerPlan, type TilePlan, type TrainingPlan, tilePlan } from './plan';

const NO_RANGE = {
  file: '<preset>',
  start: { line: 1, col: 1, offset: 0 },
  end: { line: 1, col: 1, offset: 0 },
};

export function deviceModel(overrides: Partial<DeviceModel> & { name: string }): DeviceModel {
  return {
    kind: 'ideal',
    gMin: 0,
    gMax: 1e-4,
    levels: null,
    programNoise: 0,
    readNoise: 0,
    stuckAtGMin: 0,
    stuckAtGMax: 0,
    readEnergy: 0,
    writeEnergy: 0,
    provenance: {},
    range: NO_RANGE,
    ...overrides,
  };
}

/** A device that stores weights exactly and reads them without noise. */
export const IDEAL_DEVICE: DeviceModel = deviceModel({ name: 'ideal', kind: 'ideal' });

/**
 * A generic multi-level RRAM: 32 levels, 5% programming and 1% read noise (fractions of
 * g_max − g_min), 1–100 µS. Round numbers in the range reported for HfO2 RRAM, not a fitted device.
 */
export const RRAM_DEVICE: DeviceModel = deviceModel({
  name: 'rram',
  kind: 'rram',
  gMin: 1e-6,
  gMax: 1e-4,
  levels: 32,
  programNoise: 0.05,
  readNoise: 0.01,
});

export interface MlpPlanOptions {
  hidden?: number[];
  activation?: LayerPlan['activation'];
  device?: DeviceModel;
  tile?: Partial<TilePlan>;
  optimizer?: OptimizerConfig;
  epochs?: number;
  batch?: number;
  seed?: number;
  trainLimit?: number | null;
  testLimit?: number | null;
  rule?: TrainRule;
  /** Biases on every layer (default true); false matches bias-free hardware (RF chains). */
  bias?: boolean;
}

/**
 * The recommended optimiser for 784-256-10 on MNIST: SGD, momentum 0.9, lr 0.1, cosine decay;
 * over 97% test accuracy after one epoch at batch 32 (docs/simulation.md).
 */
export const DEFAULT_OPTIMIZER: OptimizerConfig = {
  kind: 'sgd',
  lr: 0.1,
  momentum: 0.9,
  schedule: 'cosine',
};

/** A 784-…-10 MNIST perceptron on 256×256 tiles of one device kind. */
export function mlpPlan(o: MlpPlanOptions = {}): TrainingPlan {
  const hidden = o.hidden ?? [256];
  const device = o.device ?? IDEAL_DEVICE;
  const sizes = [784, ...hidden, 10];
  const layers: LayerPlan[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const inputs = sizes[l]!;
    const units = sizes[l + 1]!;
    const tile = tilePlan(inputs, units, o.tile);
    layers.push({
      kind: 'dense',
      name: `fc${l + 1}`,
      inputs,
      units,
      activation: l + 2 === sizes.length ? 'identity' : (o.activation ?? 'relu'),
      bias: o.bias ?? true,
      tile,
      device,
    });
  }
  return {
    experiment: 'preset',
    chip: 'preset',
    network: `mlp-${sizes.join('-')}`,
    dataset: { kind: 'builtin', name: 'mnist' },
    inputShape: [28, 28],
    inputSize: 784,
    classes: 10,
    layers,
    rule: o.rule ?? 'backprop',
    trainable: 'weights',
    beta: 0.5,
    pulseLength: DEFAULT_PULSE_LENGTH,
    infer: { time: 0, temperature: 300 },
    optimizer: o.optimizer ?? DEFAULT_OPTIMIZER,
    epochs: o.epochs ?? 1,
    batch: o.batch ?? 32,
    seed: o.seed ?? 1,
    trainLimit: o.trainLimit ?? null,
    testLimit: o.testLimit ?? null,
  };
}

export interface ConvNetPlanOptions extends Omit<MlpPlanOptions, 'hidden'> {
  /** Output channels of the 3×3 convolution (stride 1, padding 1). Default 8. */
  channels?: number;
  pool?: 'max' | 'avg' | 'sum';
}

/**
 * A small MNIST CNN on crossbars: conv2d 3×3 (padding 1) → 2×2 pool → flatten → dense 10. The
 * convolution is a (1·3·3) × channels matrix applied to im2col patches (engine/sim/conv.ts).
 */
export function convNetPlan(o: ConvNetPlanOptions = {}): TrainingPlan {
  const c = o.channels ?? 8;
  const base = mlpPlan({ ...o, hidden: [] });
  const dense = base.layers[0] as LayerPlan;
  const tile = (inputs: number, units: number): TilePlan => ({
    ...dense.tile,
    rowBlocks: Math.ceil(inputs / dense.tile.rows),
    colBlocks: Math.ceil(units / dense.tile.cols),
  });
  const flat = c * 14 * 14;
  const layers: TrainingPlan['layers'] = [
    {
      kind: 'conv2d',
      name: 'conv1',
      inputs: 9,
      units: c,
      activation: o.activation ?? 'relu',
      bias: true,
      tile: tile(9, c),
      device: dense.device,
      conv: { inShape: [1, 28, 28], outShape: [c, 28, 28], kernel: 3, stride: 1, padding: 1 },
    },
    {
      kind: 'pool',
      name: 'pool1',
      op: o.pool ?? 'max',
      inShape: [c, 28, 28],
      outShape: [c, 14, 14],
      size: 2,
      stride: 2,
    },
    { kind: 'flatten', name: 'flat', size: flat },
    { ...dense, name: 'fc', inputs: flat, tile: tile(flat, 10) },
  ];
  return { ...base, network: `cnn-conv${c}-pool-fc10`, inputShape: [1, 28, 28], layers };
}
