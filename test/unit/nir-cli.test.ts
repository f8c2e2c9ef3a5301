// `neurofab nir export|import` through the CLI's main(), in process (the bundled binary needs a
// build first; cli.test.ts covers the binary itself). Exit codes as the CLI contract says:
// 0 success, 1 the input has errors, 2 bad usage.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../engine/cli/main';
import { readNirFile } from '../../engine/nir/hdf5';
import { weightsFromJson } from '../../engine/nir/weights';

const fixture = path.join(__dirname, '../fixtures/nir/lif-snntorch-like.nir');

async function run(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a) => void out.push(a.join(' ')));
  const error = vi.spyOn(console, 'error').mockImplementation((...a) => void err.push(a.join(' ')));
  try {
    const code = await main(args);
    return { code, stdout: out.join('\n'), stderr: err.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

const tmp = () => fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'nf-nir-cli-')));

afterEach(() => vi.restoreAllMocks());

describe('neurofab nir', () => {
  it('import writes a .nfab that checks and its weights; export writes them back as NIR', async () => {
    const dir = tmp();
    const nfab = path.join(dir, 'lif.nfab');
    const imp = await run(['nir', 'import', fixture, '--out', nfab]);
    expect(imp.code, imp.stderr).toBe(0);
    expect(imp.stdout).toContain('layers lif1 (spiking lif 2)');
    const weightsFile = path.join(dir, 'lif.weights.json');
    expect(fs.existsSync(weightsFile)).toBe(true);
    expect((await run(['check', nfab])).code).toBe(0);

    const nir = path.join(dir, 'again.nir');
    const exp = await run(['nir', 'export', nfab, '--out', nir, '--weights', weightsFile]);
    expect(exp.code, exp.stderr).toBe(0);
    expect(exp.stdout).toContain('input_:Input -> lif1_w:Affine -> lif1:LIF -> output:Output');
    const graph = await readNirFile(nir);
    const fc = graph.nodes.find((n) => n.name === 'lif1_w')!;
    const w = weightsFromJson(fs.readFileSync(weightsFile, 'utf8')).layers.lif1!;
    expect(Array.from(fc.params.weight!.data)).toEqual(Array.from(w.weight));

    // And back again: the same weights.
    const nfab2 = path.join(dir, 'again.nfab');
    expect((await run(['nir', 'import', nir, '--out', nfab2])).code).toBe(0);
    const w2 = weightsFromJson(fs.readFileSync(path.join(dir, 'again.weights.json'), 'utf8')).layers.lif1!;
    expect(Array.from(w2.weight)).toEqual(Array.from(w.weight));
  });

  it('export without --weights writes the deterministic initial weights, the same twice', async () => {
    const dir = tmp();
    const a = path.join(dir, 'a.nir');
    const b = path.join(dir, 'b.nir');
    const src = path.join(__dirname, '../../examples/eprop-recurrent-snn.nfab');
    const r = await run(['nir', 'export', src, '--out', a]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('deterministic initial weights (seed 7)');
    expect(r.stderr).toContain('NIR has no refractory period');
    await run(['nir', 'export', src, '--out', b]);
    const ga = await readNirFile(a);
    const gb = await readNirFile(b);
    const weight = (g: typeof ga) => Array.from(g.nodes.find((n) => n.name === 'h_w')!.params.weight!.data);
    expect(weight(ga)).toEqual(weight(gb));
    // HDF5 lists group members by name; the order of the layers is in the edges.
    expect(ga.edges).toEqual([
      ['x', 'h_w'],
      ['h_w', 'h'],
      ['h', 'h_rec'],
      ['h_rec', 'h'],
      ['h', 'y'],
      ['y', 'output'],
    ]);
    expect(ga.nodes.map((n) => `${n.name}:${n.type}`).sort()).toEqual([
      'h:LIF',
      'h_rec:Linear',
      'h_w:Linear',
      'output:Output',
      'x:Input',
      'y:Affine',
    ]);
  });

  it('a file that is not NIR, or a graph it cannot map, exits 1 with a message saying what is allowed', async () => {
    const dir = tmp();
    const bad = path.join(dir, 'bad.nir');
    fs.writeFileSync(bad, 'not hdf5');
    const r = await run(['nir', 'import', bad]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/bad\.nir is not an HDF5 file .*a NIR file is HDF5/);
    const loihi = path.join(__dirname, '../../examples/loihi-three-factor.nfab');
    const l = await run(['nir', 'export', loihi, '--out', path.join(dir, 'l.nir')]);
    expect(l.code).toBe(1);
    expect(l.stderr).toMatch(/loihi_cuba; export maps lif and cuba_lif/);
    const broken = path.join(dir, 'broken.nfab');
    fs.writeFileSync(broken, 'network n { input x : 3  spiking h : 2 { neuron = nobody } }\n');
    const b = await run(['nir', 'export', broken]);
    expect(b.code).toBe(1);
    expect(b.stderr).toContain('has errors; nothing exported');
  });

  it('bad usage exits 2 with the usage text', async () => {
    expect((await run(['nir'])).code).toBe(2);
    const u = await run(['nir', 'frob']);
    expect(u.code).toBe(2);
    expect(u.stderr).toContain('unknown nir command "frob"');
    const d = await run(['nir', 'import', fixture, '--discretisation', 'rk4']);
    expect(d.code).toBe(2);
    expect(d.stderr).toContain('--discretisation takes exact or euler');
    const m = await run(['nir', 'import', path.join(tmp(), 'missing.nir')]);
    expect(m.code).toBe(2);
    expect(m.stderr).toContain('no such file');
    expect((await run(['nir', 'export'])).stderr).toContain('nir export needs exactly one .nfab FILE');
  });
});
