// Time of poissonEncode on an MNIST-sized batch (128 samples x 784 features x 25 steps), about
// 20% of pixels non-zero. Run: npx tsx scripts/exp-snn-encoders-speed.ts (report `uptime` with it).
import { Rng } from '../engine/sim/rng';
import { poissonEncode } from '../engine/snn/encoders';

const F = 784,
  C = 128,
  T = 25;
const img = new Float32Array(C * F);
const r0 = new Rng(1);
for (let i = 0; i < img.length; i++) img[i] = r0.uniform() < 0.8 ? 0 : r0.uniform();
const out = new Uint8Array(T * C * F);
const rng = new Rng(2);
for (let w = 0; w < 5; w++) poissonEncode(rng, img, 0, C, F, T, out);
const t0 = performance.now();
const reps = 20;
for (let w = 0; w < reps; w++) poissonEncode(rng, img, 0, C, F, T, out);
const ms = (performance.now() - t0) / reps;
console.log(
  `poissonEncode 128x784x25: ${ms.toFixed(2)} ms per batch, ${((ms / C) * 1000).toFixed(1)} us per sample`,
);
