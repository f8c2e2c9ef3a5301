// The readable table of an estimate: one line per term (count x unit energy = energy, source),
// subtotals per component and per layer, the total, latency, and the assumptions.
import type { EnergyReport } from '../protocol/schema';

/** 6.86e-8 J -> "68.6 nJ". */
/**
 * x with at most `decimals` decimals, no trailing zeros and thousands separators: 6859136 ->
 * "6,859,136". Not Intl.NumberFormat: creating one initialises ICU, a fifth of the run time of
 * `neurofab energy`, whose whole process should stay under 100 ms.
 */
/** Counts in reports and the table: at most three decimals, grouped thousands. */
export const fmt = (x: number): string => groupedNumber(x, 3);

export function groupedNumber(x: number, decimals: number): string {
  if (!Number.isFinite(x)) return String(x);
  let [int, frac = ''] = Math.abs(x).toFixed(decimals).split('.');
  frac = frac.replace(/0+$/, '');
  int = int!.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const text = frac ? `${int}.${frac}` : int;
  return x < 0 && text !== '0' ? `-${text}` : text;
}

export function si(x: number, unit: string): string {
  if (x === 0) return `0 ${unit}`;
  const prefixes: [number, string][] = [
    [1, ''],
    [1e-3, 'm'],
    [1e-6, 'µ'],
    [1e-9, 'n'],
    [1e-12, 'p'],
    [1e-15, 'f'],
    [1e-18, 'a'],
    [1e-21, 'z'],
  ];
  const a = Math.abs(x);
  if (a >= 1e3) return `${x.toExponential(3)} ${unit}`;
  const [scale, p] = prefixes.find(([s]) => a >= s) ?? prefixes[prefixes.length - 1]!;
  return `${Number((x / scale).toPrecision(4))} ${p}${unit}`;
}

const num = (x: number) => groupedNumber(x, 2);

/** An area in m² as mm² (from 0.01 mm²) or µm²: "2.03 mm²", "2,030 µm²". */
export function areaText(m2: number): string {
  const mm2 = m2 * 1e6;
  return mm2 >= 0.01
    ? `${Number(mm2.toPrecision(4))} mm²`
    : `${groupedNumber(Number((m2 * 1e12).toPrecision(4)), 3)} µm²`;
}

/** Classifications per second: whole numbers from 100 up, 3 significant digits below. */
const rate = (x: number) => (x >= 100 ? groupedNumber(x, 0) : String(Number(x.toPrecision(3))));

/** The report, with the latency and area terms when the estimator gives them (EnergyEstimate). */
export type FormattableReport = EnergyReport & {
  latencyTerms?: { layer: string; tile: string | null; what: string; time: number }[];
  areaTerms?: { tile: string | null; component: string; what: string; area: number; source: string }[];
};

export function formatReport(r: FormattableReport): string {
  const out: string[] = [];
  out.push(`Energy estimate: network ${r.network} on chip ${r.chip ?? '(none)'}, ${r.counts} counts`);
  out.push('');
  // A static term is seconds x watts (static power x time per classification).
  const rows = r.terms.map((t) => [
    t.layer ?? '-',
    t.tile ?? '-',
    t.component,
    t.component === 'static' ? si(t.count, 's') : num(t.count),
    si(t.unitEnergy, t.component === 'static' ? 'W' : 'J'),
    si(t.energy, 'J'),
    t.what,
  ]);
  const head = ['layer', 'tile', 'component', 'count', 'unit', 'energy', 'what'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 6 ? c : i >= 3 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ');
  out.push(line(head));
  out.push(line(widths.map((w, i) => (i === 6 ? '----' : '-'.repeat(w)))));
  for (const row of rows) out.push(line(row));
  out.push('');
  const total = r.energyPerClassification;
  const share = (e: number) => (total > 0 ? ` (${((100 * e) / total).toFixed(1)}%)` : '');
  const by = (key: (t: EnergyReport['terms'][number]) => string) => {
    const m = new Map<string, number>();
    for (const t of r.terms) m.set(key(t), (m.get(key(t)) ?? 0) + t.energy);
    return [...m.entries()].map(([k, e]) => `${k} ${si(e, 'J')}${share(e)}`).join(', ');
  };
  out.push(`By component: ${by((t) => t.component)}`);
  out.push(`By layer:     ${by((t) => t.layer ?? 'chip')}`);
  out.push(`Total:        ${si(total, 'J')} per classification`);
  out.push(
    `Latency:      ${r.latency === null ? 'not estimated' : `${si(r.latency, 's')}, throughput ${rate(r.throughput ?? 0)} classifications/s`}`,
  );
  for (const t of r.latencyTerms ?? [])
    out.push(`  ${t.layer} (${t.tile ?? '-'}): ${si(t.time, 's')} = ${t.what}`);
  out.push(`Area:         ${r.area === null ? 'not estimated' : areaText(r.area)}`);
  for (const t of r.areaTerms ?? [])
    out.push(`  ${t.tile ?? 'chip'} ${t.component}: ${areaText(t.area)} = ${t.what} [${t.source}]`);
  out.push('');
  out.push('Sources:');
  const sources = [...new Set(r.terms.map((t) => t.source))];
  for (const [i, s] of sources.entries()) out.push(`  [${i + 1}] ${s}`);
  out.push('Assumptions:');
  for (const a of r.assumptions) out.push(`  - ${a}`);
  return out.join('\n');
}
