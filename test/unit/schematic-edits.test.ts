// Diagram edits as minimal text edits: each produces exactly the expected text, keeps comments
// and formatting elsewhere, and an invalid value is refused with the checker's message.
import { describe, expect, it } from 'vitest';
import {
  addDeviceEdit,
  addLayerEdit,
  addTileEdit,
  addTopLevelEdit,
  applyEdit,
  deleteDeclEdit,
  type EditResult,
  freshName,
  retargetReferenceEdit,
  setFieldEdit,
  TYPE_FIELD,
  validateEdit,
} from '../../engine/dsl/schematic/edits';

const TEXT = `// a small design
device cell : rram {
  levels = 16   // four bits
}

chip c1 {
  node 20nm
  /* the one tile */
  tile xb : crossbar(rows = 128, cols = 64) {
    device = cell
    dac_bits = 6  // inputs
    count = 8
  }
}

network net {
  input x : 100
  dense h : 50 { act = relu } on xb  // hidden
  dense y : 10 on xb
}
`;

function apply(r: EditResult, text = TEXT): string {
  if (!r.ok) throw new Error(r.message);
  return applyEdit(text, r.edit);
}

describe('schematic edits', () => {
  it('replaces an existing value in place and nothing else', () => {
    const r = setFieldEdit(TEXT, ['c1', 'xb'], 'dac_bits', '4');
    expect(r).toEqual({ ok: true, edit: { offset: TEXT.indexOf('6  // inputs'), length: 1, newText: '4' } });
    expect(apply(r)).toBe(TEXT.replace('dac_bits = 6  // inputs', 'dac_bits = 4  // inputs'));
  });

  it('replaces a call argument and a layer size', () => {
    expect(apply(setFieldEdit(TEXT, ['c1', 'xb'], 'cols', '256'))).toBe(
      TEXT.replace('cols = 64', 'cols = 256'),
    );
    expect(apply(setFieldEdit(TEXT, ['net', 'y'], TYPE_FIELD, '12'))).toBe(
      TEXT.replace('dense y : 10', 'dense y : 12'),
    );
  });

  it('adds a missing field as the last line of the block, indented like its siblings', () => {
    expect(apply(setFieldEdit(TEXT, ['c1', 'xb'], 'adc_bits', '5'))).toBe(
      TEXT.replace('    count = 8\n', '    count = 8\n    adc_bits = 5\n'),
    );
    expect(apply(setFieldEdit(TEXT, ['cell'], 'read_noise', '2%'))).toBe(
      TEXT.replace('  levels = 16   // four bits\n', '  levels = 16   // four bits\n  read_noise = 2%\n'),
    );
  });

  it('adds a field to a layer without a block and to a one-line block', () => {
    expect(apply(setFieldEdit(TEXT, ['net', 'y'], 'act', 'tanh'))).toBe(
      TEXT.replace('dense y : 10 on xb', 'dense y : 10 { act = tanh } on xb'),
    );
    expect(apply(setFieldEdit(TEXT, ['net', 'h'], 'bias', 'false'))).toBe(
      TEXT.replace('{ act = relu }', '{ act = relu; bias = false }'),
    );
    const both = setFieldEdit(TEXT, ['net', 'h'], 'bias', 'false');
    if (!both.ok) throw new Error(both.message);
    expect(validateEdit('small.nfab', TEXT, both.edit).ok).toBe(true);
  });

  it('adds a tile, a layer, a device, a chip and a network', () => {
    expect(apply(addTileEdit(TEXT, 'c1', { name: 'xb2' }))).toBe(
      TEXT.replace(
        '    count = 8\n  }\n}\n',
        '    count = 8\n  }\n  tile xb2 : crossbar(rows = 128, cols = 128) {\n    device = cell\n  }\n}\n',
      ),
    );
    expect(apply(addLayerEdit(TEXT, 'net', { name: 'z' }))).toBe(
      TEXT.replace('  dense y : 10 on xb\n', '  dense y : 10 on xb\n  dense z : 10 on xb\n'),
    );
    expect(apply(addDeviceEdit(TEXT, { name: 'pc', kind: 'pcm' }))).toBe(
      TEXT.replace(
        '  levels = 16   // four bits\n}\n',
        '  levels = 16   // four bits\n}\n\ndevice pc : pcm {\n}\n',
      ),
    );
    expect(apply(addTopLevelEdit(TEXT, 'chip', 'c2'))).toBe(`${TEXT}\nchip c2 {\n}\n`);
    expect(freshName(TEXT, 'xb')).toBe('xb_2');
    expect(freshName(TEXT, 'fc')).toBe('fc');
  });

  it('deletes a declaration with its lines, keeping the comments around it', () => {
    expect(apply(deleteDeclEdit(TEXT, ['net', 'y']))).toBe(TEXT.replace('  dense y : 10 on xb\n', ''));
    const noTile = apply(deleteDeclEdit(TEXT, ['c1', 'xb']));
    expect(noTile).toContain('/* the one tile */');
    expect(noTile).toContain('// a small design');
    expect(noTile).not.toContain('tile xb');
  });

  it('refuses an invalid value with the checker message', () => {
    const r = setFieldEdit(TEXT, ['c1', 'xb'], 'dac_bits', '40');
    if (!r.ok) throw new Error(r.message);
    expect(validateEdit('small.nfab', TEXT, r.edit)).toEqual({
      ok: false,
      message: 'dac_bits must be an integer in 0..16, got 40',
    });
    const unit = setFieldEdit(TEXT, ['cell'], 'g_min', '3ns');
    if (!unit.ok) throw new Error(unit.message);
    const refused = validateEdit('small.nfab', TEXT, unit.edit);
    expect(refused.ok).toBe(false);
    expect(refused.message).toMatch(/g_min/);
    const fine = setFieldEdit(TEXT, ['c1', 'xb'], 'dac_bits', '4');
    if (!fine.ok) throw new Error(fine.message);
    expect(validateEdit('small.nfab', TEXT, fine.edit).ok).toBe(true);
  });

  it('refuses a delete that leaves a dangling reference', () => {
    const r = deleteDeclEdit(TEXT, ['cell']);
    if (!r.ok) throw new Error(r.message);
    expect(validateEdit('small.nfab', TEXT, r.edit).ok).toBe(false);
  });

  it('reports unknown declarations and bad values', () => {
    expect(setFieldEdit(TEXT, ['nope'], 'levels', '3')).toEqual({
      ok: false,
      message: 'no declaration nope in the text',
    });
    expect(setFieldEdit(TEXT, ['cell'], 'levels', '').ok).toBe(false);
    expect(addTileEdit(TEXT, 'net').ok).toBe(false);
  });
});

function editOf(r: EditResult) {
  if (!r.ok) throw new Error(r.message);
  return r.edit;
}

describe('reconnecting a "uses" edge', () => {
  it('points the tile at another device, touching only that name', () => {
    const text = TEXT.replace('// a small design', '// a small design\ndevice other : ideal {}');
    const r = retargetReferenceEdit(text, ['c1', 'xb'], 'cell', 'other');
    expect(apply(r, text)).toBe(text.replace('    device = cell\n', '    device = other\n'));
    expect(validateEdit('t.nfab', text, editOf(r)).ok).toBe(true);
  });

  it('refuses a field that does not exist, and a name the checker does not know', () => {
    expect(retargetReferenceEdit(TEXT, ['c1', 'xb'], 'nothing', 'other')).toMatchObject({ ok: false });
    const r = retargetReferenceEdit(TEXT, ['c1', 'xb'], 'cell', 'ghost');
    const checked = validateEdit('t.nfab', TEXT, editOf(r));
    expect(checked.ok).toBe(false);
    expect(checked.message).toContain('ghost');
  });
});
