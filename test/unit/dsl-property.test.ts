// Property tests for the .nfab front end: random edits of the examples never make the parser,
// the checker or the formatter throw, and the formatter is idempotent and meaning-preserving on
// the examples, on edited examples that still parse, and on random well-formed documents.
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatWithReason } from '../../engine/dsl/format';
import { sameMeaning } from '../../engine/dsl/format-ast';
import { checkDocument, parse } from '../../engine/dsl/index';
import { lex } from '../../engine/dsl/lexer';

const SEED = Number(process.env.NFAB_FC_SEED ?? 20240611);
const dir = path.resolve(__dirname, '../../examples');
const examples = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.nfab'))
  .sort()
  .map((f) => ({ name: f, text: fs.readFileSync(path.join(dir, f), 'utf8') }));

/** Pieces of the language, and a few of its near-misses, to insert at random. */
const VOCAB = [
  'device',
  'chip',
  'network',
  'experiment',
  'tile',
  'dense',
  'input',
  'train',
  'energy',
  'import',
  'neuron',
  'sweep',
  'on',
  'in',
  'node',
  'crossbar',
  'sgd',
  'relu',
  'rram',
  'ideal',
  'x',
  'g_min',
  '{',
  '}',
  '(',
  ')',
  '[',
  ']',
  '=',
  ':',
  ',',
  ';',
  '.',
  '..',
  '-',
  '//',
  '/*',
  '*/',
  '"',
  '\n',
  ' ',
  '0',
  '256',
  '0.1',
  '1e-6',
  '1e400fJ',
  '25uS',
  '25µS',
  '1MΩ',
  '1MOhm',
  '3%',
  '0.2V',
  '20nm',
  '28x28',
  '3x32x32',
  '5ns',
  '10xyz',
  '"lib.nfab"',
  '\u00a0',
  '\ufeff',
  '\t',
  '#',
  '\r\n',
] as const;

type Edit =
  | { op: 'delete'; at: number; len: number }
  | { op: 'insert'; at: number; tokens: string[] }
  | { op: 'swap'; a: number; b: number };

const editArb: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({
    op: fc.constant('delete' as const),
    at: fc.double({ min: 0, max: 1, noNaN: true }),
    len: fc.nat(40),
  }),
  fc.record({
    op: fc.constant('insert' as const),
    at: fc.double({ min: 0, max: 1, noNaN: true }),
    tokens: fc.array(fc.constantFrom(...VOCAB), { minLength: 1, maxLength: 4 }),
  }),
  fc.record({ op: fc.constant('swap' as const), a: fc.nat(), b: fc.nat() }),
);

function applyEdit(text: string, e: Edit): string {
  if (e.op === 'delete') {
    const at = Math.floor(e.at * text.length);
    return text.slice(0, at) + text.slice(at + e.len);
  }
  if (e.op === 'insert') {
    const at = Math.floor(e.at * text.length);
    return `${text.slice(0, at)}${e.tokens.join(' ')}${text.slice(at)}`;
  }
  const toks = lex(text).tokens.filter((t) => t.kind !== 'eof');
  if (toks.length < 2) return text;
  let x = toks[e.a % toks.length]!;
  let y = toks[e.b % toks.length]!;
  if (x === y) return text;
  if (x.start > y.start) [x, y] = [y, x];
  return text.slice(0, x.start) + y.text + text.slice(x.end, y.start) + x.text + text.slice(y.end);
}

/** Formatting must never fall back on a document that parses, and must be a meaning-preserving fixed point. */
function expectFormatsWell(text: string): void {
  const r = formatWithReason(text);
  const syntax = parse(text).problems.some((p) => p.code === 'syntax');
  if (syntax) {
    expect(r).toEqual({ text, unchanged: 'syntax' });
    return;
  }
  expect(r.unchanged, `fell back on:\n${text}`).toBeUndefined();
  expect(formatWithReason(r.text)).toEqual({ text: r.text });
  expect(sameMeaning(text, r.text)).toBe(true);
}

describe('property: random edits of the examples', () => {
  it('never make parse, checkDocument or formatDocument throw; formatting stays sound', () => {
    fc.assert(
      fc.property(
        fc.nat(examples.length - 1),
        fc.array(editArb, { minLength: 1, maxLength: 4 }),
        (which, edits) => {
          let text = examples[which]!.text;
          for (const e of edits) text = applyEdit(text, e);
          expect(() => parse(text)).not.toThrow();
          const checked = checkDocument('edited.nfab', text);
          expect(checked.diagnostics.filter((d) => d.code === 'internal')).toEqual([]);
          expectFormatsWell(text);
        },
      ),
      { seed: SEED, numRuns: 150 },
    );
  });
});

describe('property: the formatter on well-formed documents', () => {
  it('is idempotent and meaning-preserving on every example', () => {
    expect(examples.length).toBeGreaterThan(0);
    for (const ex of examples) expectFormatsWell(ex.text);
  });

  // ---- random documents: declarations and fields with random layout and comments ----

  /** White space inside a statement: spaces, tabs, inline block comments. */
  const inner = fc.constantFrom(' ', ' ', '  ', '\t', ' /* c */ ', '/*x*/');
  /** Between statements: anything, including line comments, blank lines and separators. */
  const between = fc.constantFrom(
    '\n',
    '\n',
    '\n\n\n',
    ' ',
    '  ',
    '; ',
    ', ',
    '  // note\n',
    '\n// own line\n',
    '\n\n/* multi\n   line */\n',
    ' /* b */\n',
    '\r\n',
  );
  const name = fc.constantFrom('a', 'b', 'xbar', 'rram_dev', 'mlp', 'h', 'lr', 'momentum', 'g_min', 'act');
  const keyword = fc.constantFrom(
    'device',
    'chip',
    'network',
    'experiment',
    'tile',
    'dense',
    'train',
    'energy',
  );
  const number = fc.oneof(
    fc.integer({ min: -1000, max: 100000 }).map(String),
    fc.constantFrom('0.1', '1e-6', '2.5e3', '-0.05'),
  );
  const quantity = fc
    .tuple(
      fc.constantFrom('1', '25', '0.2', '1.5', '-3'),
      fc.constantFrom('uS', 'µS', 'MΩ', 'MOhm', '%', 'V', 'nm', 'fJ', 'GHz'),
    )
    .map(([n, u]) => n + u);
  const shape = fc.constantFrom('28x28', '3x32x32', '10x1');
  const str = fc.constantFrom('"lib.nfab"', '"a b"', '"esc \\" q"', '""');

  type W = (s: string) => string;
  type Gen = (w: W) => string;
  const { value } = fc.letrec<{ value: Gen; primary: Gen }>((tie) => ({
    primary: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      number.map((n) => () => n),
      quantity.map((q) => () => q),
      shape.map((s) => () => s),
      str.map((s) => () => s),
      name.map((n) => () => n),
      fc.array(name, { minLength: 2, maxLength: 3 }).map((p) => () => p.join('.')),
      fc.tuple(name, fc.array(fc.tuple(name, tie('value') as fc.Arbitrary<Gen>), { maxLength: 3 })).map(
        ([callee, args]) =>
          (w: W) =>
            `${callee}(${args.map(([k, v]) => `${k}${w(' ')}=${w(' ')}${v(w)}`).join(`,${w(' ')}`)})`,
      ),
      fc
        .array(tie('primary') as fc.Arbitrary<Gen>, { maxLength: 3 })
        .map((items) => (w: W) => `[${items.map((v) => v(w)).join(`,${w(' ')}`)}]`),
    ),
    value: fc.oneof(
      tie('primary') as fc.Arbitrary<Gen>,
      fc.tuple(quantity, quantity).map(
        ([a, b]) =>
          (w: W) =>
            `${a}${w(' ')}..${w(' ')}${b}`,
      ),
    ),
  }));

  const field: fc.Arbitrary<Gen> = fc.oneof(
    fc.tuple(name, value).map(
      ([k, v]) =>
        (w: W) =>
          `${k}${w(' ')}=${w(' ')}${v(w)}`,
    ),
    quantity.map((q) => (w: W) => `node${w(' ')}${q}`),
  );

  it('is idempotent and meaning-preserving on random well-formed documents', () => {
    let wellFormed = 0;
    const runs = 200;
    fc.assert(
      fc.property(
        fc.array(fc.oneof(field, declArb()), { minLength: 1, maxLength: 6 }),
        fc.infiniteStream(inner),
        fc.infiniteStream(between),
        (statements, innerWs, betweenWs) => {
          const inIt = innerWs[Symbol.iterator]();
          const btIt = betweenWs[Symbol.iterator]();
          // w(' '): white space inside a statement; w('\n'): between statements.
          const w = (s: string) =>
            s === ' ' ? (inIt.next().value as string) : s === '\n' ? (btIt.next().value as string) : s;
          const text = statements.map((s) => s(w) + w('\n')).join('');
          if (parse(text).problems.some((p) => p.code === 'syntax')) return;
          wellFormed++;
          expectFormatsWell(text);
        },
      ),
      { seed: SEED, numRuns: runs },
    );
    // The generator is meant to produce mostly parseable text; otherwise the property says little.
    expect(wellFormed).toBeGreaterThan(runs / 3);
  });

  function declArb(): fc.Arbitrary<Gen> {
    return declOf(2);
  }

  function declOf(depth: number): fc.Arbitrary<Gen> {
    const body: fc.Arbitrary<Gen[] | null> =
      depth === 0
        ? fc.constant(null)
        : fc.option(fc.array(fc.oneof(field, field, declOf(depth - 1)), { maxLength: 4 }));
    return fc
      .tuple(keyword, fc.option(name), fc.option(value), body, fc.option(name), fc.constantFrom('\n', ' '))
      .map(([kw, nm, type, stmtsInBody, on, sep]) => (w: W) => {
        let s = kw;
        if (nm !== null) s += ` ${nm}`;
        if (type !== null) s += `${w(' ')}:${w(' ')}${type(w)}`;
        if (stmtsInBody !== null)
          s += `${w(' ')}{${w(sep)}${stmtsInBody.map((b) => b(w)).join(w(sep))}${w(sep)}}`;
        if (on !== null) s += ` on ${on}`;
        return s;
      });
  }
});
