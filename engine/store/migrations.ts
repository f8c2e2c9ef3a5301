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
  {
    description:
      'runs.note, runs.overrides, runs.sweep_id/sweep_index; sweeps table (backfilled from sweep/sweep_point tags)',
    // ADD COLUMN with REFERENCES is allowed because the column defaults to NULL. Runs recorded
    // before this migration get overrides '{}': their overrides were not kept, but their seed was
    // (runs.seed), which is what a re-run needs most.
    up: `
      CREATE TABLE sweeps (
        id             TEXT    PRIMARY KEY,
        experiment_id  INTEGER NOT NULL REFERENCES experiments(id),
        source_file    TEXT,
        -- The experiment's DSL as written, before any point's values were patched in.
        dsl            TEXT    NOT NULL,
        overrides      TEXT    NOT NULL DEFAULT '{}',
        total          INTEGER NOT NULL CHECK (total >= 0),
        created_at     INTEGER NOT NULL
      );
      CREATE INDEX sweeps_created_at ON sweeps(created_at);

      ALTER TABLE runs ADD COLUMN note        TEXT    NOT NULL DEFAULT '';
      ALTER TABLE runs ADD COLUMN overrides   TEXT    NOT NULL DEFAULT '{}';
      ALTER TABLE runs ADD COLUMN sweep_id    TEXT    REFERENCES sweeps(id);
      ALTER TABLE runs ADD COLUMN sweep_index INTEGER CHECK (sweep_index >= 0);
      CREATE INDEX runs_sweep ON runs(sweep_id, sweep_index) WHERE sweep_id IS NOT NULL;

      -- Backfill: version-1 sweeps left only tags, sweep = '<id>' and sweep_point = '<i+1>/<total>'.
      -- Their base DSL was not kept; a point's snapshot serves, since every point patches the
      -- same fields and the sweep blocks are still in it (so a resume re-patches each point).
      INSERT INTO sweeps (id, experiment_id, source_file, dsl, overrides, total, created_at)
      SELECT s.value, r.experiment_id, r.source_file,
             COALESCE((SELECT CAST(a.content AS TEXT) FROM artifacts a
                       WHERE a.run_id = r.id AND a.name = 'dsl'), ''),
             '{}',
             CAST(substr(p.value, instr(p.value, '/') + 1) AS INTEGER),
             min(r.started_at)
      FROM tags s
      JOIN tags p ON p.run_id = s.run_id AND p.key = 'sweep_point' AND instr(p.value, '/') > 1
      JOIN runs r ON r.id = s.run_id
      WHERE s.key = 'sweep'
      GROUP BY s.value;

      UPDATE runs SET
        sweep_id = (SELECT value FROM tags WHERE run_id = runs.id AND key = 'sweep'),
        sweep_index = (SELECT CAST(substr(value, 1, instr(value, '/') - 1) AS INTEGER) - 1
                       FROM tags WHERE run_id = runs.id AND key = 'sweep_point')
      WHERE id IN (SELECT s.run_id FROM tags s JOIN tags p ON p.run_id = s.run_id
                   WHERE s.key = 'sweep' AND p.key = 'sweep_point' AND instr(p.value, '/') > 1
                     AND CAST(substr(p.value, 1, instr(p.value, '/') - 1) AS INTEGER) >= 1
                     AND s.value IN (SELECT id FROM sweeps));
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
