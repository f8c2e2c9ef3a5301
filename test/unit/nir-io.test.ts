// NIR HDF5 reading and writing (engine/nir/hdf5.ts), on the fixtures written by NIR's reference
// layout (scripts/make-nir-fixture.py) and by Norse (NIR repository, paper/01_lif/lif_norse.nir),
// and the errors malformed files give.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { arr, NirFormatError, type NirGraph, validateGraph } from '../../engine/nir/graph';
import { readNirFile, writeNirFile } from '../../engine/nir/hdf5';
import { importNir } from '../../engine/nir/import';

const fixtures = path.join(__dirname, '../fixtures/nir');
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'nf-nir-'));

const lifGraph = (): NirGraph => ({
  version: '1.0.6',
  nodes: [
    { name: 'input', type: 'Input', params: { shape: arr([1], [2], '<q') } },
    { name: 'fc', type: 'Affine', params: { weight: arr([1, 2], [0.5, -1]), bias: arr([1], [0.25]) } },
    {
      name: 'lif',
      type: 'LIF',
      params: {
        tau: arr([1], [0.02]),
        r: arr([1], [1]),
        v_leak: arr([1], [0]),
        v_threshold: arr([1], [1]),
      },
    },
    { name: 'output', type: 'Output', params: { shape: arr([1], [1], '<q') } },
  ],
  edges: [
    ['input', 'fc'],
    ['fc', 'lif'],
    ['lif', 'output'],
  ],
});

describe('NIR HDF5 files', () => {
  it('reads the reference-layout fixture: version, types, edges, parameters and dtypes', async () => {
    const g = await readNirFile(path.join(fixtures, 'lif-snntorch-like.nir'));
    expect(g.version).toBe('1.0.6');
    expect(g.edges).toEqual([
      ['input', 'fc1'],
      ['fc1', 'lif1'],
      ['lif1', 'output'],
    ]);
    const byName = Object.fromEntries(g.nodes.map((n) => [n.name, n]));
    expect(byName.input?.type).toBe('Input');
    expect(Array.from(byName.input!.params.shape!.data)).toEqual([3]);
    expect(byName.input!.params.shape!.dtype).toBe('<q');
    const w = byName.fc1!.params.weight!;
    expect(w.shape).toEqual([2, 3]);
    expect(w.dtype).toBe('<f');
    expect(Array.from(w.data)).toEqual([0.5, -0.25, 1, 0.75, 0.5, -0.5]);
    expect(byName.fc1!.params.bias!.data[0]).toBeCloseTo(0.1, 7);
    const lif = byName.lif1!;
    expect(lif.type).toBe('LIF');
    // snnTorch: tau = dt / (1 - beta) with dt = 1e-4, beta = 0.9 (float32); r = tau / dt.
    expect(lif.params.tau!.data[0]).toBeCloseTo(1e-3, 9);
    expect(lif.params.r!.data[0]).toBeCloseTo(10, 5);
    expect(validateGraph(g)).toEqual([]);
  });

  it('reads a file written by Norse (NIR 0.1.1 layout, no v_reset)', async () => {
    const g = await readNirFile(path.join(fixtures, 'lif-norse-nir-paper.nir'));
    expect(g.version).toBe('0.1.1');
    expect(g.nodes.map((n) => n.type).sort()).toEqual(['Affine', 'Input', 'LIF', 'Output']);
    expect(validateGraph(g)).toEqual([]);
  });

  it('writes what it reads: the same graph comes back', async () => {
    const file = path.join(tmp(), 'g.nir');
    const g = lifGraph();
    await writeNirFile(file, g);
    const back = await readNirFile(file);
    expect(back.version).toBe('1.0.6');
    expect(back.edges).toEqual(g.edges);
    for (const n of g.nodes) {
      const m = back.nodes.find((x) => x.name === n.name)!;
      expect(m.type).toBe(n.type);
      for (const [k, a] of Object.entries(n.params)) {
        expect(m.params[k]!.shape).toEqual(a.shape);
        expect(Array.from(m.params[k]!.data)).toEqual(Array.from(a.data));
      }
    }
  });

  it('refuses a file that is not HDF5, saying what a NIR file is', async () => {
    const file = path.join(tmp(), 'not.nir');
    fs.writeFileSync(file, 'this is not HDF5');
    await expect(readNirFile(file)).rejects.toThrow(/not an HDF5 file.*NIR file is HDF5/);
    await expect(readNirFile(path.join(tmp(), 'missing.nir'))).rejects.toThrow(/no such file/);
  });

  it('refuses an HDF5 file without /node', async () => {
    const file = path.join(tmp(), 'empty.nir');
    const h5 = await import('h5wasm/node');
    await h5.ready;
    const f = new h5.File(file, 'w');
    f.create_dataset({ name: 'version', data: '1.0.6' });
    f.close();
    await expect(readNirFile(file)).rejects.toThrow(/no group \/node/);
  });

  it('reports missing parameters, wrong shapes, unknown types and dangling edges with their paths', async () => {
    const g = lifGraph();
    g.nodes[1]!.params.bias = arr([3], [0, 0, 0]);
    delete g.nodes[2]!.params.tau;
    g.nodes.push({ name: 'mystery', type: 'Spiky', params: {} });
    g.edges.push(['lif', 'nowhere']);
    const file = path.join(tmp(), 'bad.nir');
    await writeNirFile(file, g);
    const problems = validateGraph(await readNirFile(file)).map((e) => e.message);
    expect(problems).toContainEqual(
      expect.stringMatching(/nodes\/fc: Affine: bias has 3 values but weight has 1 rows/),
    );
    expect(problems).toContainEqual(expect.stringMatching(/nodes\/lif: LIF needs dataset\(s\) tau/));
    expect(problems).toContainEqual(expect.stringMatching(/nodes\/mystery\/type: unknown NIR type 'Spiky'/));
    expect(problems).toContainEqual(
      expect.stringMatching(/edges: edge 3 \(lif -> nowhere\) names no node 'nowhere'/),
    );
    expect(() => importNir({ ...g })).toThrow(NirFormatError);
  });

  it('names the primitives it cannot map', () => {
    const g = lifGraph();
    g.nodes.splice(1, 0, {
      name: 'conv',
      type: 'Conv2d',
      params: {
        weight: arr([1, 1, 1, 1], [1]),
        stride: arr([2], [1, 1]),
        padding: arr([2], [0, 0]),
        dilation: arr([2], [1, 1]),
        groups: arr([], [1]),
        bias: arr([1], [0]),
      },
    });
    g.edges = [
      ['input', 'conv'],
      ['conv', 'fc'],
      ['fc', 'lif'],
      ['lif', 'output'],
    ];
    expect(() => importNir(g)).toThrow(
      /cannot map 'conv' \(Conv2d\).*maps Input, Affine, Linear, LIF, CubaLIF and Output/,
    );
  });
});
