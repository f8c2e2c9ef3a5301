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
  for (let t = 0; t < steps; t++) {
    const o = t * block;
    for (let k = 0; k < block; k++) {
      // p >= 1 always fires (uniform() < 1); p <= 0 never does (uniform() >= 0).
      out[o + k] = rng.uniform() < images[base + k]! * gain ? 1 : 0;
    }
  }
}
