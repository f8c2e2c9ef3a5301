// The store's public surface. The engine host is the single writer of a project's store; other
// processes (a CLI listing runs, a report generator) may open read-only connections alongside it.
import type {
  MetricPoint,
  RunDetail,
  RunOverrides,
  RunStatus,
  RunSummary,
  SweepSummary,
} from '../protocol/schema';

export interface StoreOptions {
  /** Open without write access: no directory creation, no migration, writes fail. */
  readonly?: boolean;
  /** Milliseconds-since-epoch clock for created/started/ended times; tests pin it. */
  now?: () => number;
  /** How long to wait for another connection's lock before SQLITE_BUSY. Default 5000 ms. */
  busyTimeoutMs?: number;
}

export interface CreateRunInput {
  experiment: string;
  sourceFile: string | null;
  seed: number;
  engineVersion: string;
  params: Record<string, string>;
  /** The exact DSL text the run was built from; stored as the run's 'dsl' artifact. */
  dslSnapshot: string;
  tags?: Record<string, string>;
  /** The run overrides (epochs, slices, seed) it was started with; {} when none. */
  overrides?: RunOverrides;
  /** The sweep this run is a point of (the sweep must exist: createSweep first). */
  sweep?: { id: string; index: number };
}

export interface CreateSweepInput {
  id: string;
  experiment: string;
  sourceFile: string | null;
  /** The experiment's DSL as written (before any point's values are patched in). */
  dslSnapshot: string;
  overrides: RunOverrides;
  total: number;
}

/** A recorded sweep: what createSweep stored, and when. */
export interface SweepRecord extends CreateSweepInput {
  createdAt: number;
}

/** One metric of one run as columns, in step order (insertion order within a step). */
export interface MetricColumns {
  steps: Float64Array;
  values: Float64Array;
  timestamps: Float64Array;
}

export interface Artifact {
  name: string;
  mediaType: string;
  /** Text artifacts come back as strings, binary ones as Buffers. */
  content: string | Buffer;
  createdAt: number;
}

export interface Store {
  readonly path: string;
  readonly readonly: boolean;
  /** Returns the experiment's id, creating it on first use. */
  getOrCreateExperiment(name: string): number;
  /** Records a queued run with its params, tags and DSL snapshot; returns the new run id. */
  createRun(input: CreateRunInput): string;
  /** Terminal statuses stamp ended_at, 'queued'/'running' clear it; error is replaced (or cleared). */
  setRunStatus(runId: string, status: RunStatus, error?: string): void;
  /** Appends points in one transaction. Values must be finite and steps integers. */
  logMetrics(runId: string, points: readonly MetricPoint[]): void;
  setTag(runId: string, key: string, value: string): void;
  deleteTag(runId: string, key: string): void;
  setNote(runId: string, note: string): void;
  /** Deletes runs and everything they recorded, in one transaction; returns how many existed. */
  deleteRuns(runIds: readonly string[]): number;
  createSweep(input: CreateSweepInput): void;
  getSweep(sweepId: string): SweepRecord | null;
  /** Every sweep, newest first, with per-status counts and the indices that have no finished run. */
  listSweeps(): SweepSummary[];
  /** Status of each of the runs that exists (unknown ids are left out): existence and state in one query. */
  runStatuses(runIds: readonly string[]): Map<string, RunStatus>;
  /** The metric keys a run has logged. */
  metricKeys(runId: string): string[];
  /** One metric's whole history as typed columns (fast path for charts and reports). */
  metricColumns(runId: string, key: string): MetricColumns;
  putArtifact(runId: string, name: string, content: string | Uint8Array, mediaType: string): void;
  getArtifact(runId: string, name: string): Artifact | null;
  /** Every run, newest first, with params and the latest value of each metric. */
  listRuns(): RunSummary[];
  /** The run with its whole metric history, or without it (metricHistory []) when history is false. */
  getRun(runId: string, options?: { history?: boolean }): RunDetail | null;
  /** Start-up recovery: runs a crash left 'queued' or 'running' become 'interrupted'; returns their ids. */
  markInterrupted(): string[];
  close(): void;
}
