// The runs table's search, filter and sort, as pure functions over RunSummary (unit-tested in
// test/unit/analysis-query.test.ts). Free text matches id, experiment, params, tags and note;
// a filter is clauses `key op value` joined by `and` or commas, e.g. `test_accuracy > 0.9,
// program_noise <= 1%`, where key is a metric, a param (or the end of one: `program_noise` finds
// `sweep.spin_res.program_noise`), a tag, or status / experiment / id / seed.
import type { RunSummary } from '../../../engine/protocol/schema';

export type Op = '>' | '>=' | '<' | '<=' | '=' | '!=' | '~';
export interface Clause {
  key: string;
  op: Op;
  value: string;
}

const CLAUSE = /^\s*([A-Za-z_][\w.]*)\s*(>=|<=|!=|==|=|>|<|~)\s*(.+?)\s*$/;

/** Parses a filter; an unreadable clause is an error naming it and what is allowed. */
export function parseFilter(text: string): { clauses: Clause[]; error: string | null } {
  const clauses: Clause[] = [];
  for (const part of text.split(/,|\band\b/i)) {
    if (!part.trim()) continue;
    const m = CLAUSE.exec(part);
    if (!m) {
      return {
        clauses,
        error: `"${part.trim()}" is not a filter: write key op value, op one of > >= < <= = != ~ (e.g. test_accuracy > 0.9)`,
      };
    }
    const op = (m[2] === '==' ? '=' : m[2]) as Op;
    clauses.push({ key: m[1]!, op, value: m[3]!.replace(/^["']|["']$/g, '') });
  }
  return { clauses, error: null };
}

/** A DSL-ish number: `0.05`, `5%` (0.05), `1e-3`; null when the text is not one. */
export function toNumber(v: string | number | undefined | null): number | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  const s = v.trim();
  if (!s) return null;
  const pct = s.endsWith('%');
  const n = Number(pct ? s.slice(0, -1) : s);
  if (!Number.isFinite(n)) return null;
  return pct ? n / 100 : n;
}

/** The value a key names on a run: metric, then param (exact, then by suffix), tag, fixed fields. */
export function runValue(run: RunSummary, key: string): string | number | undefined {
  if (key in run.metrics) return run.metrics[key];
  if (key in run.params) return run.params[key];
  const suffix = Object.keys(run.params).find((k) => k.endsWith(`.${key}`));
  if (suffix) return run.params[suffix];
  if (run.tags && key in run.tags) return run.tags[key];
  switch (key) {
    case 'status':
      return run.status;
    case 'experiment':
      return run.experiment;
    case 'id':
      return run.id;
    case 'seed':
      return run.seed;
    case 'note':
      return run.note;
    default:
      return undefined;
  }
}

function test(actual: string | number | undefined, op: Op, expected: string): boolean {
  if (actual === undefined) return false;
  if (op === '~') return String(actual).toLowerCase().includes(expected.toLowerCase());
  const a = toNumber(actual);
  const b = toNumber(expected);
  const cmp =
    a !== null && b !== null
      ? Math.sign(a - b)
      : String(actual).localeCompare(expected, undefined, { sensitivity: 'base' });
  switch (op) {
    case '>':
      return cmp > 0;
    case '>=':
      return cmp >= 0;
    case '<':
      return cmp < 0;
    case '<=':
      return cmp <= 0;
    case '=':
      return cmp === 0;
    case '!=':
      return cmp !== 0;
  }
}

export function matchesSearch(run: RunSummary, search: string): boolean {
  const needles = search.toLowerCase().split(/\s+/).filter(Boolean);
  if (needles.length === 0) return true;
  const hay = [
    run.id,
    run.experiment,
    run.note ?? '',
    ...Object.entries(run.params).map(([k, v]) => `${k}=${v}`),
    ...Object.entries(run.tags ?? {}).map(([k, v]) => `${k}=${v}`),
  ]
    .join('\n')
    .toLowerCase();
  return needles.every((n) => hay.includes(n));
}

export function matchesClauses(run: RunSummary, clauses: readonly Clause[]): boolean {
  return clauses.every((c) => test(runValue(run, c.key), c.op, c.value));
}

export type SortKey = { column: string; descending: boolean };

/** Column value for sorting: numbers as numbers, everything else as text; missing sorts last. */
export function sortValue(run: RunSummary, column: string): string | number | undefined {
  switch (column) {
    case 'started':
      return run.startedAt;
    case 'duration':
      return run.endedAt === null ? undefined : run.endedAt - run.startedAt;
    case 'sweep':
      return sweepPoint(run.params) || undefined;
    default: {
      const v = runValue(run, column);
      const n = toNumber(v);
      return n ?? v;
    }
  }
}

export function compareRuns(a: RunSummary, b: RunSummary, sort: SortKey): number {
  const va = sortValue(a, sort.column);
  const vb = sortValue(b, sort.column);
  if (va === undefined || vb === undefined) return va === vb ? 0 : va === undefined ? 1 : -1;
  const c =
    typeof va === 'number' && typeof vb === 'number'
      ? va - vb
      : String(va).localeCompare(String(vb), undefined, { numeric: true });
  return sort.descending ? -c : c;
}

/** `rpu_gv.up_down=0.05`: the values that tell a sweep's runs apart (params `sweep.<device>.<field>`). */
export function sweepPoint(params: Record<string, string>): string {
  return Object.entries(params)
    .filter(([k]) => k.startsWith('sweep.'))
    .map(([k, v]) => `${k.slice('sweep.'.length)}=${v}`)
    .join(' ');
}

export type TableItem =
  | { kind: 'run'; run: RunSummary }
  | { kind: 'sweep'; sweepId: string; runs: RunSummary[] };

/**
 * Runs in sorted order, a sweep's runs gathered under one item placed where its first run sorts
 * (so sorting by accuracy puts the best sweep on top, with its points sorted inside).
 */
export function groupBySweep(sorted: readonly RunSummary[]): TableItem[] {
  const items: TableItem[] = [];
  const bySweep = new Map<string, { kind: 'sweep'; sweepId: string; runs: RunSummary[] }>();
  for (const run of sorted) {
    if (!run.sweepId) {
      items.push({ kind: 'run', run });
      continue;
    }
    let group = bySweep.get(run.sweepId);
    if (!group) {
      group = { kind: 'sweep', sweepId: run.sweepId, runs: [] };
      bySweep.set(run.sweepId, group);
      items.push(group);
    }
    group.runs.push(run);
  }
  return items;
}

/** Param keys whose values differ between the runs (the axes worth plotting), sweep params first. */
export function varyingParams(runs: readonly RunSummary[]): string[] {
  const keys = new Set(runs.flatMap((r) => Object.keys(r.params)));
  const out = [...keys].filter((k) => new Set(runs.map((r) => r.params[k] ?? '')).size > 1);
  return out.sort(
    (a, b) => Number(b.startsWith('sweep.')) - Number(a.startsWith('sweep.')) || a.localeCompare(b),
  );
}

/** Metric keys every one of the runs has. */
export function commonMetrics(runs: readonly RunSummary[]): string[] {
  if (runs.length === 0) return [];
  const [first, ...rest] = runs;
  return Object.keys(first!.metrics)
    .filter((k) => rest.every((r) => k in r.metrics))
    .sort();
}

/** Axis numbers short enough to read: 1.8e-9 rather than 0.0000000018. */
export function compactNumber(v: number): string {
  if (v === 0 || !Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a < 1e-3 || a >= 1e7) return v.toExponential(1);
  return Number(v.toPrecision(4)).toLocaleString('en-US', { maximumFractionDigits: 6 });
}
