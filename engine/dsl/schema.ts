// What each block of the language may contain: one table per context, one row per field, with
// its value type (dimension, allowed range), default and the doc a hover will show. The checker
// validates generically against these rows (values.ts), so adding a field or a kind is a table
// edit. Device fields are here too; their per-kind defaults and citations are in
// device-defaults.ts.
import { LEARNING_RULES, type LearningRule, LR_SCHEDULES, TRAIN_RULES } from '../ir/model';
import type { Dimension } from '../ir/units';

export type RefTarget = 'device' | 'neuron' | 'tile' | 'chip' | 'network';

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
  | { kind: 'shape' }
  /** A quoted string, e.g. a file path relative to the .nfab file. */
  | { kind: 'text' };

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

/** An area in um^2, written as a plain number: the unit system has no area dimension. */
const um2: ValueType = { kind: 'number', min: 0, max: 1e12 };
const fraction = (max = 1): ValueType => ({ kind: 'number', min: 0, max, percent: true });
const bits: ValueType = { kind: 'number', min: 0, max: 16, integer: true };

// ---------------------------------------------------------------- devices

export const ENERGY_FIELDS: readonly FieldSpec[] = [
  { name: 'read', doc: 'Energy per read of one device (one MAC).', type: q('energy', 0, 1e-6) },
  { name: 'write', doc: 'Energy per programming (write) pulse.', type: q('energy', 0, 1e-6) },
];

export const DRIFT_FIELDS: readonly FieldSpec[] = [
  {
    name: 'nu',
    doc: 'Drift exponent nu in G(t) = G0 (t/t0)^-nu.',
    type: { kind: 'number', min: 0, max: 1 },
  },
  {
    name: 't0',
    doc: 'Reference time t0 of the drift law (aihwkit PCMLikeNoiseModel: 20 s).',
    type: { kind: 'quantity', dimension: 'time', min: 0, max: 1e9, minExclusive: true },
    default: '20s',
  },
];

function q(dimension: Dimension, min: number, max: number, extra: Partial<ValueType> = {}): ValueType {
  return { kind: 'quantity', dimension, min, max, ...extra } as ValueType;
}

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
  // Elaborated into DeviceModel (update, drift, resonator, ...); the simulator does not use
  // them yet (docs/dsl.md says which parts of the model are simulated).
  {
    name: 'dw_min',
    doc: 'Pulsed update: smallest weight step per pulse (normalised weight units, aihwkit dw_min).',
    type: { kind: 'number', min: 0, max: 1, minExclusive: true },
  },
  {
    name: 'up_down',
    doc: 'Pulsed update: up/down step asymmetry, step = dw_min (1 + d up_down).',
    type: { kind: 'number', min: -1, max: 1 },
  },
  {
    name: 'dtod',
    doc: 'Pulsed update: device-to-device spread of the step (relative to dw_min).',
    type: fraction(10),
  },
  {
    name: 'ctoc',
    doc: 'Pulsed update: cycle-to-cycle spread of every step (relative to dw_min).',
    type: fraction(10),
  },
  {
    name: 'soft_bounds',
    doc: 'Pulsed update: the step shrinks linearly as the weight nears its bound.',
    type: { kind: 'boolean' },
  },
  {
    name: 'nonlinearity',
    doc: 'Pulsed update: non-linearity of the step (0 = linear).',
    type: { kind: 'number', min: 0, max: 100 },
  },
  {
    name: 'w_min',
    doc: 'Pulsed update: lower weight bound (normalised).',
    type: { kind: 'number', min: -100, max: 0 },
  },
  {
    name: 'w_max',
    doc: 'Pulsed update: upper weight bound (normalised).',
    type: { kind: 'number', min: 0, max: 100, minExclusive: true },
  },
  {
    name: 'drift',
    doc: 'Conductance drift G(t) = G0 (t/t0)^-nu: `drift { nu = 0.05  t0 = 20s }`.',
    type: { kind: 'block', fields: DRIFT_FIELDS },
  },
  {
    name: 'endurance',
    doc: 'Write cycles before failure.',
    type: { kind: 'number', min: 1, max: 1e20 },
  },
  {
    name: 'temp_coeff',
    doc: 'Relative conductance change per kelvin (1/K), e.g. 0.002.',
    type: { kind: 'number', min: -1, max: 1 },
  },
  { name: 'latency', doc: 'Read latency of one device.', type: q('time', 0, 1) },
  {
    name: 'line_symmetry',
    doc:
      'spin_resonator: fraction of symmetric Lorentzian in the rectified line shape (0 = antisymmetric: ' +
      'the weight changes sign across the resonance; 1 = symmetric: non-negative weights).',
    type: fraction(),
  },
  {
    name: 'switch_prob',
    doc:
      'mram: probability that a write which must flip the MTJ does flip it (thermally activated ' +
      'switching, Koch et al. PRL 92:088302, 2004); a failed write leaves the old state. 1 = reliable writes.',
    type: fraction(),
  },
  {
    name: 'read_noise_model',
    doc:
      'pcm: per_read = read_noise on every read, growing with sqrt(ln t) after t0; accumulated_1f = ' +
      "aihwkit's 1/f noise drawn once per device at deployment.",
    type: { kind: 'enum', values: ['per_read', 'accumulated_1f'] },
  },
  {
    name: 'area',
    doc: 'Cell area in F^2 (multiples of the technology node squared), e.g. 4 for a 4F^2 cell.',
    type: { kind: 'number', min: 0, max: 1e6, minExclusive: true },
  },
  {
    name: 'f_res',
    doc: 'Resonance frequency range of a spin resonator: `f_res = 2.0GHz .. 4.0GHz` (V_DC = W(f_RF - f_res) P_RF).',
    type: q('frequency', 0, 1e13, { allowRange: true }),
  },
  {
    name: 'linewidth',
    doc: 'Resonance linewidth of a spin resonator.',
    type: q('frequency', 0, 1e13, { minExclusive: true }),
  },
];

// ---------------------------------------------------------------- chips and tiles

export const ROUTER_FIELDS: readonly FieldSpec[] = [
  {
    name: 'energy_per_bit',
    doc: 'Energy to move one bit one hop.',
    type: q('energy', 0, 1e-6),
    required: true,
  },
  { name: 'latency_per_hop', doc: 'Latency of one hop.', type: q('time', 0, 1), default: '0s' },
  {
    name: 'area',
    doc:
      'Area of one router in um^2 (plain number); the chip has one router per tile copy. ISAAC: ' +
      '150,000 um^2 per router shared by 4 tiles, 37,500 per tile, at 32 nm (Shafiee et al., ISCA 2016).',
    type: um2,
  },
  {
    name: 'topology',
    doc: 'Network-on-chip topology.',
    type: { kind: 'enum', values: ['mesh', 'torus', 'tree', 'bus', 'ring'] },
    default: 'mesh',
  },
];

export const CHIP_FIELDS: readonly FieldSpec[] = [
  { name: 'node', doc: 'Technology node, e.g. `node 20nm`.', type: q('length', 1e-10, 1e-5), bare: true },
  { name: 'clock', doc: 'Clock frequency.', type: q('frequency', 0, 1e12, { minExclusive: true }) },
  {
    name: 'memory',
    doc: 'On-chip memory (SRAM) in kB.',
    type: { kind: 'number', min: 0, max: 1e9 },
  },
  {
    name: 'router',
    doc: 'Interconnect: `router { energy_per_bit = 3pJ  latency_per_hop = 2ns  topology = mesh }`.',
    type: { kind: 'block', fields: ROUTER_FIELDS },
  },
  {
    name: 'static_power',
    doc:
      'Static (leakage) power of the whole chip; the estimate charges static_power x (1 / throughput) ' +
      'per classification. No default: NeuroSim counts leakage, but its value depends on the design.',
    type: q('power', 0, 1e3),
  },
  {
    name: 'sram_energy',
    doc:
      'Energy per bit of an SRAM/buffer access: each mapped layer reads its inputs from and writes its ' +
      'outputs to the buffer. Horowitz (ISSCC 2014, 45 nm): 10 pJ per 64-bit read of an 8 kB SRAM, ' +
      'about 0.16 pJ/bit. No default.',
    type: q('energy', 0, 1e-6),
  },
  {
    name: 'pipeline',
    doc:
      'true: layers are pipeline stages (ISAAC-style, every layer on its own tiles), so throughput is ' +
      '1 / the slowest stage; false: one classification at a time, throughput = 1 / latency.',
    type: { kind: 'boolean' },
    default: 'false',
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
  {
    name: 'dac_bits',
    doc: 'Input DAC resolution; 0 = ideal (no quantisation), 1 = binary drive (the sign of the input).',
    type: bits,
    default: '8',
  },
  {
    name: 'adc_bits',
    doc: 'Output ADC resolution; 0 = ideal (no quantisation), 1 = a sense amplifier (the sign of the bit-line current).',
    type: bits,
    default: '8',
  },
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
    doc: 'Energy per ADC conversion (Murmann survey fit: about 0.85 pJ at 8 bit / 22 nm).',
    type: q('energy', 0, 1e-6),
  },
  {
    name: 'dac_energy',
    doc: 'Energy per DAC conversion. No default: no survey fit for DACs is cited here (docs/energy.md).',
    type: q('energy', 0, 1e-6),
  },
  {
    name: 'adc_time',
    doc:
      'Time of one ADC conversion; a pass digitises its columns in ceil(cols / adc_share) conversions ' +
      'per ADC. ISAAC: 1.2 GS/s, 0.833 ns (Shafiee et al., ISCA 2016; Kull et al., ISSCC 2013).',
    type: q('time', 0, 1),
  },
  {
    name: 'adc_share',
    doc: 'Columns sharing one ADC through a multiplexer (NeuroSim: colMux; ISAAC: 128). 1 = an ADC per column.',
    type: { kind: 'number', min: 1, max: 65536, integer: true },
    default: '1',
  },
  {
    name: 'adc_area',
    doc: 'Area of one ADC in um^2 (plain number). ISAAC: 1,200 um^2 per 8-bit ADC at 32 nm (Table I).',
    type: um2,
  },
  {
    name: 'dac_area',
    doc: 'Area of one DAC (one per row) in um^2 (plain number). ISAAC: 0.166 um^2 per 1-bit DAC at 32 nm.',
    type: um2,
  },
  {
    name: 'periphery_area',
    doc: 'Other periphery of one tile copy in um^2 (plain number): sample-and-hold, shift-and-add, registers, drivers.',
    type: um2,
  },
  {
    name: 'line_resistance',
    doc: 'Wire resistance per cell segment, for IR drop along word and bit lines; 0 = ideal wires.',
    type: q('resistance', 0, 1e6),
  },
  {
    name: 'output_noise',
    doc:
      'Additive Gaussian noise on every ADC read, in units of the ADC range unit (w_max x normalised ' +
      'input), as aihwkit out_noise (0.06 in its default IOParameters).',
    type: { kind: 'number', min: 0, max: 10 },
    default: '0',
  },
  {
    name: 'bound_management',
    doc: 'iterative: when an output saturates the ADC, halve the inputs and read again (aihwkit).',
    type: { kind: 'enum', values: ['none', 'iterative'] },
    default: 'none',
  },
];

const count: FieldSpec = {
  name: 'count',
  doc: 'How many copies of this tile the chip has.',
  type: { kind: 'number', min: 1, max: 1e6, integer: true },
  default: '1',
};
const posInt = (max: number): ValueType => ({ kind: 'number', min: 1, max, integer: true });
const macEnergy: FieldSpec = {
  name: 'mac_energy',
  doc: 'Energy per multiply-accumulate.',
  type: q('energy', 0, 1e-6),
};

/** Arguments and fields of every tile kind (crossbar above). */
export const TILE_SPECS: Readonly<
  Record<string, { args: readonly FieldSpec[]; fields: readonly FieldSpec[] }>
> = {
  crossbar: { args: CROSSBAR_ARGS, fields: CROSSBAR_FIELDS },
  rf_chain: {
    args: [
      {
        name: 'inputs',
        doc: 'Resonators in series per chain (frequency-multiplexed inputs).',
        type: posInt(65536),
        required: true,
      },
      { name: 'outputs', doc: 'Parallel chains (outputs).', type: posInt(65536), required: true },
    ],
    fields: [
      {
        name: 'synapse',
        doc: 'The resonator device (spin_resonator).',
        type: { kind: 'ref', target: 'device' },
        required: true,
      },
      {
        name: 'neuron',
        doc: 'The neuron reading each chain (e.g. an oscillator).',
        type: { kind: 'ref', target: 'neuron' },
      },
      {
        name: 'channels',
        doc:
          'RF carriers per line; a chain with more inputs is split into sub-chains in series. ' +
          'Default: the band divided by the linewidth (50 for 2-4 GHz at 40 MHz).',
        type: posInt(100000),
      },
      {
        name: 'crosstalk',
        doc: 'true: every resonator of a sub-chain also rectifies the other carriers of its line (off-resonance tails).',
        type: { kind: 'boolean' },
        default: 'false',
      },
      {
        name: 'gain',
        doc: 'Readout gain of a chain, in He standard deviations of the layer per unit weight (docs/engine-rf.md).',
        type: { kind: 'number', min: 0, max: 1000, minExclusive: true },
        default: '4',
      },
      count,
    ],
  },
  spiking_core: {
    args: [],
    fields: [
      { name: 'neurons', doc: 'Neurons per core (Loihi: 1,024).', type: posInt(1e7), default: '1024' },
      { name: 'synapses', doc: 'Synapses per core.', type: posInt(1e9), default: '131072' },
      { name: 'fan_in', doc: 'Largest number of inputs per neuron.', type: posInt(1e7), default: '4096' },
      { name: 'fan_out', doc: 'Largest number of targets per neuron.', type: posInt(1e7), default: '4096' },
      {
        name: 'weight_bits',
        doc: 'Synaptic weight precision.',
        type: { kind: 'number', min: 1, max: 32, integer: true },
        default: '8',
      },
      {
        name: 'learning',
        doc: 'On-chip learning engine.',
        type: { kind: 'enum', values: ['none', 'stdp', 'three_factor', 'programmable'] },
        default: 'none',
      },
      { name: 'neuron', doc: 'Neuron model of the core.', type: { kind: 'ref', target: 'neuron' } },
      ...(['dw', 'dd', 'dt'] as const).map(
        (target): FieldSpec => ({
          name: target,
          doc:
            `learning = programmable: the ${{ dw: 'weight', dd: 'delay', dt: 'tag' }[target]} update as a Lava-style ` +
            'sum of products over x0, y0, u0..u9 (spike conditions), the traces x1, x2, y1, y2, y3 and w, d, t, ' +
            'with constants written mantissa*2^exponent, e.g. "x0*(-1)*2^-1*y1 + y0*2^1*x1" (docs/engine-snn-local-rules.md).',
          type: { kind: 'text' },
        }),
      ),
      {
        name: 'synop_energy',
        doc: 'Energy per synaptic operation (Loihi: 23.6 pJ).',
        type: q('energy', 0, 1e-6),
      },
      count,
    ],
  },
  digital_mac: {
    args: [],
    fields: [
      {
        name: 'bits',
        doc: 'Operand precision.',
        type: { kind: 'number', min: 1, max: 64, integer: true },
        default: '8',
      },
      macEnergy,
      { name: 'lanes', doc: 'MAC units working in parallel.', type: posInt(1e7), default: '1' },
      count,
    ],
  },
  photonic_mesh: {
    args: CROSSBAR_ARGS,
    fields: [
      {
        name: 'device',
        doc: 'Weight cell on the waveguides (photonic_pcm or ring).',
        type: { kind: 'ref', target: 'device' },
      },
      macEnergy,
      { name: 'noise', doc: 'Relative noise on every MAC output.', type: fraction() },
      count,
    ],
  },
  bayesian_array: {
    args: CROSSBAR_ARGS,
    fields: [
      {
        name: 'device',
        doc: 'Memristor holding each likelihood (stochastic_memristor).',
        type: { kind: 'ref', target: 'device' },
        required: true,
      },
      { name: 'stream_length', doc: 'Bits per stochastic stream.', type: posInt(1e6), default: '256' },
      {
        name: 'likelihood_exponent',
        doc:
          'Exponent applied to every stored likelihood so long products do not underflow the streams ' +
          '(order-preserving: the exact decision is unchanged); auto picks it from the counts, 1 = off.',
        type: { kind: 'number', min: 0, max: 1, minExclusive: true, words: ['auto'] },
        default: 'auto',
      },
      count,
    ],
  },
};

/** Tile kinds: the checker elaborates `crossbar`; the others are recognised and reported. */
export const TILE_KINDS = [
  'crossbar',
  'rf_chain',
  'spiking_core',
  'digital_mac',
  'photonic_mesh',
  'bayesian_array',
] as const;
/** Tile kinds the simulator runs; the others elaborate and map, and runs on them are refused. */
export const SUPPORTED_TILE_KINDS = ['crossbar'] as const;

// ---------------------------------------------------------------- networks

const NEURON_HINT =
  'declare it, e.g. neuron n : lif { }, and write act = n (or a spiking layer with neuron = n)';
export const ACTIVATION_TYPE: ValueType = {
  kind: 'enum',
  values: ['relu', 'sigmoid', 'tanh', 'identity'],
  notYet: {
    sign: `sign is a neuron kind: ${NEURON_HINT}`,
    lif: `lif is a neuron kind: ${NEURON_HINT}`,
    cuba_lif: `cuba_lif is a neuron kind: ${NEURON_HINT}`,
    adex: `adex is a neuron kind: ${NEURON_HINT}`,
    oscillator: `oscillator is a neuron kind: ${NEURON_HINT}`,
    loihi_cuba: `loihi_cuba is a neuron kind: ${NEURON_HINT}`,
    softmax:
      'softmax is not a layer activation here: leave the last layer `identity` (logits); the loss applies softmax',
  },
};

const ACT_FIELD: FieldSpec = {
  name: 'act',
  doc: 'Activation: relu, sigmoid, tanh, identity, or the name of a neuron declaration. Default: relu, but identity (logits) on the last layer.',
  type: ACTIVATION_TYPE,
};
const BIAS_FIELD: FieldSpec = {
  name: 'bias',
  doc: 'Whether the layer has a bias (one extra crossbar row).',
  type: { kind: 'boolean' },
  default: 'true',
};
const small = (name: string, doc: string, min: number, dflt: string): FieldSpec => ({
  name,
  doc,
  type: { kind: 'number', min, max: 1024, integer: true },
  default: dflt,
});

export const DENSE_FIELDS: readonly FieldSpec[] = [ACT_FIELD, BIAS_FIELD];

export const CONV2D_FIELDS: readonly FieldSpec[] = [
  { ...small('kernel', 'Kernel size k (k x k).', 1, ''), required: true },
  small('stride', 'Stride.', 1, '1'),
  small('padding', 'Zero padding on each side.', 0, '0'),
  ACT_FIELD,
  BIAS_FIELD,
];

export const POOL_FIELDS: readonly FieldSpec[] = [
  { ...small('size', 'Window size (size x size).', 1, ''), required: true },
  small('stride', 'Stride; default = size.', 1, 'size'),
  {
    name: 'op',
    doc: 'Pooling operation.',
    type: { kind: 'enum', values: ['max', 'avg', 'sum'] },
    default: 'max',
  },
];

export const RECURRENT_FIELDS: readonly FieldSpec[] = [ACT_FIELD, BIAS_FIELD];

export const SPIKING_FIELDS: readonly FieldSpec[] = [
  {
    name: 'neuron',
    doc: 'The spiking neuron model (a neuron declaration).',
    type: { kind: 'ref', target: 'neuron' },
    required: true,
  },
  {
    name: 'recurrent',
    doc: 'Recurrent connections within the layer.',
    type: { kind: 'boolean' },
    default: 'false',
  },
  { ...BIAS_FIELD, default: 'false' },
];

export const LAYER_KINDS = ['input', 'dense', 'conv2d', 'pool', 'flatten', 'spiking', 'recurrent'] as const;
/** Layer kinds the simulator trains today (the others check, map and elaborate). */
export const SUPPORTED_LAYER_KINDS = ['input', 'dense'] as const;

/** Field table per layer kind (input and flatten have none). */
export const LAYER_FIELDS: Readonly<Record<string, readonly FieldSpec[]>> = {
  input: [],
  dense: DENSE_FIELDS,
  conv2d: CONV2D_FIELDS,
  pool: POOL_FIELDS,
  flatten: [],
  recurrent: RECURRENT_FIELDS,
  spiking: SPIKING_FIELDS,
};

// ---------------------------------------------------------------- experiments

export const RUNNABLE_RULES: readonly LearningRule[] = TRAIN_RULES;
/** Rules of the language the engine cannot run yet: they check (with a warning); `run` refuses them. */
export const PLANNED_RULES: readonly LearningRule[] = LEARNING_RULES.filter(
  (r) => !(TRAIN_RULES as readonly string[]).includes(r),
);

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
    type: { kind: 'enum', values: [...RUNNABLE_RULES, ...PLANNED_RULES] },
    default: 'backprop',
  },
  {
    name: 'trainable',
    doc: 'What training changes: weights (conductances), or a device field such as f_res.',
    type: { kind: 'enum', values: ['weights', 'f_res', 'g'] },
    default: 'weights',
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
  {
    name: 'time_steps',
    doc: 'Simulation steps per sample (spiking rules).',
    type: { kind: 'number', min: 1, max: 100000, integer: true },
  },
  {
    name: 'dt',
    doc:
      'Simulation time step of spiking rules (1 ms: the step of Bellec et al. 2020 and of the snnTorch ' +
      "tutorials); time constants become per-step decays exp(-dt/tau). Loihi's integer neurons are per step.",
    type: { kind: 'quantity', dimension: 'time', min: 0, max: 1, minExclusive: true },
    default: '1ms',
  },
  {
    name: 'surrogate',
    doc: 'Surrogate derivative of the spike (surrogate_bptt, eprop).',
    type: { kind: 'enum', values: ['fast_sigmoid', 'atan', 'triangle'] },
  },
  {
    name: 'beta',
    doc: 'Nudging strength of equilibrium_prop.',
    type: { kind: 'number', min: 0, max: 10, minExclusive: true },
  },
  {
    name: 'free_steps',
    doc: 'equilibrium_prop: settling iterations of the free phase (Scellier & Bengio: 20 for 784-500-10).',
    type: { kind: 'number', min: 1, max: 10000, integer: true },
    default: '20',
  },
  {
    name: 'nudge_steps',
    doc: 'equilibrium_prop: settling iterations of each nudged phase, from the free fixed point.',
    type: { kind: 'number', min: 1, max: 10000, integer: true },
    default: '6',
  },
  {
    name: 'nudging',
    doc:
      'equilibrium_prop: random_sign (beta with a random sign per batch, Scellier & Bengio), symmetric ' +
      '(+beta and -beta, Laborieux et al. 2021) or positive.',
    type: { kind: 'enum', values: ['random_sign', 'symmetric', 'positive'] },
    default: 'random_sign',
  },
  {
    name: 'mcmc_steps',
    doc: "mcmc: Metropolis-Hastings steps per training batch (the batch is the likelihood's data).",
    type: { kind: 'number', min: 1, max: 1e6, integer: true },
    default: '1',
  },
  {
    name: 'proposal_size',
    doc: 'mcmc: weights (device pairs) re-SET in one proposal.',
    type: { kind: 'number', min: 1, max: 1e6, integer: true },
    default: '1',
  },
  {
    name: 'burn_in',
    doc: 'mcmc: fraction of the chain discarded before samples enter the ensemble.',
    type: { kind: 'number', min: 0, max: 1, maxExclusive: true, percent: true },
    default: '50%',
  },
  {
    name: 'ensemble',
    doc: 'mcmc: most chain samples kept; inference averages their predictions (Dalgaty et al. 2021).',
    type: { kind: 'number', min: 1, max: 100000, integer: true },
    default: '100',
  },
  {
    name: 'clip_sigma',
    doc:
      'hw_aware: after each step clip the weights to this many standard deviations of their layer ' +
      '(aihwkit WeightClipType.LAYER_GAUSSIAN, sigma 2.5 in its hardware-aware examples); 0 = no clip.',
    type: { kind: 'number', min: 0, max: 100 },
    default: '2.5',
  },
  {
    name: 'pulse_length',
    doc: 'in_situ: pulses per stochastic pulse train, BL (aihwkit desired_bl).',
    type: { kind: 'number', min: 1, max: 32, integer: true },
    default: '31',
  },
  {
    name: 'tau_e',
    doc: 'Eligibility-trace time constant (three_factor, eprop).',
    type: { kind: 'quantity', dimension: 'time', min: 0, max: 100, minExclusive: true },
  },
];

export const INFER_FIELDS: readonly FieldSpec[] = [
  {
    name: 'time',
    doc: 'Time since programming, for drift (G(t) = G0 (t/t0)^-nu).',
    type: { kind: 'quantity', dimension: 'time', min: 0, max: 1e10 },
    default: '0s',
  },
  {
    name: 'drift_compensation',
    doc: 'global: one output scale per layer, measured by reading the layer at t and at t0, undoes the mean drift (aihwkit GlobalDriftCompensation).',
    type: { kind: 'enum', values: ['none', 'global'] },
    default: 'none',
  },
  {
    name: 'temperature',
    doc: 'Operating temperature.',
    type: { kind: 'quantity', dimension: 'temperature', min: 0, max: 1000, minExclusive: true },
    default: '300K',
  },
];

/** Metric names an experiment may record. */
export const METRICS = [
  'accuracy',
  'loss',
  'energy',
  'latency',
  'area',
  'energy_breakdown',
  'spikes',
] as const;

const dataPath = (name: string, doc: string): FieldSpec => ({
  name,
  doc,
  type: { kind: 'text' },
  required: true,
});
const xyFiles = (what: string): readonly FieldSpec[] => [
  dataPath('train_x', `Training samples (${what}).`),
  dataPath('train_y', `Training labels (${what}, integers 0..classes-1).`),
  dataPath('test_x', `Test samples (${what}).`),
  dataPath('test_y', `Test labels (${what}).`),
];

/** `dataset = mnist` (a bare built-in name) or `dataset = csv(train = "a.csv", test = "b.csv")`. */
export const DATASET_OPTIONS: Readonly<Record<string, readonly FieldSpec[]>> = {
  mnist: [],
  fashion_mnist: [],
  synthetic_nonlinear: [],
  synthetic_moons: [],
  synthetic_gestures: [],
  synthetic_spikes: [],
  csv: [
    dataPath('train', 'Training CSV: one sample per row, numeric features and an integer label column.'),
    dataPath('test', 'Test CSV, same columns.'),
    {
      name: 'label',
      doc: 'Which column holds the label.',
      type: { kind: 'enum', values: ['last', 'first'] },
      default: 'last',
    },
  ],
  idx: xyFiles('IDX file, as MNIST ships'),
  npy: xyFiles('NumPy .npy array'),
};

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
    doc:
      'Data set: a built-in one (mnist, fashion_mnist, synthetic_nonlinear, synthetic_moons, ' +
      'synthetic_gestures, synthetic_spikes) or your files: `csv(train = "a.csv", test = "b.csv")`, ' +
      '`idx(train_x = .., train_y = .., test_x = .., test_y = ..)`, `npy(...)` (paths relative to this file).',
    type: { kind: 'call', options: DATASET_OPTIONS },
    required: true,
  },
  {
    name: 'train',
    doc: 'Training: `train { rule  optimizer  schedule  epochs  batch }`.',
    type: { kind: 'block', fields: TRAIN_FIELDS },
  },
  {
    name: 'infer',
    doc: 'Inference after programming: `infer { time = 3600s  temperature = 300K }`.',
    type: { kind: 'block', fields: INFER_FIELDS },
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

/** Dataset geometry, for the input/output size check. Synthetic tasks are generated by the engine. */
export const DATASET_SHAPES: Readonly<Record<string, { inputs: number; classes: number; shape: string }>> = {
  mnist: { inputs: 784, classes: 10, shape: '28x28' },
  fashion_mnist: { inputs: 784, classes: 10, shape: '28x28' },
  /** Two inputs, two classes: the non-linear task of the RF spintronic experiment (seed 003). */
  synthetic_nonlinear: { inputs: 2, classes: 2, shape: '2' },
  /** Two interleaving half-moons with Gaussian noise (sklearn make_moons form). */
  synthetic_moons: { inputs: 2, classes: 2, shape: '2' },
  /** Gesture features for the Bayesian machine (seed 002): 16 binary features, 8 classes. */
  synthetic_gestures: { inputs: 16, classes: 8, shape: '16' },
  /** Poisson spike patterns: 100 input channels, 10 classes. */
  synthetic_spikes: { inputs: 100, classes: 10, shape: '100' },
};

/** Kept for the language service: experiment declarations the engine cannot run (none now). */
export const PLANNED_EXPERIMENT_DECLS: Readonly<Record<string, string>> = {};

export const PLATFORM_FIELDS: readonly FieldSpec[] = [
  {
    name: 'energy_per_classification',
    doc: 'Energy per classification.',
    type: { kind: 'quantity', dimension: 'energy', min: 0, max: 1e3 },
    required: true,
  },
  {
    name: 'throughput',
    doc: 'Classifications per second.',
    type: { kind: 'number', min: 0, max: 1e12 },
  },
  { name: 'accuracy', doc: 'Reported test accuracy.', type: fraction() },
  { name: 'node', doc: 'Technology node.', type: q('length', 1e-10, 1e-5), bare: true },
];
