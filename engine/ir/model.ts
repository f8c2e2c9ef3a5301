// The elaborated model: the one typed description of chips, networks and experiments that the
// DSL checker produces and that the simulator, the estimator, the schematic, the store and the
// reports consume. Every physical value here is in SI base units (S, J, s, m, V, K); the unit
// system in ./units is the only place that converts from the text.

/** A position in a source file. Lines and columns are 1-based; offset is 0-based (UTF-16). */
export interface SourcePos {
  line: number;
  col: number;
  offset: number;
}

export interface SourceRange {
  file: string;
  start: SourcePos;
  end: SourcePos;
}

export const DEVICE_KINDS = [
  'ideal',
  'rram',
  'pcm',
  'fefet',
  'ecram',
  'mram',
  'spin_resonator',
  'stochastic_memristor',
  'photonic_pcm',
  'sram',
] as const;
export type DeviceKind = (typeof DEVICE_KINDS)[number];

/** A synaptic device. Conductances in siemens, energies in joules, times in seconds. */
export interface DeviceModel {
  name: string;
  kind: DeviceKind;
  /** Lowest programmable conductance (S). */
  gMin: number;
  /** Highest programmable conductance (S). */
  gMax: number;
  /** Number of distinct programmable conductance levels; null means continuous. */
  levels: number | null;
  /** Std-dev of programming error, as a fraction of (gMax - gMin). */
  programNoise: number;
  /** Std-dev of read noise on every read, as a fraction of (gMax - gMin). */
  readNoise: number;
  /** Fraction of devices stuck at gMin and at gMax. */
  stuckAtGMin: number;
  stuckAtGMax: number;
  /** Energy per read operation (J) and per write pulse (J). */
  readEnergy: number;
  writeEnergy: number;
  /** Where each field value came from: 'dsl' when written in the text, else the default's citation. */
  provenance: Record<string, string>;
  range: SourceRange;
}

export const ACTIVATIONS = ['relu', 'sigmoid', 'tanh', 'identity'] as const;
export type Activation = (typeof ACTIVATIONS)[number];

/** A crossbar tile: rows are inputs (word lines), cols are outputs (bit lines). */
export interface CrossbarTile {
  name: string;
  kind: 'crossbar';
  rows: number;
  cols: number;
  /** Name of the DeviceModel in the elaborated model. */
  device: string;
  /** How signed weights are represented. */
  signedWeights: 'differential' | 'reference_column';
  /** DAC resolution on inputs (bits); 0 means ideal (no quantisation). */
  dacBits: number;
  /** ADC resolution on outputs (bits); 0 means ideal. */
  adcBits: number;
  /** Read voltage (V). */
  readVoltage: number;
  /** How many copies of this tile the chip has. */
  count: number;
  /** DAC input range (normalised inputs clipped to ±inputBound); default 1 (aihwkit inp_bound). */
  inputBound?: number;
  /** ADC output range in units of w_max × normalised input; default 12 (aihwkit out_bound). */
  outputBound?: number;
  /** Weight clip w_max mapped to the full conductance range; absent or null = max|w| of each layer. */
  weightClip?: number | null;
  range: SourceRange;
}

export type Tile = CrossbarTile;

export interface Chip {
  name: string;
  /** Technology node (m), e.g. 20e-9. */
  node: number | null;
  tiles: Tile[];
  range: SourceRange;
}

/** How one weight matrix is laid over fixed-size crossbars. */
export interface LayerMapping {
  tile: string;
  /** Crossbars along the input dimension and along the output dimension. */
  rowBlocks: number;
  colBlocks: number;
  tilesUsed: number;
  /** Used cells / available cells across the tiles used (0..1). Differential pairs count once. */
  utilisation: number;
}

export interface InputLayer {
  kind: 'input';
  name: string;
  /** e.g. [28, 28] */
  shape: number[];
  size: number;
  range: SourceRange;
}

export interface DenseLayer {
  kind: 'dense';
  name: string;
  inputs: number;
  units: number;
  activation: Activation;
  bias: boolean;
  mapping: LayerMapping | null;
  range: SourceRange;
}

export type Layer = InputLayer | DenseLayer;

export interface Network {
  name: string;
  layers: Layer[];
  range: SourceRange;
}

export const DATASETS = ['mnist'] as const;
export type DatasetName = (typeof DATASETS)[number];

export const TRAIN_RULES = ['backprop'] as const;
export type TrainRule = (typeof TRAIN_RULES)[number];

export const LR_SCHEDULES = ['constant', 'cosine'] as const;
export type LrSchedule = (typeof LR_SCHEDULES)[number];

export interface OptimizerConfig {
  kind: 'sgd' | 'adam';
  lr: number;
  momentum: number;
  /** Learning-rate schedule over the whole run; absent = 'constant'. 'cosine' decays lr to 0. */
  schedule?: LrSchedule;
}

export interface TrainConfig {
  rule: TrainRule;
  optimizer: OptimizerConfig;
  epochs: number;
  batch: number;
}

export interface Experiment {
  name: string;
  chip: string;
  network: string;
  dataset: DatasetName;
  train: TrainConfig;
  seed: number;
  /** Optional data limits written in the DSL (CLI flags override). */
  trainLimit: number | null;
  testLimit: number | null;
  /**
   * Each mapped dense layer of the network laid over THIS experiment's chip (the network's own
   * DenseLayer.mapping uses the first chip that declares the tile). Filled by the DSL checker.
   */
  mappings?: { layer: string; mapping: LayerMapping }[];
  range: SourceRange;
}

export interface ElaboratedModel {
  devices: DeviceModel[];
  chips: Chip[];
  networks: Network[];
  experiments: Experiment[];
}
