// The spike raster: every population's spikes on one canvas, x = time (ms), y = neuron, the input
// on top and each layer below it in its own colour and band. Built for 100k points: one scatter
// series per population fed a flat Float32Array, ECharts' large mode (one path per chunk, no
// element per point), no hover or tooltip, no animation. Scrubbing is the time axis' dataZoom
// (slider, drag, Ctrl+wheel), shared with the membrane traces through `window`.
import { useEffect, useMemo, useRef } from 'react';
import type { SpikeRecord } from '../../../../engine/protocol/schema';
import {
  durationMs,
  layerColor,
  rasterPoints,
  type StackedLayer,
  stepMs,
  type TimeWindow,
} from './spike-data';
import { AXIS, useChart, zoomEventWindow } from './use-chart';

interface Props {
  record: SpikeRecord;
  stacked: StackedLayer[];
  totalRows: number;
  window: TimeWindow;
  onWindowChange: (window: TimeWindow) => void;
}

/** Close enough to be the same window (ms): stops the chart and the state echoing each other. */
const SAME_WINDOW_MS = 1e-6;

export function Raster({ record, stacked, totalRows, window, onWindowChange }: Props) {
  const container = useRef<HTMLDivElement>(null);
  const chart = useChart(container);
  const shown = useRef<TimeWindow | null>(null);
  /** When the last window move was dispatched, to time its redraw (read by the e2e test). */
  const moveStarted = useRef<number | null>(null);
  const onChange = useRef(onWindowChange);
  onChange.current = onWindowChange;
  const duration = durationMs(record);

  const points = useMemo(() => stacked.map((s) => rasterPoints(s, stepMs(record))), [stacked, record]);

  useEffect(() => {
    const el = container.current;
    if (!chart || !el) return;
    const count = points.reduce((n, p) => n + p.length / 2, 0);
    el.dataset.rendered = 'false';
    const started = performance.now();
    chart.off('rendered');
    chart.on('rendered', () => {
      // Tests read how long the first render took. setOption flushes the canvas before it
      // returns, so this first 'rendered' comes from inside it (below the progressive threshold
      // that frame draws every spike): hence the handler goes on before setOption.
      if (moveStarted.current !== null) {
        const ms = performance.now() - moveStarted.current;
        moveStarted.current = null;
        el.dataset.moves = String(Number(el.dataset.moves ?? 0) + 1);
        el.dataset.moveMsMax = String(Math.max(Number(el.dataset.moveMsMax ?? 0), Number(ms.toFixed(1))));
      }
      if (el.dataset.rendered === 'true') return;
      el.dataset.rendered = 'true';
      el.dataset.renderMs = (performance.now() - started).toFixed(1);
    });
    chart.setOption(
      {
        animation: false,
        backgroundColor: 'transparent',
        textStyle: { fontFamily: 'inherit' },
        grid: { left: 92, right: 14, top: 8, bottom: 52 },
        xAxis: {
          type: 'value',
          min: 0,
          max: duration,
          // At the bottom although the neuron axis runs downwards (input on top). Time in ms, as
          // the window text above says.
          position: 'bottom',
          axisLine: { lineStyle: { color: AXIS.line } },
          axisLabel: { color: AXIS.color, fontSize: 10, hideOverlap: true },
          splitLine: { show: false },
        },
        yAxis: {
          type: 'value',
          min: 0,
          max: Math.max(1, totalRows),
          inverse: true,
          axisLine: { show: false },
          axisTick: { show: false },
          axisLabel: { show: false },
          splitLine: { show: false },
        },
        dataZoom: [
          {
            type: 'inside',
            xAxisIndex: 0,
            // 'none': moving the window only changes the axis and redraws (clipped), no pass over
            // the 100k points to filter them; measured smoother than 'filter' (docs/ui-spikes.md).
            filterMode: 'none',
            // The panel scrolls with the wheel; zooming takes Ctrl+wheel, panning a drag.
            zoomOnMouseWheel: 'ctrl',
            moveOnMouseWheel: false,
            moveOnMouseMove: true,
          },
          {
            type: 'slider',
            xAxisIndex: 0,
            filterMode: 'none',
            height: 16,
            bottom: 8,
            borderColor: AXIS.line,
            textStyle: { color: AXIS.color, fontSize: 10 },
            labelFormatter: (v: number) => `${Number(v.toPrecision(4))}`,
            // The shadow would be computed from 100k points on every render: not worth it here.
            showDataShadow: false,
          },
        ],
        tooltip: { show: false },
        series: stacked.map((s, i) => ({
          id: `raster-${i}`,
          name: s.layer.name,
          type: 'scatter',
          // Float32Array [x0, y0, x1, y1, ...]: no object per spike.
          data: points[i],
          dimensions: ['x', 'y'],
          large: true,
          largeThreshold: 2000,
          progressive: 50_000,
          progressiveThreshold: 100_000,
          symbol: 'rect',
          symbolSize: 2,
          silent: true,
          itemStyle: { color: layerColor(s.index) },
          emphasis: { disabled: true },
          // The population's band: a faint fill on alternate layers, its name in the left margin.
          markArea: {
            silent: true,
            itemStyle: { color: i % 2 === 0 ? 'rgba(255,255,255,0.025)' : 'rgba(255,255,255,0)' },
            label: {
              show: true,
              position: 'left',
              color: layerColor(s.index),
              fontSize: 10,
              width: 84,
              overflow: 'truncate',
              lineHeight: 13,
              align: 'right',
              formatter: `${s.layer.name}\n${s.layer.neurons.toLocaleString()} neurons`,
            },
            data: [[{ yAxis: s.offset }, { yAxis: s.offset + s.rows }]],
          },
          markLine:
            i === 0
              ? undefined
              : {
                  silent: true,
                  symbol: 'none',
                  label: { show: false },
                  lineStyle: { color: AXIS.line, type: 'dashed', width: 1 },
                  data: [{ yAxis: s.offset }],
                },
        })),
      },
      { notMerge: true },
    );
    el.dataset.setOptionMs = (performance.now() - started).toFixed(1);
    shown.current = { start: 0, end: duration };
    el.dataset.points = String(count);
    chart.off('datazoom');
    chart.on('datazoom', (event: unknown) => {
      const w = zoomEventWindow(event, duration);
      if (!w) return;
      shown.current = w;
      onChange.current(w);
    });
  }, [chart, points, stacked, totalRows, duration]);

  // The shared window moved elsewhere (keyboard, traces): follow it.
  useEffect(() => {
    if (!chart) return;
    const s = shown.current;
    if (
      s &&
      Math.abs(s.start - window.start) < SAME_WINDOW_MS &&
      Math.abs(s.end - window.end) < SAME_WINDOW_MS
    )
      return;
    shown.current = window;
    moveStarted.current = performance.now();
    chart.dispatchAction({ type: 'dataZoom', startValue: window.start, endValue: window.end });
  }, [chart, window]);

  return (
    <div ref={container} className="spike-chart spike-raster" data-testid="spike-raster" data-points="0" />
  );
}
