// The schematic's pure core: model -> graph, diagram edit -> text edit, graph -> SVG.
export * from './edits';
export * from './graph';
export * from './svg';
