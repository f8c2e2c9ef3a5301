import { describe, expect, it } from 'vitest';
import type { EnergyTerm } from '../../engine/protocol/schema';
import {
  accuracyRange,
  breakdown,
  CHIP_LEVEL,
  describeTerm,
  formatSi,
  frontOf,
  logRange,
  paretoFront,
  plottableRuns,
} from '../../renderer/src/energy/pareto-data';

const term = (t: Partial<EnergyTerm> & Pick<EnergyTerm, 'component' | 'energy'>): EnergyTerm => ({
  layer: 'h',
  tile: null,
  what: 'x',
  count: 1,
  unitEnergy: t.energy,
  source: 'dsl',
  ...t,
});

describe('formatSi', () => {
  it('puts joules on SI prefixes', () => {
    expect(formatSi(852e-6)).toBe('852 µJ');
    expect(formatSi(3.3e-3)).toBe('3.3 mJ');
    expect(formatSi(1.1e-9)).toBe('1.1 nJ');
    expect(formatSi(68e-9)).toBe('68 nJ');
    expect(formatSi(9.5373e-21)).toBe('9.54 zJ');
    expect(formatSi(1e-15)).toBe('1 fJ');
    expect(formatSi(0)).toBe('0 J');
    expect(formatSi(2.5)).toBe('2.5 J');
  });
});

describe('axis ranges', () => {
  it('log range covers every energy, widened to whole SI prefixes', () => {
    // 9.5e-21 (floor): log -20.02 -> 1 zJ (-21); 3.3e-3: log -2.48 -> 1 J (0).
    const r = logRange([9.5e-21, 1.1e-9, 3.3e-3]);
    expect(Math.log10(r.min)).toBeCloseTo(-21, 9);
    expect(Math.log10(r.max)).toBeCloseTo(0, 9);
    // A point exactly on a prefix gets the next one as margin.
    const d = logRange([1e-6, 1e-3]);
    expect(Math.log10(d.min)).toBeCloseTo(-9, 9);
    expect(Math.log10(d.max)).toBeCloseTo(0, 9);
    expect(logRange([0, -1])).toEqual({ min: 1e-12, max: 1e-3 });
  });

  it('accuracy range starts at a round 5% under the lowest point', () => {
    expect(accuracyRange([0.88, 0.992])).toEqual({ min: 0.85, max: 1 });
    expect(accuracyRange([0.1])).toEqual({ min: 0.05, max: 1 });
    expect(accuracyRange([0.01]).min).toBe(0);
  });
});

describe('runs and the front', () => {
  it('drops runs a log axis cannot show', () => {
    const runs = [
      {
        runId: 'a',
        experiment: 'e',
        network: 'n',
        chip: 'c',
        sweepPoint: null,
        accuracy: 0.9,
        energyPerClassification: 1e-9,
      },
      {
        runId: 'b',
        experiment: 'e',
        network: null,
        chip: null,
        sweepPoint: null,
        accuracy: 0.9,
        energyPerClassification: 0,
      },
    ];
    expect(plottableRuns(runs).map((r) => r.runId)).toEqual(['a']);
  });

  it('the Pareto front keeps the points nobody beats on both axes', () => {
    const pts = [
      { id: 'tn_low', energyPerClassification: 0.27e-6, accuracy: 0.927 },
      { id: 'intel', energyPerClassification: 1e-6, accuracy: 0.88 },
      { id: 'loihi', energyPerClassification: 2.5e-6, accuracy: 0.962 },
      { id: 'bss2', energyPerClassification: 8.4e-6, accuracy: 0.969 },
      { id: 'tn_high', energyPerClassification: 108e-6, accuracy: 0.994 },
      { id: 'p100', energyPerClassification: 852e-6, accuracy: 0.992 },
    ];
    expect(paretoFront(pts).map((p) => p.id)).toEqual(['tn_low', 'loihi', 'bss2', 'tn_high']);
  });
});

describe('breakdown', () => {
  it('groups terms per layer and component and keeps the total', () => {
    const terms = [
      term({ layer: 'h', component: 'synapse', energy: 1e-9, count: 100352, unitEnergy: 1e-14 }),
      term({ layer: 'h', component: 'neuron', energy: 1.28e-11 }),
      term({ layer: 'out', component: 'synapse', energy: 1.28e-11 }),
      term({ layer: 'h', component: 'synapse', energy: 2e-12, what: 'second synapse term' }),
      term({ layer: null, component: 'static', energy: 5e-12 }),
    ];
    const b = breakdown(terms);
    expect(b.layers).toEqual(['h', 'out', CHIP_LEVEL]);
    expect(b.components).toEqual(['synapse', 'neuron', 'static']);
    expect(b.energy.synapse![0]).toBeCloseTo(1.002e-9, 20);
    expect(b.energy.synapse![1]).toBeCloseTo(1.28e-11, 20);
    expect(b.energy.static).toEqual([0, 0, 5e-12]);
    expect(b.terms.synapse![0]).toHaveLength(2);
    expect(b.total).toBeCloseTo(1e-9 + 1.28e-11 * 2 + 2e-12 + 5e-12, 20);
  });

  it('describes a term as count × unit energy = energy, with its source', () => {
    const t = term({
      what: 'resonator reads',
      tile: 'rf0',
      component: 'synapse',
      count: 100352,
      unitEnergy: 1e-14,
      energy: 1.00352e-9,
      source: 'seed 003',
    });
    expect(describeTerm(t)).toBe('resonator reads [rf0]: 1.004e+5 × 10 fJ = 1 nJ (seed 003)');
  });
});

describe('frontOf (the step line of the Pareto view)', () => {
  // The seed-003 table (examples/platforms.nfab) and one run at 1.1 nJ, 90%.
  const platform = (name: string, energyPerClassification: number, accuracy: number) => ({
    name,
    energyPerClassification,
    accuracy,
    throughput: 1,
    node: null,
    source: 's',
  });
  const platforms = [
    platform('p100', 852e-6, 0.992),
    platform('spinnaker', 3.3e-3, 0.95),
    platform('truenorth_low_energy', 0.27e-6, 0.927),
    platform('truenorth_high_accuracy', 108e-6, 0.994),
    platform('loihi', 2.5e-6, 0.962),
    platform('intel_10nm', 1.0e-6, 0.88),
    platform('brainscales2', 8.4e-6, 0.969),
  ];
  const run = {
    runId: 'abcdef0123456789',
    experiment: 'mnist_rf',
    network: 'rf_mlp',
    chip: 'spin_mlp',
    sweepPoint: null,
    accuracy: 0.9,
    energyPerClassification: 1.1e-9,
  };
  it('keeps the points nothing beats on both accuracy and energy, cheapest first', () => {
    // intel_10nm (1 uJ, 88%) is beaten by truenorth_low_energy (0.27 uJ, 92.7%); p100 and
    // spinnaker by truenorth_high_accuracy (108 uJ, 99.4%).
    expect(frontOf({ runs: [run], platforms }).map((f) => f.label)).toEqual([
      'run abcdef01 (mnist_rf)',
      'truenorth_low_energy',
      'loihi',
      'brainscales2',
      'truenorth_high_accuracy',
    ]);
    // A run better than every platform is the whole front.
    expect(frontOf({ runs: [{ ...run, accuracy: 0.999 }], platforms }).map((f) => f.label)).toEqual([
      'run abcdef01 (mnist_rf)',
    ]);
  });
});

describe('describeTerm of a static term', () => {
  it('reads seconds x watts', () => {
    const t = term({
      component: 'static',
      layer: null,
      what: 'static power',
      count: 23.83e-9,
      unitEnergy: 1e-3,
      energy: 23.83e-12,
    });
    expect(describeTerm(t)).toBe('static power: 23.8 ns × 1 mW = 23.8 pJ (dsl)');
  });
});
