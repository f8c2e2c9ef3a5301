// Input encoders: turn analog inputs (pixels in [0, 1]) into spike trains.
// Layout of every spike buffer here is time-major: out[(t * count + i) * features + f] is the
// spike of feature f of sample i at step t (step, then sample, then feature), so that one step of
// a batch is one contiguous [count x features] matrix, which is what a layer's matrix product reads.
// Sources and choices: docs/engine-snn-neurons.md.
import type { Rng } from '../sim/rng';

/**
 * Rate (Poisson / Bernoulli) coding, as snnTorch spikegen.rate: at every step each feature spikes
 * independently with probability min(1, pixel * gain) (pixels <= 0 never spike).
 * Reads samples first .. first+count-1 of `images` (row-major, `features` values per sample) and
 * writes `steps * count * features` bytes of 0/1 into `out` (time-major, see the top of the file).
 * Draws one uniform per (step, sample, feature) in that order, so the same rng state gives the
 * same spikes bit for bit.
 */
export function poissonEncode(
  rng: Rng,
  images: Float32Array,
  first: number,
  count: number,
  features: number,
  steps: number,
  out: Uint8Array,
  gain = 1,
): void {
  if ((first + count) * features > images.length) {
    throw new RangeError(
      `poissonEncode: samples ${first}..${first + count - 1} of ${features} features exceed the ${images.length} values given`,
    );
  }
  if (out.length < steps * count * features) {
    throw new RangeError(`poissonEncode: out holds ${out.length} bytes, needs ${steps * count * features}`);
  }
  const base = first * features;
  const block = count * features;
  // rng.uniform() per slot, with xoshiro128**'s state in locals (the same draws in the same order
  // as Rng.nextU32, so the output is bit-identical to `rng.uniform() < p`; the test checks it):
  // a method call per slot was ~0.4 ms per 784 x 25 sample, a noticeable share of SNN training.
  rng.saveState(RNG_WORDS);
  let s0 = RNG_WORDS[0]! | 0;
  let s1 = RNG_WORDS[1]! | 0;
  let s2 = RNG_WORDS[2]! | 0;
  let s3 = RNG_WORDS[3]! | 0;
  for (let t = 0; t < steps; t++) {
    const o = t * block;
    for (let k = 0; k < block; k++) {
      const r = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
      const sh = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= sh;
      s3 = rotl(s3, 11);
      // p >= 1 always fires (u < 1); p <= 0 never does (u >= 0).
      out[o + k] = (r >>> 0) * TWO_POW_NEG_32 < images[base + k]! * gain ? 1 : 0;
    }
  }
  RNG_WORDS[0] = s0;
  RNG_WORDS[1] = s1;
  RNG_WORDS[2] = s2;
  RNG_WORDS[3] = s3;
  rng.loadState(RNG_WORDS);
}

const TWO_POW_NEG_32 = 2 ** -32;
/** Scratch for the generator's state (module-level: no allocation per call). */
const RNG_WORDS = new Uint32Array(4);

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** torch.round: to the nearest integer, halves to even (snnTorch rounds spike times with it). */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x - Math.trunc(x)) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * Latency (time-to-first-spike) coding, as snnTorch spikegen.latency(data, num_steps=steps,
 * threshold, linear=True, normalize=True, clip=True) with first_spike_time = 0: each feature
 * fires once, at step t = round((1 - x) (steps - 1)) (round half to even, as torch.round), so
 * the brightest pixel (x = 1) fires at step 0 and x -> 0 near the last step; a feature with
 * x < threshold does not fire at all (snnTorch's clip). snnTorch's default threshold 0.01.
 * Same layout as poissonEncode; the whole [steps x count x features] block of `out` is written.
 */
export function latencyEncode(
  images: Float32Array,
  first: number,
  count: number,
  features: number,
  steps: number,
  out: Uint8Array,
  threshold = 0.01,
): void {
  if ((first + count) * features > images.length) {
    throw new RangeError(
      `latencyEncode: samples ${first}..${first + count - 1} of ${features} features exceed the ${images.length} values given`,
    );
  }
  const block = count * features;
  if (out.length < steps * block) {
    throw new RangeError(`latencyEncode: out holds ${out.length} bytes, needs ${steps * block}`);
  }
  out.fill(0, 0, steps * block);
  const base = first * features;
  const tau = steps - 1;
  // torch compares and multiplies float32 tensors in float32: so do we (Math.fround), so that
  // x = 0.01 (0.0099999998 in float32) still fires against threshold 0.01, and halves land alike.
  const th = Math.fround(threshold);
  for (let k = 0; k < block; k++) {
    const x = images[base + k]!;
    if (!(x >= th)) continue;
    // snnTorch clamps the time to (1 - threshold) tau; x >= threshold already keeps it there.
    const t = roundHalfEven(Math.fround(tau * Math.fround(1 - Math.min(1, x))));
    out[t * block + k] = 1;
  }
}

export interface DeltaOptions {
  /** Change that makes a spike (snnTorch spikegen.delta threshold, default 0.1). */
  threshold?: number;
  /** Emit off spikes for falls (snnTorch off_spike); default true. */
  offChannel?: boolean;
  /**
   * Compare step 0 with itself (no spike at 0) rather than with 0 (snnTorch padding); default false.
   */
  padding?: boolean;
  /**
   * 'previous' (snnTorch): the change is x[t] - x[t-1]. 'lastEmitted' (send-on-delta): the change
   * is x[t] minus the value at the last spike of that feature, so slow drifts spike too. Default
   * 'previous'.
   */
  reference?: 'previous' | 'lastEmitted';
}

/**
 * Delta coding of a time series, as snnTorch spikegen.delta: an on spike where the change
 * reaches +threshold (>=), an off spike where it reaches -threshold (<=).
 * `series` is time-major like the spike buffers: series[(t * count + i) * features + f].
 * `out` gets 2 * features channels per sample and step: channels 0..features-1 are the on
 * spikes, features..2*features-1 the off spikes (all 0 when offChannel is false), i.e.
 * out[(t * count + i) * 2 * features + c].
 * `lastValue` (count * features floats) is scratch for the reference value; pass one to avoid
 * an allocation per call.
 */
export function deltaEncode(
  series: Float32Array,
  count: number,
  features: number,
  steps: number,
  out: Uint8Array,
  options: DeltaOptions = {},
  lastValue = new Float32Array(count * features),
): void {
  const threshold = options.threshold ?? 0.1;
  const offChannel = options.offChannel ?? true;
  const sinceEmitted = (options.reference ?? 'previous') === 'lastEmitted';
  const block = count * features;
  if (series.length < steps * block) {
    throw new RangeError(`deltaEncode: series holds ${series.length} values, needs ${steps * block}`);
  }
  if (out.length < steps * 2 * block) {
    throw new RangeError(`deltaEncode: out holds ${out.length} bytes, needs ${steps * 2 * block}`);
  }
  for (let k = 0; k < block; k++) lastValue[k] = options.padding ? series[k]! : 0;
  for (let t = 0; t < steps; t++) {
    for (let i = 0; i < count; i++) {
      const o = (t * count + i) * 2 * features;
      for (let f = 0; f < features; f++) {
        const k = i * features + f;
        const x = series[t * block + k]!;
        const change = x - lastValue[k]!;
        const on = change >= threshold ? 1 : 0;
        const off = offChannel && change <= -threshold ? 1 : 0;
        out[o + f] = on;
        out[o + features + f] = off;
        if (!sinceEmitted || on || off) lastValue[k] = x;
      }
    }
  }
}
