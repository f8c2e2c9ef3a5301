// One metric of several runs on one chart: a key picker, EMA smoothing (the raw curve stays as
// a faint line, as in TensorBoard), a log y-axis, and step, relative or wall time on x. Series
// come from runs.metricSeries (LTTB-downsampled in the engine), reloaded when a run moves on.
import { useEffect, useMemo, useState } from 'react';
import type { MetricSeries, RunSummary } from '../../../engine/protocol/schema';
import { useEngineEvent, useRunCacheVersion, useStudio } from '../app/studio-context';
import { isActiveStatus, shortId } from '../runs/format';
import { AXIS, axisStyle, type ChartOption, EChart, RUN_COLORS, TOOLTIP } from './EChart';
import { sweepPoint } from './query';
import { emaSmooth } from './smoothing';
import { useViewState } from './view-state';

type XAxis = 'step' | 'relative' | 'wall';
const MAX_POINTS = 1500;
/** Points over all curves of one chart (each run gets its share, at least 50). */
const POINT_BUDGET = 150_000;
/** runs.metricSeries' limit on runIds per call (engine/protocol/schema.ts). */
const RPC_MAX_RUNS = 200;
// Curves first: a one-epoch run has a single test point but a train_loss curve.
const PREFERRED = ['train_loss', 'test_accuracy', 'train_accuracy', 'test_loss'];

export function runLabel(run: RunSummary): string {
  const point = sweepPoint(run.params);
  return `${shortId(run.id)} ${point || run.experiment}`;
}

export function MetricOverlay({ runs }: { runs: RunSummary[] }) {
  const { engine, errors, runs: cache } = useStudio();
  const version = useRunCacheVersion();
  const keys = useMemo(() => [...new Set(runs.flatMap((r) => Object.keys(r.metrics)))].sort(), [runs]);
  const [picked, setPicked] = useViewState<string | null>('overlay.key', null);
  const key =
    picked && keys.includes(picked) ? picked : (PREFERRED.find((k) => keys.includes(k)) ?? keys[0] ?? null);
  const [smoothing, setSmoothing] = useViewState('overlay.smoothing', 0);
  const [logY, setLogY] = useViewState('overlay.logY', false);
  const [xAxis, setXAxis] = useViewState<XAxis>('overlay.x', 'step');
  const [series, setSeries] = useState<MetricSeries[] | null>(null);
  const [reloads, setReloads] = useState(0);
  const [failed, setFailed] = useState(false);

  const ids = runs.map((r) => r.id).join(',');
  const active = runs.some((r) => isActiveStatus(cache.get(r.id)?.status ?? r.status));
  // A live run's curve grows: reload at most every two seconds while any is running.
  // biome-ignore lint/correctness/useExhaustiveDependencies: version is the tick
  useEffect(() => {
    if (!active) return;
    const t = window.setTimeout(() => setReloads((n) => n + 1), 2000);
    return () => window.clearTimeout(t);
  }, [active, version]);
  useEngineEvent('runs.changed', () => setReloads((n) => n + 1));

  // biome-ignore lint/correctness/useExhaustiveDependencies: ids stands for runs; reloads re-fetches
  useEffect(() => {
    if (!key || runs.length === 0) {
      setSeries([]);
      return;
    }
    let stale = false;
    // The RPC takes at most 200 runs a call; and many curves share the points budget, so a
    // compare of hundreds of runs stays light to draw.
    const ids = runs.map((r) => r.id);
    const maxPoints = Math.max(50, Math.min(MAX_POINTS, Math.floor(POINT_BUDGET / ids.length)));
    const calls: Promise<MetricSeries[]>[] = [];
    for (let i = 0; i < ids.length; i += RPC_MAX_RUNS) {
      calls.push(
        engine
          .call('runs.metricSeries', { runIds: ids.slice(i, i + RPC_MAX_RUNS), keys: [key], maxPoints })
          .then((res) => res.series),
      );
    }
    Promise.all(calls).then(
      (parts) => {
        if (stale) return;
        setSeries(parts.flat());
        setFailed(false);
      },
      (err) => {
        if (stale) return;
        errors.report(`Loading ${key} of ${runs.length} run(s)`, err);
        setSeries(null);
        setFailed(true);
      },
    );
    return () => {
      stale = true;
    };
  }, [ids, key, reloads, engine, errors]);

  const option = useMemo((): ChartOption | null => {
    if (!series || !key) return null;
    const byRun = new Map(series.map((s) => [s.runId, s]));
    const out: object[] = [];
    runs.forEach((run, i) => {
      const s = byRun.get(run.id);
      if (!s || s.values.length === 0) return;
      const t0 = s.timestamps[0] ?? 0;
      const xs =
        xAxis === 'step'
          ? s.steps
          : xAxis === 'relative'
            ? s.timestamps.map((t) => (t - t0) / 1000)
            : s.timestamps;
      const pairs = (values: number[]) =>
        xs.map((x, j) => [x, values[j]!] as [number, number]).filter(([, v]) => !logY || v > 0);
      const color = RUN_COLORS[i % RUN_COLORS.length];
      const name = runLabel(run);
      const sparse = s.values.length <= 12;
      if (smoothing > 0) {
        out.push({
          id: `raw:${run.id}`,
          name,
          type: 'line',
          data: pairs(s.values),
          showSymbol: false,
          lineStyle: { width: 1, opacity: 0.25 },
          itemStyle: { color },
          silent: true,
          tooltip: { show: false },
        });
      }
      out.push({
        id: run.id,
        name,
        type: 'line',
        data: pairs(smoothing > 0 ? emaSmooth(s.values, smoothing) : s.values),
        showSymbol: sparse,
        symbolSize: 5,
        lineStyle: { width: 1.8 },
        itemStyle: { color },
        emphasis: { focus: 'series' },
      });
    });
    const xName = xAxis === 'step' ? 'step' : xAxis === 'relative' ? 'seconds' : 'time';
    return {
      animation: false,
      backgroundColor: 'transparent',
      textStyle: { fontFamily: 'inherit' },
      grid: { left: 56, right: 24, top: 52, bottom: 32 },
      legend: {
        top: 4,
        type: 'scroll',
        icon: 'roundRect',
        itemWidth: 12,
        itemHeight: 3,
        textStyle: { color: AXIS.color, fontSize: 11 },
        pageTextStyle: { color: AXIS.color },
      },
      tooltip: {
        trigger: 'axis',
        ...TOOLTIP,
        valueFormatter: (v: unknown) =>
          typeof v === 'number' ? Number(v.toPrecision(4)).toString() : String(v),
      },
      xAxis: {
        type: xAxis === 'wall' ? 'time' : 'value',
        ...axisStyle(xName, xAxis === 'wall'),
        nameLocation: 'end',
        splitLine: { show: false },
        ...(xAxis === 'wall' ? {} : { min: 'dataMin' }),
      },
      yAxis: { type: logY ? 'log' : 'value', scale: true, ...axisStyle(key) },
      series: out,
    };
  }, [series, key, runs, smoothing, logY, xAxis]);

  if (keys.length === 0) {
    return <div className="empty-note">The selected runs recorded no metrics yet.</div>;
  }
  const curves =
    (option?.series as { id: string }[] | undefined)?.filter((s) => !s.id.startsWith('raw:')) ?? [];
  return (
    <div className="compare-pane">
      <div className="compare-controls">
        <label>
          Metric
          <select
            className="select"
            data-testid="overlay-key"
            value={key ?? ''}
            onChange={(e) => setPicked(e.target.value)}
          >
            {keys.map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
        </label>
        <label title="Exponential moving average weight (0: raw values)">
          Smoothing
          <input
            type="range"
            min={0}
            max={0.99}
            step={0.01}
            value={smoothing}
            data-testid="overlay-smoothing"
            onChange={(e) => setSmoothing(Number(e.target.value))}
          />
          <span className="mono compare-value">{smoothing.toFixed(2)}</span>
        </label>
        <label>
          <input
            type="checkbox"
            checked={logY}
            data-testid="overlay-log"
            onChange={(e) => setLogY(e.target.checked)}
          />
          Log y
        </label>
        <label>
          x-axis
          <select
            className="select"
            data-testid="overlay-x"
            value={xAxis}
            onChange={(e) => setXAxis(e.target.value as XAxis)}
          >
            <option value="step">step</option>
            <option value="relative">relative time</option>
            <option value="wall">wall time</option>
          </select>
        </label>
      </div>
      {option ? (
        <EChart
          option={option}
          testId="overlay-chart"
          attrs={{ series: curves.length, runs: curves.map((s) => s.id).join(' '), key: key ?? '' }}
        />
      ) : (
        <div className="empty-note" data-testid="overlay-state">
          {failed ? `Could not load ${key}: the error is shown above.` : `Loading ${key}…`}
        </div>
      )}
    </div>
  );
}
