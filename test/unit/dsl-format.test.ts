import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cmdFmt } from '../../engine/cli/fmt';
import { applyEdits, formatDocument, formatEdits, formatWithReason } from '../../engine/dsl/format';
import { sameMeaning, shapeOf } from '../../engine/dsl/format-ast';

/** Formats, and checks the invariants every case must keep. */
function fmt(text: string): string {
  const r = formatWithReason(text);
  expect(r.unchanged, 'the formatter fell back to the input').toBeUndefined();
  expect(formatDocument(r.text)).toBe(r.text);
  expect(sameMeaning(text, r.text)).toBe(true);
  expect(applyEdits(text, formatEdits(text))).toBe(r.text);
  return r.text;
}

const lines = (...l: string[]) => `${l.join('\n')}\n`;

describe('formatDocument', () => {
  it('indents by two spaces, one field per line, `key = value`, `name : kind(args)`', () => {
    const src = 'chip c{node   20nm\ntile xbar:crossbar( rows=256 ,cols = 256 ){device=d\n  count=4}}';
    expect(fmt(src)).toBe(
      lines(
        'chip c {',
        '  node 20nm',
        '  tile xbar : crossbar(rows = 256, cols = 256) {',
        '    device = d',
        '    count = 4',
        '  }',
        '}',
      ),
    );
  });

  it('puts one blank line between top-level declarations and collapses blank runs', () => {
    const src =
      '\n\ndevice a : ideal {}\ndevice b : ideal {\n  levels = 2\n\n\n\n  g_min = 1uS\n\n}\n\n\n\nchip c {}\n\n\n';
    expect(fmt(src)).toBe(
      lines(
        'device a : ideal {}',
        '',
        'device b : ideal {',
        '  levels = 2',
        '',
        '  g_min = 1uS',
        '}',
        '',
        'chip c {}',
      ),
    );
  });

  it('keeps every comment in its place: own-line, trailing (aligned), inside empty blocks, at the end', () => {
    const src = lines(
      '// header',
      '',
      '',
      '// about d',
      'device d : rram {   // trailing after brace',
      '  // inside',
      '  g_min = 1uS // low',
      '  program_noise = 5%    // noise',
      '  levels = 32',
      '  /* block */',
      '}',
      'device e : ideal {',
      '  // only a comment',
      '}',
      '// the end',
    );
    expect(fmt(src)).toBe(
      lines(
        '// header',
        '',
        '// about d',
        'device d : rram {  // trailing after brace',
        '  // inside',
        '  g_min = 1uS         // low',
        '  program_noise = 5%  // noise',
        '  levels = 32',
        '  /* block */',
        '}',
        '',
        'device e : ideal {',
        '  // only a comment',
        '}',
        '// the end',
      ),
    );
  });

  it('keeps comments in the middle of a statement', () => {
    const src = lines(
      'chip c {',
      '  tile t : crossbar(rows = 1, // rows',
      '      cols = 2) { count = /* inline */ 3 }',
      '  /* lead */ node 20nm',
      '}',
    );
    expect(fmt(src)).toBe(
      lines(
        'chip c {',
        '  tile t : crossbar(rows = 1,  // rows',
        '    cols = 2) {',
        '    count = /* inline */ 3',
        '  }',
        '  /* lead */ node 20nm',
        '}',
      ),
    );
  });

  it('keeps a one-line block on one line when it fits in 100 columns, with two spaces between fields', () => {
    const src = lines(
      'network mlp {',
      '  input x : 28x28',
      '  dense h : 256 {act=relu} on xbar',
      '  dense y : 10 on xbar',
      '}',
      'experiment e { chip = c; network = mlp, dataset = mnist }',
      'experiment f {',
      '  train { rule = backprop  optimizer = sgd(lr = 0.1, momentum = 0.9)  schedule = cosine  epochs = 1  batch = 32 }',
      '}',
    );
    expect(fmt(src)).toBe(
      lines(
        'network mlp {',
        '  input x : 28x28',
        '  dense h : 256 { act = relu } on xbar',
        '  dense y : 10 on xbar',
        '}',
        '',
        'experiment e { chip = c  network = mlp  dataset = mnist }',
        '',
        'experiment f {',
        '  train {',
        '    rule = backprop',
        '    optimizer = sgd(lr = 0.1, momentum = 0.9)',
        '    schedule = cosine',
        '    epochs = 1',
        '    batch = 32',
        '  }',
        '}',
      ),
    );
  });

  it('expands a block written on several lines even if it would fit, and nests', () => {
    const src = 'experiment e {\ntrain {\nrule = backprop\n}\n}';
    expect(fmt(src)).toBe(lines('experiment e {', '  train {', '    rule = backprop', '  }', '}'));
  });

  it('leaves numbers, units (1MΩ, 25µS, 3%), shapes, strings, lists, ranges and paths as written', () => {
    const src = lines(
      'import   "lib/dev ices.nfab"',
      'device d : rram { r_on = 1MΩ  g_max = 25µS  g_min = 2.5e-6S  x = -3%  y = 1e-3 }',
      'experiment e {',
      '  sweep d.program_noise   in [0%,1%,  2%]',
      '  f = 2.0GHz..4.0GHz',
      '  shape = 3x32x32',
      '  p = mtj.program_noise',
      '}',
    );
    expect(fmt(src)).toBe(
      lines(
        'import "lib/dev ices.nfab"',
        '',
        'device d : rram { r_on = 1MΩ  g_max = 25µS  g_min = 2.5e-6S  x = -3%  y = 1e-3 }',
        '',
        'experiment e {',
        '  sweep d.program_noise in [0%, 1%, 2%]',
        '  f = 2.0GHz .. 4.0GHz',
        '  shape = 3x32x32',
        '  p = mtj.program_noise',
        '}',
      ),
    );
  });

  it('converts CRLF to LF, trims trailing spaces, ends with one newline; empty stays empty', () => {
    expect(fmt('chip c {  \r\n  node 20nm   // x   \r\n}\r\n\r\n')).toBe(
      lines('chip c {', '  node 20nm  // x', '}'),
    );
    expect(fmt('')).toBe('');
    expect(fmt('  \n\n ;; \n')).toBe('');
    expect(fmt('// only\n\n\n/* comments */')).toBe(lines('// only', '', '/* comments */'));
  });

  it('returns a file with syntax errors unchanged, without throwing', () => {
    for (const src of [
      'device d : rram {\n  g_min = \n',
      'chip c { node 20nm }}}',
      '/* unterminated',
      'device d : rram { g = "abc }',
      '\u0000\u0001 garbage ###',
    ]) {
      const r = formatWithReason(src);
      expect(r.text).toBe(src);
      expect(r.unchanged).toBe('syntax');
      expect(formatEdits(src)).toEqual([]);
    }
  });

  it('formats a file whose only problem is an unknown unit (the tree is complete)', () => {
    expect(fmt('device d : rram {g_min=5xyz}')).toBe('device d : rram { g_min = 5xyz }\n');
  });

  it('the examples are formatted', () => {
    const dir = path.resolve(__dirname, '../../examples');
    for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.nfab'))) {
      const text = fs.readFileSync(path.join(dir, f), 'utf8');
      expect(
        shapeOf(text).problems.filter((p) => p.startsWith('syntax')),
        f,
      ).toEqual([]);
      expect(formatDocument(text), f).toBe(text);
    }
  });

  it('formatEdits gives small white-space edits', () => {
    const src = 'chip c {\n    node   20nm\n}\n';
    expect(formatEdits(src)).toEqual([
      { offset: 11, length: 2, newText: '' },
      { offset: 18, length: 2, newText: '' },
    ]);
  });
});

describe('neurofab fmt', () => {
  const dirs: string[] = [];
  const tmp = () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'nf-fmt-'));
    dirs.push(d);
    return d;
  };
  afterEach(() => {
    vi.restoreAllMocks();
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });

  const quiet = () => {
    const out: string[] = [];
    const err: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
    vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
    return { out, err };
  };

  it('formats in place; --check lists unformatted files and exits 1, then 0', () => {
    const d = tmp();
    const a = path.join(d, 'a.nfab');
    const b = path.join(d, 'b.nfab');
    fs.writeFileSync(a, 'chip c{node 20nm}');
    fs.writeFileSync(b, 'chip c {}\n');
    const io = quiet();
    expect(cmdFmt(['--check', a, b])).toBe(1);
    expect(io.out).toEqual([a]);
    expect(fs.readFileSync(a, 'utf8')).toBe('chip c{node 20nm}');
    expect(cmdFmt([a, b])).toBe(0);
    expect(fs.readFileSync(a, 'utf8')).toBe('chip c { node 20nm }\n');
    expect(cmdFmt(['--check', a, b])).toBe(0);
    expect(fs.readdirSync(d).sort()).toEqual(['a.nfab', 'b.nfab']);
  });

  it('exits 1 on syntax errors, printing FILE:LINE:COL: error:, and leaves the file alone', () => {
    const d = tmp();
    const f = path.join(d, 'bad.nfab');
    fs.writeFileSync(f, 'chip c {\n  node =\n');
    const io = quiet();
    expect(cmdFmt([f])).toBe(1);
    expect(io.err.some((l) => l.startsWith(`${f}:2:`) && l.includes(': error: '))).toBe(true);
    expect(fs.readFileSync(f, 'utf8')).toBe('chip c {\n  node =\n');
  });

  it('exits 2 on bad usage', () => {
    quiet();
    expect(cmdFmt([])).toBe(2);
    expect(cmdFmt(['--nope', 'x.nfab'])).toBe(2);
    expect(cmdFmt([path.join(tmp(), 'missing.nfab')])).toBe(2);
  });
});
