import { describe, expect, it } from 'vitest';
import { DEVICE_DEFAULTS } from '../../engine/dsl/device-defaults';
import { checkDocument, formatDiagnostic } from '../../engine/dsl/index';
import { DEVICE_KINDS } from '../../engine/ir/model';

const BASE = `device rram_dev : rram {
  g_min = 1uS
  g_max = 100uS
  levels = 32
  program_noise = 5%
  read_noise = 1%
}

chip c {
  node 20nm
  tile xbar : crossbar(rows = 256, cols = 256) {
    device = rram_dev
    count = 8
  }
}

network mlp {
  input x : 28x28
  dense h : 256 { act = relu } on xbar
  dense y : 10 on xbar
}

experiment e {
  chip = c
  network = mlp
  dataset = mnist
  train { rule = backprop  optimizer = sgd(lr = 0.1, momentum = 0.9)  epochs = 1  batch = 32 }
  seed = 7
  train_limit = 1000
  test_limit = 500
}
`;

function edit(from: string, to: string, text = BASE): string {
  if (!text.includes(from)) throw new Error(`test bug: '${from}' not in the text`);
  return text.replace(from, to);
}

/** Errors and warnings (not infos), as `line:col-line:col message`. */
function problems(text: string) {
  return checkDocument('t.nfab', text)
    .diagnostics.filter((d) => d.severity !== 'info')
    .map(
      (d) =>
        `${d.range.start.line}:${d.range.start.col}-${d.range.end.line}:${d.range.end.col} ${d.severity}: ${d.message}`,
    );
}

describe('a clean document', () => {
  const r = checkDocument('t.nfab', BASE);

  it('has no errors or warnings and elaborates everything', () => {
    expect(r.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
    expect(r.hasErrors).toBe(false);
    expect(r.model.devices.map((d) => d.name)).toEqual(['rram_dev']);
    expect(r.model.chips.map((c) => c.name)).toEqual(['c']);
    expect(r.model.networks.map((n) => n.name)).toEqual(['mlp']);
    expect(r.model.experiments.map((e) => e.name)).toEqual(['e']);
  });

  it('converts every value to SI and fills defaults', () => {
    const d = r.model.devices[0]!;
    expect(d).toMatchObject({
      kind: 'rram',
      gMin: 1e-6,
      gMax: 1e-4,
      levels: 32,
      programNoise: 0.05,
      readNoise: 0.01,
    });
    expect(d.stuckAtGMin).toBe(0);
    expect(d.readEnergy).toBe(DEVICE_DEFAULTS.rram.params.readEnergy.value);
    const chip = r.model.chips[0]!;
    expect(chip.node).toBe(20e-9);
    expect(chip.tiles[0]).toMatchObject({
      name: 'xbar',
      kind: 'crossbar',
      rows: 256,
      cols: 256,
      device: 'rram_dev',
      signedWeights: 'differential',
      dacBits: 8,
      adcBits: 8,
      readVoltage: 0.2,
      count: 8,
    });
    const e = r.model.experiments[0]!;
    expect(e).toMatchObject({
      chip: 'c',
      network: 'mlp',
      dataset: 'mnist',
      seed: 7,
      trainLimit: 1000,
      testLimit: 500,
      train: { rule: 'backprop', optimizer: { kind: 'sgd', lr: 0.1, momentum: 0.9 }, epochs: 1, batch: 32 },
    });
  });

  it('records provenance: dsl for written values, the citation for defaults', () => {
    const p = r.model.devices[0]!.provenance;
    expect(p.gMin).toBe('dsl');
    expect(p.levels).toBe('dsl');
    expect(p.stuckAtGMin).toMatch(/^default for rram: /);
    expect(p.readEnergy).toContain('V^2 G t');
  });

  it('computes layer inputs and activations (last layer defaults to identity)', () => {
    const layers = r.model.networks[0]!.layers;
    expect(layers[0]).toMatchObject({ kind: 'input', shape: [28, 28], size: 784 });
    expect(layers[1]).toMatchObject({
      kind: 'dense',
      inputs: 784,
      units: 256,
      activation: 'relu',
      bias: true,
    });
    expect(layers[2]).toMatchObject({ kind: 'dense', inputs: 256, units: 10, activation: 'identity' });
  });

  it('maps 784(+1 bias) x 256 on 256x256 crossbars as 4 x 1 blocks, and 257 x 10 as 2 x 1', () => {
    const [, h, y] = r.model.networks[0]!.layers;
    expect(h?.kind === 'dense' && h.mapping).toEqual({
      tile: 'xbar',
      rowBlocks: 4,
      colBlocks: 1,
      tilesUsed: 4,
      utilisation: (785 * 256) / (4 * 256 * 256),
    });
    expect(y?.kind === 'dense' && y.mapping).toEqual({
      tile: 'xbar',
      rowBlocks: 2,
      colBlocks: 1,
      tilesUsed: 2,
      utilisation: (257 * 10) / (2 * 256 * 256),
    });
    expect(r.model.experiments[0]!.mappings?.map((m) => m.mapping.tilesUsed)).toEqual([4, 2]);
  });

  it('summarises the mapping of each layer as an info', () => {
    const infos = r.diagnostics.filter((d) => d.code === 'mapping').map((d) => d.message);
    expect(infos).toEqual([
      "layer 'h': 785x256 weights (incl. bias row) on 'xbar' (256x256): 4 row blocks x 1 col block = 4 tiles, utilisation 76.7%",
      "layer 'y': 257x10 weights (incl. bias row) on 'xbar' (256x256): 2 row blocks x 1 col block = 2 tiles, utilisation 2.0%",
    ]);
  });
});

describe('unit and range checks, with exact ranges', () => {
  it('a time where a conductance is expected', () => {
    expect(problems(edit('g_max = 100uS', 'g_max = 5ns'))).toEqual([
      '3:11-3:14 error: g_max: expected a conductance (S, e.g. 25uS), got a time (5ns)',
    ]);
  });

  it('a plain number where a unit is needed', () => {
    expect(problems(edit('g_max = 100uS', 'g_max = 100'))).toEqual([
      '3:11-3:14 error: g_max needs a unit: expected a conductance (S, e.g. 25uS), got a plain number (100)',
    ]);
  });

  it('a resistance for a conductance is converted on purpose (G = 1/R), with an info', () => {
    const r = checkDocument('t.nfab', edit('g_min = 1uS', 'g_min = 1MΩ'));
    expect(r.hasErrors).toBe(false);
    expect(r.model.devices[0]!.gMin).toBe(1e-6);
    expect(r.diagnostics.find((d) => d.code === 'conversion')?.message).toBe(
      '1MΩ read as a conductance of 1 µS (G = 1/R)',
    );
  });

  it('g_max must exceed g_min', () => {
    expect(problems(edit('g_min = 1uS', 'g_min = 200uS'))).toEqual([
      '3:11-3:16 error: g_max (100 µS) must be greater than g_min (200 µS)',
    ]);
  });

  it('ranges are stated in the message', () => {
    expect(problems(edit('levels = 32', 'levels = 1'))).toEqual([
      "4:12-4:13 error: levels must be an integer in 2..65536 or 'continuous', got 1",
    ]);
    expect(problems(edit('levels = 32', 'levels = 2.5'))).toEqual([
      "4:12-4:15 error: levels must be an integer in 2..65536 or 'continuous', got 2.5",
    ]);
    expect(problems(edit('program_noise = 5%', 'program_noise = 150%'))).toEqual([
      '5:19-5:23 error: program_noise must be a fraction in 0%..100%, got 150%',
    ]);
    expect(problems(edit('count = 8', 'count = 0'))).toEqual([
      '13:13-13:14 error: count must be an integer in 1..1000000, got 0',
    ]);
    expect(problems(edit('batch = 32', 'batch = 0'))[0]).toContain(
      'batch must be an integer in 1..65536, got 0',
    );
    expect(problems(edit('g_min = 1uS', 'g_min = 0uS'))).toEqual([
      '2:11-2:14 error: g_min must be in 0 S (exclusive)..1 S, got 0uS',
    ]);
  });

  it('levels = continuous means null; fractions may be plain numbers', () => {
    const r = checkDocument('t.nfab', edit('levels = 32', 'levels = continuous').replace('5%', '0.05'));
    expect(r.hasErrors).toBe(false);
    expect(r.model.devices[0]).toMatchObject({ levels: null, programNoise: 0.05 });
  });

  it('stuck-at fractions may not exceed 100% together', () => {
    const text = edit('read_noise = 1%', 'read_noise = 1%\n  stuck_at_gmin = 60%\n  stuck_at_gmax = 50%');
    expect(problems(text)).toEqual([
      '8:19-8:22 error: stuck_at_gmin + stuck_at_gmax must not exceed 100% of the devices',
    ]);
  });

  it('energy sub-block fields are checked too', () => {
    expect(
      problems(edit('read_noise = 1%', 'read_noise = 1%\n  energy { read = 10fJ  write = 1ns }')),
    ).toEqual(['7:33-7:36 error: write: expected an energy (J, e.g. 10fJ), got a time (1ns)']);
    const r = checkDocument(
      't.nfab',
      edit('read_noise = 1%', 'read_noise = 1%\n  energy { read = 10fJ  write = 1pJ }'),
    );
    expect(r.model.devices[0]).toMatchObject({ readEnergy: 10e-15, writeEnergy: 1e-12 });
    expect(r.model.devices[0]!.provenance.readEnergy).toBe('dsl');
  });
});

describe('names, fields and references', () => {
  it('unknown field: did-you-mean and the allowed list', () => {
    const [p] = problems(edit('g_max = 100uS', 'g_mxa = 100uS'));
    expect(p).toMatch(
      /^3:3-3:8 error: unknown field 'g_mxa' in device 'rram_dev'\. Did you mean 'g_max'\? Allowed: g_min, g_max, /,
    );
  });

  it('unknown device, tile, chip, network references suggest the closest name', () => {
    expect(problems(edit('device = rram_dev', 'device = rram_dve'))).toEqual([
      "12:14-12:22 error: unknown device 'rram_dve'. Did you mean 'rram_dev'? Declared devices: rram_dev.",
    ]);
    expect(problems(edit('dense y : 10 on xbar', 'dense y : 10 on xbr'))).toEqual([
      "20:19-20:22 error: unknown tile 'xbr'. Did you mean 'xbar'? Tiles: xbar.",
    ]);
    expect(problems(edit('chip = c', 'chip = d'))).toEqual([
      "24:10-24:11 error: unknown chip 'd'. Declared chips: c.",
    ]);
    expect(problems(edit('network = mlp', 'network = mpl'))).toEqual([
      "25:13-25:16 error: unknown network 'mpl'. Did you mean 'mlp'? Declared networks: mlp.",
    ]);
  });

  it('duplicate names are reported on the second one', () => {
    expect(problems(`${BASE}\ndevice rram_dev : ideal {}\n`)).toEqual([
      "33:8-33:16 error: device 'rram_dev' is already declared (line 1); names must be unique",
    ]);
    expect(problems(edit('g_max = 100uS', 'g_max = 100uS\n  g_max = 90uS'))).toEqual([
      "4:3-4:8 error: 'g_max' is set twice in device 'rram_dev'; remove one",
    ]);
  });

  it('a broken device does not cascade into its users', () => {
    const r = checkDocument('t.nfab', edit('g_max = 100uS', 'g_max = 5ns'));
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toHaveLength(1);
    // Everything depending on the device is left out of the model.
    expect(r.model).toMatchObject({ devices: [], chips: [], networks: [], experiments: [] });
  });

  it('a misspelt declaration keyword is one error', () => {
    expect(problems(edit('device rram_dev : rram', 'devce rram_dev : rram'))).toEqual([
      "1:1-1:6 error: unknown declaration 'devce'. Did you mean 'device'? Top-level declarations: device, neuron, chip, network, experiment, platform, import.",
    ]);
  });

  it('device kinds: unknown ones suggest, every listed kind elaborates, non-simulated ones warn', () => {
    expect(problems(edit(': rram {', ': rarm {'))[0]).toMatch(
      /^1:19-1:23 error: unknown device kind 'rarm'\. Did you mean 'rram'\?/,
    );
    for (const kind of DEVICE_KINDS) {
      const r = checkDocument('t.nfab', `device d : ${kind} {}`);
      expect(r.hasErrors, kind).toBe(false);
      expect(r.model.devices[0]!.kind).toBe(kind);
      const warned = r.diagnostics.some((d) => d.code === 'not-simulated');
      expect(warned, kind).toBe(['photonic_pcm', 'ring', 'sram'].includes(kind));
    }
  });

  it('the ideal device defaults: continuous, noiseless', () => {
    const d = checkDocument('t.nfab', 'device d : ideal {}').model.devices[0]!;
    expect(d).toMatchObject({ levels: null, programNoise: 0, readNoise: 0, stuckAtGMin: 0, stuckAtGMax: 0 });
    expect(Object.values(d.provenance).every((p) => p.startsWith('default for ideal: '))).toBe(true);
  });

  it('update-model fields elaborate into DeviceModel.update (rram: aihwkit ReRAM soft-bounds defaults)', () => {
    const r = checkDocument('t.nfab', edit('read_noise = 1%', 'read_noise = 1%\n  dw_min = 0.001'));
    expect(r.hasErrors).toBe(false);
    expect(r.model.devices[0]!.update).toEqual({
      dwMin: 0.001,
      upDown: 0,
      dtod: 0.3,
      ctoc: 0.3,
      softBounds: true,
      nonlinearity: 1,
      wMin: -0.75,
      wMax: 1.25,
    });
    expect(r.model.devices[0]!.provenance['update.dwMin']).toBe('dsl');
  });
});

describe('experiments', () => {
  it('planned rules check with a not-runnable warning; spiking rules need spiking neurons; unknown ones suggest', () => {
    for (const rule of ['hw_aware', 'in_situ', 'feedback_alignment', 'dfa', 'equilibrium_prop', 'mcmc']) {
      expect(problems(edit('rule = backprop', `rule = ${rule}`))).toEqual([]);
    }
    for (const rule of ['surrogate_bptt', 'eprop', 'stdp', 'three_factor']) {
      expect(problems(edit('rule = backprop', `rule = ${rule}`))).toEqual([
        `27:18-27:${18 + rule.length} error: rule '${rule}' trains spiking networks, but network 'mlp' has no spiking neurons; add a spiking layer (spiking h : 100 { neuron = n } with neuron n : lif) or use backprop`,
      ]);
    }
    expect(problems(edit('rule = backprop', 'rule = backprob'))[0]).toMatch(
      /^27:18-27:26 error: unknown rule 'backprob'\. Did you mean 'backprop'\?/,
    );
  });

  it('adam with its defaults', () => {
    const r = checkDocument('t.nfab', edit('sgd(lr = 0.1, momentum = 0.9)', 'adam(lr = 0.001)'));
    expect(r.hasErrors).toBe(false);
    expect(r.model.experiments[0]!.train.optimizer).toEqual({
      kind: 'adam',
      lr: 0.001,
      momentum: 0.9,
      schedule: 'constant',
    });
    const bare = checkDocument('t.nfab', edit('sgd(lr = 0.1, momentum = 0.9)', 'sgd'));
    expect(bare.model.experiments[0]!.train.optimizer).toEqual({
      kind: 'sgd',
      lr: 0.1,
      momentum: 0,
      schedule: 'constant',
    });
    expect(problems(edit('sgd(lr = 0.1, momentum = 0.9)', 'sdg(lr = 0.1)'))).toEqual([
      "27:40-27:43 error: unknown optimizer 'sdg'. Did you mean 'sgd'? Allowed: sgd, adam.",
    ]);
  });

  it('reads the learning-rate schedule and refuses unknown ones', () => {
    const cosine = checkDocument('t.nfab', edit('epochs = 1', 'schedule = cosine  epochs = 1'));
    expect(cosine.hasErrors).toBe(false);
    expect(cosine.model.experiments[0]!.train.optimizer.schedule).toBe('cosine');
    const bad = problems(edit('epochs = 1', 'schedule = linear  epochs = 1'));
    expect(bad).toHaveLength(1);
    expect(bad[0]).toMatch(/schedule.*constant, cosine/);
  });

  it('the input must fit the data set, and the output its classes', () => {
    expect(problems(edit('input x : 28x28', 'input x : 10x10'))).toEqual([
      "25:13-25:16 error: network 'mlp' takes 100 inputs (input x : 10x10) but mnist has 784 (28x28)",
    ]);
    expect(problems(edit('dense y : 10 on xbar', 'dense y : 12 on xbar'))).toEqual([
      "25:13-25:16 error: network 'mlp' ends with 12 outputs (layer y) but mnist has 10 classes",
    ]);
  });

  it('more tiles than the chip has is an error naming the need per layer', () => {
    expect(problems(edit('count = 8', 'count = 5'))).toEqual([
      "24:10-24:11 error: network 'mlp' needs 6 'xbar' tiles (h: 4, y: 2) but chip 'c' has 5 (count = 5)",
    ]);
  });

  it('missing required fields point at the name', () => {
    expect(problems('experiment x { dataset = mnist }')).toEqual([
      "1:12-1:13 error: experiment 'x' needs 'chip' (the chip to run on)",
      "1:12-1:13 error: experiment 'x' needs 'network' (the network to map onto the chip)",
    ]);
  });

  it('sweeps are checked against the field they vary and recorded with their values as written', () => {
    const text = edit('seed = 7', 'seed = 7\n  sweep rram_dev.program_noise in [0%, 1%, 2%]');
    expect(problems(text)).toEqual([]);
    expect(checkDocument('t.nfab', text).model.experiments[0]!.sweeps).toEqual([
      { path: ['rram_dev', 'program_noise'], values: [0, 0.01, 0.02], texts: ['0%', '1%', '2%'] },
    ]);
    expect(problems(edit('seed = 7', 'seed = 7\n  sweep rram_dev.program_noise in [0%, 5ns]'))).toEqual([
      '29:40-29:43 error: program_noise takes a plain number or a percentage, not a time (5ns)',
    ]);
  });

  it('other tile kinds elaborate as cores; conv2d needs its kernel', () => {
    expect(
      problems(edit('crossbar(rows = 256, cols = 256)', 'rf_chain(inputs = 784, outputs = 128)')),
    ).toEqual([
      "11:8-11:12 error: tile 'xbar' of chip 'c' needs 'synapse' (the resonator device (spin_resonator))",
      "12:5-12:11 error: unknown field 'device' in tile 'xbar' of chip 'c'. Allowed: synapse, neuron, channels, crosstalk, gain, count.",
    ]);
    expect(problems(edit('input x : 28x28', 'input x : 28x28\n  conv2d c1 : 8'))).toEqual([
      "19:10-19:12 error: layer 'c1' needs 'kernel' (kernel size k (k x k))",
    ]);
  });
});

describe('one typo, one error (parser and checker together)', () => {
  it.each([
    ['g_max = 100uS', 'g_max = 100uSx'],
    ['g_max = 100uS', 'g_max ='],
    ['g_max = 100uS', 'g_max 100uS'],
    ['g_max = 100uS', 'g_max = 5ns'],
    ['levels = 32', 'levles = 32'],
    ['device rram_dev : rram', 'devce rram_dev : rram'],
    ['device rram_dev : rram', 'device : rram'],
    ['device rram_dev : rram', 'device rram_dev : rarm'],
    ['  read_noise = 1%\n}', '  read_noise = 1%'],
    ['cols = 256)', 'cols = 256'],
    ['device = rram_dev', 'device = rram_de'],
    ['act = relu', 'act = rleu'],
    ['dense y : 10 on xbar', 'dense y : 10 relu'],
    ['dense y : 10 on xbar', 'dense y : 10 on xbra'],
    ['input x : 28x28', 'inptu x : 28x28'],
    ['network = mlp', 'network = mpl'],
    ['rule = backprop', 'rule = backprob'],
    ['momentum = 0.9', 'momentum = 1.5'],
    ['seed = 7', 'seed = 7 $'],
  ])('%s -> %s', (from, to) => {
    const errors = checkDocument('t.nfab', edit(from, to)).diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map(formatDiagnostic)).toHaveLength(1);
  });
});

describe('formatDiagnostic', () => {
  it('renders FILE:LINE:COL: severity: message', () => {
    const d = checkDocument('dir/t.nfab', edit('g_max = 100uS', 'g_max = 5ns')).diagnostics[0]!;
    expect(formatDiagnostic(d)).toBe(
      'dir/t.nfab:3:11: error: g_max: expected a conductance (S, e.g. 25uS), got a time (5ns)',
    );
  });
});
