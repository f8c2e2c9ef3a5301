// NIR graph -> .nfab text + weights sidecar. Maps the feed-forward / recurrent LIF networks that
// snnTorch, Norse and Rockpool export: Input -> (Affine|Linear -> LIF|CubaLIF [+ recurrent
// Affine|Linear]) ... [-> Affine|Linear] -> Output. Everything else is reported by name.
// The parameter relations (gains folded into the weights, beta from tau) are in ./discretise.ts.
import { formatDocument } from '../dsl/format';
import { DATASET_SHAPES } from '../dsl/schema';
import { type Discretisation, decay, stepGain, studioTau } from './discretise';
import { NirFormatError, type NirGraph, type NirNode, neuronCount, validateGraph } from './graph';
import { numberText, quantityText } from './quantity';
import type { LayerWeights, WeightsFile } from './weights';

export interface ImportOptions {
  /** Time step (s) the continuous NIR neurons are discretised with. Default 1 ms (see docs/nir.md). */
  dt?: number;
  discretisation?: Discretisation;
  /** Name of the network in the .nfab; default 'nir_net'. */
  network?: string;
  /** The .nir file name, for the header comment and the sidecar. */
  source?: string;
  /** File name of the weights sidecar the header comment points at. */
  weightsFile?: string;
}

/** A studio layer built from the NIR graph (neuron parameters in the studio's terms). */
export interface ImportedLayer {
  name: string;
  kind: 'spiking' | 'dense';
  neuron?: { kind: 'lif' | 'cuba_lif'; tauMem: number; tauSyn?: number; vTh: number; vReset: number };
  weights: LayerWeights;
  /** NIR node names this layer came from. */
  from: string[];
}

export interface ImportResult {
  text: string;
  weights: WeightsFile;
  layers: ImportedLayer[];
  inputSize: number;
  warnings: string[];
}

/** Default step: 1 ms, the step of the studio's spiking examples (eprop-recurrent-snn.nfab). */
export const DEFAULT_DT = 1e-3;

const MAPPABLE = new Set(['Input', 'Output', 'Affine', 'Linear', 'LIF', 'CubaLIF']);
const NEURONS = new Set(['LIF', 'CubaLIF']);
const WEIGHTS = new Set(['Affine', 'Linear']);

/**
 * Inlines NIRGraph nodes (snnTorch writes RLeaky/RSynaptic as a subgraph `lif1` holding input,
 * lif, w_rec, output): inner nodes become `lif1.lif` etc., edges to `lif1` go to what its Input
 * feeds, edges from `lif1` leave from what feeds its Output.
 */
export function flattenGraph(graph: NirGraph): NirGraph {
  const nodes: NirNode[] = [];
  const edges: [string, string][] = [...graph.edges];
  for (const node of graph.nodes) {
    if (node.type !== 'NIRGraph' || !node.graph) {
      nodes.push(node);
      continue;
    }
    const inner = flattenGraph(node.graph);
    const pre = `${node.name}.`;
    const ins = inner.nodes.filter((n) => n.type === 'Input').map((n) => n.name);
    const outs = inner.nodes.filter((n) => n.type === 'Output').map((n) => n.name);
    for (const n of inner.nodes)
      if (n.type !== 'Input' && n.type !== 'Output') nodes.push({ ...n, name: pre + n.name });
    const entry = inner.edges.filter(([a]) => ins.includes(a)).map(([, b]) => pre + b);
    const exit = inner.edges.filter(([, b]) => outs.includes(b)).map(([a]) => pre + a);
    for (const [a, b] of inner.edges) {
      if (!ins.includes(a) && !outs.includes(b)) edges.push([pre + a, pre + b]);
    }
    const rewired: [string, string][] = [];
    for (const [a, b] of edges) {
      const srcs = a === node.name ? exit : [a];
      const dsts = b === node.name ? entry : [b];
      for (const s of srcs) for (const d of dsts) rewired.push([s, d]);
    }
    edges.splice(0, edges.length, ...rewired);
  }
  return { version: graph.version, nodes, edges };
}

const RESERVED = new Set([
  'import',
  'device',
  'neuron',
  'chip',
  'network',
  'experiment',
  'platform',
  'input',
  'dense',
  'spiking',
  'recurrent',
  'conv2d',
  'pool',
  'flatten',
  'on',
  'in',
  'tile',
  'router',
  'train',
  'sweep',
  'metrics',
  'infer',
  'true',
  'false',
]);

function identifier(name: string, used: Set<string>): string {
  let id = name.replace(/[^A-Za-z0-9_]/g, '_');
  if (!/^[A-Za-z_]/.test(id)) id = `n${id}`;
  if (RESERVED.has(id)) id = `${id}_`;
  let out = id;
  for (let i = 2; used.has(out); i++) out = `${id}_${i}`;
  used.add(out);
  return out;
}

/** The one value of a per-neuron parameter, or an error when the neurons differ. */
function uniform(node: NirNode, param: string, fallback?: number): number {
  const a = node.params[param];
  if (!a) {
    if (fallback !== undefined) return fallback;
    throw new NirFormatError(`${node.type} has no ${param}`, node.name);
  }
  const v = a.data[0]!;
  for (const x of a.data) {
    if (Math.abs(x - v) > 1e-9 * Math.max(1, Math.abs(v))) {
      throw new NirFormatError(
        `${param} differs between neurons (${v} vs ${x}); a .nfab neuron declaration has one value per layer ` +
          '(per-neuron parameter arrays are not in the DSL yet)',
        node.name,
      );
    }
  }
  return v;
}

/** Per-neuron value i of a parameter that may be stored as a scalar (NIR broadcasts it). */
const at = (node: NirNode, param: string, i: number, fallback: number): number => {
  const a = node.params[param];
  if (!a) return fallback;
  return a.data.length === 1 ? a.data[0]! : a.data[i]!;
};

function weightOf(node: NirNode): { out: number; inp: number; w: Float64Array; b: Float64Array | null } {
  const w = node.params.weight!;
  const b = node.type === 'Affine' ? node.params.bias!.data : null;
  return { out: w.shape[0]!, inp: w.shape[1]!, w: w.data, b };
}

/** Maps a NIR graph onto studio layers and writes the .nfab text. Throws NirFormatError. */
export function importNir(input: NirGraph, options: ImportOptions = {}): ImportResult {
  const dt = options.dt ?? DEFAULT_DT;
  const how = options.discretisation ?? 'exact';
  const problems = validateGraph(input);
  if (problems.length > 0) throw new NirFormatError(problems.map((p) => p.message).join('\n'));
  const graph = flattenGraph(input);
  const unsupported = graph.nodes.filter((n) => !MAPPABLE.has(n.type));
  if (unsupported.length > 0) {
    throw new NirFormatError(
      `cannot map ${unsupported.map((n) => `'${n.name}' (${n.type})`).join(', ')} to the studio yet; ` +
        'import maps Input, Affine, Linear, LIF, CubaLIF and Output (dense and spiking layers, ' +
        'recurrent weights on a LIF/CubaLIF)',
    );
  }
  const byName = new Map(graph.nodes.map((n) => [n.name, n]));
  const succ = new Map<string, string[]>();
  for (const [a, b] of graph.edges) succ.set(a, [...(succ.get(a) ?? []), b]);
  const inputs = graph.nodes.filter((n) => n.type === 'Input');
  const outputs = graph.nodes.filter((n) => n.type === 'Output');
  if (inputs.length !== 1 || outputs.length !== 1) {
    throw new NirFormatError(
      `the studio maps graphs with one Input and one Output; this one has ${inputs.length} Input(s) and ${outputs.length} Output(s)`,
    );
  }
  const inputNode = inputs[0]!;
  const inputSize = inputNode.params.shape!.data.reduce((a, b) => a * b, 1);
  const used = new Set<string>();
  const warnings: string[] = [];
  const layers: ImportedLayer[] = [];
  const seen = new Set<string>([inputNode.name]);
  let current = inputNode.name;
  let width = inputSize;
  const next = (from: string): NirNode => {
    const outs = succ.get(from) ?? [];
    if (outs.length !== 1) {
      throw new NirFormatError(
        `node '${from}' feeds ${outs.length} nodes (${outs.join(', ') || 'none'}); import maps a chain of layers ` +
          '(one successor each, plus a recurrent loop on a neuron)',
      );
    }
    const n = byName.get(outs[0]!) as NirNode;
    if (seen.has(n.name))
      throw new NirFormatError(`the graph loops back to '${n.name}' outside a neuron's recurrent weights`);
    seen.add(n.name);
    return n;
  };
  for (;;) {
    const node = next(current);
    if (node.type === 'Output') {
      const outSize = node.params.shape!.data.reduce((a, b) => a * b, 1);
      if (outSize !== width) {
        throw new NirFormatError(
          `Output '${node.name}' has shape ${outSize} but the layer before it has ${width} units`,
        );
      }
      break;
    }
    if (!WEIGHTS.has(node.type)) {
      throw new NirFormatError(
        `expected an Affine or Linear after '${current}', got '${node.name}' (${node.type}); the studio's layers start with their weights`,
      );
    }
    const { out, inp, w, b } = weightOf(node);
    if (inp !== width) {
      throw new NirFormatError(`'${node.name}' takes ${inp} inputs but '${current}' gives ${width}`);
    }
    const after = succ.get(node.name) ?? [];
    const neuron = after.length === 1 ? byName.get(after[0]!) : undefined;
    if (!neuron || !NEURONS.has(neuron.type)) {
      // A weight layer without a neuron after it: a dense (identity) readout.
      layers.push({
        name: identifier(node.name, used),
        kind: 'dense',
        weights: {
          inputs: inp,
          units: out,
          weight: Float64Array.from(w),
          bias: b ? Float64Array.from(b) : undefined,
        },
        from: [node.name],
      });
      current = node.name;
      width = out;
      continue;
    }
    seen.add(neuron.name);
    const units = neuronCount(neuron) ?? 0;
    if (units !== out) {
      throw new NirFormatError(
        `'${node.name}' has ${out} outputs but neuron '${neuron.name}' has ${units} neurons`,
      );
    }
    const layer = mapNeuronLayer(node, neuron, dt, how, warnings);
    // Recurrent weights: neuron -> W -> neuron.
    const loops = (succ.get(neuron.name) ?? [])
      .map((s) => byName.get(s) as NirNode)
      .filter((s) => WEIGHTS.has(s.type) && (succ.get(s.name) ?? []).includes(neuron.name));
    if (loops.length > 1)
      throw new NirFormatError(
        `neuron '${neuron.name}' has ${loops.length} recurrent loops; the studio has one`,
      );
    const gains = layer.gains;
    const loop = loops[0];
    if (loop) {
      const rec = weightOf(loop);
      if (rec.out !== units || rec.inp !== units) {
        throw new NirFormatError(`recurrent weights '${loop.name}' must be ${units} x ${units}`);
      }
      const r = new Float64Array(units * units);
      for (let j = 0; j < units; j++)
        for (let k = 0; k < units; k++) r[j * units + k] = gains[j]! * rec.w[j * units + k]!;
      layer.weights.recurrent = r;
      if (rec.b) {
        layer.weights.bias ??= new Float64Array(units);
        const bias = layer.weights.bias;
        for (let j = 0; j < units; j++) bias[j]! += gains[j]! * rec.b[j]!;
      }
      layer.from.push(loop.name);
      seen.add(loop.name);
      // Continue from the neuron but without the loop edge.
      succ.set(
        neuron.name,
        (succ.get(neuron.name) ?? []).filter((s) => s !== loop.name),
      );
    }
    layers.push({ ...layer, name: identifier(neuron.name, used) });
    current = neuron.name;
    width = units;
  }
  const leftover = graph.nodes.filter((n) => !seen.has(n.name));
  if (leftover.length > 0) {
    throw new NirFormatError(
      `nodes off the Input -> Output chain: ${leftover.map((n) => n.name).join(', ')}; import maps one chain of layers`,
    );
  }
  if (layers.length === 0) throw new NirFormatError('the graph has no weights between Input and Output');
  const network = options.network ?? 'nir_net';
  const weights: WeightsFile = {
    network,
    dt,
    discretisation: how,
    source: options.source,
    layers: Object.fromEntries(layers.map((l) => [l.name, l.weights])),
  };
  const text = nfabText(
    graph,
    layers,
    inputSize,
    network,
    dt,
    how,
    options,
    identifier(inputNode.name, used),
  );
  return { text, weights, layers, inputSize, warnings };
}

function mapNeuronLayer(
  w: NirNode,
  neuron: NirNode,
  dt: number,
  how: Discretisation,
  warnings: string[],
): ImportedLayer & { gains: Float64Array } {
  const { out: units, inp, w: W, b } = weightOf(w);
  const cuba = neuron.type === 'CubaLIF';
  const tau = uniform(neuron, cuba ? 'tau_mem' : 'tau');
  const tauSyn = cuba ? uniform(neuron, 'tau_syn') : undefined;
  const vTh = uniform(neuron, 'v_threshold');
  const vReset = uniform(neuron, 'v_reset', 0);
  const gMem = stepGain(tau, dt, how);
  const gSyn = tauSyn !== undefined ? stepGain(tauSyn, dt, how) : 1;
  decay(tau, dt, how); // throws for Euler with dt >= tau
  const gains = new Float64Array(units);
  const weight = new Float64Array(units * inp);
  const bias = new Float64Array(units);
  let anyBias = false;
  for (let j = 0; j < units; j++) {
    const r = at(neuron, 'r', j, 1);
    const vLeak = at(neuron, 'v_leak', j, 0);
    const wIn = cuba ? at(neuron, 'w_in', j, 1) : 1;
    if (cuba && vLeak !== 0) {
      throw new NirFormatError(
        'CubaLIF with v_leak != 0 has no exact place in the studio cuba_lif (docs/nir.md, Discretisation)',
        neuron.name,
      );
    }
    // Exact relations 1/(1-beta) * (1-beta) = 1 (as our own export writes) are taken as 1, so a
    // round trip gives the weights back bit for bit.
    let g = gMem * r * gSyn * wIn;
    if (Math.abs(g - 1) < 1e-12) g = 1;
    gains[j] = g;
    for (let i = 0; i < inp; i++) weight[j * inp + i] = g * W[j * inp + i]!;
    bias[j] = (b ? g * b[j]! : 0) + gMem * vLeak;
    if (bias[j] !== 0) anyBias = true;
  }
  if (vReset > vTh) warnings.push(`${neuron.name}: v_reset ${vReset} is above v_threshold ${vTh}`);
  // The DSL's voltages lie within +-10 V (neuron-defaults.ts). A larger threshold is brought into
  // range by measuring v in units of v_threshold: v' = v / c gives the same spikes with the
  // weights and bias divided by c.
  let c = 1;
  if (Math.abs(vTh) > 10 || Math.abs(vReset) > 10) {
    c = Math.abs(vTh);
    for (let k = 0; k < weight.length; k++) weight[k]! /= c;
    for (let j = 0; j < units; j++) {
      bias[j]! /= c;
      gains[j]! /= c;
    }
    warnings.push(
      `${neuron.name}: v_threshold ${vTh} is outside the DSL's +-10 V; voltages rescaled by 1/${c}`,
    );
  }
  return {
    name: neuron.name,
    kind: 'spiking',
    neuron: {
      kind: cuba ? 'cuba_lif' : 'lif',
      tauMem: studioTau(tau, dt, how),
      tauSyn: tauSyn !== undefined ? studioTau(tauSyn, dt, how) : undefined,
      vTh: vTh / c,
      vReset: vReset / c,
    },
    weights: { inputs: inp, units, weight, bias: anyBias ? bias : undefined },
    from: [w.name, neuron.name],
    gains,
  };
}

/** A built-in data set whose shapes fit the network, for the generated experiment. */
function fittingDataset(inputSize: number, outputs: number): string | null {
  for (const [name, s] of Object.entries(DATASET_SHAPES)) {
    if (s.inputs === inputSize && s.classes === outputs) return name;
  }
  return null;
}

function nfabText(
  graph: NirGraph,
  layers: ImportedLayer[],
  inputSize: number,
  network: string,
  dt: number,
  how: Discretisation,
  options: ImportOptions,
  inputName: string,
): string {
  const lines: string[] = [];
  lines.push(
    `// Imported from the NIR file ${options.source ?? '(unnamed)'} (NIR ${graph.version ?? 'version not given'}) by \`neurofab nir import\`.`,
    `// Continuous-time NIR neurons discretised with dt = ${quantityText(dt, 's')} (${how}): beta = ${
      how === 'exact' ? 'exp(-dt/tau)' : '1 - dt/tau'
    }; the NIR gains r, w_in, v_leak are folded into the weights (docs/nir.md).`,
    `// Weights: ${options.weightsFile ?? 'the weights sidecar'} (units x inputs, row-major).`,
    '',
  );
  const neuronNames = new Map<ImportedLayer, string>();
  const used = new Set<string>();
  for (const l of layers) {
    if (!l.neuron) continue;
    const n = l.neuron;
    const name = identifier(`${l.name}_neuron`, used);
    neuronNames.set(l, name);
    lines.push(`neuron ${name} : ${n.kind} {`);
    lines.push(`  tau_mem = ${quantityText(n.tauMem, 's')}`);
    if (n.tauSyn !== undefined) lines.push(`  tau_syn = ${quantityText(n.tauSyn, 's')}`);
    lines.push(`  v_th = ${quantityText(n.vTh, 'V')}`, `  v_reset = ${quantityText(n.vReset, 'V')}`);
    // NIR's LIF and CubaLIF set v to v_reset when they fire.
    lines.push('  reset = value', '}', '');
  }
  const maxUnits = Math.max(...layers.map((l) => l.weights.units));
  const maxFanIn = Math.max(
    ...layers.map((l) => l.weights.inputs + (l.weights.recurrent ? l.weights.units : 0)),
  );
  const perCore = Math.max(1024, maxUnits);
  const cores = layers.reduce((s, l) => s + Math.ceil(l.weights.units / perCore), 0);
  const firstNeuron = [...neuronNames.values()][0];
  lines.push(
    'chip nir_chip {',
    '  tile core : spiking_core {',
    `    neurons = ${perCore}  // Loihi: 1,024 per core (Davies 2018); more when a layer is larger`,
    `    fan_in = ${Math.max(4096, maxFanIn)}`,
    ...(firstNeuron ? [`    neuron = ${firstNeuron}`] : []),
    `    count = ${cores}`,
    '  }',
    '}',
    '',
    `network ${network} {`,
    `  input ${inputName} : ${inputSize}`,
  );
  for (const l of layers) {
    const w = l.weights;
    if (l.kind === 'spiking') {
      const fields = [`neuron = ${neuronNames.get(l)}`];
      if (w.recurrent) fields.push('recurrent = true');
      if (w.bias) fields.push('bias = true');
      lines.push(`  spiking ${l.name} : ${w.units} { ${fields.join('  ')} } on core`);
    } else {
      lines.push(
        `  dense ${l.name} : ${w.units} { act = identity  bias = ${w.bias ? 'true' : 'false'} } on core`,
      );
    }
  }
  lines.push('}', '');
  const last = layers[layers.length - 1]!;
  const dataset = fittingDataset(inputSize, last.weights.units);
  const experiment = [
    `experiment ${network}_run {`,
    '  chip = nir_chip',
    `  network = ${network}`,
    `  dataset = ${dataset ?? 'synthetic_spikes'}`,
    '  train {',
    // surrogate_bptt trains feed-forward spiking layers; a recurrent one learns by e-prop.
    layers.some((l) => l.weights.recurrent)
      ? '    rule = eprop  // Bellec et al. 2020: online learning for recurrent spiking nets'
      : '    rule = surrogate_bptt',
    `    time_steps = ${numberText(25)}  // snnTorch tutorials: 25 steps`,
    '  }',
    '  seed = 0',
    '}',
  ];
  if (dataset) lines.push(...experiment);
  else {
    lines.push(
      `// No built-in data set has ${inputSize} inputs and ${last.weights.units} outputs, so the experiment is`,
      '// left as a template: give it a data set (e.g. `dataset = csv(train = "a.csv", test = "b.csv")`).',
      ...experiment.map((l) => `// ${l}`),
    );
  }
  return formatDocument(`${lines.join('\n')}\n`);
}
