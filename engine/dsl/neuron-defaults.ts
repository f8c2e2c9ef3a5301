// Neuron kinds: their fields (schema rows) and per-kind defaults with where each comes from.
// Table-driven like the device tables: a kind is a row here, the checker (check-neuron.ts) is
// generic over it.
import type { NeuronKind, NeuronModel } from '../ir/model';
import type { Dimension } from '../ir/units';
import type { FieldSpec, ValueType } from './schema';

const q = (dimension: Dimension, min: number, max: number): ValueType => ({
  kind: 'quantity',
  dimension,
  min,
  max,
});
const int = (min: number, max: number): ValueType => ({ kind: 'number', min, max, integer: true });

const SEED_003 = 'seed 003: 100 fJ per neuron (20 nm spintronic neurons)';
const LOIHI = 'Davies et al., "Loihi", IEEE Micro 38(1), 2018 (pre-silicon figures)';
const LAVA = 'Lava CUBA LIF in fixed point (lava-nc, process/neuron/lif)';
const NOMINAL = 'nominal; an assumption, not a fit';

interface Row {
  spec: FieldSpec;
  /** Default in SI (or the integer; the word of an enum field), with its source. */
  value: number | string;
  source: string;
}

const row = (name: string, doc: string, type: ValueType, value: number | string, source: string): Row => ({
  spec: { name, doc, type },
  value,
  source,
});

const energy = (value: number, source: string): Row =>
  row('energy', 'Energy per neuron update.', q('energy', 0, 1e-6), value, source);
const spikeEnergy = (value: number, source: string): Row =>
  row('spike_energy', 'Energy per output spike.', q('energy', 0, 1e-6), value, source);

const tauMem = row('tau_mem', 'Membrane time constant.', q('time', 0, 10), 20e-3, `${NOMINAL} (20 ms)`);
const tauSyn = row('tau_syn', 'Synaptic current time constant.', q('time', 0, 10), 5e-3, `${NOMINAL} (5 ms)`);
const vTh = row(
  'v_th',
  'Firing threshold.',
  q('voltage', -10, 10),
  1,
  'normalised threshold 1 (NIR LIF v_threshold)',
);
const vReset = row(
  'v_reset',
  'Membrane potential after a spike.',
  q('voltage', -10, 10),
  0,
  'reset to 0 (NIR)',
);
const refractory = row(
  'refractory',
  'Refractory period after a spike.',
  q('time', 0, 1),
  0,
  'none by default',
);
const reset = row(
  'reset',
  'After a spike: subtract the threshold at the next step (v[t+1] = beta v[t] + I[t] - theta s[t]) or set v to v_reset in the same step.',
  { kind: 'enum', values: ['subtract', 'value'] },
  'subtract',
  'snnTorch Leaky/Synaptic reset_mechanism="subtract" (the discrete LIF of seed 004); NIR, Norse and Lava reset to v_reset ("value")',
);
const graded = [energy(100e-15, SEED_003)];

export const NEURON_TABLE: Readonly<Record<NeuronKind, { summary: string; rows: readonly Row[] }>> = {
  relu: { summary: 'rectified linear unit', rows: graded },
  sigmoid: { summary: 'logistic sigmoid', rows: graded },
  tanh: { summary: 'hyperbolic tangent', rows: graded },
  sign: { summary: 'binary (sign) neuron, for XNOR/binary networks', rows: graded },
  lif: {
    summary: 'leaky integrate-and-fire: v[t+1] = beta v[t] + I[t] - theta s[t]',
    rows: [
      tauMem,
      vTh,
      vReset,
      reset,
      refractory,
      energy(81e-12, `${LOIHI}: 81 pJ per active neuron update`),
      spikeEnergy(1.7e-12, `${LOIHI}: 1.7 pJ per spike within a tile`),
    ],
  },
  cuba_lif: {
    summary: 'current-based LIF (NIR CubaLIF)',
    rows: [
      tauMem,
      tauSyn,
      vTh,
      vReset,
      reset,
      refractory,
      energy(81e-12, `${LOIHI}: 81 pJ per active neuron update`),
      spikeEnergy(1.7e-12, `${LOIHI}: 1.7 pJ per spike within a tile`),
    ],
  },
  adex: {
    summary: 'adaptive exponential integrate-and-fire',
    rows: [
      tauMem,
      vTh,
      vReset,
      refractory,
      row(
        'delta_t',
        'Slope factor of the exponential.',
        q('voltage', 0, 1),
        2e-3,
        'Brette & Gerstner 2005: 2 mV',
      ),
      row('tau_w', 'Adaptation time constant.', q('time', 0, 10), 144e-3, 'Brette & Gerstner 2005: 144 ms'),
      row('a', 'Subthreshold adaptation.', q('conductance', 0, 1), 4e-9, 'Brette & Gerstner 2005: 4 nS'),
      row(
        'b',
        'Spike-triggered adaptation.',
        q('current', 0, 1),
        80.5e-12,
        'Brette & Gerstner 2005: 80.5 pA',
      ),
      energy(81e-12, `${LOIHI}: 81 pJ per active neuron update`),
      spikeEnergy(1.7e-12, `${LOIHI}: 1.7 pJ per spike within a tile`),
    ],
  },
  oscillator: {
    summary: 'spin-torque nano-oscillator (seed 003): threshold current, non-linear amplitude',
    rows: [
      row(
        'threshold',
        'Threshold current of auto-oscillation.',
        q('current', 0, 1),
        1e-3,
        `${NOMINAL} (1 mA, order of STNO thresholds)`,
      ),
      row(
        'nonlinearity',
        'Exponent of the amplitude above threshold, P ~ (I/I_th - 1)^n.',
        { kind: 'number', min: 0, max: 10 },
        1,
        'linear power above threshold (Slavin & Tiberkevich 2009, weakly supercritical)',
      ),
      energy(100e-15, SEED_003),
    ],
  },
  loihi_cuba: {
    summary: 'Loihi CUBA neuron in fixed point: u <- u(4096-du)/4096 + a_in; v <- v(4096-dv)/4096 + u + bias',
    rows: [
      row('du', 'Current decay, 12-bit (u <- u (4096 - du)/4096).', int(0, 4095), 4095, `${LAVA}: du 12-bit`),
      row('dv', 'Voltage decay, 12-bit (v <- v (4096 - dv)/4096).', int(0, 4095), 0, `${LAVA}: dv 12-bit`),
      row(
        'vth',
        'Integer threshold, 17-bit; a spike fires when v > vth.',
        int(0, 131071),
        10,
        `${LAVA}: vth 17-bit`,
      ),
      row(
        'bias_mant',
        'Bias mantissa (bias = bias_mant * 2^bias_exp).',
        int(-4096, 4095),
        0,
        `${LAVA}: 13-bit signed mantissa`,
      ),
      row('bias_exp', 'Bias exponent.', int(0, 7), 0, `${LAVA}: 3-bit exponent`),
      row('refractory', 'Refractory period in time steps.', int(0, 255), 0, `${LAVA}: none by default`),
      energy(52e-12, `${LOIHI}: 52 pJ per inactive neuron update (81 pJ when active)`),
      spikeEnergy(1.7e-12, `${LOIHI}: 1.7 pJ per spike within a tile`),
    ],
  },
};

/** Field specs per neuron kind, for the checker, the docs and the language service. */
export const NEURON_FIELDS: Readonly<Record<NeuronKind, readonly FieldSpec[]>> = Object.fromEntries(
  Object.entries(NEURON_TABLE).map(([k, t]) => [k, t.rows.map((r) => r.spec)]),
) as unknown as Record<NeuronKind, readonly FieldSpec[]>;

/** A numeric parameter of `neuron` by DSL name, else its kind's default (models built by hand). */
export function neuronParam(neuron: NeuronModel, name: string): number {
  const own = neuron.params[name];
  if (own !== undefined) return own;
  const row = NEURON_TABLE[neuron.kind].rows.find((r) => r.spec.name === name);
  if (!row || typeof row.value !== 'number')
    throw new Error(`neuron '${neuron.name}' (${neuron.kind}) has no parameter '${name}'`);
  return row.value;
}

/** A choice of `neuron` by DSL name (reset = subtract | value), else its kind's default. */
export function neuronOption(neuron: NeuronModel, name: string): string {
  const own = neuron.options?.[name];
  if (own !== undefined) return own;
  const row = NEURON_TABLE[neuron.kind].rows.find((r) => r.spec.name === name);
  if (!row || typeof row.value !== 'string')
    throw new Error(`neuron '${neuron.name}' (${neuron.kind}) has no option '${name}'`);
  return row.value;
}
