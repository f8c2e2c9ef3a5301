// The .nfab language service over small documents: completion, hover, navigation, rename,
// outline, folding, semantic tokens and quick fixes. Offsets are 0-based UTF-16, as in the service.
import { describe, expect, it } from 'vitest';
import {
  applyEdits,
  codeActions,
  completion,
  definition,
  documentSymbols,
  encodeSemanticTokens,
  foldingRanges,
  hover,
  prepareRename,
  references,
  rename,
  semanticTokens,
  TOKEN_TYPES,
} from '../../engine/dsl/service';

const DOC = `device d1 : rram {
  g_min = 25uS
  levles = 32
}
chip c {
  tile xbar : crossbar(rows = 4, cols = 4) {
    device = d1
  }
}
network n {
  input x : 28x28
  dense y : 10 on xbar
}
experiment e { chip = c  network = n  dataset = mnist }
`;

/** Offset of the n-th occurrence of `needle` in `text`, plus `delta`. */
function at(text: string, needle: string, delta = 0, nth = 0): number {
  let i = -1;
  for (let k = 0; k <= nth; k++) {
    i = text.indexOf(needle, i + 1);
    if (i < 0) throw new Error(`'${needle}' not found`);
  }
  return i + delta;
}

const labels = (text: string, offset: number) => completion(text, offset).map((c) => c.label);

describe('completion', () => {
  it('offers top-level keywords at the top level', () => {
    const text = `${DOC}\n`;
    const got = labels(text, text.length);
    expect(got).toEqual(expect.arrayContaining(['device', 'chip', 'network', 'experiment', 'import']));
    expect(got).not.toContain('g_min');
  });

  it('offers the fields of a device block, without those already present', () => {
    const text = 'device d : rram {\n  g_min = 1uS\n  \n}\n';
    const got = labels(text, at(text, '  \n', 2));
    expect(got).toEqual(expect.arrayContaining(['g_max', 'levels', 'program_noise', 'read_noise', 'energy']));
    expect(got).not.toContain('g_min');
    expect(got).not.toContain('device');
  });

  it('gives each field its doc and its per-kind default as detail', () => {
    const text = 'device d : pcm { }';
    const gmax = completion(text, at(text, '{', 2)).find((c) => c.label === 'g_max')!;
    expect(gmax.detail).toBe('a conductance · default 25 µS');
    expect(gmax.insertText).toBe('g_max = ');
    expect(gmax.documentation).toContain('IBM aihwkit PCMLikeNoiseModel');
    expect(gmax.range).toEqual({ start: 17, end: 17 });
  });

  it('replaces the partial word being typed', () => {
    const text = 'device d : rram {\n  lev\n}';
    const items = completion(text, at(text, 'lev', 3));
    expect(items.map((c) => c.label)).toContain('levels');
    expect(items[0]!.range).toEqual({ start: at(text, 'lev'), end: at(text, 'lev', 3) });
  });

  it('offers the names of declarations of the right kind after device = / chip = / on', () => {
    const t1 = DOC.replace('device = d1', 'device = ');
    expect(labels(t1, at(t1, 'device = ', 9))).toEqual(['d1']);
    const t2 = DOC.replace('chip = c', 'chip = ');
    expect(labels(t2, at(t2, 'chip = ', 7))).toEqual(['c']);
    const t3 = DOC.replace('on xbar', 'on x');
    const items = completion(t3, at(t3, 'on x', 4));
    expect(items.map((c) => c.label)).toEqual(['xbar']);
    expect(items[0]!.detail).toBe('tile : crossbar(rows = 4, cols = 4) (in c)');
  });

  it('offers units of the field dimension after a number', () => {
    const text = 'device d : rram {\n  g_min = 25u\n}';
    const items = completion(text, at(text, '25u', 3));
    const got = items.map((c) => c.label);
    expect(got.slice(0, 4)).toEqual(['uS', 'mS', 'nS', 'S']);
    expect(got).toContain('kOhm');
    expect(items[0]!.range).toEqual({ start: at(text, '25u', 2), end: at(text, '25u', 3) });
    const pct = 'device d : rram {\n  program_noise = 5\n}';
    expect(labels(pct, at(pct, '= 5', 3))).toEqual(['%']);
  });

  it('offers enum values with their status', () => {
    const text = 'network n {\n  input x : 4\n  dense y : 2 { act =  }\n}';
    const items = completion(text, at(text, 'act = ', 6));
    expect(items.slice(0, 4).map((c) => c.label)).toEqual(['relu', 'sigmoid', 'tanh', 'identity']);
    const lif = items.find((c) => c.label === 'lif');
    if (lif) expect(lif.deprecated).toBe(true);
    const rule = 'experiment e {\n  train { rule =  }\n}';
    const rules = completion(rule, at(rule, 'rule = ', 7));
    expect(rules[0]).toMatchObject({ label: 'backprop', detail: 'rule — runnable' });
  });

  it('offers device kinds after `device NAME :` and crossbar arguments inside its call', () => {
    const text = 'device d : ';
    const got = labels(text, text.length);
    expect(got.slice(0, 3)).toEqual(['ideal', 'rram', 'pcm']);
    const tile = 'chip c {\n  tile t : crossbar(rows = 4, ) { }\n}';
    expect(labels(tile, at(tile, ', )', 2))).toEqual(['cols']);
  });

  it('offers nothing inside a comment', () => {
    const text = 'device d : rram {\n  // g_\n}';
    expect(completion(text, at(text, 'g_', 2))).toEqual([]);
  });

  it('still works in the rest of the file with a typo elsewhere', () => {
    const broken = `devce bad : rram {\n  g_max = = 3\n}\n${DOC.replace('  g_min = 25uS\n', '  g_min = 25uS\n  \n')}`;
    const got = labels(broken, at(broken, '25uS\n  \n', 8));
    expect(got).toContain('g_max');
    expect(got).not.toContain('g_min');
    const h = hover(broken, at(broken, '25uS', 1));
    expect(h?.contents.split('\n')[0]).toBe('25uS = 2.5e-5 S');
    // An unclosed block: completion inside it still knows it is a device.
    const open = 'device d : rram {\n  g_min = 1uS\n  \n';
    expect(labels(open, open.length - 1)).toContain('g_max');
  });
});

describe('hover', () => {
  it('shows a field doc, unit, range and the default for this kind with its citation', () => {
    const h = hover(DOC, at(DOC, 'g_min', 2))!;
    expect(h.range).toEqual({ start: at(DOC, 'g_min'), end: at(DOC, 'g_min', 5) });
    const lines = h.contents.split('\n\n');
    expect(lines[0]).toBe("**g_min** — field of device 'd1' (rram)");
    expect(lines[2]).toBe('Type: a conductance (S, e.g. 25uS); a resistance is read as G = 1/R');
    expect(lines[3]).toBe('Range: 0 S (exclusive) .. 1 S');
    expect(lines[4]).toMatch(/^Default for rram: 1 µS — nominal HRS of 1 MOhm/);
  });

  it('shows the SI value of a quantity', () => {
    expect(hover(DOC, at(DOC, '25uS', 3))!.contents.split('\n\n')[0]).toBe('25uS = 2.5e-5 S');
    const r = 'device d : rram { g_max = 40kOhm }';
    expect(hover(r, at(r, '40k'))!.contents.split('\n\n')[0]).toBe(
      '40kOhm = 40000 Ω, read as a conductance G = 1/R = 2.5e-5 S',
    );
  });

  it('shows the declaration behind a reference', () => {
    expect(hover(DOC, at(DOC, 'd1', 1, 1))!.contents).toBe(
      'device `d1` : rram — filamentary metal-oxide (HfOx/TaOx) resistive RAM, analog multilevel 1T1R cell (line 1)',
    );
    expect(hover(DOC, at(DOC, 'xbar', 1, 1))!.contents).toBe(
      'tile `xbar` : crossbar(rows = 4, cols = 4) of device d1 in chip c (line 6)',
    );
  });

  it('explains keywords', () => {
    expect(hover(DOC, 1)!.contents).toMatch(/^\*\*device\*\* — Declares a synaptic device/);
    expect(hover(DOC, at(DOC, 'on xbar'))!.contents).toMatch(/^\*\*on\*\* — Maps a layer onto a tile/);
  });
});

describe('definition, references, rename', () => {
  it('goes from a reference to its declaration', () => {
    expect(definition(DOC, at(DOC, 'd1', 0, 1))).toEqual({ start: 7, end: 9 });
    expect(definition(DOC, at(DOC, 'chip = c', 7))).toEqual({
      start: at(DOC, 'chip c', 5),
      end: at(DOC, 'chip c', 6),
    });
    expect(definition(DOC, at(DOC, 'g_min'))).toBeNull();
  });

  it('finds every reference', () => {
    expect(references(DOC, at(DOC, 'xbar'))).toEqual([
      { start: at(DOC, 'xbar'), end: at(DOC, 'xbar', 4) },
      { start: at(DOC, 'xbar', 0, 1), end: at(DOC, 'xbar', 4, 1) },
    ]);
    expect(references(DOC, at(DOC, 'xbar'), false)).toHaveLength(1);
  });

  it('renames a device everywhere, but not its kind', () => {
    const text =
      'device rram : rram { }\nchip c { tile t : crossbar(rows = 1, cols = 1) { device = rram } }\n';
    const r = rename(text, at(text, 'rram', 0, 2), 'fast');
    if (!('edits' in r)) throw new Error(r.error);
    expect(applyEdits(text, r.edits)).toBe(
      'device fast : rram { }\nchip c { tile t : crossbar(rows = 1, cols = 1) { device = fast } }\n',
    );
    expect(prepareRename(text, at(text, 'rram', 0, 1))).toEqual({
      error: 'Only the names of devices, chips, tiles, networks, layers and experiments can be renamed.',
    });
    expect(prepareRename(text, 8)).toEqual({ range: { start: 7, end: 11 }, placeholder: 'rram' });
  });

  it('refuses invalid names and collisions', () => {
    const text = 'device a : rram { }\ndevice b : pcm { }\n';
    expect(rename(text, 7, '9x')).toEqual({
      error: "'9x' is not a valid name: use letters, digits and _, not starting with a digit.",
    });
    expect(rename(text, 7, 'on')).toEqual({
      error: "'on' is a keyword of the language and cannot be a name.",
    });
    expect(rename(text, 7, 'b')).toEqual({ error: "A device named 'b' already exists (line 2)." });
  });
});

describe('outline and folding', () => {
  it('lists declarations with nested tiles and layers', () => {
    const syms = documentSymbols(DOC);
    expect(syms.map((s) => [s.name, s.kind, s.detail, s.children.map((c) => `${c.kind} ${c.name}`)])).toEqual(
      [
        ['d1', 'device', 'rram', []],
        ['c', 'chip', 'chip', ['tile xbar']],
        ['n', 'network', 'network', ['layer x', 'layer y']],
        ['e', 'experiment', 'experiment', []],
      ],
    );
    expect(syms[0]!.range).toEqual({ start: 0, end: at(DOC, '}', 1) });
    expect(syms[0]!.selectionRange).toEqual({ start: 7, end: 9 });
  });

  it('folds multi-line blocks and block comments', () => {
    expect(foldingRanges(`/* a\n b */\n${DOC}`)).toEqual([
      { startLine: 1, endLine: 2, kind: 'comment' },
      { startLine: 3, endLine: 5 },
      { startLine: 7, endLine: 10 },
      { startLine: 8, endLine: 9 },
      { startLine: 12, endLine: 14 },
    ]);
  });
});

describe('semantic tokens', () => {
  it('classifies every word', () => {
    const text =
      'device d : rram { // hi\n  g_min = 25uS\n}\nchip c { tile t : crossbar(rows = 1, cols = 1) { device = d } }';
    const got = semanticTokens(text).map((t) => `${text.slice(t.start, t.end)}:${t.type}`);
    expect(got).toEqual([
      'device:keyword',
      'd:declaration',
      'rram:kind',
      '// hi:comment',
      'g_min:field',
      '25:number',
      'uS:unit',
      'chip:keyword',
      'c:declaration',
      'tile:keyword',
      't:declaration',
      'crossbar:kind',
      'rows:field',
      '1:number',
      'cols:field',
      '1:number',
      'device:field',
      'd:reference',
    ]);
  });

  it('marks unresolved references and encodes multi-line comments per line', () => {
    const text = '/* a\nbc */ chip c { tile t : crossbar(rows = 1, cols = 1) { device = nope } }';
    const tokens = semanticTokens(text);
    expect(tokens.find((t) => text.slice(t.start, t.end) === 'nope')!.modifiers).toEqual(['unresolved']);
    const data = Array.from(encodeSemanticTokens(text, tokens).slice(0, 15));
    const comment = TOKEN_TYPES.indexOf('comment');
    const keyword = TOKEN_TYPES.indexOf('keyword');
    expect(data).toEqual([0, 0, 4, comment, 0, 1, 0, 5, comment, 0, 0, 6, 4, keyword, 0]);
  });
});

describe('quick fixes', () => {
  it('replaces a misspelt field with the suggestion', () => {
    const actions = codeActions(DOC, { start: at(DOC, 'levles', 2), end: at(DOC, 'levles', 2) });
    expect(actions.map((a) => a.title)).toEqual(["Change 'levles' to 'levels'"]);
    expect(applyEdits(DOC, actions[0]!.edits)).toBe(DOC.replace('levles', 'levels'));
  });

  it('replaces a misspelt reference and a misspelt kind', () => {
    const text = 'device dev : rrma { }\nchip c { tile t : crossbar(rows = 1, cols = 1) { device = dve } }\n';
    const all = codeActions(text, { start: 0, end: text.length });
    expect(all.map((a) => a.title)).toEqual(["Change 'rrma' to 'rram'", "Change 'dve' to 'dev'"]);
  });

  it('offers nothing away from a diagnostic', () => {
    expect(codeActions(DOC, { start: 0, end: 3 })).toEqual([]);
  });
});
