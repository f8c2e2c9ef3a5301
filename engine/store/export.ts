// Runs out of the store as files people open elsewhere: CSV (one row per metric point, for
// spreadsheets and pandas) or JSON (each run whole: params, tags, note, overrides, DSL snapshot
// and every metric's history as columns).
import type { RunSummary } from '../protocol/schema';
import { ENGINE_VERSION } from '../version';
import type { Store } from './types';

export type ExportFormat = 'csv' | 'json';

export interface ExportedRuns {
  text: string;
  mediaType: string;
  fileName: string;
}

/** Thrown when asked for runs the store does not have; message names them. */
export class UnknownRunsError extends Error {
  constructor(readonly runIds: string[]) {
    super(
      `No run${runIds.length > 1 ? 's' : ''} ${runIds.slice(0, 5).join(', ')}${runIds.length > 5 ? ` (and ${runIds.length - 5} more)` : ''} in this project.`,
    );
  }
}

/** RFC 4180: fields with a comma, quote or line break are quoted, quotes doubled. */
export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  const s = String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function csvLine(fields: readonly (string | number | null | undefined)[]): string {
  return `${fields.map(csvField).join(',')}\r\n`;
}

/** The runs asked for, in the store's order (newest first); all when runIds is absent. */
export function selectRuns(store: Store, runIds?: readonly string[]): RunSummary[] {
  const runs = store.listRuns();
  if (runIds === undefined) return runs;
  const byId = new Map(runs.map((r) => [r.id, r]));
  const unknown = runIds.filter((id) => !byId.has(id));
  if (unknown.length > 0) throw new UnknownRunsError(unknown);
  const wanted = new Set(runIds);
  return runs.filter((r) => wanted.has(r.id));
}

const CSV_FIXED = ['run_id', 'experiment', 'status', 'key', 'step', 'value', 'timestamp'] as const;

/**
 * One row per metric point: run_id, experiment, status, key, step, value, timestamp (ms since
 * the epoch), then one `param.<name>` and one `tag.<name>` column per name any exported run has
 * (empty where a run lacks it). A run with no metrics still gets one row (empty key/step/value),
 * so its params are not lost.
 */
export function runsToCsv(store: Store, runs: readonly RunSummary[]): string {
  const paramKeys = [...new Set(runs.flatMap((r) => Object.keys(r.params)))].sort();
  const tagKeys = [...new Set(runs.flatMap((r) => Object.keys(r.tags)))].sort();
  const parts: string[] = [
    csvLine([...CSV_FIXED, ...paramKeys.map((k) => `param.${k}`), ...tagKeys.map((k) => `tag.${k}`)]),
  ];
  for (const run of runs) {
    // The run's params and tags close every one of its rows: format them once.
    const tail = [...paramKeys.map((k) => run.params[k]), ...tagKeys.map((k) => run.tags[k])]
      .map((v) => `,${csvField(v)}`)
      .join('');
    const head = `${csvField(run.id)},${csvField(run.experiment)},${run.status}`;
    const keys = store.metricKeys(run.id);
    if (keys.length === 0) parts.push(`${head},,,,${tail}\r\n`);
    for (const key of keys) {
      const k = csvField(key);
      const { steps, values, timestamps } = store.metricColumns(run.id, key);
      for (let i = 0; i < steps.length; i++) {
        parts.push(`${head},${k},${steps[i]},${values[i]},${timestamps[i]}${tail}\r\n`);
      }
    }
  }
  return parts.join('');
}

export interface ExportedRunJson {
  id: string;
  experiment: string;
  status: RunSummary['status'];
  startedAt: number;
  endedAt: number | null;
  sourceFile: string | null;
  seed: number;
  error: string | null;
  params: Record<string, string>;
  tags: Record<string, string>;
  note: string;
  sweepId: string | null;
  sweepIndex: number | null;
  overrides: Record<string, number>;
  dslSnapshot: string | null;
  /** Latest value of each metric. */
  metrics: Record<string, number>;
  /** Every metric's whole history as columns, in step order. */
  history: Record<string, { steps: number[]; values: number[]; timestamps: number[] }>;
}

export function runsToJson(store: Store, runs: readonly RunSummary[], exportedAt: number): string {
  const out: ExportedRunJson[] = [];
  for (const summary of runs) {
    // The history is read below as columns, key by key; the run's own copy would be a second read.
    const run = store.getRun(summary.id, { history: false });
    if (!run) continue; // deleted since the listing
    const history: ExportedRunJson['history'] = {};
    for (const key of store.metricKeys(run.id)) {
      const c = store.metricColumns(run.id, key);
      history[key] = {
        steps: Array.from(c.steps),
        values: Array.from(c.values),
        timestamps: Array.from(c.timestamps),
      };
    }
    out.push({
      id: run.id,
      experiment: run.experiment,
      status: run.status,
      startedAt: run.startedAt,
      endedAt: run.endedAt,
      sourceFile: run.sourceFile,
      seed: run.seed,
      error: run.error,
      params: run.params,
      tags: run.tags,
      note: run.note,
      sweepId: run.sweepId,
      sweepIndex: run.sweepIndex,
      overrides: run.overrides as Record<string, number>,
      dslSnapshot: run.dslSnapshot,
      metrics: run.metrics,
      history,
    });
  }
  return `${JSON.stringify({ format: 'neurofab-runs', version: 1, engineVersion: ENGINE_VERSION, exportedAt, runs: out }, null, 2)}\n`;
}

/** `runs-2026-11-23T1710.csv`: the export's local date and time, safe in every file system. */
export function exportFileName(format: ExportFormat, at: number): string {
  const d = new Date(at);
  const p = (n: number) => String(n).padStart(2, '0');
  return `runs-${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}${p(d.getMinutes())}.${format}`;
}

/** Exports the runs (all when runIds is absent); throws UnknownRunsError for ids not in the store. */
export function exportRuns(
  store: Store,
  format: ExportFormat,
  runIds?: readonly string[],
  now: number = Date.now(),
): ExportedRuns {
  const runs = selectRuns(store, runIds);
  return format === 'csv'
    ? { text: runsToCsv(store, runs), mediaType: 'text/csv', fileName: exportFileName('csv', now) }
    : {
        text: runsToJson(store, runs, now),
        mediaType: 'application/json',
        fileName: exportFileName('json', now),
      };
}
