// Seeded randomness for the simulator. xoshiro128** (Blackman & Vigna) on uint32 math: fast in JS
// (no BigInt), 2^128 − 1 period, and the same stream on every platform. The platform's unseeded
// generator is never used in engine/sim or engine/data: a run must be reproducible from its seed.

/** splitmix32: spreads a user seed (and a stream id) over the 128-bit state. */
function splitmix32(state: { x: number }): number {
  state.x = (state.x + 0x9e3779b9) | 0;
  let z = state.x;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

const TWO_POW_NEG_32 = 2 ** -32;

// Ziggurat tables for the normal density (Marsaglia & Tsang 2000, "The Ziggurat Method for
// Generating Random Variables", J. Stat. Softw. 5(8)), 128 layers, scaled for 25-bit integers.
const ZIG_R = 3.442619855899;
const ZIG_K = new Float64Array(128);
const ZIG_W = new Float64Array(128);
const ZIG_F = new Float64Array(128);
/** The ziggurat tables (read-only), for a bulk generator that must draw the same numbers. */
export const ZIGGURAT_TABLES = { K: ZIG_K, W: ZIG_W, F: ZIG_F } as const;
{
  const m1 = 2 ** 24;
  const vn = 9.91256303526217e-3;
  let dn = ZIG_R;
  let tn = dn;
  const q = vn / Math.exp(-0.5 * dn * dn);
  ZIG_K[0] = Math.floor((dn / q) * m1);
  ZIG_K[1] = 0;
  ZIG_W[0] = q / m1;
  ZIG_W[127] = dn / m1;
  ZIG_F[0] = 1;
  ZIG_F[127] = Math.exp(-0.5 * dn * dn);
  for (let i = 126; i >= 1; i--) {
    dn = Math.sqrt(-2 * Math.log(vn / dn + Math.exp(-0.5 * dn * dn)));
    ZIG_K[i + 1] = Math.floor((dn / tn) * m1);
    tn = dn;
    ZIG_F[i] = Math.exp(-0.5 * dn * dn);
    ZIG_W[i] = dn / m1;
  }
}

export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  /**
   * @param seed any integer (the experiment's seed)
   * @param stream independent sub-stream id, so that e.g. the shuffle order does not change when
   *   the noise model does (each consumer of randomness gets its own stream).
   */
  constructor(seed: number, stream = 0) {
    const st = { x: (seed ^ Math.imul(stream + 1, 0x27d4eb2d)) | 0 };
    // Mix the high bits of large seeds too (seeds are integers up to 2^53).
    st.x = (st.x ^ Math.floor(seed / 2 ** 32)) | 0;
    this.s0 = splitmix32(st);
    this.s1 = splitmix32(st);
    this.s2 = splitmix32(st);
    this.s3 = splitmix32(st);
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** Next raw 32-bit output, as an unsigned integer. */
  nextU32(): number {
    const s1 = this.s1;
    const r = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return r >>> 0;
  }

  /** Uniform in [0, 1) with 32 bits of resolution. */
  uniform(): number {
    return this.nextU32() * TWO_POW_NEG_32;
  }

  /**
   * Standard normal N(0, 1) by the ziggurat method (Marsaglia & Tsang 2000, 128 layers): one
   * 32-bit draw and a table compare for ~98.8% of samples, several times faster than Box–Muller,
   * which matters because every programming step draws one normal per device. The layer index
   * comes from the low 7 bits and the value from the upper 25 bits, so they are independent.
   */
  normal(): number {
    return this.normalFrom(this.nextU32());
  }

  /** normal() once its first 32-bit draw `u` is taken (the ziggurat's slow paths draw more). */
  private normalFrom(u: number): number {
    for (;;) {
      const iz = u & 127;
      const hz = (u | 0) >> 7; // signed 25-bit integer
      if (Math.abs(hz) < ZIG_K[iz]!) return hz * ZIG_W[iz]!;
      const x = hz * ZIG_W[iz]!;
      if (iz === 0) {
        // The tail beyond R, by Marsaglia's exponential rejection.
        let tx: number;
        let ty: number;
        do {
          tx = -Math.log(this.uniformOpen()) / ZIG_R;
          ty = -Math.log(this.uniformOpen());
        } while (ty + ty < tx * tx);
        return hz > 0 ? ZIG_R + tx : -ZIG_R - tx;
      }
      // A wedge: accept under the density, else draw again.
      if (ZIG_F[iz]! + this.uniform() * (ZIG_F[iz - 1]! - ZIG_F[iz]!) < Math.exp(-0.5 * x * x)) return x;
      u = this.nextU32();
    }
  }

  /** Copies the generator's 128-bit state into words[at .. at+4) (for a bulk generator elsewhere). */
  saveState(words: Uint32Array | Int32Array, at = 0): void {
    words[at] = this.s0;
    words[at + 1] = this.s1;
    words[at + 2] = this.s2;
    words[at + 3] = this.s3;
  }

  /** Takes back a state written by saveState (and advanced by the same xoshiro128** steps). */
  loadState(words: Uint32Array | Int32Array, at = 0): void {
    this.s0 = words[at]! | 0;
    this.s1 = words[at + 1]! | 0;
    this.s2 = words[at + 2]! | 0;
    this.s3 = words[at + 3]! | 0;
  }

  /** normal() whose first raw draw `u` (unsigned) was already taken off this stream. */
  normalAfterDraw(u: number): number {
    return this.normalFrom(u >>> 0);
  }

  /** Uniform in (0, 1]: safe under a logarithm. */
  uniformOpen(): number {
    return (this.nextU32() + 1) * TWO_POW_NEG_32;
  }

  /** Fills `out[0..n)` with N(mean, std²) draws; the bulk form the device model uses. */
  fillNormal(out: Float32Array | Float64Array, std = 1, mean = 0, n = out.length): void {
    // The same draws as `mean + std * this.normal()` each, with xoshiro128**'s state in locals and
    // the ziggurat's fast path (~98.8%) inlined: every training step of an analog layer draws one
    // normal per device, and the field loads and stores per call were most of normal()'s cost.
    let s0 = this.s0;
    let s1 = this.s1;
    let s2 = this.s2;
    let s3 = this.s3;
    for (let i = 0; i < n; i++) {
      const r = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
      const t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = rotl(s3, 11);
      const iz = r & 127;
      const hz = r >> 7; // signed 25-bit integer, as in normalFrom
      if (Math.abs(hz) < ZIG_K[iz]!) {
        out[i] = mean + std * (hz * ZIG_W[iz]!);
        continue;
      }
      this.s0 = s0;
      this.s1 = s1;
      this.s2 = s2;
      this.s3 = s3;
      out[i] = mean + std * this.normalFrom(r >>> 0);
      s0 = this.s0;
      s1 = this.s1;
      s2 = this.s2;
      s3 = this.s3;
    }
    this.s0 = s0;
    this.s1 = s1;
    this.s2 = s2;
    this.s3 = s3;
  }

  /** Uniform integer in [0, n), without modulo bias (rejection sampling). */
  int(n: number): number {
    if (!(n >= 1 && n <= 2 ** 32)) throw new RangeError(`Rng.int: n must be in [1, 2^32], got ${n}`);
    const limit = 2 ** 32 - (2 ** 32 % n);
    for (;;) {
      const x = this.nextU32();
      if (x < limit) return x % n;
    }
  }

  /** Fisher–Yates shuffle in place; returns the same array. */
  shuffle<T extends { length: number; [i: number]: unknown }>(arr: T): T {
    for (let i = arr.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = arr[i];
      arr[i] = arr[j];
      arr[j] = tmp;
    }
    return arr;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** Named sub-streams, so each source of randomness in a run is independent of the others. */
export const STREAMS = {
  init: 1,
  shuffle: 2,
  stuck: 3,
  program: 4,
  read: 5,
  evalProgram: 6,
  evalRead: 7,
} as const;
