// The right-hand panel: choose an experiment of the active file, run or cancel it, and follow the
// viewed run (the one just started, or one picked in the runs table): status, progress, chart,
// parameters and final metrics.
import { useEffect, useState } from 'react';
import type { RunDetail } from '../../../engine/protocol/schema';
import { SweepDialog } from '../analysis/SweepDialog';
import { useRunCacheVersion, useStudio } from '../app/studio-context';
import { formatNumber, formatRate, isActiveStatus, shortId } from './format';
import { CHART_KEYS, MetricsChart } from './MetricsChart';
import { RunDetails } from './RunDetails';
import { TERMINAL } from './run-cache';
import { StatusBadge } from './StatusBadge';

export interface RunTarget {
  path: string | null;
  experiments: string[];
  errorCount: number;
}

interface Props {
  target: RunTarget;
  experiment: string | null;
  onExperimentChange: (name: string) => void;
  onRun: () => void;
  /** Shows the Cluster tab (the Sweep… dialog's "run on cluster"). */
  onRunOnCluster?: () => void;
  /** Run a quick look on a slice (QUICK_LOOK) instead of the experiment as written (Run and Ctrl+Enter). */
  quick: boolean;
  onQuickChange: (quick: boolean) => void;
  starting: boolean;
  viewedRunId: string | null;
}

function runBlockedReason(target: RunTarget, starting: boolean): string | null {
  if (!target.path) return 'Open a .nfab file to run one of its experiments.';
  if (target.errorCount > 0) return `Fix ${target.errorCount} error(s) in ${target.path} first.`;
  if (target.experiments.length === 0) return `${target.path} defines no experiment.`;
  if (starting) return 'Starting…';
  return null;
}

/** Points per metric the run panel loads for its chart (LTTB keeps the curve's shape). */
const RUN_CHART_POINTS = 4000;

/** A quick look: one epoch on the first samples of each split, to see a design learn in seconds. */
export const QUICK_LOOK = { epochs: 1, trainLimit: 2000, testLimit: 1000 } as const;

export function RunPanel({
  target,
  experiment,
  onExperimentChange,
  onRun,
  onRunOnCluster,
  quick,
  onQuickChange,
  starting,
  viewedRunId,
}: Props) {
  const { engine, errors, runs, documents } = useStudio();
  useRunCacheVersion();
  const [sweeping, setSweeping] = useState(false);
  const sweepDoc = target.path ? documents.get(target.path) : undefined;
  const live = viewedRunId ? runs.get(viewedRunId) : undefined;
  const status = live?.status ?? null;
  const [detail, setDetail] = useState<RunDetail | null>(null);

  // Load the stored run: its params, and its history when it started before we were listening.
  // Again when it ends, for the final metrics the store holds.
  const ended = status !== null && TERMINAL.has(status);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `ended` is the re-fetch trigger
  useEffect(() => {
    setDetail((d) => (d?.id === viewedRunId ? d : null));
    if (!viewedRunId) return;
    let stale = false;
    // A chart is drawn from at most a few thousand points a metric: a million-point run opens in
    // a fraction of the time its whole history would take (bench: storeScale).
    engine.call('runs.get', { runId: viewedRunId, maxPointsPerKey: RUN_CHART_POINTS, keys: CHART_KEYS }).then(
      (d) => {
        if (stale) return;
        runs.load(d);
        setDetail(d);
      },
      (err) => errors.report(`Loading run ${shortId(viewedRunId)}`, err),
    );
    return () => {
      stale = true;
    };
  }, [viewedRunId, ended, engine, errors, runs]);

  const cancel = () => {
    if (!viewedRunId) return;
    engine
      .call('run.cancel', { runId: viewedRunId })
      .catch((err) => errors.report('Cancelling the run', err));
  };

  const blocked = runBlockedReason(target, starting);
  const progress = live?.progress;
  const fraction = progress && progress.total > 0 ? Math.min(1, progress.done / progress.total) : 0;
  const lastLog = live?.logs.at(-1);

  return (
    <aside className="run-panel" data-testid="run-panel">
      <div className="panel-header">
        <span className="panel-title">Run</span>
      </div>
      <div className="run-controls">
        <select
          className="select"
          data-testid="experiment-select"
          aria-label="Experiment"
          value={experiment ?? ''}
          disabled={target.experiments.length === 0}
          onChange={(e) => onExperimentChange(e.target.value)}
        >
          {target.experiments.length === 0 && <option value="">no experiment</option>}
          {target.experiments.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
        <button
          type="button"
          className="button primary"
          data-testid="run-button"
          disabled={blocked !== null}
          title={
            blocked ??
            (quick
              ? `Quick look: ${QUICK_LOOK.epochs} epoch on ${QUICK_LOOK.trainLimit} training and ${QUICK_LOOK.testLimit} test samples (Ctrl+Enter)`
              : 'Run the experiment as written, every sweep point included (Ctrl+Enter)')
          }
          onClick={onRun}
        >
          <span className="icon-play" aria-hidden="true" />
          Run
        </button>
        <button
          type="button"
          className="button"
          data-testid="cancel-button"
          disabled={!isActiveStatus(status)}
          title="Cancel the viewed run"
          onClick={cancel}
        >
          <span className="icon-stop" aria-hidden="true" />
          Cancel
        </button>
        <button
          type="button"
          className="button"
          data-testid="sweep-button"
          disabled={!sweepDoc || !experiment || blocked !== null}
          title={blocked ?? `Sweep a device or neuron field of ${experiment ?? 'the experiment'}`}
          onClick={() => setSweeping(true)}
        >
          Sweep…
        </button>
        <label
          className="quick-look"
          title={`One epoch on the first ${QUICK_LOOK.trainLimit} training and ${QUICK_LOOK.testLimit} test samples`}
        >
          <input
            type="checkbox"
            data-testid="quick-look"
            checked={quick}
            onChange={(e) => onQuickChange(e.target.checked)}
          />
          Quick look
        </label>
      </div>
      {blocked && !starting && <div className="hint">{blocked}</div>}
      {sweeping && sweepDoc && experiment && (
        <SweepDialog
          doc={sweepDoc}
          experiment={experiment}
          onClose={() => setSweeping(false)}
          onRun={onRun}
          {...(onRunOnCluster ? { onRunOnCluster } : {})}
        />
      )}

      <section className="run-card" data-testid="run-card">
        {viewedRunId ? (
          <>
            <div className="run-card-head">
              <span className="mono run-id" data-testid="viewed-run-id" data-run-id={viewedRunId}>
                {shortId(viewedRunId)}
              </span>
              <span className="run-experiment">{detail?.experiment ?? ''}</span>
              <StatusBadge status={status} testId="run-status" />
            </div>
            <div
              className={`progress ${isActiveStatus(status) ? 'active' : ''}`}
              data-testid="run-progress"
              data-done={progress?.done ?? 0}
              data-total={progress?.total ?? 0}
            >
              <div className="progress-fill" style={{ width: `${(fraction * 100).toFixed(1)}%` }} />
            </div>
            <div className="progress-text">
              <span data-testid="run-phase">
                {progress
                  ? `${progress.phase} ${progress.done.toLocaleString()} / ${progress.total.toLocaleString()}`
                  : ''}
              </span>
              <span>{progress ? formatRate(progress.rate) : ''}</span>
            </div>
            {live?.error && <div className="run-error">{live.error}</div>}
            {!live?.error && lastLog && (
              <div className={`run-last-log log-${lastLog.level}`}>{lastLog.message}</div>
            )}
          </>
        ) : (
          <div className="hint">No run selected. Start one, or pick one in the Runs table.</div>
        )}
      </section>

      <MetricsChart runId={viewedRunId} />
      <FinalMetrics latest={live?.latest ?? detail?.metrics ?? {}} />
      {detail && <RunDetails detail={detail} />}
    </aside>
  );
}

const TILE_LABELS: Record<string, string> = {
  test_accuracy: 'test acc.',
  train_accuracy: 'train acc.',
  test_loss: 'test loss',
  train_loss: 'train loss',
};

function FinalMetrics({ latest }: { latest: Record<string, number> }) {
  const keys = Object.keys(TILE_LABELS).filter((k) => k in latest);
  if (keys.length === 0) return null;
  return (
    <div className="metric-tiles" data-testid="metric-tiles">
      {keys.map((k) => (
        <div key={k} className="metric-tile">
          <div className="metric-label">{TILE_LABELS[k]}</div>
          <div className="metric-value mono">
            {k.endsWith('accuracy') ? `${((latest[k] ?? 0) * 100).toFixed(2)}%` : formatNumber(latest[k])}
          </div>
        </div>
      ))}
    </div>
  );
}
