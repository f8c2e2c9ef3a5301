// Prepares a sweep's self-contained job directory: the DSL snapshot and data files under
// project/, the manifest of points, and an sbatch array script whose task i runs point i with
// `neurofab run --sweep i` into its own store under tasks/i/ (no two tasks share a SQLite file,
// which matters on the network file systems clusters use).
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkDocument, formatDiagnostic } from '../dsl';
import { expandSweeps } from '../host/sweep';
import type { RunOverrides } from '../protocol/schema';
import { ENGINE_VERSION } from '../version';
import { shellQuote } from './commands';
import {
  ClusterError,
  type ClusterTarget,
  MANIFEST_FILE,
  type Manifest,
  SCRIPT_FILE,
  type SlurmOptions,
  writeManifest,
} from './manifest';

export const CLUSTER_DIR = path.join('.neurofab', 'cluster');

export interface PrepareOptions {
  /** The studio project folder; the source and every file it reads must be inside it. */
  projectDir: string;
  /** The .nfab file, absolute or relative to the current directory. */
  file: string;
  /** The file's text when it differs from the disk (an unsaved editor buffer). */
  text?: string;
  experiment?: string;
  overrides: RunOverrides;
  slurm: SlurmOptions;
  target: ClusterTarget;
  /** The shell command that runs neurofab on a compute node. */
  neurofab: string;
}

/**
 * The command that runs this very installation: node and bin/neurofab.js by absolute path. This
 * module sits two folders below the root both as source (engine/cluster/) and bundled (out/engine/).
 */
export function defaultNeurofabCommand(): string {
  const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'neurofab.js');
  return `${shellQuote(process.execPath)} ${shellQuote(bin)}`;
}

function insideProject(projectDir: string, abs: string, what: string): string {
  const rel = path.relative(projectDir, abs);
  if (rel.startsWith('..') || path.isAbsolute(rel)) {
    throw new ClusterError(
      `${what} ${abs} is outside the project folder ${projectDir}; a job directory copies the project's files only.`,
    );
  }
  return rel.split(path.sep).join('/');
}

/** Writes the job directory and returns its manifest (no submission yet). */
export function prepareJobDir(options: PrepareOptions): { jobDir: string; manifest: Manifest } {
  const projectDir = fs.realpathSync(path.resolve(options.projectDir));
  const sourceAbs = fs.realpathSync(path.resolve(options.file));
  const sourceFile = insideProject(projectDir, sourceAbs, 'The source');
  const read = new Set<string>([sourceFile]);
  const sourceText = options.text ?? fs.readFileSync(sourceAbs, 'utf8');
  const check = checkDocument(sourceFile, sourceText, {
    readFile: (p) => {
      const abs = path.resolve(projectDir, p);
      if (!fs.existsSync(abs) || !fs.statSync(abs).isFile()) return null;
      read.add(insideProject(projectDir, abs, 'The import'));
      return fs.readFileSync(abs, 'utf8');
    },
  });
  if (check.hasErrors) {
    const errors = check.diagnostics.filter((d) => d.severity === 'error');
    throw new ClusterError(
      `${sourceFile} has ${errors.length} error(s):\n${errors.slice(0, 10).map(formatDiagnostic).join('\n')}`,
    );
  }
  const names = check.model.experiments.map((e) => e.name);
  const experiment = options.experiment ?? names[0];
  const exp = check.model.experiments.find((e) => e.name === experiment);
  if (!experiment || !exp) {
    throw new ClusterError(
      options.experiment
        ? `No experiment "${options.experiment}" in ${sourceFile}. It defines: ${names.join(', ') || 'none'}.`
        : `${sourceFile} defines no experiment.`,
    );
  }
  const points = expandSweeps(exp.sweeps ?? []);
  if (points.length === 0) {
    throw new ClusterError(
      `Experiment "${experiment}" has no sweep; a cluster submission runs a sweep's points (add \`sweep dev.field in [...]\`).`,
    );
  }
  const data = exp.datasetFiles;
  if (data) {
    const paths =
      data.format === 'csv' ? [data.train, data.test] : [data.trainX, data.trainY, data.testX, data.testY];
    for (const p of paths)
      read.add(insideProject(projectDir, fs.realpathSync(path.resolve(projectDir, p)), 'The data file'));
  }

  const sweepId = `${experiment}-${randomUUID().slice(0, 8)}`;
  const jobDir = path.join(projectDir, CLUSTER_DIR, sweepId);
  fs.mkdirSync(path.join(jobDir, 'logs'), { recursive: true });
  fs.mkdirSync(path.join(jobDir, 'tasks'), { recursive: true });
  const files = [...read].sort();
  for (const rel of files) {
    const to = path.join(jobDir, 'project', rel);
    fs.mkdirSync(path.dirname(to), { recursive: true });
    if (rel === sourceFile) fs.writeFileSync(to, sourceText);
    else fs.copyFileSync(path.join(projectDir, rel), to);
  }
  const manifest: Manifest = {
    format: 1,
    sweepId,
    experiment,
    sourceFile,
    files,
    points,
    overrides: options.overrides,
    engineVersion: ENGINE_VERSION,
    createdAt: Date.now(),
    neurofab: options.neurofab,
    slurm: options.slurm,
    target: options.target,
    submissions: [],
  };
  writeManifest(jobDir, manifest);
  const clusterDir = options.target.kind === 'ssh' ? options.target.remoteDir : jobDir;
  fs.writeFileSync(path.join(jobDir, SCRIPT_FILE), sbatchScript(manifest, clusterDir), { mode: 0o755 });
  return { jobDir, manifest };
}

/** The run's CLI flags for the recorded overrides, so a task trains exactly what was asked. */
function overrideFlags(o: RunOverrides): string[] {
  const flags: string[] = [];
  if (o.epochs !== undefined) flags.push('--epochs', String(o.epochs));
  if (o.trainLimit !== undefined) flags.push('--train-limit', String(o.trainLimit));
  if (o.testLimit !== undefined) flags.push('--test-limit', String(o.testLimit));
  if (o.seed !== undefined) flags.push('--seed', String(o.seed));
  return flags;
}

/**
 * The array job. `jobDir` is the directory as the compute nodes see it. The array range here is
 * the whole sweep; a resubmission overrides it on sbatch's command line with the failed indices.
 */
export function sbatchScript(m: Manifest, jobDir: string): string {
  const q = shellQuote;
  const last = m.points.length - 1;
  const directives = [
    `#SBATCH --job-name=${q(`neurofab-${m.sweepId}`)}`,
    `#SBATCH --array=0-${last}`,
    `#SBATCH --output=${q(path.posix.join(jobDir, 'logs', 'task-%a.out'))}`,
    `#SBATCH --error=${q(path.posix.join(jobDir, 'logs', 'task-%a.err'))}`,
    `#SBATCH --cpus-per-task=${m.slurm.cpus}`,
    ...(m.slurm.time ? [`#SBATCH --time=${q(m.slurm.time)}`] : []),
    ...(m.slurm.partition ? [`#SBATCH --partition=${q(m.slurm.partition)}`] : []),
  ];
  const runArgs = [
    'run',
    `"$T"/${q(m.sourceFile)}`,
    '--experiment',
    q(m.experiment),
    '--sweep',
    '"$I"',
    '--project',
    '"$T"',
    '--jobs',
    '1',
    '--json',
    ...overrideFlags(m.overrides).map(q),
  ];
  return `#!/bin/bash
# Neurofab Studio sweep ${m.sweepId}: experiment ${m.experiment} of ${m.sourceFile}, ${m.points.length} point(s).
# Written by \`neurofab sweep submit\`; task i trains sweep point i into tasks/i/ (see manifest.json).
${directives.join('\n')}
set -u
JOBDIR=${q(jobDir)}
I="$SLURM_ARRAY_TASK_ID"
T="$JOBDIR/tasks/$I"
rm -rf "$T"
mkdir -p "$T"
cp -R "$JOBDIR/project/." "$T/"
STARTED=$(date +%s%3N)
${m.neurofab} ${runArgs.join(' ')} > "$T/result.json"
CODE=$?
ENDED=$(date +%s%3N)
# The status file is renamed into place, so a reader never sees half of it.
printf '{"index":%d,"exitCode":%d,"node":"%s","jobId":"%s","arrayJobId":"%s","startedAt":%s,"endedAt":%s}\\n' \\
  "$I" "$CODE" "$(hostname)" "$SLURM_JOB_ID" "$SLURM_ARRAY_JOB_ID" "$STARTED" "$ENDED" > "$T/status.json.tmp"
mv "$T/status.json.tmp" "$T/status.json"
exit "$CODE"
`;
}

export function jobDirOf(projectDir: string, sweepId: string): string {
  if (!/^[A-Za-z0-9_.-]+$/.test(sweepId))
    throw new ClusterError(`"${sweepId}" is not a sweep id (letters, digits, '_', '-', '.').`);
  const dir = path.join(path.resolve(projectDir), CLUSTER_DIR, sweepId);
  if (!fs.existsSync(path.join(dir, MANIFEST_FILE))) {
    const known = fs.existsSync(path.join(projectDir, CLUSTER_DIR))
      ? fs.readdirSync(path.join(projectDir, CLUSTER_DIR))
      : [];
    throw new ClusterError(
      `No cluster sweep ${sweepId} in ${projectDir}.${known.length ? ` Known: ${known.join(', ')}.` : ' None has been submitted from this project.'}`,
    );
  }
  return dir;
}
