// Run administration RPCs: tags, notes, delete, re-run, sweeps (list, resume), metric series for
// charts, and export. Mutations announce 'runs.changed' so every client refreshes its run list.
import { ErrorCode, type Handlers, RpcError } from '../protocol';
import type { Store } from '../store';
import { exportRuns, UnknownRunsError } from '../store/export';
import { DEFAULT_MAX_POINTS, metricSeries } from '../store/series';
import type { OpenProject } from './engine';

type AdminMethods =
  | 'run.rerun'
  | 'runs.setTag'
  | 'runs.setNote'
  | 'runs.delete'
  | 'runs.metricSeries'
  | 'runs.export'
  | 'sweeps.list'
  | 'sweep.resume';

/** NOT_FOUND naming the ids the store does not have. */
function requireRuns(store: Store, runIds: readonly string[]): Map<string, string> {
  const statuses = store.runStatuses(runIds);
  const unknown = runIds.filter((id) => !statuses.has(id));
  if (unknown.length > 0) throw new RpcError(ErrorCode.NotFound, new UnknownRunsError(unknown).message);
  return statuses;
}

export function runAdminHandlers(project: () => OpenProject): Pick<Handlers, AdminMethods> {
  return {
    'run.rerun': ({ runId }) => {
      const started = project().runs.rerun(runId);
      const runIds = started.runs.map((r) => r.runId);
      return { runId: runIds[0]!, runIds, sweepId: started.sweepId };
    },
    'runs.setTag': ({ runId, key, value }) => {
      const { store, runs } = project();
      requireRuns(store, [runId]);
      if (value === null) store.deleteTag(runId, key);
      else store.setTag(runId, key, value);
      runs.notifyChanged();
      return {};
    },
    'runs.setNote': ({ runId, note }) => {
      const { store, runs } = project();
      requireRuns(store, [runId]);
      store.setNote(runId, note);
      runs.notifyChanged();
      return {};
    },
    'runs.delete': ({ runIds }) => {
      const { store, runs } = project();
      // A queued or running run is still being written by its worker: deleting it under the
      // worker would fail its next write, so it must be cancelled (and end) first. Unknown ids
      // are not an error (deleting twice is harmless); `deleted` counts the ones that existed.
      const active = new Set(runs.activeRunIds);
      const busy = [...store.runStatuses(runIds)]
        .filter(([id, status]) => active.has(id) || status === 'queued' || status === 'running')
        .map(([id]) => id);
      if (busy.length > 0) {
        throw new RpcError(
          ErrorCode.Forbidden,
          `Cannot delete ${busy.length} run(s) that are queued or running (${busy.slice(0, 3).join(', ')}${busy.length > 3 ? ', ...' : ''}); cancel them first and delete them when they have stopped.`,
        );
      }
      const deleted = store.deleteRuns(runIds);
      if (deleted > 0) runs.notifyChanged();
      return { deleted };
    },
    'runs.metricSeries': ({ runIds, keys, maxPoints }) => {
      const { store } = project();
      requireRuns(store, runIds);
      const series = runIds.flatMap((runId) =>
        (keys ?? store.metricKeys(runId)).map((key) =>
          metricSeries(store, runId, key, maxPoints ?? DEFAULT_MAX_POINTS),
        ),
      );
      return { series };
    },
    'runs.export': ({ runIds, format }) => {
      try {
        return exportRuns(project().store, format, runIds);
      } catch (err) {
        if (err instanceof UnknownRunsError) throw new RpcError(ErrorCode.NotFound, err.message);
        throw err;
      }
    },
    'sweeps.list': () => ({ sweeps: project().store.listSweeps() }),
    'sweep.resume': ({ sweepId }) => {
      const started = project().runs.resumeSweep(sweepId);
      const runIds = started.runs.map((r) => r.runId);
      return { runId: runIds[0] ?? null, runIds, sweepId };
    },
  };
}
