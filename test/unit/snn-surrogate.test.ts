import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SURROGATE_SLOPE,
  heaviside,
  parseSurrogateKind,
  SURROGATE_KINDS,
  surrogateGrad,
  surrogateGradInto,
  surrogatePrimitive,
} from '../../engine/snn/surrogate';

describe('surrogate gradients', () => {
  it('forward is the Heaviside step of v - th', () => {
    expect(heaviside(-1e-6)).toBe(0);
    expect(heaviside(0)).toBe(1);
    expect(heaviside(0.3)).toBe(1);
  });

  it('defaults are the published slopes', () => {
    expect(DEFAULT_SURROGATE_SLOPE).toEqual({ fast_sigmoid: 25, atan: 2, triangle: 0.3 });
  });

  it('fast sigmoid matches hand values: 1/(25|x|+1)^2', () => {
    expect(surrogateGrad('fast_sigmoid', 0)).toBe(1);
    // x = 0.1: 1/(2.5+1)^2 = 1/12.25
    expect(surrogateGrad('fast_sigmoid', 0.1)).toBeCloseTo(1 / 12.25, 12);
    expect(surrogateGrad('fast_sigmoid', -0.1)).toBeCloseTo(0.0816326530612245, 12);
    // x = 0.2, slope 5: 1/(1+1)^2 = 0.25
    expect(surrogateGrad('fast_sigmoid', 0.2, 5)).toBeCloseTo(0.25, 12);
  });

  it('atan matches hand values: (a/2)/(1+(pi/2 a x)^2)', () => {
    expect(surrogateGrad('atan', 0)).toBe(1);
    // alpha 2, x = 1/pi: u = 1 -> 1/(1+1) = 0.5
    expect(surrogateGrad('atan', 1 / Math.PI)).toBeCloseTo(0.5, 12);
    // alpha 4, x = 0.5/pi: u = 1 -> 2/2 = 1
    expect(surrogateGrad('atan', -0.5 / Math.PI, 4)).toBeCloseTo(1, 12);
  });

  it('triangle matches hand values: 0.3 max(0, 1 - |x|/th)', () => {
    expect(surrogateGrad('triangle', 0)).toBeCloseTo(0.3, 12);
    expect(surrogateGrad('triangle', 0.5)).toBeCloseTo(0.15, 12);
    expect(surrogateGrad('triangle', -0.25)).toBeCloseTo(0.225, 12);
    expect(surrogateGrad('triangle', 1)).toBe(0);
    expect(surrogateGrad('triangle', -3)).toBe(0);
    // threshold 2 widens it: x = 1 -> 0.3 * 0.5
    expect(surrogateGrad('triangle', 1, 0.3, 2)).toBeCloseTo(0.15, 12);
  });

  it('each surrogate is the derivative of its primitive (central differences)', () => {
    const h = 1e-6;
    for (const kind of SURROGATE_KINDS) {
      for (const x of [-0.7, -0.2, -0.03, 0.04, 0.3, 0.9]) {
        const fd = (surrogatePrimitive(kind, x + h) - surrogatePrimitive(kind, x - h)) / (2 * h);
        expect(surrogateGrad(kind, x)).toBeCloseTo(fd, 5);
      }
    }
  });

  it('vectorised form equals the scalar form to float32 precision', () => {
    const x = Float32Array.from([-1.5, -0.4, -0.01, 0, 0.02, 0.5, 2]);
    const out = new Float32Array(x.length);
    for (const kind of SURROGATE_KINDS) {
      surrogateGradInto(kind, x, out, x.length);
      for (let i = 0; i < x.length; i++) {
        expect(out[i]).toBeCloseTo(Math.fround(surrogateGrad(kind, x[i]!)), 6);
      }
    }
  });

  it('parses DSL names', () => {
    expect(parseSurrogateKind('atan')).toBe('atan');
    expect(parseSurrogateKind('sigmoid')).toBeUndefined();
  });
});
