// The memristor Bayesian machine (rule `naive_bayes`), after K.-E. Harabi et al., "A memristor-
// based Bayesian machine", Nat. Electron. 6:52, 2023 (seed 002): naive-Bayes classification by
// stochastic computing, with the model's probabilities held in memristor arrays next to the logic.
//
// Training is counting (no gradient): the class counts n_k and feature counts n_{k,i,v} of the
// training set give, with Laplace smoothing α = 1,
//   P(k) = (n_k + α) / (N + C α),   P(x_i = v | k) = (n_{k,i,v} + α) / (n_k + V α).
// Features are binary (V = 2): synthetic_gestures is already 0/1; any other input is thresholded
// at 0.5.
//
// Deployment programs the probabilities onto the bayesian_array, one row per (feature, value) and
// one prior row, one column per class: rows = F·V + 1 (33 for 16 binary features), split over
// tile.rows × tile.cols arrays. Before programming, every row is divided by its largest entry, so
// the largest likelihood of each observation is 1. This leaves the decision unchanged (each class's
// product is scaled by the same constant for a given observation) and keeps the AND of many
// streams from dying out: without it, 16 likelihoods of ~0.5 multiply to 1.5e-5 and a 255-bit
// stream almost always holds no 1 at all. (Harabi et al. discuss this underflow of stochastic
// computing with low probabilities; we could not check which exact remedy their chip uses, so this
// per-observation max-normalisation is our choice, documented in docs/engine-bayes.md.)
// Normalisation alone is not enough for 16 features: the true class's normalised product is still
// e^-5.8 ≈ 0.3 % on average on synthetic_gestures, so at 255 bits a third of the samples see no 1
// in any class. We therefore also store every normalised value raised to a power γ ≤ 1 (the
// "likelihood exponent"): Π p_i^γ = (Π p_i)^γ is a monotone function of the product, so the exact
// decision is unchanged, while the streams survive. γ is chosen from the counts so that the mean
// log-product of the true class becomes ln(1/3) (AUTO_TARGET_LOG_PRODUCT), i.e. the winning
// stream holds about one 1 in three bits; the tile field likelihoodExponent overrides it (1 = off).
// The price: the contrast between classes shrinks to the power γ, so more bits are needed to
// separate close classes; measured on synthetic_gestures (scripts/exp-bayes.ts), γ ≈ 0.2 is near
// the best for 8, 32 and 255 bits alike.
// Each normalised value p is quantised to Q levels and stored as a conductance
// G = g_min + p (g_max − g_min): Q = device.levels for a multi-level device, and Q = 256 (an 8-bit
// word) when the device is binary (levels ≤ 2), as in the paper, where each likelihood is an
// 8-bit word held in binary memristors. Programming noise (σ = device.programNoise of the window)
// and stuck-at faults (p = 0 at g_min, p = 1 at g_max) apply; the stored value is clipped to [0, 1].
//
// Inference is stochastic computing. For one sample and class k, on each of L = tile.streamLength
// clock cycles every selected cell (the prior row and the row of each observed feature value) is
// read once: the read value p + σ_read·z (z ~ N(0, 1), σ_read = device.readNoise) is compared
// with a fresh uniform random threshold u, giving a bit that is 1 with probability ≈ p. The AND of
// the 1 + F bits is 1 with probability Π p, so the count of 1s over L cycles estimates
// P(k) Π_i P(x_i | k) up to the normalisation constant. The class with the most 1s wins; ties
// (typically all counts zero when L is short) are broken uniformly at random from the seeded read
// stream. The AND is evaluated lazily (a cycle stops at its first 0 bit), which draws fewer random
// numbers but has exactly the same distribution.
//
// Loss: the cross-entropy of the normalised counts, q_k = (c_k + ½) / Σ_j (c_j + ½) (the ½ keeps
// it finite when a count is zero). In training, the loss and accuracy of each batch come from the
// exact (float) naive Bayes of the counts BEFORE the batch is added (a prequential score). Extra
// epochs re-count the same samples: the estimated frequencies do not change, only the weight of
// the Laplace prior shrinks, so one epoch suffices.
import type { DeviceModel } from '../../ir/model';
import { isWeightLayer, type LayerPlan, type TilePlan, type TrainingPlan, tilePlan } from '../plan';
import type { Rng } from '../rng';
import { type BatchResult, type LearnerFactory, rngFor } from './types';

/** Laplace smoothing pseudo-count (add-one). */
export const LAPLACE_ALPHA = 1;
/** Values per feature: binary features. */
export const FEATURE_VALUES = 2;
/** Harabi et al. store each likelihood as an 8-bit word: used when the device is binary. */
export const BINARY_DEVICE_WORD_LEVELS = 256;
/** Target mean log-product of the true class for the automatic likelihood exponent: ln(1/3). */
export const AUTO_TARGET_LOG_PRODUCT = Math.log(1 / 3);
/** Nominal stream length when the tile does not say (example bayesian-machine.nfab: 255). */
export const DEFAULT_STREAM_LENGTH = 255;

/** Counts of a naive-Bayes model over binary features. */
export class NaiveBayesCounts {
  readonly classCounts: Float64Array;
  /** n_{k,i,v} at [(k·F + i)·V + v]. */
  readonly featureCounts: Float64Array;
  total = 0;

  constructor(
    readonly features: number,
    readonly classes: number,
  ) {
    this.classCounts = new Float64Array(classes);
    this.featureCounts = new Float64Array(classes * features * FEATURE_VALUES);
  }

  add(x: Float32Array, labels: Uint8Array, m: number): void {
    const f = this.features;
    for (let s = 0; s < m; s++) {
      const k = labels[s]!;
      this.classCounts[k]!++;
      const base = k * f * FEATURE_VALUES;
      for (let i = 0; i < f; i++) this.featureCounts[base + i * FEATURE_VALUES + binary(x[s * f + i]!)]!++;
    }
    this.total += m;
  }

  /** Laplace-smoothed priors P(k) (C) and likelihoods P(x_i = v | k) at [(k·F + i)·V + v]. */
  probabilities(alpha = LAPLACE_ALPHA): { prior: Float64Array; likelihood: Float64Array } {
    const c = this.classes;
    const f = this.features;
    const prior = new Float64Array(c);
    const likelihood = new Float64Array(this.featureCounts.length);
    for (let k = 0; k < c; k++) {
      prior[k] = (this.classCounts[k]! + alpha) / (this.total + c * alpha);
      const denom = this.classCounts[k]! + FEATURE_VALUES * alpha;
      for (let j = k * f * FEATURE_VALUES; j < (k + 1) * f * FEATURE_VALUES; j++)
        likelihood[j] = (this.featureCounts[j]! + alpha) / denom;
    }
    return { prior, likelihood };
  }
}

const binary = (v: number): number => (v >= 0.5 ? 1 : 0);

/**
 * Exact naive-Bayes log posteriors (unnormalised) of one sample into out (C): log P(k) + Σ log P(x_i|k).
 */
export function exactLogScores(
  prior: Float64Array,
  likelihood: Float64Array,
  x: Float32Array,
  offset: number,
  features: number,
  out: Float64Array,
): void {
  for (let k = 0; k < prior.length; k++) {
    let s = Math.log(prior[k]!);
    const base = k * features * FEATURE_VALUES;
    for (let i = 0; i < features; i++)
      s += Math.log(likelihood[base + i * FEATURE_VALUES + binary(x[offset + i]!)]!);
    out[k] = s;
  }
}

/** Cross-entropy of log scores (softmax) for label y, and the arg max (first on ties). */
function logScoreLoss(scores: Float64Array, y: number): { loss: number; arg: number } {
  let max = scores[0]!;
  let arg = 0;
  for (let k = 1; k < scores.length; k++) {
    if (scores[k]! > max) {
      max = scores[k]!;
      arg = k;
    }
  }
  let sum = 0;
  for (let k = 0; k < scores.length; k++) sum += Math.exp(scores[k]! - max);
  return { loss: Math.log(sum) - (scores[y]! - max), arg };
}

/**
 * The programmed array, as normalised conductances p = (G − g_min)/(g_max − g_min) in [0, 1]:
 * `rows` = F·V + 1 (the last row is the prior), one column per class, stored row-major (row·C + k).
 */
export interface ProgrammedBayesArray {
  values: Float32Array;
  rows: number;
  classes: number;
  /** Quantisation levels used. */
  levels: number;
}

/** Divides each row by its largest entry, so the largest value of every row is 1 (rows × C). */
export function normaliseRows(values: Float64Array, rows: number, classes: number): void {
  for (let r = 0; r < rows; r++) {
    let max = 0;
    for (let k = 0; k < classes; k++) max = Math.max(max, values[r * classes + k]!);
    if (max > 0) for (let k = 0; k < classes; k++) values[r * classes + k] = values[r * classes + k]! / max;
  }
}

/** Quantisation levels for a device: its own levels when multi-level, an 8-bit word when binary. */
export function storageLevels(device: DeviceModel): number {
  return device.levels !== null && device.levels > 2 ? device.levels : BINARY_DEVICE_WORD_LEVELS;
}

/**
 * The model laid out as the array holds it: rows (feature i, value v) = i·V + v, then the prior
 * row; one column per class (row·C + k); each row divided by its maximum.
 */
export function normalisedLayout(
  prior: Float64Array,
  likelihood: Float64Array,
  features: number,
): Float64Array {
  const c = prior.length;
  const rows = features * FEATURE_VALUES + 1;
  const target = new Float64Array(rows * c);
  for (let k = 0; k < c; k++) {
    for (let r = 0; r < features * FEATURE_VALUES; r++)
      target[r * c + k] = likelihood[k * features * FEATURE_VALUES + r]!;
    target[(rows - 1) * c + k] = prior[k]!;
  }
  normaliseRows(target, rows, c);
  return target;
}

/**
 * The exponent γ ≤ 1 that brings the expected log-product of the true class, under the model's
 * own probabilities, to AUTO_TARGET_LOG_PRODUCT:
 *   E = Σ_k P(k) [ln p̃_prior,k + Σ_i Σ_v P(x_i = v | k) ln p̃_{i,v,k}],  γ = min(1, target / E).
 */
export function autoLikelihoodExponent(
  prior: Float64Array,
  likelihood: Float64Array,
  features: number,
): number {
  const c = prior.length;
  const t = normalisedLayout(prior, likelihood, features);
  const priorRow = features * FEATURE_VALUES;
  let e = 0;
  for (let k = 0; k < c; k++) {
    let ek = Math.log(t[priorRow * c + k]!);
    for (let r = 0; r < priorRow; r++) ek += likelihood[k * priorRow + r]! * Math.log(t[r * c + k]!);
    e += prior[k]! * ek;
  }
  return e < AUTO_TARGET_LOG_PRODUCT ? AUTO_TARGET_LOG_PRODUCT / e : 1;
}

/**
 * Programs the model: normalised layout (normalisedLayout), each value raised to `exponent`,
 * quantised, plus programming noise and stuck-at faults from `rng`.
 */
export function programBayesArray(
  prior: Float64Array,
  likelihood: Float64Array,
  features: number,
  device: DeviceModel,
  rng: Rng,
  exponent = 1,
): ProgrammedBayesArray {
  const c = prior.length;
  const rows = features * FEATURE_VALUES + 1;
  const target = normalisedLayout(prior, likelihood, features);
  if (exponent !== 1) for (let j = 0; j < target.length; j++) target[j] = target[j]! ** exponent;
  const levels = storageLevels(device);
  const steps = levels - 1;
  const values = new Float32Array(rows * c);
  const stuck = device.stuckAtGMin + device.stuckAtGMax;
  for (let j = 0; j < values.length; j++) {
    let p = Math.round(target[j]! * steps) / steps;
    if (device.programNoise > 0) p += device.programNoise * rng.normal();
    if (stuck > 0) {
      const u = rng.uniform();
      if (u < device.stuckAtGMin) p = 0;
      else if (u < stuck) p = 1;
    }
    values[j] = p < 0 ? 0 : p > 1 ? 1 : p;
  }
  return { values, rows, classes: c, levels };
}

/**
 * Stochastic inference of one sample: for each class, the number of 1s in the AND of the selected
 * rows' bit streams over `streamLength` cycles, written into counts (C).
 */
export function streamCounts(
  array: ProgrammedBayesArray,
  x: Float32Array,
  offset: number,
  features: number,
  streamLength: number,
  readNoise: number,
  rng: Rng,
  counts: Int32Array,
  selected: Int32Array,
): void {
  const c = array.classes;
  const v = array.values;
  // Rows read for this sample: the observed value of each feature, and the prior row.
  for (let i = 0; i < features; i++) selected[i] = (i * FEATURE_VALUES + binary(x[offset + i]!)) * c;
  selected[features] = (array.rows - 1) * c;
  const nSel = features + 1;
  for (let k = 0; k < c; k++) {
    let ones = 0;
    for (let t = 0; t < streamLength; t++) {
      let bit = 1;
      for (let r = 0; r < nSel; r++) {
        let p = v[selected[r]! + k]!;
        if (readNoise > 0) p += readNoise * rng.normal();
        if (!(p > rng.uniform())) {
          bit = 0;
          break; // the AND is already 0: the remaining reads cannot change it
        }
      }
      ones += bit;
    }
    counts[k] = ones;
  }
}

/** Checks that the plan is one dense layer from the inputs to the classes, and returns it. */
function bayesLayer(plan: TrainingPlan): LayerPlan {
  const layers = plan.layers.filter(isWeightLayer);
  const layer = layers[0];
  if (layers.length !== 1 || !layer || layer.kind !== 'dense') {
    throw new Error(
      `naive_bayes: the network must be one dense layer from the inputs to the classes (found ${layers.length} weight layers).`,
    );
  }
  if (layer.inputs !== plan.inputSize || layer.units !== plan.classes) {
    throw new Error(
      `naive_bayes: layer ${layer.name} is ${layer.inputs}→${layer.units} but the data set has ${plan.inputSize} features and ${plan.classes} classes.`,
    );
  }
  return layer;
}

/** Physical arrays needed: (F·V + 1) rows × C columns over tile.rows × tile.cols arrays. */
export function bayesArraysNeeded(
  features: number,
  classes: number,
  tile: Pick<TilePlan, 'rows' | 'cols'>,
): number {
  return Math.ceil((features * FEATURE_VALUES + 1) / tile.rows) * Math.ceil(classes / tile.cols);
}

export const createBayesLearner: LearnerFactory = (ctx) => {
  const { plan } = ctx;
  const layer = bayesLayer(plan);
  const f = plan.inputSize;
  const c = plan.classes;
  const streamLength = Math.max(1, Math.round(layer.tile.streamLength ?? DEFAULT_STREAM_LENGTH));
  const device = layer.device;
  // Not a DSL field yet (asked of the lead): the tile's likelihood exponent, absent = automatic.
  const fixedExponent = layer.tile.likelihoodExponent;
  let exponent = 1;
  const counts = new NaiveBayesCounts(f, c);
  const scores = new Float64Array(c);
  const streamCount = new Int32Array(c);
  const selected = new Int32Array(f + 1);
  let exact: { prior: Float64Array; likelihood: Float64Array } | null = null;
  let array: ProgrammedBayesArray | null = null;
  let readRng: Rng | null = null;
  let evaluated = 0;
  let exactCorrect = 0;
  let allZero = 0;
  ctx.log(
    'info',
    `naive_bayes: ${f} binary features × ${c} classes on ${bayesArraysNeeded(f, c, layer.tile)} ${layer.tile.rows}×${layer.tile.cols} array(s) of ${device.name}, ${streamLength}-bit streams`,
  );

  return {
    trainBatch(x, labels, m): BatchResult {
      const { prior, likelihood } = counts.probabilities();
      let loss = 0;
      let correct = 0;
      for (let s = 0; s < m; s++) {
        exactLogScores(prior, likelihood, x, s * f, f, scores);
        const r = logScoreLoss(scores, labels[s]!);
        loss += r.loss;
        if (r.arg === labels[s]) correct++;
      }
      counts.add(x, labels, m);
      return { loss, correct };
    },

    deploy(): void {
      exact = counts.probabilities();
      // A fresh stream per deployment: every evaluation of the same counts programs the same chip.
      exponent = fixedExponent ?? autoLikelihoodExponent(exact.prior, exact.likelihood, f);
      array = programBayesArray(
        exact.prior,
        exact.likelihood,
        f,
        device,
        rngFor(plan, 'evalProgram'),
        exponent,
      );
      readRng = rngFor(plan, 'evalRead');
      evaluated = 0;
      exactCorrect = 0;
      allZero = 0;
    },

    inferBatch(x, labels, m): BatchResult {
      if (!array || !exact || !readRng) throw new Error('naive_bayes: inferBatch before deploy()');
      let loss = 0;
      let correct = 0;
      for (let s = 0; s < m; s++) {
        const y = labels[s]!;
        streamCounts(array, x, s * f, f, streamLength, device.readNoise, readRng, streamCount, selected);
        // Arg max with uniform random tie-breaking (reservoir sampling over the tied classes).
        let best = -1;
        let arg = 0;
        let ties = 0;
        let sum = 0;
        for (let k = 0; k < c; k++) {
          const n = streamCount[k]!;
          sum += n + 0.5;
          if (n > best) {
            best = n;
            arg = k;
            ties = 1;
          } else if (n === best) {
            ties++;
            if (readRng.uniform() * ties < 1) arg = k;
          }
        }
        if (best === 0) allZero++;
        loss -= Math.log((streamCount[y]! + 0.5) / sum);
        if (arg === y) correct++;
        exactLogScores(exact.prior, exact.likelihood, x, s * f, f, scores);
        if (logScoreLoss(scores, y).arg === y) exactCorrect++;
      }
      evaluated += m;
      return { loss, correct };
    },

    epochMetrics(): Record<string, number> {
      return {
        exact_accuracy: evaluated > 0 ? exactCorrect / evaluated : 0,
        all_zero_fraction: evaluated > 0 ? allZero / evaluated : 0,
        stream_length: streamLength,
        likelihood_exponent: exponent,
        arrays: bayesArraysNeeded(f, c, layer.tile),
        training_samples_counted: counts.total,
      };
    },
  };
};

/**
 * The plan of examples/bayesian-machine.nfab without the DSL (tests and scripts/exp-bayes.ts):
 * 16 binary gesture features → 8 classes on one 32×8 bayesian_array of `device`.
 */
export function bayesianMachinePlan(o: {
  device: DeviceModel;
  streamLength?: number;
  /** Fixed likelihood exponent γ (1 = plain normalised likelihoods); absent = automatic. */
  likelihoodExponent?: number;
  seed?: number;
  trainLimit?: number | null;
  testLimit?: number | null;
}): TrainingPlan {
  const features = 16;
  const classes = 8;
  const tile = tilePlan(features, classes, {
    kind: 'bayesian_array',
    name: 'bayes',
    rows: 32,
    cols: 8,
    streamLength: o.streamLength ?? DEFAULT_STREAM_LENGTH,
  });
  if (o.likelihoodExponent !== undefined) tile.likelihoodExponent = o.likelihoodExponent;
  return {
    experiment: 'gestures',
    chip: 'bayes_chip',
    network: 'naive_bayes',
    dataset: { kind: 'builtin', name: 'synthetic_gestures' },
    inputShape: [features],
    inputSize: features,
    classes,
    layers: [
      {
        kind: 'dense',
        name: 'y',
        inputs: features,
        units: classes,
        activation: 'identity',
        bias: true,
        tile,
        device: o.device,
      },
    ],
    rule: 'naive_bayes',
    trainable: 'weights',
    beta: 0.5,
    pulseLength: 31,
    infer: { time: 0, temperature: 300 },
    optimizer: { kind: 'sgd', lr: 0, momentum: 0, schedule: 'constant' },
    epochs: 1,
    batch: 64,
    seed: o.seed ?? 7,
    trainLimit: o.trainLimit ?? null,
    testLimit: o.testLimit ?? null,
  };
}
