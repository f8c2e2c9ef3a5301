// Unit energy models: one function per component, each returning a value (J, or J per bit-hop)
// with the citation of where it comes from. A value the design sets wins ('dsl'); otherwise the
// default here, with its source. Nothing here counts operations: that is counts.ts.
import type { Chip, CoreTile, CrossbarTile, DeviceModel, NeuronModel } from '../ir/model';

export interface Sourced {
  value: number;
  source: string;
}

/** Reference points of the ADC fit (SCIENCE.md "Peripheral energy"). */
export const ADC_REFERENCE = {
  /** J at 8 bit, 22 nm. */
  e8b22nm: 0.85e-12,
  /** Energy ratio per extra bit: 0.46 pJ at 4 bit vs 0.85 pJ at 8 bit, 22 nm -> (0.85/0.46)^(1/4). */
  perBit: (0.85 / 0.46) ** (1 / 4),
  /** Node exponent: 1.7 pJ at 32 nm vs 0.85 pJ at 22 nm, 8 bit -> ln 2 / ln(32/22). */
  nodeExponent: Math.log(1.7 / 0.85) / Math.log(32 / 22),
} as const;

const ADC_FIT_SOURCE =
  'log-linear fit through the Accelergy ADC plug-in values (Accelergy-Project/accelergy-adc-plug-in, ' +
  'fitted to B. Murmann, "ADC Performance Survey 1997-2021"): 0.85 pJ at 8 bit / 22 nm, 1.7 pJ at ' +
  '8 bit / 32 nm, 0.46 pJ at 4 bit / 22 nm (SCIENCE.md)';

/**
 * ADC energy per conversion: E = 0.85 pJ x r^(bits - 8) x (node / 22 nm)^k, r = (0.85/0.46)^(1/4)
 * = 1.166 per bit and k = ln 2 / ln(32/22) = 1.85, so the fit passes exactly through the three
 * reference points. Without a node, 22 nm is assumed (said in the source).
 */
export function adcEnergy(bits: number, node: number | null, override?: number): Sourced {
  if (override !== undefined) return { value: override, source: 'dsl (adc_energy)' };
  const n = node ?? 22e-9;
  const value =
    ADC_REFERENCE.e8b22nm * ADC_REFERENCE.perBit ** (bits - 8) * (n / 22e-9) ** ADC_REFERENCE.nodeExponent;
  return {
    value,
    source: `${ADC_FIT_SOURCE}; ${bits} bit at ${node === null ? '22 nm (chip has no node: assumed)' : `${Math.round(n * 1e9)} nm`}`,
  };
}

/** DAC energy per conversion: only when the tile sets dac_energy (no survey fit is cited here). */
export function dacEnergy(tile: CrossbarTile): Sourced | null {
  return tile.dacEnergy !== undefined ? { value: tile.dacEnergy, source: 'dsl (dac_energy)' } : null;
}

const provenanceOf = (device: DeviceModel, field: string): string => {
  const p =
    device.provenance[field] ?? device.provenance[field === 'readEnergy' ? 'energy.read' : 'energy.write'];
  return p === undefined ? `device ${device.name}` : p === 'dsl' ? `dsl (device ${device.name})` : p;
};

/** One device read (one synaptic op of an analog array): DeviceModel.readEnergy and its provenance. */
export function synapseReadEnergy(device: DeviceModel): Sourced {
  return { value: device.readEnergy, source: provenanceOf(device, 'readEnergy') };
}

/** One programming pulse: DeviceModel.writeEnergy. */
export function writeEnergy(device: DeviceModel): Sourced {
  return { value: device.writeEnergy, source: provenanceOf(device, 'writeEnergy') };
}

/** A spiking core's synaptic op: the tile's synop_energy when set, else Loihi's 23.6 pJ. */
export function synopEnergy(core: CoreTile): Sourced {
  const v = core.params.synop_energy;
  if (typeof v === 'number') return { value: v, source: `dsl (tile ${core.name}.synop_energy)` };
  return {
    value: 23.6e-12,
    source: 'Davies et al., "Loihi", IEEE Micro 38(1), 2018: 23.6 pJ per synaptic op (pre-silicon)',
  };
}

const neuronSource = (n: NeuronModel, field: string) => {
  const p = n.provenance[field];
  return p === undefined ? `neuron ${n.name}` : p === 'dsl' ? `dsl (neuron ${n.name}.${field})` : p;
};

/** One neuron update: NeuronModel.energyPerUpdate (DSL `energy`). */
export function neuronUpdateEnergy(n: NeuronModel): Sourced {
  return { value: n.energyPerUpdate, source: neuronSource(n, 'energy') };
}

/** One output spike: NeuronModel.energyPerSpike (DSL `spike_energy`). */
export function neuronSpikeEnergy(n: NeuronModel): Sourced {
  return { value: n.energyPerSpike, source: neuronSource(n, 'spike_energy') };
}

/** One bit moved one hop: the chip's router, or null when the chip declares none. */
export function bitHopEnergy(chip: Chip): Sourced | null {
  return chip.router
    ? { value: chip.router.energyPerBit, source: `dsl (chip ${chip.name}.router.energy_per_bit)` }
    : null;
}

/** Side of the square 2D mesh that holds `cores` cores, placed in row-major order. */
export function meshWidth(cores: number): number {
  return Math.max(1, Math.ceil(Math.sqrt(Math.max(1, cores))));
}

/** Hops between cores a and b on a 2D mesh of the given width (XY routing: Manhattan distance). */
export function meshHops(a: number, b: number, width: number): number {
  return Math.abs((a % width) - (b % width)) + Math.abs(Math.floor(a / width) - Math.floor(b / width));
}
