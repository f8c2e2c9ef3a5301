// The Energy tab of the bottom panel: the Pareto plot of the project's runs against the
// reference platforms, next to a breakdown: the open design's by default, or a finished run's
// recorded estimate picked from the runs the Pareto plot loaded.
import { useState } from 'react';
import { BreakdownChart } from './BreakdownChart';
import { ParetoView } from './ParetoView';
import type { ParetoRun } from './pareto-data';

export function EnergyPanel({
  path,
  getText,
  onOpenRun,
}: {
  path: string | null;
  getText: () => string | null;
  onOpenRun: (runId: string) => void;
}) {
  const [runs, setRuns] = useState<ParetoRun[]>([]);
  const [runId, setRunId] = useState<string | null>(null);
  // A picked run that was deleted falls back to the open file.
  const picked = runId && runs.some((r) => r.runId === runId) ? runId : null;
  return (
    <div className="energy-panel" data-testid="energy-panel">
      <ParetoView onOpenRun={onOpenRun} onRuns={setRuns} />
      <BreakdownChart path={path} getText={getText} runs={runs} runId={picked} onPickRun={setRunId} />
    </div>
  );
}
