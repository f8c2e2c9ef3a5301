// Pure helpers of the energy views: SI-prefixed joules, the log-axis range of a Pareto plot, and
// an energy report's terms grouped per layer and component for the stacked breakdown.
import type { EnergyTerm, Result } from '../../../engine/protocol/schema';
import { shortId } from '../runs/format';

export type ParetoData = Result<'energy.pareto'>;
export type ParetoRun = ParetoData['runs'][number];
export type ParetoPlatform = ParetoData['platforms'][number];

const PREFIXES: [number, string][] = [
  [1e-24, 'y'],
  [1e-21, 'z'],
  [1e-18, 'a'],
  [1e-15, 'f'],
  [1e-12, 'p'],
  [1e-9, 'n'],
  [1e-6, 'µ'],
  [1e-3, 'm'],
  [1, ''],
  [1e3, 'k'],
];

/** A value with an SI prefix: 8.52e-4 J -> "852 µJ", 9.54e-21 -> "9.54 zJ". */
export function formatSi(value: number, unit = 'J', digits = 3): string {
  if (!Number.isFinite(value)) return `${value} ${unit}`;
  if (value === 0) return `0 ${unit}`;
  const abs = Math.abs(value);
  let chosen = PREFIXES[0]!;
  for (const p of PREFIXES) if (abs >= p[0] * (1 - 1e-9)) chosen = p;
  const scaled = value / chosen[0];
  return `${Number(scaled.toPrecision(digits))} ${chosen[1]}${unit}`;
}

/** Accuracy as a percentage with two decimals. */
export const formatAccuracy = (a: number): string => `${(a * 100).toFixed(2)}%`;

/**
 * The decades a log axis needs to hold every energy (runs, platforms, and the floor), widened
 * to whole SI prefixes (multiples of three decades) with at least 0.3 decade of margin, so no
 * point sits on the frame and both ends carry a label.
 */
export function logRange(energies: readonly number[]): { min: number; max: number } {
  const positive = energies.filter((e) => e > 0 && Number.isFinite(e));
  if (positive.length === 0) return { min: 1e-12, max: 1e-3 };
  const lo = 3 * Math.floor((Math.log10(Math.min(...positive)) - 0.3) / 3);
  const hi = 3 * Math.ceil((Math.log10(Math.max(...positive)) + 0.3) / 3);
  return { min: 10 ** lo, max: 10 ** hi };
}

/**
 * The accuracy axis range: from a round 5% below the lowest point (never under 0) to 100%,
 * so the seed-003 platforms (88 to 99.4%) are not squeezed against the top.
 */
export function accuracyRange(accuracies: readonly number[]): { min: number; max: number } {
  const finite = accuracies.filter((a) => Number.isFinite(a));
  if (finite.length === 0) return { min: 0, max: 1 };
  const lo = Math.max(0, Math.floor((Math.min(...finite) - 0.02) * 20) / 20);
  return { min: lo, max: 1 };
}

/** Runs that can be drawn on a log axis (positive energy). */
export function plottableRuns(runs: readonly ParetoRun[]): ParetoRun[] {
  return runs.filter((r) => r.energyPerClassification > 0 && Number.isFinite(r.accuracy));
}

/** Points that no other point beats on both energy (lower) and accuracy (higher). */
export function paretoFront<T extends { energyPerClassification: number; accuracy: number }>(
  points: readonly T[],
): T[] {
  const sorted = [...points].sort(
    (a, b) => a.energyPerClassification - b.energyPerClassification || b.accuracy - a.accuracy,
  );
  const front: T[] = [];
  let best = Number.NEGATIVE_INFINITY;
  for (const p of sorted) {
    if (p.accuracy > best) {
      front.push(p);
      best = p.accuracy;
    }
  }
  return front;
}

/**
 * The Pareto front of a plot: the runs and platforms no other beats on both accuracy (higher) and
 * energy (lower), cheapest first, each with the label its tooltip shows.
 */
export function frontOf(
  data: Pick<ParetoData, 'runs' | 'platforms'>,
): { energyPerClassification: number; accuracy: number; label: string }[] {
  return paretoFront([
    ...plottableRuns(data.runs).map((r) => ({
      energyPerClassification: r.energyPerClassification,
      accuracy: r.accuracy,
      label: `run ${shortId(r.runId)} (${r.experiment})`,
    })),
    ...data.platforms.map((p) => ({
      energyPerClassification: p.energyPerClassification,
      accuracy: p.accuracy,
      label: p.name,
    })),
  ]);
}

export const COMPONENTS: readonly EnergyTerm['component'][] = [
  'synapse',
  'neuron',
  'adc',
  'dac',
  'write',
  'movement',
  'buffer',
  'static',
];

/** Terms without a layer (routers, static power) are drawn as one bar of this name. */
export const CHIP_LEVEL = '(chip)';

export interface Breakdown {
  /** Bar names, in the report's order of first appearance. */
  layers: string[];
  /** Components that have any energy, in COMPONENTS order. */
  components: EnergyTerm['component'][];
  /** energy[component][layerIndex] in J per classification. */
  energy: Record<string, number[]>;
  /** The terms behind each cell, for the tooltip. */
  terms: Record<string, EnergyTerm[][]>;
  total: number;
}

/** Groups a report's terms per layer (bars) and component (stacks). */
export function breakdown(terms: readonly EnergyTerm[]): Breakdown {
  const layers: string[] = [];
  const index = new Map<string, number>();
  for (const t of terms) {
    const layer = t.layer ?? CHIP_LEVEL;
    if (!index.has(layer)) {
      index.set(layer, layers.length);
      layers.push(layer);
    }
  }
  const energy: Record<string, number[]> = {};
  const cells: Record<string, EnergyTerm[][]> = {};
  for (const c of COMPONENTS) {
    energy[c] = layers.map(() => 0);
    cells[c] = layers.map(() => []);
  }
  let total = 0;
  for (const t of terms) {
    const i = index.get(t.layer ?? CHIP_LEVEL)!;
    energy[t.component]![i]! += t.energy;
    cells[t.component]![i]!.push(t);
    total += t.energy;
  }
  const components = COMPONENTS.filter((c) => energy[c]!.some((e) => e > 0));
  return { layers, components, energy, terms: cells, total };
}

/** One tooltip line of a term: what, count × unit energy = energy, and its source. */
export function describeTerm(t: EnergyTerm): string {
  // A static term is seconds per classification x watts.
  if (t.component === 'static')
    return `${t.what}: ${formatSi(t.count, 's')} × ${formatSi(t.unitEnergy, 'W')} = ${formatSi(t.energy)} (${t.source})`;
  const count = t.count >= 1e4 ? t.count.toExponential(3) : String(Number(t.count.toPrecision(6)));
  return `${t.what}${t.tile ? ` [${t.tile}]` : ''}: ${count} × ${formatSi(t.unitEnergy)} = ${formatSi(t.energy)} (${t.source})`;
}
