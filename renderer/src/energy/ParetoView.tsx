// Accuracy against energy per classification (log axis): the project's runs, the reference
// platforms of seed 003, their Pareto front (a step line through the points no other beats on
// both) and the Landauer floor as a vertical line. Hover shows a point's run or source; clicking a
// run opens it in the run details. Wheel and drag zoom both axes; Reset zoom shows everything.
import { LineChart, ScatterChart } from 'echarts/charts';
import {
  DataZoomInsideComponent,
  GridComponent,
  LegendComponent,
  TooltipComponent,
} from 'echarts/components';
import * as echarts from 'echarts/core';
import { LabelLayout } from 'echarts/features';
import { CanvasRenderer } from 'echarts/renderers';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useConnection, useEngineEvent, useStudio } from '../app/studio-context';
import { shortId } from '../runs/format';
import {
  accuracyRange,
  formatAccuracy,
  formatSi,
  frontOf,
  logRange,
  type ParetoData,
  type ParetoPlatform,
  type ParetoRun,
  plottableRuns,
} from './pareto-data';

echarts.use([
  LabelLayout,
  ScatterChart,
  LineChart,
  DataZoomInsideComponent,
  GridComponent,
  LegendComponent,
  TooltipComponent,
  CanvasRenderer,
]);

const AXIS = { color: '#8a93a3', line: '#3a404c', split: '#262a33' };
const COLORS = { platform: '#f0a04b', run: '#3fcf8e', landauer: '#ef6b5b', front: '#d4d7dd' };

/** A point of the front: a run or a platform, by name. */
interface FrontDatum {
  value: [number, number];
  label: string;
}

interface RunDatum {
  value: [number, number];
  run: ParetoRun;
}
interface PlatformDatum {
  value: [number, number];
  name: string;
  platform: ParetoPlatform;
}

function esc(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

/** Width of the column on the right where the platform names stand, joined to their points. */
const LABEL_COLUMN = 150;
const LABEL_ROW = 15;
const GRID_TOP = 30;

function option(
  data: ParetoData,
  chartSize: () => { width: number; height: number },
): echarts.EChartsCoreOption {
  const runs = plottableRuns(data.runs);
  const { landauer } = data;
  const energies = [
    ...runs.map((r) => r.energyPerClassification),
    ...data.platforms.map((p) => p.energyPerClassification),
    landauer.energyPerClassification,
  ];
  const x = logRange(energies);
  const y = accuracyRange([...runs.map((r) => r.accuracy), ...data.platforms.map((p) => p.accuracy)]);
  // Row of each platform's name in the label column: highest accuracy first.
  const labelRank: number[] = [];
  data.platforms
    .map((p, i) => ({ i, accuracy: p.accuracy }))
    .sort((a, b) => b.accuracy - a.accuracy)
    .forEach(({ i }, rank) => {
      labelRank[i] = rank;
    });
  const landauerLabel = `Landauer floor (${formatSi(landauer.energyPerClassification)})`;
  const front = frontOf(data);
  return {
    animation: false,
    backgroundColor: 'transparent',
    textStyle: { fontFamily: 'inherit' },
    grid: { left: 62, right: LABEL_COLUMN, top: GRID_TOP, bottom: 40 },
    legend: {
      top: 2,
      textStyle: { color: AXIS.color, fontSize: 11 },
      data: ['platforms (seed 003)', 'project runs', 'Pareto front', landauerLabel],
    },
    // Wheel zooms, drag pans, on both axes; filterMode 'none' keeps the points (and the front)
    // that leave the window in the data, so zooming out shows them again.
    dataZoom: [
      { type: 'inside', id: 'zoom-x', xAxisIndex: 0, filterMode: 'none' },
      { type: 'inside', id: 'zoom-y', yAxisIndex: 0, filterMode: 'none' },
    ],
    tooltip: {
      trigger: 'item',
      backgroundColor: '#20242c',
      borderColor: '#313745',
      textStyle: { color: '#d4d7dd', fontSize: 11 },
      extraCssText: 'max-width: 420px; white-space: normal;',
      formatter: (p: { seriesId?: string; data?: unknown; componentType?: string }) => {
        if (p.seriesId === 'front') {
          const d = p.data as FrontDatum;
          return `<b>Pareto front</b>: ${esc(d.label)}<br/>no run or platform has higher accuracy at lower energy`;
        }
        if (p.seriesId === 'landauer') {
          return `<b>${esc(landauerLabel)}</b><br/>${esc(landauer.assumption)}`;
        }
        if (p.seriesId === 'runs') {
          const { run } = p.data as RunDatum;
          return [
            `<b>run ${esc(shortId(run.runId))}</b> (click to open)`,
            `experiment: ${esc(run.experiment)}`,
            `network: ${esc(run.network ?? '?')}${run.chip ? ` on ${esc(run.chip)}` : ''}`,
            run.sweepPoint ? `sweep point: ${esc(run.sweepPoint)}` : '',
            `accuracy: ${formatAccuracy(run.accuracy)}`,
            `energy: ${formatSi(run.energyPerClassification)} per classification`,
          ]
            .filter(Boolean)
            .join('<br/>');
        }
        if (p.seriesId === 'platforms') {
          const { platform } = p.data as PlatformDatum;
          return [
            `<b>${esc(platform.name)}</b>`,
            `accuracy: ${formatAccuracy(platform.accuracy)}`,
            `energy: ${formatSi(platform.energyPerClassification)} per classification`,
            `throughput: ${platform.throughput.toLocaleString('en')} classifications/s`,
            platform.node !== null ? `node: ${Math.round(platform.node * 1e9)} nm` : '',
            `source: ${esc(platform.source)}`,
          ]
            .filter(Boolean)
            .join('<br/>');
        }
        return '';
      },
    },
    // The x axis is log10 of the energy on a value axis: a grid line every decade and a label
    // every third (one SI prefix each), which ECharts' log axis cannot be told to do.
    xAxis: {
      type: 'value',
      min: Math.round(Math.log10(x.min)),
      max: Math.round(Math.log10(x.max)),
      interval: 1,
      name: 'energy per classification',
      nameLocation: 'middle',
      nameGap: 24,
      nameTextStyle: { color: AXIS.color, fontSize: 10 },
      axisLine: { lineStyle: { color: AXIS.line } },
      // A label every third decade (one SI prefix each); a grid line every decade.
      axisLabel: {
        color: AXIS.color,
        fontSize: 10,
        formatter: (v: number) => (Math.round(v) % 3 === 0 ? formatSi(10 ** Math.round(v)) : ''),
      },
      splitLine: { lineStyle: { color: AXIS.split } },
    },
    yAxis: {
      type: 'value',
      min: y.min,
      max: y.max,
      // Round steps: 5 % on a narrow range, 20 % on the full one.
      interval: y.max - y.min <= 0.3 ? 0.05 : 0.2,
      name: 'test accuracy',
      nameLocation: 'middle',
      nameGap: 40,
      nameTextStyle: { color: AXIS.color, fontSize: 10 },
      axisLabel: { color: AXIS.color, fontSize: 10, formatter: (v: number) => `${Math.round(v * 100)}%` },
      splitLine: { lineStyle: { color: AXIS.split } },
    },
    series: [
      {
        id: 'platforms',
        name: 'platforms (seed 003)',
        type: 'scatter',
        color: COLORS.platform,
        symbol: 'diamond',
        symbolSize: 11,
        label: {
          show: true,
          position: 'right',
          color: '#c9ccd3',
          fontSize: 10,
          formatter: (p: { name: string }) => p.name,
        },
        // Seven names crowd on a 21-decade axis: they stand in a column right of the plot, one
        // row each in order of accuracy (the order of their points), joined by leader lines.
        labelLine: { show: true, lineStyle: { color: '#5b6270', width: 1 } },
        labelLayout: (p: { dataIndex: number }) => ({
          x: chartSize().width - LABEL_COLUMN + 12,
          // Rows of 15 px, closer when the pane is short, so the column stays beside the plot.
          y:
            GRID_TOP +
            6 +
            Math.min(LABEL_ROW, (chartSize().height - GRID_TOP - 40) / Math.max(1, data.platforms.length)) *
              (labelRank[p.dataIndex] ?? 0),
          align: 'left',
          verticalAlign: 'middle',
        }),
        data: data.platforms.map(
          (platform): PlatformDatum => ({
            value: [Math.log10(platform.energyPerClassification), platform.accuracy],
            name: platform.name,
            platform,
          }),
        ),
      },
      {
        id: 'runs',
        name: 'project runs',
        type: 'scatter',
        color: COLORS.run,
        symbol: 'circle',
        symbolSize: 10,
        cursor: 'pointer',
        data: runs.map(
          (run): RunDatum => ({ value: [Math.log10(run.energyPerClassification), run.accuracy], run }),
        ),
      },
      {
        // The front as a staircase: from each point the best accuracy holds until the next, more
        // costly point raises it (step 'end': horizontal first, then up).
        id: 'front',
        name: 'Pareto front',
        type: 'line',
        step: 'end',
        color: COLORS.front,
        symbol: 'none',
        z: 1,
        lineStyle: { width: 1, type: 'solid', opacity: 0.7 },
        data: front.map(
          (f): FrontDatum => ({ value: [Math.log10(f.energyPerClassification), f.accuracy], label: f.label }),
        ),
      },
      {
        // The floor: a vertical dashed line from the bottom to the top of the accuracy axis.
        id: 'landauer',
        name: landauerLabel,
        type: 'line',
        color: COLORS.landauer,
        symbol: 'none',
        lineStyle: { type: 'dashed', width: 1.5 },
        triggerLineEvent: true,
        endLabel: {
          show: true,
          color: COLORS.landauer,
          fontSize: 10,
          align: 'left',
          offset: [4, 10],
          formatter: `floor: ${landauer.bits.toFixed(2)} bits × kT ln2`,
        },
        data: [
          [Math.log10(landauer.energyPerClassification), y.min],
          [Math.log10(landauer.energyPerClassification), y.max],
        ],
      },
    ],
  };
}

export function ParetoView({
  onOpenRun,
  onRuns,
}: {
  onOpenRun: (runId: string) => void;
  /** Called with the runs that have an energy estimate, each time they are loaded. */
  onRuns?: (runs: ParetoRun[]) => void;
}) {
  const { engine } = useStudio();
  const connection = useConnection();
  const [data, setData] = useState<ParetoData | null>(null);
  const [error, setError] = useState<string | null>(null);
  const container = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const openRun = useRef(onOpenRun);
  openRun.current = onOpenRun;
  const runsTo = useRef(onRuns);
  runsTo.current = onRuns;
  const [zoomed, setZoomed] = useState(false);

  const reload = useCallback(() => {
    engine.call('energy.pareto', {}).then(
      (result) => {
        setData(result);
        setError(null);
        runsTo.current?.(result.runs);
      },
      (err: unknown) => setError(err instanceof Error ? err.message : String(err)),
    );
  }, [engine]);

  const generation = connection.phase === 'open' ? connection.generation : 0;
  useEffect(() => {
    if (generation > 0) reload();
  }, [generation, reload]);
  useEngineEvent('runs.changed', reload);
  useEngineEvent('run.status', (p) => {
    if (p.status === 'finished') reload();
  });

  useEffect(() => {
    const el = container.current;
    if (!el) return;
    const instance = echarts.init(el, null, { renderer: 'canvas' });
    chart.current = instance;
    instance.on('click', (p) => {
      if (p.seriesId === 'runs') openRun.current((p.data as RunDatum).run.runId);
    });
    instance.on('datazoom', () => setZoomed(true));
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(el);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  // Where the first run point is drawn (px in the chart), so a test can click it; measured
  // after every render, since the pane's size settles after the data arrive.
  const [firstRunAt, setFirstRunAt] = useState<string | null>(null);
  useEffect(() => {
    const instance = chart.current;
    if (!data || !instance) return;
    instance.setOption(
      option(data, () => ({ width: instance.getWidth(), height: instance.getHeight() })),
      { notMerge: true },
    );
    setZoomed(false);
    const first = plottableRuns(data.runs)[0];
    const measure = () => {
      const at = first
        ? instance.convertToPixel({ seriesId: 'runs' }, [
            Math.log10(first.energyPerClassification),
            first.accuracy,
          ])
        : null;
      setFirstRunAt(first && at ? `${first.runId} ${Math.round(at[0]!)} ${Math.round(at[1]!)}` : null);
    };
    measure();
    instance.on('finished', measure);
    return () => {
      instance.off('finished', measure);
    };
  }, [data]);

  const runCount = data ? plottableRuns(data.runs).length : 0;
  return (
    <div
      className="pareto-view"
      data-testid="pareto-view"
      data-platform-count={data?.platforms.length ?? 0}
      data-run-count={runCount}
      data-front={
        data
          ? frontOf(data)
              .map((f) => f.label)
              .join(' | ')
          : undefined
      }
      data-first-run={firstRunAt ?? undefined}
      data-state={error ? 'error' : data ? 'ready' : 'loading'}
    >
      <div className="energy-pane-header">
        <span>Accuracy vs energy per classification</span>
        {data && (
          <span className="energy-note" data-testid="pareto-summary">
            {`${data.platforms.length} platforms (${data.platformOrigin === 'project' ? 'from the project' : 'built-in seed 003'}), `}
            {`${runCount} run${runCount === 1 ? '' : 's'} with an energy estimate`}
          </span>
        )}
        <button
          type="button"
          className="icon-button energy-refresh"
          data-testid="pareto-reset-zoom"
          title="Show every point again (wheel zooms, drag pans)"
          disabled={!zoomed}
          onClick={() => {
            for (const id of ['zoom-x', 'zoom-y'])
              chart.current?.dispatchAction({ type: 'dataZoom', dataZoomId: id, start: 0, end: 100 });
            setZoomed(false);
          }}
        >
          Reset zoom
        </button>
      </div>
      <div className="energy-chart-frame">
        <div ref={container} className="energy-chart" />
        {error && (
          <div className="chart-empty energy-chart-overlay" data-testid="pareto-error">
            The engine could not give the Pareto data: {error}
          </div>
        )}
        {!error && !data && <div className="chart-empty energy-chart-overlay">Loading…</div>}
      </div>
      {data && runCount === 0 && (
        <div className="energy-note energy-chart-hint" data-testid="pareto-no-runs">
          No finished run has both a test accuracy and an energy estimate yet.
        </div>
      )}
      {data && (
        <div className="energy-note landauer-note" data-testid="landauer-assumption">
          Landauer floor {formatSi(data.landauer.energyPerClassification)}: {data.landauer.assumption}
        </div>
      )}
    </div>
  );
}
