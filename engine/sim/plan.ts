// The training plan: everything a training job needs, resolved from the elaborated model into one
// plain object. It crosses the worker boundary by structured clone, is recorded with the run as
// flattened params, and is the only input of the simulator (the simulator never sees the DSL).
import type {
  Activation,
  CrossbarTile,
  DatasetFiles,
  DatasetName,
  DeviceModel,
  ElaboratedModel,
  FlattenLayer,
  NeuronModel,
  OptimizerConfig,
  PoolLayer,
  TrainConfig,
  TrainRule,
} from '../ir/model';
import { TRAIN_RULES } from '../ir/model';

/** aihwkit IOParameters defaults (inp_bound 1, out_bound 12), used when the tile does not say. */
export const DEFAULT_INPUT_BOUND = 1;
export const DEFAULT_OUTPUT_BOUND = 12;
/** aihwkit UpdateParameters.desired_bl: pulses per stochastic pulse train in in-situ training. */
export const DEFAULT_PULSE_LENGTH = 31;

/** What a layer's weights live on: a crossbar, an RF resonator chain, or a Bayesian memristor array. */
export type TileKind = 'crossbar' | 'rf_chain' | 'bayesian_array';

export interface TilePlan {
  kind: TileKind;
  name: string;
  /** Rows (inputs) and columns (outputs) of one physical array; an rf_chain's inputs × outputs. */
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
  /** Additive Gaussian noise per ADC read, same units as outputBound (aihwkit out_noise); 0 = none. */
  outputNoise: number;
  /** aihwkit bound management: 'iterative' halves the inputs and reads again while an output saturates. */
  boundManagement: 'none' | 'iterative';
  /** Wire resistance per cell segment (Ω); 0 = no IR drop. */
  lineResistance: number;
  /** Word-line read voltage (V), for IR drop. */
  readVoltage: number;
  /** Per-layer weight clip w_max mapped to the full conductance range; null = max|w| of the layer. */
  weightClip: number | null;
  /** How the layer's k×n matrix is split over rows×cols arrays. */
  rowBlocks: number;
  colBlocks: number;
  /** bayesian_array: bits per stochastic stream. */
  streamLength?: number;
  /** bayesian_array: exponent on the stored likelihoods (absent = chosen from the counts). */
  likelihoodExponent?: number;
  /** rf_chain: carriers per RF line, off-resonance crosstalk, readout gain (absent = the learner's defaults). */
  rf?: { channels?: number; crosstalk?: boolean; gainFactor?: number };
}

/** A layer with weights on a tile: dense (k inputs, n units) or conv2d (im2col: k = c_in·kernel², n = c_out). */
export interface LayerPlan {
  kind: 'dense' | 'conv2d';
  name: string;
  /** k: rows of the weight matrix (for conv2d, c_in·kernel·kernel). */
  inputs: number;
  /** n: columns of the weight matrix (for conv2d, the output channels). */
  units: number;
  /** `sign` is a binary neuron (straight-through estimator in training); `oscillator` a spin-torque oscillator. */
  activation: Activation | 'sign' | 'oscillator';
  bias: boolean;
  tile: TilePlan;
  device: DeviceModel;
  /** The neuron declaration behind a non-standard activation (oscillator, sign), with its parameters. */
  neuron?: NeuronModel;
  /** conv2d geometry; shapes are [channels, height, width]. */
  conv?: {
    inShape: [number, number, number];
    outShape: [number, number, number];
    kernel: number;
    stride: number;
    padding: number;
  };
}

/** Pool and flatten stages are the IR's layers without their source range. */
export type PoolPlan = Omit<PoolLayer, 'range'>;
export type FlattenPlan = Omit<FlattenLayer, 'range'>;

/** One stage of the network after its input, in order. */
export type StagePlan = LayerPlan | PoolPlan | FlattenPlan;

export function isWeightLayer(s: StagePlan): s is LayerPlan {
  return s.kind === 'dense' || s.kind === 'conv2d';
}

/** Where the samples come from: a built-in data set, or the user's files. */
export type DatasetSource = { kind: 'builtin'; name: DatasetName } | ({ kind: 'files' } & DatasetFiles);

export interface TrainingPlan {
  experiment: string;
  chip: string;
  network: string;
  dataset: DatasetSource;
  inputShape: number[];
  inputSize: number;
  classes: number;
  layers: StagePlan[];
  rule: TrainRule;
  /** What training changes: the weights, or (RF spintronic chains) the resonance frequencies. */
  trainable: 'weights' | 'f_res';
  /** equilibrium_prop nudging strength β. */
  beta: number;
  /** in_situ: pulses per stochastic pulse train (BL). */
  pulseLength: number;
  /** hw_aware: master-weight clip in layer standard deviations (aihwkit LAYER_GAUSSIAN); 0 = off; absent = 2.5. */
  clipSigma?: number;
  /** equilibrium_prop and mcmc settings written in the DSL (the learners' defaults fill the rest). */
  eqprop?: TrainConfig['eqprop'];
  mcmc?: TrainConfig['mcmc'];
  optimizer: OptimizerConfig;
  epochs: number;
  batch: number;
  seed: number;
  /** Samples of the training / test split used; null = the whole split. */
  trainLimit: number | null;
  testLimit: number | null;
  /**
   * Conditions of the deployed chip at evaluation: time since programming (s), temperature (K),
   * and whether a global drift compensation rescales each layer's outputs.
   */
  infer: { time: number; temperature: number; driftCompensation?: 'none' | 'global' };
}

export interface PlanOverrides {
  epochs?: number;
  trainLimit?: number;
  testLimit?: number;
  seed?: number;
}

/** A built-in data set's geometry; file data sets are measured when loaded. */
const DATASET_SHAPE: Partial<Record<DatasetName, { size: number; classes: number }>> = {
  mnist: { size: 784, classes: 10 },
  fashion_mnist: { size: 784, classes: 10 },
  synthetic_nonlinear: { size: 2, classes: 2 },
  synthetic_moons: { size: 2, classes: 2 },
  synthetic_gestures: { size: 16, classes: 8 },
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
  let dataset: DatasetSource;
  let ds: { size: number; classes: number } | null;
  if (exp.datasetFiles) {
    dataset = { kind: 'files', ...exp.datasetFiles };
    ds = null; // measured when the files are read
  } else {
    dataset = { kind: 'builtin', name: exp.dataset };
    ds = DATASET_SHAPE[exp.dataset] ?? null;
    if (!ds)
      throw new Error(
        `Experiment "${exp.name}": dataset "${exp.dataset}" is not yet available to the engine ` +
          `(available: ${Object.keys(DATASET_SHAPE).join(', ')}, or files: csv(...), idx(...), npy(...)).`,
      );
  }

  const [input, ...rest] = net.layers;
  if (input?.kind !== 'input') {
    throw new Error(`Network "${net.name}" must start with an input layer.`);
  }
  if (ds && input.size !== ds.size) {
    throw new Error(
      `Network "${net.name}" takes ${input.size} inputs but dataset ${exp.dataset} has ${ds.size} features.`,
    );
  }
  const layers: StagePlan[] = [];
  let width = input.size;
  for (const layer of rest) {
    if (layer.kind === 'pool') {
      layers.push({
        kind: 'pool',
        name: layer.name,
        op: layer.op,
        inShape: [...layer.inShape],
        outShape: [...layer.outShape],
        size: layer.size,
        stride: layer.stride,
      });
      width = layer.outShape[0] * layer.outShape[1] * layer.outShape[2];
      continue;
    }
    if (layer.kind === 'flatten') {
      layers.push({ kind: 'flatten', name: layer.name, size: layer.size });
      width = layer.size;
      continue;
    }
    if (layer.kind !== 'dense' && layer.kind !== 'conv2d') {
      throw new Error(
        `Network "${net.name}": layer "${layer.name}" (${layer.kind}) is not simulated by the analog engine.`,
      );
    }
    const k = layer.kind === 'dense' ? layer.inputs : layer.inShape[0] * layer.kernel * layer.kernel;
    const n = layer.kind === 'dense' ? layer.units : layer.channels;
    const inWidth =
      layer.kind === 'dense' ? layer.inputs : layer.inShape[0] * layer.inShape[1] * layer.inShape[2];
    if (inWidth !== width) {
      throw new Error(
        `Network "${net.name}": layer "${layer.name}" expects ${inWidth} inputs but receives ${width}.`,
      );
    }
    const { tile, device } = resolveTile(model, chip, layer.name, layer.mapping?.tile, k, n);
    const neuronName = layer.neuron;
    const neuron = neuronName ? model.neurons?.find((x) => x.name === neuronName) : undefined;
    let activation: LayerPlan['activation'] = layer.activation;
    if (neuron?.kind === 'sign') activation = 'sign';
    else if (neuron?.kind === 'oscillator') activation = 'oscillator';
    layers.push({
      kind: layer.kind,
      name: layer.name,
      inputs: k,
      units: n,
      activation,
      bias: layer.bias,
      tile,
      // The deployed chip's drift compensation is read by the device array when it ages.
      device: {
        ...device,
        provenance: { ...device.provenance },
        ...(exp.infer?.driftCompensation ? { driftCompensation: exp.infer.driftCompensation } : {}),
      },
      ...(neuron
        ? { neuron: { ...neuron, params: { ...neuron.params }, provenance: { ...neuron.provenance } } }
        : {}),
      ...(layer.kind === 'conv2d'
        ? {
            conv: {
              inShape: [...layer.inShape] as [number, number, number],
              outShape: [...layer.outShape] as [number, number, number],
              kernel: layer.kernel,
              stride: layer.stride,
              padding: layer.padding,
            },
          }
        : {}),
    });
    width = layer.kind === 'dense' ? n : layer.outShape[0] * layer.outShape[1] * layer.outShape[2];
  }
  if (!layers.some(isWeightLayer))
    throw new Error(`Network "${net.name}" has no layer with weights to train.`);
  if (ds && width !== ds.classes) {
    throw new Error(
      `Network "${net.name}" ends with ${width} outputs but dataset ${exp.dataset} has ${ds.classes} classes.`,
    );
  }
  const plan: TrainingPlan = {
    experiment: exp.name,
    chip: chip.name,
    network: net.name,
    dataset,
    inputShape: [...input.shape],
    inputSize: input.size,
    classes: ds?.classes ?? width,
    layers,
    rule,
    trainable: exp.train.trainable?.includes('f_res') ? 'f_res' : 'weights',
    beta: exp.train.beta ?? 0.5,
    pulseLength: exp.train.pulseLength ?? DEFAULT_PULSE_LENGTH,
    ...(exp.train.clipSigma !== undefined ? { clipSigma: exp.train.clipSigma } : {}),
    ...(exp.train.eqprop ? { eqprop: { ...exp.train.eqprop } } : {}),
    ...(exp.train.mcmc ? { mcmc: { ...exp.train.mcmc } } : {}),
    optimizer: { ...exp.train.optimizer, schedule: exp.train.optimizer.schedule ?? 'constant' },
    epochs: overrides.epochs ?? exp.train.epochs,
    batch: exp.train.batch,
    seed: overrides.seed ?? exp.seed,
    trainLimit: overrides.trainLimit ?? exp.trainLimit,
    testLimit: overrides.testLimit ?? exp.testLimit,
    infer: {
      time: exp.infer?.time ?? 0,
      temperature: exp.infer?.temperature ?? 300,
      driftCompensation: exp.infer?.driftCompensation ?? 'none',
    },
  };
  validatePlan(plan);
  return plan;
}

/** The tile (crossbar, rf_chain or bayesian_array) and device a weight layer is mapped onto. */
function resolveTile(
  model: ElaboratedModel,
  chip: ElaboratedModel['chips'][number],
  layerName: string,
  tileName: string | undefined,
  k: number,
  n: number,
): { tile: TilePlan; device: DeviceModel } {
  const findDevice = (name: string | undefined, owner: string) => {
    const device = model.devices.find((d) => d.name === name);
    if (!device)
      throw new Error(`${owner} of chip "${chip.name}" uses device "${name}", which is not defined.`);
    return device;
  };
  const core = chip.cores?.find((c) => c.name === tileName);
  if (core) {
    if (core.kind !== 'rf_chain' && core.kind !== 'bayesian_array') {
      throw new Error(
        `Layer "${layerName}" is mapped on tile "${core.name}" (${core.kind}); the analog engine simulates crossbar, rf_chain and bayesian_array tiles.`,
      );
    }
    const p = core.params;
    const num = (key: string, fallback: number) =>
      typeof p[key] === 'number' ? (p[key] as number) : fallback;
    const rows = core.kind === 'rf_chain' ? num('inputs', k) : num('rows', k);
    const cols = core.kind === 'rf_chain' ? num('outputs', n) : num('cols', n);
    return {
      device: findDevice(core.device, `Tile "${core.name}"`),
      tile: {
        ...idealPeriphery(),
        kind: core.kind,
        name: core.name,
        rows,
        cols,
        rowBlocks: Math.ceil(k / rows),
        colBlocks: Math.ceil(n / cols),
        ...(core.kind === 'bayesian_array' ? { streamLength: num('stream_length', 256) } : {}),
        ...(core.kind === 'bayesian_array' && typeof p.likelihood_exponent === 'number'
          ? { likelihoodExponent: p.likelihood_exponent }
          : {}),
        ...(core.kind === 'rf_chain'
          ? {
              rf: {
                ...(typeof p.channels === 'number' ? { channels: p.channels } : {}),
                ...(typeof p.crosstalk === 'boolean' ? { crosstalk: p.crosstalk } : {}),
                ...(typeof p.gain === 'number' ? { gainFactor: p.gain } : {}),
              },
            }
          : {}),
      },
    };
  }
  const name = tileName ?? chip.tiles[0]?.name;
  const tile = chip.tiles.find((t) => t.name === name);
  if (!tile) {
    throw new Error(
      name
        ? `Layer "${layerName}" is mapped to tile "${name}", which chip "${chip.name}" does not have.`
        : `Chip "${chip.name}" has no crossbar tile to map layer "${layerName}" onto.`,
    );
  }
  return {
    device: findDevice(tile.device, `Tile "${tile.name}"`),
    tile: {
      kind: 'crossbar',
      name: tile.name,
      rows: tile.rows,
      cols: tile.cols,
      signedWeights: tile.signedWeights,
      dacBits: tile.dacBits,
      adcBits: tile.adcBits,
      inputBound: tile.inputBound ?? DEFAULT_INPUT_BOUND,
      outputBound: tile.outputBound ?? DEFAULT_OUTPUT_BOUND,
      outputNoise: tile.outputNoise ?? 0,
      boundManagement: tile.boundManagement ?? 'none',
      lineResistance: tile.lineResistance ?? 0,
      readVoltage: tile.readVoltage,
      weightClip: tile.weightClip ?? null,
      rowBlocks: Math.ceil(k / tile.rows),
      // A reference column takes one column of every array (see engine/sim/tiling.ts).
      colBlocks: Math.ceil(n / (tile.signedWeights === 'reference_column' ? tile.cols - 1 : tile.cols)),
    },
  };
}

/** Periphery of a tile without converters or noise (rf_chain and bayesian_array read out otherwise). */
function idealPeriphery(): Omit<TilePlan, 'kind' | 'name' | 'rows' | 'cols' | 'rowBlocks' | 'colBlocks'> {
  return {
    signedWeights: 'differential',
    dacBits: 0,
    adcBits: 0,
    inputBound: DEFAULT_INPUT_BOUND,
    outputBound: DEFAULT_OUTPUT_BOUND,
    outputNoise: 0,
    boundManagement: 'none',
    lineResistance: 0,
    readVoltage: 0.2,
    weightClip: null,
  };
}

/**
 * A tile plan built without the DSL (presets, scripts, tests): a 256×256 crossbar with ideal
 * periphery, the given fields overriding, and its blocks counted for a k×n matrix.
 */
export function tilePlan(k: number, n: number, overrides: Partial<TilePlan> = {}): TilePlan {
  const tile: TilePlan = {
    ...idealPeriphery(),
    kind: 'crossbar',
    name: 'xbar',
    rows: 256,
    cols: 256,
    rowBlocks: 1,
    colBlocks: 1,
    ...overrides,
  };
  tile.rowBlocks = Math.ceil(k / tile.rows);
  tile.colBlocks = Math.ceil(n / (tile.signedWeights === 'reference_column' ? tile.cols - 1 : tile.cols));
  return tile;
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
  if (!(plan.beta > 0)) throw new Error(`beta must be positive, got ${plan.beta}.`);
  posInt(plan.pulseLength, 'pulse length');
  if (!(plan.infer.time >= 0)) throw new Error(`infer time must be ≥ 0 s, got ${plan.infer.time}.`);
  if (!(plan.infer.temperature > 0))
    throw new Error(`infer temperature must be > 0 K, got ${plan.infer.temperature}.`);
  for (const l of plan.layers) {
    if (!isWeightLayer(l)) continue;
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
      if (!Number.isInteger(bits) || bits < 0 || bits > 24) {
        throw new Error(
          `${where}: ${name} must be 0 (ideal), 1 (a sign: sense amplifier or binary drive) or an integer in 2..24, got ${bits}.`,
        );
      }
    }
  }
}
