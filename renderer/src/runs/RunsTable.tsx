// Every run recorded in the project, newest first: loaded on start and again whenever the engine
// says the list changed. While a run is live its metrics come from the event stream, so the
// row moves without re-querying the store for every point.
import { useCallback, useEffect, useState } from 'react';
import type { RunSummary } from '../../../engine/protocol/schema';
import { useConnection, useEngineEvent, useRunCacheVersion, useStudio } from '../app/studio-context';
import { formatDuration, formatNumber, formatPercent, formatTime, isActiveStatus, shortId } from './format';
import { StatusBadge } from './StatusBadge';

function useNow(active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(timer);
  }, [active]);
  return now;
}

export function RunsTable({
  selected,
  onSelect,
}: {
  selected: string | null;
  onSelect: (runId: string) => void;
}) {
  const { engine, errors, runs: cache } = useStudio();
  const connection = useConnection();
  useRunCacheVersion();
  const [runs, setRuns] = useState<RunSummary[] | null>(null);

  const reload = useCallback(() => {
    engine.call('runs.list', {}).then(
      (result) => setRuns(result.runs),
      (err) => errors.report('Loading the runs list', err),
    );
  }, [engine, errors]);

  const generation = connection.phase === 'open' ? connection.generation : 0;
  useEffect(() => {
    if (generation > 0) reload();
  }, [generation, reload]);
  useEngineEvent('runs.changed', reload);

  const anyActive = runs?.some((r) => isActiveStatus(cache.get(r.id)?.status ?? r.status)) ?? false;
  const now = useNow(anyActive);

  if (runs === null) return <div className="empty-note">Loading runs…</div>;
  if (runs.length === 0) {
    return (
      <div className="empty-note" data-testid="runs-empty">
        No runs yet. Open an experiment and press Run (Ctrl+Enter).
      </div>
    );
  }
  return (
    <div className="table-scroll">
      <table className="runs-table" data-testid="runs-table">
        <thead>
          <tr>
            <th>Run</th>
            <th>Experiment</th>
            <th>Sweep point</th>
            <th>Status</th>
            <th>Started</th>
            <th className="num">Duration</th>
            <th className="num">Seed</th>
            <th className="num">Test acc.</th>
            <th className="num">Train loss</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((run) => {
            const live = cache.get(run.id);
            const status = live?.status ?? run.status;
            const metrics = { ...run.metrics, ...live?.latest };
            const end = run.endedAt ?? (isActiveStatus(status) ? now : null);
            return (
              <tr
                key={run.id}
                data-testid="run-row"
                data-run-id={run.id}
                data-status={status}
                className={run.id === selected ? 'selected' : undefined}
                onClick={() => onSelect(run.id)}
                title={run.error ?? run.sourceFile ?? undefined}
              >
                <td className="mono">{shortId(run.id)}</td>
                <td>{run.experiment}</td>
                <td className="mono" data-testid="run-sweep-point">
                  {sweepPoint(run.params)}
                </td>
                <td>
                  <StatusBadge status={status} />
                </td>
                <td>{formatTime(run.startedAt)}</td>
                <td className="num">{end === null ? '–' : formatDuration(end - run.startedAt)}</td>
                <td className="num mono">{run.seed}</td>
                <td className="num mono">{formatPercent(metrics.test_accuracy)}</td>
                <td className="num mono">{formatNumber(metrics.train_loss)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** `rpu_gv.up_down=0.05`: the values that tell a sweep's runs apart (params `sweep.<device>.<field>`). */
function sweepPoint(params: Record<string, string>): string {
  return Object.entries(params)
    .filter(([k]) => k.startsWith('sweep.'))
    .map(([k, v]) => `${k.slice('sweep.'.length)}=${v}`)
    .join(' ');
}
