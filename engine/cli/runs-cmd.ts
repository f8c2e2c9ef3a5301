// `neurofab runs list|export`: the project's recorded runs, read through a read-only store
// connection, so it works while the studio (the single writer) is training.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { RunSummary } from '../protocol/schema';
import type { Store } from '../store';
import { EXIT, UsageError } from './usage';

/**
 * Opens the project's store read-only. A store from an older build must be migrated first, which
 * needs a writable connection; that is the one write these commands may do.
 */
async function openProjectStore(projectDir: string): Promise<Store | string> {
  const [{ storePath, STORE_DIR }, { openStore, StoreError }] = await Promise.all([
    import('../host/project'),
    import('../store'),
  ]);
  const file = storePath(projectDir);
  if (!fs.existsSync(file)) {
    return `no runs recorded in ${projectDir} (no ${STORE_DIR}/ there); give --project DIR.`;
  }
  try {
    return openStore(file, { readonly: true });
  } catch (err) {
    if (err instanceof StoreError && err.code === 'SCHEMA_NOT_CURRENT') {
      try {
        openStore(file).close();
        return openStore(file, { readonly: true });
      } catch (again) {
        if (again instanceof StoreError) return again.message;
        throw again;
      }
    }
    if (err instanceof StoreError) return err.message;
    throw err;
  }
}

function pad(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows
    .map((r) =>
      r
        .map((cell, c) => cell.padEnd(widths[c]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function localTime(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** The run table: newest first; test accuracy and loss when the run has them. */
export function formatRunTable(runs: readonly RunSummary[]): string {
  if (runs.length === 0) return 'No runs recorded yet.';
  const num = (v: number | undefined) =>
    v === undefined ? '' : Number.isInteger(v) ? String(v) : v.toFixed(4);
  return pad([
    ['ID', 'EXPERIMENT', 'STATUS', 'STARTED', 'SWEEP', 'TEST_ACCURACY', 'TRAIN_LOSS', 'TAGS'],
    ...runs.map((r) => [
      r.id,
      r.experiment,
      r.status,
      localTime(r.startedAt),
      r.sweepId === null ? '' : `${r.sweepId}#${r.sweepIndex}`,
      num(r.metrics.test_accuracy),
      num(r.metrics.train_loss),
      Object.entries(r.tags)
        .filter(([k]) => k !== 'sweep' && k !== 'sweep_point')
        .map(([k, v]) => `${k}=${v}`)
        .join(' '),
    ]),
  ]);
}

async function runsList(args: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: { project: { type: 'string' }, json: { type: 'boolean', default: false } },
  });
  if (positionals.length > 0) throw new UsageError(`runs list takes no arguments, got "${positionals[0]}".`);
  const projectDir = path.resolve(values.project ?? '.');
  const store = await openProjectStore(projectDir);
  if (typeof store === 'string') {
    console.error(`neurofab: ${store}`);
    return EXIT.inputErrors;
  }
  try {
    const runs = store.listRuns();
    console.log(values.json ? JSON.stringify({ project: projectDir, runs }) : formatRunTable(runs));
  } finally {
    store.close();
  }
  return EXIT.ok;
}

async function runsExport(args: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: { project: { type: 'string' }, format: { type: 'string' }, out: { type: 'string' } },
  });
  // The format follows --format, else the --out extension, else CSV.
  const ext = values.out ? path.extname(values.out).slice(1).toLowerCase() : '';
  const format = values.format ?? (ext === 'json' ? 'json' : 'csv');
  if (format !== 'csv' && format !== 'json') {
    throw new UsageError(`--format takes csv or json, got "${format}".`);
  }
  const projectDir = path.resolve(values.project ?? '.');
  const store = await openProjectStore(projectDir);
  if (typeof store === 'string') {
    console.error(`neurofab: ${store}`);
    return EXIT.inputErrors;
  }
  const { exportRuns, UnknownRunsError } = await import('../store/export');
  try {
    const out = exportRuns(store, format, positionals.length > 0 ? positionals : undefined);
    if (values.out) {
      fs.writeFileSync(values.out, out.text);
      console.error(`Wrote ${values.out} (${Buffer.byteLength(out.text)} bytes).`);
    } else {
      // `neurofab runs export | head` closes the pipe early: that is the reader's choice, not an error.
      process.stdout.on('error', (err: NodeJS.ErrnoException) => {
        if (err.code === 'EPIPE') process.exit(EXIT.ok);
        throw err;
      });
      process.stdout.write(out.text);
    }
  } catch (err) {
    if (err instanceof UnknownRunsError) {
      console.error(`neurofab: ${err.message} See neurofab runs list --project ${projectDir}.`);
      return EXIT.inputErrors;
    }
    throw err;
  } finally {
    store.close();
  }
  return EXIT.ok;
}

export async function cmdRuns(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'list':
      return runsList(rest);
    case 'export':
      return runsExport(rest);
    case undefined:
      throw new UsageError('runs needs a subcommand: list or export.');
    default:
      throw new UsageError(`Unknown runs subcommand "${sub}"; use list or export.`);
  }
}
