// Latency, area, static power, SRAM buffers and partial sums against hand-computed values
// (docs/energy.md "Latency, throughput, area" and "Periphery"). The periphery numbers are ISAAC's
// (Shafiee et al., ISCA 2016, Table I, 32 nm): 8-bit ADC at 1.2 GS/s (0.833 ns), 1,200 um^2 each;
// 1-bit DAC 0.166 um^2 (as tabulated in Accelergy's hwcomponents-library, isaac.py); SRAM 0.16 pJ/bit is Horowitz (ISSCC 2014): 10 pJ per 64-bit read of 8 kB.
import { describe, expect, it } from 'vitest';
import { checkDocument } from '../../engine/dsl';
import {
  adcConversionsPerPass,
  type EnergyEstimate,
  estimateEnergy,
  formatReport,
} from '../../engine/energy';
import { EnergyReportSchema } from '../../engine/protocol/schema';

const design = (chipExtra = '') => `
device d : rram { energy { read = 20fJ  write = 1pJ }  latency = 10ns  area = 4 }
chip c {
  node 32nm
  ${chipExtra}
  router { energy_per_bit = 50fJ  latency_per_hop = 1ns  area = 1000 }
  tile xbar : crossbar(rows = 128, cols = 128) {
    device = d  adc_bits = 8  dac_bits = 1  adc_energy = 2pJ  dac_energy = 0.1pJ
    adc_time = 0.833ns  adc_share = 8  adc_area = 1200  dac_area = 0.166  periphery_area = 500
    count = 12
  }
}
network n {
  input x : 16x16
  dense h : 100 { act = relu } on xbar
  dense y : 10 { act = relu } on xbar
}
`;

function estimate(text: string): EnergyEstimate {
  const r = checkDocument('x.nfab', text, { readFile: () => null });
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return estimateEnergy(r.model);
}
const term = (r: EnergyEstimate, component: string, layer: string | null, what = '') =>
  r.terms.filter((t) => t.component === component && t.layer === layer && t.what.includes(what));

// h: 256 inputs + bias = 257 rows on 128-row crossbars -> 3 row blocks x 1 col block (tiles 0, 1, 2);
// y: 101 rows -> 1 block (tile 3). 4 tiles on a 2 x 2 mesh.
describe('latency of a tiled layer', () => {
  it('is the read time plus the conversions of the busiest ADC, plus the mesh hops', () => {
    const r = estimate(design());
    // h: 100 columns / 8 per ADC = 13 conversions: 10 ns + 13 x 0.833 ns = 20.829 ns.
    const h = r.latencyTerms.filter((t) => t.layer === 'h');
    expect(h[0]!.time).toBeCloseTo(10e-9 + 13 * 0.833e-9, 18);
    // Partial sums: blocks 1 (1,0) and 2 (0,1) are one hop from block 0: 1 ns. Outputs to y at
    // tile 3 = (1,1): 2 hops, 2 ns.
    expect(h.map((t) => t.time).slice(1)).toEqual([1e-9, 2e-9]);
    // y: 10 columns / 8 = 2 conversions: 10 + 1.666 ns.
    const y = r.latencyTerms.filter((t) => t.layer === 'y');
    expect(y).toHaveLength(1);
    expect(y[0]!.time).toBeCloseTo(11.666e-9, 18);
    expect(r.latency).toBeCloseTo(20.829e-9 + 3e-9 + 11.666e-9, 18);
    expect(r.throughput).toBeCloseTo(1 / r.latency!, 0);
  });

  it('counts conversions per ADC from the used columns and adc_share', () => {
    const tile = { adcBits: 8, adcShare: 8, cols: 128, signedWeights: 'differential' } as const;
    const m = { tile: 'xbar', rowBlocks: 1, colBlocks: 2, tilesUsed: 2, utilisation: 1 };
    const c = { layer: 'l', kind: 'dense', synapses: 0, neurons: 0, passes: 1, rows: 10, cols: 200 } as const;
    // Two column blocks: the first is full, 128 columns / 8 = 16 conversions.
    expect(adcConversionsPerPass(c, m, tile as never)).toBe(16);
    expect(adcConversionsPerPass({ ...c, cols: 20 }, { ...m, colBlocks: 1 }, tile as never)).toBe(3);
    expect(adcConversionsPerPass(c, m, { ...tile, adcBits: 0 } as never)).toBe(0);
  });

  it('with pipeline = true, throughput is 1 / the slowest layer (its array time and transfers)', () => {
    const r = estimate(design('pipeline = true'));
    expect(r.latency).toBeCloseTo(35.495e-9, 18);
    expect(1 / r.throughput!).toBeCloseTo(23.829e-9, 18);
  });
});

describe('area of a tile', () => {
  it('adds cells, ADCs, DACs, other periphery and routers for every tile copy', () => {
    const r = estimate(design());
    const by = (c: string) => r.areaTerms.find((t) => t.component === c)!;
    // 12 copies x 128 x 128 x 2 (differential) cells x 4 F^2 x (32 nm)^2.
    expect(by('cells').count).toBe(12 * 128 * 128 * 2);
    expect(by('cells').area).toBeCloseTo(12 * 32768 * 4 * 32e-9 ** 2, 20);
    // 128 columns / 8 = 16 ADCs per copy x 1,200 um^2.
    expect(by('adc').count).toBe(12 * 16);
    expect(by('adc').area).toBeCloseTo(192 * 1200e-12, 20);
    expect(by('dac').area).toBeCloseTo(12 * 128 * 0.166e-12, 22);
    expect(by('periphery').area).toBeCloseTo(12 * 500e-12, 20);
    expect(by('router').area).toBeCloseTo(12 * 1000e-12, 20);
    const total =
      12 * 32768 * 4 * 32e-9 ** 2 + (192 * 1200 + 12 * 128 * 0.166 + 12 * 500 + 12 * 1000) * 1e-12;
    expect(r.area).toBeCloseTo(total, 20);
    expect(formatReport(r)).toContain('Area:         0.2503 mm²');
  });

  it('says which parts have no area instead of guessing', () => {
    const r = estimate(design().replace('adc_area = 1200  dac_area = 0.166', ''));
    expect(r.areaTerms.some((t) => t.component === 'adc')).toBe(false);
    expect(r.assumptions.join('\n')).toMatch(/tile xbar gives no adc_area/);
    expect(r.assumptions.join('\n')).toMatch(/tile xbar gives no dac_area/);
  });
});

describe('static, buffer and partial-sum energy', () => {
  it('charges static power x (1 / throughput)', () => {
    const r = estimate(design('static_power = 1mW'));
    const [s] = term(r, 'static', null);
    expect(s!.count).toBeCloseTo(35.495e-9, 18); // s per classification
    expect(s!.energy).toBeCloseTo(1e-3 * 35.495e-9, 22);
    const piped = estimate(design('static_power = 1mW\n  pipeline = true'));
    expect(term(piped, 'static', null)[0]!.energy).toBeCloseTo(1e-3 * 23.829e-9, 22);
    expect(estimate(design()).assumptions.join('\n')).toMatch(/no static_power/);
  });

  it('counts buffer bits: inputs read at the DAC width, outputs written at the ADC width', () => {
    const r = estimate(design('sram_energy = 0.16pJ'));
    // h: 256 inputs x 1 bit + 100 outputs x 8 bit; y: 100 x 1 + 10 x 8.
    expect(term(r, 'buffer', 'h')[0]!.count).toBe(256 + 800);
    expect(term(r, 'buffer', 'y')[0]!.count).toBe(100 + 80);
    expect(term(r, 'buffer', 'h')[0]!.energy).toBeCloseTo(1056 * 0.16e-12, 24);
  });

  it('moves the partial sums of every row block but the first to the first, over mesh hops', () => {
    const r = estimate(design());
    // Blocks 1 and 2 each send 100 columns x 8 bit one hop.
    const [p] = term(r, 'movement', 'h', 'partial sums');
    expect(p!.count).toBe(2 * 800 * 1);
    expect(p!.energy).toBeCloseTo(1600 * 50e-15, 24);
    expect(term(r, 'movement', 'y', 'partial sums')).toEqual([]);
    const [out] = term(r, 'movement', 'h', 'output bits');
    expect(out!.count).toBe(800 * 2);
    expect(() => EnergyReportSchema.parse(r)).not.toThrow();
  });
});
