// The studio's cluster.* RPCs over the same service the CLI uses (engine/cluster/service.ts).
import type { OpenProject } from '../host/engine';
import { resolveInProject } from '../host/project';
import { ErrorCode, type Handlers, RpcError } from '../protocol';
import { collectedRuns } from './collect';
import { ClusterError } from './manifest';
import { clusterSweepIds, collectAndResubmit, loadSweep, pointLabel, submitSweep } from './service';
import { sweepStatus } from './slurm';

type ClusterMethods = 'cluster.submit' | 'cluster.sweeps' | 'cluster.collect';

/** Cluster failures are the user's to fix (Slurm missing, SSH refused, bad file): NOT_FOUND with the message. */
function guard<T>(work: () => T): T {
  try {
    return work();
  } catch (err) {
    if (err instanceof ClusterError) throw new RpcError(ErrorCode.NotFound, err.message);
    throw err;
  }
}

export function clusterHandlers(project: () => OpenProject): Pick<Handlers, ClusterMethods> {
  return {
    'cluster.submit': (p) =>
      guard(() => {
        const { root } = project();
        const outcome = submitSweep({
          projectDir: root,
          file: resolveInProject(root, p.path),
          ...(p.text !== undefined ? { text: p.text } : {}),
          ...(p.experiment ? { experiment: p.experiment } : {}),
          overrides: p.overrides ?? {},
          slurm: {
            partition: p.slurm.partition ?? null,
            time: p.slurm.time ?? null,
            cpus: p.slurm.cpus ?? 1,
          },
          target: p.ssh ? { kind: 'ssh', host: p.ssh.host, remoteDir: p.ssh.remoteDir } : { kind: 'local' },
          ...(p.neurofab ? { neurofab: p.neurofab } : {}),
          dryRun: p.dryRun ?? false,
        });
        return {
          sweepId: outcome.manifest.sweepId,
          jobId: outcome.jobId,
          points: outcome.manifest.points.length,
          command: outcome.command,
          script: outcome.script,
        };
      }),
    'cluster.sweeps': () => {
      const { root, store } = project();
      const allRuns = store.listRuns();
      return {
        sweeps: clusterSweepIds(root).map((sweepId) => {
          const { jobDir, manifest } = loadSweep(root, sweepId);
          const runs = collectedRuns(allRuns, sweepId);
          let error: string | null = null;
          let points: ReturnType<typeof sweepStatus>;
          try {
            points = sweepStatus(manifest, jobDir);
          } catch (err) {
            // One unreachable cluster must not hide the others: report it on its sweep.
            error = err instanceof Error ? err.message : String(err);
            points = manifest.points.map((pt) => ({
              index: pt.index,
              state: manifest.submissions.some((s) => s.indices.includes(pt.index))
                ? 'queued'
                : 'unsubmitted',
              jobId: null,
              node: null,
              exitCode: null,
              reason: null,
            }));
          }
          return {
            sweepId,
            experiment: manifest.experiment,
            createdAt: manifest.createdAt,
            target: manifest.target.kind === 'ssh' ? manifest.target.host : 'local',
            error,
            points: points.map((pt) => ({
              index: pt.index,
              label: pointLabel(manifest, pt.index),
              state: pt.state,
              jobId: pt.jobId,
              node: pt.node,
              reason: pt.reason,
              runId: runs.get(pt.index) ?? null,
            })),
          };
        }),
      };
    },
    'cluster.collect': ({ sweepId, resubmitFailed }) =>
      guard(() => {
        const { root, store, runs } = project();
        const outcome = collectAndResubmit(store, root, sweepId, resubmitFailed ?? false);
        if (outcome.imported.length > 0) runs.notifyChanged();
        return {
          imported: outcome.imported,
          alreadyCollected: outcome.alreadyCollected,
          unreadable: outcome.unreadable,
          failed: outcome.failed,
          resubmittedJobId: outcome.resubmittedJobId,
        };
      }),
  };
}
