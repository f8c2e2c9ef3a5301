// Submitting a sweep's array job and reading where each point stands. Slurm's own accounting
// (sacct) needs slurmdbd, which many small clusters do not run, so a point's outcome comes from
// the status file its task writes; squeue says what is still queued or running.
import path from 'node:path';
import { copyDown, copyUp, mustRun, runCommand } from './commands';
import {
  ClusterError,
  type Manifest,
  readTaskStatus,
  SCRIPT_FILE,
  type Submission,
  stderrTail,
  writeManifest,
} from './manifest';

export type PointState = 'queued' | 'running' | 'done' | 'failed' | 'unsubmitted';

export interface PointStatus {
  index: number;
  state: PointState;
  /** The array job that ran (or runs) the point, and the node it ran on. */
  jobId: string | null;
  node: string | null;
  exitCode: number | null;
  /** Why a point failed, with its stderr tail. */
  reason: string | null;
}

/** Where the job directory is on the cluster (the compute nodes' view). */
export function clusterJobDir(m: Manifest, localJobDir: string): string {
  return m.target.kind === 'ssh' ? m.target.remoteDir : localJobDir;
}

/** The sbatch command line; `indices` narrows the array to those points (a resubmission). */
export function sbatchCommand(m: Manifest, localJobDir: string, indices?: readonly number[]): string[] {
  const script = path.posix.join(clusterJobDir(m, localJobDir), SCRIPT_FILE);
  return ['sbatch', '--parsable', ...(indices ? [`--array=${compressIndices(indices)}`] : []), script];
}

/** 0,1,2,5,7,8 → "0-2,5,7-8" (sbatch's --array syntax). */
export function compressIndices(indices: readonly number[]): string {
  const sorted = [...new Set(indices)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(i === j ? String(sorted[i]) : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

/** Submits the points (all, or the given indices) and records the submission in the manifest. */
export function submit(m: Manifest, jobDir: string, indices?: readonly number[]): Submission {
  if (indices && indices.length === 0) throw new ClusterError('Nothing to submit: no point was given.');
  copyUp(m.target, jobDir);
  const out = mustRun(m.target, sbatchCommand(m, jobDir, indices)).trim();
  // --parsable prints "jobid" or "jobid;cluster".
  const jobId = out.split(';')[0]!.trim();
  if (!/^\d+$/.test(jobId)) throw new ClusterError(`sbatch answered "${out}", not a job id.`);
  const submission: Submission = {
    jobId,
    indices: indices ? [...indices] : m.points.map((p) => p.index),
    submittedAt: Date.now(),
  };
  m.submissions.push(submission);
  writeManifest(jobDir, m);
  return submission;
}

/** squeue's view of the sweep's array jobs: point index → state and node. */
function liveTasks(
  m: Manifest,
): Map<number, { state: 'queued' | 'running'; jobId: string; node: string | null }> {
  const live = new Map<number, { state: 'queued' | 'running'; jobId: string; node: string | null }>();
  const jobIds = m.submissions.map((s) => s.jobId);
  if (jobIds.length === 0) return live;
  // -r lists array tasks one per line; %F array job id, %K task index, %T state, %N node.
  const r = runCommand(m.target, ['squeue', '-h', '-r', '-j', jobIds.join(','), '-o', '%F|%K|%T|%N']);
  if (r.code !== 0) {
    // squeue exits non-zero when every listed job has left the queue ("Invalid job id").
    if (/invalid job id/i.test(r.stderr)) return live;
    throw new ClusterError(`squeue failed (exit ${r.code}): ${r.stderr.trim()}`);
  }
  for (const line of r.stdout.split('\n')) {
    const [jobId, task, state, node] = line.trim().split('|');
    if (!jobId || task === undefined || !/^\d+$/.test(task)) continue;
    const running = state === 'RUNNING' || state === 'COMPLETING' || state === 'CONFIGURING';
    live.set(Number(task), { state: running ? 'running' : 'queued', jobId, node: node || null });
  }
  return live;
}

/**
 * Where every point of the sweep stands. The queue is read before the task files (copied down
 * first for SSH targets): a task writes its status file before it leaves the queue, so a task
 * squeue no longer lists has its file by then, and is never taken for one that died.
 */
export function sweepStatus(m: Manifest, jobDir: string): PointStatus[] {
  const live = liveTasks(m);
  copyDown(m.target, jobDir);
  return m.points.map(({ index }) => {
    const lastSubmission = [...m.submissions].reverse().find((s) => s.indices.includes(index)) ?? null;
    const running = live.get(index);
    if (running) {
      return {
        index,
        state: running.state,
        jobId: running.jobId,
        node: running.node,
        exitCode: null,
        reason: null,
      };
    }
    if (!lastSubmission)
      return { index, state: 'unsubmitted', jobId: null, node: null, exitCode: null, reason: null };
    const status = readTaskStatus(jobDir, index);
    // A status file from an older submission does not describe the latest attempt.
    if (status && status.arrayJobId === lastSubmission.jobId) {
      if (status.exitCode === 0) {
        return {
          index,
          state: 'done',
          jobId: status.arrayJobId,
          node: status.node,
          exitCode: 0,
          reason: null,
        };
      }
      return {
        index,
        state: 'failed',
        jobId: status.arrayJobId,
        node: status.node,
        exitCode: status.exitCode,
        reason: `neurofab exited with ${status.exitCode}:\n${stderrTail(jobDir, index)}`,
      };
    }
    return {
      index,
      state: 'failed',
      jobId: lastSubmission.jobId,
      node: null,
      exitCode: null,
      reason: `the task left the queue without a result (cancelled, killed, or out of time):\n${stderrTail(jobDir, index)}`,
    };
  });
}
