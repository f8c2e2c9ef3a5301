import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../engine/data/index';
import { deviceModel } from '../../engine/sim/presets';
import { Rng } from '../../engine/sim/rng';
import { learnerFor } from '../../engine/sim/rules';
import {
  autoLikelihoodExponent,
  bayesArraysNeeded,
  bayesianMachinePlan,
  createBayesLearner,
  NaiveBayesCounts,
  normalisedLayout,
  type ProgrammedBayesArray,
  programBayesArray,
  streamCounts,
} from '../../engine/sim/rules/bayes';
import { train } from '../../engine/sim/train';

const STOCH_MEM = deviceModel({
  name: 'stoch_mem',
  kind: 'stochastic_memristor',
  gMin: 1e-6,
  gMax: 1e-4,
  levels: 2,
  readNoise: 0.01,
});

// Tiny set: 2 binary features, 2 classes. Class 0: [1,0], [1,1], [0,0]; class 1: [0,1].
const X = new Float32Array([1, 0, 1, 1, 0, 0, 0, 1]);
const Y = new Uint8Array([0, 0, 0, 1]);

describe('naive_bayes: counting', () => {
  it('Laplace-smoothed priors and likelihoods match the hand-computed values', () => {
    const nb = new NaiveBayesCounts(2, 2);
    nb.add(X, Y, 4);
    const { prior, likelihood } = nb.probabilities();
    // P(k) = (n_k + 1)/(N + 2): 4/6, 2/6
    expect(prior[0]).toBeCloseTo(4 / 6, 12);
    expect(prior[1]).toBeCloseTo(2 / 6, 12);
    // index (k·F + i)·2 + v; class 0: x0=1 twice of 3 → (2+1)/(3+2), x1=1 once → (1+1)/5
    expect(Array.from(likelihood.subarray(0, 4))).toEqual(
      [2 / 5, 3 / 5, 3 / 5, 2 / 5].map((v) => expect.closeTo(v, 12)),
    );
    // class 1 (one sample [0,1]): x0=0 → 2/3, x0=1 → 1/3, x1=0 → 1/3, x1=1 → 2/3
    expect(Array.from(likelihood.subarray(4, 8))).toEqual(
      [2 / 3, 1 / 3, 1 / 3, 2 / 3].map((v) => expect.closeTo(v, 12)),
    );
  });

  it('the array layout divides each observation row by its largest entry', () => {
    const nb = new NaiveBayesCounts(2, 2);
    nb.add(X, Y, 4);
    const { prior, likelihood } = nb.probabilities();
    const t = normalisedLayout(prior, likelihood, 2);
    // row (x0 = 0): class 0 2/5, class 1 2/3 → 0.6, 1 ; prior row: 1, 0.5
    expect(t[0]).toBeCloseTo(0.6, 12);
    expect(t[1]).toBeCloseTo(1, 12);
    expect(t[8]).toBeCloseTo(1, 12);
    expect(t[9]).toBeCloseTo(0.5, 12);
    // γ brings the expected true-class log-product to ln(1/3), or stays 1 when it is already above.
    expect(autoLikelihoodExponent(prior, likelihood, 2)).toBe(1);
  });

  it('programming: stuck-at faults and quantisation to 8-bit words on a binary device', () => {
    const prior = new Float64Array([0.5, 0.5]);
    const likelihood = new Float64Array([0.3, 0.7, 0.5, 0.5, 0.7, 0.3, 0.5, 0.5]);
    const stuck = programBayesArray(prior, likelihood, 2, { ...STOCH_MEM, stuckAtGMax: 1 }, new Rng(1));
    expect(Array.from(stuck.values).every((v) => v === 1)).toBe(true);
    const a = programBayesArray(prior, likelihood, 2, STOCH_MEM, new Rng(1));
    expect(a.levels).toBe(256);
    // row x0=0: 0.3/0.7 → round(0.428571·255)/255
    expect(a.values[0]).toBeCloseTo(Math.round((0.3 / 0.7) * 255) / 255, 6);
    const five = programBayesArray(prior, likelihood, 2, { ...STOCH_MEM, levels: 5 }, new Rng(1));
    expect(five.values[0]).toBe(0.5); // 0.4286 snaps to the nearest of 0, .25, .5, .75, 1
  });

  it('arrays needed: (16·2 + 1) rows on 32-row arrays take two', () => {
    expect(bayesArraysNeeded(16, 8, { rows: 32, cols: 8 })).toBe(2);
    expect(bayesArraysNeeded(2, 2, { rows: 32, cols: 8 })).toBe(1);
  });
});

describe('naive_bayes: stochastic computing', () => {
  it('the AND of the streams has the product of the probabilities as its mean', () => {
    // 2 features, 2 classes; rows: (x0=0), (x0=1), (x1=0), (x1=1), prior
    const array: ProgrammedBayesArray = {
      values: new Float32Array([0.9, 0.2, 0.8, 0.5, 0.6, 0.25, 0.5, 1, 0.75, 1]),
      rows: 5,
      classes: 2,
      levels: 256,
    };
    const x = new Float32Array([1, 0]); // selects rows x0=1 and x1=0
    const L = 20000;
    const counts = new Int32Array(2);
    streamCounts(array, x, 0, 2, L, 0, new Rng(3, 7), counts, new Int32Array(3));
    const p0 = 0.8 * 0.6 * 0.75; // 0.36
    const p1 = 0.5 * 0.25 * 1; // 0.125
    for (const [k, p] of [
      [0, p0],
      [1, p1],
    ] as const) {
      const sd = Math.sqrt(L * p * (1 - p));
      expect(Math.abs(counts[k]! - L * p)).toBeLessThan(5 * sd);
    }
  });

  it('zero-mean read noise barely moves a mid-range stream mean, and lifts p = 0 above 0', () => {
    const array: ProgrammedBayesArray = {
      values: new Float32Array([0.5, 0]),
      rows: 1,
      classes: 2,
      levels: 256,
    };
    const counts = new Int32Array(2);
    const L = 20000;
    streamCounts(array, new Float32Array(0), 0, 0, L, 0.1, new Rng(5, 7), counts, new Int32Array(1));
    expect(Math.abs(counts[0]! / L - 0.5)).toBeLessThan(0.02);
    // E[max(0, σz)] = σ/√(2π) ≈ 0.0399 for σ = 0.1
    expect(counts[1]! / L).toBeGreaterThan(0.03);
    expect(counts[1]! / L).toBeLessThan(0.05);
  });
});

describe('naive_bayes: the learner on synthetic_gestures', () => {
  const plan = bayesianMachinePlan({
    device: STOCH_MEM,
    streamLength: 255,
    seed: 7,
    trainLimit: 2000,
    testLimit: 400,
  });
  const data = {
    train: loadDataset(plan.dataset, 'train', 2000, plan.seed),
    test: loadDataset(plan.dataset, 'test', 400, plan.seed),
  };

  it('is routed from the rule', () => {
    expect(learnerFor(plan)).toBe(createBayesLearner);
  });

  it('classifies well above chance (12.5 %), close to exact naive Bayes, reproducibly', async () => {
    const a = await train(plan, data);
    const b = await train(plan, data);
    expect(a.metrics.exact_accuracy).toBeGreaterThan(0.8);
    expect(a.metrics.test_accuracy).toBeGreaterThan(0.7);
    expect(a.metrics.test_accuracy).toBeLessThanOrEqual(a.metrics.exact_accuracy! + 0.05);
    expect(a.metrics.training_samples_counted).toBe(2000);
    expect(b.metrics.test_accuracy).toBe(a.metrics.test_accuracy);
    expect(b.metrics.test_loss).toBe(a.metrics.test_loss);
    const c = await train({ ...plan, seed: 8 }, data);
    expect(c.metrics.test_loss).not.toBe(a.metrics.test_loss);
  });

  it('short streams without the likelihood exponent underflow (most counts zero) and lose accuracy', async () => {
    const short = bayesianMachinePlan({
      device: STOCH_MEM,
      streamLength: 8,
      likelihoodExponent: 1,
      seed: 7,
      trainLimit: 2000,
      testLimit: 400,
    });
    const r = await train(short, data);
    expect(r.metrics.all_zero_fraction).toBeGreaterThan(0.5);
    expect(r.metrics.test_accuracy).toBeLessThan(0.5);
  });
});
