import { describe, expect, it } from 'vitest';
import { checkDocument } from '../../engine/dsl/index';
import { mapMatrix } from '../../engine/dsl/mapping';
import type { CoreTile, Layer } from '../../engine/ir/model';

// Shapes and mappings of the layer kinds, against numbers computed by hand (docs/dsl.md,
// "Networks" and "Mapping").
const HEAD = `device d : rram { }
neuron n : lif { }
chip c {
  tile xbar : crossbar(rows = 256, cols = 256) { device = d  count = 100 }
  tile core : spiking_core { neurons = 128 }
}
`;

function layers(network: string): Omit<Layer, 'range'>[] {
  const r = checkDocument('t.nfab', HEAD + network);
  const problems = r.diagnostics.filter((d) => d.severity !== 'info').map((d) => d.message);
  expect(problems).toEqual([]);
  return r.model.networks[0]!.layers.map(({ range: _range, ...l }) => l);
}

function problems(network: string): string[] {
  return checkDocument('t.nfab', HEAD + network)
    .diagnostics.filter((d) => d.severity !== 'info')
    .map((d) => `${d.range.start.line - 6}:${d.range.start.col} ${d.message}`);
}

describe('conv2d', () => {
  it('28x28x1, 3x3 kernel, 32 channels, stride 1, padding 0 -> 32x26x26; im2col 10 rows on one tile', () => {
    const [, c1] = layers('network n { input x : 28x28  conv2d c1 : 32 { kernel = 3 } on xbar }');
    // (28 + 2*0 - 3)/1 + 1 = 26; rows 3*3*1 + 1 (bias) = 10, cols 32
    expect(c1).toEqual({
      kind: 'conv2d',
      name: 'c1',
      inShape: [1, 28, 28],
      outShape: [32, 26, 26],
      channels: 32,
      kernel: 3,
      stride: 1,
      padding: 0,
      activation: 'identity',
      bias: true,
      mapping: {
        tile: 'xbar',
        rowBlocks: 1,
        colBlocks: 1,
        tilesUsed: 1,
        utilisation: (10 * 32) / (256 * 256),
      },
    });
  });

  it('reports the im2col matrix as an info', () => {
    const r = checkDocument(
      't.nfab',
      `${HEAD}network n { input x : 28x28  conv2d c1 : 32 { kernel = 3 } on xbar }`,
    );
    expect(r.diagnostics.map((d) => d.message)).toEqual([
      "layer 'c1': 10x32 weights on 'xbar' (crossbar): 1 tile (1 x 1), utilisation 0.5%",
    ]);
  });

  it('stride 2, padding 1 on 32x13x13 -> 64x7x7; 289 rows = 2 row blocks', () => {
    const ls = layers(`network n {
  input x : 28x28
  conv2d c1 : 32 { kernel = 3 }
  pool p1 { size = 2 }
  conv2d c2 : 64 { kernel = 3  stride = 2  padding = 1 } on xbar
}`);
    // floor((13 + 2 - 3)/2) + 1 = 7; rows 3*3*32 + 1 = 289 -> ceil(289/256) = 2
    expect(ls[3]).toMatchObject({
      inShape: [32, 13, 13],
      outShape: [64, 7, 7],
      mapping: { rowBlocks: 2, colBlocks: 1, tilesUsed: 2, utilisation: (289 * 64) / (2 * 65536) },
    });
  });

  it('without bias: rows k*k*c_in', () => {
    const [, c] = layers(
      'network n { input x : 3x32x32  conv2d c : 16 { kernel = 5  bias = false } on xbar }',
    );
    // 32 - 5 + 1 = 28; rows 5*5*3 = 75
    expect(c).toMatchObject({
      outShape: [16, 28, 28],
      mapping: { tilesUsed: 1, utilisation: (75 * 16) / 65536 },
    });
  });

  it('refuses a flat input and a kernel larger than the image', () => {
    expect(problems('network n { input x : 784  conv2d c : 8 { kernel = 3 } }')).toEqual([
      '1:28 conv2d needs an image input (C x H x W, e.g. input x : 28x28), not a flat vector of 784',
    ]);
    expect(problems('network n { input x : 4x4  conv2d c : 8 { kernel = 5 } }')).toEqual([
      '1:52 kernel 5 is larger than the 4x4 input (padding 0)',
    ]);
  });
});

describe('pool and flatten', () => {
  it('propagate shapes: 32x26x26 -pool 2-> 32x13x13 -flatten-> 5408 -> dense', () => {
    const ls = layers(`network n {
  input x : 28x28
  conv2d c1 : 32 { kernel = 3 }
  pool p { size = 2 }
  flatten f
  dense y : 10 on xbar
}`);
    expect(ls[2]).toEqual({
      kind: 'pool',
      name: 'p',
      op: 'max',
      inShape: [32, 26, 26],
      outShape: [32, 13, 13],
      size: 2,
      stride: 2,
    });
    expect(ls[3]).toEqual({ kind: 'flatten', name: 'f', size: 32 * 13 * 13 });
    // 5408 + 1 rows -> ceil(5409/256) = 22 row blocks
    expect(ls[4]).toMatchObject({
      kind: 'dense',
      inputs: 5408,
      units: 10,
      activation: 'identity',
      mapping: { rowBlocks: 22, colBlocks: 1, tilesUsed: 22, utilisation: (5409 * 10) / (22 * 65536) },
    });
  });

  it('pool with an explicit stride and op: (26 - 3)/2 + 1 = 12', () => {
    const ls = layers(`network n {
  input x : 28x28
  conv2d c1 : 4 { kernel = 3 }
  pool p { size = 3  stride = 2  op = avg }
  flatten f
  dense y : 10
}`);
    expect(ls[2]).toMatchObject({ op: 'avg', outShape: [4, 12, 12], stride: 2 });
    expect(ls[3]).toEqual({ kind: 'flatten', name: 'f', size: 4 * 12 * 12 });
  });

  it('refuses a pool window larger than its input and a pool on a flat vector', () => {
    expect(problems('network n { input x : 2x2  pool p { size = 3 } }')).toEqual([
      '1:44 pool size 3 is larger than the 2x2 input',
    ]);
    expect(problems('network n { input x : 10  pool p { size = 2 } }')).toEqual([
      '1:27 pool needs an image input (after input or conv2d)',
    ]);
  });
});

describe('recurrent and spiking', () => {
  it('a recurrent layer adds its outputs as inputs: 784 + 100 + 1 rows', () => {
    const [, r] = layers('network n { input x : 28x28  recurrent r : 100 on xbar }');
    // 885 rows -> ceil(885/256) = 4 row blocks
    expect(r).toEqual({
      kind: 'recurrent',
      name: 'r',
      inputs: 784,
      units: 100,
      neuron: 'identity',
      recurrent: true,
      bias: true,
      mapping: {
        tile: 'xbar',
        rowBlocks: 4,
        colBlocks: 1,
        tilesUsed: 4,
        utilisation: (885 * 100) / (4 * 65536),
      },
    });
  });

  it('a spiking layer on a spiking core: columns are the core neurons, no bias by default', () => {
    const [, s] = layers('network n { input x : 100  spiking s : 300 { neuron = n } on core }');
    // ceil(300/128) = 3 cores, utilisation 300/384
    expect(s).toEqual({
      kind: 'spiking',
      name: 's',
      inputs: 100,
      units: 300,
      neuron: 'n',
      recurrent: false,
      bias: false,
      mapping: {
        tile: 'core',
        rowBlocks: 1,
        colBlocks: 3,
        tilesUsed: 3,
        utilisation: 300 / 384,
        tileKind: 'spiking_core',
      },
    });
  });

  it('a recurrent spiking layer on a crossbar: 100 + 300 rows, 300 cols', () => {
    const [, s] = layers(
      'network n { input x : 100  spiking s : 300 { neuron = n  recurrent = true } on xbar }',
    );
    // 400 rows -> 2 row blocks, 300 cols -> 2 col blocks
    expect(s).toMatchObject({
      recurrent: true,
      mapping: { rowBlocks: 2, colBlocks: 2, tilesUsed: 4, utilisation: (400 * 300) / (4 * 65536) },
    });
  });

  it('a spiking layer needs a spiking neuron', () => {
    const text = `${HEAD}neuron g : relu { }
network n { input x : 10  spiking s : 4 { neuron = g } }`;
    const msgs = checkDocument('t.nfab', text)
      .diagnostics.filter((d) => d.severity === 'error')
      .map((d) => d.message);
    expect(msgs).toEqual([
      "a spiking layer needs a spiking neuron (lif, cuba_lif, adex, loihi_cuba); 'g' is relu",
    ]);
  });
});

describe('mapMatrix on other tile kinds', () => {
  const core = (kind: CoreTile['kind'], params: Record<string, number>): CoreTile => ({
    name: 't',
    kind,
    count: 1,
    params,
    range: { file: 't.nfab', start: { line: 1, col: 1, offset: 0 }, end: { line: 1, col: 1, offset: 0 } },
  });

  it('digital_mac streams any matrix on one unit', () => {
    expect(mapMatrix(1000, 1000, core('digital_mac', {}))).toEqual({
      tile: 't',
      rowBlocks: 1,
      colBlocks: 1,
      tilesUsed: 1,
      utilisation: 1,
      tileKind: 'digital_mac',
    });
  });

  it('rf_chain uses inputs x outputs blocks; photonic_mesh rows x cols', () => {
    // 3 rows (2 inputs + bias) x 2 cols on 4x4: 1 block, 6/16
    expect(mapMatrix(3, 2, core('rf_chain', { inputs: 4, outputs: 4 }))).toMatchObject({
      tilesUsed: 1,
      utilisation: 6 / 16,
    });
    // 100 x 100 on 64x64: 2 x 2 blocks, 10000 / (4 * 4096)
    expect(mapMatrix(100, 100, core('photonic_mesh', { rows: 64, cols: 64 }))).toMatchObject({
      rowBlocks: 2,
      colBlocks: 2,
      tilesUsed: 4,
      utilisation: 10000 / (4 * 4096),
    });
  });
});
