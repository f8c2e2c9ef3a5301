// The training plan: everything a training job needs, resolved from the elaborated model into one
// plain object. It crosses the worker boundary by structured clone, is recorded with the run as
// flattened params, and is the only input of the simulator (the simulator never sees the DSL).
import type {
  Activation,
  CrossbarTile,
  DatasetName,
  DeviceModel,
  ElaboratedModel,
  OptimizerConfig,
  TrainRule,
} from '../ir/model';
import { TRAIN_RULES } from '../ir/model';

/** aihwkit IOParameters defaults (inp_bound 1, out_bound 12), used when the tile does not say. */
export const DEFAULT_INPUT_BOUND = 1;
export const DEFAULT_OUTPUT_BOUND = 12;

export interface TilePlan {
  name: string;
  rows: number;
  cols: number;
  signedWeights: CrossbarTile['signedWeights'];
  /** Input DAC and output ADC resolution in bits; 0 = ideal. */
  dacBits: number;
  adcBits: number;
  /** DAC range: inputs (after per-vector abs-max scaling) are clipped to ±inputBound. */
  inputBound: number;
  /** ADC range, in units of (normalised input × w_max): partial sums are clipped to ±outputBound. */
  outputBound: number;
  /** Per-layer weight clip w_max mapped to the full conductance range; null = max|w| of the layer. */
  weightClip: number | null;
  /** How the layer's k×n matrix is split over rows×cols crossbars. */
  rowBlocks: number;
  colBlocks: number;
}

export interface LayerPlan {
  name: string;
  inputs: number;
  units: number;
  activation: Activation;
  bias: boolean;
  tile: TilePlan;
  device: DeviceModel;
}

export interface TrainingPlan {
  experiment: string;
  chip: string;
  network: string;
  dataset: DatasetName;
  inputShape: number[];
  inputSize: number;
  classes: number;
  layers: LayerPlan[];
  rule: TrainRule;
  optimizer: OptimizerConfig;
  epochs: number;
  batch: number;
  seed: number;
  /** Samples of the training / test split used; null = the whole split. */
  trainLimit: number | null;
  testLimit: number | null;
}

export interface PlanOverrides {
  epochs?: number;
  trainLimit?: number;
  testLimit?: number;
  seed?: number;
}

const DATASET_SHAPE: Partial<Record<DatasetName, { size: number; classes: number }>> = {
  mnist: { size: 784, classes: 10 },
};

function isRunnableRule(rule: string): rule is TrainRule {
  return (TRAIN_RULES as readonly string[]).includes(rule);
}

export function buildTrainingPlan(
  model: ElaboratedModel,
  experimentName: string,
  overrides: PlanOverrides = {},
): TrainingPlan {
  const exp = model.experiments.find((e) => e.name === experimentName);
  if (!exp) {
    const names = model.experiments.map((e) => e.name).join(', ') || 'none';
    throw new Error(`No experiment "${experimentName}" in the model (it defines: ${names}).`);
  }
  const chip = model.chips.find((c) => c.name === exp.chip);
  if (!chip) throw new Error(`Experiment "${exp.name}" uses chip "${exp.chip}", which is not defined.`);
  const net = model.networks.find((n) => n.name === exp.network);
  if (!net) throw new Error(`Experiment "${exp.name}" uses network "${exp.network}", which is not defined.`);
  const rule = exp.train.rule;
  if (!isRunnableRule(rule)) {
    throw new Error(
      `Experiment "${exp.name}": rule '${rule}' is not yet runnable by the engine (runnable: ${TRAIN_RULES.join(', ')}). ` +
        'It checks and elaborates, but training with it is not implemented.',
    );
  }
  if (exp.runnable === false) {
    throw new Error(
      `Experiment "${exp.name}" cannot run yet: ${exp.notRunnable ?? 'not supported by the engine'}.`,
    );
  }
  const ds = DATASET_SHAPE[exp.dataset];
  if (!ds)
    throw new Error(
      `Experiment "${exp.name}": dataset "${exp.dataset}" is not yet available to the engine (available: mnist).`,
    );

  const [input, ...rest] = net.layers;
  if (input?.kind !== 'input') {
    throw new Error(`Network "${net.name}" must start with an input layer.`);
  }
  if (input.size !== ds.size) {
    throw new Error(
      `Network "${net.name}" takes ${input.size} inputs but dataset ${exp.dataset} has ${ds.size} features.`,
    );
  }
  const layers: LayerPlan[] = [];
  let width = input.size;
  for (const layer of rest) {
    if (layer.kind !== 'dense') {
      throw new Error(
        `Network "${net.name}": layer "${layer.name}" (${layer.kind}) cannot follow the input.`,
      );
    }
    if (layer.inputs !== width) {
      throw new Error(
        `Network "${net.name}": layer "${layer.name}" expects ${layer.inputs} inputs but receives ${width}.`,
      );
    }
    const core = chip.cores?.find((c) => c.name === layer.mapping?.tile);
    if (core) {
      throw new Error(
        `Layer "${layer.name}" is mapped on tile "${core.name}" (${core.kind}); only crossbar tiles are simulated yet.`,
      );
    }
    const tileName = layer.mapping?.tile ?? chip.tiles[0]?.name;
    const tile = chip.tiles.find((t) => t.name === tileName);
    if (!tile) {
      throw new Error(
        tileName
          ? `Layer "${layer.name}" is mapped to tile "${tileName}", which chip "${chip.name}" does not have.`
          : `Chip "${chip.name}" has no crossbar tile to map layer "${layer.name}" onto.`,
      );
    }
    const device = model.devices.find((d) => d.name === tile.device);
    if (!device) {
      throw new Error(
        `Tile "${tile.name}" of chip "${chip.name}" uses device "${tile.device}", which is not defined.`,
      );
    }
    layers.push({
      name: layer.name,
      inputs: layer.inputs,
      units: layer.units,
      activation: layer.activation,
      bias: layer.bias,
      tile: {
        name: tile.name,
        rows: tile.rows,
        cols: tile.cols,
        signedWeights: tile.signedWeights,
        dacBits: tile.dacBits,
        adcBits: tile.adcBits,
        inputBound: tile.inputBound ?? DEFAULT_INPUT_BOUND,
        outputBound: tile.outputBound ?? DEFAULT_OUTPUT_BOUND,
        weightClip: tile.weightClip ?? null,
        rowBlocks: Math.ceil(layer.inputs / tile.rows),
        colBlocks: Math.ceil(layer.units / tile.cols),
      },
      device: { ...device, provenance: { ...device.provenance } },
    });
    width = layer.units;
  }
  if (layers.length === 0) throw new Error(`Network "${net.name}" has no dense layer to train.`);
  if (width !== ds.classes) {
    throw new Error(
      `Network "${net.name}" ends with ${width} outputs but dataset ${exp.dataset} has ${ds.classes} classes.`,
    );
  }
  const plan: TrainingPlan = {
    experiment: exp.name,
    chip: chip.name,
    network: net.name,
    dataset: exp.dataset,
    inputShape: [...input.shape],
    inputSize: input.size,
    classes: ds.classes,
    layers,
    rule,
    optimizer: { ...exp.train.optimizer, schedule: exp.train.optimizer.schedule ?? 'constant' },
    epochs: overrides.epochs ?? exp.train.epochs,
    batch: exp.train.batch,
    seed: overrides.seed ?? exp.seed,
    trainLimit: overrides.trainLimit ?? exp.trainLimit,
    testLimit: overrides.testLimit ?? exp.testLimit,
  };
  validatePlan(plan);
  return plan;
}

/** Checks the numbers the simulator relies on; throws an Error naming the bad field. */
export function validatePlan(plan: TrainingPlan): void {
  const posInt = (v: number, what: string) => {
    if (!Number.isInteger(v) || v < 1) throw new Error(`${what} must be a positive integer, got ${v}.`);
  };
  posInt(plan.epochs, 'epochs');
  posInt(plan.batch, 'batch');
  if (plan.trainLimit !== null) posInt(plan.trainLimit, 'train limit');
  if (plan.testLimit !== null) posInt(plan.testLimit, 'test limit');
  if (!Number.isFinite(plan.seed)) throw new Error(`seed must be a number, got ${plan.seed}.`);
  if (!(plan.optimizer.lr > 0)) throw new Error(`learning rate must be positive, got ${plan.optimizer.lr}.`);
  for (const l of plan.layers) {
    const d = l.device;
    const where = `layer "${l.name}" (device "${d.name}")`;
    posInt(l.tile.rows, `${where}: tile rows`);
    posInt(l.tile.cols, `${where}: tile cols`);
    if (!(d.gMax > d.gMin)) throw new Error(`${where}: g_max must exceed g_min.`);
    if (d.levels !== null && !(Number.isInteger(d.levels) && d.levels >= 2)) {
      throw new Error(`${where}: levels must be an integer ≥ 2 or continuous, got ${d.levels}.`);
    }
    if (d.programNoise < 0 || d.readNoise < 0) throw new Error(`${where}: noise must not be negative.`);
    if (d.stuckAtGMin < 0 || d.stuckAtGMax < 0 || d.stuckAtGMin + d.stuckAtGMax > 1) {
      throw new Error(`${where}: stuck-at fractions must be in [0, 1] and sum to at most 1.`);
    }
    for (const [bits, name] of [
      [l.tile.dacBits, 'DAC bits'],
      [l.tile.adcBits, 'ADC bits'],
    ] as const) {
      if (!Number.isInteger(bits) || bits < 0 || bits === 1 || bits > 24) {
        throw new Error(`${where}: ${name} must be 0 (ideal) or an integer in 2..24, got ${bits}.`);
      }
    }
  }
}
