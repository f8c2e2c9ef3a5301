// Reads and writes NIR graphs as HDF5 files, with h5wasm (the HDF5 C library compiled to WASM;
// its Node build opens host files directly). The layout is the one NIR's reference writer
// produces (neuromorphs/NIR, nir/serialization.py write(); confirmed on files written by Norse
// and Rockpool in the NIR repository, paper/01_lif/*.nir):
//   /version                      scalar variable-length UTF-8 string
//   /node/type                    "NIRGraph" (a string dataset, not an attribute)
//   /node/edges                   (N, 2) variable-length UTF-8 strings: source, target
//   /node/nodes/<name>/type       the primitive's name, a string dataset
//   /node/nodes/<name>/<param>    numeric datasets (float32 or float64; Input/Output shape int64)
//   /node/nodes/<name>/metadata   optional group, ignored here
// A nested NIRGraph node has the same layout as /node, one level down.
import fs from 'node:fs';
import type { Dataset as H5Dataset, Group as H5Group } from 'h5wasm';
import { type NirArray, NirFormatError, type NirGraph, type NirNode } from './graph';

type H5 = typeof import('h5wasm/node');
let h5Promise: Promise<H5> | null = null;

/** h5wasm, loaded on first use (4 MB of WASM: the other CLI commands should not pay for it). */
async function h5(): Promise<H5> {
  h5Promise ??= import('h5wasm/node').then(async (m) => {
    await m.ready;
    return m;
  });
  return h5Promise;
}

/** HDF5 files start with this signature at offset 0, 512, 1024, 2048, ... (HDF5 spec, superblock). */
const HDF5_SIGNATURE = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Throws a clear NirFormatError unless `file` exists and carries the HDF5 signature. */
function assertHdf5(file: string): void {
  if (!fs.existsSync(file)) throw new NirFormatError(`${file}: no such file`);
  if (fs.statSync(file).isDirectory()) throw new NirFormatError(`${file} is a folder; give a .nir file`);
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    const head = Buffer.alloc(8);
    for (let offset = 0; offset + 8 <= size; offset = offset === 0 ? 512 : offset * 2) {
      fs.readSync(fd, head, 0, 8, offset);
      if (head.equals(HDF5_SIGNATURE)) return;
    }
  } finally {
    fs.closeSync(fd);
  }
  throw new NirFormatError(
    `${file} is not an HDF5 file (no HDF5 signature); a NIR file is HDF5 as written by nir.write() (snnTorch, Norse, Rockpool, Lava-DL, ...)`,
  );
}

function isGroup(m: H5, e: unknown): e is H5Group {
  return e instanceof m.Group;
}
function isDataset(m: H5, e: unknown): e is H5Dataset {
  return e instanceof m.Dataset;
}

function readString(m: H5, g: H5Group, name: string, path: string): string {
  const e = g.keys().includes(name) ? g.get(name) : null;
  if (!isDataset(m, e)) throw new NirFormatError(`missing string dataset '${name}'`, path);
  const v = e.value;
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return new TextDecoder().decode(v).replace(/\0+$/, '');
  throw new NirFormatError(`'${name}' must be a string, got a ${e.dtype} dataset`, `${path}/${name}`);
}

function readArray(ds: H5Dataset, path: string): NirArray {
  const v = ds.value;
  const shape = ds.shape ?? [];
  let data: Float64Array;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean')
    data = Float64Array.of(Number(v));
  else if (v instanceof BigInt64Array || v instanceof BigUint64Array) data = Float64Array.from(v, Number);
  else if (ArrayBuffer.isView(v) && !(v instanceof DataView))
    data = Float64Array.from(v as ArrayLike<number>);
  else throw new NirFormatError(`expected a numeric dataset, got dtype ${JSON.stringify(ds.dtype)}`, path);
  return { shape, data, dtype: typeof ds.dtype === 'string' ? ds.dtype : JSON.stringify(ds.dtype) };
}

function readGraph(m: H5, g: H5Group, path: string): NirGraph {
  const keys = g.keys();
  const type = readString(m, g, 'type', path);
  if (type !== 'NIRGraph') throw new NirFormatError(`type is '${type}', expected 'NIRGraph'`, `${path}/type`);
  if (!keys.includes('nodes')) throw new NirFormatError("missing group 'nodes'", path);
  if (!keys.includes('edges')) throw new NirFormatError("missing dataset 'edges'", path);
  const nodesGroup = g.get('nodes');
  if (!isGroup(m, nodesGroup)) throw new NirFormatError("'nodes' must be a group", `${path}/nodes`);
  const edgesDs = g.get('edges');
  if (!isDataset(m, edgesDs)) throw new NirFormatError("'edges' must be a dataset", `${path}/edges`);
  const flat = edgesDs.value;
  const shape = edgesDs.shape ?? [];
  let edges: [string, string][] = [];
  if (
    Array.isArray(flat) &&
    flat.every((x) => typeof x === 'string') &&
    shape.length === 2 &&
    shape[1] === 2
  ) {
    const s = flat as string[];
    edges = Array.from({ length: shape[0]! }, (_, i) => [s[2 * i]!, s[2 * i + 1]!] as [string, string]);
  } else if (!(shape.length === 1 && shape[0] === 0) && !(shape.length === 2 && shape[0] === 0)) {
    throw new NirFormatError(
      `edges must be an (N, 2) array of strings, got shape [${shape.join(', ')}] of ${JSON.stringify(edgesDs.dtype)}`,
      `${path}/edges`,
    );
  }
  const nodes: NirNode[] = [];
  for (const name of nodesGroup.keys()) {
    const np = `${path}/nodes/${name}`;
    const ng = nodesGroup.get(name);
    if (!isGroup(m, ng)) throw new NirFormatError('a node must be a group', np);
    const t = readString(m, ng, 'type', np);
    if (t === 'NIRGraph') {
      nodes.push({ name, type: t, params: {}, graph: readGraph(m, ng, np) });
      continue;
    }
    const params: Record<string, NirArray> = {};
    for (const k of ng.keys()) {
      if (k === 'type') continue;
      const e = ng.get(k);
      // metadata and (NIR 0.x) input_type/output_type groups carry no parameters we map.
      if (!isDataset(m, e)) continue;
      params[k] = readArray(e, `${np}/${k}`);
    }
    nodes.push({ name, type: t, params });
  }
  return { nodes, edges };
}

/** Reads a NIR HDF5 file. Throws NirFormatError with the HDF5 path of the first problem. */
export async function readNirFile(file: string): Promise<NirGraph> {
  assertHdf5(file);
  const m = await h5();
  const f = new m.File(file, 'r');
  try {
    const keys = f.keys();
    if (!keys.includes('node')) {
      throw new NirFormatError(
        `${file}: no group /node; a NIR file has /version and /node (found: ${keys.join(', ') || 'nothing'})`,
      );
    }
    const node = f.get('node');
    if (!isGroup(m, node)) throw new NirFormatError('/node must be a group', '/node');
    const graph = readGraph(m, node, '/node');
    if (keys.includes('version')) graph.version = readString(m, f, 'version', '');
    return graph;
  } finally {
    f.close();
  }
}

function writeGraph(g: H5Group, graph: NirGraph): void {
  g.create_dataset({ name: 'type', data: 'NIRGraph' });
  g.create_dataset({ name: 'edges', data: graph.edges.flat(), shape: [graph.edges.length, 2] });
  const nodes = g.create_group('nodes');
  for (const node of graph.nodes) {
    const ng = nodes.create_group(node.name);
    if (node.type === 'NIRGraph' && node.graph) {
      writeGraph(ng, node.graph);
      continue;
    }
    ng.create_dataset({ name: 'type', data: node.type });
    for (const [k, a] of Object.entries(node.params)) {
      const int = a.dtype === '<q';
      ng.create_dataset({
        name: k,
        data: int ? BigInt64Array.from(a.data, (x) => BigInt(Math.round(x))) : Float64Array.from(a.data),
        shape: a.shape,
        dtype: int ? '<q' : a.dtype === '<f' ? '<f' : '<d',
      });
    }
  }
}

/** Writes `graph` as a NIR HDF5 file (overwrites). Datasets are stored uncompressed. */
export async function writeNirFile(file: string, graph: NirGraph): Promise<void> {
  if (graph.edges.length === 0) throw new NirFormatError('a NIR graph needs at least one edge');
  const m = await h5();
  const f = new m.File(file, 'w');
  try {
    f.create_dataset({ name: 'version', data: graph.version ?? NIR_VERSION });
    writeGraph(f.create_group('node'), graph);
  } finally {
    f.close();
  }
}

/** The NIR release whose layout we write (neuromorphs/NIR, 1.0.x: nir/serialization.py). */
export const NIR_VERSION = '1.0.6';
