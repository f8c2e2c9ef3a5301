// Studio network (the checked, elaborated model) -> NIR graph. Writes
//   Input -> [Affine|Linear -> LIF|CubaLIF (+ Linear recurrent loop)] ... [-> Affine|Linear] -> Output
// with per-neuron parameter arrays. The NIR gains are chosen so that the Affine weights ARE the
// studio's weights (r = 1 / stepGain(tau_mem), w_in = 1 / stepGain(tau_syn), v_leak = 0), the
// same convention snnTorch's exporter uses with forward Euler (r = tau/dt, w_in = tau_syn/dt).
// Relations: ./discretise.ts and docs/nir.md.
import { neuronOption, neuronParam } from '../dsl/neuron-defaults';
import type { DenseLayer, ElaboratedModel, Layer, RecurrentLayer } from '../ir/model';
import { Rng } from '../sim/rng';
import { type Discretisation, nirTau, stepGain } from './discretise';
import { arr, NirFormatError, type NirGraph, type NirNode } from './graph';
import { NIR_VERSION } from './hdf5';
import { DEFAULT_DT } from './import';
import type { LayerWeights, WeightsFile } from './weights';

export interface ExportOptions {
  /** Network to export; default: the only network of the file (an error when there are several). */
  network?: string;
  dt?: number;
  discretisation?: Discretisation;
  /** Trained weights (the sidecar format); default: deterministic initial weights from `seed`. */
  weights?: WeightsFile;
  /** Seed of the initial weights; default: the seed of the first experiment on the network, else 0. */
  seed?: number;
}

export interface ExportResult {
  graph: NirGraph;
  /** The weights written (initial or given), per studio layer, in the sidecar format. */
  weights: WeightsFile;
  /** Seed of the initial weights (when no weights were given). */
  seed: number;
  warnings: string[];
}

/**
 * Deterministic initial weights: uniform in +-1/sqrt(fan_in), PyTorch nn.Linear's default
 * (kaiming_uniform with a = sqrt(5), bias bound 1/sqrt(fan_in)), from an Rng stream per layer.
 */
export function initialWeights(
  layer: { inputs: number; units: number; recurrent: boolean; bias: boolean },
  seed: number,
  stream: number,
): LayerWeights {
  const rng = new Rng(seed, stream);
  const fanIn = layer.inputs + (layer.recurrent ? layer.units : 0);
  const bound = 1 / Math.sqrt(fanIn);
  const draw = (n: number) => Float64Array.from({ length: n }, () => (2 * rng.uniform() - 1) * bound);
  return {
    inputs: layer.inputs,
    units: layer.units,
    weight: draw(layer.units * layer.inputs),
    recurrent: layer.recurrent ? draw(layer.units * layer.units) : undefined,
    bias: layer.bias ? draw(layer.units) : undefined,
  };
}

const fill = (n: number, v: number) => arr([n], new Float64Array(n).fill(v));

export function exportNir(model: ElaboratedModel, options: ExportOptions = {}): ExportResult {
  const dt = options.dt ?? DEFAULT_DT;
  const how = options.discretisation ?? 'exact';
  const nets = model.networks;
  if (nets.length === 0) throw new NirFormatError('the file defines no network');
  let net = nets[0]!;
  if (options.network) {
    const found = nets.find((n) => n.name === options.network);
    if (!found)
      throw new NirFormatError(
        `no network '${options.network}'; the file has ${nets.map((n) => n.name).join(', ')}`,
      );
    net = found;
  } else if (nets.length > 1) {
    throw new NirFormatError(
      `the file has ${nets.length} networks (${nets.map((n) => n.name).join(', ')}); choose one with --network`,
    );
  }
  const seed = options.seed ?? model.experiments.find((e) => e.network === net.name)?.seed ?? 0;
  const neurons = new Map((model.neurons ?? []).map((n) => [n.name, n]));
  const warnings: string[] = [];
  const unsupported = net.layers.filter(
    (l, i) =>
      (i === 0) !== (l.kind === 'input') ||
      !(l.kind === 'input' || l.kind === 'dense' || l.kind === 'spiking') ||
      (l.kind === 'dense' && (l.activation !== 'identity' || l.neuron)),
  );
  if (unsupported.length > 0) {
    throw new NirFormatError(
      `network '${net.name}': cannot export ${unsupported.map((l) => describe(l)).join(', ')}; ` +
        'export writes an input, spiking layers (lif, cuba_lif) and identity dense layers (readouts)',
    );
  }
  const nodes: NirNode[] = [];
  const edges: [string, string][] = [];
  const input = net.layers[0] as Extract<Layer, { kind: 'input' }>;
  if (input.shape.length > 1)
    warnings.push(`input ${input.name} ${input.shape.join('x')} is written flat (${input.size})`);
  nodes.push({ name: input.name, type: 'Input', params: { shape: arr([1], [input.size], '<q') } });
  let prev = input.name;
  const layersOut: Record<string, LayerWeights> = {};
  for (const [index, layer] of net.layers.entries()) {
    if (layer.kind === 'input') continue;
    const l = layer as DenseLayer | RecurrentLayer;
    const recurrent = l.kind === 'spiking' && l.recurrent;
    const given = options.weights?.layers[l.name];
    const w =
      given ?? initialWeights({ inputs: l.inputs, units: l.units, recurrent, bias: l.bias }, seed, index);
    if (w.inputs !== l.inputs || w.units !== l.units || (recurrent && !w.recurrent)) {
      throw new NirFormatError(
        `weights for layer '${l.name}' are ${w.units} x ${w.inputs}${w.recurrent ? ' + recurrent' : ''}; the layer needs ${l.units} x ${l.inputs}${recurrent ? ' + recurrent' : ''}`,
      );
    }
    layersOut[l.name] = w;
    const weightName = l.kind === 'spiking' ? `${l.name}_w` : l.name;
    const weight = arr([l.units, l.inputs], w.weight);
    nodes.push(
      w.bias
        ? { name: weightName, type: 'Affine', params: { weight, bias: arr([l.units], w.bias) } }
        : { name: weightName, type: 'Linear', params: { weight } },
    );
    edges.push([prev, weightName]);
    prev = weightName;
    if (l.kind !== 'spiking') continue;
    const n = neurons.get(l.neuron ?? '');
    if (!n || (n.kind !== 'lif' && n.kind !== 'cuba_lif')) {
      throw new NirFormatError(
        `layer '${l.name}': neuron '${l.neuron}' is ${n?.kind ?? 'undeclared'}; export maps lif and cuba_lif (NIR LIF, CubaLIF)`,
      );
    }
    if (neuronParam(n, 'refractory') > 0)
      warnings.push(`neuron ${n.name}: NIR has no refractory period; it is dropped`);
    if (neuronOption(n, 'reset') !== 'value')
      warnings.push(
        `neuron ${n.name}: reset = ${neuronOption(n, 'reset')}, but NIR's LIF resets v to v_reset (reset = value); a reader will simulate the value reset`,
      );
    const tauMem = nirTau(neuronParam(n, 'tau_mem'), dt, how);
    const u = l.units;
    const common = {
      r: fill(u, 1 / stepGain(tauMem, dt, how)),
      v_leak: fill(u, 0),
      v_threshold: fill(u, neuronParam(n, 'v_th')),
      v_reset: fill(u, neuronParam(n, 'v_reset')),
    };
    if (n.kind === 'lif') {
      nodes.push({ name: l.name, type: 'LIF', params: { tau: fill(u, tauMem), ...common } });
    } else {
      const tauSyn = nirTau(neuronParam(n, 'tau_syn'), dt, how);
      nodes.push({
        name: l.name,
        type: 'CubaLIF',
        params: {
          tau_mem: fill(u, tauMem),
          tau_syn: fill(u, tauSyn),
          ...common,
          w_in: fill(u, 1 / stepGain(tauSyn, dt, how)),
        },
      });
    }
    edges.push([prev, l.name]);
    if (recurrent && w.recurrent) {
      const rec = `${l.name}_rec`;
      nodes.push({ name: rec, type: 'Linear', params: { weight: arr([u, u], w.recurrent) } });
      edges.push([l.name, rec], [rec, l.name]);
    }
    prev = l.name;
  }
  const last = net.layers[net.layers.length - 1] as DenseLayer | RecurrentLayer;
  const names = new Set(nodes.map((n) => n.name));
  const outName = names.has('output') ? 'output_' : 'output';
  nodes.push({ name: outName, type: 'Output', params: { shape: arr([1], [last.units], '<q') } });
  edges.push([prev, outName]);
  return {
    graph: { version: NIR_VERSION, nodes, edges },
    weights: { network: net.name, dt, discretisation: how, layers: layersOut },
    seed,
    warnings,
  };
}

function describe(l: Layer): string {
  if (l.kind === 'dense')
    return `dense '${l.name}' with act = ${l.neuron ?? l.activation} (NIR has no such nonlinearity; identity only)`;
  return `${l.kind} '${l.name}'`;
}
