// One ECharts instance per container for the spike views: the tree-shaken pieces they need are
// registered here once, the instance follows its container's size and is disposed on unmount.
import { BarChart, LineChart, ScatterChart } from 'echarts/charts';
import {
  DataZoomInsideComponent,
  DataZoomSliderComponent,
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  MarkLineComponent,
  TooltipComponent,
} from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { type RefObject, useEffect, useState } from 'react';

echarts.use([
  BarChart,
  LineChart,
  ScatterChart,
  DataZoomInsideComponent,
  DataZoomSliderComponent,
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  MarkLineComponent,
  TooltipComponent,
  CanvasRenderer,
]);

/** The studio's chart colours (as MetricsChart). */
export const AXIS = { color: '#8a93a3', line: '#3a404c', split: '#262a33' };

export const TOOLTIP = {
  backgroundColor: '#20242c',
  borderColor: '#313745',
  textStyle: { color: '#d4d7dd', fontSize: 11 },
};

/** The chart on `container`, or null until it exists; resized with its container. */
export function useChart(container: RefObject<HTMLDivElement | null>): echarts.ECharts | null {
  const [chart, setChart] = useState<echarts.ECharts | null>(null);
  useEffect(() => {
    const el = container.current;
    if (!el) return;
    const instance = echarts.init(el, null, { renderer: 'canvas' });
    setChart(instance);
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(el);
    return () => {
      observer.disconnect();
      instance.dispose();
      setChart(null);
    };
  }, [container]);
  return chart;
}

/** Value of a dataZoom event as a time window (ms), from its values or its percentages. */
export function zoomEventWindow(event: unknown, extent: number): { start: number; end: number } | null {
  const e = event as {
    batch?: { start?: number; end?: number; startValue?: number; endValue?: number }[];
    start?: number;
    end?: number;
    startValue?: number;
    endValue?: number;
  };
  const p = e.batch?.[0] ?? e;
  if (typeof p.startValue === 'number' && typeof p.endValue === 'number') {
    return { start: p.startValue, end: p.endValue };
  }
  if (typeof p.start === 'number' && typeof p.end === 'number') {
    return { start: (p.start / 100) * extent, end: (p.end / 100) * extent };
  }
  return null;
}
