// Writes an SI value as .nfab quantity text (`2.5ms`, `-65mV`) that reads back as the same
// double. The DSL applies a prefix to the decimal text (docs/dsl.md, Units: `2.5pJ` is exactly the
// double nearest 2.5e-12), so we shift the decimal point of the shortest round-trip decimal form
// instead of dividing (a division would round a second time).

const PREFIXES: readonly [number, string][] = [
  [0, ''],
  [-3, 'm'],
  [-6, 'u'],
  [-9, 'n'],
  [-12, 'p'],
  [-15, 'f'],
];

/** Decimal text of digits d (d[0].d[1..]) times 10^e, without an exponent. */
function place(digits: string, e: number): string {
  const point = e + 1; // digits before the decimal point
  let s: string;
  if (point <= 0) s = `0.${'0'.repeat(-point)}${digits}`;
  else if (point >= digits.length) s = digits + '0'.repeat(point - digits.length);
  else s = `${digits.slice(0, point)}.${digits.slice(point)}`;
  return s;
}

export function quantityText(value: number, unit: string): string {
  if (!Number.isFinite(value)) throw new RangeError(`cannot write ${value} ${unit} in the DSL`);
  if (value === 0) return `0${unit}`;
  const sign = value < 0 ? '-' : '';
  const [mant = '', expText] = Math.abs(value).toExponential().split('e');
  const digits = mant.replace('.', '');
  const e = Number(expText);
  // The largest prefix not above the value: 2.5e-3 -> m, 0.5 -> none, 3e-16 -> f (0.3f).
  const [p, name] = PREFIXES.find(([pe]) => e >= pe) ?? (PREFIXES.at(-1) as [number, string]);
  return `${sign}${place(digits, e - p)}${name}${unit}`;
}

/** A plain number as DSL text (no exponent; the DSL has none). */
export function numberText(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`cannot write ${value} in the DSL`);
  if (value === 0) return '0';
  const sign = value < 0 ? '-' : '';
  const [mant = '', expText] = Math.abs(value).toExponential().split('e');
  return sign + place(mant.replace('.', ''), Number(expText));
}
