// The spike inspection of one run (runs.spikes): the raster of every population, membrane traces
// of the recorded neurons, firing-rate histogram and spikes per core, all on one recorded test
// sample. The raster and the traces share one time window, scrubbed with the slider, a drag,
// Ctrl+wheel or the keyboard ([ ] move it by 10%, - = zoom, Home shows everything). "Expand"
// lifts the view over the studio for a larger raster.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { RpcError } from '../../../../engine/protocol/rpc';
import { ErrorCode, type RunStatus, type SpikeRecord } from '../../../../engine/protocol/schema';
import { useStudio } from '../../app/studio-context';
import { isActiveStatus } from '../format';
import { CoreActivity } from './CoreActivity';
import { Raster } from './Raster';
import { RateHistogram } from './RateHistogram';
import {
  clampWindow,
  durationMs,
  layerColor,
  shiftWindow,
  stackLayers,
  stepMs,
  type TimeWindow,
  totalSpikes,
} from './spike-data';
import { Traces } from './Traces';

type Load =
  | { phase: 'loading' }
  | { phase: 'none'; note: string | null }
  | { phase: 'error'; message: string }
  | { phase: 'ready'; record: SpikeRecord };

export function SpikeView({ runId, status }: { runId: string; status: RunStatus }) {
  const { engine } = useStudio();
  const [load, setLoad] = useState<Load>({ phase: 'loading' });
  const [reload, setReload] = useState(0);
  const [expanded, setExpanded] = useState(false);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `reload` and `status` are re-fetch triggers
  useEffect(() => {
    let stale = false;
    setLoad({ phase: 'loading' });
    engine.call('runs.spikes', { runId }).then(
      (record) => {
        if (stale) return;
        setLoad(record ? { phase: 'ready', record } : { phase: 'none', note: null });
      },
      (err: unknown) => {
        if (stale) return;
        if (err instanceof RpcError && err.code === ErrorCode.UnknownMethod) {
          // An engine from before spike recording: the same answer as a run without one.
          setLoad({ phase: 'none', note: 'This engine does not serve spike recordings (runs.spikes).' });
          return;
        }
        const message = err instanceof Error ? err.message : String(err);
        const code = err instanceof RpcError ? `${err.code}: ` : '';
        setLoad({ phase: 'error', message: `${code}${message}` });
      },
    );
    return () => {
      stale = true;
    };
  }, [engine, runId, status, reload]);

  useEffect(() => {
    if (!expanded) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') setExpanded(false);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [expanded]);

  return (
    <section
      className={`spike-view ${expanded ? 'expanded' : ''}`}
      data-testid="spike-view"
      data-state={load.phase}
      aria-label="Spike recording"
    >
      <div className="section-title">
        Spikes
        <span className="section-sub">
          {load.phase === 'ready' ? describeRecord(load.record) : 'one recorded test sample'}
        </span>
        <span className="spike-title-actions">
          <button
            type="button"
            className="button small"
            title="Load the recording again"
            data-testid="spike-reload"
            onClick={() => setReload((n) => n + 1)}
          >
            Reload
          </button>
          {load.phase === 'ready' && (
            <button
              type="button"
              className="button small"
              data-testid="spike-expand"
              aria-pressed={expanded}
              title={expanded ? 'Back into the run panel (Escape)' : 'Show the spike views over the studio'}
              onClick={() => setExpanded((x) => !x)}
            >
              {expanded ? 'Close' : 'Expand'}
            </button>
          )}
        </span>
      </div>
      {load.phase === 'loading' && <div className="spike-state hint">Loading the spike recording…</div>}
      {load.phase === 'none' && (
        <div className="spike-state hint" data-testid="spike-empty">
          {isActiveStatus(status)
            ? 'No spike recording yet: a spiking run records one test sample when it ends.'
            : 'This run has no spike recording: only spiking experiments record one.'}
          {load.note && <div className="spike-note">{load.note}</div>}
        </div>
      )}
      {load.phase === 'error' && (
        <div className="spike-state" data-testid="spike-error">
          <div className="run-error">Could not load the spike recording. {load.message}</div>
          <button type="button" className="button small" onClick={() => setReload((n) => n + 1)}>
            Retry
          </button>
        </div>
      )}
      {load.phase === 'ready' && <SpikeCharts record={load.record} />}
    </section>
  );
}

function describeRecord(r: SpikeRecord): string {
  const ms = stepMs(r);
  return (
    `sample ${r.sample} · label ${r.label} · predicted ${r.predicted} · ${r.steps.toLocaleString()} steps × ` +
    `${Number(ms.toPrecision(3))} ms · ${totalSpikes(r).toLocaleString()} spikes`
  );
}

function formatMs(v: number): string {
  return Number(v.toPrecision(4)).toString();
}

function SpikeCharts({ record }: { record: SpikeRecord }) {
  const { stacked, totalRows } = useMemo(() => stackLayers(record), [record]);
  const duration = durationMs(record);
  const full = useMemo(() => ({ start: 0, end: duration }), [duration]);
  const [window, setWindowState] = useState<TimeWindow>(full);
  useEffect(() => setWindowState(full), [full]);
  const setWindow = useCallback(
    (w: TimeWindow) => {
      const next = clampWindow(w, 0, duration);
      setWindowState((prev) =>
        Math.abs(prev.start - next.start) < 1e-9 && Math.abs(prev.end - next.end) < 1e-9 ? prev : next,
      );
    },
    [duration],
  );

  const traced = stacked.filter((s) => s.layer.traceNeurons.length > 0);
  const [traceLayer, setTraceLayer] = useState<string | null>(null);
  // The first spiking layer with traces by default (the input has no membrane).
  const chosen =
    traced.find((s) => s.layer.name === traceLayer) ?? traced.find((s) => s.index > 0) ?? traced[0] ?? null;

  const onKeyDown = (e: React.KeyboardEvent) => {
    // The trace population picker keeps its own keys.
    if (e.target instanceof HTMLSelectElement) return;
    const width = window.end - window.start;
    const centre = (window.start + window.end) / 2;
    if (e.key === '[') setWindow(shiftWindow(window, -0.1, 0, duration));
    else if (e.key === ']') setWindow(shiftWindow(window, 0.1, 0, duration));
    else if (e.key === 'Home') setWindow(full);
    else if (e.key === '=' || e.key === '+')
      setWindow({ start: centre - width / 4, end: centre + width / 4 });
    else if (e.key === '-') setWindow({ start: centre - width, end: centre + width });
    else return;
    e.preventDefault();
  };

  return (
    // role application: the focused charts take the scrubbing keys themselves
    <div
      className="spike-charts"
      role="application"
      // biome-ignore lint/a11y/noNoninteractiveTabindex: the focused charts take the scrubbing keys
      tabIndex={0}
      onKeyDown={onKeyDown}
      data-testid="spike-charts"
      aria-label="Spike charts: [ and ] move the time window, - and = zoom, Home shows all"
    >
      <div className="spike-legend">
        {stacked.map((s) => (
          <span key={s.index} className="spike-chip" title={`${s.layer.neurons.toLocaleString()} neurons`}>
            <span className="spike-swatch" style={{ background: layerColor(s.index) }} />
            {s.layer.name} <span className="mono">{s.layer.times.length.toLocaleString()}</span>
          </span>
        ))}
      </div>
      <div className="spike-window">
        <span className="mono" data-testid="spike-window" data-start={window.start} data-end={window.end}>
          {formatMs(window.start)}–{formatMs(window.end)} ms of {formatMs(duration)} ms
        </span>
        <span className="spike-keys">[ ] move · - = zoom · Home all · drag or Ctrl+wheel</span>
      </div>
      <div className="spike-block spike-block-raster">
        <Raster
          record={record}
          stacked={stacked}
          totalRows={totalRows}
          window={window}
          onWindowChange={setWindow}
        />
      </div>
      <div className="spike-block spike-block-traces">
        <div className="spike-subtitle">
          Membrane potential
          {traced.length > 0 && (
            <select
              className="select small"
              aria-label="Population of the traces"
              data-testid="spike-trace-layer"
              value={chosen?.layer.name ?? ''}
              onChange={(e) => setTraceLayer(e.target.value)}
            >
              {traced.map((s) => (
                <option key={s.index} value={s.layer.name}>
                  {s.layer.name}
                </option>
              ))}
            </select>
          )}
        </div>
        {chosen ? (
          <Traces
            layer={chosen.layer}
            msPerStep={stepMs(record)}
            duration={duration}
            window={window}
            onWindowChange={setWindow}
          />
        ) : (
          <div className="hint spike-note">No membrane trace was recorded for this sample.</div>
        )}
      </div>
      <div className="spike-block">
        <div className="spike-subtitle">Firing rates</div>
        <RateHistogram record={record} stacked={stacked} />
      </div>
      <div className="spike-block">
        <div className="spike-subtitle">Spikes per core</div>
        <CoreActivity stacked={stacked} />
      </div>
    </div>
  );
}
