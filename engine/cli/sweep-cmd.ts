// `neurofab sweep submit|status|collect|resubmit`: a sweep's points as a Slurm array job, tracked
// and merged back into the project store (docs/cluster.md).
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ClusterError, type ClusterTarget, type Manifest } from '../cluster/manifest';
import {
  type CollectOutcome,
  collectAndResubmit,
  loadSweep,
  pointLabel,
  submitSweep,
} from '../cluster/service';
import { type PointStatus, sweepStatus } from '../cluster/slurm';
import { storePath } from '../host/project';
import { openStore } from '../store';
import { EXIT, UsageError } from './usage';

function positive(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`--${name} must be a positive integer, got "${value}".`);
  return n;
}

function cmdSubmit(args: string[]): number {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      experiment: { type: 'string' },
      slurm: { type: 'boolean', default: false },
      partition: { type: 'string' },
      time: { type: 'string' },
      cpus: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      project: { type: 'string' },
      epochs: { type: 'string' },
      'train-limit': { type: 'string' },
      'test-limit': { type: 'string' },
      seed: { type: 'string' },
      ssh: { type: 'string' },
      'remote-dir': { type: 'string' },
      neurofab: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const [file, ...extra] = positionals;
  if (!file || extra.length > 0) throw new UsageError('sweep submit needs exactly one FILE.');
  if (!values.slurm)
    throw new UsageError('sweep submit needs --slurm (Slurm is the scheduler it submits to).');
  if (!fs.existsSync(file)) throw new UsageError(`${file}: no such file.`);
  if (values.time !== undefined && !/^(\d+-)?\d+(:\d{1,2}){0,2}$/.test(values.time)) {
    throw new UsageError(
      `--time takes Slurm's format (minutes, MM:SS, HH:MM:SS or D-HH:MM:SS); got "${values.time}".`,
    );
  }
  let target: ClusterTarget = { kind: 'local' };
  if (values.ssh !== undefined) {
    if (!values['remote-dir'])
      throw new UsageError('--ssh HOST needs --remote-dir DIR: where the job directory goes on the cluster.');
    target = { kind: 'ssh', host: values.ssh, remoteDir: values['remote-dir'] };
  } else if (values['remote-dir'] !== undefined) {
    throw new UsageError('--remote-dir is only used with --ssh HOST.');
  }
  const overrides = {
    ...(values.epochs !== undefined ? { epochs: positive('epochs', values.epochs) } : {}),
    ...(values['train-limit'] !== undefined
      ? { trainLimit: positive('train-limit', values['train-limit']) }
      : {}),
    ...(values['test-limit'] !== undefined
      ? { testLimit: positive('test-limit', values['test-limit']) }
      : {}),
    ...(values.seed !== undefined ? { seed: Number(values.seed) } : {}),
  };
  if (overrides.seed !== undefined && (!Number.isInteger(overrides.seed) || overrides.seed < 0)) {
    throw new UsageError(`--seed must be a non-negative integer, got "${values.seed}".`);
  }
  const projectDir = path.resolve(values.project ?? path.dirname(file));
  const outcome = submitSweep({
    projectDir,
    file,
    ...(values.experiment ? { experiment: values.experiment } : {}),
    overrides,
    slurm: {
      partition: values.partition ?? null,
      time: values.time ?? null,
      cpus: positive('cpus', values.cpus) ?? 1,
    },
    target,
    ...(values.neurofab ? { neurofab: values.neurofab } : {}),
    dryRun: values['dry-run'] ?? false,
  });
  const { manifest, jobDir, jobId } = outcome;
  if (jobId === null) {
    console.log(
      `Would submit sweep ${manifest.sweepId}: ${manifest.points.length} point(s) of ${manifest.experiment}`,
    );
    for (const p of manifest.points) console.log(`  point ${p.index}: ${pointLabel(manifest, p.index)}`);
    console.log(`\n${target.kind === 'ssh' ? `on ${target.host}: ` : ''}${outcome.command}\n`);
    console.log(outcome.script);
    console.log('(dry run: nothing was submitted and the job directory was removed)');
    return EXIT.ok;
  }
  if (values.json) {
    console.log(JSON.stringify({ sweepId: manifest.sweepId, jobId, points: manifest.points.length, jobDir }));
  } else {
    console.log(
      `Submitted sweep ${manifest.sweepId} as Slurm job ${jobId}: ${manifest.points.length} point(s).`,
    );
    console.log(`Job directory: ${jobDir}`);
    console.log(`Follow it with: neurofab sweep status ${manifest.sweepId} --project ${projectDir}`);
  }
  return EXIT.ok;
}

function projectOf(values: { project?: string | undefined }): string {
  return path.resolve(values.project ?? process.cwd());
}

function printStatus(m: Manifest, statuses: readonly PointStatus[]): void {
  for (const s of statuses) {
    const where = [s.jobId ? `job ${s.jobId}_${s.index}` : null, s.node ? `on ${s.node}` : null]
      .filter(Boolean)
      .join(' ');
    console.log(`  point ${s.index} [${pointLabel(m, s.index)}]: ${s.state}${where ? ` (${where})` : ''}`);
  }
  const counts = new Map<string, number>();
  for (const s of statuses) counts.set(s.state, (counts.get(s.state) ?? 0) + 1);
  console.log(`${m.sweepId}: ${[...counts].map(([k, n]) => `${n} ${k}`).join(', ')}`);
}

function printFailures(statuses: readonly PointStatus[]): void {
  for (const s of statuses.filter((x) => x.state === 'failed')) {
    console.log(`\nPoint ${s.index} failed: ${s.reason}`);
  }
}

function cmdStatus(args: string[]): number {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: { project: { type: 'string' }, json: { type: 'boolean', default: false } },
  });
  const [sweepId, ...extra] = positionals;
  if (!sweepId || extra.length > 0) throw new UsageError('sweep status needs exactly one sweep ID.');
  const { jobDir, manifest: m } = loadSweep(projectOf(values), sweepId);
  const statuses = sweepStatus(m, jobDir);
  if (values.json) console.log(JSON.stringify({ sweepId, points: statuses }));
  else {
    printStatus(m, statuses);
    printFailures(statuses);
  }
  return EXIT.ok;
}

function cmdCollect(args: string[]): number {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      project: { type: 'string' },
      'resubmit-failed': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
  });
  const [sweepId, ...extra] = positionals;
  if (!sweepId || extra.length > 0) throw new UsageError('sweep collect needs exactly one sweep ID.');
  const projectDir = projectOf(values);
  fs.mkdirSync(path.dirname(storePath(projectDir)), { recursive: true });
  const store = openStore(storePath(projectDir));
  let outcome: CollectOutcome;
  try {
    outcome = collectAndResubmit(store, projectDir, sweepId, values['resubmit-failed'] ?? false);
  } finally {
    store.close();
  }
  const { statuses, failed, resubmittedJobId, ...result } = outcome;
  if (values.json) {
    const resubmitted = resubmittedJobId ? { jobId: resubmittedJobId, indices: failed } : null;
    console.log(JSON.stringify({ sweepId, ...result, failed, resubmitted }));
  } else {
    console.log(
      `${sweepId}: imported ${result.imported.length} run(s), ${result.alreadyCollected.length} already collected, ` +
        `${statuses.filter((s) => s.state === 'queued' || s.state === 'running').length} still queued or running, ${failed.length} failed.`,
    );
    for (const u of result.unreadable) console.log(`  point ${u.index}: not imported: ${u.reason}`);
    printFailures(statuses);
    if (resubmittedJobId)
      console.log(`\nResubmitted point(s) ${failed.join(', ')} as Slurm job ${resubmittedJobId}.`);
    else if (failed.length > 0)
      console.log(`\nResubmit them with: neurofab sweep collect ${sweepId} --resubmit-failed`);
  }
  return failed.length > 0 || result.unreadable.length > 0 ? EXIT.runFailed : EXIT.ok;
}

const SWEEP_USAGE = 'sweep takes submit, status or collect (see neurofab --help).';

export async function cmdSweep(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  try {
    switch (sub) {
      case 'submit':
        return cmdSubmit(rest);
      case 'status':
        return cmdStatus(rest);
      case 'collect':
        return cmdCollect(rest);
      default:
        throw new UsageError(sub ? `Unknown sweep command "${sub}". ${SWEEP_USAGE}` : SWEEP_USAGE);
    }
  } catch (err) {
    if (err instanceof ClusterError) {
      console.error(`neurofab: ${err.message}`);
      return EXIT.inputErrors;
    }
    throw err;
  }
}
