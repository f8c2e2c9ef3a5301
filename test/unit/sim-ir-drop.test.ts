// IR drop: the resummed first-order model against an exact nodal-analysis solve of the same
// resistive network, its limits (no wire resistance: Ohm + Kirchhoff; one cell: series circuit),
// and the layer-level mapping through CrossbarLayer.
import { describe, expect, it } from 'vitest';
import { CrossbarLayer } from '../../engine/sim/crossbar';
import { irDropConductance, irDropEpsilon } from '../../engine/sim/ir-drop';
import { jsKernels } from '../../engine/sim/kernels';
import type { LayerPlan } from '../../engine/sim/plan';
import { deviceModel } from '../../engine/sim/presets';
import { Rng } from '../../engine/sim/rng';

/**
 * Exact bit-line currents of an R×C crossbar by nodal analysis. Unknowns: word-line node u_ij
 * and bit-line node v_ij of every cell. Word line i is driven at V_i through one segment r into
 * column 0 and is open after column C−1; bit line j is open above row 0 and reaches its
 * amplifier (0 V) through one segment r below row R−1. KCL at every node, dense Gaussian
 * elimination with partial pivoting. r = 0 is the ideal circuit: u = V, v = 0.
 */
function exactCurrents(G: Float64Array, R: number, C: number, r: number, V: number[]): number[] {
  if (r === 0) {
    return Array.from({ length: C }, (_, j) => {
      let s = 0;
      for (let i = 0; i < R; i++) s += G[i * C + j]! * V[i]!;
      return s;
    });
  }
  const N = 2 * R * C;
  const A = Array.from({ length: N }, () => new Float64Array(N + 1));
  const gw = 1 / r;
  const u = (i: number, j: number) => i * C + j;
  const v = (i: number, j: number) => R * C + i * C + j;
  for (let i = 0; i < R; i++) {
    for (let j = 0; j < C; j++) {
      const g = G[i * C + j]!;
      const ru = A[u(i, j)]!;
      ru[u(i, j)]! += gw + g;
      ru[v(i, j)]! -= g;
      if (j === 0) ru[N]! += gw * V[i]!;
      else ru[u(i, j - 1)]! -= gw;
      if (j < C - 1) {
        ru[u(i, j)]! += gw;
        ru[u(i, j + 1)]! -= gw;
      }
      const rv = A[v(i, j)]!;
      rv[v(i, j)]! += g + gw;
      rv[u(i, j)]! -= g;
      if (i > 0) {
        rv[v(i, j)]! += gw;
        rv[v(i - 1, j)]! -= gw;
      }
      if (i < R - 1) rv[v(i + 1, j)]! -= gw;
    }
  }
  for (let c = 0; c < N; c++) {
    let p = c;
    for (let q = c + 1; q < N; q++) if (Math.abs(A[q]![c]!) > Math.abs(A[p]![c]!)) p = q;
    [A[c], A[p]] = [A[p]!, A[c]!];
    const pivot = A[c]!;
    for (let q = c + 1; q < N; q++) {
      const row = A[q]!;
      const f = row[c]! / pivot[c]!;
      if (f !== 0) for (let t = c; t <= N; t++) row[t]! -= f * pivot[t]!;
    }
  }
  const x = new Float64Array(N);
  for (let c = N - 1; c >= 0; c--) {
    let s = A[c]![N]!;
    for (let t = c + 1; t < N; t++) s -= A[c]![t]! * x[t]!;
    x[c] = s / A[c]![c]!;
  }
  return Array.from({ length: C }, (_, j) => gw * x[v(R - 1, j)]!);
}

/**
 * The same circuit solved by conjugate gradients (the nodal matrix is symmetric positive definite:
 * a resistive network with grounded ends), Jacobi-preconditioned, matrix-free; for arrays too big
 * for dense elimination. Converged to a relative residual of 1e-12.
 */
function cgCurrents(G: Float64Array, R: number, C: number, r: number, V: number[]): number[] {
  const N = R * C;
  const gw = 1 / r;
  const apply = (x: Float64Array, y: Float64Array) => {
    for (let i = 0; i < R; i++) {
      for (let j = 0; j < C; j++) {
        const t = i * C + j;
        const g = G[t]!;
        const u = x[t]!;
        const v = x[N + t]!;
        let au = (gw + g) * u - g * v;
        if (j > 0) au -= gw * x[t - 1]!;
        if (j < C - 1) au += gw * (u - x[t + 1]!);
        let av = (g + gw) * v - g * u;
        if (i > 0) av += gw * (v - x[N + t - C]!);
        if (i < R - 1) av -= gw * x[N + t + C]!;
        y[t] = au;
        y[N + t] = av;
      }
    }
  };
  const diag = new Float64Array(2 * N);
  const b = new Float64Array(2 * N);
  const x = new Float64Array(2 * N);
  for (let i = 0; i < R; i++) {
    b[i * C] = gw * V[i]!;
    for (let j = 0; j < C; j++) {
      const t = i * C + j;
      diag[t] = gw + G[t]! + (j < C - 1 ? gw : 0);
      diag[N + t] = G[t]! + gw + (i > 0 ? gw : 0);
      x[t] = V[i]!;
    }
  }
  const res = new Float64Array(2 * N);
  apply(x, res);
  for (let t = 0; t < 2 * N; t++) res[t] = b[t]! - res[t]!;
  const z = res.map((q, t) => q / diag[t]!);
  const p = z.slice();
  const ap = new Float64Array(2 * N);
  const dot = (a: Float64Array, c: Float64Array) => a.reduce((s, q, t) => s + q * c[t]!, 0);
  let rz = dot(res, z);
  const bNorm = Math.sqrt(dot(b, b));
  for (let it = 0; it < 100_000 && Math.sqrt(dot(res, res)) > 1e-12 * bNorm; it++) {
    apply(p, ap);
    const alpha = rz / dot(p, ap);
    for (let t = 0; t < 2 * N; t++) {
      x[t]! += alpha * p[t]!;
      res[t]! -= alpha * ap[t]!;
      z[t] = res[t]! / diag[t]!;
    }
    const rz2 = dot(res, z);
    for (let t = 0; t < 2 * N; t++) p[t] = z[t]! + (rz2 / rz) * p[t]!;
    rz = rz2;
  }
  return Array.from({ length: C }, (_, j) => gw * x[N + (R - 1) * C + j]!);
}

function modelCurrents(G: Float64Array, R: number, C: number, r: number, V: number[], firstOrder = false) {
  const E = new Float64Array(R * C);
  irDropConductance(G, R, C, r, E, firstOrder);
  return Array.from({ length: C }, (_, j) => {
    let s = 0;
    for (let i = 0; i < R; i++) s += E[i * C + j]! * V[i]!;
    return s;
  });
}

const R = 8;
const C = 8;
const G_MIN = 1e-6; // 1 MΩ
const G_MAX = 1e-4; // 10 kΩ
/** Hand-picked conductances: seven levels between g_min and g_max in a scrambled pattern. */
const G = new Float64Array(R * C);
for (let i = 0; i < R; i++)
  for (let j = 0; j < C; j++) G[i * C + j] = G_MIN + (G_MAX - G_MIN) * (((3 * i + 5 * j) % 7) / 6);
/** Word-line voltages (V), both signs and a zero. */
const V = [0.2, 0.1, -0.05, 0.2, 0.15, 0, 0.2, -0.2];
const maxAbs = (a: number[]) => Math.max(...a.map(Math.abs));

describe('IR-drop model', () => {
  it('without wire resistance both the model and the exact solve are Ohm + Kirchhoff, I = G·V', () => {
    const ideal = exactCurrents(G, R, C, 0, V);
    // Column 0 by hand: G_i0 = g_min + Δg·((3i) mod 7)/6.
    let col0 = 0;
    for (let i = 0; i < R; i++) col0 += (G_MIN + ((G_MAX - G_MIN) * ((3 * i) % 7)) / 6) * V[i]!;
    expect(ideal[0]).toBeCloseTo(col0, 15);
    const model = modelCurrents(G, R, C, 0, V);
    for (let j = 0; j < C; j++) expect(model[j]).toBe(ideal[j]);
    // The nodal solve converges to the same as r → 0.
    const tiny = exactCurrents(G, R, C, 1e-9, V);
    for (let j = 0; j < C; j++) expect(Math.abs(tiny[j]! - ideal[j]!)).toBeLessThan(1e-9 * maxAbs(ideal));
  });

  it('one cell: the model is exact, G·V/(1 + 2rG) (the cell in series with its two segments)', () => {
    const g = new Float64Array([1e-3]);
    const r = 50;
    const expected = (1e-3 * 0.3) / (1 + 2 * r * 1e-3);
    expect(exactCurrents(g, 1, 1, r, [0.3])[0]).toBeCloseTo(expected, 15);
    expect(modelCurrents(g, 1, 1, r, [0.3])[0]).toBeCloseTo(expected, 15);
  });

  it('8×8 against the exact solve: within 1e-3 of full scale for ε ≤ 0.1, 2% at ε ≈ 0.7', () => {
    const ideal = exactCurrents(G, R, C, 0, V);
    const full = maxAbs(ideal);
    // [r (Ω), bound on |model − exact| / max|I_ideal|]. ε = r·g_max·(C(C+1) + R(R+1))/2 = 7.2e-3·r.
    const cases: [number, number][] = [
      [1, 1e-5],
      [10, 1e-3],
      [100, 2e-2],
    ];
    for (const [r, bound] of cases) {
      const exact = exactCurrents(G, R, C, r, V);
      const model = modelCurrents(G, R, C, r, V);
      const firstOrder = modelCurrents(G, R, C, r, V, true);
      const err = maxAbs(model.map((y, j) => y - exact[j]!)) / full;
      const drop = maxAbs(ideal.map((y, j) => y - exact[j]!)) / full;
      const errFirst = maxAbs(firstOrder.map((y, j) => y - exact[j]!)) / full;
      expect(irDropEpsilon(R, C, r, G_MAX)).toBeCloseTo(7.2e-3 * r, 12);
      expect(drop).toBeGreaterThan(2e-4 * r); // the effect is real (≈ 2.7e-3 per Ω at small r)
      expect(err).toBeLessThan(bound);
      expect(err).toBeLessThan(0.1 * drop); // captures over 90% of the drop
      expect(err).toBeLessThan(errFirst); // resummation beats the plain first-order form
    }
  });

  it('a uniform array at g_max: the model stays within 1.5% of the exact solve up to ε ≈ 1.4', () => {
    const n = 16;
    const g = new Float64Array(n * n).fill(G_MAX);
    const v = new Array(n).fill(0.2);
    const ideal = exactCurrents(g, n, n, 0, v);
    for (const r of [0.5, 5, 50]) {
      const exact = exactCurrents(g, n, n, r, v);
      const model = modelCurrents(g, n, n, r, v);
      const err = maxAbs(model.map((y, j) => y - exact[j]!)) / maxAbs(ideal);
      expect(err).toBeLessThan(0.015);
      // Every column loses current, the columns far from the drivers most.
      for (let j = 0; j < n; j++) expect(exact[j]!).toBeLessThan(ideal[j]!);
      expect(exact[n - 1]!).toBeLessThan(exact[0]!);
      expect(model[n - 1]!).toBeLessThan(model[0]!);
    }
  });

  it('larger arrays (conjugate-gradient solve): 32×32 and 64×64 with random conductances', () => {
    // The CG solver agrees with dense elimination on the 8×8 case.
    const ge = exactCurrents(G, R, C, 10, V);
    const cg = cgCurrents(G, R, C, 10, V);
    for (let j = 0; j < C; j++) expect(Math.abs(cg[j]! - ge[j]!)).toBeLessThan(1e-9 * maxAbs(ge));
    const rng = new Rng(7);
    // [n, r (Ω), bound on the error / full scale]; ε at g_max = 0.11, 0.53 (32) and 0.42 (64).
    const cases: [number, number, number][] = [
      [32, 1, 1e-3],
      [32, 5, 1e-2],
      [64, 1, 1e-2],
    ];
    for (const [n, r, bound] of cases) {
      const g = Float64Array.from({ length: n * n }, () => G_MIN + (G_MAX - G_MIN) * rng.uniform());
      const v = Array.from({ length: n }, () => 0.2 * (2 * rng.uniform() - 1));
      const ideal = exactCurrents(g, n, n, 0, v);
      const exact = cgCurrents(g, n, n, r, v);
      const model = modelCurrents(g, n, n, r, v);
      const err = maxAbs(model.map((y, j) => y - exact[j]!)) / maxAbs(ideal);
      const drop = maxAbs(ideal.map((y, j) => y - exact[j]!)) / maxAbs(ideal);
      expect(drop).toBeGreaterThan(0.02);
      expect(err).toBeLessThan(bound);
      expect(err).toBeLessThan(0.1 * drop);
    }
  });
});

describe('CrossbarLayer with line resistance', () => {
  function plan(r: number, scheme: 'differential' | 'reference_column'): LayerPlan {
    return {
      kind: 'dense',
      name: 'fc',
      inputs: R,
      units: scheme === 'differential' ? C : C - 1,
      activation: 'identity',
      bias: false,
      tile: {
        kind: 'crossbar',
        name: 't',
        rows: R,
        cols: C,
        signedWeights: scheme,
        dacBits: 0,
        adcBits: 0,
        inputBound: 1,
        outputBound: 12,
        outputNoise: 0,
        boundManagement: 'none',
        lineResistance: r,
        readVoltage: 0.2,
        weightClip: 1,
        rowBlocks: 1,
        colBlocks: 1,
      },
      device: deviceModel({ name: 'rram', gMin: G_MIN, gMax: G_MAX }),
    };
  }
  const x = V.map((v) => v / 0.2); // inputs in [−1, 1]; word line i at x_i·V_read

  function layerOut(p: LayerPlan, w: Float32Array): number[] {
    const xb = new CrossbarLayer(p, 1, jsKernels, new Rng(1));
    xb.program(w, new Rng(2));
    const out = new Float32Array(p.units);
    xb.forward(Float32Array.from(x), 1, out, new Rng(3));
    return [...out];
  }

  it('differential: the layer reads (I⁺ − I⁻)/(V_read·Δg)·w_max of the exactly solved pair of arrays', () => {
    const r = 10;
    const w = Float32Array.from({ length: R * C }, (_, t) => (((t * 7) % 11) - 5) / 5); // in [−1, 1]
    const gp = new Float64Array(R * C);
    const gn = new Float64Array(R * C);
    for (let t = 0; t < R * C; t++) {
      gp[t] = G_MIN + (G_MAX - G_MIN) * Math.max(w[t]!, 0);
      gn[t] = G_MIN + (G_MAX - G_MIN) * Math.max(-w[t]!, 0);
    }
    const volts = x.map((xi) => xi * 0.2);
    const ip = exactCurrents(gp, R, C, r, volts);
    const iN = exactCurrents(gn, R, C, r, volts);
    const exact = ip.map((a, j) => (a - iN[j]!) / (0.2 * (G_MAX - G_MIN)));
    const ideal = layerOut(plan(0, 'differential'), w);
    const got = layerOut(plan(r, 'differential'), w);
    const full = maxAbs(ideal);
    const drop = maxAbs(ideal.map((y, j) => y - exact[j]!));
    expect(drop / full).toBeGreaterThan(0.01);
    expect(maxAbs(got.map((y, j) => y - exact[j]!)) / full).toBeLessThan(0.002);
  });

  it('follows the devices: reprogramming or writing the weights directly updates the drop', () => {
    const p = plan(10, 'differential');
    const w1 = Float32Array.from({ length: R * C }, (_, t) => ((t % 5) - 2) / 2);
    const w2 = Float32Array.from({ length: R * C }, (_, t) => ((t % 3) - 1) * 0.8);
    const fresh = layerOut(p, w2);
    const xb = new CrossbarLayer(p, 1, jsKernels, new Rng(1));
    xb.program(w1, new Rng(2));
    const out = new Float32Array(p.units);
    xb.forward(Float32Array.from(x), 1, out, new Rng(3));
    expect([...out]).not.toEqual(fresh);
    xb.program(w2, new Rng(2));
    xb.forward(Float32Array.from(x), 1, out, new Rng(3));
    expect([...out]).toEqual(fresh);
    // A pulsed-update learner writes `weights` in place, without program().
    xb.program(w1, new Rng(2));
    xb.forward(Float32Array.from(x), 1, out, new Rng(3));
    xb.weights.set(w2);
    xb.forward(Float32Array.from(x), 1, out, new Rng(3));
    expect([...out]).toEqual(fresh);
  });

  it('reference column: each column minus the IR-dropped reference column of its array', () => {
    const r = 10;
    const n = C - 1;
    const w = Float32Array.from({ length: R * n }, (_, t) => (((t * 5) % 9) - 4) / 4);
    const g = new Float64Array(R * C);
    for (let i = 0; i < R; i++) {
      for (let j = 0; j < n; j++) g[i * C + j] = G_MIN + (G_MAX - G_MIN) * 0.5 * (1 + w[i * n + j]!);
      g[i * C + C - 1] = G_MIN + (G_MAX - G_MIN) / 2;
    }
    const volts = x.map((xi) => xi * 0.2);
    const I = exactCurrents(g, R, C, r, volts);
    const exact = I.slice(0, n).map((a) => (2 * (a - I[C - 1]!)) / (0.2 * (G_MAX - G_MIN)));
    const ideal = layerOut(plan(0, 'reference_column'), w);
    const got = layerOut(plan(r, 'reference_column'), w);
    const full = maxAbs(ideal);
    expect(maxAbs(ideal.map((y, j) => y - exact[j]!)) / full).toBeGreaterThan(0.01);
    expect(maxAbs(got.map((y, j) => y - exact[j]!)) / full).toBeLessThan(0.002);
  });
});
