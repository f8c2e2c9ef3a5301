// The in-memory NIR graph: what a .nir file holds, typed, before any mapping to the studio.
// Source of the primitives and their parameters: the NIR reference implementation
// (github.com/neuromorphs/NIR, nir/ir/*.py: neuron.py, linear.py, conv.py, pooling.py,
// delay.py, flatten.py, threshold.py, graph.py) and its HDF5 reader/writer
// (nir/serialization.py). See docs/nir.md.
//
// This is a file-format model, not a second model of the network: the studio's network stays
// engine/ir/model.ts. The mapping between the two lives in ./import.ts and ./export.ts.

/** An n-dimensional numeric array as NIR stores it (row-major, C order), read as float64. */
export interface NirArray {
  shape: number[];
  data: Float64Array;
  /** HDF5 dtype as h5wasm names it ('<f' float32, '<d' float64, '<q' int64, ...). */
  dtype: string;
}

export interface NirNode {
  name: string;
  /** NIR primitive name: 'Input', 'Affine', 'LIF', ... or 'NIRGraph' for a subgraph. */
  type: string;
  /** Parameter datasets by name (weight, bias, tau, shape, ...). */
  params: Record<string, NirArray>;
  /** For type 'NIRGraph': the nested graph. */
  graph?: NirGraph;
}

export interface NirGraph {
  /** The file's /version string (e.g. '1.0.6'); absent for a nested graph. */
  version?: string;
  nodes: NirNode[];
  /** (source, target) node names, in file order. */
  edges: [string, string][];
}

/** A problem with a NIR file or graph, with the HDF5 path it concerns. */
export class NirFormatError extends Error {
  constructor(
    message: string,
    readonly path = '',
  ) {
    super(path ? `${path}: ${message}` : message);
    this.name = 'NirFormatError';
  }
}

export const arr = (shape: number[], values: ArrayLike<number>, dtype = '<d'): NirArray => ({
  shape,
  data: Float64Array.from(values),
  dtype,
});

export const size = (a: NirArray): number => a.data.length;

/**
 * Each primitive's required and optional parameter datasets, as NIR's serialization.py reads
 * them (read_node / from_dict). Optional ones have defaults in NIR: v_reset = 0 (LIF, IF,
 * CubaLIF), w_in = 1 (CubaLI, CubaLIF), input_shape (Conv1d/2d).
 */
export const NIR_PRIMITIVES: Readonly<Record<string, { required: string[]; optional: string[] }>> = {
  Input: { required: ['shape'], optional: [] },
  Output: { required: ['shape'], optional: [] },
  Affine: { required: ['weight', 'bias'], optional: [] },
  Linear: { required: ['weight'], optional: [] },
  Scale: { required: ['scale'], optional: [] },
  Conv1d: {
    required: ['weight', 'stride', 'padding', 'dilation', 'groups', 'bias'],
    optional: ['input_shape'],
  },
  Conv2d: {
    required: ['weight', 'stride', 'padding', 'dilation', 'groups', 'bias'],
    optional: ['input_shape'],
  },
  Delay: { required: ['delay'], optional: [] },
  Flatten: { required: ['start_dim', 'end_dim'], optional: ['input_type'] },
  LI: { required: ['tau', 'r', 'v_leak'], optional: [] },
  LIF: { required: ['tau', 'r', 'v_leak', 'v_threshold'], optional: ['v_reset'] },
  CubaLI: { required: ['tau_syn', 'tau_mem', 'r', 'v_leak'], optional: ['w_in'] },
  CubaLIF: {
    required: ['tau_syn', 'tau_mem', 'r', 'v_leak', 'v_threshold'],
    optional: ['v_reset', 'w_in'],
  },
  I: { required: ['r'], optional: [] },
  IF: { required: ['r', 'v_threshold'], optional: ['v_reset'] },
  SumPool2d: { required: ['kernel_size', 'stride', 'padding'], optional: [] },
  AvgPool2d: { required: ['kernel_size', 'stride', 'padding'], optional: [] },
  Threshold: { required: ['threshold'], optional: [] },
};

/** Neuron primitives whose parameters are per-neuron arrays that must all have one shape. */
const ELEMENTWISE: Readonly<Record<string, string[]>> = {
  LI: ['tau', 'r', 'v_leak'],
  LIF: ['tau', 'r', 'v_leak', 'v_threshold', 'v_reset'],
  CubaLI: ['tau_syn', 'tau_mem', 'r', 'v_leak', 'w_in'],
  CubaLIF: ['tau_syn', 'tau_mem', 'r', 'v_leak', 'v_threshold', 'v_reset', 'w_in'],
  I: ['r'],
  IF: ['r', 'v_threshold', 'v_reset'],
};

const sameShape = (a: number[], b: number[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** Neuron count of a node's elementwise parameters (product of their shape). */
export function neuronCount(node: NirNode): number | null {
  const names = ELEMENTWISE[node.type];
  if (!names) return null;
  const first = node.params[names[0]!];
  return first ? first.data.length : null;
}

/**
 * Checks a graph against the NIR primitives: known types, required parameters present, shapes
 * consistent within a node (weight 2-D with bias of its row count, neuron parameters of one
 * shape), edges naming existing nodes, and exactly the Input/Output nodes edges need. Returns
 * every problem found; an empty list means the graph is well formed. `at` prefixes HDF5 paths.
 */
export function validateGraph(graph: NirGraph, at = '/node'): NirFormatError[] {
  const errors: NirFormatError[] = [];
  const names = new Set<string>();
  for (const node of graph.nodes) {
    const where = `${at}/nodes/${node.name}`;
    if (names.has(node.name)) errors.push(new NirFormatError('duplicate node name', where));
    names.add(node.name);
    if (node.type === 'NIRGraph') {
      if (node.graph) errors.push(...validateGraph(node.graph, where));
      else errors.push(new NirFormatError('NIRGraph node without nodes and edges', where));
      continue;
    }
    const spec = NIR_PRIMITIVES[node.type];
    if (!spec) {
      errors.push(
        new NirFormatError(
          `unknown NIR type '${node.type}'; NIR 1.0 types are ${Object.keys(NIR_PRIMITIVES).join(', ')}, NIRGraph`,
          `${where}/type`,
        ),
      );
      continue;
    }
    const missing = spec.required.filter((p) => !node.params[p]);
    if (missing.length > 0) {
      errors.push(
        new NirFormatError(
          `${node.type} needs dataset(s) ${missing.join(', ')} (it has: ${Object.keys(node.params).join(', ') || 'none'})`,
          where,
        ),
      );
      continue;
    }
    errors.push(...checkShapes(node, where));
  }
  for (const [i, [a, b]] of graph.edges.entries()) {
    for (const end of [a, b]) {
      // NIR names a node inside a subgraph 'sub.inner' (nirtorch); the subgraph must exist.
      const head = end.split('.')[0]!;
      if (!names.has(end) && !names.has(head)) {
        errors.push(new NirFormatError(`edge ${i} (${a} -> ${b}) names no node '${end}'`, `${at}/edges`));
      }
    }
  }
  return errors;
}

function checkShapes(node: NirNode, where: string): NirFormatError[] {
  const p = node.params;
  const errors: NirFormatError[] = [];
  const bad = (msg: string) => errors.push(new NirFormatError(`${node.type}: ${msg}`, where));
  switch (node.type) {
    case 'Affine':
    case 'Linear': {
      const w = p.weight!;
      if (w.shape.length !== 2) bad(`weight must be 2-D (out x in), got shape [${w.shape.join(', ')}]`);
      else if (node.type === 'Affine' && p.bias!.data.length !== w.shape[0]) {
        bad(`bias has ${p.bias!.data.length} values but weight has ${w.shape[0]} rows (outputs)`);
      }
      break;
    }
    case 'Input':
    case 'Output': {
      const s = p.shape!;
      if (s.shape.length > 1 || s.data.some((x) => !Number.isInteger(x) || x < 1)) {
        bad(`shape must be a 1-D list of positive integers, got [${Array.from(s.data).join(', ')}]`);
      }
      break;
    }
    default: {
      const names = ELEMENTWISE[node.type];
      if (!names) break;
      const ref = p[names[0]!]!;
      for (const n of names) {
        const a = p[n];
        // NIR's dataclasses broadcast a scalar default (v_reset, w_in) to the neuron shape.
        if (a && a.data.length !== 1 && !sameShape(a.shape, ref.shape)) {
          bad(`${n} has shape [${a.shape.join(', ')}] but ${names[0]} has [${ref.shape.join(', ')}]`);
        }
      }
    }
  }
  for (const [name, a] of Object.entries(p)) {
    if (a.data.some((x) => !Number.isFinite(x))) bad(`${name} holds NaN or infinite values`);
  }
  return errors;
}
