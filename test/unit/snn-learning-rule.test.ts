import { describe, expect, it } from 'vitest';
import { Rng } from '../../engine/sim/rng';
import {
  evaluateRule,
  OnChipRule,
  parseLearningRule,
  parseLearningRuleOrThrow,
  productScale,
} from '../../engine/snn/learning-rule';
import { PairStdp } from '../../engine/snn/stdp';

function errorOf(text: string) {
  const r = parseLearningRule(text);
  if (r.ok) throw new Error(`expected an error for ${text}`);
  return r.errors[0]!;
}

describe('learning-rule strings: parser', () => {
  it('parses the SCIENCE.md example into two products', () => {
    const rule = parseLearningRuleOrThrow('dw = "x0*(-1)*2^-1*y1 + y0*2^1*x1"');
    expect(rule.target).toBe('dw');
    expect(rule.products).toHaveLength(2);
    const [a, b] = rule.products;
    expect(a!.dependency).toBe('x0');
    expect([a!.mantissa, a!.exponent]).toEqual([-1, -1]);
    expect(a!.factors.map((f) => f.variable)).toEqual(['y1']);
    expect(b!.dependency).toBe('y0');
    expect(productScale(b!)).toBe(2);
    expect(b!.factors.map((f) => f.variable)).toEqual(['x1']);
    expect([...rule.traces].sort()).toEqual(['x1', 'y1']);
  });

  it("matches Lava's own ProductSeries test (tests/.../learning/test_product_series.py)", () => {
    // Lava stores the scale exponent biased by 7: its test expects s_exp 6 and 8 here.
    const r = parseLearningRuleOrThrow('x0*(-1)*2^-1*y1 + y0*1*2^1*x1');
    expect(r.products.map((p) => [p.dependency, p.mantissa, p.exponent + 7])).toEqual([
      ['x0', -1, 6],
      ['y0', 1, 8],
    ]);
    const u = parseLearningRuleOrThrow('u4*(-1)*2^-1*y1 + y0*1*2^1*x1');
    expect(u.decimateExponent).toBe(4);
    expect(u.products[0]!.dependency).toBe('u');
    expect(parseLearningRule('u4*(-1)*2^-1*y1 + u5*1*2^1*x1').ok).toBe(false);
  });

  it('accepts a bare right-hand side with a target, brackets with constants, sgn, u<k>', () => {
    const rule = parseLearningRuleOrThrow('u2*x1*(y1-3) - 3*2^-2*y0*sgn(w+1)*x0', 'dd');
    expect(rule.target).toBe('dd');
    expect(rule.decimateExponent).toBe(2);
    const [a, b] = rule.products;
    expect(a!.dependency).toBe('u');
    expect(a!.factors[1]).toMatchObject({ variable: 'y1', constant: -3, sgn: false });
    expect([b!.mantissa, b!.exponent]).toEqual([-3, -2]);
    expect(b!.factors[0]).toMatchObject({ variable: 'w', constant: 1, sgn: true });
    // a second x0 in a product is a 0/1 factor
    expect(b!.factors[1]!.variable).toBe('x0');
  });

  it('normalises the scale as Lava does: 16 = 4 * 2^2, (-x1+3) = -(x1-3)', () => {
    const r = parseLearningRuleOrThrow('y0*16*x1');
    expect([r.products[0]!.mantissa, r.products[0]!.exponent]).toEqual([4, 2]);
    const s = parseLearningRuleOrThrow('y0*(-x1+3)');
    expect(s.products[0]!.mantissa).toBe(-1);
    expect(s.products[0]!.factors[0]).toMatchObject({ variable: 'x1', constant: -3 });
  });

  it('reports errors with their offsets and what is allowed', () => {
    const unknown = errorOf('x0*foo');
    expect(unknown.offset).toBe(3);
    expect(unknown.message).toMatch(/unknown symbol 'foo'/);
    expect(unknown.allowed).toContain('y1');
    expect(errorOf('x1*y1 + x0').offset).toBe(0); // no dependency in the first product
    expect(errorOf('x1*y0 + y1*x2').offset).toBe(6); // the second product (from its sign)
    expect(errorOf('x0*(y1').offset).toBe(6);
    expect(errorOf('x0*(y1').message).toMatch(/missing '\)'/);
    expect(errorOf('x0*3^2').offset).toBe(3);
    expect(errorOf('x0*2^-9*y1').message).toMatch(/exponent -9/);
    expect(errorOf('x0*9*y1').message).toMatch(/mantissa 9/);
    expect(errorOf('u1*x1 + u2*y1').offset).toBe(8);
    expect(errorOf('x0*-1*y1').offset).toBe(3);
    expect(errorOf('dx = x0').offset).toBe(0);
    expect(errorOf('x0 & y1').offset).toBe(3);
    expect(errorOf('x0*sgn(x1)').offset).toBe(7);
    expect(errorOf('dw = "x0*y1').message).toMatch(/closing/);
    expect(errorOf('').message).toBe('empty rule');
    expect(() => parseLearningRuleOrThrow('x0*bar')).toThrow(/offset 3: unknown symbol 'bar'/);
  });
});

describe('learning-rule strings: evaluation', () => {
  it('evaluates a rule over the whole matrix, only where the dependency fires', () => {
    const rule = parseLearningRuleOrThrow('y0*2^-1*x1 - x0*y1');
    const nPre = 3;
    const nPost = 2;
    const s = {
      nPre,
      nPost,
      x0: new Uint8Array([0, 1, 0]),
      y0: new Uint8Array([1, 0]),
      x1: new Float32Array([0.5, 1, 2]),
      x2: new Float32Array(3),
      y1: new Float32Array([4, 8]),
      y2: new Float32Array(2),
      y3: new Float32Array(2),
      w: new Float32Array(6),
      d: new Float32Array(6),
      t: new Float32Array(6),
      step: 0,
    };
    const out = new Float32Array(6);
    evaluateRule(rule, s, out);
    // post 0 spiked: row 0 += x1/2 = [0.25, 0.5, 1]; pre 1 spiked: column 1 -= y1 = [4, 8].
    expect([...out]).toEqual([0.25, 0.5 - 4, 1, 0, -8, 0]);
  });

  it('u<k> terms apply every 2^k steps: weight decay u1*(-1)*2^-3*w', () => {
    const w = new Float32Array([1]);
    const eng = new OnChipRule(1, 1, w, { dw: 'u1*(-1)*2^-3*w' });
    const none = new Uint8Array(1);
    for (let t = 0; t < 4; t++) eng.step(none, none);
    expect(w[0]).toBeCloseTo((7 / 8) ** 2, 7); // steps 0 and 2
  });

  it('pair-based STDP written as a rule string gives the same weights as stdp.ts', () => {
    const nPre = 20;
    const nPost = 10;
    const rng = new Rng(5, 0);
    const init = new Float32Array(nPre * nPost);
    for (let q = 0; q < init.length; q++) init[q] = 0.5 + 0.1 * rng.uniform();
    const wA = init.slice();
    const wB = init.slice();
    // A+ = 2^-4, A- = 3*2^-6; windows tau+ = 16.8, tau- = 33.7 steps (1 ms steps).
    const stdp = new PairStdp(nPre, nPost, 1e-3, {
      aPlus: 2 ** -4,
      aMinus: 3 * 2 ** -6,
      wMin: -10,
      wMax: 10,
    });
    const eng = new OnChipRule(nPre, nPost, wB, {
      dw: 'dw = 2^-4*y0*x1 - 3*2^-6*x0*y1',
      x1: { impulse: 1, tau: 16.8 },
      y1: { impulse: 1, tau: 33.7 },
      wMin: -10,
      wMax: 10,
    });
    const pre = new Uint8Array(nPre);
    const post = new Uint8Array(nPost);
    let changed = 0;
    for (let t = 0; t < 300; t++) {
      for (let i = 0; i < nPre; i++) pre[i] = rng.uniform() < 0.05 ? 1 : 0;
      for (let j = 0; j < nPost; j++) post[j] = rng.uniform() < 0.05 ? 1 : 0;
      stdp.step(pre, post, wA);
      eng.step(pre, post);
    }
    let maxDiff = 0;
    for (let q = 0; q < wA.length; q++) {
      maxDiff = Math.max(maxDiff, Math.abs(wA[q]! - wB[q]!));
      if (Math.abs(wA[q]! - init[q]!) > 1e-3) changed++;
    }
    expect(changed).toBeGreaterThan(150); // the rule did something to most synapses
    expect(maxDiff).toBeLessThan(1e-5);
  });
});
