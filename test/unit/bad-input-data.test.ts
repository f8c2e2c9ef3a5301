// Corrupt and truncated data set files, on real files: every failure is a data-file error that
// names the file and what was expected, never a RangeError from a typed array or a hang.
// Seeded fast-check mutations of valid IDX, NPY and CSV files.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { clearFilesCache, type FilesSource, loadFiles } from '../../engine/data/files';
import { encodeIdx } from '../../engine/data/idx';
import { encodeNpy } from '../../engine/data/npy';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bad-data-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
beforeEach(() => clearFilesCache());

const trainX = Array.from({ length: 6 * 4 }, (_, i) => (i * 37) % 256);
const trainY = [0, 1, 2, 0, 1, 2];
const testX = Array.from({ length: 3 * 4 }, (_, i) => (i * 53) % 256);
const testY = [2, 1, 0];

const enc = new TextEncoder();
const csv = (x: number[], y: number[]) =>
  enc.encode(`label,a,b,c,d\n${y.map((l, i) => [l, ...x.slice(i * 4, i * 4 + 4)].join(',')).join('\n')}\n`);

type Files = [Uint8Array, Uint8Array, Uint8Array, Uint8Array] | [Uint8Array, Uint8Array];
const FORMATS: Record<'idx' | 'npy' | 'csv', () => Files> = {
  idx: () => [
    encodeIdx('ubyte', [6, 2, 2], trainX),
    encodeIdx('ubyte', [6], trainY),
    encodeIdx('ubyte', [3, 2, 2], testX),
    encodeIdx('ubyte', [3], testY),
  ],
  npy: () => [
    encodeNpy('f4', [6, 4], trainX),
    encodeNpy('i8', [6], trainY),
    encodeNpy('f4', [3, 4], testX),
    encodeNpy('i8', [3], testY),
  ],
  csv: () => [csv(trainX, trainY), csv(testX, testY)],
};

let n = 0;
function source(format: keyof typeof FORMATS, files: Files): { src: FilesSource; paths: string[] } {
  const sub = path.join(dir, String(n++));
  fs.mkdirSync(sub);
  const paths = files.map((bytes, i) => {
    const p = path.join(sub, `f${i}.${format}`);
    fs.writeFileSync(p, bytes);
    return p;
  });
  const src: FilesSource =
    format === 'csv'
      ? { kind: 'files', format, train: paths[0]!, test: paths[1]!, labelColumn: 'first' }
      : { kind: 'files', format, trainX: paths[0]!, trainY: paths[1]!, testX: paths[2]!, testY: paths[3]! };
  return { src, paths };
}

type Mutation =
  | { kind: 'truncate'; at: number }
  | { kind: 'flip'; at: number; byte: number }
  | { kind: 'append'; bytes: Uint8Array }
  | { kind: 'replace'; bytes: Uint8Array };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('append' as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 64 }) }),
  fc.record({ kind: fc.constant('replace' as const), bytes: fc.uint8Array({ maxLength: 256 }) }),
);

function mutate(bytes: Uint8Array, m: Mutation): Uint8Array {
  switch (m.kind) {
    case 'truncate':
      return bytes.subarray(0, m.at % bytes.length);
    case 'flip': {
      const out = bytes.slice();
      out[m.at % out.length] = m.byte;
      return out;
    }
    case 'append':
      return Uint8Array.from([...bytes, ...m.bytes]);
    case 'replace':
      return m.bytes;
  }
}

const DATA_ERRORS = ['DataFileError', 'IdxError', 'NpyError'];

describe('corrupt data set files', () => {
  for (const format of ['idx', 'npy', 'csv'] as const) {
    it(`${format}: every mutation loads or fails with a message naming a file`, () => {
      let failures = 0;
      fc.assert(
        fc.property(fc.nat(), mutation, (which, m) => {
          clearFilesCache();
          const files = FORMATS[format]();
          const i = which % files.length;
          files[i] = mutate(files[i]!, m);
          const { src, paths } = source(format, files);
          for (const split of ['train', 'test'] as const) {
            try {
              const data = loadFiles(src, split, null);
              // A mutation that keeps the file valid (e.g. a changed pixel) loads normally.
              expect(data.count).toBeGreaterThan(0);
            } catch (err) {
              failures++;
              const e = err as Error;
              expect(DATA_ERRORS, `${e.name}: ${e.message}`).toContain(e.name);
              expect(
                paths.some((p) => e.message.includes(p)),
                e.message,
              ).toBe(true);
              return;
            }
          }
        }),
        { numRuns: 300, seed: 10 },
      );
      // The mutations are mostly destructive: most cases must have been refused, not loaded.
      expect(failures).toBeGreaterThan(100);
    });
  }

  it('says what was expected for a truncated IDX file', () => {
    const files = FORMATS.idx();
    files[0] = files[0]!.subarray(0, files[0]!.length - 5);
    const { src, paths } = source('idx', files);
    expect(() => loadFiles(src, 'train', null)).toThrow(
      `${paths[0]} is truncated: dimensions 6×2×2 of ubyte expected 40 bytes, found 35.`,
    );
  });

  it('says what was expected for a damaged NPY header and a ragged CSV row', () => {
    const npy = FORMATS.npy();
    npy[2] = enc.encode('PK\u0003\u0004 not numpy');
    const a = source('npy', npy);
    expect(() => loadFiles(a.src, 'test', null)).toThrow(`${a.paths[2]}: not a .npy file`);
    const rows = FORMATS.csv();
    rows[0] = enc.encode('label,a,b\n0,1,2\n1,2\n');
    const b = source('csv', rows);
    expect(() => loadFiles(b.src, 'train', null)).toThrow(
      `${b.paths[0]}, row 3: 2 columns, but the header has 3; every row needs the same number of columns.`,
    );
  });
});
