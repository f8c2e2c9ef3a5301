// Membrane potential of the recorded neurons of one population against time (ms), on the same
// time window as the raster (its own dataZoom reports back into that window). The threshold is
// not in the record, so no threshold line is drawn.
import { useEffect, useMemo, useRef } from 'react';
import type { SpikeLayer } from '../../../../engine/protocol/schema';
import type { TimeWindow } from './spike-data';
import { AXIS, TOOLTIP, useChart, zoomEventWindow } from './use-chart';

interface Props {
  layer: SpikeLayer;
  msPerStep: number;
  duration: number;
  window: TimeWindow;
  onWindowChange: (window: TimeWindow) => void;
}

const TRACE_COLORS = ['#5aa9ff', '#f0a04b', '#3fcf8e', '#c678dd', '#ef6b5b', '#e5c07b', '#56b6c2', '#d4d7dd'];

export function Traces({ layer, msPerStep, duration, window, onWindowChange }: Props) {
  const container = useRef<HTMLDivElement>(null);
  const chart = useChart(container);
  const shown = useRef<TimeWindow | null>(null);
  const onChange = useRef(onWindowChange);
  onChange.current = onWindowChange;

  const series = useMemo(
    () =>
      layer.traceNeurons.map((neuron, j) => {
        const trace = layer.traces[j] ?? [];
        return { neuron, data: trace.map((v, t) => [t * msPerStep, v] as [number, number]) };
      }),
    [layer, msPerStep],
  );

  useEffect(() => {
    const el = container.current;
    if (!chart || !el) return;
    chart.setOption(
      {
        animation: false,
        backgroundColor: 'transparent',
        textStyle: { fontFamily: 'inherit' },
        grid: { left: 48, right: 14, top: 28, bottom: 22 },
        legend: {
          top: 2,
          type: 'scroll',
          icon: 'roundRect',
          itemWidth: 12,
          itemHeight: 3,
          textStyle: { color: AXIS.color, fontSize: 10 },
          pageTextStyle: { color: AXIS.color },
        },
        tooltip: {
          ...TOOLTIP,
          trigger: 'axis',
          valueFormatter: (v: unknown) =>
            typeof v === 'number' ? Number(v.toPrecision(4)).toString() : String(v),
        },
        xAxis: {
          type: 'value',
          min: 0,
          max: duration,
          axisLine: { lineStyle: { color: AXIS.line } },
          axisLabel: { color: AXIS.color, fontSize: 10, hideOverlap: true },
          splitLine: { show: false },
        },
        yAxis: {
          type: 'value',
          scale: true,
          axisLabel: { color: AXIS.color, fontSize: 10 },
          splitLine: { lineStyle: { color: AXIS.split } },
        },
        dataZoom: [
          {
            type: 'inside',
            xAxisIndex: 0,
            filterMode: 'none',
            zoomOnMouseWheel: 'ctrl',
            moveOnMouseWheel: false,
            moveOnMouseMove: true,
          },
        ],
        series: series.map((s, j) => ({
          id: `trace-${s.neuron}`,
          name: `${layer.name}[${s.neuron}]`,
          type: 'line',
          data: s.data,
          color: TRACE_COLORS[j % TRACE_COLORS.length],
          showSymbol: false,
          sampling: 'lttb',
          lineStyle: { width: 1.2 },
          emphasis: { disabled: true },
        })),
      },
      { notMerge: true },
    );
    el.dataset.series = String(series.length);
    shown.current = null;
    chart.off('datazoom');
    chart.on('datazoom', (event: unknown) => {
      const w = zoomEventWindow(event, duration);
      if (!w) return;
      shown.current = w;
      onChange.current(w);
    });
  }, [chart, series, layer.name, duration]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: new series reset the zoom; apply the window again
  useEffect(() => {
    if (!chart) return;
    const s = shown.current;
    if (s && Math.abs(s.start - window.start) < 1e-6 && Math.abs(s.end - window.end) < 1e-6) return;
    shown.current = window;
    chart.dispatchAction({ type: 'dataZoom', startValue: window.start, endValue: window.end });
  }, [chart, window, series]);

  return (
    <div ref={container} className="spike-chart spike-traces" data-testid="spike-traces" data-series="0" />
  );
}
