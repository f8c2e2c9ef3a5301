// What the CLI (`neurofab sweep ...`) and the studio (cluster.* RPCs) both do with a cluster
// sweep: submit (or dry-run) it, list where every point stands, collect and resubmit.
import fs from 'node:fs';
import path from 'node:path';
import type { Store } from '../store';
import { type CollectResult, collectSweep } from './collect';
import { shellJoin } from './commands';
import { CLUSTER_DIR, defaultNeurofabCommand, jobDirOf, type PrepareOptions, prepareJobDir } from './jobdir';
import { type Manifest, readManifest, SCRIPT_FILE } from './manifest';
import { type PointStatus, sbatchCommand, submit, sweepStatus } from './slurm';

/** What prepareJobDir needs, with the node command optional (a default per target) and dry-run. */
export interface SubmitRequest extends Omit<PrepareOptions, 'neurofab'> {
  neurofab?: string;
  dryRun: boolean;
}

export interface SubmitOutcome {
  manifest: Manifest;
  jobDir: string;
  /** null for a dry run (whose job directory is removed again). */
  jobId: string | null;
  command: string;
  script: string;
}

export function submitSweep(request: SubmitRequest): SubmitOutcome {
  const { jobDir, manifest } = prepareJobDir({
    projectDir: request.projectDir,
    file: request.file,
    ...(request.text !== undefined ? { text: request.text } : {}),
    ...(request.experiment ? { experiment: request.experiment } : {}),
    overrides: request.overrides,
    slurm: request.slurm,
    target: request.target,
    neurofab: request.neurofab ?? (request.target.kind === 'ssh' ? 'neurofab' : defaultNeurofabCommand()),
  });
  const command = shellJoin(sbatchCommand(manifest, jobDir));
  const script = fs.readFileSync(path.join(jobDir, SCRIPT_FILE), 'utf8');
  if (request.dryRun) {
    // A dry run prepares the job directory like a real one, so the script shown is exact, then removes it.
    fs.rmSync(jobDir, { recursive: true, force: true });
    return { manifest, jobDir, jobId: null, command, script };
  }
  const submission = submit(manifest, jobDir);
  return { manifest, jobDir, jobId: submission.jobId, command, script };
}

export function pointLabel(m: Manifest, index: number): string {
  return (m.points[index]?.assignments ?? []).map((a) => `${a.target}.${a.field}=${a.text}`).join(', ');
}

/** The project's cluster sweeps, newest first. */
export function clusterSweepIds(projectDir: string): string[] {
  const dir = path.join(projectDir, CLUSTER_DIR);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && fs.existsSync(path.join(dir, e.name, 'manifest.json')))
    .map((e) => e.name)
    .sort((a, b) => fs.statSync(path.join(dir, b)).mtimeMs - fs.statSync(path.join(dir, a)).mtimeMs);
}

export function loadSweep(projectDir: string, sweepId: string): { jobDir: string; manifest: Manifest } {
  const jobDir = jobDirOf(projectDir, sweepId);
  return { jobDir, manifest: readManifest(jobDir) };
}

export interface CollectOutcome extends CollectResult {
  statuses: PointStatus[];
  failed: number[];
  resubmittedJobId: string | null;
}

export function collectAndResubmit(
  store: Store,
  projectDir: string,
  sweepId: string,
  resubmitFailed: boolean,
): CollectOutcome {
  const { jobDir, manifest } = loadSweep(projectDir, sweepId);
  const statuses = sweepStatus(manifest, jobDir);
  const result = collectSweep(store, manifest, jobDir, statuses);
  const failed = statuses.filter((s) => s.state === 'failed').map((s) => s.index);
  const resubmittedJobId =
    resubmitFailed && failed.length > 0 ? submit(manifest, jobDir, failed).jobId : null;
  return { ...result, statuses, failed, resubmittedJobId };
}
