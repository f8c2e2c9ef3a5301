// The SIMD SGD step (large tensors) against the JavaScript loop, and against the PyTorch form by hand.
import { describe, expect, it } from 'vitest';
import { createOptimizer } from '../../engine/sim/optim';
import { wasmSimdAvailable } from '../../engine/sim/wasm/runtime';

const cfg = { kind: 'sgd' as const, lr: 0.1, momentum: 0.9 };

describe.runIf(wasmSimdAvailable())('SGD with momentum on WebAssembly SIMD', () => {
  it('follows v ← μv + g, w ← w − lr·v (hand-computed, odd length past the SIMD lanes)', () => {
    const n = 4099; // ≥ the WASM threshold, not a multiple of 4
    const w = new Float32Array(n).fill(1);
    const g = new Float32Array(n).fill(0.5);
    const opt = createOptimizer(cfg);
    opt.beginStep(0.1);
    opt.step(0, w, g); // v = 0.5, w = 1 − 0.05
    opt.beginStep(0.1);
    opt.step(0, w, g); // v = 0.9·0.5 + 0.5 = 0.95, w = 0.95 − 0.095
    expect(w[0]).toBeCloseTo(0.855, 6);
    expect(w[n - 1]).toBeCloseTo(0.855, 6);
  });

  it('matches the JavaScript step within float32 rounding over many steps', () => {
    const n = 784 * 3 + 5;
    let s = 3;
    const rnd = () => {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      return s / 2 ** 32 - 0.5;
    };
    const w0 = Float32Array.from({ length: n }, rnd);
    const wasm = createOptimizer(cfg, true);
    const js = createOptimizer(cfg, false);
    const a = w0.slice();
    const b = w0.slice();
    for (let t = 0; t < 20; t++) {
      const g = Float32Array.from({ length: n }, rnd);
      wasm.beginStep(0.05);
      js.beginStep(0.05);
      wasm.step(0, a, g);
      js.step(0, b, g);
    }
    let worst = 0;
    for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
    expect(worst).toBeLessThan(1e-5);
    expect(worst).toBeGreaterThanOrEqual(0);
    // And the weights did move (the step is not a no-op).
    expect(Math.abs(a[0]! - w0[0]!)).toBeGreaterThan(1e-4);
  });
});
