// The "draw" half of the chart goal (issue 9: a 100,000-point series loads and draws in < 1 s):
// LTTB downsampling with the `downsample` package and ECharts rendering in Node (server-side SVG,
// the same chart options as renderer/src/runs/MetricsChart.tsx: a line without symbols, no
// animation). SVG in Node is a stand-in for the studio's canvas in Chromium: both walk every
// point to build the path, which is the cost that grows with the series.
import { LTTB } from 'downsample';
import * as echarts from 'echarts';

export const CHART_WIDTH = 800;
export const CHART_HEIGHT = 400;

export interface DrawRow {
  /** What was drawn: 'raw', 'lttb' (downsampled first) or 'echarts-sampling' (ECharts' own LTTB). */
  name: string;
  points: number;
  /** init + setOption + renderToSVGString + dispose, best of `reps` (first render included in reps). */
  seconds: number;
  firstSeconds: number;
  /** Process CPU time of the best run (steadier than wall clock on a shared machine); null in a browser. */
  cpuSeconds: number | null;
  /** Size of the SVG string; null for canvas. */
  svgBytes: number | null;
}

/** The store's columns as the [step, value] pairs ECharts and `downsample` take. */
export function toPairs(steps: ArrayLike<number>, values: ArrayLike<number>): [number, number][] {
  const out: [number, number][] = new Array(steps.length);
  for (let i = 0; i < steps.length; i++) out[i] = [steps[i]!, values[i]!];
  return out;
}

export function lttb(pairs: [number, number][], threshold: number): [number, number][] {
  return LTTB(pairs, threshold) as [number, number][];
}

/** The chart the run view draws (MetricsChart.tsx): one line without symbols, no animation. */
export function lineOption(data: [number, number][], sampling?: 'lttb') {
  return {
    animation: false,
    grid: { left: 50, right: 20, top: 20, bottom: 30 },
    xAxis: { type: 'value', name: 'step' },
    yAxis: { type: 'value', scale: true },
    series: [{ type: 'line', showSymbol: false, data, ...(sampling ? { sampling } : {}) }],
  };
}

/** Renders one line chart to an SVG string; returns its length. */
export function renderLineSvg(data: [number, number][], sampling?: 'lttb'): number {
  const chart = echarts.init(null, null, {
    renderer: 'svg',
    ssr: true,
    width: CHART_WIDTH,
    height: CHART_HEIGHT,
  });
  try {
    chart.setOption(lineOption(data, sampling));
    return chart.renderToSVGString().length;
  } finally {
    // Without dispose the zrender animation loop keeps Node's event loop alive.
    chart.dispose();
  }
}

export function timeDraw(name: string, data: [number, number][], reps: number, sampling?: 'lttb'): DrawRow {
  let best = Number.POSITIVE_INFINITY;
  let bestCpu = Number.POSITIVE_INFINITY;
  let first = 0;
  let svgBytes = 0;
  for (let r = 0; r < reps; r++) {
    const t = performance.now();
    const c = process.cpuUsage();
    svgBytes = renderLineSvg(data, sampling);
    const s = (performance.now() - t) / 1000;
    const cpu = process.cpuUsage(c);
    if (r === 0) first = s;
    best = Math.min(best, s);
    bestCpu = Math.min(bestCpu, (cpu.user + cpu.system) / 1e6);
  }
  return { name, points: data.length, seconds: best, firstSeconds: first, cpuSeconds: bestCpu, svgBytes };
}
