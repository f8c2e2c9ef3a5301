// What each block of the language may contain: one table per context, one row per field, with
// its value type (dimension, allowed range), default and the doc a hover will show. The checker
// validates generically against these rows (values.ts), so adding a field or a kind is a table
// edit. Device fields are here too; their per-kind defaults and citations are in
// device-defaults.ts.
import { LR_SCHEDULES } from '../ir/model';
import type { Dimension } from '../ir/units';

export type RefTarget = 'device' | 'tile' | 'chip' | 'network';

export type ValueType =
  /** A plain number. `percent` allows `5%` (= 0.05); `words` are named values such as `continuous`. */
  | {
      kind: 'number';
      min: number;
      max: number;
      minExclusive?: boolean;
      maxExclusive?: boolean;
      integer?: boolean;
      percent?: boolean;
      words?: readonly string[];
    }
  /** A number with a unit of this dimension, in SI. `fromResistance`: 1MΩ is read as 1 µS. */
  | {
      kind: 'quantity';
      dimension: Dimension;
      min: number;
      max: number;
      minExclusive?: boolean;
      fromResistance?: boolean;
      allowRange?: boolean;
    }
  | { kind: 'enum'; values: readonly string[]; notYet?: Readonly<Record<string, string>> }
  | { kind: 'boolean' }
  | { kind: 'ref'; target: RefTarget }
  /** `sgd(lr = 0.1)`; a bare `sgd` means all defaults. */
  | { kind: 'call'; options: Readonly<Record<string, readonly FieldSpec[]>> }
  /** A nested block `energy { ... }`. */
  | { kind: 'block'; fields: readonly FieldSpec[] }
  /** `28x28` or `784`. */
  | { kind: 'shape' };

export interface FieldSpec {
  name: string;
  doc: string;
  type: ValueType;
  /** Default in the DSL's own notation, for docs and hover ('' when required or per kind). */
  default?: string;
  required?: boolean;
  /** May be written without '=' (`node 20nm`). */
  bare?: boolean;
  /** Set when the engine does not use the field yet: it is checked, then ignored with a warning. */
  ignored?: string;
}

const fraction = (max = 1): ValueType => ({ kind: 'number', min: 0, max, percent: true });
const bits: ValueType = { kind: 'number', min: 0, max: 16, integer: true };

// ---------------------------------------------------------------- devices

export const ENERGY_FIELDS: readonly FieldSpec[] = [
  { name: 'read', doc: 'Energy per read of one device (one MAC).', type: q('energy', 0, 1e-6) },
  { name: 'write', doc: 'Energy per programming (write) pulse.', type: q('energy', 0, 1e-6) },
];

function q(dimension: Dimension, min: number, max: number, extra: Partial<ValueType> = {}): ValueType {
  return { kind: 'quantity', dimension, min, max, ...extra } as ValueType;
}

const NOT_UPDATE_MODEL = 'the pulsed-update model (in-situ training) is not implemented yet';

export const DEVICE_FIELDS: readonly FieldSpec[] = [
  {
    name: 'g_min',
    doc: 'Lowest programmable conductance. A resistance is accepted and read as G = 1/R.',
    type: q('conductance', 0, 1, { minExclusive: true, fromResistance: true }),
  },
  {
    name: 'g_max',
    doc: 'Highest programmable conductance; must exceed g_min. A resistance is read as G = 1/R.',
    type: q('conductance', 0, 1, { minExclusive: true, fromResistance: true }),
  },
  {
    name: 'levels',
    doc: 'Distinct programmable conductance levels between g_min and g_max, or `continuous`.',
    type: { kind: 'number', min: 2, max: 65536, integer: true, words: ['continuous'] },
  },
  {
    name: 'program_noise',
    doc: 'Std-dev of the programming error, as a fraction of (g_max - g_min).',
    type: fraction(),
  },
  {
    name: 'read_noise',
    doc: 'Std-dev of the noise on every read, as a fraction of (g_max - g_min).',
    type: fraction(),
  },
  { name: 'stuck_at_gmin', doc: 'Fraction of devices stuck at g_min.', type: fraction() },
  { name: 'stuck_at_gmax', doc: 'Fraction of devices stuck at g_max.', type: fraction() },
  {
    name: 'energy',
    doc: 'Energy per operation: `energy { read = 10fJ  write = 1pJ }`.',
    type: { kind: 'block', fields: ENERGY_FIELDS },
  },
  // Accepted and range-checked so libraries can already carry them; the engine ignores them.
  {
    name: 'dw_min',
    doc: 'Smallest update step, as a fraction of the weight range.',
    type: fraction(),
    ignored: NOT_UPDATE_MODEL,
  },
  {
    name: 'up_down',
    doc: 'Up/down step asymmetry.',
    type: { kind: 'number', min: -1, max: 1 },
    ignored: NOT_UPDATE_MODEL,
  },
  {
    name: 'dtod',
    doc: 'Device-to-device spread of the step size.',
    type: fraction(10),
    ignored: NOT_UPDATE_MODEL,
  },
  {
    name: 'ctoc',
    doc: 'Cycle-to-cycle spread of the step size.',
    type: fraction(10),
    ignored: NOT_UPDATE_MODEL,
  },
  {
    name: 'drift',
    doc: 'Drift exponent nu in G(t) = G0 (t/t0)^-nu.',
    type: { kind: 'number', min: 0, max: 1 },
    ignored: 'conductance drift is not simulated yet',
  },
  {
    name: 'endurance',
    doc: 'Write cycles before failure.',
    type: { kind: 'number', min: 1, max: 1e20 },
    ignored: 'endurance is not modelled yet',
  },
  {
    name: 'latency',
    doc: 'Read latency of one device.',
    type: q('time', 0, 1),
    ignored: 'latency is used by the energy/latency estimator, which is not implemented yet',
  },
  {
    name: 'f_res',
    doc: 'Resonance frequency (range) of a spin resonator: `f_res = 2.0GHz .. 4.0GHz`.',
    type: q('frequency', 0, 1e13, { allowRange: true }),
    ignored: 'spin resonators are not simulated yet',
  },
  {
    name: 'linewidth',
    doc: 'Resonance linewidth of a spin resonator.',
    type: q('frequency', 0, 1e13),
    ignored: 'spin resonators are not simulated yet',
  },
];

// ---------------------------------------------------------------- chips and tiles

export const CHIP_FIELDS: readonly FieldSpec[] = [
  { name: 'node', doc: 'Technology node, e.g. `node 20nm`.', type: q('length', 1e-10, 1e-5), bare: true },
  {
    name: 'clock',
    doc: 'Clock frequency.',
    type: q('frequency', 0, 1e12, { minExclusive: true }),
    ignored: 'the latency estimator is not implemented yet',
  },
];

/** Arguments of `crossbar(rows = .., cols = ..)`. */
export const CROSSBAR_ARGS: readonly FieldSpec[] = [
  {
    name: 'rows',
    doc: 'Word lines (inputs) per crossbar.',
    type: { kind: 'number', min: 1, max: 65536, integer: true },
    required: true,
  },
  {
    name: 'cols',
    doc: 'Bit lines (outputs) per crossbar.',
    type: { kind: 'number', min: 1, max: 65536, integer: true },
    required: true,
  },
];

export const CROSSBAR_FIELDS: readonly FieldSpec[] = [
  {
    name: 'device',
    doc: 'The synaptic device at every cross-point.',
    type: { kind: 'ref', target: 'device' },
    required: true,
  },
  { name: 'dac_bits', doc: 'Input DAC resolution; 0 = ideal (no quantisation).', type: bits, default: '8' },
  { name: 'adc_bits', doc: 'Output ADC resolution; 0 = ideal (no quantisation).', type: bits, default: '8' },
  {
    name: 'signed',
    doc:
      'Signed weights: `differential` = a G+/G- pair per weight (two arrays, one cell position); ' +
      '`reference_column` = one column per crossbar holds (g_min + g_max)/2 and is subtracted.',
    type: { kind: 'enum', values: ['differential', 'reference_column'] },
    default: 'differential',
  },
  {
    name: 'read_voltage',
    doc: 'Read voltage on the word lines.',
    type: q('voltage', 0, 5, { minExclusive: true }),
    default: '0.2V',
  },
  {
    name: 'count',
    doc: 'How many copies of this tile the chip has.',
    type: { kind: 'number', min: 1, max: 1e6, integer: true },
    default: '1',
  },
  {
    name: 'adc_energy',
    doc: 'Energy per ADC conversion.',
    type: q('energy', 0, 1e-6),
    ignored: 'the energy estimator is not implemented yet',
  },
  {
    name: 'dac_energy',
    doc: 'Energy per DAC conversion.',
    type: q('energy', 0, 1e-6),
    ignored: 'the energy estimator is not implemented yet',
  },
  {
    name: 'line_resistance',
    doc: 'Wire resistance per cell segment.',
    type: q('resistance', 0, 1e6),
    ignored: 'IR drop is not simulated yet',
  },
];

/** Tile kinds: the checker elaborates `crossbar`; the others are recognised and reported. */
export const TILE_KINDS = [
  'crossbar',
  'rf_chain',
  'spiking_core',
  'digital_mac',
  'photonic_mesh',
  'bayesian_array',
] as const;
export const SUPPORTED_TILE_KINDS = ['crossbar'] as const;

// ---------------------------------------------------------------- networks

export const ACTIVATION_TYPE: ValueType = {
  kind: 'enum',
  values: ['relu', 'sigmoid', 'tanh', 'identity'],
  notYet: {
    sign: 'binary (sign) neurons are not supported yet',
    lif: 'spiking neurons are not supported yet',
    cuba_lif: 'spiking neurons are not supported yet',
    adex: 'spiking neurons are not supported yet',
    oscillator: 'oscillator neurons are not supported yet',
    loihi_cuba: 'spiking neurons are not supported yet',
    softmax:
      'softmax is not a layer activation here: leave the last layer `identity` (logits); the loss applies softmax',
  },
};

export const DENSE_FIELDS: readonly FieldSpec[] = [
  {
    name: 'act',
    doc: 'Activation: relu, sigmoid, tanh or identity. Default: relu, but identity (logits) on the last layer.',
    type: ACTIVATION_TYPE,
  },
  {
    name: 'bias',
    doc: 'Whether the layer has a bias (one extra crossbar row).',
    type: { kind: 'boolean' },
    default: 'true',
  },
];

export const LAYER_KINDS = ['input', 'dense', 'conv2d', 'pool', 'flatten', 'spiking', 'recurrent'] as const;
export const SUPPORTED_LAYER_KINDS = ['input', 'dense'] as const;

// ---------------------------------------------------------------- experiments

export const RUNNABLE_RULES = ['backprop'] as const;
/** Rules of the language the engine cannot run yet: they parse and give a clear error. */
export const PLANNED_RULES = [
  'hw_aware',
  'in_situ',
  'feedback_alignment',
  'dfa',
  'surrogate_bptt',
  'eprop',
  'stdp',
  'three_factor',
  'equilibrium_prop',
] as const;

const lr: FieldSpec = {
  name: 'lr',
  doc: 'Learning rate.',
  type: { kind: 'number', min: 0, max: 10, minExclusive: true },
};

export const OPTIMIZERS: Readonly<Record<string, readonly FieldSpec[]>> = {
  sgd: [
    { ...lr, default: '0.1' },
    {
      name: 'momentum',
      doc: 'Heavy-ball momentum coefficient.',
      type: { kind: 'number', min: 0, max: 1, maxExclusive: true },
      default: '0',
    },
  ],
  adam: [
    { ...lr, default: '0.001' },
    {
      name: 'beta1',
      doc: 'Decay of the first-moment estimate (stored as OptimizerConfig.momentum).',
      type: { kind: 'number', min: 0, max: 1, maxExclusive: true },
      default: '0.9',
    },
  ],
};

export const OPTIMIZER_DEFAULTS: Readonly<Record<string, { lr: number; momentum: number }>> = {
  sgd: { lr: 0.1, momentum: 0 },
  adam: { lr: 0.001, momentum: 0.9 },
};

export const TRAIN_FIELDS: readonly FieldSpec[] = [
  {
    name: 'rule',
    doc: 'Learning rule.',
    type: {
      kind: 'enum',
      values: RUNNABLE_RULES,
      notYet: Object.fromEntries(
        PLANNED_RULES.map((r) => [
          r,
          `rule '${r}' is not yet runnable by the engine; runnable rules: backprop`,
        ]),
      ),
    },
    default: 'backprop',
  },
  {
    name: 'optimizer',
    doc: '`sgd(lr, momentum)` or `adam(lr, beta1)`.',
    type: { kind: 'call', options: OPTIMIZERS },
    default: 'sgd(lr = 0.1)',
  },
  {
    name: 'schedule',
    doc: 'Learning-rate schedule over the run: constant, or cosine (decays lr to 0 by the last step).',
    type: { kind: 'enum', values: LR_SCHEDULES },
    default: 'constant',
  },
  {
    name: 'epochs',
    doc: 'Passes over the training set.',
    type: { kind: 'number', min: 1, max: 1000, integer: true },
    default: '1',
  },
  {
    name: 'batch',
    doc: 'Mini-batch size.',
    type: { kind: 'number', min: 1, max: 65536, integer: true },
    default: '32',
  },
];

export const EXPERIMENT_FIELDS: readonly FieldSpec[] = [
  { name: 'chip', doc: 'The chip to run on.', type: { kind: 'ref', target: 'chip' }, required: true },
  {
    name: 'network',
    doc: 'The network to map onto the chip.',
    type: { kind: 'ref', target: 'network' },
    required: true,
  },
  {
    name: 'dataset',
    doc: 'Data set: mnist (784 inputs, 10 classes).',
    type: {
      kind: 'enum',
      values: ['mnist'],
      notYet: {
        fashion_mnist: 'data set fashion_mnist is not available yet; available: mnist',
        cifar10: 'data set cifar10 is not available yet; available: mnist',
      },
    },
    required: true,
  },
  {
    name: 'train',
    doc: 'Training: `train { rule  optimizer  schedule  epochs  batch }`.',
    type: { kind: 'block', fields: TRAIN_FIELDS },
  },
  {
    name: 'seed',
    doc: 'Seed of every random draw (init, shuffling, device noise).',
    type: { kind: 'number', min: 0, max: 4294967295, integer: true },
    default: '0',
  },
  {
    name: 'train_limit',
    doc: 'Use only the first N training samples (CLI flags override).',
    type: { kind: 'number', min: 1, max: 1e8, integer: true },
  },
  {
    name: 'test_limit',
    doc: 'Use only the first N test samples (CLI flags override).',
    type: { kind: 'number', min: 1, max: 1e8, integer: true },
  },
];

/** Declarations inside an experiment that the language has but the engine cannot run yet. */
export const PLANNED_EXPERIMENT_DECLS: Readonly<Record<string, string>> = {
  infer: 'inference-only experiments (`infer`) are not yet runnable by the engine',
  sweep: 'sweeps are not yet runnable by the engine',
  metrics: 'choosing metrics is not supported yet; every run records loss and accuracy',
};

/** Dataset geometry, for the input/output size check. */
export const DATASET_SHAPES: Readonly<Record<string, { inputs: number; classes: number; shape: string }>> = {
  mnist: { inputs: 784, classes: 10, shape: '28x28' },
};
