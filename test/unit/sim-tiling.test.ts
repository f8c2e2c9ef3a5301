// Tiling arithmetic against hand-computed numbers, and agreement with the DSL's mapping module.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mapDense } from '../../engine/dsl/mapping';
import { tileMatrix } from '../../engine/sim/tiling';

describe('tileMatrix', () => {
  it('785×500 on 256×256 differential pairs: 4 × 2 = 8 tiles', () => {
    const t = tileMatrix(785, 500, { rows: 256, cols: 256, signedWeights: 'differential' });
    expect(t.rowBlocks).toBe(4); // ⌈785/256⌉
    expect(t.colBlocks).toBe(2); // ⌈500/256⌉
    expect(t.tiles).toBe(8);
    expect(t.arrays).toBe(16); // a G⁺ and a G⁻ array per tile
    expect(t.usableCols).toBe(256);
    expect(t.devices).toBe(785 * 500 * 2);
    expect(t.adcs).toBe(8 * 256);
    expect(t.dacs).toBe(8 * 256);
    expect(t.adcConversionsPerMvm).toBe(4 * 500);
    expect(t.dacConversionsPerMvm).toBe(785 * 2);
    expect(t.utilisation).toBeCloseTo(392_500 / (8 * 65_536), 12); // 74.9%
    expect(t.blocks.map((b) => [b.row0, b.row1, b.col0, b.col1])).toEqual([
      [0, 256, 0, 256],
      [0, 256, 256, 500],
      [256, 512, 0, 256],
      [256, 512, 256, 500],
      [512, 768, 0, 256],
      [512, 768, 256, 500],
      [768, 785, 0, 256],
      [768, 785, 256, 500],
    ]);
  });

  it('785×500 with a reference column: 255 usable columns, still 8 tiles', () => {
    const t = tileMatrix(785, 500, { rows: 256, cols: 256, signedWeights: 'reference_column' });
    expect(t.usableCols).toBe(255);
    expect(t.rowBlocks).toBe(4);
    expect(t.colBlocks).toBe(2); // ⌈500/255⌉
    expect(t.tiles).toBe(8);
    expect(t.arrays).toBe(8);
    expect(t.devices).toBe(785 * 500 + 785 * 2); // one reference device per used row per tile
    expect(t.adcs).toBe(8 * 255);
    expect(t.blocks[1]).toEqual({ rowBlock: 0, colBlock: 1, row0: 0, row1: 256, col0: 255, col1: 500 });
    expect(t.utilisation).toBeCloseTo(392_500 / (8 * 65_536), 12);
  });

  it('the reference column costs a column block where the outputs just fit', () => {
    const diff = tileMatrix(100, 512, { rows: 256, cols: 256, signedWeights: 'differential' });
    const ref = tileMatrix(100, 512, { rows: 256, cols: 256, signedWeights: 'reference_column' });
    expect(diff.colBlocks).toBe(2);
    expect(ref.colBlocks).toBe(3); // ⌈512/255⌉
    expect(ref.adcConversionsPerMvm).toBe(512); // one row block
  });

  it('refuses geometries that hold nothing', () => {
    expect(() => tileMatrix(4, 4, { rows: 8, cols: 1, signedWeights: 'reference_column' })).toThrow(
      /no column left/,
    );
    expect(() => tileMatrix(0, 4, { rows: 8, cols: 8, signedWeights: 'differential' })).toThrow();
  });

  it('blocks cover the matrix exactly once and agree with the DSL mapping (mapDense)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3000 }),
        fc.integer({ min: 1, max: 1500 }),
        fc.boolean(),
        fc.integer({ min: 8, max: 512 }),
        fc.integer({ min: 8, max: 512 }),
        fc.constantFrom('differential' as const, 'reference_column' as const),
        (inputs, units, bias, rows, cols, signedWeights) => {
          const tile = { name: 'x', rows, cols, signedWeights };
          const t = tileMatrix(inputs + (bias ? 1 : 0), units, tile);
          const m = mapDense(inputs, units, bias, tile);
          expect(t.rowBlocks).toBe(m.rowBlocks);
          expect(t.colBlocks).toBe(m.colBlocks);
          expect(t.tiles).toBe(m.tilesUsed);
          expect(t.utilisation).toBeCloseTo(m.utilisation, 12);
          // Coverage: block areas add up to the matrix, every block fits one array, and blocks
          // tile rows and columns contiguously.
          let area = 0;
          let bad = 0;
          for (const b of t.blocks) {
            const h = b.row1 - b.row0;
            const w = b.col1 - b.col0;
            if (h < 1 || h > rows || w < 1 || w > t.usableCols) bad++;
            if (b.row0 !== (b.rowBlock === 0 ? 0 : t.blocks[(b.rowBlock - 1) * t.colBlocks]!.row1)) bad++;
            if (b.col0 !== (b.colBlock === 0 ? 0 : t.blocks[b.colBlock - 1]!.col1)) bad++;
            area += h * w;
          }
          expect(bad).toBe(0);
          expect(t.blocks.length).toBe(t.tiles);
          expect(area).toBe(t.rowsNeeded * units);
          expect(t.blocks[t.blocks.length - 1]!.row1).toBe(t.rowsNeeded);
          expect(t.blocks[t.colBlocks - 1]!.col1).toBe(units);
        },
      ),
      { numRuns: 300 },
    );
  });
});
