// Merges a cluster sweep's finished points into the project store as ordinary runs: same params,
// metric history (with the cluster's timestamps), DSL snapshot and artifacts, plus where they ran
// (Slurm job id, node). A point is imported once: its run carries the tag cluster_point, and a
// second collect finds it and adds nothing.
import fs from 'node:fs';
import path from 'node:path';
import { ENERGY_ARTIFACT } from '../host/runs';
import type { RunDetail, RunSummary } from '../protocol/schema';
import { SPIKES_ARTIFACT } from '../snn/record';
import { openStore, type Store } from '../store';
import { type Manifest, readTaskStatus, taskDir } from './manifest';
import type { PointStatus } from './slurm';

/** Tag naming the sweep point a collected run came from: `<sweepId>/<index>`. */
export const CLUSTER_POINT_TAG = 'cluster_point';

export interface CollectResult {
  imported: { index: number; runId: string }[];
  /** Points already in the store from an earlier collect. */
  alreadyCollected: number[];
  /** Points whose task finished but whose result could not be read, with the reason. */
  unreadable: { index: number; reason: string }[];
}

const COPIED_ARTIFACTS = [ENERGY_ARTIFACT, SPIKES_ARTIFACT];

/** Point index → id of the run a collect imported for it, from the runs' cluster_point tags. */
export function collectedRuns(runs: readonly RunSummary[], sweepId: string): Map<number, string> {
  const out = new Map<number, string>();
  for (const r of runs) {
    const tag = r.tags[CLUSTER_POINT_TAG];
    if (tag?.startsWith(`${sweepId}/`)) out.set(Number(tag.slice(sweepId.length + 1)), r.id);
  }
  return out;
}

/** Imports every 'done' point not yet in `store`. The sweep is recorded too, so the studio groups the runs. */
export function collectSweep(
  store: Store,
  m: Manifest,
  jobDir: string,
  statuses: readonly PointStatus[],
): CollectResult {
  const result: CollectResult = { imported: [], alreadyCollected: [], unreadable: [] };
  const collected = collectedRuns(store.listRuns(), m.sweepId);
  if (!store.getSweep(m.sweepId)) {
    const base = fs.readFileSync(path.join(jobDir, 'project', m.sourceFile), 'utf8');
    store.createSweep({
      id: m.sweepId,
      experiment: m.experiment,
      sourceFile: m.sourceFile,
      dslSnapshot: base,
      overrides: m.overrides,
      total: m.points.length,
    });
  }
  for (const point of statuses) {
    if (point.state !== 'done') continue;
    const tag = `${m.sweepId}/${point.index}`;
    if (collected.has(point.index)) {
      result.alreadyCollected.push(point.index);
      continue;
    }
    try {
      const runId = importPoint(store, m, jobDir, point.index, tag);
      result.imported.push({ index: point.index, runId });
    } catch (err) {
      result.unreadable.push({
        index: point.index,
        reason: err instanceof Error ? err.message : String(err),
      });
    }
  }
  return result;
}

function importPoint(target: Store, m: Manifest, jobDir: string, index: number, tag: string): string {
  const dbPath = path.join(taskDir(jobDir, index), '.neurofab', 'project.db');
  if (!fs.existsSync(dbPath)) throw new Error(`task ${index} finished but wrote no store (${dbPath})`);
  const status = readTaskStatus(jobDir, index);
  const source = openStore(dbPath, { readonly: true });
  try {
    const runs = source.listRuns().filter((r) => r.status === 'finished' && r.experiment === m.experiment);
    if (runs.length !== 1)
      throw new Error(
        `task ${index}'s store holds ${runs.length} finished run(s) of ${m.experiment}, expected 1`,
      );
    const run = source.getRun(runs[0]!.id)!;
    const runId = target.createRun({
      experiment: run.experiment,
      sourceFile: run.sourceFile,
      seed: run.seed,
      engineVersion: m.engineVersion,
      params: run.params,
      dslSnapshot: run.dslSnapshot ?? '',
      overrides: run.overrides,
      sweep: { id: m.sweepId, index },
      tags: {
        ...run.tags,
        sweep: m.sweepId,
        sweep_point: `${index + 1}/${m.points.length}`,
        ...(status
          ? {
              slurm_job_id: `${status.arrayJobId}_${index}`,
              slurm_node: status.node,
              cluster_started_at: new Date(status.startedAt).toISOString(),
              cluster_ended_at: new Date(status.endedAt).toISOString(),
            }
          : {}),
      },
    });
    try {
      copyRunData(target, source, run, runId);
    } catch (err) {
      // No half-imported run stays behind to be taken for a collected point.
      target.deleteRuns([runId]);
      throw err;
    }
    // Tagged last: only a complete import counts as collected.
    target.setTag(runId, CLUSTER_POINT_TAG, tag);
    return runId;
  } finally {
    source.close();
  }
}

function copyRunData(target: Store, source: Store, run: RunDetail, runId: string): void {
  target.setRunStatus(runId, 'running');
  for (let i = 0; i < run.metricHistory.length; i += 5000)
    target.logMetrics(runId, run.metricHistory.slice(i, i + 5000));
  for (const name of COPIED_ARTIFACTS) {
    const a = source.getArtifact(run.id, name);
    if (!a) continue;
    let content = a.content;
    // A spike record names its run; it is this run now.
    if (name === SPIKES_ARTIFACT && typeof content === 'string')
      content = JSON.stringify({ ...JSON.parse(content), runId });
    target.putArtifact(runId, name, content, a.mediaType);
  }
  target.setRunStatus(runId, 'finished');
}
