// The SQLite-backed Store. Synchronous like better-sqlite3: the host calls it from its event loop
// and each call is short (statements are prepared once, batches run in one transaction).
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import {
  type MetricPoint,
  type RunDetail,
  type RunOverrides,
  type RunStatus,
  RunStatusSchema,
  type RunSummary,
  type SweepSummary,
} from '../protocol/schema';
import { StoreError } from './errors';
import type { Artifact, CreateRunInput, CreateSweepInput, MetricColumns, Store, SweepRecord } from './types';

/** Name and media type of the artifact every run gets: the DSL text it was built from. */
export const DSL_ARTIFACT = 'dsl';
export const DSL_MEDIA_TYPE = 'text/x-nfab';

const RUN_STATUSES: readonly RunStatus[] = RunStatusSchema.options;
const TERMINAL: ReadonlySet<RunStatus> = new Set(['finished', 'failed', 'interrupted', 'cancelled']);
const INTERRUPTED_MESSAGE = 'The engine stopped before this run finished.';

interface SummaryRow {
  id: string;
  experiment: string;
  status: RunStatus;
  startedAt: number;
  endedAt: number | null;
  sourceFile: string | null;
  seed: number;
  engineVersion: string;
  error: string | null;
  params: string;
  metrics: string;
  tags: string;
  note: string;
  sweepId: string | null;
  sweepIndex: number | null;
}

interface SweepRow {
  id: string;
  experiment: string;
  sourceFile: string | null;
  dslSnapshot: string;
  overrides: string;
  total: number;
  createdAt: number;
}

// One query for the whole list: params, tags and latest metrics come back as JSON objects built
// by correlated subqueries (indexed lookups), so listing N runs is not N+1 round trips.
const SUMMARY_SELECT = `
  SELECT r.id, e.name AS experiment, r.status, r.started_at AS startedAt, r.ended_at AS endedAt,
         r.source_file AS sourceFile, r.seed, r.engine_version AS engineVersion, r.error, r.note,
         r.sweep_id AS sweepId, r.sweep_index AS sweepIndex,
         (SELECT json_group_object(key, value) FROM params WHERE run_id = r.id) AS params,
         (SELECT json_group_object(key, value) FROM tags WHERE run_id = r.id) AS tags,
         (SELECT json_group_object(key, value) FROM latest_metrics WHERE run_id = r.id) AS metrics
  FROM runs r JOIN experiments e ON e.id = r.experiment_id`;

const SWEEP_SELECT = `
  SELECT s.id, e.name AS experiment, s.source_file AS sourceFile, s.dsl AS dslSnapshot,
         s.overrides, s.total, s.created_at AS createdAt
  FROM sweeps s JOIN experiments e ON e.id = s.experiment_id`;

function toSweep(row: SweepRow): SweepRecord {
  return { ...row, overrides: JSON.parse(row.overrides) as RunOverrides };
}

function toSummary(row: SummaryRow): RunSummary {
  return {
    id: row.id,
    experiment: row.experiment,
    status: row.status,
    startedAt: row.startedAt,
    endedAt: row.endedAt,
    sourceFile: row.sourceFile,
    seed: row.seed,
    engineVersion: row.engineVersion,
    metrics: JSON.parse(row.metrics) as Record<string, number>,
    params: JSON.parse(row.params) as Record<string, string>,
    error: row.error,
    tags: JSON.parse(row.tags) as Record<string, string>,
    note: row.note,
    sweepId: row.sweepId,
    sweepIndex: row.sweepIndex,
  };
}

/** Whether the store takes a metric point (finite value and timestamp, integer step). */
export function isStorablePoint(p: MetricPoint): boolean {
  return Number.isFinite(p.value) && Number.isSafeInteger(p.step) && Number.isFinite(p.timestamp);
}

function checkPoint(runId: string, p: MetricPoint): void {
  if (isStorablePoint(p)) return;
  if (!Number.isFinite(p.value)) {
    // SQLite would store NaN as NULL and the protocol schema rejects non-finite numbers.
    throw new StoreError(
      'INVALID_METRIC',
      `Metric "${p.key}" of run ${runId} at step ${p.step} is ${p.value}.`,
    );
  }
  if (!Number.isSafeInteger(p.step)) {
    throw new StoreError(
      'INVALID_METRIC',
      `Metric "${p.key}" of run ${runId} has non-integer step ${p.step}.`,
    );
  }
  if (!Number.isFinite(p.timestamp)) {
    throw new StoreError('INVALID_METRIC', `Metric "${p.key}" of run ${runId} has timestamp ${p.timestamp}.`);
  }
}

/** For each key in a batch, the point latest_metrics should end up with (highest step, last wins). */
function latestByKey(points: readonly MetricPoint[]): MetricPoint[] {
  const latest = new Map<string, MetricPoint>();
  for (const p of points) {
    const cur = latest.get(p.key);
    if (!cur || p.step >= cur.step) latest.set(p.key, p);
  }
  return [...latest.values()];
}

// Write transactions use BEGIN IMMEDIATE: a deferred one that reads first and then tries to write
// while another connection writes fails with SQLITE_BUSY at once, without honouring busy_timeout.
export class SqliteStore implements Store {
  private readonly stmt;
  private open = true;

  constructor(
    private readonly db: Database.Database,
    readonly path: string,
    readonly readonly: boolean,
    private readonly now: () => number,
  ) {
    this.stmt = {
      findExperiment: db.prepare<[string], { id: number }>('SELECT id FROM experiments WHERE name = ?'),
      insertExperiment: db.prepare<[string, number]>(
        'INSERT INTO experiments (name, created_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING',
      ),
      runExists: db.prepare<[string], { one: 1 }>('SELECT 1 AS one FROM runs WHERE id = ?'),
      insertRun: db.prepare(
        `INSERT INTO runs (id, experiment_id, status, started_at, source_file, seed, engine_version,
                           overrides, sweep_id, sweep_index)
         VALUES (@id, @experimentId, 'queued', @startedAt, @sourceFile, @seed, @engineVersion,
                 @overrides, @sweepId, @sweepIndex)`,
      ),
      insertParam: db.prepare<[string, string, string]>(
        'INSERT INTO params (run_id, key, value) VALUES (?, ?, ?)',
      ),
      upsertTag: db.prepare<[string, string, string]>(
        `INSERT INTO tags (run_id, key, value) VALUES (?, ?, ?)
         ON CONFLICT (run_id, key) DO UPDATE SET value = excluded.value`,
      ),
      upsertArtifact: db.prepare<[string, string, string, string | Uint8Array, number]>(
        `INSERT INTO artifacts (run_id, name, media_type, content, created_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (run_id, name) DO UPDATE
           SET media_type = excluded.media_type, content = excluded.content, created_at = excluded.created_at`,
      ),
      getArtifact: db.prepare<
        [string, string],
        { name: string; mediaType: string; content: string | Buffer; createdAt: number }
      >(
        `SELECT name, media_type AS mediaType, content, created_at AS createdAt
         FROM artifacts WHERE run_id = ? AND name = ?`,
      ),
      setStatus: db.prepare<[RunStatus, number | null, string | null, string]>(
        'UPDATE runs SET status = ?, ended_at = ?, error = ? WHERE id = ?',
      ),
      insertMetric: db.prepare<[string, string, number, number, number]>(
        'INSERT INTO metrics (run_id, key, value, step, timestamp) VALUES (?, ?, ?, ?, ?)',
      ),
      upsertLatest: db.prepare<[string, string, number, number, number]>(
        `INSERT INTO latest_metrics (run_id, key, value, step, timestamp) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (run_id, key) DO UPDATE
           SET value = excluded.value, step = excluded.step, timestamp = excluded.timestamp
           WHERE excluded.step >= latest_metrics.step`,
      ),
      listRuns: db.prepare<[], SummaryRow>(`${SUMMARY_SELECT} ORDER BY r.started_at DESC, r.rowid DESC`),
      getSummary: db.prepare<[string], SummaryRow>(`${SUMMARY_SELECT} WHERE r.id = ?`),
      metricHistory: db.prepare<[string], MetricPoint>(
        'SELECT key, value, step, timestamp FROM metrics WHERE run_id = ? ORDER BY step, rowid',
      ),
      overrides: db.prepare<[string], { overrides: string }>('SELECT overrides FROM runs WHERE id = ?'),
      deleteTag: db.prepare<[string, string]>('DELETE FROM tags WHERE run_id = ? AND key = ?'),
      setNote: db.prepare<[string, string]>('UPDATE runs SET note = ? WHERE id = ?'),
      // Ids travel as one JSON array, so deleting 10 000 runs is one statement (no variable limit).
      deleteRuns: db.prepare<[string]>('DELETE FROM runs WHERE id IN (SELECT value FROM json_each(?))'),
      insertSweep: db.prepare(
        `INSERT INTO sweeps (id, experiment_id, source_file, dsl, overrides, total, created_at)
         VALUES (@id, @experimentId, @sourceFile, @dsl, @overrides, @total, @createdAt)`,
      ),
      getSweep: db.prepare<[string], SweepRow>(`${SWEEP_SELECT} WHERE s.id = ?`),
      listSweeps: db.prepare<[], SweepRow>(`${SWEEP_SELECT} ORDER BY s.created_at DESC, s.rowid DESC`),
      // Per point of every sweep: the newest run's status, and whether any run of it finished.
      sweepPoints: db.prepare<
        [],
        { sweepId: string; sweepIndex: number; status: RunStatus; anyFinished: 0 | 1 }
      >(
        `SELECT sweepId, sweepIndex, status, anyFinished FROM (
           SELECT sweep_id AS sweepId, sweep_index AS sweepIndex, status,
                  row_number() OVER (PARTITION BY sweep_id, sweep_index
                                     ORDER BY started_at DESC, rowid DESC) AS newest,
                  max(status = 'finished') OVER (PARTITION BY sweep_id, sweep_index) AS anyFinished
           FROM runs WHERE sweep_id IS NOT NULL
         ) WHERE newest = 1`,
      ),
      runStatuses: db.prepare<[string], { id: string; status: RunStatus }>(
        'SELECT id, status FROM runs WHERE id IN (SELECT value FROM json_each(?))',
      ),
      metricKeys: db.prepare<[string], { key: string }>(
        'SELECT key FROM latest_metrics WHERE run_id = ? ORDER BY key',
      ),
      metricCount: db.prepare<[string, string], { n: number }>(
        'SELECT count(*) AS n FROM metrics WHERE run_id = ? AND key = ?',
      ),
      metricColumns: db
        .prepare<[string, string], [number, number, number]>(
          'SELECT step, value, timestamp FROM metrics WHERE run_id = ? AND key = ? ORDER BY step, rowid',
        )
        .raw(true),
      markInterrupted: db
        .prepare<[number, string], string>(
          `UPDATE runs SET status = 'interrupted', ended_at = ?, error = COALESCE(error, ?)
           WHERE status IN ('queued', 'running') RETURNING id`,
        )
        .pluck(),
    };
  }

  getOrCreateExperiment(name: string): number {
    // Insert-or-ignore first, so two connections creating the same experiment cannot collide.
    this.stmt.insertExperiment.run(name, this.now());
    return this.stmt.findExperiment.get(name)!.id;
  }

  createRun(input: CreateRunInput): string {
    const id = randomUUID();
    const startedAt = this.now();
    this.db
      .transaction(() => {
        const experimentId = this.getOrCreateExperiment(input.experiment);
        this.stmt.insertRun.run({
          id,
          experimentId,
          startedAt,
          sourceFile: input.sourceFile,
          seed: input.seed,
          engineVersion: input.engineVersion,
          overrides: JSON.stringify(input.overrides ?? {}),
          sweepId: input.sweep?.id ?? null,
          sweepIndex: input.sweep?.index ?? null,
        });
        for (const [k, v] of Object.entries(input.params)) this.stmt.insertParam.run(id, k, v);
        for (const [k, v] of Object.entries(input.tags ?? {})) this.stmt.upsertTag.run(id, k, v);
        this.stmt.upsertArtifact.run(id, DSL_ARTIFACT, DSL_MEDIA_TYPE, input.dslSnapshot, startedAt);
      })
      .immediate();
    return id;
  }

  setRunStatus(runId: string, status: RunStatus, error?: string): void {
    const endedAt = TERMINAL.has(status) ? this.now() : null;
    const changed = this.stmt.setStatus.run(status, endedAt, error ?? null, runId).changes;
    if (changed === 0) throw this.noRun(runId);
  }

  logMetrics(runId: string, points: readonly MetricPoint[]): void {
    for (const p of points) checkPoint(runId, p);
    this.db
      .transaction(() => {
        this.requireRun(runId);
        const insert = this.stmt.insertMetric;
        // Timestamps are whole milliseconds in the schema.
        for (const p of points) insert.run(runId, p.key, p.value, p.step, Math.round(p.timestamp));
        for (const p of latestByKey(points)) {
          this.stmt.upsertLatest.run(runId, p.key, p.value, p.step, Math.round(p.timestamp));
        }
      })
      .immediate();
  }

  setTag(runId: string, key: string, value: string): void {
    this.db
      .transaction(() => {
        this.requireRun(runId);
        this.stmt.upsertTag.run(runId, key, value);
      })
      .immediate();
  }

  deleteTag(runId: string, key: string): void {
    this.db
      .transaction(() => {
        this.requireRun(runId);
        this.stmt.deleteTag.run(runId, key);
      })
      .immediate();
  }

  setNote(runId: string, note: string): void {
    if (this.stmt.setNote.run(note, runId).changes === 0) throw this.noRun(runId);
  }

  deleteRuns(runIds: readonly string[]): number {
    if (runIds.length === 0) return 0;
    // ON DELETE CASCADE (foreign_keys is on) removes params, metrics, tags and artifacts with
    // each run, inside this one statement's transaction.
    return this.db
      .transaction(() => this.stmt.deleteRuns.run(JSON.stringify([...new Set(runIds)])).changes)
      .immediate();
  }

  createSweep(input: CreateSweepInput): void {
    this.db
      .transaction(() => {
        this.stmt.insertSweep.run({
          id: input.id,
          experimentId: this.getOrCreateExperiment(input.experiment),
          sourceFile: input.sourceFile,
          dsl: input.dslSnapshot,
          overrides: JSON.stringify(input.overrides),
          total: input.total,
          createdAt: this.now(),
        });
      })
      .immediate();
  }

  getSweep(sweepId: string): SweepRecord | null {
    const row = this.stmt.getSweep.get(sweepId);
    return row ? toSweep(row) : null;
  }

  listSweeps(): SweepSummary[] {
    return this.db.transaction((): SweepSummary[] => {
      const points = new Map<string, { status: RunStatus; index: number; finished: boolean }[]>();
      for (const p of this.stmt.sweepPoints.all()) {
        let list = points.get(p.sweepId);
        if (!list) {
          list = [];
          points.set(p.sweepId, list);
        }
        list.push({ status: p.status, index: p.sweepIndex, finished: p.anyFinished === 1 });
      }
      return this.stmt.listSweeps.all().map((row) => {
        const counts = Object.fromEntries(RUN_STATUSES.map((st) => [st, 0])) as Record<RunStatus, number>;
        const done = new Set<number>();
        for (const p of points.get(row.id) ?? []) {
          counts[p.status]++;
          if (p.finished) done.add(p.index);
        }
        const missing: number[] = [];
        for (let i = 0; i < row.total; i++) if (!done.has(i)) missing.push(i);
        return {
          id: row.id,
          experiment: row.experiment,
          sourceFile: row.sourceFile,
          createdAt: row.createdAt,
          total: row.total,
          counts,
          missing,
        };
      });
    })();
  }

  runStatuses(runIds: readonly string[]): Map<string, RunStatus> {
    const out = new Map<string, RunStatus>();
    if (runIds.length === 0) return out;
    for (const r of this.stmt.runStatuses.all(JSON.stringify(runIds))) out.set(r.id, r.status);
    return out;
  }

  metricKeys(runId: string): string[] {
    return this.stmt.metricKeys.all(runId).map((r) => r.key);
  }

  metricColumns(runId: string, key: string): MetricColumns {
    // Count, then fill preallocated columns from raw rows (no per-row objects), in one snapshot.
    return this.db.transaction((): MetricColumns => {
      const n = this.stmt.metricCount.get(runId, key)!.n;
      const steps = new Float64Array(n);
      const values = new Float64Array(n);
      const timestamps = new Float64Array(n);
      let i = 0;
      for (const [step, value, timestamp] of this.stmt.metricColumns.iterate(runId, key)) {
        steps[i] = step;
        values[i] = value;
        timestamps[i] = timestamp;
        i++;
      }
      return { steps, values, timestamps };
    })();
  }

  putArtifact(runId: string, name: string, content: string | Uint8Array, mediaType: string): void {
    this.db
      .transaction(() => {
        this.requireRun(runId);
        this.stmt.upsertArtifact.run(runId, name, mediaType, content, this.now());
      })
      .immediate();
  }

  getArtifact(runId: string, name: string): Artifact | null {
    return this.stmt.getArtifact.get(runId, name) ?? null;
  }

  listRuns(): RunSummary[] {
    return this.stmt.listRuns.all().map(toSummary);
  }

  getRun(runId: string, options: { history?: boolean } = {}): RunDetail | null {
    // One read transaction so the summary, history and overrides are from the same snapshot even
    // while the writer is logging metrics.
    return this.db.transaction((): RunDetail | null => {
      const row = this.stmt.getSummary.get(runId);
      if (!row) return null;
      const dsl = this.stmt.getArtifact.get(runId, DSL_ARTIFACT);
      return {
        ...toSummary(row),
        metricHistory: options.history === false ? [] : this.stmt.metricHistory.all(runId),
        dslSnapshot: dsl === undefined ? null : dsl.content.toString(),
        overrides: JSON.parse(this.stmt.overrides.get(runId)!.overrides) as RunOverrides,
      };
    })();
  }

  markInterrupted(): string[] {
    return this.stmt.markInterrupted.all(this.now(), INTERRUPTED_MESSAGE);
  }

  close(): void {
    if (!this.open) return;
    this.open = false;
    this.db.close();
  }

  private requireRun(runId: string): void {
    if (!this.stmt.runExists.get(runId)) throw this.noRun(runId);
  }

  private noRun(runId: string): StoreError {
    return new StoreError('RUN_NOT_FOUND', `No run ${runId} in ${this.path}.`);
  }
}
