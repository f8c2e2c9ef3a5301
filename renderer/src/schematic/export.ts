// Export of the diagram: SVG built from the graph and the laid-out boxes (engine/dsl/schematic/svg),
// PNG by drawing that SVG on a canvas. Both are offered as downloads.
import type { SchematicGraph } from '../../../engine/dsl/schematic/graph';
import { type Box, graphToSvg } from '../../../engine/dsl/schematic/svg';

function download(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function exportSvg(name: string, graph: SchematicGraph, boxes: Map<string, Box>): void {
  download(`${name}.svg`, new Blob([graphToSvg(graph, boxes, name)], { type: 'image/svg+xml' }));
}

export async function exportPng(name: string, graph: SchematicGraph, boxes: Map<string, Box>): Promise<void> {
  const svg = graphToSvg(graph, boxes, name);
  const img = new Image();
  img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
  await img.decode();
  const scale = 2;
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, img.naturalWidth * scale);
  canvas.height = Math.max(1, img.naturalHeight * scale);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2-D canvas');
  ctx.scale(scale, scale);
  ctx.drawImage(img, 0, 0);
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
  if (!blob) throw new Error('the canvas produced no PNG');
  download(`${name}.png`, blob);
}
