// The diagram as a standalone SVG document (export): boxes, labels, figures and edges drawn from
// the graph and the laid-out positions. Pure string building, so it is the same in the browser,
// in tests and in reports.
import type { SchematicGraph } from './graph';

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export const NODE_COLOURS: Readonly<Record<string, string>> = {
  chip: '#3b4252',
  network: '#3b4252',
  tile: '#4c8bf5',
  core: '#b48ead',
  router: '#d08770',
  device: '#a3be8c',
  neuron: '#ebcb8b',
  layer: '#4c8bf5',
  target: '#88c0d0',
};

/** `boxes`: absolute positions and sizes by node id; nodes without a box are left out. */
export function graphToSvg(
  graph: SchematicGraph,
  boxes: ReadonlyMap<string, Box>,
  title = 'schematic',
): string {
  const placed = graph.nodes.filter((n) => boxes.has(n.id));
  const pad = 20;
  let minX = Number.POSITIVE_INFINITY;
  let minY = Number.POSITIVE_INFINITY;
  let maxX = Number.NEGATIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  for (const n of placed) {
    const b = boxes.get(n.id)!;
    minX = Math.min(minX, b.x);
    minY = Math.min(minY, b.y);
    maxX = Math.max(maxX, b.x + b.width);
    maxY = Math.max(maxY, b.y + b.height);
  }
  if (!placed.length) [minX, minY, maxX, maxY] = [0, 0, 100, 100];
  const w = Math.ceil(maxX - minX + 2 * pad);
  const h = Math.ceil(maxY - minY + 2 * pad);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="${minX - pad} ${minY - pad} ${w} ${h}" font-family="Inter, 'DejaVu Sans', Arial, sans-serif">`,
    `<title>${esc(title)}</title>`,
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" fill="#9aa5b8"/></marker></defs>',
    `<rect x="${minX - pad}" y="${minY - pad}" width="${w}" height="${h}" fill="#1e2230"/>`,
  ];
  // Groups first (underneath), then edges, then the nodes.
  const groups = placed.filter((n) => n.kind === 'chip' || n.kind === 'network');
  const leaves = placed.filter((n) => n.kind !== 'chip' && n.kind !== 'network');
  for (const n of groups) {
    const b = boxes.get(n.id)!;
    out.push(
      `<g data-id="${esc(n.id)}"><rect x="${b.x}" y="${b.y}" width="${b.width}" height="${b.height}" rx="8" fill="#262b3a" stroke="#5a6378" stroke-dasharray="4 3"/>`,
      `<text x="${b.x + 10}" y="${b.y + 18}" fill="#e5e9f0" font-size="13" font-weight="600">${esc(n.kind)} ${esc(n.label)}</text>`,
      `<text x="${b.x + 10}" y="${b.y + 34}" fill="#9aa5b8" font-size="11">${esc(n.figures.join(' · '))}</text></g>`,
    );
  }
  for (const e of graph.edges) {
    const s = boxes.get(e.source);
    const t = boxes.get(e.target);
    if (!s || !t) continue;
    const x1 = s.x + s.width;
    const y1 = s.y + s.height / 2;
    const x2 = t.x;
    const y2 = t.y + t.height / 2;
    const mx = (x1 + x2) / 2;
    const dash = e.kind === 'dataflow' ? '' : ' stroke-dasharray="5 4"';
    out.push(
      `<path d="M${x1} ${y1}C${mx} ${y1} ${mx} ${y2} ${x2} ${y2}" fill="none" stroke="#9aa5b8" stroke-width="1.5"${dash} marker-end="url(#arrow)"/>`,
    );
    if (e.label) {
      out.push(
        `<text x="${mx}" y="${(y1 + y2) / 2 - 4}" fill="#cfd6e4" font-size="11" text-anchor="middle">${esc(e.label)}</text>`,
      );
    }
  }
  for (const n of leaves) {
    const b = boxes.get(n.id)!;
    const colour = NODE_COLOURS[n.kind] ?? '#88c0d0';
    out.push(
      `<g data-id="${esc(n.id)}"><rect x="${b.x}" y="${b.y}" width="${b.width}" height="${b.height}" rx="6" fill="#2e3446" stroke="${colour}" stroke-width="1.5"/>`,
      `<rect x="${b.x}" y="${b.y}" width="4" height="${b.height}" fill="${colour}"/>`,
      `<text x="${b.x + 12}" y="${b.y + 18}" fill="#e5e9f0" font-size="13" font-weight="600">${esc(n.label)}<tspan fill="#9aa5b8" font-weight="400" font-size="11"> ${esc(n.type)}</tspan></text>`,
    );
    n.figures.forEach((f, i) => {
      out.push(
        `<text x="${b.x + 12}" y="${b.y + 36 + i * 15}" fill="#cfd6e4" font-size="11">${esc(f)}</text>`,
      );
    });
    out.push('</g>');
  }
  out.push('</svg>');
  return out.join('\n');
}
