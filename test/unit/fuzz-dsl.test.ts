// Fuzzing the .nfab front end with byte- and span-level mutations of the examples (test/unit/
// dsl-property.test.ts mutates at the token level): deleted, inserted, duplicated and swapped
// spans, random bytes decoded as a lenient reader would, and random strings. Properties:
//  - parse, checkDocument and formatWithReason never throw;
//  - the checker never reports an internal error (its catch-all turns a crash into one);
//  - every diagnostic range lies inside the text, start ≤ end, and its line:col matches its offset;
//  - a document without syntax errors formats to a fixed point, without an internal fallback.
// Bounded here (FUZZ_RUNS, default 400 per property); `npm run fuzz` runs a long campaign.
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { formatWithReason } from '../../engine/dsl/format';
import { checkDocument, parse } from '../../engine/dsl/index';

const RUNS = Number(process.env.FUZZ_RUNS ?? 400);
const SEED = Number(process.env.FUZZ_SEED ?? 20261123);
const examplesDir = path.resolve(import.meta.dirname, '../../examples');
const examples = fs
  .readdirSync(examplesDir)
  .filter((f) => f.endsWith('.nfab'))
  .sort()
  .map((f) => fs.readFileSync(path.join(examplesDir, f), 'utf8'));
/** Imports resolve against the examples' lib/ folder, as in the example project. */
const libFiles = new Map<string, string>(
  fs
    .readdirSync(path.join(examplesDir, 'lib'))
    .map((f) => [`lib/${f}`, fs.readFileSync(path.join(examplesDir, 'lib', f), 'utf8')] as const),
);
const readFile = (p: string) => libFiles.get(p.replace(/^\.\//, '')) ?? null;

/** Cases tried per property, for the campaign's report (scripts/fuzz.mjs). */
const tried: Record<string, number> = {};
afterAll(() => {
  if (process.env.FUZZ_REPORT) {
    fs.appendFileSync(process.env.FUZZ_REPORT, `${JSON.stringify({ file: 'fuzz-dsl', tried })}\n`);
  }
});

type Mutation =
  | { op: 'delete'; at: number; len: number }
  | { op: 'insert'; at: number; text: string }
  | { op: 'duplicate'; at: number; len: number; to: number }
  | { op: 'swap'; a: number; b: number; len: number }
  | { op: 'bytes'; at: number; bytes: Uint8Array }
  | { op: 'nest'; at: number; open: string; depth: number; close: boolean };

const frac = fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true });
const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('delete' as const), at: frac, len: fc.nat(200) }),
  fc.record({
    op: fc.constant('insert' as const),
    at: frac,
    text: fc.oneof(fc.string({ maxLength: 20 }), fc.string({ unit: 'binary', maxLength: 20 })),
  }),
  fc.record({ op: fc.constant('duplicate' as const), at: frac, len: fc.nat(300), to: frac }),
  fc.record({ op: fc.constant('swap' as const), a: frac, b: frac, len: fc.nat(80) }),
  fc.record({
    op: fc.constant('bytes' as const),
    at: frac,
    bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }),
  }),
  // Nesting stays below the parser's recursion limit here; 100,000 levels are in bad-input-dsl.
  fc.record({
    op: fc.constant('nest' as const),
    at: frac,
    open: fc.constantFrom('[', '(', '{', 'f(', 'x = ['),
    depth: fc.integer({ min: 1, max: 150 }),
    close: fc.boolean(),
  }),
);

function mutate(text: string, m: Mutation): string {
  const at = (f: number) => Math.floor(f * (text.length + 1));
  switch (m.op) {
    case 'delete': {
      const i = at(m.at);
      return text.slice(0, i) + text.slice(i + m.len);
    }
    case 'insert': {
      const i = at(m.at);
      return text.slice(0, i) + m.text + text.slice(i);
    }
    case 'duplicate': {
      const i = at(m.at);
      const span = text.slice(i, i + m.len);
      const j = at(m.to);
      return text.slice(0, j) + span + text.slice(j);
    }
    case 'swap': {
      let i = at(m.a);
      let j = at(m.b);
      if (i > j) [i, j] = [j, i];
      const len = Math.min(m.len, j - i);
      return (
        text.slice(0, i) +
        text.slice(j, j + len) +
        text.slice(i + len, j) +
        text.slice(i, i + len) +
        text.slice(j + len)
      );
    }
    case 'bytes': {
      // What a lenient UTF-8 reader makes of random bytes (U+FFFD and friends).
      const i = at(m.at);
      return text.slice(0, i) + Buffer.from(m.bytes).toString('utf8') + text.slice(i);
    }
    case 'nest': {
      const i = at(m.at);
      const closer = { '[': ']', '(': ')', '{': '}', 'f(': ')', 'x = [': ']' }[m.open]!;
      return `${text.slice(0, i)}${m.open.repeat(m.depth)}${m.close ? closer.repeat(m.depth) : ''}${text.slice(i)}`;
    }
  }
}

const documentArb: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .tuple(fc.nat(), fc.array(mutationArb, { minLength: 1, maxLength: 6 }))
      .map(([e, ms]) => ms.reduce(mutate, examples[e % examples.length]!)),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 400 }) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 2000 }).map((b) => Buffer.from(b).toString('utf8')) },
);

/** 1-based line:col (UTF-16 columns) of an offset, computed independently of engine/dsl/lines.ts. */
function lineCol(text: string, offset: number): { line: number; col: number } {
  const before = text.slice(0, offset);
  const nl = before.lastIndexOf('\n');
  return { line: before.split('\n').length, col: offset - (nl + 1) + 1 };
}

function checkProperties(text: string): void {
  parse(text);
  const result = checkDocument('fuzz.nfab', text, { readFile });
  for (const d of result.diagnostics) {
    expect(d.code, d.message).not.toBe('internal');
    const { start, end } = d.range;
    expect(d.range.file).toBe('fuzz.nfab');
    expect(start.offset).toBeGreaterThanOrEqual(0);
    expect(start.offset).toBeLessThanOrEqual(end.offset);
    expect(end.offset).toBeLessThanOrEqual(text.length);
    expect({ line: start.line, col: start.col }).toEqual(lineCol(text, start.offset));
    expect({ line: end.line, col: end.col }).toEqual(lineCol(text, end.offset));
  }
  const formatted = formatWithReason(text);
  expect(formatted.unchanged, 'the formatter threw internally').not.toBe('internal');
  if (!parse(text).problems.some((p) => p.code === 'syntax') && formatted.unchanged === undefined) {
    expect(formatWithReason(formatted.text)).toEqual({ text: formatted.text });
  }
}

describe('fuzz: .nfab front end', () => {
  it('mutated examples and random text: no throw, valid ranges, idempotent formatting', () => {
    let n = 0;
    try {
      fc.assert(
        fc.property(documentArb, (text) => {
          n++;
          checkProperties(text);
        }),
        { numRuns: RUNS, seed: SEED },
      );
    } finally {
      tried['dsl mutated/random documents'] = n;
    }
    expect(n).toBeGreaterThanOrEqual(RUNS);
  }, 3_600_000);
});
