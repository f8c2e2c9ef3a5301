// Small text helpers for the report page: HTML escaping, SI units, dates, tables.
import { formatWithPrefix, lookupUnit } from '../ir/units';

export function esc(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** An SI value with its unit ('' for none, '%' for a fraction shown as percent). */
export function si(value: number | null | undefined, unit: string): string {
  if (value === null || value === undefined) return '—';
  if (unit === '%') return `${Number((value * 100).toPrecision(4))}%`;
  if (unit === '')
    return Number.isInteger(value) ? value.toLocaleString('en-US') : String(Number(value.toPrecision(4)));
  return formatWithPrefix(value, unit, 4);
}

/** The prefixed unit a chart axis uses for values up to `max` (1.1e-9 J -> nJ, divide by 1e-9). */
export function siScale(max: number, unit: string): { unit: string; factor: number } {
  if (!(max > 0) || !Number.isFinite(max)) return { unit, factor: 1 };
  const prefixed = formatWithPrefix(max, unit).split(' ')[1] ?? unit;
  const exp = lookupUnit(prefixed)?.exponent ?? 0;
  return { unit: prefixed, factor: 10 ** exp };
}

/** A metric value as a reader expects it: accuracies in percent, energies in J, else 4 digits. */
export function metricValue(key: string, value: number): string {
  if (/accuracy|fraction/.test(key)) return si(value, '%');
  if (/energy/.test(key)) return si(value, 'J');
  return si(value, '');
}

/** UTC, to the second: a report is read elsewhere, later. */
export function date(ms: number | null): string {
  if (ms === null) return '—';
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

export function duration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)} s`;
  const m = Math.floor(ms / 60_000);
  if (m < 120) return `${m} min ${Math.round((ms % 60_000) / 1000)} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** A table of already-escaped cell HTML; `numeric` columns are right-aligned. */
export function table(
  head: readonly string[],
  rows: readonly (readonly string[])[],
  numeric: readonly number[] = [],
): string {
  const cls = (i: number) => (numeric.includes(i) ? ' class="num"' : '');
  return [
    '<table>',
    `<thead><tr>${head.map((h, i) => `<th${cls(i)}>${esc(h)}</th>`).join('')}</tr></thead>`,
    '<tbody>',
    ...rows.map((r) => `<tr>${r.map((c, i) => `<td${cls(i)}>${c}</td>`).join('')}</tr>`),
    '</tbody></table>',
  ].join('\n');
}

/** A two-column key/value table (keys escaped here, values already HTML). */
export function keyValues(rows: readonly (readonly [string, string])[]): string {
  return [
    '<table class="kv"><tbody>',
    ...rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${v}</td></tr>`),
    '</tbody></table>',
  ].join('\n');
}
