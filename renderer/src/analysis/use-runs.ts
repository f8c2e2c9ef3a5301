// The project's runs and sweeps as the store has them, loaded on (re)connection and again
// whenever the engine says the list changed. Shared by the runs table and the compare view.
import { useCallback, useEffect, useState } from 'react';
import type { RunSummary, SweepSummary } from '../../../engine/protocol/schema';
import { useConnection, useEngineEvent, useStudio } from '../app/studio-context';

export interface RunsState {
  runs: RunSummary[] | null;
  /** Null until loaded, or when sweeps.list failed (the error banner says why). */
  sweeps: Map<string, SweepSummary> | null;
  reload: () => void;
}

export function useRunsList(): RunsState {
  const { engine, errors } = useStudio();
  const connection = useConnection();
  const [runs, setRuns] = useState<RunSummary[] | null>(null);
  const [sweeps, setSweeps] = useState<Map<string, SweepSummary> | null>(null);

  const reload = useCallback(() => {
    engine.call('runs.list', {}).then(
      (result) => setRuns(result.runs),
      (err) => errors.report('Loading the runs list', err),
    );
    engine.call('sweeps.list', {}).then(
      (result) => setSweeps(new Map(result.sweeps.map((s) => [s.id, s]))),
      (err) => {
        setSweeps(null);
        errors.report('Loading the sweeps', err);
      },
    );
  }, [engine, errors]);

  const generation = connection.phase === 'open' ? connection.generation : 0;
  useEffect(() => {
    if (generation > 0) reload();
  }, [generation, reload]);
  useEngineEvent('runs.changed', reload);
  return { runs, sweeps, reload };
}
