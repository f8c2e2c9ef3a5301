// The Energy tab of the bottom panel: the Pareto plot of the project's runs against the
// reference platforms, next to the open design's breakdown.
import { BreakdownChart } from './BreakdownChart';
import { ParetoView } from './ParetoView';

export function EnergyPanel({
  path,
  getText,
  onOpenRun,
}: {
  path: string | null;
  getText: () => string | null;
  onOpenRun: (runId: string) => void;
}) {
  return (
    <div className="energy-panel" data-testid="energy-panel">
      <ParetoView onOpenRun={onOpenRun} />
      <BreakdownChart path={path} getText={getText} />
    </div>
  );
}
