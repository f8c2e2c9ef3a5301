import { describe, expect, it } from 'vitest';
import type { Decl, Field, QuantityExpr } from '../../engine/dsl/ast';
import { lex } from '../../engine/dsl/lexer';
import { LineMap } from '../../engine/dsl/lines';
import { parse } from '../../engine/dsl/parser';

const kinds = (text: string) => lex(text).tokens.map((t) => t.kind);
const slice = (text: string, s: { start: number; end: number }) => text.slice(s.start, s.end);

describe('lexer', () => {
  it('keeps units, shapes, ranges and punctuation apart', () => {
    expect(kinds('g = 25uS')).toEqual(['ident', '=', 'quantity', 'eof']);
    expect(kinds('x : 28x28')).toEqual(['ident', ':', 'shape', 'eof']);
    expect(kinds('f = 2.0GHz .. 4.0GHz')).toEqual(['ident', '=', 'quantity', '..', 'quantity', 'eof']);
    expect(kinds('1..2')).toEqual(['number', '..', 'number', 'eof']);
    expect(kinds('r = 1MΩ 3% 25µS')).toEqual(['ident', '=', 'quantity', 'quantity', 'quantity', 'eof']);
    expect(kinds('sgd(lr = 0.1, momentum = 0.9)')).toEqual([
      'ident',
      '(',
      'ident',
      '=',
      'number',
      ',',
      'ident',
      '=',
      'number',
      ')',
      'eof',
    ]);
  });

  it('marks the unit inside a quantity token', () => {
    const t = lex('100kOhm').tokens[0]!;
    expect(t.kind).toBe('quantity');
    expect(t.unitStart).toBe(3);
  });

  it('keeps comments as trivia with exact spans', () => {
    const text = 'a = 1 // one\n/* two\nlines */ b = 2';
    const { tokens, comments } = lex(text);
    expect(comments.map((c) => [c.style, c.text])).toEqual([
      ['line', '// one'],
      ['block', '/* two\nlines */'],
    ]);
    expect(comments[1]!.start).toBe(13);
    expect(tokens.map((t) => t.text)).toEqual(['a', '=', '1', 'b', '=', '2', '']);
    // b is after a multi-line comment, so it starts a new line for recovery purposes.
    expect(tokens[3]!.newlineBefore).toBe(true);
  });

  it('groups a run of unreadable characters into one error token', () => {
    const { tokens } = lex('a = 1 $#@! b');
    expect(tokens.filter((t) => t.kind === 'error').map((t) => t.text)).toEqual(['$#@!']);
  });
});

describe('parser', () => {
  it('builds declarations with a span on every part', () => {
    const text = 'device d : rram {\n  g_min = 1uS\n  energy { read = 10fJ }\n}\n';
    const { file, problems } = parse(text);
    expect(problems).toEqual([]);
    const d = file.statements[0] as Decl;
    expect(d.kind).toBe('decl');
    expect(slice(text, d)).toBe(text.trimEnd());
    expect(slice(text, d.keyword)).toBe('device');
    expect(slice(text, d.name!)).toBe('d');
    expect(slice(text, d.colon!)).toBe(':');
    expect(slice(text, d.type!)).toBe('rram');
    const g = d.body!.statements[0] as Field;
    expect(slice(text, g)).toBe('g_min = 1uS');
    expect(slice(text, g.key)).toBe('g_min');
    expect(slice(text, g.eq!)).toBe('=');
    const v = g.value as QuantityExpr;
    expect(v).toMatchObject({ kind: 'quantity', value: 1e-6, dimension: 'conductance', unit: 'uS' });
    expect(slice(text, v.unitSpan)).toBe('uS');
    const energy = d.body!.statements[1] as Decl;
    expect(energy.name).toBeNull();
    expect(slice(text, energy.body!)).toBe('{ read = 10fJ }');
    expect(slice(text, d.body!.close!)).toBe('}');
  });

  it('parses calls, shapes, clauses, bare fields, paths, lists and negative numbers', () => {
    const text = [
      'chip c { node 20nm tile t : crossbar(rows = 256, cols = 128) { device = d } }',
      'network n { input x : 28x28  dense h : 256 { act = relu } on t  dense y : 10 on t }',
      'experiment e { sweep d.program_noise in [0%, 1%]  w = -0.6 }',
    ].join('\n');
    const { file, problems } = parse(text);
    expect(problems).toEqual([]);
    const [chip, net, exp] = file.statements as Decl[];
    const node = chip!.body!.statements[0] as Field;
    expect(node.eq).toBeNull();
    expect(node.value).toMatchObject({ kind: 'quantity', value: 20e-9 });
    const tile = chip!.body!.statements[1] as Decl;
    expect(tile.type).toMatchObject({ kind: 'call', callee: { name: 'crossbar' } });
    const layers = net!.body!.statements as Decl[];
    expect(layers.map((l) => l.keyword.name)).toEqual(['input', 'dense', 'dense']);
    expect(layers[0]!.type).toMatchObject({ kind: 'shape', dims: [28, 28] });
    expect(layers[1]!.clauses[0]).toMatchObject({
      keyword: { name: 'on' },
      value: { kind: 'name', name: 't' },
    });
    const sweep = exp!.body!.statements[0] as Decl;
    expect(sweep.subpath.map((p) => p.name)).toEqual(['program_noise']);
    expect(sweep.clauses[0]!.value).toMatchObject({ kind: 'list', items: [{ value: 0 }, { value: 0.01 }] });
    const w = exp!.body!.statements[1] as Field;
    expect(w.value).toMatchObject({ kind: 'number', value: -0.6, text: '-0.6' });
  });

  it('keeps comments in the file node', () => {
    const { file } = parse('// header\ndevice d : ideal {} /* tail */');
    expect(file.comments.map((c) => c.text)).toEqual(['// header', '/* tail */']);
  });
});

describe('parser error recovery: one typo, one problem', () => {
  const good = [
    'device d : rram {',
    '  g_min = 1uS',
    '  g_max = 100uS',
    '  levels = 32',
    '}',
    'chip c {',
    '  tile t : crossbar(rows = 256, cols = 256) { device = d }',
    '}',
    '',
  ].join('\n');

  const cases: [string, string, string, string][] = [
    // [what, from, to, expected message]
    ['missing value', 'g_max = 100uS', 'g_max =', "expected a value after '=', got 'levels'"],
    ['unknown unit', '100uS', '100uSx', "unknown unit 'uSx' in 100uSx"],
    ['stray symbol', 'levels = 32', 'levels = 32 $', 'unexpected character "$"'],
    ['missing ) of a call', 'cols = 256)', 'cols = 256', "missing ')' to close the arguments of 'crossbar'"],
    ['missing } of a block', '  levels = 32\n}', '  levels = 32', "missing '}' to close this block"],
    ['extra }', '  levels = 32\n}', '  levels = 32\n}\n}', "unmatched '}'"],
    ['bad statement start', '  levels = 32', '  = 32', "expected a field or a declaration, got '='"],
  ];

  it.each(cases)('%s', (_what, from, to, message) => {
    const text = good.replace(from, to);
    expect(text).not.toBe(good);
    const { problems } = parse(text);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.message).toContain(message);
  });

  it('points a missing value just after the = sign', () => {
    const text = good.replace('g_max = 100uS', 'g_max =');
    const p = parse(text).problems[0]!;
    const pos = new LineMap('f', text).pos(p.start);
    expect([pos.line, pos.col]).toEqual([3, 10]);
  });

  it('points a missing } at the brace that opened the block, and keeps the next declaration', () => {
    const text = good.replace('  levels = 32\n}', '  levels = 32');
    const { file, problems } = parse(text);
    expect(slice(text, problems[0]!)).toBe('{');
    expect(problems[0]!.start).toBe(text.indexOf('{'));
    expect((file.statements as Decl[]).map((d) => d.keyword.name)).toEqual(['device', 'chip']);
  });

  it('an unterminated comment is one problem, not also a missing brace', () => {
    const text = good.replace('levels = 32', 'levels = 32 /* oops');
    const { problems } = parse(text);
    expect(problems.map((p) => p.message)).toEqual(["unterminated comment: '/*' has no '*/'"]);
  });

  it('many independent typos give one problem each', () => {
    const text = [
      'device a : rram { g_min = 1uQ }',
      'device b : rram { g_min = }',
      'device c : rram { g_min = 1uS $ }',
      'device d : rram { g_min = 1uS }',
    ].join('\n');
    const { file, problems } = parse(text);
    expect(problems.map((p) => new LineMap('f', text).pos(p.start).line)).toEqual([1, 2, 3]);
    expect(file.statements).toHaveLength(4);
  });
});
