import { describe, expect, it } from 'vitest';
import {
  checkDimension,
  formatQuantity,
  lookupUnit,
  parseQuantity,
  type Quantity,
  resistanceToConductance,
} from '../../engine/ir/units';

function q(text: string): Quantity {
  const r = parseQuantity(text);
  if (!r.ok) throw new Error(r.error);
  return r.quantity;
}

describe('parseQuantity', () => {
  // Each expected value is the SI double written out by hand, compared exactly: the prefix is
  // applied to the decimal text, so 2.5pJ is the double nearest 2.5e-12, not 2.5 * 1e-12.
  it.each([
    ['10fJ', 10e-15, 'energy'],
    ['2.5pJ', 2.5e-12, 'energy'],
    ['1nJ', 1e-9, 'energy'],
    ['2.4GHz', 2.4e9, 'frequency'],
    ['50MHz', 50e6, 'frequency'],
    ['1MΩ', 1e6, 'resistance'],
    ['1MΩ', 1e6, 'resistance'], // U+2126 OHM SIGN
    ['100kOhm', 100e3, 'resistance'],
    ['100kohm', 100e3, 'resistance'],
    ['25uS', 25e-6, 'conductance'],
    ['25µS', 25e-6, 'conductance'], // U+00B5 MICRO SIGN
    ['25μS', 25e-6, 'conductance'], // U+03BC GREEK MU
    ['20nm', 20e-9, 'length'],
    ['300K', 300, 'temperature'],
    ['5ns', 5e-9, 'time'],
    ['1us', 1e-6, 'time'],
    ['3%', 0.03, 'dimensionless'],
    ['0.5mW', 0.5e-3, 'power'],
    ['0.2V', 0.2, 'voltage'],
    ['1TJ', 1e12, 'energy'],
    ['10uA', 10e-6, 'current'],
    ['0.05', 0.05, 'dimensionless'],
    ['1e-6S', 1e-6, 'conductance'],
    ['1.5e3kHz', 1.5e6, 'frequency'],
    [' 10 fJ ', 10e-15, 'energy'],
    ['-0.6', -0.6, 'dimensionless'],
  ])('%s -> %d (%s)', (text, value, dimension) => {
    const r = q(text);
    expect(r.value).toBe(value);
    expect(r.dimension).toBe(dimension);
  });

  it('tells m (metre) from the m prefix, and s (second) from S (siemens)', () => {
    expect(q('2m')).toMatchObject({ value: 2, dimension: 'length' });
    expect(q('2ms')).toMatchObject({ value: 2e-3, dimension: 'time' });
    expect(q('2mm')).toMatchObject({ value: 2e-3, dimension: 'length' });
    expect(q('2mS')).toMatchObject({ value: 2e-3, dimension: 'conductance' });
    expect(q('2Ms')).toMatchObject({ value: 2e6, dimension: 'time' });
  });

  it('rejects unknown units, prefixed %, and non-numbers with a useful message', () => {
    for (const bad of ['10fj', '3k%', '5 parsecs', 'abc', '', '1xS']) {
      const r = parseQuantity(bad);
      expect(r.ok, bad).toBe(false);
    }
    const r = parseQuantity('10fj');
    expect(r.ok === false && r.error).toBe(
      "unknown unit 'fj' in 10fj; known units: J s Hz S Ω/Ohm m K V A W %, with prefixes f p n u/µ m k M G T",
    );
    expect(parseQuantity('1e400J').ok).toBe(false);
  });

  it('looks units up without a number', () => {
    expect(lookupUnit('kOhm')).toEqual({ dimension: 'resistance', exponent: 3 });
    expect(lookupUnit('%')).toEqual({ dimension: 'dimensionless', exponent: -2 });
    expect(lookupUnit('')).toEqual({ dimension: 'dimensionless', exponent: 0 });
    expect(lookupUnit('xS')).toBeNull();
  });
});

describe('checkDimension', () => {
  it('is null on a match and explains a mismatch with the expected unit and an example', () => {
    expect(checkDimension(q('25uS'), 'conductance')).toBeNull();
    expect(checkDimension(q('5ns'), 'conductance')).toBe(
      'expected a conductance (S, e.g. 25uS), got a time (5ns)',
    );
    expect(checkDimension(q('1MΩ'), 'conductance')).toBe(
      'expected a conductance (S, e.g. 25uS), got a resistance (1MΩ)',
    );
    expect(checkDimension(q('10fJ'), 'dimensionless')).toBe(
      'expected a plain number or a percentage (e.g. 0.05 or 5%), got an energy (10fJ)',
    );
  });

  it('converts a resistance to a conductance as G = 1/R', () => {
    expect(resistanceToConductance(q('1MΩ').value)).toBe(1e-6);
    expect(resistanceToConductance(q('100kOhm').value)).toBe(1e-5);
  });
});

describe('formatQuantity', () => {
  it('picks an engineering prefix and trims digits', () => {
    expect(formatQuantity(1e-6, 'conductance')).toBe('1 µS');
    expect(formatQuantity(25e-6, 'conductance')).toBe('25 µS');
    expect(formatQuantity(2.4e9, 'frequency')).toBe('2.4 GHz');
    expect(formatQuantity(20e-9, 'length')).toBe('20 nm');
    expect(formatQuantity(0.2, 'voltage')).toBe('200 mV');
    expect(formatQuantity(300, 'temperature')).toBe('300 K');
    expect(formatQuantity(0, 'energy')).toBe('0 J');
    expect(formatQuantity(0.05, 'dimensionless', { percent: true })).toBe('5%');
    expect(formatQuantity(1.5e-12, 'energy')).toBe('1.5 pJ');
  });
});
