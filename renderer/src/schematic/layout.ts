// Automatic layout with elkjs (layered, left to right). Groups (chips, networks) are compound
// nodes laid out together with their children, so edges between groups route cleanly. Node sizes
// are computed from the text they show, so nothing overlaps.
import ELK, { type ElkExtendedEdge, type ElkNode } from 'elkjs/lib/elk.bundled.js';
import type { SchematicGraph, SchematicNode } from '../../../engine/dsl/schematic/graph';

export const NODE_WIDTH = 236;
export const GROUP_HEADER = 48;

export interface Placed {
  x: number;
  y: number;
  width: number;
  height: number;
}

export function isGroup(n: SchematicNode): boolean {
  return n.kind === 'chip' || n.kind === 'network';
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
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const visible = (n: SchematicNode) => !n.parent || !collapsed.has(n.parent);
  const elkOf = (n: SchematicNode): ElkNode => {
    if (isGroup(n) && !collapsed.has(n.id)) {
      const kids = graph.nodes.filter((c) => c.parent === n.id);
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
    return { id: n.id, width: NODE_WIDTH, height: isGroup(n) ? 64 : leafHeight(n) };
  };
  const visibleEnd = (id: string): string | null => {
    const n = byId.get(id);
    if (!n) return null;
    return visible(n) ? id : n.parent;
  };
  const seen = new Set<string>();
  const edges: ElkExtendedEdge[] = [];
  for (const e of graph.edges) {
    const s = visibleEnd(e.source);
    const t = visibleEnd(e.target);
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
  return placed;
}
