// Opening a project database: refuse files that are not ours or are from a newer build before
// anything is written to them, then switch to WAL and migrate.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { StoreError } from './errors';
import { APPLICATION_ID, LATEST_SCHEMA_VERSION, migrate } from './migrations';
import { SqliteStore } from './store';
import type { Store, StoreOptions } from './types';

const DEFAULT_BUSY_TIMEOUT_MS = 5000;

interface Header {
  applicationId: number;
  userVersion: number;
  /** Tables, indexes, views, triggers: zero for a brand-new (or zero-byte) file. */
  schemaObjects: number;
}

function notOurs(dbPath: string, why: string, cause?: unknown): StoreError {
  return new StoreError('NOT_A_PROJECT_DB', `${dbPath} is not a Neurofab project database (${why}).`, {
    cause,
  });
}

function readHeader(db: Database.Database, dbPath: string): Header {
  try {
    return {
      applicationId: db.pragma('application_id', { simple: true }) as number,
      userVersion: db.pragma('user_version', { simple: true }) as number,
      schemaObjects: (db.prepare('SELECT count(*) AS n FROM sqlite_schema').get() as { n: number }).n,
    };
  } catch (err) {
    // SQLite only notices a non-database file on the first read, not at open.
    if (isSqliteError(err, 'SQLITE_NOTADB') || isSqliteError(err, 'SQLITE_CORRUPT')) {
      throw notOurs(dbPath, 'the file is not a SQLite database', err);
    }
    throw err;
  }
}

function isSqliteError(err: unknown, code: string): boolean {
  return err instanceof Error && (err as Error & { code?: unknown }).code === code;
}

/** Throws unless the file is empty (ours to initialise) or one of ours at a version we understand. */
function checkHeader(h: Header, dbPath: string, readonly: boolean): void {
  if (h.schemaObjects > 0 && h.applicationId !== APPLICATION_ID) {
    throw notOurs(dbPath, 'it is a SQLite database written by another application');
  }
  if (h.userVersion > LATEST_SCHEMA_VERSION) {
    throw new StoreError(
      'SCHEMA_TOO_NEW',
      `${dbPath} was written by a newer Neurofab Studio (schema version ${h.userVersion}; this build ` +
        `understands up to ${LATEST_SCHEMA_VERSION}). Update Neurofab Studio to open this project; ` +
        'the file was left unchanged.',
    );
  }
  if (h.schemaObjects === 0 && h.userVersion !== 0) {
    throw notOurs(dbPath, `it claims schema version ${h.userVersion} but has no tables`);
  }
  if (readonly && h.userVersion !== LATEST_SCHEMA_VERSION) {
    throw new StoreError(
      'SCHEMA_NOT_CURRENT',
      `${dbPath} is at schema version ${h.userVersion}, but this build needs ${LATEST_SCHEMA_VERSION}; ` +
        'open the project read-write once to migrate it.',
    );
  }
}

export function openStore(dbPath: string, options: StoreOptions = {}): Store {
  const readonly = options.readonly ?? false;
  const abs = path.resolve(dbPath);
  if (readonly) {
    if (!fs.existsSync(abs)) throw new StoreError('MISSING', `No Neurofab project database at ${abs}.`);
  } else {
    fs.mkdirSync(path.dirname(abs), { recursive: true });
  }
  const db = new Database(abs, { readonly, fileMustExist: readonly });
  try {
    // Set first: the header read below may already wait on a writer's lock.
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS))}`);
    checkHeader(readHeader(db, abs), abs, readonly);
    if (!readonly) {
      // WAL lets read-only connections (CLI, reports) read while the host writes. The mode is
      // persistent in the file, so read-only connections inherit it.
      db.pragma('journal_mode = WAL');
      // Safe under WAL (a crash can lose the last commits but never corrupts) and much faster
      // for the many small metric transactions of a training run.
      db.pragma('synchronous = NORMAL');
    }
    db.pragma('foreign_keys = ON');
    if (!readonly) {
      migrate(db);
      // Another process may have migrated between our header check and our transaction.
      checkHeader(readHeader(db, abs), abs, false);
    }
    return new SqliteStore(db, abs, readonly, options.now ?? Date.now);
  } catch (err) {
    db.close();
    throw err;
  }
}
