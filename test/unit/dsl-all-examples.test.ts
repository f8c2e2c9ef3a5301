// Every example in examples/ (and examples/lib/) checks without errors, is formatted, and its key
// figures match hand-computed values (the arithmetic is in each example's header comment).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDocument } from '../../engine/dsl/format';
import { type CheckResult, checkDocument, formatDiagnostic } from '../../engine/dsl/index';
import type { Layer } from '../../engine/ir/model';

const root = path.resolve(__dirname, '../../examples');

/** Paths relative to examples/, '/'-separated, as the import resolver passes them. */
function listExamples(dir = root, prefix = ''): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.name.startsWith('.')) continue;
    if (e.isDirectory()) out.push(...listExamples(path.join(dir, e.name), `${prefix}${e.name}/`));
    else if (e.name.endsWith('.nfab')) out.push(`${prefix}${e.name}`);
  }
  return out.sort();
}

const readFile = (p: string): string | null => {
  const full = path.join(root, ...p.split('/'));
  return fs.existsSync(full) ? fs.readFileSync(full, 'utf8') : null;
};
const text = (f: string) => readFile(f)!;
const check = (f: string): CheckResult => checkDocument(f, text(f), { readFile });

const files = listExamples();

describe('all examples', () => {
  it('include the device library and every example the issue asks for', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'lib/devices.nfab',
        'mnist-mlp.nfab',
        'quickstart.nfab',
        'rram-crossbar-mlp.nfab',
        'pcm-drift-inference.nfab',
        'rpu-insitu-training.nfab',
        'rf-spintronic-mlp.nfab',
        'rf-spintronic-cnn.nfab',
        'bayesian-machine.nfab',
        'mcmc-memristor-learning.nfab',
        'binary-mtj-xnor.nfab',
        'photonic-core.nfab',
        'equilibrium-propagation.nfab',
        'dfa-feedback-alignment.nfab',
        'loihi-three-factor.nfab',
        'eprop-recurrent-snn.nfab',
        'platforms.nfab',
      ]),
    );
  });

  it.each(files)('%s checks with no errors', (f) => {
    const r = check(f);
    expect(r.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic), f).toEqual([]);
    expect(r.hasErrors).toBe(false);
  });

  it.each(files)('%s is formatted', (f) => {
    expect(formatDocument(text(f))).toBe(text(f));
  });
});

// ---------------------------------------------------------------- key figures

/** Weighted connections of a layer without biases: conv = out positions x k^2 x c_in per channel. */
function connections(l: Layer): number {
  if (l.kind === 'dense') return l.inputs * l.units;
  if (l.kind === 'conv2d') {
    const [cOut, h, w] = l.outShape;
    return cOut * h * w * l.kernel * l.kernel * l.inShape[0];
  }
  return 0;
}
function neurons(l: Layer): number {
  if (l.kind === 'dense') return l.units;
  if (l.kind === 'conv2d') return l.outShape[0] * l.outShape[1] * l.outShape[2];
  return 0;
}
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const tiles = (r: CheckResult, exp: string) =>
  r.model.experiments
    .find((e) => e.name === exp)!
    .mappings!.map((m) => [m.layer, m.mapping.rowBlocks, m.mapping.colBlocks, m.mapping.tilesUsed]);

describe('example figures', () => {
  it('lib/devices: one preset per device kind, with the cited values', () => {
    const { model } = check('lib/devices.nfab');
    expect(new Set(model.devices.map((d) => d.kind))).toEqual(
      new Set([
        'ideal',
        'rram',
        'pcm',
        'ecram',
        'fefet',
        'mram',
        'spin_resonator',
        'stochastic_memristor',
        'photonic_pcm',
        'ring',
        'sram',
      ]),
    );
    const dev = (n: string) => model.devices.find((d) => d.name === n)!;
    // Gokmen-Vlasov: dw_min 0.0016, 30% d2d, 30% c2c, w in +-1, 1-100 MOhm.
    expect(dev('rpu_gv').update).toMatchObject({ dwMin: 0.0016, dtod: 0.3, ctoc: 0.3, wMin: -1, wMax: 1 });
    expect(dev('rpu_gv').gMin).toBeCloseTo(1e-8, 15);
    expect(dev('rpu_gv').gMax).toBeCloseTo(1e-6, 15);
    // aihwkit ReRAM soft-bounds: dw_min 0.002, w 1.25 / -0.75.
    expect(dev('rram_sb').update).toMatchObject({ dwMin: 0.002, wMin: -0.75, wMax: 1.25, softBounds: true });
    // PCMLikeNoiseModel: g_max 25 uS, t0 20 s.
    expect(dev('pcm').gMax).toBeCloseTo(25e-6, 12);
    expect(dev('pcm').drift).toMatchObject({ nu: 0.049, t0: 20 });
    // seed 003: 10 fJ per synapse, f_res 2-4 GHz.
    expect(dev('spin_res').readEnergy).toBeCloseTo(10e-15, 20);
    expect(dev('spin_res').resonator).toMatchObject({ fResMin: 2e9, fResMax: 4e9, linewidth: 40e6 });
    // MTJ: R_P 5 kOhm, R_AP 12.5 kOhm.
    expect(dev('mtj').gMax).toBeCloseTo(1 / 5e3, 12);
    expect(dev('mtj').gMin).toBeCloseTo(1 / 12.5e3, 12);
  });

  it('rf-spintronic-mlp: 784x128 + 128x10 = 101,632 synapses, 138 neurons, one chain block per layer', () => {
    const r = check('rf-spintronic-mlp.nfab');
    const net = r.model.networks.find((n) => n.name === 'rf_mlp')!;
    expect(sum(net.layers.map(connections))).toBe(784 * 128 + 128 * 10);
    expect(sum(net.layers.map(connections))).toBe(101_632);
    expect(sum(net.layers.map(neurons))).toBe(138);
    expect(tiles(r, 'mnist_rf')).toEqual([
      ['h', 1, 1, 1],
      ['y', 1, 1, 1],
    ]);
    const e = r.model.experiments[0]!;
    expect(e.train.trainable).toEqual(['f_res']);
    // 101,632 x 10 fJ + 138 x 100 fJ = 1.03 nJ: the seed's "1 nJ".
    const energy = 101_632 * 10e-15 + 138 * 100e-15;
    expect(energy).toBeCloseTo(1.03e-9, 11);
    expect(r.model.neurons!.find((n) => n.name === 'sto')).toBeDefined();
  });

  it('rf-spintronic-cnn: 8,576 neurons and 6,697,500 synapses (seed: 8,576 and 6.7M), 1,534 chains', () => {
    const r = check('rf-spintronic-cnn.nfab');
    const net = r.model.networks.find((n) => n.name === 'rf_cnn')!;
    const shapes = net.layers.map((l) =>
      l.kind === 'conv2d' || l.kind === 'pool' ? l.outShape : l.kind === 'flatten' ? [l.size] : [],
    );
    expect(shapes).toEqual([[], [6, 24, 24], [6, 12, 12], [50, 8, 8], [3200], [], []]);
    expect(net.layers.map(neurons)).toEqual([0, 3456, 0, 3200, 0, 1910, 10]);
    expect(sum(net.layers.map(neurons))).toBe(8576);
    expect(net.layers.map(connections)).toEqual([0, 86_400, 0, 480_000, 0, 6_112_000, 19_100]);
    expect(sum(net.layers.map(connections))).toBe(6_697_500);
    expect(Math.abs(6_697_500 / 6.7e6 - 1)).toBeLessThan(0.001);
    expect(tiles(r, 'mnist_rf_cnn')).toEqual([
      ['c1', 1, 1, 1],
      ['c2', 3, 1, 3],
      ['h', 50, 30, 1500],
      ['y', 30, 1, 30],
    ]);
  });

  it('crossbar mappings match the counts in the comments', () => {
    expect(tiles(check('rram-crossbar-mlp.nfab'), 'rram_hwa')).toEqual([
      ['h', 4, 1, 4],
      ['o', 2, 1, 2],
      ['y', 1, 1, 1],
    ]);
    expect(tiles(check('rpu-insitu-training.nfab'), 'rpu_insitu')).toEqual([
      ['h', 2, 1, 2],
      ['y', 1, 1, 1],
    ]);
    expect(tiles(check('binary-mtj-xnor.nfab'), 'mnist_xnor')).toEqual([
      ['h1', 7, 4, 28],
      ['h2', 5, 4, 20],
      ['y', 5, 1, 5],
    ]);
    // reference_column: 255 usable columns of 256.
    expect(tiles(check('dfa-feedback-alignment.nfab'), 'mnist_dfa')).toEqual([
      ['h1', 4, 2, 8],
      ['h2', 2, 2, 4],
      ['y', 2, 1, 2],
    ]);
    expect(tiles(check('equilibrium-propagation.nfab'), 'mnist_eqprop')).toEqual([
      ['h', 4, 2, 8],
      ['y', 2, 1, 2],
    ]);
    expect(tiles(check('photonic-core.nfab'), 'mnist_photonic')).toEqual([
      ['h', 13, 2, 26],
      ['y', 7, 1, 7],
    ]);
  });

  it('mcmc: 2 arrays of 64x64 differential pairs hold 16,384 memristors', () => {
    const { model } = check('mcmc-memristor-learning.nfab');
    const t = model.chips[0]!.tiles[0]!;
    expect(t.signedWeights).toBe('differential');
    expect(t.count * t.rows * t.cols * 2).toBe(16_384);
    expect(model.experiments[0]!.train.rule).toBe('mcmc');
  });

  it('bayesian-machine: one bayesian_array of 64 rows; the mapping counts 17 (16 features + prior) x 8 classes', () => {
    const r = check('bayesian-machine.nfab');
    const m = r.model.experiments[0]!.mappings![0]!.mapping;
    expect(m).toMatchObject({ tileKind: 'bayesian_array', tilesUsed: 1 });
    expect(m.utilisation).toBeCloseTo((17 * 8) / (64 * 8), 10);
  });

  it('loihi-three-factor: 1,024 neurons per core, 2 + 1 cores, router at 3.5 pJ per hop', () => {
    const r = check('loihi-three-factor.nfab');
    expect(tiles(r, 'spikes_3f')).toEqual([
      ['h', 1, 2, 2],
      ['y', 1, 1, 1],
    ]);
    const chip = r.model.chips[0]!;
    expect(chip.router).toMatchObject({ topology: 'mesh' });
    expect(chip.router!.energyPerBit).toBeCloseTo(3.5e-12, 20);
    expect(chip.cores![0]!.params).toMatchObject({ neurons: 1024, learning: 'three_factor' });
    expect(r.model.neurons!.find((n) => n.name === 'lc')!.kind).toBe('loihi_cuba');
    expect(r.model.experiments[0]!.train.rule).toBe('three_factor');
  });

  it('eprop-recurrent-snn: a recurrent spiking layer of 200 with 100 + 200 inputs', () => {
    const r = check('eprop-recurrent-snn.nfab');
    const h = r.model.networks[0]!.layers.find((l) => l.name === 'h')!;
    expect(h).toMatchObject({ kind: 'spiking', recurrent: true, units: 200, inputs: 100 });
    expect(r.model.experiments[0]!.train.rule).toBe('eprop');
  });

  it('pcm-drift-inference: read at 20 s, 1 h, 1 day and 1 year', () => {
    const { model } = check('pcm-drift-inference.nfab');
    expect(model.experiments.map((e) => e.infer?.time)).toEqual([20, 3600, 86_400, 31.5e6]);
  });

  it('platforms: the seed-003 table', () => {
    const { model } = check('platforms.nfab');
    expect(
      model.platforms!.map((p) => [p.name, p.energyPerClassification, p.throughput, p.accuracy, p.node]),
    ).toEqual([
      ['p100', 852e-6, 125_000, 0.992, 14e-9],
      ['spinnaker', 3.3e-3, 91, 0.95, 130e-9],
      ['truenorth_low_energy', 0.27e-6, 1000, 0.927, 28e-9],
      ['truenorth_high_accuracy', 108e-6, 1000, 0.994, 28e-9],
      ['loihi', 2.5e-6, 5917, 0.962, 14e-9],
      ['intel_10nm', 1.0e-6, 6250, 0.88, 10e-9],
      ['brainscales2', 8.4e-6, 20_800, 0.969, 65e-9],
    ]);
    expect(model.platforms!.every((p) => p.source.length > 0)).toBe(true);
  });
});
