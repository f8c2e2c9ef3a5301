// Charts over runs' final values: parallel coordinates (one axis per varying param and per final
// metric, one line per run) and a metric against one numeric param (accuracy against programming
// noise for a noise sweep), one line per sweep.
import { useMemo, useState } from 'react';
import type { RunSummary } from '../../../engine/protocol/schema';
import { AXIS, axisStyle, type ChartOption, EChart, RUN_COLORS, TOOLTIP } from './EChart';
import { runLabel } from './MetricOverlay';
import { commonMetrics, compactNumber, toNumber, varyingParams } from './query';

const METRIC_ORDER = ['test_accuracy', 'train_accuracy', 'test_loss', 'train_loss'];
const MAX_METRIC_AXES = 6;

const short = (key: string) => (key.startsWith('sweep.') ? key.slice('sweep.'.length) : key);

function metricAxes(runs: readonly RunSummary[]): string[] {
  const all = commonMetrics(runs);
  const rank = (k: string) => {
    const i = METRIC_ORDER.indexOf(k);
    return i < 0 ? METRIC_ORDER.length : i;
  };
  return all.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b)).slice(0, MAX_METRIC_AXES);
}

/** The sweep's own params when the runs differ in some (the derived per-layer copies add nothing), else all that differ. */
function paramAxes(runs: readonly RunSummary[]): string[] {
  const all = varyingParams(runs);
  const swept = all.filter((p) => p.startsWith('sweep.'));
  return (swept.length > 0 ? swept : all).slice(0, MAX_METRIC_AXES);
}

export function ParallelView({ runs }: { runs: RunSummary[] }) {
  const params = useMemo(() => paramAxes(runs), [runs]);
  const metrics = useMemo(() => metricAxes(runs), [runs]);
  const option = useMemo((): ChartOption => {
    const dims: { key: string; value: (r: RunSummary) => string | number }[] = [
      ...params.map((p) => ({ key: p, value: (r: RunSummary) => r.params[p] ?? '' })),
      ...metrics.map((m) => ({ key: m, value: (r: RunSummary) => r.metrics[m] ?? Number.NaN })),
    ];
    const parallelAxis = dims.map((d, dim) => {
      const values = runs.map((r) => d.value(r));
      const numeric = values.every((v) => toNumber(v) !== null);
      return numeric
        ? { dim, name: short(d.key), type: 'value', scale: true, ...axisLook() }
        : {
            dim,
            name: short(d.key),
            type: 'category',
            data: [...new Set(values.map(String))].sort(),
            ...axisLook(),
          };
    });
    const colorDim = dims.findIndex((d) => d.key === 'test_accuracy');
    return {
      animation: false,
      backgroundColor: 'transparent',
      textStyle: { fontFamily: 'inherit' },
      tooltip: { ...TOOLTIP },
      parallel: { left: 60, right: 90, top: 40, bottom: 30, parallelAxisDefault: { nameGap: 14 } },
      parallelAxis,
      ...(colorDim >= 0
        ? {
            visualMap: {
              type: 'continuous',
              dimension: colorDim,
              min: Math.min(...runs.map((r) => r.metrics.test_accuracy ?? 1)),
              max: Math.max(...runs.map((r) => r.metrics.test_accuracy ?? 0)),
              inRange: { color: ['#ef6b5b', '#e6c85a', '#3fcf8e'] },
              right: 8,
              top: 'middle',
              itemHeight: 120,
              text: ['test acc.', ''],
              textStyle: { color: AXIS.color, fontSize: 10 },
              calculable: false,
            },
          }
        : {}),
      series: [
        {
          type: 'parallel',
          lineStyle: { width: 2, opacity: 0.85 },
          data: runs.map((r, i) => ({
            name: runLabel(r),
            value: parallelAxis.map((a, j) => {
              const v = dims[j]!.value(r);
              return a.type === 'value' ? toNumber(v) : String(v);
            }),
            lineStyle: colorDim >= 0 ? undefined : { color: RUN_COLORS[i % RUN_COLORS.length] },
          })),
        },
      ],
    };
  }, [runs, params, metrics]);

  if (runs.length < 2)
    return <div className="empty-note">Tick two or more runs (a sweep) to see them side by side.</div>;
  if (metrics.length === 0)
    return <div className="empty-note">The selected runs share no final metric yet.</div>;
  return (
    <div className="compare-pane">
      <div className="compare-caption">
        {params.length > 0
          ? `Axes: ${params.map(short).join(', ')} (params that differ) and final ${metrics.join(', ')}`
          : `The runs' params are all equal; axes: final ${metrics.join(', ')}`}
      </div>
      <EChart
        option={option}
        testId="parallel-chart"
        attrs={{ lines: runs.length, axes: params.length + metrics.length }}
      />
    </div>
  );
}

function axisLook() {
  return {
    nameTextStyle: { color: AXIS.color, fontSize: 10 },
    axisLine: { lineStyle: { color: AXIS.line } },
    axisLabel: {
      color: AXIS.color,
      fontSize: 10,
      formatter: (v: number | string) => (typeof v === 'number' ? compactNumber(v) : v),
    },
  };
}

/** A metric against a numeric param: one line per sweep (or experiment), points sorted by the param. */
export function ParamView({ runs }: { runs: RunSummary[] }) {
  const numericParams = useMemo(
    () => varyingParams(runs).filter((p) => runs.every((r) => toNumber(r.params[p]) !== null)),
    [runs],
  );
  const metrics = useMemo(() => metricAxes(runs), [runs]);
  const [paramPick, setParamPick] = useState<string | null>(null);
  const [metricPick, setMetricPick] = useState<string | null>(null);
  const param = paramPick && numericParams.includes(paramPick) ? paramPick : (numericParams[0] ?? null);
  const metric = metricPick && metrics.includes(metricPick) ? metricPick : (metrics[0] ?? null);

  const { option, points } = useMemo(() => {
    if (!param || !metric) return { option: null, points: 0 };
    const groups = new Map<string, [number, number, string][]>();
    for (const r of runs) {
      const x = toNumber(r.params[param]);
      const y = r.metrics[metric];
      if (x === null || y === undefined) continue;
      // Sweep ids read `<experiment>-<8 hex>`: whole, they name both.
      const g = r.sweepId ? `sweep ${r.sweepId}` : r.experiment;
      if (!groups.has(g)) groups.set(g, []);
      groups.get(g)!.push([x, y, runLabel(r)]);
    }
    let n = 0;
    const series = [...groups].map(([name, pts], i) => {
      pts.sort((a, b) => a[0] - b[0]);
      n += pts.length;
      return {
        name,
        type: 'line',
        data: pts,
        symbolSize: 7,
        lineStyle: { width: 2 },
        itemStyle: { color: RUN_COLORS[i % RUN_COLORS.length] },
      };
    });
    const option: ChartOption = {
      animation: false,
      backgroundColor: 'transparent',
      textStyle: { fontFamily: 'inherit' },
      grid: { left: 60, right: 24, top: 40, bottom: 36 },
      legend: { top: 4, textStyle: { color: AXIS.color, fontSize: 11 } },
      tooltip: {
        trigger: 'item',
        ...TOOLTIP,
        formatter: (p: { value: [number, number, string] }) =>
          `${p.value[2]}<br/>${short(param)} = ${p.value[0]}<br/>${metric} = ${Number(p.value[1].toPrecision(4))}`,
      },
      xAxis: { type: 'value', scale: true, ...axisStyle(short(param)), nameLocation: 'middle', nameGap: 22 },
      yAxis: { type: 'value', scale: true, ...axisStyle(metric) },
      series,
    };
    return { option, points: n };
  }, [runs, param, metric]);

  if (numericParams.length === 0) {
    return (
      <div className="empty-note">
        No numeric param differs between the selected runs. Tick the runs of a sweep, e.g. one over
        sweep.&lt;device&gt;.program_noise.
      </div>
    );
  }
  return (
    <div className="compare-pane">
      <div className="compare-controls">
        <label>
          x
          <select
            className="select"
            data-testid="param-x"
            value={param ?? ''}
            onChange={(e) => setParamPick(e.target.value)}
          >
            {numericParams.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </label>
        <label>
          y
          <select
            className="select"
            data-testid="param-y"
            value={metric ?? ''}
            onChange={(e) => setMetricPick(e.target.value)}
          >
            {metrics.map((m) => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
          </select>
        </label>
      </div>
      {option ? (
        <EChart option={option} testId="param-chart" attrs={{ points, param: param ?? '' }} />
      ) : (
        <div className="empty-note">The selected runs share no final metric yet.</div>
      )}
    </div>
  );
}
