// Exit codes and the bad-usage error every `neurofab` subcommand shares (ARCHITECTURE.md).
export const EXIT = { ok: 0, inputErrors: 1, usage: 2, runFailed: 3 } as const;

/** Thrown for bad arguments: main prints the message and the usage text, and exits with 2. */
export class UsageError extends Error {}
