// A real one-node Slurm cluster on localhost for the integration test: munged, slurmctld and
// slurmd from Debian's slurm-wlm, each with its own state, sockets and ports under a temp folder,
// so it neither needs nor touches a system-wide Slurm. Needs root (slurmd launches jobs as users).
import { execFileSync, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface LocalCluster {
  dir: string;
  /** Environment for Slurm's commands (SLURM_CONF points at this cluster). */
  env: NodeJS.ProcessEnv;
  stop(): void;
}

const DAEMONS = ['munged', 'slurmctld', 'slurmd'];
const COMMANDS = ['sbatch', 'squeue', 'scancel', 'sinfo'];

function which(program: string): string | null {
  const r = spawnSync('sh', ['-c', `command -v ${program} || ls /usr/sbin/${program} 2>/dev/null`], {
    encoding: 'utf8',
  });
  const out = r.stdout.trim().split('\n')[0];
  return r.status === 0 && out ? out : null;
}

/** Why this machine cannot run the local cluster, or null when it can. */
export function clusterUnavailableReason(): string | null {
  const missing = [...DAEMONS, ...COMMANDS].filter((p) => which(p) === null);
  if (missing.length > 0)
    return `Slurm is not installed (missing ${missing.join(', ')}; apt-get install slurm-wlm munge)`;
  if (process.getuid?.() !== 0)
    return 'the one-node Slurm cluster needs root (slurmd launches jobs as their users)';
  return null;
}

function freePortBase(): number {
  // Two adjacent ports for slurmctld and slurmd, away from the usual 6817/6818.
  return 20000 + crypto.randomInt(0, 20000) * 2;
}

export async function startLocalCluster(): Promise<LocalCluster> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'neurofab-slurm-'));
  for (const sub of ['state', 'spool', 'log', 'munge']) fs.mkdirSync(path.join(dir, sub));
  const host = os.hostname().split('.')[0]!;
  const key = path.join(dir, 'munge', 'munge.key');
  fs.writeFileSync(key, crypto.randomBytes(1024), { mode: 0o400 });
  const socket = path.join(dir, 'munge', 'munge.socket');
  execFileSync(which('munged')!, [
    '--force',
    `--key-file=${key}`,
    `--socket=${socket}`,
    `--pid-file=${path.join(dir, 'munge', 'munged.pid')}`,
    `--log-file=${path.join(dir, 'munge', 'munged.log')}`,
    `--seed-file=${path.join(dir, 'munge', 'seed')}`,
  ]);
  const port = freePortBase();
  const conf = path.join(dir, 'slurm.conf');
  fs.writeFileSync(
    conf,
    `ClusterName=neurofab-test
SlurmctldHost=${host}(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=${socket}
CredType=cred/munge
StateSaveLocation=${dir}/state
SlurmdSpoolDir=${dir}/spool
SlurmctldPidFile=${dir}/slurmctld.pid
SlurmdPidFile=${dir}/slurmd.pid
SlurmctldLogFile=${dir}/log/slurmctld.log
SlurmdLogFile=${dir}/log/slurmd.log
SlurmctldPort=${port}
SlurmdPort=${port + 1}
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
ReturnToService=2
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SwitchType=switch/none
KillWait=5
NodeName=${host} NodeAddr=127.0.0.1 CPUs=${os.availableParallelism()} State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
`,
  );
  const env = { ...process.env, SLURM_CONF: conf };
  const stop = () => {
    for (const pidFile of ['slurmd.pid', 'slurmctld.pid', 'munge/munged.pid']) {
      let pid: number;
      try {
        pid = Number(fs.readFileSync(path.join(dir, pidFile), 'utf8').trim());
        process.kill(pid, 'SIGTERM');
      } catch {
        continue; // never started, or already gone
      }
      // Wait (up to 10 s) for the daemon to exit, so the folder can be removed and ports reused.
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline) {
        try {
          process.kill(pid, 0);
        } catch {
          break;
        }
        spawnSync('sleep', ['0.1']);
      }
    }
  };
  try {
    execFileSync(which('slurmctld')!, ['-c'], { env });
    execFileSync(which('slurmd')!, [], { env });
    // The node registers with the controller within a few seconds; jobs wait for it otherwise.
    const deadline = Date.now() + 30_000;
    for (;;) {
      const r = spawnSync('sinfo', ['-h', '-o', '%t'], { env, encoding: 'utf8' });
      if (r.status === 0 && /idle|mix|alloc/.test(r.stdout)) break;
      if (Date.now() > deadline) {
        throw new Error(
          `the local Slurm node did not come up: sinfo says "${r.stdout.trim()}" ${r.stderr.trim()}\n` +
            fs.readFileSync(path.join(dir, 'log', 'slurmctld.log'), 'utf8').slice(-2000),
        );
      }
      await new Promise((r) => setTimeout(r, 300));
    }
  } catch (err) {
    stop();
    throw err;
  }
  return { dir, env, stop };
}

export interface LocalSshd {
  /** NEUROFAB_SSH_COMMAND value that reaches this server as host `HOST_ALIAS`. */
  sshCommand: string;
  host: string;
  stop(): void;
}

/** Why no SSH server can be started here, or null. */
export function sshdUnavailableReason(): string | null {
  if (!fs.existsSync('/usr/sbin/sshd')) return 'no SSH server (apt-get install openssh-server)';
  if (which('ssh-keygen') === null || which('ssh') === null) return 'no OpenSSH client';
  return null;
}

/**
 * A real sshd on a random loopback port with its own host key and one authorised key, whose
 * sessions get SLURM_CONF of `cluster`: the "login node" of the SSH test is this machine.
 */
export async function startLocalSshd(cluster: LocalCluster): Promise<LocalSshd> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'neurofab-sshd-'));
  const keygen = (file: string) => execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', file]);
  keygen(path.join(dir, 'host_key'));
  keygen(path.join(dir, 'client_key'));
  fs.copyFileSync(path.join(dir, 'client_key.pub'), path.join(dir, 'authorized_keys'));
  const port = 40000 + crypto.randomInt(0, 20000);
  fs.mkdirSync('/run/sshd', { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'sshd_config'),
    `Port ${port}
ListenAddress 127.0.0.1
HostKey ${dir}/host_key
PidFile ${dir}/sshd.pid
AuthorizedKeysFile ${dir}/authorized_keys
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
StrictModes no
UsePAM no
SetEnv SLURM_CONF=${cluster.env.SLURM_CONF}
`,
  );
  execFileSync('/usr/sbin/sshd', ['-f', path.join(dir, 'sshd_config'), '-E', path.join(dir, 'sshd.log')]);
  const host = 'neurofab-test-login';
  fs.writeFileSync(
    path.join(dir, 'ssh_config'),
    `Host ${host}
  HostName 127.0.0.1
  Port ${port}
  User ${os.userInfo().username}
  IdentityFile ${dir}/client_key
  IdentitiesOnly yes
  StrictHostKeyChecking no
  UserKnownHostsFile /dev/null
  LogLevel ERROR
`,
  );
  const sshCommand = `ssh -F ${path.join(dir, 'ssh_config')}`;
  const stop = () => {
    try {
      process.kill(Number(fs.readFileSync(path.join(dir, 'sshd.pid'), 'utf8').trim()), 'SIGTERM');
    } catch {
      // already gone
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 15_000;
  for (;;) {
    const r = spawnSync('sh', ['-c', `${sshCommand} -o BatchMode=yes ${host} -- echo ok`], {
      encoding: 'utf8',
    });
    if (r.stdout.trim() === 'ok') break;
    if (Date.now() > deadline) {
      stop();
      throw new Error(`the test SSH server did not answer: ${r.stderr.trim()}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { sshCommand, host, stop };
}
