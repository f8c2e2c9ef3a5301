import { describe, expect, it } from 'vitest';
import { mapDense, usableCols } from '../../engine/dsl/mapping';

const tile = (
  rows: number,
  cols: number,
  signedWeights: 'differential' | 'reference_column' = 'differential',
) => ({
  name: 't',
  rows,
  cols,
  signedWeights,
});

describe('mapDense', () => {
  it('784 inputs + 1 bias row over 256-row crossbars = 4 row blocks', () => {
    expect(mapDense(784, 256, true, tile(256, 256))).toEqual({
      tile: 't',
      rowBlocks: 4,
      colBlocks: 1,
      tilesUsed: 4,
      utilisation: (785 * 256) / (4 * 65536),
    });
  });

  it('without a bias 768 inputs fit exactly in 3 row blocks, fully used', () => {
    expect(mapDense(768, 256, false, tile(256, 256))).toMatchObject({
      rowBlocks: 3,
      colBlocks: 1,
      utilisation: 1,
    });
    // ... and the bias row pushes it to a fourth block.
    expect(mapDense(768, 256, true, tile(256, 256)).rowBlocks).toBe(4);
  });

  it('splits wide layers over column blocks', () => {
    // 1000 outputs over 128 columns: ceil(1000/128) = 8; 301 rows over 128: 3 blocks -> 24 tiles.
    const m = mapDense(300, 1000, true, tile(128, 128));
    expect(m).toMatchObject({ rowBlocks: 3, colBlocks: 8, tilesUsed: 24 });
    expect(m.utilisation).toBeCloseTo((301 * 1000) / (24 * 128 * 128), 12);
  });

  it('a differential pair counts as one cell; a reference column costs one column per crossbar', () => {
    expect(usableCols(tile(256, 256))).toBe(256);
    expect(usableCols(tile(256, 256, 'reference_column'))).toBe(255);
    // 256 outputs need two column blocks when one column of each crossbar is the reference.
    expect(mapDense(100, 256, false, tile(256, 256, 'reference_column'))).toMatchObject({
      colBlocks: 2,
      tilesUsed: 2,
    });
    expect(mapDense(100, 255, false, tile(256, 256, 'reference_column'))).toMatchObject({ colBlocks: 1 });
  });
});
