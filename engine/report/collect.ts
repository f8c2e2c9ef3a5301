// What a report shows, read from the project store: each run with its provenance, metric history,
// energy estimate and elaborated DSL snapshot, and the sweep the runs form (if they form one).
// Pure data: no HTML here, so the page builder and the tests see the same numbers.

import { checkDocument, formatDiagnostic, type ReadFile } from '../dsl';
import { textHash } from '../host/backups';
import { ENERGY_ARTIFACT } from '../host/runs';
import { applySweepPoint } from '../host/sweep';
import type { ElaboratedModel, Experiment } from '../ir/model';
import { type EnergyReport, EnergyReportSchema, type RunDetail } from '../protocol/schema';
import type { Store } from '../store';
import { downsampleColumns } from '../store/series';

/** Points per curve in a chart: more add bytes to the file and nothing a reader can see. */
export const MAX_CURVE_POINTS = 400;

export interface Curve {
  key: string;
  steps: number[];
  values: number[];
  /** Points in the store before downsampling. */
  total: number;
}

export interface Architecture {
  model: ElaboratedModel;
  /** The run's experiment in the snapshot (by name), or null when the snapshot lacks it. */
  experiment: Experiment | null;
  /** Checker errors, formatted (an import missing from the project, say). */
  errors: string[];
}

export interface ReportRun {
  run: RunDetail;
  /** sha256 of the DSL snapshot (hex), or null when the run has none. */
  dslHash: string | null;
  /**
   * An earlier run of the same report with the same snapshot: its chips, network and schematic are
   * not repeated (a sweep point's devices and neurons are, with the point's values).
   */
  sameDslAs: string | null;
  architecture: Architecture | null;
  curves: Curve[];
  energy: EnergyReport | null;
  /** Set when the stored energy artifact could not be read. */
  energyError: string | null;
  /** The sweep point's values by swept path (`spin_res.program_noise` -> `0.1%`). */
  sweepPoint: Record<string, string>;
}

export interface SweepGroup {
  id: string;
  /** Swept paths, in the order of the first run's params. */
  paths: string[];
  /** The report's runs of this sweep, ordered by sweep index. */
  runs: ReportRun[];
  /** Points in the sweep's grid as the store recorded it; null for runs older than sweep records. */
  total: number | null;
}

export interface ReportData {
  runs: ReportRun[];
  /** Sweeps with at least two of the report's runs. */
  sweeps: SweepGroup[];
  generatedAt: number;
}

export class ReportInputError extends Error {}

/** sha256 of a text's UTF-8 bytes (hex): the same hash the editor uses to notice outside edits. */
export { textHash as sha256 } from '../host/backups';

/** Each metric of a run, read as columns and LTTB-downsampled (the whole history never loads). */
export function curvesOf(store: Store, runId: string, maxPoints = MAX_CURVE_POINTS): Curve[] {
  return store.metricKeys(runId).map((key) => {
    const cols = store.metricColumns(runId, key);
    const kept = downsampleColumns(cols, maxPoints);
    return { key, steps: Array.from(kept.steps), values: Array.from(kept.values), total: cols.steps.length };
  });
}

function readEnergy(store: Store, runId: string): { energy: EnergyReport | null; error: string | null } {
  const a = store.getArtifact(runId, ENERGY_ARTIFACT);
  if (!a) return { energy: null, error: null };
  try {
    const text = typeof a.content === 'string' ? a.content : a.content.toString('utf8');
    return { energy: EnergyReportSchema.parse(JSON.parse(text)), error: null };
  } catch (err) {
    return { energy: null, error: `the stored energy estimate is unreadable: ${(err as Error).message}` };
  }
}

/**
 * Elaborates a snapshot as the checker does for the editor; imports come from the project. A sweep
 * point's values are written into the texts the way the run manager does (engine/host/sweep.ts):
 * the snapshot holds the patched main file, but a swept device declared in an imported file was
 * patched there, and the project's copy of that file is unpatched.
 */
export function elaborate(
  run: RunDetail,
  readFile: ReadFile,
  point: Record<string, string>,
): Architecture | null {
  if (!run.dslSnapshot) return null;
  const file = run.sourceFile ?? 'snapshot.nfab';
  const read = new Map<string, string>([[file, run.dslSnapshot]]);
  const recording: ReadFile = (p) => {
    const text = readFile(p);
    if (text !== null) read.set(p, text);
    return text;
  };
  let result = checkDocument(file, run.dslSnapshot, { readFile: recording });
  const errors: string[] = [];
  const assignments = Object.entries(point).map(([path, text]) => {
    const [target, ...field] = path.split('.');
    return { target: target!, field: field.join('.'), value: text, text };
  });
  if (assignments.length > 0) {
    try {
      const patched = applySweepPoint(read, { index: run.sweepIndex ?? 0, assignments });
      result = checkDocument(file, patched.get(file)!, { readFile: (p) => patched.get(p) ?? readFile(p) });
    } catch (err) {
      errors.push(
        `the sweep point could not be applied (the tables show the DSL as written): ${(err as Error).message}`,
      );
    }
  }
  return {
    model: result.model,
    experiment: result.model.experiments.find((e) => e.name === run.experiment) ?? null,
    errors: [...errors, ...result.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic)],
  };
}

function sweepPointOf(run: RunDetail): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(run.params)) if (k.startsWith('sweep.')) out[k.slice(6)] = v;
  return out;
}

/** The sweep a run belongs to: the store's sweep id, else the `sweep` tag older runs carry. */
function sweepIdOf(run: RunDetail): string | null {
  return run.sweepId ?? run.tags.sweep ?? null;
}

function groupSweeps(store: Store, runs: ReportRun[]): SweepGroup[] {
  const groups = new Map<string, ReportRun[]>();
  for (const r of runs) {
    const id = sweepIdOf(r.run);
    if (id === null || Object.keys(r.sweepPoint).length === 0) continue;
    const list = groups.get(id) ?? [];
    if (list.length === 0) groups.set(id, list);
    list.push(r);
  }
  const out: SweepGroup[] = [];
  for (const [id, list] of groups) {
    if (list.length < 2) continue;
    // The tag is 1-based ("2/5"); sweepIndex is 0-based.
    const index = (r: ReportRun) =>
      r.run.sweepIndex ?? (Number.parseInt(r.run.tags.sweep_point?.split('/')[0] ?? '', 10) || 1) - 1;
    list.sort((a, b) => index(a) - index(b));
    out.push({
      id,
      paths: Object.keys(list[0]!.sweepPoint),
      runs: list,
      total: store.getSweep(id)?.total ?? null,
    });
  }
  return out;
}

/**
 * Reads everything a report of `runIds` shows. Unknown ids are an error naming them (a report of
 * fewer runs than asked for would mislead); duplicates are dropped. Async only to yield between
 * runs: the engine host runs this on its event loop, and a run's history can be long. Each run's
 * full metric history is dropped once its curves are downsampled, so memory stays at one run's.
 */
export async function collectReport(
  store: Store,
  runIds: readonly string[],
  readFile: ReadFile,
  now: () => number = Date.now,
): Promise<ReportData> {
  const ids = [...new Set(runIds)];
  if (ids.length === 0) throw new ReportInputError('Give at least one run id.');
  const seen = new Map<string, string>();
  const runs: ReportRun[] = [];
  const missing: string[] = [];
  for (const id of ids) {
    const r = store.getRun(id, { history: false });
    if (!r) {
      missing.push(id);
      continue;
    }
    if (missing.length > 0) continue;
    const dslHash = r.dslSnapshot === null ? null : textHash(r.dslSnapshot);
    const sameDslAs = dslHash !== null ? (seen.get(dslHash) ?? null) : null;
    if (dslHash !== null && sameDslAs === null) seen.set(dslHash, r.id);
    const { energy, error } = readEnergy(store, r.id);
    const sweepPoint = sweepPointOf(r);
    runs.push({
      run: r,
      dslHash,
      sameDslAs,
      // A later point of the same sweep differs only in the swept values: its tables are shown.
      architecture:
        sameDslAs === null || Object.keys(sweepPoint).length > 0 ? elaborate(r, readFile, sweepPoint) : null,
      curves: curvesOf(store, r.id),
      energy,
      energyError: error,
      sweepPoint,
    });
    await new Promise((resolve) => setImmediate(resolve));
  }
  if (missing.length > 0) {
    throw new ReportInputError(
      `No run ${missing.join(', ')} in this project (\`neurofab runs list\` shows the run ids).`,
    );
  }
  return { runs, sweeps: groupSweeps(store, runs), generatedAt: now() };
}
