// IR drop: the wires of a crossbar have resistance, so a cell does not see the full read voltage.
// A first-order model in resummed form, fast enough to run at every forward pass
// (docs/engine-tiles.md).
//
// Geometry of one physical array (rows × cols): word line i is driven at V_i from the column-0
// end; bit line j is held at virtual ground by its sense amplifier below the last row. Every
// wire segment between neighbouring cells, and from the driver / to the amplifier, is r ohms.
// With ideal wires cell (i, j) carries I⁰_ij = G_ij·V_i. To first order in r·G the word line
// loses, at cell j, the drop of all the current that flows past the segments before it, and the
// bit line rises by the drop of the current flowing below cell i to the amplifier:
//   u_ij = V_i − r·Σ_j' I⁰_ij'·(min(j, j') + 1)        (word-line node voltage)
//   v_ij =       r·Σ_i' I⁰_i'j·(R − max(i, i'))        (bit-line node voltage)
// and the cell current is G_ij·(u_ij − v_ij). Summing over i, the bit-line current is
//   I_j = Σ_i V_i·G_ij·(1 − r·S_ij),  S_ij = A_ij + B_ij,
//   A_ij = Σ_j' G_ij'·(min(j, j') + 1),   B_ij = Σ_i' G_i'j·(R − max(i, i')).
// We use it resummed, G'_ij = G_ij / (1 + r·S_ij): the same to first order in r·G, exact for a
// single cell (G/(1 + 2rG): the cell in series with its two wire segments), never negative, and
// against an exact nodal solve 10–30× more accurate than the plain first-order form (measured on
// 8×8 to 32×32 arrays; docs/engine-tiles.md has the table). G' does not depend on the inputs: the
// array stays linear (as a resistive network is) and the read voltage cancels from every ratio.
// It costs O(rows·cols) per array with running sums. Validity is set by ε = irDropEpsilon().
import type { Tiling } from './tiling';

/**
 * Largest first-order relative drop of an array: every cell at g (S), every input on. The cell
 * farthest from both driver and amplifier loses r·g·(C(C+1) + R(R+1))/2 of its current.
 */
export function irDropEpsilon(rows: number, cols: number, r: number, g: number): number {
  return (r * g * (cols * (cols + 1) + rows * (rows + 1))) / 2;
}

/** A conductance buffer: Float64Array in tests, Float32Array in the layer (half the memory traffic). */
type Buf = Float32Array | Float64Array;

/**
 * Effective conductances of one array under IR drop, G' = G/(1 + r·S). `g` is rows×cols
 * row-major (S; 0 for an absent cell), `r` the segment resistance (Ω); `out` receives G'_ij
 * (may not alias `g`). With `firstOrder` the unresummed G·(1 − r·S) (for comparison in tests).
 * `scratch` (3·cols) avoids an allocation per call. Every pass runs along rows (unit stride).
 * Only the first `activeRows` × `activeCols` cells may conduct (the rest are absent, 0 S): the
 * passes skip the rest, and only that region of `out` is written. The wires keep the full array
 * length: the amplifiers still sit below row `rows` − 1.
 */
export function irDropConductance(
  g: Buf,
  rows: number,
  cols: number,
  r: number,
  out: Buf,
  firstOrder = false,
  scratch: Float64Array = new Float64Array(3 * cols),
  activeRows = rows,
  activeCols = cols,
): void {
  const nr = activeRows;
  const nc = activeCols;
  // Word lines: A_ij = Σ_{j'<j} G_ij'(j'+1) + (j+1)·Σ_{j'≥j} G_ij'.
  for (let i = 0; i < nr; i++) {
    const row = i * cols;
    let total = 0;
    for (let j = 0; j < nc; j++) total += g[row + j]!;
    let weighted = 0; // Σ_{j'<j} G·(j'+1)
    let before = 0; // Σ_{j'<j} G
    for (let j = 0; j < nc; j++) {
      const gij = g[row + j]!;
      out[row + j] = weighted + (j + 1) * (total - before);
      weighted += gij * (j + 1);
      before += gij;
    }
  }
  // Bit lines: B_ij = (R − i)·Σ_{i'≤i} G_i'j + Σ_{i'>i} G_i'j·(R − i'), with per-column running
  // sums kept in scratch so both passes walk the array row by row.
  // scratch[j] = Σ_i' G·(R − i'); scratch[cols + j] = Σ_{i'≤i} G; scratch[2·cols + j] = Σ_{i'≤i} G·(R − i').
  const s = scratch;
  const c2 = 2 * cols;
  s.fill(0, 0, 3 * cols);
  for (let i = 0; i < nr; i++) {
    const row = i * cols;
    const d = rows - i;
    for (let j = 0; j < nc; j++) s[j]! += g[row + j]! * d;
  }
  for (let i = 0; i < nr; i++) {
    const row = i * cols;
    const d = rows - i;
    for (let j = 0; j < nc; j++) {
      const gij = g[row + j]!;
      const a = s[cols + j]! + gij;
      const af = s[c2 + j]! + gij * d;
      s[cols + j] = a;
      s[c2 + j] = af;
      const rs = r * (out[row + j]! + d * a + (s[j]! - af));
      out[row + j] = firstOrder ? gij * (1 - rs) : gij / (1 + rs);
    }
  }
}

export interface IrDropDevice {
  /** Conductance range of the device (S). */
  gMin: number;
  gMax: number;
}

/**
 * IR drop of a whole layer: the k×n weights (weight units, as the devices hold them) are turned
 * into conductances array by array, the IR-drop model is applied to each array, and the
 * result is written back in weight units to `out`, so one GEMM with `out` reads the array.
 *
 * Conductances from a net weight t = w/w_max ∈ [−1, 1] (the programming rule of DeviceArray):
 *   differential:     G⁺ = g_min + Δg·max(t, 0), G⁻ = g_min + Δg·max(−t, 0); w' = w_max·(G⁺' − G⁻')/Δg
 *   reference column: G = g_min + Δg·(1 + t)/2 against G_ref = g_min + Δg/2 in the array's last
 *                     column; w' = 2·w_max·(G' − G_ref')/Δg, each row with its own G_ref'.
 * Cells of an array that the block does not use are absent (0 S); the used block sits in the
 * array's first rows and columns, nearest the drivers.
 */
export class LayerIrDrop {
  private readonly gPos: Float32Array;
  private readonly gNeg: Float32Array;
  private readonly ePos: Float32Array;
  private readonly eNeg: Float32Array;
  private readonly scratch: Float64Array;

  constructor(
    private readonly tiling: Tiling,
    private readonly rows: number,
    private readonly cols: number,
    private readonly scheme: 'differential' | 'reference_column',
    private readonly device: IrDropDevice,
    /** Wire resistance per cell segment (Ω). */
    private readonly r: number,
  ) {
    const cells = rows * cols;
    const two = scheme === 'differential';
    this.gPos = new Float32Array(cells);
    this.ePos = new Float32Array(cells);
    this.gNeg = new Float32Array(two ? cells : 0);
    this.eNeg = new Float32Array(two ? cells : 0);
    this.scratch = new Float64Array(3 * cols);
  }

  /** out (k×n) = the weights the arrays effectively present to their inputs. */
  apply(w: Float32Array, wMax: number, n: number, out: Float32Array): void {
    const { rows, cols, r, gPos, gNeg, ePos, eNeg } = this;
    const { gMin, gMax } = this.device;
    const dg = gMax - gMin;
    const inv = 1 / wMax;
    const differential = this.scheme === 'differential';
    const refCol = cols - 1;
    const gRef = gMin + dg / 2;
    for (const b of this.tiling.blocks) {
      const used = b.col1 - b.col0;
      const activeRows = b.row1 - b.row0;
      // A reference column sits in the array's last column, so its whole width is active.
      const activeCols = differential ? used : cols;
      for (let p = 0; p < activeRows; p++) {
        const src = (b.row0 + p) * n + b.col0;
        const dst = p * cols;
        for (let q = 0; q < used; q++) {
          let t = w[src + q]! * inv;
          t = t > 1 ? 1 : Math.max(t, -1);
          if (differential) {
            gPos[dst + q] = gMin + dg * Math.max(t, 0);
            gNeg[dst + q] = gMin + dg * Math.max(-t, 0);
          } else {
            gPos[dst + q] = gMin + dg * 0.5 * (1 + t);
          }
        }
        if (!differential) {
          gPos.fill(0, dst + used, dst + refCol);
          gPos[dst + refCol] = gRef;
        }
      }
      const sc = this.scratch;
      irDropConductance(gPos, rows, cols, r, ePos, false, sc, activeRows, activeCols);
      if (differential) irDropConductance(gNeg, rows, cols, r, eNeg, false, sc, activeRows, activeCols);
      for (let p = 0; p < activeRows; p++) {
        const dst = (b.row0 + p) * n + b.col0;
        const at = p * cols;
        const ref = differential ? 0 : ePos[at + refCol]!;
        for (let q = 0; q < used; q++) {
          out[dst + q] = differential
            ? (wMax * (ePos[at + q]! - eNeg[at + q]!)) / dg
            : (2 * wMax * (ePos[at + q]! - ref)) / dg;
        }
      }
    }
  }
}
