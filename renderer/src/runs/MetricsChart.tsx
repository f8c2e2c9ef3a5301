// Loss and accuracy of one run against the training step. The chart is created once; new
// points are appended to the series' data and pushed with setOption (merged by series id) at
// most once per animation frame, so a fast run never rebuilds the chart per point.
import { LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';
import { useStudio } from '../app/studio-context';

echarts.use([LineChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

interface SeriesDef {
  key: string;
  label: string;
  color: string;
  axis: 0 | 1;
  /** Test metrics come once per evaluation: show their points. */
  markers: boolean;
}

const SERIES: SeriesDef[] = [
  { key: 'train_loss', label: 'train loss', color: '#f0a04b', axis: 0, markers: false },
  { key: 'test_loss', label: 'test loss', color: '#ef6b5b', axis: 0, markers: true },
  { key: 'train_accuracy', label: 'train accuracy', color: '#5aa9ff', axis: 1, markers: false },
  { key: 'test_accuracy', label: 'test accuracy', color: '#3fcf8e', axis: 1, markers: true },
];

/** The metrics the chart draws: the run panel loads only their histories. */
export const CHART_KEYS = SERIES.map((s) => s.key);

const AXIS = { color: '#8a93a3', line: '#3a404c', split: '#262a33' };

function baseOption(): echarts.EChartsCoreOption {
  return {
    animation: false,
    backgroundColor: 'transparent',
    textStyle: { fontFamily: 'inherit' },
    grid: { left: 48, right: 48, top: 36, bottom: 28 },
    legend: {
      top: 4,
      icon: 'roundRect',
      itemWidth: 12,
      itemHeight: 3,
      textStyle: { color: AXIS.color, fontSize: 11 },
    },
    tooltip: {
      trigger: 'axis',
      backgroundColor: '#20242c',
      borderColor: '#313745',
      textStyle: { color: '#d4d7dd', fontSize: 11 },
      valueFormatter: (v: unknown) =>
        typeof v === 'number' ? Number(v.toPrecision(4)).toString() : String(v),
    },
    xAxis: {
      type: 'value',
      name: 'step',
      nameLocation: 'end',
      nameTextStyle: { color: AXIS.color, fontSize: 10 },
      min: 0,
      axisLine: { lineStyle: { color: AXIS.line } },
      axisLabel: { color: AXIS.color, fontSize: 10 },
      splitLine: { show: false },
    },
    yAxis: [
      {
        type: 'value',
        name: 'loss',
        scale: true,
        nameTextStyle: { color: AXIS.color, fontSize: 10 },
        axisLabel: { color: AXIS.color, fontSize: 10 },
        splitLine: { lineStyle: { color: AXIS.split } },
      },
      {
        type: 'value',
        name: 'accuracy',
        min: 0,
        max: 1,
        nameTextStyle: { color: AXIS.color, fontSize: 10 },
        axisLabel: { color: AXIS.color, fontSize: 10 },
        splitLine: { show: false },
      },
    ],
    series: SERIES.map((s) => ({
      id: s.key,
      name: s.label,
      type: 'line',
      yAxisIndex: s.axis,
      color: s.color,
      showSymbol: s.markers,
      symbolSize: 5,
      lineStyle: { width: s.markers ? 1.8 : 1.4 },
      emphasis: { disabled: true },
      data: [],
    })),
  };
}

export function MetricsChart({ runId }: { runId: string | null }) {
  const { runs } = useStudio();
  const container = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);

  useEffect(() => {
    const el = container.current;
    if (!el) return;
    const instance = echarts.init(el, null, { renderer: 'canvas' });
    instance.setOption(baseOption());
    chart.current = instance;
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(el);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    let frame: number | null = null;
    const flush = () => {
      frame = null;
      const instance = chart.current;
      const el = container.current;
      if (!instance || !el) return;
      const run = runId ? runs.get(runId) : undefined;
      let count = 0;
      instance.setOption({
        series: SERIES.map((s) => {
          // The cache's arrays only grow; ECharts reads them afresh on each setOption.
          const data = run?.series.get(s.key) ?? [];
          count += data.length;
          return { id: s.key, data };
        }),
      });
      // Tests and the empty-state overlay read the point count from the DOM.
      el.dataset.points = String(count);
      el.parentElement?.setAttribute('data-empty', count === 0 ? 'true' : 'false');
    };
    const schedule = () => {
      if (frame === null) frame = requestAnimationFrame(flush);
    };
    flush();
    const off = runs.onPoints((id) => {
      if (id === runId) schedule();
    });
    return () => {
      off();
      if (frame !== null) cancelAnimationFrame(frame);
    };
  }, [runId, runs]);

  return (
    <div className="chart-frame" data-empty="true">
      <div ref={container} className="chart" data-testid="metrics-chart" data-points="0" />
      <div className="chart-empty">
        {runId ? 'Waiting for the first metrics…' : 'Run an experiment to chart its loss and accuracy.'}
      </div>
    </div>
  );
}
