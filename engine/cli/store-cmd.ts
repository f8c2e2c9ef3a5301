// `neurofab store check|recover`: the recovery path for a project database the studio cannot open
// (damaged, foreign, locked, newer). `check` says what is wrong without changing anything;
// `recover` keeps a copy and starts an empty run history, only when asked.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { storePath } from '../host/project';
import { openStore, StoreError } from '../store';
import { backupAndResetStore } from '../store/open';
import { EXIT, UsageError } from './usage';

function projectDb(args: string[]): { dbPath: string; yes: boolean } {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: { project: { type: 'string' }, yes: { type: 'boolean', default: false } },
  });
  if (positionals.length > 0)
    throw new UsageError(`store takes --project DIR, not ${positionals.join(' ')}.`);
  const dbPath = storePath(path.resolve(values.project ?? process.cwd()));
  if (!fs.existsSync(dbPath))
    throw new UsageError(`${dbPath} does not exist: no project database to check or recover.`);
  return { dbPath, yes: values.yes ?? false };
}

function check(args: string[]): number {
  const { dbPath } = projectDb(args);
  try {
    const store = openStore(dbPath, { readonly: true });
    const runs = store.listRuns().length;
    store.close();
    console.log(`${dbPath}: opens, ${runs} run(s).`);
    return EXIT.ok;
  } catch (err) {
    if (!(err instanceof StoreError)) throw err;
    console.error(`${err.code}: ${err.message}`);
    return EXIT.inputErrors;
  }
}

function recover(args: string[]): number {
  const { dbPath, yes } = projectDb(args);
  if (!yes) {
    throw new UsageError(
      `store recover starts ${dbPath} over with an empty run history (after copying it aside); add --yes to do it.`,
    );
  }
  const { backup, store } = backupAndResetStore(dbPath);
  store.close();
  console.log(`Copied the old database to ${backup}; ${dbPath} is a new, empty project database.`);
  return EXIT.ok;
}

export async function cmdStore(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'check':
      return check(rest);
    case 'recover':
      return recover(rest);
    default:
      throw new UsageError(
        sub ? `Unknown store command "${sub}"; use check or recover.` : 'store takes check or recover.',
      );
  }
}
