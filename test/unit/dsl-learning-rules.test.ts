// On-chip learning-rule strings on a spiking_core (dw, dd, dt): checked by the DSL with the
// engine's Lava-style parser, errors placed on the offending characters inside the quotes.
import { describe, expect, it } from 'vitest';
import { checkDocument } from '../../engine/dsl';

const chip = (body: string) =>
  `neuron n : lif { }\nchip c {\n  tile core : spiking_core {\n${body}\n  }\n}\n`;

function errors(text: string): { at: string; message: string }[] {
  const r = checkDocument('t.nfab', text);
  return r.diagnostics
    .filter((d) => d.severity === 'error')
    .map((d) => ({ at: text.slice(d.range.start.offset, d.range.end.offset), message: d.message }));
}

describe('spiking_core learning-rule strings', () => {
  it('accept Lava-style sums of products and keep the text on the core', () => {
    const text = chip('    learning = programmable\n    dw = "x0*(-1)*2^-1*y1 + y0*2^1*x1"');
    const r = checkDocument('t.nfab', text);
    expect(r.hasErrors).toBe(false);
    expect(r.model.chips[0]!.cores![0]!.params.dw).toBe('x0*(-1)*2^-1*y1 + y0*2^1*x1');
  });

  it('point at an unknown symbol inside the quotes and list what is allowed', () => {
    const e = errors(chip('    learning = programmable\n    dd = "x0*q1"'));
    expect(e).toHaveLength(1);
    expect(e[0]!.at).toBe('q1');
    expect(e[0]!.message).toMatch(/^dd: .*q1.*allowed here: .*x1/);
  });

  it('refuse a rule on a core whose learning engine is not programmable', () => {
    const e = errors(chip('    learning = stdp\n    dw = "x0*y1"'));
    expect(e).toHaveLength(1);
    expect(e[0]!.message).toMatch(/learning = programmable/);
  });
});
