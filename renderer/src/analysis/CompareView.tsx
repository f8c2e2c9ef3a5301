// The Compare tab: the runs ticked in the Runs tab as metric curves, parallel coordinates, a
// metric against a param, or a diff of two. The runs come from the store's list (final values),
// with live statuses from the run cache.
import { type ReactNode, useMemo } from 'react';
import type { CompareTab } from '../runs/RunsTable';
import { MetricOverlay } from './MetricOverlay';
import { RunDiff } from './RunDiff';
import { ParallelView, ParamView } from './SweepCharts';
import { useRunsList } from './use-runs';

const TABS: { id: CompareTab; label: string }[] = [
  { id: 'metrics', label: 'Metrics' },
  { id: 'parallel', label: 'Parallel coordinates' },
  { id: 'param', label: 'Metric vs. param' },
  { id: 'diff', label: 'Diff' },
];

export function CompareView({
  runIds,
  tab,
  onTabChange,
}: {
  runIds: ReadonlySet<string>;
  tab: CompareTab;
  onTabChange: (tab: CompareTab) => void;
}) {
  const { runs } = useRunsList();
  // Memoised: the charts rebuild when this array changes, and the workbench re-renders on every cursor move.
  const chosen = useMemo(() => (runs ?? []).filter((r) => runIds.has(r.id)), [runs, runIds]);
  let body: ReactNode;
  if (runs === null) body = <div className="empty-note">Loading runs…</div>;
  else if (chosen.length === 0) {
    body = (
      <div className="empty-note" data-testid="compare-empty">
        Tick runs in the Runs tab (a sweep's row ticks all its points), then Compare.
      </div>
    );
  } else if (tab === 'metrics') body = <MetricOverlay runs={chosen} />;
  else if (tab === 'parallel') body = <ParallelView runs={chosen} />;
  else if (tab === 'param') body = <ParamView runs={chosen} />;
  else body = <RunDiff runs={chosen} />;
  return (
    <div className="compare-view" data-testid="compare-view" data-runs={chosen.length}>
      <div className="compare-tabs" role="tablist" aria-label="Comparison">
        {TABS.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            aria-selected={tab === t.id}
            className={`compare-tab ${tab === t.id ? 'active' : ''}`}
            data-testid={`compare-tab-${t.id}`}
            onClick={() => onTabChange(t.id)}
          >
            {t.label}
          </button>
        ))}
        <span className="compare-caption">{chosen.length} run(s)</span>
      </div>
      {body}
    </div>
  );
}
