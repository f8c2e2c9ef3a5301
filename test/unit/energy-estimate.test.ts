// The energy estimator against hand-computed values (docs/energy.md): the ADC fit, a tiled layer's
// conversions, hops on a 2D mesh, an SNN from recorded spike counts, and the seed-003 RF designs.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkDocument } from '../../engine/dsl';
import {
  adcEnergy,
  EnergyError,
  estimateEnergy,
  formatReport,
  meshHops,
  meshWidth,
} from '../../engine/energy';
import type { EnergyReport } from '../../engine/protocol/schema';
import { EnergyReportSchema } from '../../engine/protocol/schema';

const examples = path.join(__dirname, '../../examples');
const read = (f: string) => fs.readFileSync(path.join(examples, f), 'utf8');

function modelOf(text: string) {
  const r = checkDocument('x.nfab', text, {
    readFile: (p) => {
      try {
        return fs.readFileSync(path.join(examples, p), 'utf8');
      } catch {
        return null;
      }
    },
  });
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return r.model;
}

const countOf = (r: EnergyReport, layer: string, component: string) =>
  r.terms.filter((t) => t.layer === layer && t.component === component).reduce((a, t) => a + t.count, 0);

describe('ADC energy (Murmann survey fit via the Accelergy plug-in values)', () => {
  it('passes through the three reference points and takes an override', () => {
    expect(adcEnergy(8, 22e-9).value).toBeCloseTo(0.85e-12, 16);
    expect(adcEnergy(8, 32e-9).value).toBeCloseTo(1.7e-12, 16);
    expect(adcEnergy(4, 22e-9).value).toBeCloseTo(0.46e-12, 16);
    // Between the points: 6 bit at 22 nm = 0.85 pJ x (0.46/0.85)^(1/2) = 0.6253 pJ.
    expect(adcEnergy(6, 22e-9).value).toBeCloseTo(0.85e-12 * Math.sqrt(0.46 / 0.85), 16);
    expect(adcEnergy(8, 22e-9).source).toMatch(/Murmann/);
    expect(adcEnergy(8, 22e-9, 2e-12)).toEqual({ value: 2e-12, source: 'dsl (adc_energy)' });
  });
});

describe('2D mesh hops', () => {
  it('is the Manhattan distance on a row-major square grid', () => {
    expect(meshWidth(4)).toBe(2);
    expect(meshWidth(10)).toBe(4);
    expect(meshHops(0, 15, 4)).toBe(6); // (0,0) -> (3,3)
    expect(meshHops(1, 4, 4)).toBe(2); // (1,0) -> (0,1)
    expect(meshHops(5, 5, 4)).toBe(0);
  });
});

describe('a tiled crossbar layer', () => {
  const text = `
device d : rram { energy { read = 20fJ  write = 1pJ } }
chip c {
  node 22nm
  tile xbar : crossbar(rows = 256, cols = 256) { device = d  adc_bits = 8  dac_bits = 8  dac_energy = 0.1pJ  count = 8 }
}
network n {
  input x : 28x28
  dense h : 256 { act = relu } on xbar
}
`;
  it('converts 785 rows once per column block and 256 columns once per row block', () => {
    const r = estimateEnergy(modelOf(text));
    // 785 rows (784 + bias) on 256-row crossbars: 4 row blocks x 1 col block.
    const adc = r.terms.find((t) => t.component === 'adc')!;
    expect(adc.count).toBe(256 * 4);
    expect(adc.unitEnergy).toBeCloseTo(0.85e-12, 16);
    const dac = r.terms.find((t) => t.component === 'dac')!;
    expect(dac.count).toBe(785);
    expect(dac.energy).toBeCloseTo(785 * 0.1e-12, 18);
    expect(dac.source).toBe('dsl (dac_energy)');
    const syn = r.terms.find((t) => t.component === 'synapse')!;
    expect(syn.count).toBe(785 * 256 * 2); // differential pair: two reads per weight
    expect(syn.unitEnergy).toBe(20e-15);
    expect(r.energyPerClassification).toBeCloseTo(
      785 * 256 * 2 * 20e-15 + 1024 * 0.85e-12 + 785 * 0.1e-12,
      18,
    );
    // The relu has no energy model: said, not invented.
    expect(r.assumptions.join('\n')).toMatch(/layer h: activation \(relu\).*not counted/);
    expect(() => EnergyReportSchema.parse(r)).not.toThrow();
  });

  it("moves each layer's output bits to the next layer's first tile over mesh hops", () => {
    const routed = text
      .replace('node 22nm', 'node 22nm\n  router { energy_per_bit = 50fJ }')
      .replace(
        'dense h : 256 { act = relu } on xbar',
        'dense h : 256 { act = relu } on xbar\n  dense y : 10 on xbar',
      );
    const r = estimateEnergy(modelOf(routed));
    // h takes crossbars 0..3, y starts at 4; 5 crossbars on a 3 x 3 mesh: (0,0) -> (1,1) = 2 hops.
    const move = r.terms.filter((t) => t.component === 'movement' && t.what.startsWith('output bits'));
    expect(move).toHaveLength(1);
    expect(move[0]!.count).toBe(256 * 8 * 2); // 256 outputs x 8-bit ADC x 2 hops
    expect(move[0]!.energy).toBeCloseTo(256 * 8 * 2 * 50e-15, 20);
  });

  it('refuses an unknown network', () => {
    expect(() => estimateEnergy(modelOf(text), { network: 'nope' })).toThrow(EnergyError);
  });
});

describe('a spiking network from recorded spike counts', () => {
  const model = () => modelOf(read('snn-mnist-bptt.nfab'));
  it('counts synops, updates, spikes and mesh hops from the run metrics', () => {
    const recorded = {
      spikes_per_sample: 510,
      synops_per_sample: 500 * 10,
      link_spikes_per_sample: 500,
      'spikes_per_sample.h': 500,
      'spikes_per_sample.h.core0': 500,
      'spikes_per_sample.y': 10,
      'spikes_per_sample.y.core0': 10,
    };
    const r = estimateEnergy(model(), { recorded });
    expect(r.counts).toBe('recorded');
    // y receives h's 500 spikes, each to 10 targets; h's own input synops are not recorded (assumption).
    expect(countOf(r, 'y', 'synapse')).toBe(5000);
    expect(countOf(r, 'h', 'synapse')).toBe(0);
    expect(r.assumptions.join('\n')).toMatch(/input spikes are not recorded/);
    // h on core 0 and y on core 1 of a 2 x 2 mesh: one hop per spike, 1 bit per spike.
    expect(countOf(r, 'h', 'movement')).toBe(500);
    const expected =
      500 * 1.7e-12 + // h spikes
      25 * 256 * 52e-12 + // h updates
      5000 * 23.6e-12 + // y synops
      25 * 10 * 52e-12 + // y updates
      500 * 1 * 3.5e-12; // spike hops
    expect(r.energyPerClassification).toBeCloseTo(expected, 18);
    expect(r.latency).toBeCloseTo(25e-3, 12); // 25 steps x 1 ms
  });

  it('uses worst-case counts without a run', () => {
    const r = estimateEnergy(model());
    expect(r.counts).toBe('static');
    expect(countOf(r, 'h', 'synapse')).toBe(25 * 784 * 256);
  });
});

describe('seed 003 RF spintronic designs', () => {
  it('MLP 784-128-10: 101,632 synapses x 10 fJ + (784 input + 138) oscillators x 100 fJ = 1.11 nJ', () => {
    const r = estimateEnergy(modelOf(read('rf-spintronic-mlp.nfab')));
    expect(countOf(r, 'h', 'synapse') + countOf(r, 'y', 'synapse')).toBe(784 * 128 + 128 * 10);
    expect(countOf(r, 'h', 'neuron') + countOf(r, 'y', 'neuron')).toBe(138);
    // The chain reads RF power, so the 784 inputs are oscillators too (seed 003's MLP: 784 + 300).
    expect(countOf(r, 'x', 'neuron')).toBe(784);
    expect(r.energyPerClassification).toBeCloseTo(101_632 * 10e-15 + (784 + 138) * 100e-15, 20);
    expect(Math.abs(r.energyPerClassification / 1.1e-9 - 1)).toBeLessThan(0.02);
    const table = formatReport(r);
    expect(table).toContain('784 x 128 = 100,352');
    expect(table).toContain('128 x 10 = 1,280');
  });

  it('CNN (conv 50, dense 1,910): the seed counts (8,576 neurons, 6.7M synapses) + 784 input oscillators, 68 nJ within 2%', () => {
    const r = estimateEnergy(modelOf(read('rf-spintronic-cnn.nfab')));
    const synapses = r.terms.filter((t) => t.component === 'synapse').reduce((a, t) => a + t.count, 0);
    const neurons = r.terms
      .filter((t) => t.layer !== 'x' && t.component === 'neuron')
      .reduce((a, t) => a + t.count, 0);
    expect(neurons).toBe(8_576);
    expect(countOf(r, 'x', 'neuron')).toBe(784);
    expect(synapses).toBe(6_697_500);
    expect(r.energyPerClassification).toBeCloseTo(6_697_500 * 10e-15 + (8_576 + 784) * 100e-15, 20);
    expect(Math.abs(r.energyPerClassification / 68e-9 - 1)).toBeLessThan(0.02);
  });
});
