// The schematic's graph: exact node and edge sets for a small document, spans that point at the
// declarations, cursor -> node, and diagnostics attached to the node they concern.
import { describe, expect, it } from 'vitest';
import { checkDocument, parse } from '../../engine/dsl/index';
import {
  chipGraph,
  declPathAt,
  networkGraph,
  nodeAtOffset,
  problemsByNode,
  si,
} from '../../engine/dsl/schematic/graph';
import { graphToSvg } from '../../engine/dsl/schematic/svg';

const TEXT = `// a small design
device cell : rram {
  levels = 16
}

chip c1 {
  node 20nm
  tile xb : crossbar(rows = 128, cols = 64) {
    device = cell
    dac_bits = 6
    adc_bits = 7
    count = 8
  }
}

network net {
  input x : 100
  dense h : 50 { act = relu } on xb
  dense y : 10 on xb
}
`;

function graphs(text = TEXT) {
  const r = checkDocument('small.nfab', text);
  const file = parse(text).file;
  const opts = { file, fileName: 'small.nfab' };
  return { chip: chipGraph(r.model, opts), network: networkGraph(r.model, opts), file, r };
}

describe('schematic graph', () => {
  it('maps the chip view to exactly these nodes and edges', () => {
    const { chip, r } = graphs();
    expect(r.hasErrors).toBe(false);
    expect(chip.nodes.map((n) => [n.id, n.kind, n.type, n.parent])).toEqual([
      ['device:cell', 'device', 'rram', null],
      ['chip:c1', 'chip', 'chip', null],
      ['chip:c1/tile:xb', 'tile', 'crossbar', 'chip:c1'],
    ]);
    expect(chip.edges.map((e) => [e.source, e.target, e.kind])).toEqual([
      ['device:cell', 'chip:c1/tile:xb', 'uses'],
    ]);
    const tile = chip.nodes.find((n) => n.id === 'chip:c1/tile:xb')!;
    expect(tile.figures).toEqual([
      '128×64 · ×8',
      'cell (rram, 16 lv)',
      'DAC 6 b · ADC 7 b',
      'differential · 200 mV',
    ]);
    expect(tile.path).toEqual(['c1', 'xb']);
    expect(TEXT.slice(tile.span!.start, tile.span!.end)).toMatch(
      /^tile xb : crossbar[\s\S]*count = 8\n {2}\}$/,
    );
    expect(TEXT.slice(tile.nameSpan!.start, tile.nameSpan!.end)).toBe('xb');
  });

  it('maps the network view to layers, data flow and the mapping onto tiles', () => {
    const { network } = graphs();
    expect(network.nodes.map((n) => [n.id, n.kind, n.type])).toEqual([
      ['network:net', 'network', 'network'],
      ['network:net/layer:x', 'layer', 'input'],
      ['network:net/layer:h', 'layer', 'dense'],
      ['network:net/layer:y', 'layer', 'dense'],
      ['network:net/target:xb', 'target', 'crossbar'],
    ]);
    expect(network.edges.map((e) => [e.source, e.target, e.kind, e.label])).toEqual([
      ['network:net/layer:x', 'network:net/layer:h', 'dataflow', '100'],
      ['network:net/layer:h', 'network:net/target:xb', 'mapping', '×1'],
      ['network:net/layer:h', 'network:net/layer:y', 'dataflow', '50'],
      ['network:net/layer:y', 'network:net/target:xb', 'mapping', '×1'],
    ]);
    const h = network.nodes.find((n) => n.id === 'network:net/layer:h')!;
    expect(h.figures[0]).toBe('100 → 50');
    expect(h.figures.at(-1)).toMatch(/^on xb: 1×1 = 1 tile/);
  });

  it('splits a large layer over several crossbars', () => {
    const { network } = graphs(TEXT.replace('dense h : 50', 'dense h : 300'));
    const h = network.nodes.find((n) => n.id === 'network:net/layer:h')!;
    // 101 rows fit one 128-row block; 300 outputs need 5 blocks of 64 columns.
    expect(h.figures.at(-1)).toMatch(/^on xb: 1×5 = 5 tiles/);
    expect(network.edges.find((e) => e.source === h.id && e.kind === 'mapping')?.label).toBe('×5');
  });

  it('finds the node under the cursor and attaches diagnostics to their node', () => {
    const { chip, file } = graphs();
    const at = TEXT.indexOf('adc_bits');
    expect(declPathAt(file, at)).toEqual(['c1', 'xb']);
    expect(nodeAtOffset(chip, at)?.id).toBe('chip:c1/tile:xb');
    expect(nodeAtOffset(chip, TEXT.indexOf('node 20nm'))?.id).toBe('chip:c1');
    expect(nodeAtOffset(chip, 0)).toBeNull();
    const bad = TEXT.replace('adc_bits = 7', 'adc_bits = 70');
    const r = checkDocument('small.nfab', bad);
    const problems = problemsByNode(chip, parse(bad).file, r.diagnostics);
    expect(problems.get('chip:c1/tile:xb')?.[0]?.message).toBe(
      'adc_bits must be an integer in 0..16, got 70',
    );
  });

  it('formats SI figures and exports SVG with the labels', () => {
    expect(si(2.5e-5, 'S')).toBe('25 µS');
    expect(si(20e-9, 'm')).toBe('20 nm');
    const { chip } = graphs();
    const boxes = new Map(chip.nodes.map((n, i) => [n.id, { x: i * 300, y: 0, width: 236, height: 80 }]));
    const svg = graphToSvg(chip, boxes, 'small');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    for (const label of ['cell', 'c1', 'xb', '128×64 · ×8']) expect(svg).toContain(label);
  });
});
