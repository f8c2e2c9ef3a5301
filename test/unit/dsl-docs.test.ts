import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BEGIN_MARKER,
  END_MARKER,
  extractReference,
  fmtQuantity,
  generateReference,
  spliceReference,
} from '../../engine/dsl/docs';
import { LAYER_KINDS, PLANNED_RULES, RUNNABLE_RULES, TILE_KINDS } from '../../engine/dsl/schema';
import { DEVICE_KINDS, NEURON_KINDS } from '../../engine/ir/model';

const DOC = join(__dirname, '..', '..', 'docs', 'dsl.md');

describe('docs/dsl.md reference section', () => {
  it('is exactly what generateReference() produces', () => {
    const doc = readFileSync(DOC, 'utf8');
    const current = extractReference(doc);
    expect(current, `docs/dsl.md lacks ${BEGIN_MARKER} / ${END_MARKER}`).not.toBeNull();
    expect(
      current === generateReference(),
      'docs/dsl.md is out of date: run npx tsx scripts/gen-dsl-docs.ts',
    ).toBe(true);
  });

  it('keeps the hand-written parts around the markers', () => {
    const doc = readFileSync(DOC, 'utf8');
    expect(spliceReference(doc)).toBe(doc);
    expect(doc.indexOf('## Formatting')).toBeGreaterThan(doc.indexOf(END_MARKER));
    expect(doc).toContain('## Why a hand-written parser (and not Langium)');
  });
});

describe('generateReference', () => {
  const ref = generateReference();

  it('has a table per device, neuron, tile and layer kind', () => {
    for (const k of DEVICE_KINDS) expect(ref).toContain(`#### device kind \`${k}\``);
    for (const k of NEURON_KINDS) expect(ref).toContain(`#### neuron kind \`${k}\``);
    for (const k of TILE_KINDS) expect(ref).toContain(`#### tile kind \`${k}\``);
    for (const k of LAYER_KINDS) expect(ref).toContain(`#### layer \`${k}\``);
    for (const h of ['### Chips', '### Experiments', '#### `train { }`', '#### `infer { }`', '### Platforms'])
      expect(ref).toContain(h);
  });

  it('lists every rule with whether it runs today', () => {
    for (const r of RUNNABLE_RULES) expect(ref).toContain(`| \`${r}\` | yes |`);
    for (const r of PLANNED_RULES) expect(ref).toContain(`| \`${r}\` | no:`);
  });

  it('gives per-kind defaults with their citation', () => {
    const pcm = ref.slice(ref.indexOf('#### device kind `pcm`'), ref.indexOf('#### device kind `fefet`'));
    expect(pcm).toContain(
      '| `g_max` | conductance (S), or a resistance read as 1/R | 0S (excl.) .. 1S | `25uS` [',
    );
    expect(pcm).toContain('IBM aihwkit PCMLikeNoiseModel (g_max = 25 uS)');
    const loihi = ref.slice(ref.indexOf('#### neuron kind `loihi_cuba`'), ref.indexOf('### Chips'));
    expect(loihi).toContain('| `du` | integer | 0 .. 4095 | `4095` [1] |');
    expect(loihi).toContain('| `vth` | integer | 0 .. 131071 | `10` [3] |');
  });

  it('is deterministic', () => {
    expect(generateReference()).toBe(ref);
  });
});

describe('fmtQuantity', () => {
  it('prints SI values in DSL notation', () => {
    expect(fmtQuantity(1e-6, 'conductance')).toBe('1uS');
    expect(fmtQuantity(25e-6, 'conductance')).toBe('25uS');
    expect(fmtQuantity(1.5e-12, 'energy')).toBe('1.5pJ');
    expect(fmtQuantity(2e9, 'frequency')).toBe('2GHz');
    expect(fmtQuantity(0, 'time')).toBe('0s');
    expect(fmtQuantity(20, 'time')).toBe('20s');
    expect(fmtQuantity(300, 'temperature')).toBe('300K');
  });
});
