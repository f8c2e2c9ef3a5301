// One error type for everything the store refuses, so callers (host, CLI) can tell a damaged or
// foreign file apart from a bug and show the message to the user as is.

export type StoreErrorCode =
  /** The file is not SQLite, or is SQLite written by some other application. */
  | 'NOT_A_PROJECT_DB'
  /** Written by a newer Neurofab Studio; migrating it down could lose data, so we refuse. */
  | 'SCHEMA_TOO_NEW'
  /** A read-only connection cannot migrate, so it needs a database already at this build's schema. */
  | 'SCHEMA_NOT_CURRENT'
  /** A read-only open of a path with no database file. */
  | 'MISSING'
  /** Our database, but damaged (truncated, or pages that fail SQLite's quick_check). */
  | 'CORRUPT'
  /** Another connection holds a lock past the busy timeout. */
  | 'LOCKED'
  /** The file or its folder cannot be written (permissions, read-only disk). */
  | 'READ_ONLY'
  | 'RUN_NOT_FOUND'
  | 'INVALID_METRIC';

export class StoreError extends Error {
  override readonly name = 'StoreError';

  constructor(
    readonly code: StoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
