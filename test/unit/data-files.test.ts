import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { clearFilesCache, type FilesSource, loadFiles } from '../../engine/data/files';
import { encodeIdx } from '../../engine/data/idx';
import { loadDataset } from '../../engine/data/index';
import { encodeNpy, parseNpy } from '../../engine/data/npy';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nfab-data-files-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
beforeEach(() => clearFilesCache());

let n = 0;
function write(name: string, content: Uint8Array | string): string {
  const file = path.join(dir, `${n++}-${name}`);
  fs.writeFileSync(file, content);
  return file;
}

// A tiny data set: 6 train samples (3 classes), 3 test samples, 4 features.
const trainX = [0, 10, 20, 255, 1, 2, 3, 4, 100, 110, 120, 130, 5, 6, 7, 8, 200, 0, 0, 0, 9, 9, 9, 9];
const trainY = [0, 1, 2, 0, 1, 2];
const testX = [255, 255, 255, 255, 0, 0, 0, 0, 50, 50, 50, 50];
const testY = [2, 1, 0];

function idxSource(
  x = encodeIdx('ubyte', [6, 2, 2], trainX),
  y = encodeIdx('ubyte', [6], trainY),
  tx = encodeIdx('ubyte', [3, 2, 2], testX),
  ty = encodeIdx('ubyte', [3], testY),
): FilesSource {
  return {
    kind: 'files',
    format: 'idx',
    trainX: write('train-x.idx', x),
    trainY: write('train-y.idx', y),
    testX: write('test-x.idx', tx),
    testY: write('test-y.idx', ty),
  };
}

function npySource(
  x = encodeNpy('u1', [6, 4], trainX),
  y = encodeNpy('i8', [6], trainY),
  tx = encodeNpy('u1', [3, 4], testX),
  ty = encodeNpy('i8', [3], testY),
): FilesSource {
  return {
    kind: 'files',
    format: 'npy',
    trainX: write('x.npy', x),
    trainY: write('y.npy', y),
    testX: write('tx.npy', tx),
    testY: write('ty.npy', ty),
  };
}

function csvText(x: number[], y: number[], labelFirst: boolean, header = false): string {
  const rows: string[] = header ? [labelFirst ? 'label,a,b,c,d' : 'a,b,c,d,label'] : [];
  for (let i = 0; i < y.length; i++) {
    const f = x.slice(4 * i, 4 * i + 4).map(String);
    rows.push((labelFirst ? [String(y[i]), ...f] : [...f, String(y[i])]).join(','));
  }
  return `${rows.join('\n')}\n`;
}

function csvSource(train: string, test: string, labelColumn: 'first' | 'last' = 'first'): FilesSource {
  return {
    kind: 'files',
    format: 'csv',
    train: write('train.csv', train),
    test: write('test.csv', test),
    labelColumn,
  };
}

function expectTiny(src: FilesSource): void {
  const tr = loadFiles(src, 'train', null);
  expect(tr.count).toBe(6);
  expect(tr.features).toBe(4);
  expect(tr.classes).toBe(3);
  expect(Array.from(tr.labels)).toEqual(trainY);
  for (let i = 0; i < trainX.length; i++) expect(tr.images[i]).toBeCloseTo(trainX[i]! / 255, 6);
  const te = loadFiles(src, 'test', 2);
  expect(te.count).toBe(2);
  expect(Array.from(te.labels)).toEqual([2, 1]);
  expect(te.images[0]).toBe(1);
  expect(te.images[4]).toBe(0);
}

describe('data files: round trips', () => {
  it('IDX ubyte images and labels, /255, limit slices', () => expectTiny(idxSource()));
  it('NPY u1 features and i8 labels', () => expectTiny(npySource()));
  it('CSV with the label first, no header (8-bit integers are /255)', () =>
    expectTiny(csvSource(csvText(trainX, trainY, true), csvText(testX, testY, true))));
  it('CSV with a header row and the label last, CRLF line ends', () =>
    expectTiny(
      csvSource(
        csvText(trainX, trainY, false, true).replace(/\n/g, '\r\n'),
        csvText(testX, testY, false, true),
        'last',
      ),
    ));
  it('CSV with a byte-order mark, decimals, exponents, signs and blanks (min-max scaled)', () => {
    const train = '\uFEFF1, -2.5 ,1e1\n0,+2.5,3E1\n\n';
    const src = csvSource(train, '1,0,20\n', 'first');
    const tr = loadFiles(src, 'train', null);
    expect(Array.from(tr.labels)).toEqual([1, 0]);
    expect(Array.from(tr.images)).toEqual([0, 0, 1, 1]);
    expect(Array.from(loadFiles(src, 'test', null).images)).toEqual([0.5, 0.5]);
  });
  it('loadDataset routes files sources', () => {
    expect(loadDataset(idxSource(), 'train', 3, 0).count).toBe(3);
  });

  it('float features already in [0, 1] are kept', () => {
    const x = [0, 0.25, 0.5, 1, 0.1, 0.2, 0.3, 0.4];
    const src = npySource(
      encodeNpy('f4', [2, 4], x),
      encodeNpy('i4', [2], [0, 1]),
      encodeNpy('f8', [1, 4], [0.5, 0.5, 0.5, 0.5]),
      encodeNpy('i2', [1], [1]),
    );
    const tr = loadFiles(src, 'train', null);
    for (let i = 0; i < x.length; i++) expect(tr.images[i]).toBeCloseTo(x[i]!, 6);
    expect(loadFiles(src, 'test', null).images[0]).toBeCloseTo(0.5, 6);
  });

  it('other features are min-max scaled with the TRAINING ranges; test values are clamped', () => {
    // feature 0 in [-2, 2], feature 1 in [10, 30], feature 2 constant
    const x = [-2, 10, 7, 2, 30, 7, 0, 20, 7];
    const src = npySource(
      encodeNpy('f8', [3, 3], x),
      encodeNpy('u1', [3], [0, 1, 1]),
      encodeNpy('f8', [2, 3], [1, 40, 7, -3, 15, 8]),
      encodeNpy('u1', [2], [0, 1]),
    );
    const tr = loadFiles(src, 'train', null);
    expect(Array.from(tr.images)).toEqual([0, 0, 0, 1, 1, 0, 0.5, 0.5, 0]);
    const te = loadFiles(src, 'test', null);
    expect(Array.from(te.images)).toEqual([0.75, 1, 0, 0, 0.25, 0]);
    expect(tr.classes).toBe(2);
  });

  it('IDX float images and NPY (N, 1) labels, v2 header', () => {
    const src = idxSource(
      encodeIdx('float', [2, 2], [0, 3, 6, 9]),
      encodeIdx('int', [2], [1, 0]),
      encodeIdx('float', [1, 2], [3, 3]),
      encodeIdx('int', [1], [1]),
    );
    expect(Array.from(loadFiles(src, 'train', null).images)).toEqual([0, 0, 1, 1]);
    // v2 header: same dict, 4-byte length
    const v1 = encodeNpy('i4', [3, 1], [0, 1, 2]);
    const hlen = v1[8]! | (v1[9]! << 8);
    const v2 = new Uint8Array(v1.length + 2);
    v2.set(v1.subarray(0, 8));
    v2[6] = 2;
    new DataView(v2.buffer).setUint32(8, hlen, true);
    v2.set(v1.subarray(10), 12);
    const a = parseNpy(v2, 'v2.npy');
    expect(a.shape).toEqual([3, 1]);
    expect(Array.from(a.data)).toEqual([0, 1, 2]);
  });
});

describe('data files: every bad input has a clear message', () => {
  const bad =
    (src: FilesSource, split: 'train' | 'test' = 'train') =>
    () =>
      loadFiles(src, split, null);

  it('missing file', () => {
    const src = idxSource();
    const gone = { ...src, trainX: path.join(dir, 'nope.idx') };
    expect(bad(gone)).toThrow(/Cannot read the IDX images file .*nope\.idx: file not found/);
  });
  it('empty file', () => {
    expect(bad(npySource(new Uint8Array(0)))).toThrow(/x\.npy is empty/);
    expect(bad(csvSource('', '1,2\n'))).toThrow(/train\.csv is empty/);
    expect(bad(csvSource('\n\n', '1,2\n'))).toThrow(/train\.csv has no rows/);
    expect(bad(csvSource('label,a\n', '1,2\n'))).toThrow(/header row but no data rows/);
  });
  it('truncated IDX and NPY', () => {
    const x = encodeIdx('ubyte', [6, 2, 2], trainX);
    expect(bad(idxSource(x.subarray(0, x.length - 3)))).toThrow(
      /train-x\.idx is truncated: .*expected 40 bytes, found 37/,
    );
    const npy = encodeNpy('u1', [6, 4], trainX);
    expect(bad(npySource(npy.subarray(0, npy.length - 1)))).toThrow(/x\.npy is truncated: shape \(6, 4\)/);
    expect(bad(npySource(npy.subarray(0, 20)))).toThrow(/x\.npy is truncated: its header needs/);
  });
  it('wrong dtype, big-endian, Fortran order, not an NPY file', () => {
    const f2 = encodeNpy('f4', [6, 4], trainX);
    const asF2 = new TextDecoder('latin1').decode(f2).replace("'<f4'", "'<f2'");
    const bytes = Uint8Array.from(asF2, (c) => c.charCodeAt(0));
    expect(bad(npySource(bytes))).toThrow(
      /element type '<f2' is not supported \(allowed: u1, i1, <i2, <i4, <i8, <f4, <f8\)/,
    );
    const be = Uint8Array.from(new TextDecoder('latin1').decode(f2).replace("'<f4'", "'>f4'"), (c) =>
      c.charCodeAt(0),
    );
    expect(bad(npySource(be))).toThrow(/'>f4' is not supported/);
    const fortran = Uint8Array.from(
      new TextDecoder('latin1').decode(f2).replace("'fortran_order': False", "'fortran_order': True "),
      (c) => c.charCodeAt(0),
    );
    expect(bad(npySource(fortran))).toThrow(/Fortran-ordered arrays are not supported/);
    expect(bad(npySource(new TextEncoder().encode('hello world, not numpy')))).toThrow(/not a \.npy file/);
  });
  it('ragged CSV rows name the row', () => {
    expect(bad(csvSource('0,1,2\n1,3,4\n2,5\n', '0,1,2\n'))).toThrow(
      /train\.csv, row 3: 2 columns, but the first row has 3/,
    );
  });
  it('non-numeric CSV cell names row and column', () => {
    expect(bad(csvSource('h1,h2,h3\n0,1,2\n1,x,4\n', '0,1,2\n'))).toThrow(
      /train\.csv, row 3, column 2: 'x' is not a number/,
    );
    expect(bad(csvSource('0,1,2\n1,,4\n', '0,1,2\n'))).toThrow(/row 2, column 2: '' is not a number/);
  });
  it('labels: negative, non-integer, out of the training range', () => {
    expect(bad(csvSource('0,1\n-1,2\n', '0,1\n'))).toThrow(
      /row 2, column 1: label -1 is not allowed \(labels must be integers/,
    );
    expect(bad(npySource(undefined, encodeNpy('f4', [6], [0, 1, 2, 0.5, 1, 2])))).toThrow(
      /y\.npy, index 3: label 0\.5 is not allowed/,
    );
    expect(bad(npySource(undefined, undefined, undefined, encodeNpy('i8', [3], [2, 3, 0])), 'test')).toThrow(
      /ty\.npy, index 1: label 3 is out of range 0\.\.2 \(the training split has 3 classes\)/,
    );
    expect(bad(npySource(undefined, encodeNpy('i4', [6], [0, 1, 300, 0, 1, 2])))).toThrow(
      /at most 256 classes/,
    );
  });
  it('image/label count mismatch', () => {
    expect(bad(idxSource(undefined, encodeIdx('ubyte', [5], trainY.slice(0, 5))))).toThrow(
      /train-x\.idx holds 6 images but .*train-y\.idx holds 5 labels/,
    );
    expect(bad(npySource(undefined, encodeNpy('i8', [7], [...trainY, 0])))).toThrow(
      /holds 6 samples but .*holds 7 labels/,
    );
  });
  it('test features of another width', () => {
    expect(bad(npySource(undefined, undefined, encodeNpy('u1', [3, 2], [1, 2, 3, 4, 5, 6])), 'test')).toThrow(
      /has 2 features per sample but the training data .* has 4/,
    );
  });
});
