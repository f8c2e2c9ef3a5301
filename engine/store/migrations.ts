// The store's schema history. PRAGMA user_version holds how many migrations a database has had;
// opening a database applies the missing ones in order, each in the same transaction as its
// version bump, so a crash mid-migration leaves the previous version intact.
//
// Rules for editing: never change or reorder a shipped migration (databases in the wild already
// ran it); append a new one instead. docs/store.md describes the resulting schema.
import type Database from 'better-sqlite3';

export interface Migration {
  /** What the migration does, for humans reading this list. */
  readonly description: string;
  /** Plain SQL, or a function when rows must be rewritten in JavaScript. */
  readonly up: string | ((db: Database.Database) => void);
}

/**
 * Marks the file as ours (PRAGMA application_id), so a random SQLite file that happens to be at
 * the project path is refused rather than having our tables added to it. 'NFAB' in ASCII.
 */
export const APPLICATION_ID = 0x4e464142;

export const MIGRATIONS: readonly Migration[] = [
  {
    description: 'experiments, runs, params, metrics, latest_metrics, tags, artifacts',
    up: `
      CREATE TABLE experiments (
        id          INTEGER PRIMARY KEY,
        name        TEXT    NOT NULL UNIQUE,
        created_at  INTEGER NOT NULL
      );

      CREATE TABLE runs (
        id              TEXT    PRIMARY KEY,
        experiment_id   INTEGER NOT NULL REFERENCES experiments(id),
        status          TEXT    NOT NULL
                        CHECK (status IN ('queued', 'running', 'finished', 'failed', 'interrupted', 'cancelled')),
        started_at      INTEGER NOT NULL,
        ended_at        INTEGER,
        source_file     TEXT,
        seed            INTEGER NOT NULL,
        engine_version  TEXT    NOT NULL,
        error           TEXT
      );
      CREATE INDEX runs_started_at ON runs(started_at);
      CREATE INDEX runs_experiment ON runs(experiment_id);

      CREATE TABLE params (
        run_id  TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        key     TEXT NOT NULL,
        value   TEXT NOT NULL,
        PRIMARY KEY (run_id, key)
      ) WITHOUT ROWID;

      -- Full history. The implicit rowid breaks ties between points logged at the same step.
      CREATE TABLE metrics (
        run_id     TEXT    NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        key        TEXT    NOT NULL,
        value      REAL    NOT NULL,
        step       INTEGER NOT NULL,
        timestamp  INTEGER NOT NULL
      );
      CREATE INDEX metrics_run_key_step ON metrics(run_id, key, step);

      -- One row per (run, key): the point with the highest step (last logged wins a tie). Kept in
      -- step by logMetrics so listing runs never scans metric history (MLflow does the same).
      CREATE TABLE latest_metrics (
        run_id     TEXT    NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        key        TEXT    NOT NULL,
        value      REAL    NOT NULL,
        step       INTEGER NOT NULL,
        timestamp  INTEGER NOT NULL,
        PRIMARY KEY (run_id, key)
      ) WITHOUT ROWID;

      CREATE TABLE tags (
        run_id  TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        key     TEXT NOT NULL,
        value   TEXT NOT NULL,
        PRIMARY KEY (run_id, key)
      ) WITHOUT ROWID;

      CREATE TABLE artifacts (
        run_id      TEXT    NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        name        TEXT    NOT NULL,
        media_type  TEXT    NOT NULL,
        content     BLOB    NOT NULL,
        created_at  INTEGER NOT NULL,
        PRIMARY KEY (run_id, name)
      );
    `,
  },
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Brings a writable database up to LATEST_SCHEMA_VERSION. Runs under BEGIN IMMEDIATE and re-reads
 * the version inside it, so two processes opening the same fresh project cannot both migrate.
 * Returns the version the database had before.
 */
export function migrate(db: Database.Database): number {
  const run = db.transaction((): number => {
    const from = db.pragma('user_version', { simple: true }) as number;
    if (from > LATEST_SCHEMA_VERSION) return from; // the caller's header check reports this
    for (let v = from; v < LATEST_SCHEMA_VERSION; v++) {
      const m = MIGRATIONS[v]!;
      if (typeof m.up === 'string') db.exec(m.up);
      else m.up(db);
      // PRAGMA takes no bound parameters; v is an integer we computed.
      db.pragma(`user_version = ${v + 1}`);
    }
    if (from === 0) db.pragma(`application_id = ${APPLICATION_ID}`);
    return from;
  });
  return run.immediate();
}
