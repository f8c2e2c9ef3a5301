// Units: the one place where text like `2.5pJ`, `1MΩ` or `3%` becomes a number in SI base units.
// The DSL lexer hands quantity literals here; the checker then compares dimensions, so an energy
// can never be used where a time is expected. Plain TypeScript, no Node imports: this module also
// runs in the browser and in the Monaco web worker.

export const DIMENSIONS = [
  'energy',
  'time',
  'frequency',
  'conductance',
  'resistance',
  'length',
  'temperature',
  'voltage',
  'current',
  'power',
  'dimensionless',
] as const;
export type Dimension = (typeof DIMENSIONS)[number];

interface DimensionInfo {
  /** Noun phrase with article, used in messages: "expected a conductance ...". */
  noun: string;
  /** SI base symbol. */
  symbol: string;
  example: string;
}

export const DIMENSION_INFO: Record<Dimension, DimensionInfo> = {
  energy: { noun: 'an energy', symbol: 'J', example: '10fJ' },
  time: { noun: 'a time', symbol: 's', example: '5ns' },
  frequency: { noun: 'a frequency', symbol: 'Hz', example: '2.4GHz' },
  conductance: { noun: 'a conductance', symbol: 'S', example: '25uS' },
  resistance: { noun: 'a resistance', symbol: 'Ω', example: '100kOhm' },
  length: { noun: 'a length', symbol: 'm', example: '20nm' },
  temperature: { noun: 'a temperature', symbol: 'K', example: '300K' },
  voltage: { noun: 'a voltage', symbol: 'V', example: '0.2V' },
  current: { noun: 'a current', symbol: 'A', example: '10uA' },
  power: { noun: 'a power', symbol: 'W', example: '0.5mW' },
  dimensionless: { noun: 'a plain number', symbol: '', example: '0.05 or 5%' },
};

interface UnitInfo {
  dimension: Dimension;
  /** Power of ten from this unit to the SI base (only % is not 0). */
  exponent: number;
  /** Whether SI prefixes may precede it (`%` takes none). */
  prefixable: boolean;
}

/** Unit symbols as written. `Ω` (U+03A9) and `Ω` (U+2126, OHM SIGN) both mean ohm. */
const UNITS: Record<string, UnitInfo> = {
  J: { dimension: 'energy', exponent: 0, prefixable: true },
  s: { dimension: 'time', exponent: 0, prefixable: true },
  Hz: { dimension: 'frequency', exponent: 0, prefixable: true },
  S: { dimension: 'conductance', exponent: 0, prefixable: true },
  Ω: { dimension: 'resistance', exponent: 0, prefixable: true },
  '\u2126': { dimension: 'resistance', exponent: 0, prefixable: true },
  Ohm: { dimension: 'resistance', exponent: 0, prefixable: true },
  ohm: { dimension: 'resistance', exponent: 0, prefixable: true },
  m: { dimension: 'length', exponent: 0, prefixable: true },
  K: { dimension: 'temperature', exponent: 0, prefixable: true },
  V: { dimension: 'voltage', exponent: 0, prefixable: true },
  A: { dimension: 'current', exponent: 0, prefixable: true },
  W: { dimension: 'power', exponent: 0, prefixable: true },
  '%': { dimension: 'dimensionless', exponent: -2, prefixable: false },
};

/** SI prefixes as powers of ten. `u`, `µ` (U+00B5 MICRO SIGN) and `μ` (U+03BC GREEK MU) are micro. */
const PREFIXES: Record<string, number> = {
  f: -15,
  p: -12,
  n: -9,
  u: -6,
  µ: -6,
  μ: -6,
  m: -3,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
};

export const KNOWN_UNITS_HELP = 'J s Hz S Ω/Ohm m K V A W %, with prefixes f p n u/µ m k M G T';

export interface Quantity {
  /** Value in SI base units (3% -> 0.03, 1MΩ -> 1e6). */
  value: number;
  dimension: Dimension;
  /** The unit as written, e.g. 'uS' ('' for a plain number). */
  unit: string;
  /** The literal as written, e.g. '25uS'. */
  text: string;
}

export type QuantityResult = { ok: true; quantity: Quantity } | { ok: false; error: string };

/** The unit part of a literal: SI dimension and power of ten, or null when unknown. */
export function lookupUnit(unit: string): { dimension: Dimension; exponent: number } | null {
  if (unit === '') return { dimension: 'dimensionless', exponent: 0 };
  // An exact symbol wins over prefix + symbol, so `m` is metre, `ms` is millisecond, `mm` millimetre.
  const exact = UNITS[unit];
  if (exact) return { dimension: exact.dimension, exponent: exact.exponent };
  // Prefixes are one UTF-16 unit long (µ and μ are in the BMP).
  const prefix = PREFIXES[unit.slice(0, 1)];
  const base = UNITS[unit.slice(1)];
  if (prefix === undefined || !base || !base.prefixable) return null;
  return { dimension: base.dimension, exponent: base.exponent + prefix };
}

const NUMBER_RE = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:[eE]([+-]?\d+))?/;

/**
 * Parses a literal such as `2.5pJ`, `1MΩ`, `3%`, `1e-6 S` or `0.05` into SI base units.
 * The power of ten is applied to the decimal text, not by multiplying floats, so `2.5pJ` is
 * exactly the double nearest 2.5e-12 (2.5 * 1e-12 would not be).
 */
export function parseQuantity(text: string): QuantityResult {
  const trimmed = text.trim();
  const m = NUMBER_RE.exec(trimmed);
  if (!m) return { ok: false, error: `'${text}' is not a number with a unit (e.g. 25uS, 10fJ, 3%)` };
  const mantissa = m[1] ?? '0';
  const ownExponent = m[2] === undefined ? 0 : Number(m[2]);
  const unit = trimmed.slice(m[0].length).trim();
  const found = lookupUnit(unit);
  if (!found)
    return { ok: false, error: `unknown unit '${unit}' in ${trimmed}; known units: ${KNOWN_UNITS_HELP}` };
  const value = Number(`${mantissa}e${ownExponent + found.exponent}`);
  if (!Number.isFinite(value)) return { ok: false, error: `${trimmed} is out of the representable range` };
  return { ok: true, quantity: { value, dimension: found.dimension, unit, text: trimmed } };
}

/** "a time (5ns)" */
export function describeQuantity(q: Quantity): string {
  return `${DIMENSION_INFO[q.dimension].noun} (${q.text})`;
}

/** "a conductance (S, e.g. 25uS)" */
export function describeDimension(d: Dimension): string {
  const info = DIMENSION_INFO[d];
  if (d === 'dimensionless') return `a plain number or a percentage (e.g. ${info.example})`;
  return `${info.noun} (${info.symbol}, e.g. ${info.example})`;
}

/**
 * Null when `q` has the expected dimension, else a message such as
 * "expected a conductance (S, e.g. 25uS), got a time (5ns)".
 */
export function checkDimension(q: Quantity, expected: Dimension): string | null {
  if (q.dimension === expected) return null;
  return `expected ${describeDimension(expected)}, got ${describeQuantity(q)}`;
}

/** G = 1/R: a resistance given where a conductance is wanted (the checker does this on purpose). */
export function resistanceToConductance(ohms: number): number {
  return 1 / ohms;
}

const DISPLAY_PREFIXES: [number, string][] = [
  [12, 'T'],
  [9, 'G'],
  [6, 'M'],
  [3, 'k'],
  [0, ''],
  [-3, 'm'],
  [-6, 'µ'],
  [-9, 'n'],
  [-12, 'p'],
  [-15, 'f'],
];

/** Shortest readable number: up to 4 significant digits, no trailing zeros. */
function shortNumber(x: number): string {
  return String(Number(x.toPrecision(4)));
}

/** An SI value with the largest prefix not above it: (2.5e-5, 'S') -> "25 µS". */
export function formatWithPrefix(value: number, symbol: string, digits = 4): string {
  if (value === 0 || !Number.isFinite(value)) return `${value} ${symbol}`;
  const exp = Math.floor(Math.log10(Math.abs(value)) + 1e-9);
  for (const [p, name] of DISPLAY_PREFIXES) {
    if (exp >= p) return `${Number((value / 10 ** p).toPrecision(digits))} ${name}${symbol}`;
  }
  return `${value.toExponential(digits - 1)} ${symbol}`;
}

/** Formats an SI value for messages and hovers: 1e-6 S -> "1 µS", 0.03 -> "3%" when asked. */
export function formatQuantity(
  value: number,
  dimension: Dimension,
  opts: { percent?: boolean } = {},
): string {
  if (dimension === 'dimensionless') {
    return opts.percent ? `${shortNumber(value * 100)}%` : shortNumber(value);
  }
  return formatWithPrefix(value, DIMENSION_INFO[dimension].symbol);
}
