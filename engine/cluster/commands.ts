// Runs Slurm's commands on the login node: here (the engine runs on it) or over SSH with the
// user's own ~/.ssh/config (keys, jump hosts, ControlMaster). BatchMode makes SSH fail with a
// message instead of waiting for a password nobody can type into the studio.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ClusterError, type ClusterTarget } from './manifest';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** POSIX shell quoting: the argument as one word, whatever it contains. */
export function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function shellJoin(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ');
}

const SSH_OPTIONS = ['-o', 'BatchMode=yes', '-o', 'ConnectTimeout=15'];

/**
 * The SSH client: `ssh`, or NEUROFAB_SSH_COMMAND (like Git's GIT_SSH_COMMAND), e.g.
 * `ssh -F ~/.ssh/cluster_config` or `ssh -i ~/.ssh/cluster_key`. Split on whitespace.
 */
function sshArgv(): string[] {
  const custom = process.env.NEUROFAB_SSH_COMMAND?.trim();
  return custom ? custom.split(/\s+/) : ['ssh'];
}

/** Runs argv on the target. A missing program is reported as a ClusterError naming it. */
export function runCommand(
  target: ClusterTarget,
  argv: readonly string[],
  timeoutMs = 60_000,
): CommandResult {
  const [program, args] =
    target.kind === 'local'
      ? [argv[0]!, argv.slice(1)]
      : [sshArgv()[0]!, [...sshArgv().slice(1), ...SSH_OPTIONS, target.host, '--', shellJoin(argv)]];
  const r = spawnSync(program, args, { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
  if (r.error) {
    const code = (r.error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new ClusterError(
        target.kind === 'local'
          ? `${program} was not found on this machine. Slurm's commands (sbatch, squeue, scancel) must be on PATH here, or give --ssh HOST to reach the cluster's login node.`
          : 'ssh was not found on this machine; install an OpenSSH client.',
      );
    }
    if (code === 'ETIMEDOUT')
      throw new ClusterError(`${shellJoin(argv)} did not answer within ${timeoutMs / 1000} s.`);
    throw new ClusterError(`${shellJoin(argv)} could not be run: ${r.error.message}`);
  }
  return { code: r.status ?? 1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** Like runCommand, but a non-zero exit is an error carrying the command's stderr. */
export function mustRun(target: ClusterTarget, argv: readonly string[], timeoutMs?: number): string {
  const r = runCommand(target, argv, timeoutMs);
  if (r.code !== 0) {
    const where = target.kind === 'ssh' ? ` on ${target.host}` : '';
    throw new ClusterError(
      `${shellJoin(argv)} failed${where} (exit ${r.code}): ${r.stderr.trim() || r.stdout.trim()}`,
    );
  }
  return r.stdout;
}

// Files travel as tar streams through the same SSH connection settings: no scp/rsync quirks with
// trailing slashes, and one round trip per copy.
function tarOverSsh(target: Extract<ClusterTarget, { kind: 'ssh' }>, pipeline: string): void {
  const r = spawnSync('sh', ['-c', pipeline], { encoding: 'utf8', timeout: 600_000 });
  if (r.error || r.status !== 0) {
    throw new ClusterError(
      `copying files with ${target.host} failed: ${(r.stderr ?? '').trim() || r.error?.message || `exit ${r.status}`}`,
    );
  }
}

const sshPrefix = (host: string) => shellJoin([...sshArgv(), ...SSH_OPTIONS, host, '--']);

/** Copies a local directory's contents into the remote job directory (SSH targets only). */
export function copyUp(target: ClusterTarget, localDir: string): void {
  if (target.kind !== 'ssh') return;
  const remote = `mkdir -p ${shellQuote(target.remoteDir)} && tar -C ${shellQuote(target.remoteDir)} -xf -`;
  tarOverSsh(
    target,
    `tar -C ${shellQuote(localDir)} -cf - . | ${sshPrefix(target.host)} ${shellQuote(remote)}`,
  );
}

/**
 * Brings the remote tasks/ and logs/ folders back into the local job directory (SSH targets only).
 * The local copies are replaced, not merged: a copy taken while a task ran holds SQLite's -wal and
 * -shm files, and a stale WAL left beside the final database would be replayed over it.
 */
export function copyDown(target: ClusterTarget, localDir: string): void {
  if (target.kind !== 'ssh') return;
  const staging = fs.mkdtempSync(path.join(localDir, '.download-'));
  try {
    // Folders a sweep has not produced yet are skipped rather than failing the copy.
    const remote = `cd ${shellQuote(target.remoteDir)} && tar -cf - $(ls -d tasks logs 2>/dev/null)`;
    tarOverSsh(
      target,
      `${sshPrefix(target.host)} ${shellQuote(remote)} | tar -C ${shellQuote(staging)} -xf -`,
    );
    for (const sub of ['tasks', 'logs']) {
      if (!fs.existsSync(path.join(staging, sub))) continue;
      fs.rmSync(path.join(localDir, sub), { recursive: true, force: true });
      fs.renameSync(path.join(staging, sub), path.join(localDir, sub));
    }
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}
