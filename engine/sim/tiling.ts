// Tiling arithmetic: how a k×n weight matrix is laid over fixed-size rows×cols crossbar arrays,
// and what periphery that costs. Pure functions, no state; the crossbar layer's block loop, the
// estimator and the docs all read the same numbers from here.
//
// Conventions (the same as the DSL's mapping module, engine/dsl/mapping.ts, checked by a test):
// - Rows carry inputs (word lines, one DAC each), columns carry outputs (bit lines, one ADC each).
// - Blocks are filled greedily: row block b holds rows [b·rows, min((b+1)·rows, k)), so every
//   block but the last is full. (aihwkit's TileModuleArray splits evenly instead, e.g. 785 rows
//   on 256-row tiles as 197+196+196+196; the block count is the same.)
// - `differential`: every weight is a G⁺/G⁻ pair at the same cell position of two physical
//   arrays that share their periphery (the two bit-line currents are subtracted before one ADC).
//   The pair counts as ONE tile and one cell in utilisation, as in mapDense.
// - `reference_column`: one column of every array holds the reference conductance
//   (g_min + g_max)/2; its current is subtracted from every column of that array before the ADC,
//   so only cols − 1 columns carry weights and need an ADC.
// - Each tile (row block × col block) has its own DACs and ADCs; partial sums of the row blocks
//   are added digitally.
import type { TilePlan } from './plan';

/** The geometry a tiling needs from a tile. */
export type TileGeometry = Pick<TilePlan, 'rows' | 'cols' | 'signedWeights'>;

/** One tile's share of the weight matrix: rows [row0, row1) and columns [col0, col1). */
export interface TileBlock {
  rowBlock: number;
  colBlock: number;
  row0: number;
  row1: number;
  col0: number;
  col1: number;
}

export interface Tiling {
  /** Weight-matrix rows (inputs, + 1 if a bias row is on the array) and columns (outputs). */
  rowsNeeded: number;
  units: number;
  /** Columns of one array that carry weights (cols − 1 with a reference column). */
  usableCols: number;
  rowBlocks: number;
  colBlocks: number;
  /** Tiles used (rowBlocks × colBlocks); a differential pair of arrays is one tile. */
  tiles: number;
  /** Physical arrays: 2 per tile for differential pairs, 1 with a reference column. */
  arrays: number;
  /** Memory devices used: 2 per weight (differential) or 1 per weight + 1 reference per used row per tile. */
  devices: number;
  /** ADCs on the tiles used: one per usable bit line (per column pair when differential). */
  adcs: number;
  /** DACs on the tiles used: one per word line. */
  dacs: number;
  /** ADC conversions of one MVM (one input vector, no bound-management re-reads): rowBlocks × units. */
  adcConversionsPerMvm: number;
  /** DAC conversions of one MVM: every used row of every tile drives its word line once. */
  dacConversionsPerMvm: number;
  /** Used cells / cells of the tiles used (0..1); the same definition as mapDense. */
  utilisation: number;
  /** Row-major over (rowBlock, colBlock). */
  blocks: TileBlock[];
}

/** Columns of one array that carry weights. */
export function usableColumns(tile: Pick<TileGeometry, 'cols' | 'signedWeights'>): number {
  return tile.signedWeights === 'reference_column' ? tile.cols - 1 : tile.cols;
}

/** Start offsets of greedy blocks of `size` over `total` (the last block may be partial). */
function blockStarts(total: number, size: number): number[] {
  const starts: number[] = [];
  for (let s = 0; s < total; s += size) starts.push(s);
  return starts;
}

/** Lays a rowsNeeded × units matrix over `tile`'s arrays. Throws on a geometry that holds nothing. */
export function tileMatrix(rowsNeeded: number, units: number, tile: TileGeometry): Tiling {
  const { rows, cols, signedWeights } = tile;
  if (!Number.isInteger(rows) || rows < 1 || !Number.isInteger(cols) || cols < 1)
    throw new Error(`tile rows and cols must be positive integers, got ${rows}x${cols}.`);
  if (!Number.isInteger(rowsNeeded) || rowsNeeded < 1 || !Number.isInteger(units) || units < 1)
    throw new Error(`matrix must be at least 1x1, got ${rowsNeeded}x${units}.`);
  const usableCols = usableColumns(tile);
  if (usableCols < 1)
    throw new Error(`a ${rows}x${cols} tile with a reference column has no column left for weights.`);
  const rowStarts = blockStarts(rowsNeeded, rows);
  const colStarts = blockStarts(units, usableCols);
  const blocks: TileBlock[] = [];
  rowStarts.forEach((row0, rowBlock) => {
    colStarts.forEach((col0, colBlock) => {
      blocks.push({
        rowBlock,
        colBlock,
        row0,
        row1: Math.min(row0 + rows, rowsNeeded),
        col0,
        col1: Math.min(col0 + usableCols, units),
      });
    });
  });
  const rowBlocks = rowStarts.length;
  const colBlocks = colStarts.length;
  const tiles = rowBlocks * colBlocks;
  const differential = signedWeights === 'differential';
  const weights = rowsNeeded * units;
  return {
    rowsNeeded,
    units,
    usableCols,
    rowBlocks,
    colBlocks,
    tiles,
    arrays: tiles * (differential ? 2 : 1),
    // Reference column: each tile's used rows cross its reference column once.
    devices: differential ? 2 * weights : weights + rowsNeeded * colBlocks,
    adcs: tiles * usableCols,
    dacs: tiles * rows,
    adcConversionsPerMvm: rowBlocks * units,
    dacConversionsPerMvm: rowsNeeded * colBlocks,
    utilisation: weights / (tiles * rows * cols),
    blocks,
  };
}
