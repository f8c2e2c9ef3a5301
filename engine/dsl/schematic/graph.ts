// The schematic's graph: the elaborated model (engine/ir) mapped to plain nodes and edges, two
// views (chip and network). Pure TypeScript: no DOM, no React, no layout. Every node carries the
// path of its declaration (for edits) and its source span (for selection sync), found in the
// parse tree so both always agree with the text.
import type { Chip, CoreTile, DeviceModel, ElaboratedModel, Layer, NeuronModel } from '../../ir/model';
import { formatWithPrefix } from '../../ir/units';
import type { Decl, SourceFile, Span, Statement } from '../ast';

export type SchematicView = 'chip' | 'network';

export type NodeKind =
  | 'chip'
  | 'tile'
  | 'core'
  | 'router'
  | 'device'
  | 'neuron'
  | 'network'
  | 'layer'
  | 'target';

export interface SchematicNode {
  /** Stable over edits: derived from the declaration path (`chip:rram_chip/tile:xbar`). */
  id: string;
  kind: NodeKind;
  /** The declared kind: `crossbar`, `rram`, `dense`, `rf_chain`, ... */
  type: string;
  label: string;
  /** Key figures, one short line each (size, device, levels, bits, mapping). */
  figures: string[];
  /** The group node it sits in (a chip or a network), or null at the top level. */
  parent: string | null;
  /** Names of the declarations from the file's top level down (`['rram_chip', 'xbar']`); [] if none. */
  path: string[];
  /** The whole declaration in the document, or null (imported, or no declaration of its own). */
  span: Span | null;
  /** The declaration's name, for the editor's selection. */
  nameSpan: Span | null;
}

export interface SchematicEdge {
  id: string;
  source: string;
  target: string;
  kind: 'dataflow' | 'uses' | 'mapping';
  label?: string;
}

export interface SchematicGraph {
  view: SchematicView;
  nodes: SchematicNode[];
  edges: SchematicEdge[];
}

// ---------------------------------------------------------------- declarations in the text

/** The name a declaration is addressed by in a path: its name, or its keyword if it has none. */
export function declKey(d: Decl): string {
  return d.name ? [d.name, ...d.subpath].map((p) => p.name).join('.') : d.keyword.name;
}

/** The declaration at `path` (names from the top level down), or null. */
export function findDecl(file: SourceFile, path: readonly string[]): Decl | null {
  let list: readonly Statement[] = file.statements;
  let found: Decl | null = null;
  for (const key of path) {
    found = null;
    for (const st of list) {
      if (st.kind === 'decl' && declKey(st) === key) {
        found = st;
        break;
      }
    }
    if (!found) return null;
    list = found.body?.statements ?? [];
  }
  return found;
}

/** The innermost declaration path containing `offset` (for cursor → node). */
export function declPathAt(file: SourceFile, offset: number): string[] {
  const out: string[] = [];
  let list: readonly Statement[] = file.statements;
  for (;;) {
    const d = list.find((st): st is Decl => st.kind === 'decl' && st.start <= offset && offset <= st.end);
    if (!d) return out;
    out.push(declKey(d));
    list = d.body?.statements ?? [];
  }
}

// ---------------------------------------------------------------- figures

/** 2.5e-5, 'S' -> '25 µS'. */
export function si(value: number, unit: string): string {
  return formatWithPrefix(value, unit, 3);
}

const pct = (v: number): string => `${Number((v * 100).toPrecision(3))}%`;

function deviceFigures(d: DeviceModel): string[] {
  const out = [`G ${si(d.gMin, 'S')} – ${si(d.gMax, 'S')}`];
  out.push(d.levels === null ? 'continuous' : `${d.levels} levels`);
  if (d.programNoise || d.readNoise) out.push(`noise prog ${pct(d.programNoise)} · read ${pct(d.readNoise)}`);
  return out;
}

function paramFigures(params: Record<string, number | string | boolean>, max: number): string[] {
  return Object.entries(params)
    .slice(0, max)
    .map(([k, v]) => `${k} ${typeof v === 'number' ? Number(v.toPrecision(4)) : String(v)}`);
}

function shape(dims: readonly number[]): string {
  return dims.join('×');
}

function layerFigures(l: Layer): string[] {
  switch (l.kind) {
    case 'input':
      return [`shape ${shape(l.shape)}`, `${l.size} values`];
    case 'dense':
      return [`${l.inputs} → ${l.units}`, `act ${l.neuron ?? l.activation}${l.bias ? ' · bias' : ''}`];
    case 'conv2d':
      return [
        `${shape(l.inShape)} → ${shape(l.outShape)}`,
        `k ${l.kernel} · stride ${l.stride} · pad ${l.padding}`,
        `act ${l.activation}`,
      ];
    case 'pool':
      return [`${l.op} ${l.size}×${l.size} / ${l.stride}`, `${shape(l.inShape)} → ${shape(l.outShape)}`];
    case 'flatten':
      return [`${l.size} values`];
    default: {
      const r = l as Extract<Layer, { kind: 'recurrent' | 'spiking' }>;
      if (typeof r.inputs === 'number') {
        return [`${r.inputs} → ${r.units}`, `${r.neuron}${r.recurrent ? ' · recurrent' : ''}`];
      }
      return [];
    }
  }
}

function layerSize(l: Layer): number | null {
  switch (l.kind) {
    case 'input':
    case 'flatten':
      return l.size;
    case 'dense':
      return l.units;
    case 'conv2d':
    case 'pool':
      return l.outShape.reduce((a, b) => a * b, 1);
    default: {
      const r = l as { units?: unknown };
      return typeof r.units === 'number' ? r.units : null;
    }
  }
}

// ---------------------------------------------------------------- graph building

interface Ctx {
  file: SourceFile | null;
  fileName: string;
}

function spans(
  ctx: Ctx,
  path: string[],
  range: { file: string } | undefined,
): { span: Span | null; nameSpan: Span | null } {
  if (!ctx.file || (range && range.file !== ctx.fileName && range.file !== '')) {
    return { span: null, nameSpan: null };
  }
  const d = findDecl(ctx.file, path);
  if (!d) return { span: null, nameSpan: null };
  const n = d.name ?? d.keyword;
  return { span: { start: d.start, end: d.end }, nameSpan: { start: n.start, end: n.end } };
}

export const chipId = (chip: string): string => `chip:${chip}`;
export const tileId = (chip: string, tile: string): string => `chip:${chip}/tile:${tile}`;
export const deviceId = (name: string): string => `device:${name}`;
export const neuronId = (name: string): string => `neuron:${name}`;
export const networkId = (name: string): string => `network:${name}`;
export const layerId = (net: string, layer: string): string => `network:${net}/layer:${layer}`;

export interface GraphOptions {
  /** The document's file name as the checker saw it (to tell its own declarations from imports). */
  fileName?: string;
  /** The document's parse tree, for spans; without it nodes have no spans. */
  file?: SourceFile | null;
}

/** The chip view: devices and neurons on the left, each chip a group of its tiles, cores and router. */
export function chipGraph(model: ElaboratedModel, options: GraphOptions = {}): SchematicGraph {
  const ctx: Ctx = { file: options.file ?? null, fileName: options.fileName ?? '' };
  const nodes: SchematicNode[] = [];
  const edges: SchematicEdge[] = [];
  const devices = new Map<string, DeviceModel>(model.devices.map((d) => [d.name, d]));
  const neurons = new Map<string, NeuronModel>((model.neurons ?? []).map((n) => [n.name, n]));
  // Devices and neurons: those declared in this file, and imported ones some block uses.
  const used = new Set<string>();
  for (const c of model.chips) {
    for (const t of c.tiles) used.add(t.device);
    for (const k of c.cores ?? []) {
      if (k.device) used.add(k.device);
      if (k.neuron) used.add(k.neuron);
    }
  }
  const shown = (name: string, range: { file: string }) =>
    used.has(name) || !ctx.fileName || range.file === ctx.fileName || range.file === '';
  for (const d of model.devices) {
    if (!shown(d.name, d.range)) continue;
    nodes.push({
      id: deviceId(d.name),
      kind: 'device',
      type: d.kind,
      label: d.name,
      figures: deviceFigures(d),
      parent: null,
      path: [d.name],
      ...spans(ctx, [d.name], d.range),
    });
  }
  for (const n of model.neurons ?? []) {
    if (!shown(n.name, n.range)) continue;
    nodes.push({
      id: neuronId(n.name),
      kind: 'neuron',
      type: n.kind,
      label: n.name,
      figures: [n.spiking ? 'spiking' : 'graded', ...paramFigures(n.params, 2)],
      parent: null,
      path: [n.name],
      ...spans(ctx, [n.name], n.range),
    });
  }
  for (const chip of model.chips) addChip(ctx, chip, devices, neurons, nodes, edges);
  return { view: 'chip', nodes, edges };
}

function addChip(
  ctx: Ctx,
  chip: Chip,
  devices: Map<string, DeviceModel>,
  neurons: Map<string, NeuronModel>,
  nodes: SchematicNode[],
  edges: SchematicEdge[],
): void {
  const id = chipId(chip.name);
  const figures: string[] = [];
  if (chip.node !== null) figures.push(`node ${si(chip.node, 'm')}`);
  if (chip.clock) figures.push(`clock ${si(chip.clock, 'Hz')}`);
  const tileCount = chip.tiles.reduce((a, t) => a + t.count, 0);
  const coreCount = (chip.cores ?? []).reduce((a, c) => a + c.count, 0);
  if (tileCount || !coreCount) figures.push(`${tileCount} crossbar${tileCount === 1 ? '' : 's'}`);
  if (coreCount) figures.push(`${coreCount} core${coreCount === 1 ? '' : 's'}`);
  nodes.push({
    id,
    kind: 'chip',
    type: 'chip',
    label: chip.name,
    figures,
    parent: null,
    path: [chip.name],
    ...spans(ctx, [chip.name], chip.range),
  });
  for (const t of chip.tiles) {
    const tid = tileId(chip.name, t.name);
    const dev = devices.get(t.device);
    const f: string[] = [];
    if (t.kind === 'crossbar') {
      f.push(`${t.rows}×${t.cols} · ×${t.count}`);
      f.push(
        `${t.device}${dev ? ` (${dev.kind}, ${dev.levels === null ? 'cont.' : `${dev.levels} lv`})` : ''}`,
      );
      f.push(`DAC ${t.dacBits || '∞'} b · ADC ${t.adcBits || '∞'} b`);
      f.push(
        `${t.signedWeights === 'differential' ? 'differential' : 'ref. column'} · ${si(t.readVoltage, 'V')}`,
      );
    } else {
      // A tile kind this view does not know yet: its name, kind and count.
      f.push(`×${(t as { count?: number }).count ?? 1}`);
    }
    nodes.push({
      id: tid,
      kind: 'tile',
      type: t.kind,
      label: t.name,
      figures: f,
      parent: id,
      path: [chip.name, t.name],
      ...spans(ctx, [chip.name, t.name], t.range),
    });
    if (t.device && devices.has(t.device)) {
      edges.push({
        id: `${deviceId(t.device)}->${tid}`,
        source: deviceId(t.device),
        target: tid,
        kind: 'uses',
      });
    }
  }
  for (const c of chip.cores ?? []) addCore(ctx, chip, c, devices, neurons, nodes, edges);
  if (chip.router) {
    const r = chip.router;
    nodes.push({
      id: `${id}/router`,
      kind: 'router',
      type: r.topology,
      label: 'router',
      figures: [`${si(r.energyPerBit, 'J')}/bit·hop`, `${si(r.latencyPerHop, 's')}/hop`],
      parent: id,
      path: [chip.name, 'router'],
      ...spans(ctx, [chip.name, 'router'], chip.range),
    });
  }
}

function addCore(
  ctx: Ctx,
  chip: Chip,
  c: CoreTile,
  devices: Map<string, DeviceModel>,
  neurons: Map<string, NeuronModel>,
  nodes: SchematicNode[],
  edges: SchematicEdge[],
): void {
  const id = tileId(chip.name, c.name);
  const f = [`×${c.count}`];
  if (c.device) f.push(`device ${c.device}`);
  if (c.neuron) f.push(`neuron ${c.neuron}`);
  f.push(...paramFigures(c.params, 3));
  nodes.push({
    id,
    kind: 'core',
    type: c.kind,
    label: c.name,
    figures: f,
    parent: chipId(chip.name),
    path: [chip.name, c.name],
    ...spans(ctx, [chip.name, c.name], c.range),
  });
  if (c.device && devices.has(c.device)) {
    edges.push({ id: `${deviceId(c.device)}->${id}`, source: deviceId(c.device), target: id, kind: 'uses' });
  }
  if (c.neuron && neurons.has(c.neuron)) {
    edges.push({ id: `${neuronId(c.neuron)}->${id}`, source: neuronId(c.neuron), target: id, kind: 'uses' });
  }
}

/**
 * The network view: each network a group of its layers in order (data-flow edges carry the
 * number of values passed on), and one node per tile the layers are mapped onto, with an edge
 * per mapped layer saying how many crossbars it is split over.
 */
export function networkGraph(model: ElaboratedModel, options: GraphOptions = {}): SchematicGraph {
  const ctx: Ctx = { file: options.file ?? null, fileName: options.fileName ?? '' };
  const nodes: SchematicNode[] = [];
  const edges: SchematicEdge[] = [];
  for (const net of model.networks) {
    const nid = networkId(net.name);
    nodes.push({
      id: nid,
      kind: 'network',
      type: 'network',
      label: net.name,
      figures: [`${net.layers.length} layers`],
      parent: null,
      path: [net.name],
      ...spans(ctx, [net.name], net.range),
    });
    const targets = new Map<string, { tiles: number; layers: number }>();
    let previous: Layer | null = null;
    for (const l of net.layers) {
      const lid = layerId(net.name, l.name);
      const figures = layerFigures(l);
      const mapping = 'mapping' in l ? l.mapping : null;
      if (mapping) {
        figures.push(
          `on ${mapping.tile}: ${mapping.rowBlocks}×${mapping.colBlocks} = ${mapping.tilesUsed} tile${mapping.tilesUsed === 1 ? '' : 's'} · ${pct(mapping.utilisation)}`,
        );
      }
      nodes.push({
        id: lid,
        kind: 'layer',
        type: l.kind,
        label: l.name,
        figures,
        parent: nid,
        path: [net.name, l.name],
        ...spans(ctx, [net.name, l.name], l.range),
      });
      if (previous) {
        const size = layerSize(previous);
        edges.push({
          id: `${layerId(net.name, previous.name)}->${lid}`,
          source: layerId(net.name, previous.name),
          target: lid,
          kind: 'dataflow',
          ...(size !== null ? { label: String(size) } : {}),
        });
      }
      if (mapping) {
        const t = targets.get(mapping.tile) ?? { tiles: 0, layers: 0 };
        t.tiles += mapping.tilesUsed;
        t.layers++;
        targets.set(mapping.tile, t);
        edges.push({
          id: `${lid}->${nid}/target:${mapping.tile}`,
          source: lid,
          target: `${nid}/target:${mapping.tile}`,
          kind: 'mapping',
          label: `×${mapping.tilesUsed}`,
        });
      }
      previous = l;
    }
    for (const [tile, use] of targets) {
      const decl = model.chips.flatMap((c) => c.tiles).find((t) => t.name === tile);
      const core = model.chips.flatMap((c) => c.cores ?? []).find((t) => t.name === tile);
      const unit = !decl && core ? 'core' : 'tile';
      const figures = [
        `${use.tiles} ${unit}${use.tiles === 1 ? '' : 's'} for ${use.layers} layer${use.layers === 1 ? '' : 's'}`,
      ];
      if (decl) figures.unshift(`${decl.kind} ${decl.rows}×${decl.cols}`);
      else if (core) figures.unshift(`${core.kind} ×${core.count}`);
      nodes.push({
        id: `${nid}/target:${tile}`,
        kind: 'target',
        type: decl?.kind ?? core?.kind ?? 'tile',
        label: tile,
        figures,
        parent: nid,
        path: [],
        span: null,
        nameSpan: null,
      });
    }
  }
  return { view: 'network', nodes, edges };
}

export function buildGraph(
  view: SchematicView,
  model: ElaboratedModel,
  options: GraphOptions = {},
): SchematicGraph {
  return view === 'chip' ? chipGraph(model, options) : networkGraph(model, options);
}

/** The innermost node whose declaration contains `offset` (cursor → node), or null. */
export function nodeAtOffset(graph: SchematicGraph, offset: number): SchematicNode | null {
  let best: SchematicNode | null = null;
  for (const n of graph.nodes) {
    if (!n.span || offset < n.span.start || offset > n.span.end) continue;
    if (!best?.span || n.span.end - n.span.start < best.span.end - best.span.start) best = n;
  }
  return best;
}

/** Node ids by path key (`rram_chip/xbar`), to attach diagnostics found by declaration path. */
export function nodeIdByPath(graph: SchematicGraph): Map<string, string> {
  const out = new Map<string, string>();
  for (const n of graph.nodes) if (n.path.length) out.set(n.path.join('/'), n.id);
  return out;
}

export interface NodeProblem {
  severity: 'error' | 'warning' | 'info';
  message: string;
}

/**
 * Diagnostics attached to the innermost node whose declaration (found in the CURRENT parse, so
 * this also works on a stale graph) contains each diagnostic's start.
 */
export function problemsByNode(
  graph: SchematicGraph,
  file: SourceFile,
  diagnostics: readonly {
    severity: 'error' | 'warning' | 'info';
    message: string;
    range: { start: { offset: number } };
  }[],
): Map<string, NodeProblem[]> {
  const byPath = nodeIdByPath(graph);
  const out = new Map<string, NodeProblem[]>();
  for (const d of diagnostics) {
    const path = declPathAt(file, d.range.start.offset);
    while (path.length && !byPath.has(path.join('/'))) path.pop();
    if (!path.length) continue;
    const id = byPath.get(path.join('/'))!;
    const list = out.get(id) ?? [];
    list.push({ severity: d.severity, message: d.message });
    out.set(id, list);
  }
  return out;
}
