// Opening a project database: refuse files that are not ours, are damaged or are from a newer
// build before anything is written to them, then switch to WAL and migrate. Nothing here ever
// replaces a database the user did not ask to replace: a damaged, locked or unwritable file gets a
// StoreError saying what is wrong and how to recover (open read-only, or back up and start over
// with backupAndResetStore, which keeps a copy first).
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { StoreError } from './errors';
import { APPLICATION_ID, LATEST_SCHEMA_VERSION, migrate } from './migrations';
import { SqliteStore } from './store';
import type { Store, StoreOptions } from './types';

const DEFAULT_BUSY_TIMEOUT_MS = 5000;
/**
 * PRAGMA quick_check reads every page: ~1.5-1.9 ms of CPU per MiB, and 5.9 s of wall time for a
 * 411 MiB project on a loaded machine (bench: storeScale). Above this size the open skips it, so
 * opening stays well under a second; damage then shows as a CORRUPT error on the first read that
 * meets it. The file-size and header checks still run for every open.
 */
export const QUICK_CHECK_MAX_BYTES = 64 * 1024 * 1024;
const SQLITE_MAGIC = 'SQLite format 3\0';

interface Header {
  applicationId: number;
  userVersion: number;
  /** Tables, indexes, views, triggers: zero for a brand-new (or zero-byte) file. */
  schemaObjects: number;
}

/** What the first 100 bytes of the file say, read before SQLite touches it. */
interface FileSniff {
  size: number;
  sqlite: boolean;
  /** application_id in the header is ours: a damaged file of ours, not a foreign one. */
  ours: boolean;
  /** page size × page count from the header, when the header is trustworthy (else null). */
  declaredBytes: number | null;
}

function sniff(abs: string): FileSniff | null {
  let fd: number;
  try {
    fd = fs.openSync(abs, 'r');
  } catch {
    return null;
  }
  try {
    const size = fs.fstatSync(fd).size;
    const head = Buffer.alloc(100);
    const n = fs.readSync(fd, head, 0, 100, 0);
    const sqlite = n === 100 && head.toString('latin1', 0, 16) === SQLITE_MAGIC;
    if (!sqlite) return { size, sqlite, ours: false, declaredBytes: null };
    const rawPageSize = head.readUInt16BE(16);
    const pageSize = rawPageSize === 1 ? 65536 : rawPageSize;
    const pages = head.readUInt32BE(28);
    // The page count is valid only when the change counter matches "version-valid-for" (SQLite
    // file format, section 1.3.7); old writers did not maintain it.
    const valid = head.readUInt32BE(24) === head.readUInt32BE(92) && pages > 0;
    return {
      size,
      sqlite,
      ours: head.readUInt32BE(68) === APPLICATION_ID,
      declaredBytes: valid ? pageSize * pages : null,
    };
  } finally {
    fs.closeSync(fd);
  }
}

const RECOVER_DAMAGED =
  'Nothing was changed, and your .nfab sources (separate files) are not affected. To start over ' +
  'with an empty run history, run `neurofab store recover --yes --project <folder>`: it copies the file ' +
  '(and its -wal) to project.db.bak-<date>, then creates a new database.';

function notOurs(dbPath: string, why: string, cause?: unknown): StoreError {
  return new StoreError(
    'NOT_A_PROJECT_DB',
    `${dbPath} is not a Neurofab project database (${why}). It was left unchanged; move it ` +
      'aside (or run `neurofab store recover --yes --project <folder>`, which keeps a copy) and the next ' +
      'open creates a new project database.',
    { cause },
  );
}

function damaged(dbPath: string, why: string, cause?: unknown): StoreError {
  return new StoreError('CORRUPT', `${dbPath} is damaged (${why}). ${RECOVER_DAMAGED}`, { cause });
}

/** Turns SQLite's lock and permission errors into messages that say what to do. */
function explain(err: unknown, dbPath: string, readonly: boolean, sniffed: FileSniff | null): unknown {
  if (!(err instanceof Error) || err instanceof StoreError) return err;
  const code = (err as Error & { code?: unknown }).code;
  if (typeof code !== 'string') return err;
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new StoreError(
      'LOCKED',
      `${dbPath} is locked by another process (another Neurofab Studio, a \`neurofab\` command on ` +
        'this project, or a backup or sync tool). Close it and open the project again; nothing was changed.',
      { cause: err },
    );
  }
  if (code.startsWith('SQLITE_READONLY') || (code.startsWith('SQLITE_CANTOPEN') && sniffed)) {
    return new StoreError(
      'READ_ONLY',
      readonly
        ? `${dbPath} cannot be opened even read-only: its folder is not writable, and SQLite needs to ` +
            'create its shared-memory file (project.db-shm) beside it. Copy the project to a writable folder to open it.'
        : `${dbPath} cannot be written (file or folder permissions, or a read-only disk). Make it ` +
            'writable, or open the project read-only to browse its runs; nothing was changed.',
      { cause: err },
    );
  }
  if (code.startsWith('SQLITE_CORRUPT') || code.startsWith('SQLITE_NOTADB')) {
    return sniffed?.ours
      ? damaged(dbPath, err.message, err)
      : notOurs(dbPath, 'the file is not a SQLite database', err);
  }
  return err;
}

function readHeader(db: Database.Database): Header {
  return {
    applicationId: db.pragma('application_id', { simple: true }) as number,
    userVersion: db.pragma('user_version', { simple: true }) as number,
    schemaObjects: (db.prepare('SELECT count(*) AS n FROM sqlite_schema').get() as { n: number }).n,
  };
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

/** Refuses, before SQLite opens it, a file that is not SQLite or is shorter than its header says. */
function checkFile(s: FileSniff | null, dbPath: string): void {
  if (!s || s.size === 0) return; // missing or empty: a new database
  if (!s.sqlite) throw notOurs(dbPath, `the file (${s.size} bytes) does not start with SQLite's header`);
  // With a WAL file beside it, the header's page count may include pages still in the WAL.
  const wal = `${dbPath}-wal`;
  const walBytes = fs.existsSync(wal) ? fs.statSync(wal).size : 0;
  if (s.declaredBytes !== null && walBytes === 0 && s.size < s.declaredBytes) {
    const why = `truncated: its header declares ${s.declaredBytes} bytes, the file has ${s.size}`;
    throw s.ours ? damaged(dbPath, why) : notOurs(dbPath, `a SQLite file, ${why}`);
  }
}

/**
 * SQLite silently opens an unwritable file read-only and fails only at the first write, deep in
 * a run. Ask the OS up front (this also catches root on an immutable file or a read-only disk).
 */
function checkWritable(abs: string): void {
  let fd: number;
  try {
    fd = fs.openSync(abs, 'r+');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new StoreError(
      'READ_ONLY',
      `${abs} cannot be written (${code}: file or folder permissions, or a read-only disk). Make it ` +
        'writable, or open the project read-only to browse its runs; nothing was changed.',
      { cause: err },
    );
  }
  fs.closeSync(fd);
}

function quickCheck(db: Database.Database, dbPath: string, size: number): void {
  if (size > QUICK_CHECK_MAX_BYTES) return;
  const rows = db.pragma('quick_check(5)') as { quick_check: string }[];
  const problems = rows.map((r) => r.quick_check).filter((m) => m !== 'ok');
  if (problems.length) throw damaged(dbPath, `SQLite's quick_check: ${problems.join('; ')}`);
}

export function openStore(dbPath: string, options: StoreOptions = {}): Store {
  const readonly = options.readonly ?? false;
  const abs = path.resolve(dbPath);
  if (readonly) {
    if (!fs.existsSync(abs)) throw new StoreError('MISSING', `No Neurofab project database at ${abs}.`);
  } else {
    fs.mkdirSync(path.dirname(abs), { recursive: true });
  }
  const sniffed = sniff(abs);
  checkFile(sniffed, abs);
  if (!readonly && sniffed) checkWritable(abs);
  let db: Database.Database;
  try {
    db = new Database(abs, { readonly, fileMustExist: readonly });
  } catch (err) {
    throw explain(err, abs, readonly, sniffed);
  }
  try {
    // Set first: the header read below may already wait on a writer's lock.
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS))}`);
    checkHeader(readHeader(db), abs, readonly);
    if (sniffed && sniffed.size > 0) quickCheck(db, abs, sniffed.size);
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
      checkHeader(readHeader(db), abs, false);
    }
    return new SqliteStore(db, abs, readonly, options.now ?? Date.now);
  } catch (err) {
    db.close();
    throw explain(err, abs, readonly, sniffed);
  }
}

/** `project.db.bak-2026-11-23T17-05-09Z`: sortable, and valid on every file system. */
export function backupName(dbPath: string, when: Date): string {
  const stamp = when
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/:/g, '-');
  return `${dbPath}.bak-${stamp}`;
}

/**
 * Copies the database (and its -wal, which may hold the latest commits) to
 * project.db.bak-<date>[-N]; never overwrites an earlier backup. Returns the backup's path.
 */
export function backupStoreFile(dbPath: string, when = new Date()): string {
  const abs = path.resolve(dbPath);
  if (!fs.existsSync(abs)) throw new StoreError('MISSING', `No Neurofab project database at ${abs}.`);
  const base = backupName(abs, when);
  let target = base;
  for (let i = 2; fs.existsSync(target); i++) target = `${base}-${i}`;
  fs.copyFileSync(abs, target, fs.constants.COPYFILE_EXCL);
  if (fs.existsSync(`${abs}-wal`)) fs.copyFileSync(`${abs}-wal`, `${target}-wal`, fs.constants.COPYFILE_EXCL);
  return target;
}

/**
 * The explicit "start over" recovery for a damaged or foreign database: backs it up first
 * (backupStoreFile), then removes it with its -wal and -shm and opens a new, empty store.
 * Never called implicitly: the user must ask for it.
 */
export function backupAndResetStore(
  dbPath: string,
  options: StoreOptions = {},
  when = new Date(),
): { backup: string; store: Store } {
  if (options.readonly) throw new TypeError('backupAndResetStore needs a writable store.');
  const abs = path.resolve(dbPath);
  const backup = backupStoreFile(abs, when);
  for (const suffix of ['', '-wal', '-shm']) fs.rmSync(`${abs}${suffix}`, { force: true });
  return { backup, store: openStore(abs, options) };
}
