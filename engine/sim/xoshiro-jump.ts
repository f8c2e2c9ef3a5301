// Jump-ahead for the four xoshiro128** lanes of the WebAssembly normal generator (kernels.wat
// fill_normal), so a long run of draws can be split over threads and still be the very same
// draws: thread c starts from the state the single-threaded run would have reached.
//
// xoshiro128's state transition is linear over GF(2) (Blackman & Vigna 2018), so k steps are a
// 128×128 bit matrix M^k, built once by repeated squaring and then applied in 128·4 word XORs. The
// published jump() polynomials only move by 2^64 steps; here the distance is the draws of a chunk.

/** A 128×128 GF(2) matrix as its 128 columns of four 32-bit words (state words s0..s3). */
type BitMatrix = Uint32Array;

/** One xoshiro128 step of a state (s0, s1, s2, s3) in place: the linear part of next(). */
function step(s: Uint32Array, at = 0): void {
  const t = s[at + 1]! << 9;
  s[at + 2]! ^= s[at]!;
  s[at + 3]! ^= s[at + 1]!;
  s[at + 1]! ^= s[at + 2]!;
  s[at]! ^= s[at + 3]!;
  s[at + 2]! ^= t;
  const s3 = s[at + 3]!;
  s[at + 3] = (s3 << 11) | (s3 >>> 21);
}

/** v' = A·v for a 4-word state v (in place through a scratch). */
function apply(a: BitMatrix, v: Uint32Array, out: Uint32Array): void {
  let r0 = 0;
  let r1 = 0;
  let r2 = 0;
  let r3 = 0;
  for (let w = 0; w < 4; w++) {
    const word = v[w]!;
    for (let b = 0; b < 32; b++) {
      if (((word >>> b) & 1) === 0) continue;
      const c = 4 * (32 * w + b);
      r0 ^= a[c]!;
      r1 ^= a[c + 1]!;
      r2 ^= a[c + 2]!;
      r3 ^= a[c + 3]!;
    }
  }
  out[0] = r0;
  out[1] = r1;
  out[2] = r2;
  out[3] = r3;
}

/** A·B (column j of the product is A applied to column j of B). */
function multiply(a: BitMatrix, b: BitMatrix): BitMatrix {
  const c = new Uint32Array(512);
  const col = new Uint32Array(4);
  const res = new Uint32Array(4);
  for (let j = 0; j < 128; j++) {
    col.set(b.subarray(4 * j, 4 * j + 4));
    apply(a, col, res);
    c.set(res, 4 * j);
  }
  return c;
}

function oneStep(): BitMatrix {
  const m = new Uint32Array(512);
  const s = new Uint32Array(4);
  for (let j = 0; j < 128; j++) {
    s.fill(0);
    s[j >>> 5] = 1 << (j & 31);
    step(s);
    m.set(s, 4 * j);
  }
  return m;
}

const cache = new Map<number, BitMatrix>();

/** M^k: the state transition of k xoshiro128 steps. */
export function jumpMatrix(k: number): BitMatrix {
  const hit = cache.get(k);
  if (hit) return hit;
  let result: BitMatrix | null = null;
  let power = oneStep();
  for (let e = k; e > 0; e = Math.floor(e / 2)) {
    if (e % 2 === 1) result = result ? multiply(power, result) : power;
    if (e > 1) power = multiply(power, power);
  }
  const m = result ?? identity();
  cache.set(k, m);
  return m;
}

function identity(): BitMatrix {
  const m = new Uint32Array(512);
  for (let j = 0; j < 128; j++) m[4 * j + (j >>> 5)] = 1 << (j & 31);
  return m;
}

/**
 * Advances the four lanes of a fill_normal state (16 words: s0 of lanes 0–3, then s1, s2, s3) by
 * `jump` (= jumpMatrix(k): k steps of every lane) and writes the result to `out` (16 words).
 */
export function jumpLanes(state: Uint32Array, jump: BitMatrix, out: Uint32Array): void {
  const v = new Uint32Array(4);
  const r = new Uint32Array(4);
  for (let lane = 0; lane < 4; lane++) {
    for (let w = 0; w < 4; w++) v[w] = state[4 * w + lane]!;
    apply(jump, v, r);
    for (let w = 0; w < 4; w++) out[4 * w + lane] = r[w]!;
  }
}

/** k plain xoshiro128 steps of one (s0, s1, s2, s3) state, for tests of the jump. */
export function stepState(s: Uint32Array, k: number): void {
  for (let i = 0; i < k; i++) step(s);
}
