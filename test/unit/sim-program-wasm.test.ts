// The WebAssembly programming path of DeviceArray (kernels.wat program_diff / program_ref and the
// fill_normal generator) against the JavaScript loop it replaces.
import { afterEach, describe, expect, it } from 'vitest';
import { DeviceArray } from '../../engine/sim/device';
import { fillNormalRng, fillNormalWasm, programBuffers } from '../../engine/sim/kernels';
import { deviceModel } from '../../engine/sim/presets';
import { Rng } from '../../engine/sim/rng';
import { wasmRuntime } from '../../engine/sim/wasm/runtime';
import { createWasmKernels } from '../../engine/sim/wasm/wasm-kernels';

const hasWasm = wasmRuntime() !== null;

/** Runs `fn` with environment variable `key` set to `value`. */
function withEnv<T>(key: string, value: string, fn: () => T): T {
  const before = process.env[key];
  process.env[key] = value;
  try {
    return fn();
  } finally {
    if (before === undefined) delete process.env[key];
    else process.env[key] = before;
  }
}

/** Runs `fn` with the WASM paths switched off (the JavaScript reference). */
const withJs = <T>(fn: () => T): T => withEnv('NEUROFAB_KERNELS', 'js', fn);
/** Runs `fn` with the WASM normal generator for programming noise (the default). */
const withWasmNoise = <T>(fn: () => T): T => withEnv('NEUROFAB_NOISE', 'wasm', fn);
/** Runs `fn` with the Rng's ziggurat for programming noise (NEUROFAB_NOISE=ziggurat). */
const withZiggurat = <T>(fn: () => T): T => withEnv('NEUROFAB_NOISE', 'ziggurat', fn);

/** Programs `w` once on a fresh array; `js` forces the JavaScript loop. */
function program(
  w: Float32Array,
  dev: Parameters<typeof deviceModel>[0],
  scheme: 'differential' | 'reference_column',
  clip: number | null,
  js: boolean,
): Float32Array {
  const make = () => new DeviceArray(deviceModel(dev), w.length, scheme, clip, new Rng(7, 3));
  const arr = js ? withJs(make) : make();
  const out = new Float32Array(w.length);
  const run = () => arr.program(w, out, new Rng(7, 4));
  if (js) withJs(run);
  else run();
  return out;
}

function weights(n: number, seed: number): Float32Array {
  const r = new Rng(seed, 1);
  const w = new Float32Array(n);
  for (let i = 0; i < n; i++) w[i] = r.normal() * 0.1;
  // Edge cases: exact zeros, ±0, values at and beyond the clip, a level boundary.
  w[0] = 0;
  w[1] = -0;
  w[2] = 0.5;
  w[3] = -0.5;
  w[4] = 0.75;
  return w;
}

/** Standard normal CDF (Abramowitz & Stegun 7.1.26 erf, |error| < 1.5e-7). */
function phi(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const y =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413729) * t - 0.284496736) * t + 0.254829592) *
      t *
      Math.exp(-z * z);
  return x >= 0 ? 0.5 * (1 + y) : 0.5 * (1 - y);
}

describe.skipIf(!hasWasm)('WASM device programming', () => {
  afterEach(() => {
    delete process.env.NEUROFAB_KERNELS_TEST;
  });

  for (const scheme of ['differential', 'reference_column'] as const) {
    for (const n of [1, 2, 7, 1001]) {
      it(`${scheme}, n = ${n}: equals the JavaScript loop bit for bit without noise (levels, clip, stuck)`, () => {
        const w = weights(n, n);
        for (const dev of [
          { name: 'q', levels: 17 },
          { name: 'c' },
          { name: 's', levels: 8, stuckAtGMin: 0.1, stuckAtGMax: 0.1 },
          { name: 's2', stuckAtGMin: 0.2, stuckAtGMax: 0.05 },
        ]) {
          for (const clip of [null, 0.5, 0.02]) {
            const a = program(w, dev, scheme, clip, false);
            const b = program(w, dev, scheme, clip, true);
            for (let i = 0; i < n; i++)
              expect(Object.is(a[i], b[i]), `${dev.name} clip ${clip} i ${i}: ${a[i]} vs ${b[i]}`).toBe(true);
          }
        }
      });
    }

    it(`${scheme}: with programming noise from the Rng (NEUROFAB_NOISE=ziggurat), equals the JavaScript loop bit for bit`, () => {
      const w = weights(3001, 5);
      for (const dev of [
        { name: 'rram', levels: 32, programNoise: 0.05 },
        { name: 'rs', programNoise: 0.3, stuckAtGMin: 0.05, stuckAtGMax: 0.05 },
      ]) {
        const a = withZiggurat(() => program(w, dev, scheme, null, false));
        const b = program(w, dev, scheme, null, true);
        for (let i = 0; i < w.length; i++) expect(Object.is(a[i], b[i]), `${dev.name} i ${i}`).toBe(true);
      }
    });

    it(`${scheme}: with the default (WASM Box–Muller) noise, matches the JavaScript loop in distribution`, () => {
      // One weight value repeated: the held weights are target + noise clipped; compare the mean
      // and spread of WASM and JS over 20000 devices (standard error of the mean ≈ 0.0004).
      const n = 20000;
      const w = new Float32Array(n).fill(0.3);
      w[0] = 1; // w_max = 1
      const dev = { name: 'rram', levels: 32, programNoise: 0.05, stuckAtGMin: 0.01 };
      const stats = (a: Float32Array) => {
        let s = 0;
        let s2 = 0;
        for (let i = 1; i < n; i++) {
          s += a[i]!;
          s2 += a[i]! * a[i]!;
        }
        const m = s / (n - 1);
        return { m, sd: Math.sqrt(s2 / (n - 1) - m * m) };
      };
      const wasmOut = withWasmNoise(() => program(w, dev, scheme, null, false));
      // The draws really are other draws than the Rng's ziggurat.
      expect(wasmOut).not.toEqual(program(w, dev, scheme, null, true));
      const a = stats(wasmOut);
      const b = stats(program(w, dev, scheme, null, true));
      expect(Math.abs(a.m - b.m)).toBeLessThan(0.004);
      expect(Math.abs(a.sd - b.sd) / b.sd).toBeLessThan(0.05);
      // And the noise really is there: the spread exceeds the stuck devices' alone.
      expect(a.sd).toBeGreaterThan(0.05);
    });
  }

  it('differential, noise drawn inside the kernel (program_diff_noisy): levels, clip, stuck and the last < 4 weights as the JavaScript loop', () => {
    // With σ = 1e-9 the noise is far below one f32 step of the result, so the fused f32 kernel must
    // agree with the (noise-free part of the) f64 JavaScript loop to f32 rounding, for n not a
    // multiple of 4 (lane-by-lane tail) and with stuck devices in every position.
    for (const n of [1, 2, 3, 5, 6, 7, 1001]) {
      const w = weights(n, n + 10);
      for (const dev of [
        { name: 'q', levels: 17, programNoise: 1e-9 },
        { name: 's', levels: 8, programNoise: 1e-9, stuckAtGMin: 0.2, stuckAtGMax: 0.2 },
        { name: 'c', programNoise: 1e-9, stuckAtGMin: 0.1 },
      ]) {
        for (const clip of [null, 0.02]) {
          const a = program(w, dev, 'differential', clip, false);
          const b = program(w, dev, 'differential', clip, true);
          for (let i = 0; i < n; i++)
            expect(a[i], `${dev.name} n ${n} clip ${clip} i ${i}`).toBeCloseTo(b[i]!, 6);
        }
      }
    }
  });

  it('programming with the default (WASM Box–Muller) noise is reproducible for a given seed', () => {
    const w = weights(5000, 3);
    const dev = { name: 'rram', levels: 32, programNoise: 0.05 };
    const a = withWasmNoise(() => program(w, dev, 'differential', null, false));
    const b = withWasmNoise(() => program(w, dev, 'differential', null, false));
    expect(a).toEqual(b);
  });
});

describe.skipIf(!hasWasm)('programming split over threads (KernelPool, xoshiro lane jumps)', () => {
  it('draws the same noise, bit for bit, on one and on two threads, over several 16,320-weight chunks', () => {
    // 70,001 weights: four whole chunks and a ragged fifth; stuck devices and levels exercise every
    // flag. The two-thread run starts chunk i from the lanes jumped ahead by the earlier chunks' draws.
    const n = 70_001;
    const w = weights(n, 77);
    const dev = deviceModel({
      name: 's',
      levels: 32,
      programNoise: 0.05,
      stuckAtGMin: 0.01,
      stuckAtGMax: 0.01,
    });
    const run = (threads: number) =>
      withWasmNoise(() => {
        const kernels = createWasmKernels({ threads });
        const a = new DeviceArray(dev, n, 'differential', null, new Rng(5, 1), kernels);
        const out = new Float32Array(n);
        a.program(w, out, new Rng(5, 2));
        kernels.close();
        return out;
      });
    const one = run(1);
    const two = run(2);
    let same = 0;
    for (let i = 0; i < n; i++) if (Object.is(one[i], two[i])) same++;
    expect(same).toBe(n);
    // and the noise is there: not the noise-free programming
    const plain = withWasmNoise(() => {
      const a = new DeviceArray({ ...dev, programNoise: 0 }, n, 'differential', null, new Rng(5, 1));
      const out = new Float32Array(n);
      a.program(w, out, new Rng(5, 2));
      return out;
    });
    let moved = 0;
    for (let i = 0; i < n; i++) if (one[i] !== plain[i]) moved++;
    expect(moved).toBeGreaterThan(n / 2);
  });
});

describe.skipIf(!hasWasm)('Rng ziggurat in WASM (zig_fast)', () => {
  it('draws exactly what Rng.fillNormal draws, and leaves the Rng in the same state', () => {
    for (const [n, std] of [
      [1, 1],
      [7, 0.3],
      [100_003, 0.05],
    ] as const) {
      const buffers = programBuffers({}, n, true, null)!;
      const a = new Rng(21, 4);
      const b = new Rng(21, 4);
      a.uniform(); // not at the start of a stream
      b.uniform();
      fillNormalRng(a, buffers.noise!, std);
      const ref = new Float32Array(n);
      b.fillNormal(ref, std);
      for (let i = 0; i < n; i++) expect(Object.is(buffers.noise![i], ref[i]), `n ${n} i ${i}`).toBe(true);
      expect(a.nextU32()).toBe(b.nextU32());
    }
  });
});

describe.skipIf(!hasWasm)('Rng ziggurat in WASM into f64 (the read-noise row)', () => {
  it('writes exactly the f64 draws of Rng.fillNormal(out, std, mean, n), and only n of them', () => {
    const rt = wasmRuntime()!;
    for (const [n, std, mean] of [
      [3, 1, 0],
      [257, 0.7, 0.25],
      [20_011, 1, -1],
    ] as const) {
      const block = rt.alloc(2 * (n + 1));
      const out = new Float64Array(block.buffer, block.byteOffset, n + 1);
      out[n] = 42;
      const a = new Rng(8, 2);
      const b = new Rng(8, 2);
      fillNormalRng(a, out, std, mean, n);
      const ref = new Float64Array(n);
      b.fillNormal(ref, std, mean, n);
      for (let i = 0; i < n; i++) expect(Object.is(out[i], ref[i]), `n ${n} i ${i}`).toBe(true);
      expect(out[n]).toBe(42);
      expect(a.nextU32()).toBe(b.nextU32());
    }
  });
});

describe.skipIf(!hasWasm)('WASM normal generator (fill_normal)', () => {
  const n = 400_000;
  const owner = {};
  const buffers = programBuffers(owner, n, true, null)!;
  fillNormalWasm(buffers, new Rng(11, 4), 1);
  const z = buffers.noise!;

  it('has mean 0 and variance 1 within statistical bounds', () => {
    let s = 0;
    let s2 = 0;
    let s4 = 0;
    for (let i = 0; i < n; i++) {
      s += z[i]!;
      s2 += z[i]! ** 2;
      s4 += z[i]! ** 4;
    }
    const mean = s / n;
    const variance = s2 / n - mean * mean;
    // 5 standard errors: SE(mean) = 1/√n, SE(var) = √(2/n); kurtosis 3 (SE √(96/n)).
    expect(Math.abs(mean)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(variance - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
    expect(Math.abs(s4 / n - 3)).toBeLessThan(5 * Math.sqrt(96 / n));
  });

  it('has the normal tail fractions beyond 1, 2, 3 and 4 sigma', () => {
    for (const k of [1, 2, 3, 4]) {
      let count = 0;
      for (let i = 0; i < n; i++) if (Math.abs(z[i]!) > k) count++;
      const p = 2 * (1 - phi(k));
      const se = Math.sqrt((p * (1 - p)) / n);
      expect(Math.abs(count / n - p), `|z| > ${k}: ${count / n} vs ${p}`).toBeLessThan(5 * se);
    }
  });

  it('has both signs equally in each tail and fills the quantiles evenly', () => {
    // Histogram over 16 equal-probability bins of N(0, 1): a chi-square test (15 dof, p = 0.001 at 37.7).
    const edges = [-Infinity];
    for (let b = 1; b < 16; b++) {
      let lo = -6;
      let hi = 6;
      for (let it = 0; it < 60; it++) {
        const mid = (lo + hi) / 2;
        if (phi(mid) < b / 16) lo = mid;
        else hi = mid;
      }
      edges.push((lo + hi) / 2);
    }
    const counts = new Array(16).fill(0);
    for (let i = 0; i < n; i++) {
      let b = 15;
      while (z[i]! < edges[b]!) b--;
      counts[b]++;
    }
    const e = n / 16;
    const chi2 = counts.reduce((acc, c) => acc + (c - e) ** 2 / e, 0);
    expect(chi2).toBeLessThan(37.7);
  });

  it('is reproducible from the Rng and differs between seeds', () => {
    const other = programBuffers({}, 1000, true, null)!;
    fillNormalWasm(other, new Rng(11, 4), 1);
    expect([...other.noise!]).toEqual([...z.subarray(0, 1000)]);
    fillNormalWasm(other, new Rng(12, 4), 1);
    expect(other.noise![0]).not.toBe(z[0]);
  });
});
