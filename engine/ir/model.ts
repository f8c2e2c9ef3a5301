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
  'ring',
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
  /** Pulsed-update model (aihwkit PulsedDevice form), for in-situ training. */
  update?: PulsedUpdateModel;
  /** Conductance drift G(t) = G0 (t/t0)^-nu; absent or nu = 0 means no drift. */
  drift?: DriftModel;
  /** Write cycles before failure. */
  endurance?: number;
  /** Relative conductance change per kelvin (1/K). */
  tempCoeff?: number;
  /**
   * Binary devices (mram): probability that a write which must flip the state succeeds
   * (Neel-Brown switching, engine/sim/switching.ts); default 1 = deterministic writes.
   */
  switchProbability?: number;
  /**
   * aihwkit drift_compensation: 'global' rescales each layer's outputs by a reference readout taken
   * at programming and again at inference (GlobalDriftCompensation); default 'none'. A periphery
   * feature, carried by the device until the tile plan has a field for it.
   */
  driftCompensation?: 'none' | 'global';
  /**
   * PCM 1/f noise: 'per_read' (default) grows read_noise with time since programming;
   * 'accumulated_1f' adds aihwkit PCMLikeNoiseModel's frozen per-device 1/f noise at deploy.
   */
  readNoiseModel?: 'per_read' | 'accumulated_1f';
  /** Read latency of one device (s). */
  latency?: number;
  /** Cell area (m^2). */
  area?: number;
  /** Spin-resonator synapse: V_DC = W(f_RF - f_res) P_RF. Frequencies in Hz. */
  resonator?: ResonatorModel;
  /** Where each field value came from: 'dsl' when written in the text, else the default's citation. */
  provenance: Record<string, string>;
  range: SourceRange;
}

/**
 * aihwkit PulsedDevice, as its C++ code does it (not its docstring's symmetric form): a pulse up
 * moves the weight by dwMin_i, a pulse down by dwMin_i·(1 − upDown) (upDown > 0 shrinks the down
 * step only), where dwMin_i carries a device-to-device spread dtod; each pulse adds cycle-to-cycle
 * noise ctoc (relative to the step). Weights live in [wMin, wMax] (normalised, spread by dtod too).
 * See engine/sim/pulsed.ts and docs/engine-rules-insitu.md.
 */
export interface PulsedUpdateModel {
  dwMin: number;
  upDown: number;
  /** Device-to-device spread of the step (relative). */
  dtod: number;
  /** Cycle-to-cycle spread of the step (relative). */
  ctoc: number;
  /** Soft bounds: the step shrinks linearly as w nears its bound. */
  softBounds: boolean;
  /** Non-linearity of the step (0 = linear, constant step). */
  nonlinearity: number;
  wMin: number;
  wMax: number;
}

export interface DriftModel {
  /** Drift exponent. */
  nu: number;
  /** Reference time (s). */
  t0: number;
}

export interface ResonatorModel {
  /** Tunable resonance range (Hz). */
  fResMin: number;
  fResMax: number;
  /** Resonance linewidth (Hz). */
  linewidth: number;
  /** Fraction of symmetric Lorentzian in the line shape (absent = 0, antisymmetric). */
  symmetry?: number;
}

export const NEURON_KINDS = [
  'relu',
  'sigmoid',
  'tanh',
  'sign',
  'lif',
  'cuba_lif',
  'adex',
  'oscillator',
  'loihi_cuba',
] as const;
export type NeuronKind = (typeof NEURON_KINDS)[number];
export const SPIKING_NEURON_KINDS: readonly NeuronKind[] = ['lif', 'cuba_lif', 'adex', 'loihi_cuba'];

/** A neuron model. Parameters in SI (s, V, A, J) or, for loihi_cuba, Loihi's fixed-point integers. */
export interface NeuronModel {
  name: string;
  kind: NeuronKind;
  /** Emits spikes (lif, cuba_lif, adex, loihi_cuba) rather than a graded value. */
  spiking: boolean;
  /** Kind-specific parameters by their DSL name (tau_mem, v_th, du, ...), in SI or integers. */
  params: Record<string, number>;
  /** Kind-specific choices by DSL name (lif, cuba_lif: reset = subtract | value). */
  options?: Record<string, string>;
  /** Energy per neuron update (J) and per output spike (J). */
  energyPerUpdate: number;
  energyPerSpike: number;
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
  /** Energy per ADC and per DAC conversion (J), and wire resistance per cell segment (ohm). */
  adcEnergy?: number;
  dacEnergy?: number;
  lineResistance?: number;
  /** Additive Gaussian noise on every ADC read, in units of the ADC range's unit (aihwkit out_noise). */
  outputNoise?: number;
  /** aihwkit bound management: when an output saturates the ADC, halve the inputs and read again. */
  boundManagement?: 'none' | 'iterative';
  /** Time of one ADC conversion (s) and columns sharing one ADC (default 1). */
  adcTime?: number;
  adcShare?: number;
  /** Area (m^2) of one ADC, one DAC, and the tile's other periphery (per tile copy). */
  adcArea?: number;
  dacArea?: number;
  peripheryArea?: number;
  range: SourceRange;
}

export type Tile = CrossbarTile;

export const CORE_KINDS = [
  'rf_chain',
  'spiking_core',
  'digital_mac',
  'photonic_mesh',
  'bayesian_array',
] as const;
export type CoreKind = (typeof CORE_KINDS)[number];

/**
 * A hardware block other than a crossbar (rf_chain, spiking_core, ...). Not simulated yet: it
 * carries its parameters for the mapping check, the schematic and the estimator.
 */
export interface CoreTile {
  name: string;
  kind: CoreKind;
  count: number;
  /** Synaptic device (rf_chain: the resonator; bayesian_array, photonic_mesh: the cell). */
  device?: string;
  /** Neuron model of the block (rf_chain, spiking_core). */
  neuron?: string;
  /** Kind-specific parameters by DSL name (inputs, outputs, neurons, fan_in, bits, ...), in SI. */
  params: Record<string, number | string | boolean>;
  range: SourceRange;
}

export interface RouterModel {
  /** Energy per bit moved one hop (J) and latency per hop (s). */
  energyPerBit: number;
  latencyPerHop: number;
  topology: string;
  /** Area of one router (m^2); one router per tile copy. */
  area?: number;
}

export interface Chip {
  name: string;
  /** Technology node (m), e.g. 20e-9. */
  node: number | null;
  tiles: Tile[];
  /** Non-crossbar blocks (rf_chain, spiking_core, digital_mac, photonic_mesh, bayesian_array). */
  cores?: CoreTile[];
  router?: RouterModel;
  /** On-chip memory (bytes). */
  memory?: number;
  /** Clock frequency (Hz). */
  clock?: number;
  /** Static (leakage) power of the chip (W). */
  staticPower?: number;
  /** Energy per bit of an SRAM/buffer access (J). */
  sramEnergy?: number;
  /** Layers run as pipeline stages: throughput = 1 / slowest stage. */
  pipeline?: boolean;
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
  /** Kind of the tile (absent = crossbar). For cores, colBlocks counts the cores used. */
  tileKind?: 'crossbar' | CoreKind;
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
  /** A neuron declaration used as the activation (`act = sto`); activation is then its graded form or identity. */
  neuron?: string;
  bias: boolean;
  mapping: LayerMapping | null;
  range: SourceRange;
}

/** 2-D convolution; shapes are [channels, height, width]. Mapped by im2col: k*k*c_in rows, c_out cols. */
export interface Conv2dLayer {
  kind: 'conv2d';
  name: string;
  inShape: [number, number, number];
  outShape: [number, number, number];
  channels: number;
  kernel: number;
  stride: number;
  padding: number;
  activation: Activation;
  /** A neuron declaration used as the activation (`act = sto`), as on a dense layer. */
  neuron?: string;
  bias: boolean;
  mapping: LayerMapping | null;
  range: SourceRange;
}

export interface PoolLayer {
  kind: 'pool';
  name: string;
  op: 'max' | 'avg' | 'sum';
  inShape: [number, number, number];
  outShape: [number, number, number];
  size: number;
  stride: number;
  range: SourceRange;
}

export interface FlattenLayer {
  kind: 'flatten';
  name: string;
  size: number;
  range: SourceRange;
}

/** A recurrent (Elman) layer or a spiking layer: inputs -> units, with recurrent weights if `recurrent`. */
export interface RecurrentLayer {
  kind: 'recurrent' | 'spiking';
  name: string;
  inputs: number;
  units: number;
  /** Neuron model by name (spiking), or an activation (recurrent). */
  neuron: string;
  recurrent: boolean;
  bias: boolean;
  mapping: LayerMapping | null;
  range: SourceRange;
}

export type Layer = InputLayer | DenseLayer | Conv2dLayer | PoolLayer | FlattenLayer | RecurrentLayer;

export interface Network {
  name: string;
  layers: Layer[];
  range: SourceRange;
}

export const DATASETS = [
  'mnist',
  'fashion_mnist',
  'synthetic_nonlinear',
  'synthetic_moons',
  'synthetic_gestures',
  'synthetic_spikes',
] as const;
export type DatasetName = (typeof DATASETS)[number];
/** Data sets the engine can load today (besides files: see DatasetFiles). */
export const RUNNABLE_DATASETS: readonly DatasetName[] = [
  'mnist',
  'fashion_mnist',
  'synthetic_nonlinear',
  'synthetic_moons',
  'synthetic_gestures',
  'synthetic_spikes',
];

/**
 * A data set read from the user's files instead of a built-in one. Paths are absolute (the checker
 * resolves them against the .nfab file). Features are scaled to [0, 1] by the loader unless the
 * file already holds floats in that range; labels are integers 0..classes-1.
 *  idx: IDX images + labels files (MNIST layout); csv: one sample per row, the label in the first
 *  or last column; npy: NumPy arrays x (N×…) and y (N).
 */
export type DatasetFiles =
  | { format: 'idx'; trainX: string; trainY: string; testX: string; testY: string }
  | { format: 'npy'; trainX: string; trainY: string; testX: string; testY: string }
  | { format: 'csv'; train: string; test: string; labelColumn: 'first' | 'last' };

/** Rules the engine can run. */
export const TRAIN_RULES = [
  'backprop',
  'hw_aware',
  'in_situ',
  'feedback_alignment',
  'dfa',
  'equilibrium_prop',
  'mcmc',
  'naive_bayes',
] as const;
export type TrainRule = (typeof TRAIN_RULES)[number];

/** Every learning rule of the language; TRAIN_RULES are the runnable ones. */
export const LEARNING_RULES = [
  'backprop',
  'hw_aware',
  'in_situ',
  'feedback_alignment',
  'dfa',
  'surrogate_bptt',
  'eprop',
  'stdp',
  'three_factor',
  'equilibrium_prop',
  'mcmc',
  'naive_bayes',
] as const;
export type LearningRule = (typeof LEARNING_RULES)[number];

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
  /** The rule as written; only TRAIN_RULES run (buildTrainingPlan throws for the others). */
  rule: LearningRule;
  /** What training may change: 'weights' (default) or device fields such as 'f_res'. */
  trainable?: string[];
  optimizer: OptimizerConfig;
  epochs: number;
  batch: number;
  /** equilibrium_prop: nudging strength. */
  beta?: number;
  /** in_situ: stochastic pulse-train length BL (aihwkit desired_bl, default 31). */
  pulseLength?: number;
  /** hw_aware: clip master weights to ±clipSigma standard deviations after each step (0 = off). */
  clipSigma?: number;
  /** equilibrium_prop settling: iterations of the free and nudged phases, and the nudging scheme. */
  eqprop?: { freeSteps?: number; nudgeSteps?: number; nudging?: 'random_sign' | 'symmetric' | 'positive' };
  /** mcmc chain: Metropolis–Hastings steps per batch, weights per proposal, burn-in, ensemble size. */
  mcmc?: { stepsPerBatch?: number; proposalSize?: number; burnIn?: number; ensembleSize?: number };
  /** Spiking rules: steps per sample, step dt (s), surrogate, eligibility time constant tau_e (s). */
  spiking?: { timeSteps?: number; dt?: number; surrogate?: string; tauE?: number };
}

export interface Experiment {
  name: string;
  chip: string;
  network: string;
  dataset: DatasetName;
  /** Set when the data come from the user's files (`dataset = csv(...)` etc.); `dataset` is then ignored. */
  datasetFiles?: DatasetFiles;
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
  /** Inference after programming: time since programming (s, for drift) and temperature (K). */
  infer?: { time: number; temperature: number; driftCompensation?: 'none' | 'global' };
  /** Sweeps: each varies one field path over values; several sweeps form a grid. */
  sweeps?: SweepSpec[];
  /** Metrics to record (loss and accuracy are always recorded). */
  metrics?: string[];
  /** False when the engine cannot run this experiment yet (rule, data set, tiles); see notRunnable. */
  runnable?: boolean;
  notRunnable?: string;
  range: SourceRange;
}

export interface SweepSpec {
  /** `mtj_rf.program_noise` */
  path: string[];
  /** Values in SI (numbers) or names. */
  values: (number | string)[];
  /** Each value as written in the source (`2%`, `25uS`): what a sweep point writes back into the text. */
  texts?: string[];
}

/** A reference platform (seed 003 table), for comparison plots. */
export interface PlatformModel {
  name: string;
  energyPerClassification: number;
  /** Classifications per second. */
  throughput: number;
  accuracy: number;
  node: number | null;
  source: string;
  range: SourceRange;
}

export interface ElaboratedModel {
  devices: DeviceModel[];
  /** Neuron declarations (optional for models built by hand; the checker always fills it). */
  neurons?: NeuronModel[];
  chips: Chip[];
  networks: Network[];
  experiments: Experiment[];
  platforms?: PlatformModel[];
}
