// Spike encoders (engine/snn/encoders.ts): rate, latency and delta coding.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../engine/sim/rng';
import { deltaEncode, latencyEncode, poissonEncode } from '../../engine/snn/encoders';

describe('poissonEncode', () => {
  // Three samples of 6 features; we encode samples 1..2 (first = 1), whose pixels differ, so
  // reading the wrong sample or writing the wrong slot changes the rates.
  const F = 6;
  const images = new Float32Array([
    ...[1, 1, 1, 1, 1, 1], // sample 0: not encoded
    ...[0, 0.05, 0.3, 0.5, 0.9, 1], // sample 1
    ...[1, 0.9, 0.5, 0.3, 0.05, 0], // sample 2
  ]);
  const steps = 4000;

  it('fires each feature with probability pixel * gain, within a binomial tolerance', () => {
    for (const gain of [1, 2]) {
      const out = new Uint8Array(steps * 2 * F);
      poissonEncode(new Rng(7, 3), images, 1, 2, F, steps, out, gain);
      for (let i = 0; i < 2; i++) {
        for (let f = 0; f < F; f++) {
          let k = 0;
          for (let t = 0; t < steps; t++) k += out[(t * 2 + i) * F + f]!;
          const p = Math.min(1, images[(1 + i) * F + f]! * gain);
          // 5 standard deviations of Binomial(steps, p): a wrong rate (or layout) fails,
          // chance alone fails with probability ~6e-7 per feature. p = 0 or 1 must be exact.
          const sd = Math.sqrt(steps * p * (1 - p));
          expect(Math.abs(k - steps * p)).toBeLessThanOrEqual(5 * sd);
        }
      }
    }
  });

  it('is reproducible bit for bit from the seed and draws exactly one uniform per slot', () => {
    const a = new Uint8Array(50 * 2 * F);
    const b = new Uint8Array(50 * 2 * F);
    const c = new Uint8Array(50 * 2 * F);
    const ra = new Rng(11);
    poissonEncode(ra, images, 1, 2, F, 50, a);
    poissonEncode(new Rng(11), images, 1, 2, F, 50, b);
    poissonEncode(new Rng(12), images, 1, 2, F, 50, c);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
    // Bit for bit the spikes of `rng.uniform() < pixel` drawn slot by slot in buffer order, and
    // the generator left where those draws leave it.
    const ref = new Rng(11);
    const naive = new Uint8Array(50 * 2 * F);
    for (let t = 0; t < 50; t++) {
      for (let k = 0; k < 2 * F; k++) naive[t * 2 * F + k] = ref.uniform() < images[F + k]! ? 1 : 0;
    }
    expect(a).toEqual(naive);
    expect(ra.nextU32()).toBe(ref.nextU32());
  });

  it('rejects buffers that are too small', () => {
    expect(() => poissonEncode(new Rng(1), images, 2, 2, F, 5, new Uint8Array(1000))).toThrow(/exceed/);
    expect(() => poissonEncode(new Rng(1), images, 0, 2, F, 5, new Uint8Array(10))).toThrow(/needs/);
  });
});

describe('latencyEncode (snnTorch spikegen.latency, linear, normalize, clip)', () => {
  it('fires once at round((1 - x)(steps - 1)), halves to even, nothing below the threshold', () => {
    // steps 5, tau = 4:  x = 1 -> 0;  0.875 -> 0.5 -> 0 (half to even);  0.625 -> 1.5 -> 2;
    // 0.5 -> 2;  0.3 -> 2.8 -> 3;  0.01 -> 3.96 -> 4 (0.01 in float32 is not below threshold 0.01);
    // 0.005 -> no spike;  0 -> no spike.
    const x = new Float32Array([1, 0.875, 0.625, 0.5, 0.3, 0.01, 0.005, 0]);
    const F = x.length;
    const out = new Uint8Array(5 * F).fill(7); // stale contents must be cleared
    latencyEncode(x, 0, 1, F, 5, out);
    const time = Array.from({ length: F }, (_, f) => {
      const ts: number[] = [];
      for (let t = 0; t < 5; t++) if (out[t * F + f]) ts.push(t);
      return ts;
    });
    expect(time).toEqual([[0], [0], [2], [2], [3], [4], [], []]);
    expect(out.every((b) => b === 0 || b === 1)).toBe(true);
  });

  it('orders by brightness: a brighter pixel never fires later', () => {
    const F = 101;
    const x = Float32Array.from({ length: F }, (_, f) => f / 100);
    const steps = 25;
    const out = new Uint8Array(steps * F);
    latencyEncode(x, 0, 1, F, steps, out, 0.02);
    const first = (f: number) => {
      for (let t = 0; t < steps; t++) if (out[t * F + f]) return t;
      return Number.POSITIVE_INFINITY;
    };
    for (let f = 1; f < F; f++) expect(first(f)).toBeLessThanOrEqual(first(f - 1));
    expect(first(0)).toBe(Number.POSITIVE_INFINITY);
    expect(first(1)).toBe(Number.POSITIVE_INFINITY); // 0.01 < 0.02
    expect(first(2)).toBe(24); // 0.98 * 24 = 23.52 -> 24
    expect(first(100)).toBe(0);
  });
});

describe('deltaEncode (snnTorch spikegen.delta with on/off channels)', () => {
  // One sample, two features, 6 steps, threshold 0.1; series is time-major [t][feature].
  // f0: 0.5, 0.7, 0.75, 0.55, 0.55, 0.85  (changes vs previous: +0.5 from 0, +0.2, +0.05, -0.2, 0, +0.3)
  // f1: 0.06, 0.12, ..., 0.36 (a ramp of +0.06 per step: never 0.1 from one step to the next)
  const f0 = [0.5, 0.7, 0.75, 0.55, 0.55, 0.85];
  const f1 = [0.06, 0.12, 0.18, 0.24, 0.3, 0.36];
  const series = new Float32Array(f0.flatMap((x, t) => [x, f1[t]!]));
  const channels = (out: Uint8Array, c: number) => Array.from({ length: 6 }, (_, t) => out[t * 4 + c]);

  it('on and off spikes against the previous step, padding compares step 0 with itself', () => {
    const out = new Uint8Array(6 * 4);
    deltaEncode(series, 1, 2, 6, out);
    expect(channels(out, 0)).toEqual([1, 1, 0, 0, 0, 1]); // f0 on
    expect(channels(out, 2)).toEqual([0, 0, 0, 1, 0, 0]); // f0 off
    expect(channels(out, 1)).toEqual([0, 0, 0, 0, 0, 0]); // f1 on: the slow ramp never spikes
    expect(channels(out, 3)).toEqual([0, 0, 0, 0, 0, 0]);
    deltaEncode(series, 1, 2, 6, out, { padding: true });
    expect(channels(out, 0)).toEqual([0, 1, 0, 0, 0, 1]);
    deltaEncode(series, 1, 2, 6, out, { offChannel: false });
    expect(channels(out, 2)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it("'lastEmitted' (send-on-delta) catches a slow ramp", () => {
    // f1 against the value at its last spike: 0.06 (vs 0) no; 0.12 on; 0.18 (+0.06) no;
    // 0.24 (+0.12 vs 0.12) on; 0.30 no; 0.36 on.
    const out = new Uint8Array(6 * 4);
    deltaEncode(series, 1, 2, 6, out, { reference: 'lastEmitted' });
    expect(channels(out, 1)).toEqual([0, 1, 0, 1, 0, 1]);
    // f0: 0.5 on (last 0.5); 0.7 on; 0.75 no (+0.05 vs 0.7); 0.55 off (-0.15 vs 0.7); 0.55 no;
    // 0.85 on (+0.3 vs 0.55).
    expect(channels(out, 0)).toEqual([1, 1, 0, 0, 0, 1]);
    expect(channels(out, 2)).toEqual([0, 0, 0, 1, 0, 0]);
  });
});
