// How a dense layer's weight matrix is laid over fixed-size crossbars.
//
// Conventions (docs/dsl.md, "Mapping"):
// - Rows carry inputs, columns carry outputs. A bias is one extra input row driven at a constant
//   1, so a layer needs `inputs + 1` rows when it has a bias.
// - `differential`: every weight is a G+/G- pair held in two arrays at the same cell position.
//   A tile is such a pair of arrays, and the pair counts as ONE cell in rows, cols and
//   utilisation.
// - `reference_column`: one column of every crossbar holds the reference conductance
//   (g_min + g_max)/2, so only `cols - 1` columns carry weights.
// - Blocks are not shared between layers: each layer uses whole crossbars.
import type { CoreTile, CrossbarTile, LayerMapping } from '../ir/model';

export function usableCols(tile: Pick<CrossbarTile, 'cols' | 'signedWeights'>): number {
  return tile.signedWeights === 'reference_column' ? tile.cols - 1 : tile.cols;
}

export function mapDense(
  inputs: number,
  units: number,
  bias: boolean,
  tile: Pick<CrossbarTile, 'name' | 'rows' | 'cols' | 'signedWeights'>,
): LayerMapping {
  const rowsNeeded = inputs + (bias ? 1 : 0);
  const cols = Math.max(1, usableCols(tile));
  const rowBlocks = Math.ceil(rowsNeeded / tile.rows);
  const colBlocks = Math.ceil(units / cols);
  const tilesUsed = rowBlocks * colBlocks;
  const utilisation = (rowsNeeded * units) / (tilesUsed * tile.rows * tile.cols);
  return { tile: tile.name, rowBlocks, colBlocks, tilesUsed, utilisation };
}

/** "785x256 weights on xbar (256x256): 4 row blocks x 1 col block = 4 tiles, utilisation 76.7%" */
export function describeMapping(
  layer: string,
  inputs: number,
  units: number,
  bias: boolean,
  tile: Pick<CrossbarTile, 'rows' | 'cols'>,
  m: LayerMapping,
): string {
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  return (
    `layer '${layer}': ${inputs + (bias ? 1 : 0)}x${units} weights${bias ? ' (incl. bias row)' : ''} on ` +
    `'${m.tile}' (${tile.rows}x${tile.cols}): ${plural(m.rowBlocks, 'row block')} x ` +
    `${plural(m.colBlocks, 'col block')} = ${plural(m.tilesUsed, 'tile')}, ` +
    `utilisation ${(m.utilisation * 100).toFixed(1)}%`
  );
}

export type AnyTile = CrossbarTile | CoreTile;

/**
 * A layer's weight matrix on the tile grid: rows (inputs, + 1 with a bias) x cols (outputs).
 * conv2d is unrolled by im2col: k*k*c_in rows, c_out cols; a recurrent layer adds its own
 * outputs as inputs.
 */
export function mapMatrix(rowsNeeded: number, cols: number, tile: AnyTile): LayerMapping {
  if (tile.kind === 'crossbar') {
    return mapDense(rowsNeeded, cols, false, tile);
  }
  const p = tile.params;
  const num = (k: string, d: number) => (typeof p[k] === 'number' ? (p[k] as number) : d);
  if (tile.kind === 'spiking_core') {
    const neurons = num('neurons', 1024);
    const colBlocks = Math.ceil(cols / neurons);
    return {
      tile: tile.name,
      rowBlocks: 1,
      colBlocks,
      tilesUsed: colBlocks,
      utilisation: cols / (colBlocks * neurons),
      tileKind: tile.kind,
    };
  }
  if (tile.kind === 'digital_mac') {
    return { tile: tile.name, rowBlocks: 1, colBlocks: 1, tilesUsed: 1, utilisation: 1, tileKind: tile.kind };
  }
  const r = tile.kind === 'rf_chain' ? num('inputs', 1) : num('rows', 1);
  const c = tile.kind === 'rf_chain' ? num('outputs', 1) : num('cols', 1);
  const m = mapDense(rowsNeeded, cols, false, {
    name: tile.name,
    rows: r,
    cols: c,
    signedWeights: 'differential',
  });
  return { ...m, tileKind: tile.kind };
}
