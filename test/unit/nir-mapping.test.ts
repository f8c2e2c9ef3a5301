// NIR <-> .nfab mapping (engine/nir/import.ts, export.ts): the imported fixture checks and gives
// the spikes the NIR equations give; export -> file -> import gives the same network (weights bit
// for bit, neuron parameters) and the same spikes.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkDocument } from '../../engine/dsl';
import type { ElaboratedModel, RecurrentLayer } from '../../engine/ir/model';
import { exportNir } from '../../engine/nir/export';
import type { NirGraph, NirNode } from '../../engine/nir/graph';
import { readNirFile, writeNirFile } from '../../engine/nir/hdf5';
import { importNir } from '../../engine/nir/import';
import { type WeightsFile, weightsFromJson, weightsToJson } from '../../engine/nir/weights';
import { Rng } from '../../engine/sim/rng';
import { createLifState, type LifState, lifConstants, lifStep } from '../../engine/snn/neurons';

const fixture = path.join(__dirname, '../fixtures/nir/lif-snntorch-like.nir');
const DT = 1e-3;
const STEPS = 120;

/** A fixed input spike train: steps x n, probability p per step, from a seeded Rng. */
function spikeInput(n: number, seed: number, p = 0.3): Float64Array[] {
  const rng = new Rng(seed);
  return Array.from({ length: STEPS }, () =>
    Float64Array.from({ length: n }, () => (rng.uniform() < p ? 1 : 0)),
  );
}

const matvec = (w: Float64Array, x: Float64Array, units: number, inputs: number, out: Float64Array) => {
  for (let j = 0; j < units; j++) {
    let s = 0;
    for (let i = 0; i < inputs; i++) s += w[j * inputs + i]! * x[i]!;
    out[j]! += s;
  }
};

/**
 * The studio's discrete network: weights from the sidecar, each spiking layer stepped by
 * engine/snn/neurons.ts lifStep (v <- beta v + I, or i <- alpha i + I, v <- beta v + i for
 * cuba_lif; spike when v > v_th, then v <- v_reset, NIR's reset) with lifConstants of the
 * checked model's neuron (float32 state); dense layers are linear readouts.
 * Returns every layer's spikes (or readout values) per step, as strings for easy comparison.
 */
function simulateStudio(model: ElaboratedModel, weights: WeightsFile, input: Float64Array[]): string[] {
  const net = model.networks[0]!;
  const layers = net.layers.slice(1) as RecurrentLayer[];
  const state = layers.map((l) => ({ s: new Float64Array(l.units) }));
  const pop: LifState[] = [];
  const trace: string[] = [];
  for (const x0 of input) {
    let x = x0;
    const row: string[] = [];
    for (const [k, l] of layers.entries()) {
      const w = weights.layers[l.name]!;
      const st = state[k]!;
      const cur = new Float64Array(l.units);
      matvec(w.weight, x, l.units, w.inputs, cur);
      if (w.bias) for (let j = 0; j < l.units; j++) cur[j]! += w.bias[j]!;
      if (w.recurrent) matvec(w.recurrent, st.s, l.units, l.units, cur);
      if ((l.kind as string) === 'dense') {
        row.push(Array.from(cur, (c) => c.toFixed(9)).join(','));
        x = cur;
        continue;
      }
      const neuron = model.neurons!.find((n) => n.name === l.neuron)!;
      // Helper A's population step (engine/snn/neurons.ts), with NIR's reset to v_reset.
      pop[k] ??= createLifState(l.units);
      const lif = pop[k]!;
      lifStep(lifConstants(neuron, DT), lif, Float32Array.from(cur), 0, { reset: 'value' });
      for (let j = 0; j < l.units; j++) st.s[j] = lif.spikes[j]!;
      row.push(Array.from(st.s).join(''));
      x = st.s.slice();
    }
    trace.push(row.join('|'));
  }
  return trace;
}

/**
 * The NIR graph itself, from NIR's equations (nir/ir/neuron.py) solved exactly over a step with
 * the input held (LIF: v <- v_leak + (v - v_leak) e + (1 - e) R I, e = exp(-dt/tau)); CubaLIF
 * per stage (docs/nir.md). Independent of engine/nir/discretise.ts on purpose.
 */
function simulateNir(graph: NirGraph, input: Float64Array[]): string[] {
  const byName = new Map(graph.nodes.map((n) => [n.name, n]));
  const succ = (a: string) => graph.edges.filter(([x]) => x === a).map(([, y]) => byName.get(y)!);
  const chain: NirNode[] = [];
  let cur = graph.nodes.find((n) => n.type === 'Input')!;
  const recOf = new Map<string, NirNode>();
  for (;;) {
    const next = succ(cur.name).filter(
      (n) => !(succ(n.name).some((m) => m.name === cur.name) && n.type === 'Linear'),
    );
    for (const n of succ(cur.name)) if (succ(n.name).some((m) => m.name === cur.name)) recOf.set(cur.name, n);
    const n = next[0]!;
    if (n.type === 'Output') break;
    chain.push(n);
    cur = n;
  }
  const st = new Map<string, { v: Float64Array; i: Float64Array; s: Float64Array }>();
  const trace: string[] = [];
  for (const x0 of input) {
    let x = x0;
    const row: string[] = [];
    for (const [k, n] of chain.entries()) {
      const p = n.params;
      if (n.type === 'Affine' || n.type === 'Linear') {
        const [units, inputs] = p.weight!.shape as [number, number];
        const out = new Float64Array(units);
        matvec(p.weight!.data, x, units, inputs, out);
        if (p.bias) for (let j = 0; j < units; j++) out[j]! += p.bias.data[j]!;
        x = out;
        const after = chain[k + 1];
        if (!after || after.type === 'Affine' || after.type === 'Linear')
          row.push(Array.from(out, (c) => c.toFixed(9)).join(','));
        continue;
      }
      const units = x.length;
      const s = st.get(n.name) ?? {
        v: new Float64Array(units),
        i: new Float64Array(units),
        s: new Float64Array(units),
      };
      st.set(n.name, s);
      const inp = x.slice();
      const rec = recOf.get(n.name);
      if (rec) matvec(rec.params.weight!.data, s.s, units, units, inp);
      const cuba = n.type === 'CubaLIF';
      for (let j = 0; j < units; j++) {
        const tau = (cuba ? p.tau_mem! : p.tau!).data[j]!;
        const e = Math.exp(-DT / tau);
        const r = p.r!.data[j]!;
        const vLeak = p.v_leak!.data[j]!;
        let drive = inp[j]!;
        if (cuba) {
          const es = Math.exp(-DT / p.tau_syn!.data[j]!);
          s.i[j] = es * s.i[j]! + (1 - es) * p.w_in!.data[j]! * inp[j]!;
          drive = s.i[j]!;
        }
        s.v[j] = vLeak + (s.v[j]! - vLeak) * e + (1 - e) * r * drive;
        const spike = s.v[j]! > p.v_threshold!.data[j]!;
        s.s[j] = spike ? 1 : 0;
        if (spike) s.v[j] = p.v_reset ? p.v_reset.data[j]! : 0;
      }
      row.push(Array.from(s.s).join(''));
      x = s.s.slice();
    }
    trace.push(row.join('|'));
  }
  return trace;
}

const spikeCount = (trace: string[]) =>
  trace
    .join('')
    .split('')
    .filter((c) => c === '1').length;

const ORIGINAL = `
neuron fast : lif { tau_mem = 5ms  v_th = 0.5V  v_reset = 0V }
neuron syn : cuba_lif { tau_mem = 8ms  tau_syn = 3ms  v_th = 0.4V  v_reset = 0.1V }
chip c { tile core : spiking_core { neurons = 1024  neuron = fast  count = 4 } }
network net {
  input x : 6
  spiking h : 5 { neuron = fast  recurrent = true  bias = true } on core
  spiking g : 4 { neuron = syn } on core
  dense y : 3 { act = identity } on core
}
`;

function checked(text: string): ElaboratedModel {
  const r = checkDocument('t.nfab', text);
  const errors = r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message);
  expect(errors).toEqual([]);
  return r.model;
}

describe('NIR import', () => {
  it('turns the fixture into a .nfab that checks, with the weights folded as the NIR equations say', async () => {
    const result = importNir(await readNirFile(fixture), { source: 'lif-snntorch-like.nir' });
    const model = checked(result.text);
    const net = model.networks[0]!;
    expect(net.layers.map((l) => `${l.kind}:${l.name}`)).toEqual(['input:input_', 'spiking:lif1']);
    const neuron = model.neurons![0]!;
    expect(neuron.kind).toBe('lif');
    // The float32 tau of the file, written as DSL text and read back as the same double.
    expect(neuron.params.tau_mem).toBe(0.0009999996982514858);
    expect(neuron.params.v_th).toBe(1);
    // Exact discretisation: W_studio = (1 - exp(-dt/tau)) r W with r = 10, dt = tau = 1 ms.
    const gain = (1 - Math.exp(-DT / 0.0009999996982514858)) * 9.99999713897705;
    const w = result.weights.layers.lif1!;
    expect(w.weight[0]).toBeCloseTo(0.5 * gain, 6);
    expect(w.weight[5]).toBeCloseTo(-0.5 * gain, 6);
    expect(w.bias![0]).toBeCloseTo(0.1 * gain, 6);
  });

  it.each([
    ['lif-snntorch-like.nir', 3],
    ['lif-norse-nir-paper.nir', 1],
  ])('the network imported from %s spikes as the NIR equations do on a fixed input', async (name, n) => {
    const graph = await readNirFile(path.join(path.dirname(fixture), name));
    const result = importNir(graph);
    const weights = weightsFromJson(weightsToJson(result.weights));
    const input = spikeInput(n, 11);
    const studio = simulateStudio(checked(result.text), weights, input);
    const nir = simulateNir(graph, input);
    expect(studio).toEqual(nir);
    expect(spikeCount(studio)).toBeGreaterThan(10);
    expect(spikeCount(studio)).toBeLessThan(n * STEPS - 10);
  });

  it("with --discretisation euler, snnTorch's exported weights and beta come back unchanged", async () => {
    const result = importNir(await readNirFile(fixture), { dt: 1e-4, discretisation: 'euler' });
    const w = result.weights.layers.lif1!;
    expect(Array.from(w.weight, (x) => Number(x.toFixed(5)))).toEqual([0.5, -0.25, 1, 0.75, 0.5, -0.5]);
    const tau = result.layers[0]!.neuron!.tauMem;
    expect(Math.exp(-1e-4 / tau)).toBeCloseTo(0.9, 6);
  });

  it('maps a recurrent CubaLIF written as an snnTorch RSynaptic subgraph', () => {
    const v = (n: number, x: number) => ({ shape: [n], data: new Float64Array(n).fill(x), dtype: '<d' });
    const graph: NirGraph = {
      nodes: [
        {
          name: 'input',
          type: 'Input',
          params: { shape: { shape: [1], data: Float64Array.of(2), dtype: '<q' } },
        },
        {
          name: 'fc',
          type: 'Linear',
          params: { weight: { shape: [3, 2], data: Float64Array.of(1, 2, 3, 4, 5, 6), dtype: '<d' } },
        },
        {
          name: 'rs',
          type: 'NIRGraph',
          params: {},
          graph: {
            nodes: [
              {
                name: 'input',
                type: 'Input',
                params: { shape: { shape: [1], data: Float64Array.of(3), dtype: '<q' } },
              },
              {
                name: 'lif',
                type: 'CubaLIF',
                params: {
                  tau_mem: v(3, 0.01),
                  tau_syn: v(3, 0.005),
                  r: v(3, 1),
                  v_leak: v(3, 0),
                  v_threshold: v(3, 1),
                  w_in: v(3, 1),
                },
              },
              {
                name: 'w_rec',
                type: 'Linear',
                params: { weight: { shape: [3, 3], data: new Float64Array(9).fill(0.5), dtype: '<d' } },
              },
              {
                name: 'output',
                type: 'Output',
                params: { shape: { shape: [1], data: Float64Array.of(3), dtype: '<q' } },
              },
            ],
            edges: [
              ['input', 'lif'],
              ['lif', 'w_rec'],
              ['w_rec', 'lif'],
              ['lif', 'output'],
            ],
          },
        },
        {
          name: 'output',
          type: 'Output',
          params: { shape: { shape: [1], data: Float64Array.of(3), dtype: '<q' } },
        },
      ],
      edges: [
        ['input', 'fc'],
        ['fc', 'rs'],
        ['rs', 'output'],
      ],
    };
    const result = importNir(graph);
    const model = checked(result.text);
    const layer = model.networks[0]!.layers[1] as RecurrentLayer;
    expect(layer).toMatchObject({ kind: 'spiking', name: 'rs_lif', recurrent: true, units: 3 });
    expect(model.neurons![0]!.kind).toBe('cuba_lif');
    const g = (1 - Math.exp(-DT / 0.005)) * (1 - Math.exp(-DT / 0.01));
    expect(result.weights.layers.rs_lif!.recurrent![0]).toBeCloseTo(0.5 * g, 12);
  });
});

describe('NIR export -> import round trip', () => {
  it('gives the same network: weights bit for bit, neuron parameters, layers', async () => {
    const original = checked(ORIGINAL);
    const exported = exportNir(original, { seed: 3 });
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nf-nir-')), 'net.nir');
    await writeNirFile(file, exported.graph);
    const back = importNir(await readNirFile(file));
    const model = checked(back.text);
    const layers = (m: ElaboratedModel) =>
      m.networks[0]!.layers.map((l) => ({
        kind: l.kind,
        name: l.name,
        units: 'units' in l ? l.units : l.kind === 'input' ? l.size : 0,
        recurrent: 'recurrent' in l ? l.recurrent : false,
        bias: 'bias' in l ? l.bias : false,
      }));
    expect(layers(model).slice(1)).toEqual(layers(original).slice(1));
    for (const [name, w] of Object.entries(exported.weights.layers)) {
      const b = back.weights.layers[name]!;
      expect(Array.from(b.weight)).toEqual(Array.from(w.weight));
      expect(b.bias && Array.from(b.bias)).toEqual(w.bias && Array.from(w.bias));
      expect(b.recurrent && Array.from(b.recurrent)).toEqual(w.recurrent && Array.from(w.recurrent));
    }
    const params = (m: ElaboratedModel, layer: string) => {
      const l = m.networks[0]!.layers.find((x) => x.name === layer) as RecurrentLayer;
      const n = m.neurons!.find((x) => x.name === l.neuron)!;
      return { kind: n.kind, ...lifConstants(n, DT) };
    };
    for (const layer of ['h', 'g']) {
      const a = params(original, layer);
      const b = params(model, layer);
      expect(b.kind).toBe(a.kind);
      for (const k of ['beta', 'alpha', 'threshold', 'reset'] as const) expect(b[k]).toBeCloseTo(a[k], 12);
    }
  });

  it('gives the same spikes for the same input, and the NIR equations agree with the studio network', async () => {
    const original = checked(ORIGINAL);
    const exported = exportNir(original, { seed: 3 });
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nf-nir-')), 'net.nir');
    await writeNirFile(file, exported.graph);
    const graph = await readNirFile(file);
    const back = importNir(graph);
    // Scale the initial weights up so that the layers spike.
    const loud = (w: WeightsFile): WeightsFile => ({
      ...w,
      layers: Object.fromEntries(
        Object.entries(w.layers).map(([k, l]) => [k, { ...l, weight: l.weight.map((x) => 3 * x) }]),
      ),
    });
    const input = spikeInput(6, 5);
    const before = simulateStudio(original, loud(exported.weights), input);
    const after = simulateStudio(checked(back.text), loud(back.weights), input);
    expect(after).toEqual(before);
    expect(spikeCount(before)).toBeGreaterThan(20);
    // The exported graph, simulated from NIR's own equations, spikes the same way.
    const loudGraph = await readNirFile(file);
    for (const n of loudGraph.nodes)
      if (n.params.weight && !n.name.endsWith('_rec'))
        n.params.weight.data = n.params.weight.data.map((x) => 3 * x);
    expect(simulateNir(loudGraph, input)).toEqual(before);
  });

  it('round-trips with forward Euler too (export and import with the same dt and scheme)', async () => {
    const original = checked(ORIGINAL);
    const exported = exportNir(original, { seed: 4, dt: 1e-4, discretisation: 'euler' });
    const lif = exported.graph.nodes.find((n) => n.name === 'h')!;
    // snnTorch's convention: tau = dt / (1 - beta), r = tau / dt.
    const beta = Math.exp(-1e-4 / 5e-3);
    expect(lif.params.tau!.data[0]).toBeCloseTo(1e-4 / (1 - beta), 15);
    expect(lif.params.r!.data[0]).toBeCloseTo(1 / (1 - beta), 9);
    const back = importNir(exported.graph, { dt: 1e-4, discretisation: 'euler' });
    for (const [name, w] of Object.entries(exported.weights.layers)) {
      expect(Array.from(back.weights.layers[name]!.weight)).toEqual(Array.from(w.weight));
    }
    const h = back.layers.find((l) => l.name === 'h')!;
    expect(h.neuron!.tauMem).toBeCloseTo(5e-3, 15);
  });

  it('refuses what NIR cannot express, by name', () => {
    const model = checked(`
neuron lc : loihi_cuba { du = 410  dv = 205  vth = 1000 }
chip c { tile core : spiking_core { neuron = lc } }
network n { input x : 4  spiking h : 3 { neuron = lc } on core }
`);
    expect(() => exportNir(model)).toThrow(/neuron 'lc' is loihi_cuba; export maps lif and cuba_lif/);
    const relu = checked(`
chip c { tile core : spiking_core { } }
network n { input x : 4  dense h : 3 { act = relu }  dense y : 2 }
`);
    expect(() => exportNir(relu)).toThrow(/dense 'h' with act = relu/);
  });
});
