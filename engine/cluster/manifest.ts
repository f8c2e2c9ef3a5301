// A cluster sweep's job directory is self-contained: the DSL snapshot (and any data files) under
// project/, this manifest, the sbatch script, and one folder per task for its result store. The
// manifest is the record `sweep status` and `sweep collect` read back, so it is validated on read.
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { RunOverridesSchema } from '../protocol/schema';

export const MANIFEST_FILE = 'manifest.json';
export const SCRIPT_FILE = 'sweep.sbatch';

const AssignmentSchema = z.object({
  target: z.string(),
  field: z.string(),
  value: z.union([z.number(), z.string()]),
  text: z.string(),
});

export const SlurmOptionsSchema = z.object({
  partition: z.string().nullable(),
  /** sbatch --time, e.g. "00:30:00". */
  time: z.string().nullable(),
  cpus: z.number().int().positive(),
});
export type SlurmOptions = z.infer<typeof SlurmOptionsSchema>;

/** Where the job directory lives and how commands reach the login node. */
export const TargetSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('local') }),
  /** `ssh host` with the user's own ~/.ssh/config; remoteDir is the job directory on the cluster. */
  z.object({ kind: z.literal('ssh'), host: z.string(), remoteDir: z.string() }),
]);
export type ClusterTarget = z.infer<typeof TargetSchema>;

/** One sbatch submission: the array job id and the point indices it ran. */
export const SubmissionSchema = z.object({
  jobId: z.string(),
  indices: z.array(z.number().int().nonnegative()),
  submittedAt: z.number(),
});
export type Submission = z.infer<typeof SubmissionSchema>;

export const ManifestSchema = z.object({
  format: z.literal(1),
  sweepId: z.string(),
  experiment: z.string(),
  /** The experiment's source, relative to project/ (and to the studio project it came from). */
  sourceFile: z.string(),
  /** Files copied into project/ (DSL sources read by the check, data files the experiment reads). */
  files: z.array(z.string()),
  points: z.array(
    z.object({ index: z.number().int().nonnegative(), assignments: z.array(AssignmentSchema) }),
  ),
  overrides: RunOverridesSchema,
  engineVersion: z.string(),
  createdAt: z.number(),
  /** The command that runs neurofab on a compute node. */
  neurofab: z.string(),
  slurm: SlurmOptionsSchema,
  target: TargetSchema,
  submissions: z.array(SubmissionSchema),
});
export type Manifest = z.infer<typeof ManifestSchema>;

/** What a task writes when its run ends (the sbatch script writes it after neurofab exits). */
export const TaskStatusSchema = z.object({
  index: z.number().int().nonnegative(),
  exitCode: z.number().int(),
  node: z.string(),
  jobId: z.string(),
  arrayJobId: z.string(),
  startedAt: z.number(),
  endedAt: z.number(),
});
export type TaskStatus = z.infer<typeof TaskStatusSchema>;

export class ClusterError extends Error {}

export function readManifest(jobDir: string): Manifest {
  const file = path.join(jobDir, MANIFEST_FILE);
  if (!fs.existsSync(file)) {
    throw new ClusterError(`${jobDir} has no ${MANIFEST_FILE}; is it a cluster sweep's job directory?`);
  }
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ClusterError(`${file} is not valid JSON: ${(err as Error).message}`);
  }
  const parsed = ManifestSchema.safeParse(json);
  if (!parsed.success) {
    throw new ClusterError(
      `${file} is not a sweep manifest this studio understands: ${parsed.error.issues
        .slice(0, 3)
        .map((i) => `${i.path.join('.')}: ${i.message}`)
        .join('; ')}`,
    );
  }
  return parsed.data;
}

/** Written to a temp file and renamed, so a reader never sees half a manifest. */
export function writeManifest(jobDir: string, manifest: Manifest): void {
  const file = path.join(jobDir, MANIFEST_FILE);
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, `${JSON.stringify(manifest, null, 2)}\n`);
  fs.renameSync(tmp, file);
}

export function taskDir(jobDir: string, index: number): string {
  return path.join(jobDir, 'tasks', String(index));
}

/** The task's status file, or null when it has none (still running, or killed before writing it). */
export function readTaskStatus(jobDir: string, index: number): TaskStatus | null {
  const file = path.join(taskDir(jobDir, index), 'status.json');
  if (!fs.existsSync(file)) return null;
  try {
    const parsed = TaskStatusSchema.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** The last lines of a task's stderr, for failure reports. */
export function stderrTail(jobDir: string, index: number, lines = 15): string {
  const file = path.join(jobDir, 'logs', `task-${index}.err`);
  if (!fs.existsSync(file)) return '(no stderr file)';
  const text = fs.readFileSync(file, 'utf8').trimEnd();
  return text ? text.split('\n').slice(-lines).join('\n') : '(stderr is empty)';
}
