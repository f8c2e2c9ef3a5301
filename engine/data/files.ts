// The user's own data files: IDX (MNIST layout), CSV and NumPy .npy. Every reader returns a raw
// split (features as read, labels as read); `finishSplit` then applies ONE scaling rule and ONE
// label check to all formats:
//  - 8-bit features (IDX ubyte, NPY u1, or CSV whose training features are all integers in
//    0..255 with at least one above 1) are divided by 255;
//  - other features are kept as they are when every TRAINING value lies in [0, 1]; otherwise
//    each feature is min-max scaled with the TRAINING split's range of that feature (a constant
//    feature maps to 0). The test split uses the training ranges, and test values outside them
//    are clamped to [0, 1].
//  - labels must be integers ≥ 0; the number of classes is (largest training label) + 1, and a
//    test label outside 0..classes-1 is an error.
// Every error names the file and what is allowed.
import fs from 'node:fs';
import type { DatasetFiles } from '../ir/model';
import { parseIdx } from './idx';
import type { LoadedDataset } from './index';
import { type NpyData, parseNpy } from './npy';

type Numbers = NpyData | Float32Array;

interface RawSplit {
  features: Numbers;
  /** Whether the features are 8-bit values 0..255 (divided by 255). */
  uint8: boolean;
  labels: ArrayLike<number>;
  count: number;
  width: number;
  /** Names the data in messages: "train.csv", "x.npy + y.npy". */
  what: string;
  labelFile: string;
  /** Where label i sits, for messages (e.g. "row 12" in a CSV, "index 12" elsewhere). */
  where: (i: number) => string;
}

export type FilesSource = { kind: 'files' } & DatasetFiles;

export class DataFileError extends Error {
  override name = 'DataFileError';
}

function readBytes(file: string, what: string): Uint8Array {
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'it is a directory' : (code ?? 'unreadable');
    throw new DataFileError(`Cannot read the ${what} file ${file}: ${why}.`);
  }
  if (buf.byteLength === 0) throw new DataFileError(`The ${what} file ${file} is empty.`);
  return buf;
}

// ---------------------------------------------------------------------------------------------
// IDX: images (N × …, any IDX type) + labels (N, integer type).

function readIdxSplit(xFile: string, yFile: string): RawSplit {
  const x = parseIdx(readBytes(xFile, 'IDX images'), xFile);
  const y = parseIdx(readBytes(yFile, 'IDX labels'), yFile);
  if (y.dims.length !== 1 && !(y.dims.length === 2 && y.dims[1] === 1)) {
    throw new DataFileError(
      `${yFile}: labels must be a 1-D IDX array (N), found dimensions ${y.dims.join('×')}.`,
    );
  }
  const count = x.dims[0]!;
  if (y.dims[0] !== count) {
    throw new DataFileError(`${xFile} holds ${count} images but ${yFile} holds ${y.dims[0]} labels.`);
  }
  if (count === 0) throw new DataFileError(`${xFile} holds no images.`);
  return {
    features: x.data,
    uint8: x.type === 'ubyte',
    labels: y.data,
    count,
    width: x.dims.slice(1).reduce((a, b) => a * b, 1),
    what: xFile,
    labelFile: yFile,
    where: (i) => `index ${i}`,
  };
}

// ---------------------------------------------------------------------------------------------
// NPY: x (N × …) and y (N) or (N, 1).

function readNpySplit(xFile: string, yFile: string): RawSplit {
  const x = parseNpy(readBytes(xFile, 'NPY features'), xFile);
  const y = parseNpy(readBytes(yFile, 'NPY labels'), yFile);
  if (x.shape.length < 1)
    throw new DataFileError(`${xFile}: features must have shape (N, …), found a scalar.`);
  if (y.shape.length !== 1 && !(y.shape.length === 2 && y.shape[1] === 1)) {
    throw new DataFileError(
      `${yFile}: labels must have shape (N,) or (N, 1), found (${y.shape.join(', ')}).`,
    );
  }
  const count = x.shape[0]!;
  if (y.shape[0] !== count) {
    throw new DataFileError(`${xFile} holds ${count} samples but ${yFile} holds ${y.shape[0]} labels.`);
  }
  if (count === 0) throw new DataFileError(`${xFile} holds no samples (shape (${x.shape.join(', ')})).`);
  return {
    features: x.data,
    uint8: x.dtype === 'u1',
    labels: y.data,
    count,
    width: x.shape.slice(1).reduce((a, b) => a * b, 1),
    what: xFile,
    labelFile: yFile,
    where: (i) => `index ${i}`,
  };
}

// ---------------------------------------------------------------------------------------------
// CSV: one sample per row, numbers separated by commas; an optional header row (detected: the
// first non-empty row has a cell that is not a number); the label in the first or last column.

const isBlankByte = (c: number): boolean => c === 32 || c === 9 || c === 13;

/**
 * The number in bytes [a, b), or NaN when the cell is empty or not a finite number. Plain integers
 * (optional sign, up to 15 digits, surrounding blanks) are parsed here exactly; anything else
 * (decimals, exponents) goes through Number(). Working on the bytes, not on split strings, loads a
 * 60,000-row MNIST CSV (110 MB) in about 1 s instead of 8.
 */
function parseCell(buf: Uint8Array, a: number, b: number): number {
  while (a < b && isBlankByte(buf[a]!)) a++;
  while (b > a && isBlankByte(buf[b - 1]!)) b--;
  if (a === b) return Number.NaN;
  let i = a;
  const neg = buf[i] === 45;
  if (neg || buf[i] === 43) i++;
  if (i < b && b - i <= 15) {
    let v = 0;
    let j = i;
    for (; j < b; j++) {
      const d = buf[j]! - 48;
      if (d < 0 || d > 9) break;
      v = v * 10 + d;
    }
    if (j === b) return neg ? -v : v;
  }
  const v = Number(latin1(buf, a, b));
  return Number.isFinite(v) ? v : Number.NaN;
}

function latin1(buf: Uint8Array, a: number, b: number): string {
  let out = '';
  for (let i = a; i < b; i++) out += String.fromCharCode(buf[i]!);
  return out;
}

function readCsvSplit(file: string, labelColumn: 'first' | 'last'): RawSplit {
  const buf = readBytes(file, 'CSV');
  const text = (a: number, b: number) => new TextDecoder('utf-8').decode(buf.subarray(a, b)).trim();
  // Line bounds (without the line break), skipping a UTF-8 byte-order mark.
  const bom = buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
  let starts = new Int32Array(1024);
  let ends = new Int32Array(1024);
  let lines = 0;
  for (let pos = bom; pos <= buf.length; ) {
    let nl = buf.indexOf(10, pos);
    if (nl < 0) nl = buf.length;
    if (lines === starts.length) {
      const grow = (x: Int32Array) => {
        const y = new Int32Array(x.length * 2);
        y.set(x);
        return y;
      };
      starts = grow(starts);
      ends = grow(ends);
    }
    starts[lines] = pos;
    ends[lines] = nl > pos && buf[nl - 1] === 13 ? nl - 1 : nl;
    lines++;
    pos = nl + 1;
  }
  const blank = (l: number): boolean => {
    for (let i = starts[l]!; i < ends[l]!; i++) if (!isBlankByte(buf[i]!)) return false;
    return true;
  };
  let first = 0;
  while (first < lines && blank(first)) first++;
  if (first === lines) throw new DataFileError(`The CSV file ${file} has no rows.`);
  const firstCells = text(starts[first]!, ends[first]!).split(',');
  const hasHeader = !firstCells.every((cell) => cell.trim() !== '' && Number.isFinite(Number(cell)));
  const cols = firstCells.length;
  if (cols < 2) {
    throw new DataFileError(`${file}: rows need a label and at least one feature (found ${cols} column).`);
  }
  const start = hasHeader ? first + 1 : first;
  // Count data rows first so the arrays are allocated once.
  let rows = 0;
  for (let l = start; l < lines; l++) if (!blank(l)) rows++;
  if (rows === 0) throw new DataFileError(`The CSV file ${file} has a header row but no data rows.`);
  const width = cols - 1;
  const features = new Float32Array(rows * width);
  const labels = new Float64Array(rows);
  const rowOf = new Int32Array(rows); // file line number (1-based) of each sample
  const labelAt = labelColumn === 'first' ? 0 : cols - 1;
  let n = 0;
  for (let l = start; l < lines; l++) {
    if (blank(l)) continue;
    const end = ends[l]!;
    let f = n * width;
    let c = 0;
    let a = starts[l]!;
    while (true) {
      // One pass per cell: find the comma while accumulating a plain unsigned integer.
      let b = a;
      let v = 0;
      let digits = 0;
      let plain = true;
      for (; b < end; b++) {
        const ch = buf[b]!;
        if (ch === 44) break;
        const d = ch - 48;
        if (d >= 0 && d <= 9) {
          v = v * 10 + d;
          digits++;
        } else plain = false;
      }
      if (c < cols) {
        if (!plain || digits === 0 || digits > 15) v = parseCell(buf, a, b);
        if (Number.isNaN(v)) {
          throw new DataFileError(
            `${file}, row ${l + 1}, column ${c + 1}: '${text(a, b)}' is not a number (cells must be finite numbers).`,
          );
        }
        if (c === labelAt) labels[n] = v;
        else features[f++] = v;
      }
      c++;
      if (b >= end) break;
      a = b + 1;
    }
    if (c !== cols) {
      throw new DataFileError(
        `${file}, row ${l + 1}: ${c} columns, but the ${hasHeader ? 'header' : 'first row'} has ${cols}; every row needs the same number of columns.`,
      );
    }
    rowOf[n] = l + 1;
    n++;
  }
  // 8-bit pixels written as text (e.g. MNIST in CSV): integers 0..255 with at least one above 1.
  let uint8 = true;
  let above1 = false;
  for (let i = 0; i < features.length && uint8; i++) {
    const v = features[i]!;
    if (!Number.isInteger(v) || v < 0 || v > 255) uint8 = false;
    else if (v > 1) above1 = true;
  }
  return {
    features,
    uint8: uint8 && above1,
    labels,
    count: rows,
    width,
    what: file,
    labelFile: file,
    where: (i) => `row ${rowOf[i]}, column ${labelAt + 1}`,
  };
}

// ---------------------------------------------------------------------------------------------

/** Checks the labels and returns the largest one. */
function checkLabels(raw: RawSplit, classes: number | null): number {
  let max = 0;
  for (let i = 0; i < raw.count; i++) {
    const y = raw.labels[i]!;
    if (!Number.isInteger(y) || y < 0) {
      throw new DataFileError(
        `${raw.labelFile}, ${raw.where(i)}: label ${y} is not allowed (labels must be integers 0, 1, 2, …).`,
      );
    }
    if (classes !== null && y >= classes) {
      throw new DataFileError(
        `${raw.labelFile}, ${raw.where(i)}: label ${y} is out of range 0..${classes - 1} (the training split has ${classes} classes).`,
      );
    }
    if (y > 255) {
      throw new DataFileError(
        `${raw.labelFile}, ${raw.where(i)}: label ${y} is out of range (at most 256 classes, 0..255).`,
      );
    }
    if (y > max) max = y;
  }
  return max;
}

interface Scaling {
  uint8: boolean;
  /** Per-feature offset and 1/range; null when the features are kept as they are. */
  min: Float64Array | null;
  invRange: Float64Array | null;
}

function scalingFromTrain(train: RawSplit): Scaling {
  if (train.uint8) return { uint8: true, min: null, invRange: null };
  const x = train.features;
  let inUnit = true;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (!(v >= 0 && v <= 1)) {
      inUnit = false;
      break;
    }
  }
  if (inUnit) return { uint8: false, min: null, invRange: null };
  const w = train.width;
  const min = new Float64Array(w).fill(Number.POSITIVE_INFINITY);
  const max = new Float64Array(w).fill(Number.NEGATIVE_INFINITY);
  for (let i = 0; i < train.count; i++) {
    for (let j = 0; j < w; j++) {
      const v = x[i * w + j]!;
      if (!Number.isFinite(v))
        throw new DataFileError(`${train.what}, sample ${i}, feature ${j}: ${v} is not a finite number.`);
      if (v < min[j]!) min[j] = v;
      if (v > max[j]!) max[j] = v;
    }
  }
  const invRange = new Float64Array(w);
  for (let j = 0; j < w; j++) invRange[j] = max[j]! > min[j]! ? 1 / (max[j]! - min[j]!) : 0;
  return { uint8: false, min, invRange };
}

// Parsed splits per process, keyed by the files and their modification times: reading the test
// split needs the training split (scaling, classes), and a run loads both.
const cache = new Map<string, RawSplit>();

function readSplit(source: FilesSource, split: 'train' | 'test'): RawSplit {
  const files =
    source.format === 'csv'
      ? [split === 'train' ? source.train : source.test]
      : split === 'train'
        ? [source.trainX, source.trainY]
        : [source.testX, source.testY];
  const stamp = files.map((f) => {
    try {
      const st = fs.statSync(f);
      return `${f}:${st.size}:${st.mtimeMs}`;
    } catch {
      return `${f}:missing`;
    }
  });
  const key = `${source.format}|${source.format === 'csv' ? source.labelColumn : ''}|${stamp.join('|')}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const raw =
    source.format === 'csv'
      ? readCsvSplit(files[0]!, source.labelColumn)
      : source.format === 'idx'
        ? readIdxSplit(files[0]!, files[1]!)
        : readNpySplit(files[0]!, files[1]!);
  cache.set(key, raw);
  return raw;
}

/** Forgets parsed files (tests that rewrite files within one mtime tick). */
export function clearFilesCache(): void {
  cache.clear();
}

/** Loads one split of the user's files, scaled to [0, 1]; `limit` keeps the first N samples. */
export function loadFiles(source: FilesSource, split: 'train' | 'test', limit: number | null): LoadedDataset {
  const train = readSplit(source, 'train');
  const trainMax = checkLabels(train, null);
  const classes = trainMax + 1;
  const raw = split === 'train' ? train : readSplit(source, 'test');
  if (split === 'test') {
    checkLabels(raw, classes);
    if (raw.width !== train.width) {
      throw new DataFileError(
        `${raw.what} has ${raw.width} features per sample but the training data ${train.what} has ${train.width}.`,
      );
    }
  }
  const scaling = scalingFromTrain(train);
  const count = limit === null ? raw.count : Math.min(raw.count, Math.max(0, Math.floor(limit)));
  const w = raw.width;
  const images = new Float32Array(count * w);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) labels[i] = raw.labels[i]!;
  const x = raw.features;
  const n = count * w;
  if (scaling.uint8) {
    // Typed-array set converts natively; the division then runs on one monomorphic array.
    images.set(x.subarray(0, n));
    for (let i = 0; i < n; i++) images[i] = images[i]! / 255;
  } else if (scaling.min && scaling.invRange) {
    const { min, invRange } = scaling;
    for (let i = 0; i < count; i++) {
      for (let j = 0; j < w; j++) {
        const s = (x[i * w + j]! - min[j]!) * invRange[j]!;
        images[i * w + j] = s < 0 ? 0 : s > 1 ? 1 : s;
      }
    }
  } else {
    images.set(x.subarray(0, n));
    for (let i = 0; i < n; i++) {
      const s = images[i]!;
      images[i] = s < 0 ? 0 : s > 1 ? 1 : s;
    }
  }
  const how = scaling.uint8
    ? '8-bit features / 255'
    : scaling.min
      ? 'min-max scaled with the training ranges'
      : 'features kept (already in [0, 1])';
  return {
    images,
    labels,
    count,
    features: w,
    classes,
    description: `${source.format.toUpperCase()} files (${raw.what}; ${how})`,
  };
}
