// Seeded synthetic tasks: small, fast data sets for the systems whose papers used them (the RF
// spintronic network's non-linear task, two moons, gestures for the Bayesian machine).
//
// Every generator draws sample i from a random stream that depends only on (seed, split), one
// sample after the other, so:
//  - the same seed gives identical bytes, and a `limit` slice is exactly the first N samples of
//    the full split;
//  - train and test come from different streams (independent draws: no sample is shared);
//  - labels go round-robin (sample i has class i mod C), so every class is exactly balanced and
//    any slice of ≥ C samples holds all classes.
// Features are mapped to [0, 1] by a FIXED affine map per task (not fitted to the data), so train
// and test are scaled identically; rare noisy points outside the box are clamped.
import { Rng } from '../sim/rng';
import { SpikePatternTask } from '../snn/tasks';
import type { LoadedDataset } from './index';

export type SyntheticName =
  | 'synthetic_nonlinear'
  | 'synthetic_moons'
  | 'synthetic_gestures'
  | 'synthetic_spikes';
export type SyntheticSplit = 'train' | 'test';

export const SYNTHETIC_NAMES: readonly SyntheticName[] = [
  'synthetic_nonlinear',
  'synthetic_moons',
  'synthetic_gestures',
  'synthetic_spikes',
];

/** Default sizes of the splits (a `limit` slices them). */
export const SYNTHETIC_DEFAULT_COUNT: Record<SyntheticSplit, number> = { train: 4000, test: 1000 };

interface TaskSpec {
  features: number;
  classes: number;
  description: string;
  /** Writes sample features (already in [0, 1]) into out[0..features) for class `label`. */
  sample(rng: Rng, label: number, out: Float32Array): void;
}

// Random streams of the generators: far from the simulator's STREAMS (1..7) and learner ids
// (100+), one per (task, split) so that the two splits never share a draw.
const STREAM_BASE: Record<SyntheticName, number> = {
  synthetic_nonlinear: 9100,
  synthetic_moons: 9200,
  synthetic_gestures: 9300,
  synthetic_spikes: 9400,
};
const SPLIT_OFFSET: Record<SyntheticSplit, number> = { train: 1, test: 2 };

const clamp01 = (v: number): number => (v < 0 ? 0 : v > 1 ? 1 : v);

// ---------------------------------------------------------------------------------------------
// synthetic_nonlinear: two concentric noisy rings (the form of scikit-learn's make_circles).
// Ross et al. (Nat. Nanotechnol. 18:1273, 2023) classify "nonlinearly separable RF inputs" with
// two RF input powers and two classes (97.7 %); neither the seed nor the abstract gives the exact
// point cloud, so we use the standard non-linearly-separable 2-input, 2-class benchmark:
// class 0 = outer ring of radius 1, class 1 = inner ring of radius RING_FACTOR, angle uniform,
// Gaussian noise RING_NOISE on each coordinate. No straight line separates them (a linear
// classifier stays near 50 %); one hidden layer separates them almost perfectly.
const RING_FACTOR = 0.5; // inner/outer radius ratio (make_circles' `factor`, its default is 0.8)
const RING_NOISE = 0.08; // Gaussian std per coordinate, in units of the outer radius
// Fixed map of the box [-1.3, 1.3]² (radius 1 + > 3.5 σ of noise) onto [0, 1]².
const RING_HALF_WIDTH = 1.3;

const nonlinear: TaskSpec = {
  features: 2,
  classes: 2,
  description: `synthetic_nonlinear: concentric rings (radius 1 vs ${RING_FACTOR}, noise ${RING_NOISE}), 2 features in [0, 1], 2 classes`,
  sample(rng, label, out) {
    const r = label === 0 ? 1 : RING_FACTOR;
    const a = 2 * Math.PI * rng.uniform();
    const x = r * Math.cos(a) + RING_NOISE * rng.normal();
    const y = r * Math.sin(a) + RING_NOISE * rng.normal();
    out[0] = clamp01((x + RING_HALF_WIDTH) / (2 * RING_HALF_WIDTH));
    out[1] = clamp01((y + RING_HALF_WIDTH) / (2 * RING_HALF_WIDTH));
  },
};

// ---------------------------------------------------------------------------------------------
// synthetic_moons: scikit-learn's make_moons. Class 0: (cos t, sin t), class 1:
// (1 − cos t, 0.5 − sin t), t uniform in [0, π], plus Gaussian noise (std 0.1 here, a common
// choice with make_moons; sklearn's own default is no noise). The noiseless moons span
// x ∈ [−1, 2], y ∈ [−0.5, 1]; the fixed map adds a 0.5 margin (5 σ) on each side.
const MOONS_NOISE = 0.1;
const MOONS_X0 = -1.5;
const MOONS_XW = 4; // x ∈ [−1.5, 2.5]
const MOONS_Y0 = -1;
const MOONS_YW = 2.5; // y ∈ [−1, 1.5]

const moons: TaskSpec = {
  features: 2,
  classes: 2,
  description: `synthetic_moons: two moons (noise ${MOONS_NOISE}), 2 features in [0, 1], 2 classes`,
  sample(rng, label, out) {
    const t = Math.PI * rng.uniform();
    let x = label === 0 ? Math.cos(t) : 1 - Math.cos(t);
    let y = label === 0 ? Math.sin(t) : 0.5 - Math.sin(t);
    x += MOONS_NOISE * rng.normal();
    y += MOONS_NOISE * rng.normal();
    out[0] = clamp01((x - MOONS_X0) / MOONS_XW);
    out[1] = clamp01((y - MOONS_Y0) / MOONS_YW);
  },
};

// ---------------------------------------------------------------------------------------------
// synthetic_gestures: accelerometer-like 2-D strokes for the Bayesian machine (Harabi et al.,
// Nat. Electron. 6:52, 2023, recognise gestures from sensor features with naive Bayes).
// Each class is a prototype velocity trajectory v(t) = (vx, vy), t ∈ [0, 1]:
//   0 swipe right (1, 0)         1 swipe left (−1, 0)
//   2 swipe up (0, 1)            3 swipe down (0, −1)
//   4 circle anticlockwise (−sin 2πt, cos 2πt)    5 circle clockwise (sin 2πt, cos 2πt)
//   6 horizontal shake (sign sin 4πt, 0)          7 tick "✓" (0.7, −1 then +1 at t = ½)
// One recording = GESTURE_STEPS samples of the prototype with, per recording, an amplitude
// scale U(0.6, 1.4), a time warp t → t^γ (ln γ ~ N(0, 0.3²)), a start offset U(−0.1, 0.1) in t,
// a sensor bias N(0, 0.25²) per axis; and per sample Gaussian noise N(0, 0.6²) per axis.
// Reduction to 16 binary features: cut the recording into 4 equal segments (8 samples each);
// per segment s, with m = the segment's mean velocity:
//   f[4s+0] = mx > 0,  f[4s+1] = my > 0,  f[4s+2] = |mx| > 0.35,  f[4s+3] = |my| > 0.35
// (sign and "moving" bits per axis). Features are 0 or 1.
const GESTURE_STEPS = 32;
const GESTURE_SEGMENTS = 4;
const GESTURE_MOVE_THRESHOLD = 0.35;
const GESTURE_NOISE = 0.6;
const GESTURE_BIAS = 0.25;
const GESTURE_WARP = 0.3;

function gesturePrototype(label: number, t: number, v: Float64Array): void {
  const tau = 2 * Math.PI * t;
  switch (label) {
    case 0:
      v[0] = 1;
      v[1] = 0;
      break;
    case 1:
      v[0] = -1;
      v[1] = 0;
      break;
    case 2:
      v[0] = 0;
      v[1] = 1;
      break;
    case 3:
      v[0] = 0;
      v[1] = -1;
      break;
    case 4:
      v[0] = -Math.sin(tau);
      v[1] = Math.cos(tau);
      break;
    case 5:
      v[0] = Math.sin(tau);
      v[1] = Math.cos(tau);
      break;
    case 6:
      v[0] = Math.sin(2 * tau) >= 0 ? 1 : -1;
      v[1] = 0;
      break;
    default:
      v[0] = 0.7;
      v[1] = t < 0.5 ? -1 : 1;
  }
}

const gestureScratch = new Float64Array(2);
const gestures: TaskSpec = {
  features: 16,
  classes: 8,
  description:
    'synthetic_gestures: 8 noisy 2-D stroke gestures, 4 segments × (sign, moving) per axis = 16 binary features, 8 classes',
  sample(rng, label, out) {
    const amp = 0.6 + 0.8 * rng.uniform();
    const gamma = Math.exp(GESTURE_WARP * rng.normal());
    const offset = 0.2 * rng.uniform() - 0.1;
    const bx = GESTURE_BIAS * rng.normal();
    const by = GESTURE_BIAS * rng.normal();
    const per = GESTURE_STEPS / GESTURE_SEGMENTS;
    const v = gestureScratch;
    for (let s = 0; s < GESTURE_SEGMENTS; s++) {
      let mx = 0;
      let my = 0;
      for (let k = 0; k < per; k++) {
        const step = s * per + k;
        const t = (step + 0.5) / GESTURE_STEPS;
        let tw = t ** gamma + offset;
        tw -= Math.floor(tw); // periodic prototypes; the swipes do not care
        gesturePrototype(label, tw, v);
        mx += amp * v[0]! + bx + GESTURE_NOISE * rng.normal();
        my += amp * v[1]! + by + GESTURE_NOISE * rng.normal();
      }
      mx /= per;
      my /= per;
      out[4 * s] = mx > 0 ? 1 : 0;
      out[4 * s + 1] = my > 0 ? 1 : 0;
      out[4 * s + 2] = Math.abs(mx) > GESTURE_MOVE_THRESHOLD ? 1 : 0;
      out[4 * s + 3] = Math.abs(my) > GESTURE_MOVE_THRESHOLD ? 1 : 0;
    }
  },
};

// ---------------------------------------------------------------------------------------------
// synthetic_spikes: Poisson spike patterns for the spiking examples (eprop-recurrent-snn.nfab,
// loihi-three-factor.nfab): 100 channels, 10 classes. Each class is a rate template of
// engine/snn/tasks.ts (SpikePatternTask: a random 20% of the channels at 40 Hz, the rest at
// 5 Hz), fixed by the seed (stream STREAM_BASE + 0, shared by both splits). A sample is its class
// template with every channel's rate scaled by its own factor uniform in [1 - J, 1 + J], so the
// samples of a class differ before the spikes are even drawn. Features are rates divided by
// SPIKE_RATE_SCALE (so in [0, 1]); the spiking engine turns them into Poisson spikes with
// probability feature * SPIKE_RATE_SCALE * dt per step (engine/snn/plan.ts).
/** Feature 1 = 100 Hz (our choice: above the 40 Hz of the templates times the jitter). */
export const SPIKE_RATE_SCALE = 100;
const SPIKE_RATE_JITTER = 0.25; // our choice: +-25% per channel and sample

function spikesTask(seed: number): TaskSpec {
  const patterns = new SpikePatternTask(new Rng(seed, STREAM_BASE.synthetic_spikes));
  const { channels, classes, dt, highRate, lowRate } = patterns.options;
  return {
    features: channels,
    classes,
    description: `synthetic_spikes: Poisson rate patterns (${channels} channels, ${classes} classes, ${highRate} Hz on 20% of the channels, ${lowRate} Hz elsewhere, +-${SPIKE_RATE_JITTER * 100}% per sample), features = rate / ${SPIKE_RATE_SCALE} Hz`,
    sample(rng, label, out) {
      const row = label * channels;
      for (let i = 0; i < channels; i++) {
        const rate = patterns.templates[row + i]! / dt;
        const jitter = 1 + SPIKE_RATE_JITTER * (2 * rng.uniform() - 1);
        out[i] = clamp01((rate * jitter) / SPIKE_RATE_SCALE);
      }
    },
  };
}

const TASKS: Record<Exclude<SyntheticName, 'synthetic_spikes'>, TaskSpec> = {
  synthetic_nonlinear: nonlinear,
  synthetic_moons: moons,
  synthetic_gestures: gestures,
};

export function isSyntheticName(name: string): name is SyntheticName {
  return (SYNTHETIC_NAMES as readonly string[]).includes(name);
}

/**
 * The first `count` samples of a split of a synthetic task (count defaults to 4,000 train /
 * 1,000 test). Deterministic in (name, split, seed); slices of one split are prefixes of it.
 */
export function generateSynthetic(
  name: SyntheticName,
  split: SyntheticSplit,
  count: number = SYNTHETIC_DEFAULT_COUNT[split],
  seed = 0,
): LoadedDataset {
  const task = name === 'synthetic_spikes' ? spikesTask(seed) : TASKS[name];
  if (!task) throw new Error(`unknown synthetic data set "${name}" (known: ${SYNTHETIC_NAMES.join(', ')})`);
  const n = Math.max(0, Math.floor(count));
  const rng = new Rng(seed, STREAM_BASE[name] + SPLIT_OFFSET[split]);
  const f = task.features;
  const images = new Float32Array(n * f);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const label = i % task.classes;
    labels[i] = label;
    task.sample(rng, label, images.subarray(i * f, (i + 1) * f));
  }
  return {
    images,
    labels,
    count: n,
    features: f,
    classes: task.classes,
    description: `${task.description} (seed ${seed})`,
  };
}
