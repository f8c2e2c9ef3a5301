// The report's charts as SVG strings, rendered in Node by ECharts' server-side renderer: the same
// chart library as the studio, and no script in the page (a report must open offline, anywhere).
import * as echarts from 'echarts';
import type { EnergyReport } from '../protocol/schema';
import type { Curve, SweepGroup } from './collect';
import { siScale } from './format';

export const CHART_WIDTH = 720;
const SWEEP_CHART_WIDTH = 420;
const FONT = "'DejaVu Sans', Arial, sans-serif";
const PALETTE = ['#4c6ef5', '#e8590c', '#2b8a3e', '#c2255c', '#7048e8', '#0c8599', '#a07c00', '#495057'];

/** Renders one option set to an SVG document string; animation off (there is no second frame). */
export function renderChart(option: echarts.EChartsOption, width: number, height: number): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({
      animation: false,
      color: PALETTE,
      textStyle: { fontFamily: FONT },
      ...option,
    });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

const isLoss = (key: string) => /loss/.test(key);
const isAccuracy = (key: string) => /accuracy/.test(key);

/**
 * Loss (left axis) and accuracy (right axis, %) against the training step. Per-step curves are
 * lines; metrics logged once per epoch (test_*) are marked points. Null when the run has neither.
 */
export function trainingChart(curves: readonly Curve[]): string | null {
  const shown = curves.filter((c) => isLoss(c.key) || isAccuracy(c.key));
  if (shown.length === 0) return null;
  const hasAcc = shown.some((c) => isAccuracy(c.key));
  const hasLoss = shown.some((c) => isLoss(c.key));
  const series = shown.map((c) => {
    const acc = isAccuracy(c.key);
    const sparse = c.steps.length <= 3;
    return {
      name: c.key,
      type: 'line' as const,
      yAxisIndex: acc && hasLoss ? 1 : 0,
      data: c.steps.map((s, i) => [s, acc ? c.values[i]! * 100 : c.values[i]!]),
      showSymbol: sparse,
      symbolSize: sparse ? 9 : 4,
      lineStyle: { width: 1.5, type: c.key.startsWith('test') ? ('dashed' as const) : ('solid' as const) },
    };
  });
  const accAxis = { type: 'value' as const, name: 'accuracy (%)', min: 0, max: 100 };
  const lossAxis = { type: 'value' as const, name: 'loss', scale: true };
  return renderChart(
    {
      legend: { top: 0, textStyle: { fontSize: 11 } },
      grid: { left: 60, right: hasAcc && hasLoss ? 60 : 24, top: 44, bottom: 44 },
      xAxis: { type: 'value', name: 'step', nameLocation: 'middle', nameGap: 26, scale: true },
      yAxis:
        hasLoss && hasAcc
          ? [lossAxis, { ...accAxis, splitLine: { show: false } }]
          : hasAcc
            ? accAxis
            : lossAxis,
      series,
    },
    CHART_WIDTH,
    300,
  );
}

/** The final metrics a sweep plot shows, when the runs logged them. */
export const SWEEP_METRICS = ['test_accuracy', 'test_loss', 'energy_per_classification'] as const;

/** One final metric against the sweep point (the swept values as written, in point order). */
export function sweepChart(group: SweepGroup, metric: string): string | null {
  const points = group.runs.filter((r) => r.run.metrics[metric] !== undefined);
  if (points.length < 2) return null;
  const label = (sp: Record<string, string>) =>
    group.paths.length === 1 ? sp[group.paths[0]!]! : group.paths.map((p) => `${p}=${sp[p]}`).join(', ');
  const acc = isAccuracy(metric);
  const raw = points.map((r) => r.run.metrics[metric]!);
  const energy = metric === 'energy_per_classification';
  const scale = energy ? siScale(Math.max(...raw.map(Math.abs)), 'J') : null;
  const values = raw.map((v) => (acc ? v * 100 : scale ? v / scale.factor : v));
  // The title names the metric; the axis only its unit (a long axis name is cut at the margin).
  const yName = acc ? '%' : scale ? scale.unit : '';
  return renderChart(
    {
      title: { text: metric, left: 'center', textStyle: { fontSize: 13 } },
      grid: { left: 56, right: 20, top: 40, bottom: 56 },
      xAxis: {
        type: 'category',
        name: group.paths.join(' × '),
        nameLocation: 'middle',
        nameGap: 34,
        data: points.map((r) => label(r.sweepPoint)),
      },
      yAxis: { type: 'value', name: yName, scale: !acc, ...(acc ? { min: 0, max: 100 } : {}) },
      series: [
        {
          type: 'line',
          data: values,
          symbolSize: 8,
          label: {
            show: true,
            fontSize: 10,
            formatter: (p) => String(Number(Number(p.value).toPrecision(3))),
          },
        },
      ],
    },
    // Two to a row (.sweep grid): a sweep's plots fit under the overview table.
    SWEEP_CHART_WIDTH,
    260,
  );
}

/** Where each term goes in the stacked bar: its layer (chip-level terms under 'chip'). */
const barOf = (t: EnergyReport['terms'][number]) => t.layer ?? 'chip';

/**
 * Energy per classification as one bar per layer, stacked by component (synapse, neuron, ADC,
 * ...), in the prefix of the largest bar. Null when the estimate has no terms.
 */
export function energyChart(report: EnergyReport): string | null {
  if (report.terms.length === 0) return null;
  const bars = [...new Set(report.terms.map(barOf))];
  const components = [...new Set(report.terms.map((t) => t.component))];
  const totals = bars.map((b) =>
    report.terms.filter((t) => barOf(t) === b).reduce((s, t) => s + t.energy, 0),
  );
  const scale = siScale(Math.max(...totals), 'J');
  const series = components.map((c) => ({
    name: c,
    type: 'bar' as const,
    stack: 'energy',
    barMaxWidth: 48,
    data: bars.map((b) =>
      Number(
        (
          report.terms.filter((t) => barOf(t) === b && t.component === c).reduce((s, t) => s + t.energy, 0) /
          scale.factor
        ).toPrecision(6),
      ),
    ),
  }));
  return renderChart(
    {
      title: {
        text: `energy per classification by layer (${scale.unit})`,
        left: 'center',
        textStyle: { fontSize: 13 },
      },
      legend: { bottom: 0, textStyle: { fontSize: 11 } },
      grid: { left: 64, right: 24, top: 40, bottom: 56 },
      xAxis: { type: 'category', data: bars },
      yAxis: { type: 'value', name: scale.unit },
      series,
    },
    CHART_WIDTH,
    280,
  );
}
