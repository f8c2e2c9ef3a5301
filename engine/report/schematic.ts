// The run's schematic in the report: the studio's own graph model (engine/dsl/schematic) laid out
// by the studio's own elkjs layout (engine/dsl/schematic/layout.ts: pure code, no DOM), drawn by
// the studio's SVG export. One model, one layout, one drawing, in the editor and on paper.

import { buildGraph, type SchematicView } from '../dsl/schematic/graph';
import { layoutGraph, type Placed } from '../dsl/schematic/layout';
import { type Box, graphToSvg } from '../dsl/schematic/svg';
import type { ElaboratedModel } from '../ir/model';

/** Parent-relative positions (what the layout returns, for React Flow) to absolute boxes. */
export function absoluteBoxes(
  parents: ReadonlyMap<string, string | null>,
  placed: ReadonlyMap<string, Placed>,
): Map<string, Box> {
  const abs = new Map<string, Box>();
  const place = (id: string): Box | null => {
    const hit = abs.get(id);
    if (hit) return hit;
    const p = placed.get(id);
    if (!p) return null;
    const parentId = parents.get(id) ?? null;
    const parent = parentId ? place(parentId) : null;
    const b = { x: p.x + (parent?.x ?? 0), y: p.y + (parent?.y ?? 0), width: p.width, height: p.height };
    abs.set(id, b);
    return b;
  };
  for (const id of placed.keys()) place(id);
  return abs;
}

let svgCount = 0;

/**
 * One view of the model as an SVG string, or null when the view is empty. `fileName` keeps
 * imported declarations no block uses out of the chip view, as in the editor. The arrow marker's
 * id is made unique: several schematics share one HTML document.
 */
export async function schematicSvg(
  model: ElaboratedModel,
  view: SchematicView,
  fileName: string,
): Promise<string | null> {
  const graph = buildGraph(view, model, { fileName });
  if (graph.nodes.length === 0) return null;
  const placed = await layoutGraph(graph, new Set());
  const boxes = absoluteBoxes(new Map(graph.nodes.map((n) => [n.id, n.parent])), placed);
  const id = `arrow-${++svgCount}`;
  return graphToSvg(graph, boxes, `${view} view`)
    .replaceAll('id="arrow"', `id="${id}"`)
    .replaceAll('url(#arrow)', `url(#${id})`);
}
