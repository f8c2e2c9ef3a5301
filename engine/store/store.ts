// The SQLite-backed Store. Synchronous like better-sqlite3: the host calls it from its event loop
// and each call is short (statements are prepared once, batches run in one transaction).
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { MetricPoint, RunDetail, RunStatus, RunSummary } from '../protocol/schema';
import { StoreError } from './errors';
import type { Artifact, CreateRunInput, Store } from './types';

/** Name and media type of the artifact every run gets: the DSL text it was built from. */
export const DSL_ARTIFACT = 'dsl';
export const DSL_MEDIA_TYPE = 'text/x-nfab';

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
  error: string | null;
  params: string;
  metrics: string;
}

// One query for the whole list: params and latest metrics come back as JSON objects built by
// correlated subqueries (indexed lookups), so listing N runs is not N+1 round trips.
const SUMMARY_SELECT = `
  SELECT r.id, e.name AS experiment, r.status, r.started_at AS startedAt, r.ended_at AS endedAt,
         r.source_file AS sourceFile, r.seed, r.error,
         (SELECT json_group_object(key, value) FROM params WHERE run_id = r.id) AS params,
         (SELECT json_group_object(key, value) FROM latest_metrics WHERE run_id = r.id) AS metrics
  FROM runs r JOIN experiments e ON e.id = r.experiment_id`;

function toSummary(row: SummaryRow): RunSummary {
  return {
    id: row.id,
    experiment: row.experiment,
    status: row.status,
    startedAt: row.startedAt,
    endedAt: row.endedAt,
    sourceFile: row.sourceFile,
    seed: row.seed,
    metrics: JSON.parse(row.metrics) as Record<string, number>,
    params: JSON.parse(row.params) as Record<string, string>,
    error: row.error,
  };
}

function checkPoint(runId: string, p: MetricPoint): void {
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
        `INSERT INTO runs (id, experiment_id, status, started_at, source_file, seed, engine_version)
         VALUES (@id, @experimentId, 'queued', @startedAt, @sourceFile, @seed, @engineVersion)`,
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
      tags: db.prepare<[string], { key: string; value: string }>(
        'SELECT key, value FROM tags WHERE run_id = ?',
      ),
      markInterrupted: db.prepare<[number, string]>(
        `UPDATE runs SET status = 'interrupted', ended_at = ?, error = COALESCE(error, ?)
         WHERE status IN ('queued', 'running')`,
      ),
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

  getRun(runId: string): RunDetail | null {
    // One read transaction so the summary, history and tags are from the same snapshot even
    // while the writer is logging metrics.
    return this.db.transaction((): RunDetail | null => {
      const row = this.stmt.getSummary.get(runId);
      if (!row) return null;
      const tags: Record<string, string> = {};
      for (const t of this.stmt.tags.all(runId)) tags[t.key] = t.value;
      const dsl = this.stmt.getArtifact.get(runId, DSL_ARTIFACT);
      return {
        ...toSummary(row),
        metricHistory: this.stmt.metricHistory.all(runId),
        tags,
        dslSnapshot: dsl === undefined ? null : dsl.content.toString(),
      };
    })();
  }

  markInterrupted(): number {
    return this.stmt.markInterrupted.run(this.now(), INTERRUPTED_MESSAGE).changes;
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
