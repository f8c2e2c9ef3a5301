// The `neurofab` command. Exit codes (ARCHITECTURE.md): 0 success, 1 input has errors,
// 2 bad usage, 3 a run failed, was cancelled or was interrupted.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { checkDocument, formatDiagnostic } from '../dsl';
import { EnergyError, estimateEnergy, formatReport } from '../energy';
import type { RunManager, RunOutcome, StartedExperiment } from '../host/runs';
import type { EventName, EventPayload, EventSink } from '../protocol';
import { decodeUtf8, NotUtf8Error } from '../text/utf8';
import { ENGINE_VERSION } from '../version';
import { cmdFmt } from './fmt';
import { ProgressBar } from './progress';
import { EXIT, UsageError } from './usage';

export { EXIT };

const USAGE = `neurofab ${ENGINE_VERSION}: design studio for neuromorphic and in-memory-computing chips

Usage:
  neurofab check FILE...                 check .nfab files; diagnostics as FILE:LINE:COL: severity: message
  neurofab fmt [--check] FILE...         format .nfab files in place; --check lists unformatted files
  neurofab run FILE [--experiment NAME] [--epochs N] [--train-limit N] [--test-limit N]
               [--seed N] [--project DIR] [--sweep all|base|N] [--jobs N] [--json]
                                         train an experiment (all experiments of FILE if none is named)
                                         and record it in the project store; an experiment with
                                         sweeps runs every point (--sweep base: as written; N: point
                                         N only), --jobs at a time (default: one per CPU core)
  neurofab run --rerun ID [--project DIR] [--json]
                                         run a recorded run again: same DSL snapshot, seed, slices
  neurofab run --resume-sweep ID [--project DIR] [--jobs N] [--json]
                                         run the points of a sweep that have no finished run
  neurofab runs list [--project DIR] [--json]
  neurofab runs export [ID...] [--format csv|json] [--out FILE] [--project DIR]
                                         runs with params, tags and metric history (all if no ID)
  neurofab store check [--project DIR]   say whether the project database opens, and if not, why
  neurofab store recover --yes [--project DIR]
                                         copy a damaged project database to project.db.bak-<date>
                                         and start an empty one (the .nfab files are not touched)
  neurofab report ID... --out FILE.html|FILE.pdf [--project DIR]
                                         a self-contained report of the runs (HTML, or PDF through
                                         headless Chromium)
  neurofab sweep submit FILE --slurm [--experiment NAME] [--partition P] [--time T] [--cpus N]
               [--epochs N] [--train-limit N] [--test-limit N] [--seed N] [--project DIR]
               [--ssh HOST --remote-dir DIR] [--neurofab CMD] [--dry-run] [--json]
                                         run a sweep's points as a Slurm array job (docs/cluster.md)
  neurofab sweep status ID [--project DIR] [--json]
                                         queued / running / done / failed per point
  neurofab sweep collect ID [--resubmit-failed] [--project DIR] [--json]
                                         import finished points as runs (idempotent); list failed
                                         points with their stderr, and resubmit them on request
  neurofab serve [DIR] [--port N] [--open]
                                         the studio in a browser, on 127.0.0.1 only
  neurofab bench [--json] [--quick]      the benchmark suite
  neurofab energy FILE [--network NAME] [--json]
                                         energy per classification: every term as count x unit
                                         energy with its source (docs/energy.md); --json: the report
  neurofab nir export FILE.nfab [--network N] [--out F.nir] [--weights W.weights.json]
  neurofab nir import FILE.nir [--out F.nfab]
                                         exchange spiking networks as NIR (HDF5); docs/nir.md
  neurofab --version | --help

Exit codes: 0 success, 1 input has errors, 2 bad usage, 3 a run failed or was interrupted.`;

function positiveInt(name: string, value: string | undefined, allowZero = false): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < (allowZero ? 0 : 1)) {
    throw new UsageError(
      `--${name} must be a ${allowZero ? 'non-negative' : 'positive'} integer, got "${value}".`,
    );
  }
  return n;
}

function readSource(file: string): string {
  if (!fs.existsSync(file)) throw new UsageError(`${file}: no such file.`);
  if (fs.statSync(file).isDirectory()) throw new UsageError(`${file} is a folder; give a .nfab file.`);
  // Strict: a file that is not UTF-8 is reported (exit 1), not checked as mangled text.
  return decodeUtf8(file, fs.readFileSync(file));
}

/** Reads imported .nfab files, confined to `root` (null outside it or when missing). */
function fsReader(root: string): (p: string) => string | null {
  const base = path.resolve(root);
  return (p) => {
    const abs = path.resolve(p);
    if (abs !== base && !abs.startsWith(base + path.sep)) return null;
    return fs.existsSync(abs) && fs.statSync(abs).isFile() ? fs.readFileSync(abs, 'utf8') : null;
  };
}

function cmdCheck(args: string[]): number {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
  if (positionals.length === 0) throw new UsageError('check needs at least one FILE.');
  let errors = 0;
  for (const file of positionals) {
    const abs = path.resolve(file);
    const root = abs.startsWith(process.cwd() + path.sep) ? process.cwd() : path.dirname(abs);
    const result = checkDocument(file, readSource(file), { readFile: fsReader(root) });
    for (const d of result.diagnostics) {
      if (d.severity === 'info') continue;
      console.log(formatDiagnostic(d));
      if (d.severity === 'error') errors++;
    }
  }
  if (errors > 0) console.error(`${errors} error(s).`);
  return errors > 0 ? EXIT.inputErrors : EXIT.ok;
}

async function cmdRun(args: string[]): Promise<number> {
  // Loaded on demand: the store (native SQLite), the run manager and the protocol are not needed by
  // check, fmt or energy, whose start-up time matters (esbuild splits them into their own chunks).
  const [{ STORE_DIR, storePath }, { RunManager }, { RpcError }, { openStore }] = await Promise.all([
    import('../host/project'),
    import('../host/runs'),
    import('../protocol'),
    import('../store'),
  ]);
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      experiment: { type: 'string' },
      epochs: { type: 'string' },
      'train-limit': { type: 'string' },
      'test-limit': { type: 'string' },
      seed: { type: 'string' },
      project: { type: 'string' },
      sweep: { type: 'string' },
      jobs: { type: 'string' },
      json: { type: 'boolean', default: false },
      rerun: { type: 'string' },
      'resume-sweep': { type: 'string' },
    },
  });
  // --rerun ID / --resume-sweep ID: the store has everything the run needs (DSL, seed, overrides).
  const recorded = values.rerun ?? values['resume-sweep'];
  if (recorded !== undefined) {
    if (values.rerun !== undefined && values['resume-sweep'] !== undefined) {
      throw new UsageError('Give either --rerun or --resume-sweep, not both.');
    }
    const flag = values.rerun !== undefined ? '--rerun' : '--resume-sweep';
    const clashing = ['experiment', 'epochs', 'train-limit', 'test-limit', 'seed', 'sweep'].filter(
      (k) => values[k as keyof typeof values] !== undefined,
    );
    if (positionals.length > 0 || clashing.length > 0) {
      throw new UsageError(
        `${flag} runs what the store recorded, so it takes no FILE${clashing.length > 0 ? ` and no --${clashing.join(', --')}` : ''}; only --project, --jobs and --json.`,
      );
    }
    if (recorded === '') throw new UsageError(`${flag} needs a run or sweep id.`);
  }
  const [file, ...extra] = positionals;
  if (recorded === undefined && (!file || extra.length > 0))
    throw new UsageError('run needs exactly one FILE.');
  const sweepArg = values.sweep ?? 'all';
  let sweep: 'all' | 'base' | number;
  if (sweepArg === 'all' || sweepArg === 'base') sweep = sweepArg;
  else if (/^\d+$/.test(sweepArg)) sweep = Number(sweepArg);
  else throw new UsageError(`--sweep takes all, base or a point index (0, 1, ...); got '${sweepArg}'.`);
  // Sweep points train in parallel, one worker thread each; a single run uses one job.
  const jobs = positiveInt('jobs', values.jobs) ?? os.availableParallelism();
  const overrides = {
    epochs: positiveInt('epochs', values.epochs),
    trainLimit: positiveInt('train-limit', values['train-limit']),
    testLimit: positiveInt('test-limit', values['test-limit']),
    seed: positiveInt('seed', values.seed, true),
  };
  const json = values.json ?? false;
  const bar = new ProgressBar();
  const sink: EventSink = {
    emit<E extends EventName>(event: E, payload: EventPayload<E>) {
      if (event === 'run.progress') {
        const p = payload as EventPayload<'run.progress'>;
        bar.update(p.phase, p.done, p.total, p.rate);
      } else if (event === 'run.log') {
        const p = payload as EventPayload<'run.log'>;
        bar.line(`${p.level}: ${p.message}`);
      }
    },
  };
  if (recorded !== undefined) {
    const projectDir = path.resolve(values.project ?? '.');
    if (!fs.existsSync(storePath(projectDir))) {
      console.error(
        `neurofab: no runs recorded in ${projectDir} (no ${STORE_DIR}/ there); give --project DIR.`,
      );
      return EXIT.inputErrors;
    }
    const store = openStore(storePath(projectDir));
    store.markInterrupted();
    const manager = new RunManager(store, sink, jobs, projectDir);
    let started: StartedExperiment;
    try {
      started = values.rerun !== undefined ? manager.rerun(recorded) : manager.resumeSweep(recorded);
    } catch (err) {
      store.close();
      if (err instanceof RpcError) {
        console.error(`neurofab: ${err.message}`);
        return EXIT.inputErrors;
      }
      throw err;
    }
    if (started.runs.length === 0)
      bar.line(`Sweep ${recorded}: every point has a finished run; nothing to run.`);
    else if (values.rerun === undefined) {
      bar.line(`Sweep ${recorded}: resuming ${started.runs.length} point(s), ${jobs} at a time`);
    }
    const { outcomes, interrupted } = await awaitRuns(manager, [() => started], bar);
    store.close();
    return reportOutcomes(outcomes, interrupted, projectDir, json);
  }
  const text = readSource(file!);
  const projectDir = path.resolve(values.project ?? path.dirname(file!));
  const sourceFile = path.relative(projectDir, path.resolve(file!)).split(path.sep).join('/');
  if (sourceFile.startsWith('../') || path.isAbsolute(sourceFile)) {
    throw new UsageError(
      `${file} is outside the project folder ${projectDir}; its imports and data are read from the project. ` +
        "Give --project a folder that contains the file (or leave it out: the default is the file's folder).",
    );
  }
  fs.mkdirSync(path.join(projectDir, STORE_DIR), { recursive: true });
  const store = openStore(storePath(projectDir));
  store.markInterrupted();
  const manager = new RunManager(store, sink, jobs, projectDir);

  const projectReader = fsReader(projectDir);
  const check = checkDocument(sourceFile, text, { readFile: (p) => projectReader(path.join(projectDir, p)) });
  if (check.hasErrors) {
    for (const d of check.diagnostics) if (d.severity === 'error') console.error(formatDiagnostic(d));
    store.close();
    return EXIT.inputErrors;
  }
  const experiments = values.experiment ? [values.experiment] : check.model.experiments.map((e) => e.name);
  if (experiments.length === 0) {
    store.close();
    throw new UsageError(`${file} defines no experiment.`);
  }

  let outcomes: RunOutcome[];
  let interrupted: boolean;
  try {
    ({ outcomes, interrupted } = await awaitRuns(
      manager,
      experiments.map((experiment) => () => {
        const started = manager.start({ sourceFile, text, experiment, overrides, sweep });
        if (started.sweepId) {
          bar.line(
            `Sweep ${started.sweepId}: ${experiment}, ${started.runs.length} point(s), ${jobs} at a time`,
          );
        }
        return started;
      }),
      bar,
    ));
  } catch (err) {
    if (err instanceof RpcError) {
      console.error(err.message);
      store.close();
      return EXIT.inputErrors;
    }
    throw err;
  }
  store.close();
  return reportOutcomes(outcomes, interrupted, projectDir, json);
}

/**
 * Starts each batch of runs in turn (one experiment, a re-run, a resumed sweep) and waits for its
 * runs, printing a line per run; Ctrl+C cancels them all and stops starting new batches.
 */
async function awaitRuns(
  manager: RunManager,
  batches: (() => StartedExperiment)[],
  bar: ProgressBar,
): Promise<{ outcomes: RunOutcome[]; interrupted: boolean }> {
  let interrupted = false;
  const onSignal = () => {
    interrupted = true;
    bar.line('Cancelling…');
    manager.cancelAll();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const outcomes: RunOutcome[] = [];
  try {
    for (const batch of batches) {
      if (interrupted) break;
      const started = batch();
      const ended = started.runs.map(async ({ runId, sweepPoint, done }) => {
        const label = sweepPoint
          ? `${started.experiment} [${sweepPoint.assignments.map((a) => `${a.target}.${a.field}=${a.text}`).join(', ')}]`
          : started.experiment;
        bar.line(`Run ${runId}: ${label}`);
        const outcome = await done;
        const summary = Object.entries(outcome.metrics)
          .map(([k, v]) => `${k}=${Number.isInteger(v) ? v : v.toFixed(4)}`)
          .join(' ');
        bar.line(`Run ${runId}: ${outcome.status}${outcome.error ? ` (${outcome.error})` : ''} ${summary}`);
        return outcome;
      });
      outcomes.push(...(await Promise.all(ended)));
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  return { outcomes, interrupted };
}

/** Prints the --json summary and picks the exit code (3 unless every run finished). */
function reportOutcomes(
  outcomes: RunOutcome[],
  interrupted: boolean,
  projectDir: string,
  json: boolean,
): number {
  const ok = outcomes.every((o) => o.status === 'finished') && !interrupted;
  if (json) {
    console.log(
      JSON.stringify({
        status: ok ? 'finished' : 'failed',
        project: projectDir,
        runs: outcomes.map((o) => ({
          id: o.runId,
          experiment: o.experiment,
          status: o.status,
          metrics: o.metrics,
          error: o.error,
        })),
      }),
    );
  }
  return ok ? EXIT.ok : EXIT.runFailed;
}

async function cmdServe(args: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: { port: { type: 'string' }, open: { type: 'boolean', default: false } },
  });
  if (positionals.length > 1) throw new UsageError('serve takes at most one DIR.');
  const port = positiveInt('port', values.port, true) ?? 0;
  if (port > 65535) throw new UsageError('--port must be between 0 and 65535.');
  const { openInBrowser, startServer } = await import('./serve');
  const server = await startServer({
    projectDir: positionals[0] ? path.resolve(positionals[0]) : null,
    port,
  });
  console.log(`Neurofab Studio: ${server.url}`);
  console.log('Serving on 127.0.0.1 only. Press Ctrl+C to stop.');
  if (values.open) openInBrowser(server.url);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  return EXIT.ok;
}

function cmdEnergy(args: string[]): number {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: { network: { type: 'string' }, json: { type: 'boolean', default: false } },
  });
  const [file, ...extra] = positionals;
  if (!file || extra.length > 0) throw new UsageError('energy needs exactly one FILE.');
  const abs = path.resolve(file);
  const root = abs.startsWith(process.cwd() + path.sep) ? process.cwd() : path.dirname(abs);
  const check = checkDocument(file, readSource(file), { readFile: fsReader(root) });
  if (check.hasErrors) {
    for (const d of check.diagnostics) if (d.severity === 'error') console.error(formatDiagnostic(d));
    return EXIT.inputErrors;
  }
  let report: ReturnType<typeof estimateEnergy>;
  try {
    report = estimateEnergy(check.model, values.network ? { network: values.network } : {});
  } catch (err) {
    if (err instanceof EnergyError) {
      console.error(`neurofab: ${file}: ${err.message}`);
      return EXIT.inputErrors;
    }
    throw err;
  }
  console.log(values.json ? JSON.stringify(report, null, 2) : formatReport(report));
  return EXIT.ok;
}

async function cmdBench(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { json: { type: 'boolean', default: false }, quick: { type: 'boolean', default: false } },
  });
  // The orchestration lives in bench/index.ts; --json also writes bench/results.json.
  const { benchCommand } = await import('../../bench/index');
  await benchCommand({ quick: values.quick ?? false, json: values.json ?? false });
  return EXIT.ok;
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'check':
        return cmdCheck(rest);
      case 'fmt':
        return cmdFmt(rest);
      case 'run':
        return await cmdRun(rest);
      case 'serve':
        return await cmdServe(rest);
      case 'bench':
        return await cmdBench(rest);
      case 'energy':
        return cmdEnergy(rest);
      case 'runs': {
        const { cmdRuns } = await import('./runs-cmd');
        return await cmdRuns(rest);
      }
      case 'sweep': {
        const { cmdSweep } = await import('./sweep-cmd');
        return await cmdSweep(rest);
      }
      case 'store': {
        const { cmdStore } = await import('./store-cmd');
        return await cmdStore(rest);
      }
      case 'report': {
        const { cmdReport } = await import('./report-cmd');
        return await cmdReport(rest);
      }
      case 'nir': {
        // Loaded on demand: h5wasm is 4 MB of WASM the other commands do not need.
        const { cmdNir } = await import('../nir/cli');
        return await cmdNir(rest);
      }
      case '--version':
      case '-v':
        console.log(ENGINE_VERSION);
        return EXIT.ok;
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        console.log(USAGE);
        return command === undefined ? EXIT.usage : EXIT.ok;
      default:
        throw new UsageError(`Unknown command "${command}".`);
    }
  } catch (err) {
    if (err instanceof NotUtf8Error) {
      console.error(`neurofab: ${err.message}`);
      return EXIT.inputErrors;
    }
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`neurofab: ${(err as Error).message}\n\n${USAGE}`);
      return EXIT.usage;
    }
    throw err;
  }
}
