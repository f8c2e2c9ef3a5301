// Migration 2 on a database written by the version-1 schema: runs, metrics, tags and artifacts
// survive, and version-1 sweeps (known only from their sweep/sweep_point tags) become sweeps.

import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { RunDetailSchema, SweepSummarySchema } from '../../engine/protocol/schema';
import { APPLICATION_ID, LATEST_SCHEMA_VERSION, MIGRATIONS, openStore } from '../../engine/store';
import { tempDbPath } from './store-helpers';

/** A database exactly as a version-1 build left it: migration 1 only, rows written by SQL. */
function v1Database(dbPath: string): void {
  fs.mkdirSync(path.dirname(dbPath), { recursive: true });
  const db = new Database(dbPath);
  db.pragma('journal_mode = WAL');
  db.exec(MIGRATIONS[0]!.up as string);
  db.pragma('user_version = 1');
  db.pragma(`application_id = ${APPLICATION_ID}`);
  db.prepare("INSERT INTO experiments (id, name, created_at) VALUES (1, 'e', 1000)").run();
  const run = db.prepare(
    `INSERT INTO runs (id, experiment_id, status, started_at, ended_at, source_file, seed, engine_version)
     VALUES (?, 1, ?, ?, ?, 'main.nfab', 3, '0.1.0')`,
  );
  const tag = db.prepare('INSERT INTO tags (run_id, key, value) VALUES (?, ?, ?)');
  const dsl = db.prepare(
    "INSERT INTO artifacts (run_id, name, media_type, content, created_at) VALUES (?, 'dsl', 'text/x-nfab', ?, 0)",
  );
  const metric = db.prepare(
    'INSERT INTO metrics (run_id, key, value, step, timestamp) VALUES (?, ?, ?, ?, ?)',
  );
  const latest = db.prepare(
    'INSERT INTO latest_metrics (run_id, key, value, step, timestamp) VALUES (?, ?, ?, ?, ?)',
  );
  // A plain run with history, and points 1/3 (finished) and 3/3 (failed) of a 3-point sweep.
  run.run('plain', 'finished', 1000, 2000);
  for (let s = 0; s < 5; s++) metric.run('plain', 'loss', 1 / (s + 1), s, 1000 + s);
  latest.run('plain', 'loss', 0.2, 4, 1004);
  dsl.run('plain', 'experiment e {}\n');
  tag.run('plain', 'owner', 'ana');
  for (const [id, status, point, t] of [
    ['p0', 'finished', '1/3', 3000],
    ['p2', 'failed', '3/3', 3001],
  ] as const) {
    run.run(id, status, t, t + 1);
    tag.run(id, 'sweep', 'e-1234abcd');
    tag.run(id, 'sweep_point', point);
    dsl.run(id, `experiment e { sweep dev.levels in [4, 8, 16] } // ${id}\n`);
  }
  db.close();
}

describe('store migration 2', () => {
  it('upgrades a version-1 database in place, keeping its runs and backfilling its sweeps', () => {
    const dbPath = tempDbPath();
    v1Database(dbPath);
    const store = openStore(dbPath);
    try {
      const raw = new Database(dbPath, { readonly: true });
      expect(raw.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION);
      raw.close();

      const plain = store.getRun('plain')!;
      expect(RunDetailSchema.parse(plain)).toEqual(plain);
      expect(plain).toMatchObject({
        status: 'finished',
        note: '',
        overrides: {},
        sweepId: null,
        sweepIndex: null,
        tags: { owner: 'ana' },
        metrics: { loss: 0.2 },
        dslSnapshot: 'experiment e {}\n',
      });
      expect(plain.metricHistory.map((p) => p.step)).toEqual([0, 1, 2, 3, 4]);

      const byId = new Map(store.listRuns().map((r) => [r.id, r]));
      expect([byId.get('p0')!.sweepId, byId.get('p0')!.sweepIndex]).toEqual(['e-1234abcd', 0]);
      expect([byId.get('p2')!.sweepId, byId.get('p2')!.sweepIndex]).toEqual(['e-1234abcd', 2]);

      const [sweep] = store.listSweeps();
      expect(SweepSummarySchema.parse(sweep)).toEqual(sweep);
      expect(sweep).toMatchObject({
        id: 'e-1234abcd',
        experiment: 'e',
        sourceFile: 'main.nfab',
        total: 3,
        createdAt: 3000,
        missing: [1, 2],
      });
      expect(sweep!.counts).toMatchObject({ finished: 1, failed: 1, running: 0 });
      // The earliest point's snapshot stands in for the base DSL (its sweep block is intact).
      expect(store.getSweep('e-1234abcd')!.dslSnapshot).toContain('sweep dev.levels in [4, 8, 16]');
    } finally {
      store.close();
    }
  });

  it('a read-only connection refuses a version-1 database until a writer has migrated it', () => {
    const dbPath = tempDbPath();
    v1Database(dbPath);
    expect(() => openStore(dbPath, { readonly: true })).toThrow(/schema version 1, but this build needs/);
    openStore(dbPath).close();
    const ro = openStore(dbPath, { readonly: true });
    expect(ro.listRuns()).toHaveLength(3);
    ro.close();
  });
});
