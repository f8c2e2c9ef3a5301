import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../engine/data/index';
import { generateSynthetic, SYNTHETIC_NAMES } from '../../engine/data/synthetic';

const bytes = (a: Float32Array): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

describe('synthetic data sets', () => {
  for (const name of SYNTHETIC_NAMES) {
    describe(name, () => {
      const train = generateSynthetic(name, 'train', 800, 7);
      const test = generateSynthetic(name, 'test', 400, 7);

      it('has the declared shape, features in [0, 1], integer labels', () => {
        const want =
          name === 'synthetic_gestures'
            ? { f: 16, c: 8 }
            : name === 'synthetic_spikes'
              ? { f: 100, c: 10 }
              : { f: 2, c: 2 };
        expect(train.features).toBe(want.f);
        expect(train.classes).toBe(want.c);
        expect(train.images.length).toBe(800 * want.f);
        expect(train.labels.length).toBe(800);
        let min = 1;
        let max = 0;
        let nonBinary = 0;
        for (const v of train.images) {
          min = Math.min(min, v);
          max = Math.max(max, v);
          if (v !== 0 && v !== 1) nonBinary++;
        }
        expect(min).toBeGreaterThanOrEqual(0);
        expect(max).toBeLessThanOrEqual(1);
        if (name === 'synthetic_gestures') expect(nonBinary).toBe(0);
        else expect(nonBinary).toBeGreaterThan(0);
        expect(Math.max(...train.labels)).toBe(want.c - 1);
      });

      it('is deterministic in the seed, and slices are prefixes', () => {
        const again = generateSynthetic(name, 'train', 800, 7);
        expect(bytes(again.images).equals(bytes(train.images))).toBe(true);
        expect(Buffer.from(again.labels).equals(Buffer.from(train.labels))).toBe(true);
        const slice = generateSynthetic(name, 'train', 100, 7);
        expect(bytes(slice.images).equals(bytes(train.images.subarray(0, 100 * train.features)))).toBe(true);
        const other = generateSynthetic(name, 'train', 800, 8);
        expect(bytes(other.images).equals(bytes(train.images))).toBe(false);
      });

      it('classes are balanced and every slice of >= C samples holds all classes', () => {
        const counts = new Array(train.classes).fill(0);
        for (const y of train.labels) counts[y]++;
        for (const c of counts) expect(c).toBe(800 / train.classes);
        const firstC = new Set(train.labels.subarray(0, train.classes));
        expect(firstC.size).toBe(train.classes);
      });

      it('train and test are different draws', () => {
        if (name === 'synthetic_gestures') {
          // Binary vectors can coincide by chance; the draws must still differ as sequences.
          expect(bytes(test.images).equals(bytes(train.images.subarray(0, test.images.length)))).toBe(false);
          return;
        }
        const seen = new Set<string>();
        for (let i = 0; i < train.count; i++) seen.add(`${train.images[2 * i]},${train.images[2 * i + 1]}`);
        for (let i = 0; i < test.count; i++)
          expect(seen.has(`${test.images[2 * i]},${test.images[2 * i + 1]}`)).toBe(false);
      });
    });
  }

  it('synthetic_nonlinear is not linearly separable: the radius separates it, a line does not', () => {
    const d = generateSynthetic('synthetic_nonlinear', 'train', 2000, 3);
    let byRadius = 0;
    for (let i = 0; i < d.count; i++) {
      const r = Math.hypot(d.images[2 * i]! - 0.5, d.images[2 * i + 1]! - 0.5);
      // outer ring radius 1/2.6 ≈ 0.385, inner 0.192: threshold in between
      if ((r < 0.29 ? 1 : 0) === d.labels[i]) byRadius++;
    }
    expect(byRadius / d.count).toBeGreaterThan(0.97);
    // The class means coincide (both rings are centred), so no projection separates them.
    const mean = new Float64Array(4);
    for (let i = 0; i < d.count; i++) {
      const k = 2 * d.labels[i]!;
      mean[k] = mean[k]! + d.images[2 * i]! / (d.count / 2);
      mean[k + 1] = mean[k + 1]! + d.images[2 * i + 1]! / (d.count / 2);
    }
    expect(Math.abs(mean[0]! - mean[2]!)).toBeLessThan(0.03);
    expect(Math.abs(mean[1]! - mean[3]!)).toBeLessThan(0.03);
  });

  it('loadDataset routes the synthetic names, with 4,000/1,000 by default and limit slices', () => {
    const full = loadDataset({ kind: 'builtin', name: 'synthetic_moons' }, 'test', null, 1);
    expect(full.count).toBe(1000);
    const slice = loadDataset({ kind: 'builtin', name: 'synthetic_moons' }, 'train', 50, 1);
    expect(slice.count).toBe(50);
    expect(loadDataset({ kind: 'builtin', name: 'synthetic_gestures' }, 'train', null, 1).count).toBe(4000);
  });
});
