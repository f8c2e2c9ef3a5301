// One ECharts canvas that follows its container's size and takes a whole new option whenever the
// option object changes (the analysis charts are rebuilt from data, never appended to).
import { LineChart, ParallelChart, ScatterChart } from 'echarts/charts';
import {
  GridComponent,
  LegendComponent,
  ParallelComponent,
  TooltipComponent,
  VisualMapComponent,
} from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';
import { compactNumber } from './query';

echarts.use([
  LineChart,
  ScatterChart,
  ParallelChart,
  GridComponent,
  LegendComponent,
  ParallelComponent,
  TooltipComponent,
  VisualMapComponent,
  CanvasRenderer,
]);

export type ChartOption = echarts.EChartsCoreOption;

export const AXIS = { color: '#8a93a3', line: '#3a404c', split: '#262a33' };
/** Distinct run colours on the dark background (Tableau 10, brightened). */
export const RUN_COLORS = [
  '#5aa9ff',
  '#f0a04b',
  '#3fcf8e',
  '#ef6b5b',
  '#b48cf2',
  '#e6c85a',
  '#4fd1d9',
  '#f28cc4',
  '#a3d977',
  '#c0c6d0',
];

export const TOOLTIP = {
  backgroundColor: '#20242c',
  borderColor: '#313745',
  textStyle: { color: '#d4d7dd', fontSize: 11 },
};

export const axisStyle = (name: string, time = false) => ({
  name,
  nameTextStyle: { color: AXIS.color, fontSize: 10 },
  axisLine: { lineStyle: { color: AXIS.line } },
  // A time axis keeps ECharts' own date labels.
  axisLabel: time
    ? { color: AXIS.color, fontSize: 10 }
    : { color: AXIS.color, fontSize: 10, formatter: (v: number) => compactNumber(v) },
  splitLine: { lineStyle: { color: AXIS.split } },
});

export function EChart({
  option,
  testId,
  attrs,
}: {
  option: ChartOption;
  testId: string;
  /** data-* attributes describing what is drawn, for tests and assistive tooling. */
  attrs?: Record<string, string | number>;
}) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);

  useEffect(() => {
    if (!el.current) return;
    const instance = echarts.init(el.current, null, { renderer: 'canvas' });
    chart.current = instance;
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(el.current);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption(option, { notMerge: true });
  }, [option]);

  const data = Object.fromEntries(Object.entries(attrs ?? {}).map(([k, v]) => [`data-${k}`, String(v)]));
  return <div ref={el} className="analysis-chart" data-testid={testId} {...data} />;
}
