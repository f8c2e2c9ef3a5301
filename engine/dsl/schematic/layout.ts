// Automatic layout with elkjs (layered, left to right). Groups (chips, networks) are compound
// nodes laid out together with their children, so edges between groups route cleanly. Node sizes
// are computed from the text they show, so nothing overlaps.
import ELK, { type ElkExtendedEdge, type ElkNode } from 'elkjs/lib/elk.bundled.js';
import type { SchematicGraph, SchematicNode } from './graph';

export const NODE_WIDTH = 236;
export const GROUP_HEADER = 48;
const GRID_GAP = 16;

export interface Placed {
  x: number;
  y: number;
  width: number;
  height: number;
}

export function isGroup(n: SchematicNode): boolean {
  return n.kind === 'chip' || n.kind === 'network';
}

/** Groups with more children than this are laid out as a grid (a floorplan), edges to the group. */
export const GRID_ABOVE = 24;

/**
 * Where an edge endpoint is drawn: the node itself, or its group when the group is collapsed or
 * laid out as a grid (hundreds of parallel edges would hide everything else).
 */
export function endpointOf(
  graph: SchematicGraph,
  collapsed: ReadonlySet<string>,
): (id: string) => string | null {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  return (id) => {
    const n = byId.get(id);
    if (!n) return null;
    if (n.parent && (collapsed.has(n.parent) || gridded(graph, byId.get(n.parent)))) return n.parent;
    return id;
  };
}

/** Whether a group is laid out as a grid: a chip with many blocks (networks keep their flow). */
export function gridded(graph: SchematicGraph, group: SchematicNode | undefined): boolean {
  if (group?.kind !== 'chip') return false;
  let count = 0;
  for (const n of graph.nodes) if (n.parent === group.id) count++;
  return count > GRID_ABOVE;
}

export function leafHeight(n: SchematicNode): number {
  return 34 + n.figures.length * 16 + 8;
}

const elk = new ELK();

const LAYOUT = {
  'elk.algorithm': 'layered',
  'elk.direction': 'RIGHT',
  'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
  'elk.layered.spacing.nodeNodeBetweenLayers': '70',
  'elk.spacing.nodeNode': '28',
  'elk.spacing.componentComponent': '40',
  'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
  'elk.spacing.edgeLabel': '4',
};

/**
 * Positions relative to the parent (as React Flow wants them) and sizes. `collapsed` groups are
 * laid out as single boxes and their children are left out.
 */
export async function layoutGraph(
  graph: SchematicGraph,
  collapsed: ReadonlySet<string>,
): Promise<Map<string, Placed>> {
  const grids = new Map<string, { kids: SchematicNode[]; cols: number; cell: number }>();
  const elkOf = (n: SchematicNode): ElkNode => {
    if (isGroup(n) && !collapsed.has(n.id)) {
      const kids = graph.nodes.filter((c) => c.parent === n.id);
      if (n.kind === 'chip' && kids.length > GRID_ABOVE) {
        const cols = Math.ceil(Math.sqrt(kids.length * 1.5));
        const cell = Math.max(...kids.map(leafHeight));
        grids.set(n.id, { kids, cols, cell });
        const rows = Math.ceil(kids.length / cols);
        return {
          id: n.id,
          width: 32 + cols * (NODE_WIDTH + GRID_GAP) - GRID_GAP,
          height: GROUP_HEADER + 16 + rows * (cell + GRID_GAP) - GRID_GAP,
        };
      }
      return {
        id: n.id,
        layoutOptions: {
          'elk.padding': `[top=${GROUP_HEADER},left=16,bottom=40,right=16]`,
          'elk.nodeSize.minimum': '(260, 90)',
          'elk.nodeSize.constraints': 'MINIMUM_SIZE',
        },
        children: kids.map(elkOf),
      };
    }
    return {
      id: n.id,
      width: NODE_WIDTH,
      height: isGroup(n) ? 64 : leafHeight(n),
      // The tiles a network is mapped onto stand after its last layer.
      ...(n.kind === 'target' ? { layoutOptions: { 'elk.layered.layering.layerConstraint': 'LAST' } } : {}),
    };
  };
  const end = endpointOf(graph, collapsed);
  const seen = new Set<string>();
  const edges: ElkExtendedEdge[] = [];
  for (const e of graph.edges) {
    const s = end(e.source);
    const t = end(e.target);
    if (!s || !t || s === t || seen.has(`${s}->${t}`)) continue;
    seen.add(`${s}->${t}`);
    edges.push({
      id: `${s}->${t}`,
      sources: [s],
      targets: [t],
      ...(e.label ? { labels: [{ text: e.label, width: 7 * e.label.length + 6, height: 14 }] } : {}),
    });
  }
  const root: ElkNode = {
    id: '__root',
    layoutOptions: LAYOUT,
    children: graph.nodes.filter((n) => !n.parent).map(elkOf),
    edges,
  };
  const out = await elk.layout(root);
  const placed = new Map<string, Placed>();
  const walk = (n: ElkNode) => {
    for (const c of n.children ?? []) {
      placed.set(c.id, { x: c.x ?? 0, y: c.y ?? 0, width: c.width ?? NODE_WIDTH, height: c.height ?? 60 });
      walk(c);
    }
  };
  walk(out);
  for (const [, g] of grids) {
    g.kids.forEach((k, i) => {
      placed.set(k.id, {
        x: 16 + (i % g.cols) * (NODE_WIDTH + GRID_GAP),
        y: GROUP_HEADER + Math.floor(i / g.cols) * (g.cell + GRID_GAP),
        width: NODE_WIDTH,
        height: g.cell,
      });
    });
  }
  return placed;
}
