// Where one design's energy goes: stacked bars, one per layer (chip-level terms in their own bar),
// stacked by component. Fed by 'energy.estimate' for the open .nfab file (the default), or by
// 'runs.energy' for a finished run picked in the list, whose report a spiking run computed from
// its recorded spikes ("counts: recorded"). The tooltip lists each term as count × unit energy with
// its source, so every total can be checked by hand.
import { BarChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef, useState } from 'react';
import { type EnergyReport, ErrorCode } from '../../../engine/protocol/schema';
import { useConnection, useStudio } from '../app/studio-context';
import { shortId } from '../runs/format';
import { type Breakdown, breakdown, describeTerm, formatSi, type ParetoRun } from './pareto-data';

echarts.use([BarChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

const AXIS = { color: '#8a93a3', line: '#3a404c', split: '#262a33' };
const COMPONENT_COLORS: Record<string, string> = {
  synapse: '#5aa9ff',
  neuron: '#3fcf8e',
  adc: '#f0a04b',
  dac: '#d7c45a',
  write: '#ef6b5b',
  movement: '#b18cf0',
  buffer: '#5fd3d3',
  static: '#8a93a3',
};

function esc(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

function option(b: Breakdown): echarts.EChartsCoreOption {
  return {
    animation: false,
    backgroundColor: 'transparent',
    textStyle: { fontFamily: 'inherit' },
    grid: { left: 72, right: 16, top: 30, bottom: 28 },
    legend: { top: 4, textStyle: { color: AXIS.color, fontSize: 11 }, itemWidth: 12, itemHeight: 8 },
    tooltip: {
      trigger: 'item',
      backgroundColor: '#20242c',
      borderColor: '#313745',
      textStyle: { color: '#d4d7dd', fontSize: 11 },
      extraCssText: 'max-width: 520px; white-space: normal;',
      formatter: (p: { seriesName: string; dataIndex: number; value: number }) => {
        const terms = b.terms[p.seriesName]?.[p.dataIndex] ?? [];
        return [
          `<b>${esc(b.layers[p.dataIndex] ?? '')} · ${esc(p.seriesName)}</b>: ${formatSi(p.value)}`,
          ...terms.map((t) => esc(describeTerm(t))),
        ].join('<br/>');
      },
    },
    xAxis: {
      type: 'category',
      data: b.layers,
      axisLine: { lineStyle: { color: AXIS.line } },
      axisLabel: { color: AXIS.color, fontSize: 10 },
    },
    yAxis: {
      type: 'value',
      name: 'energy per classification',
      nameLocation: 'middle',
      nameGap: 56,
      nameTextStyle: { color: AXIS.color, fontSize: 10 },
      axisLabel: { color: AXIS.color, fontSize: 10, formatter: (v: number) => formatSi(v) },
      splitLine: { lineStyle: { color: AXIS.split } },
    },
    series: b.components.map((c) => ({
      id: c,
      name: c,
      type: 'bar',
      stack: 'energy',
      color: COMPONENT_COLORS[c],
      barMaxWidth: 48,
      data: b.energy[c],
    })),
  };
}

type State =
  | { kind: 'none' }
  | { kind: 'loading' }
  | { kind: 'ready'; report: EnergyReport }
  | { kind: 'unavailable' }
  | { kind: 'error'; message: string };

/** Area in m² as mm² or µm² (engine/energy/format.ts areaText, which the renderer cannot import). */
function areaText(m2: number): string {
  const mm2 = m2 * 1e6;
  return mm2 >= 0.01 ? `${Number(mm2.toPrecision(3))} mm²` : `${Number((m2 * 1e12).toPrecision(3))} µm²`;
}

/** Latency, throughput and area of a report, as far as the design gives them. */
function timingText(r: EnergyReport): string {
  const parts: string[] = [];
  if (r.latency !== null) parts.push(`latency ${formatSi(r.latency, 's')}`);
  if (r.throughput !== null) parts.push(`${Number(r.throughput.toPrecision(3)).toLocaleString('en')} /s`);
  if (r.area !== null) parts.push(`area ${areaText(r.area)}`);
  return parts.join(', ');
}

/**
 * The estimator's latency and area terms (engine/energy: EnergyEstimate). They reach the view
 * only once the RPC result schema lists them; until then a report has the totals only.
 */
type WithTerms = EnergyReport & {
  latencyTerms?: { layer: string; tile: string | null; what: string; time: number }[];
  areaTerms?: { tile: string | null; component: string; what: string; area: number; source: string }[];
};

function TimingAndArea({ report }: { report: WithTerms }) {
  const latency = report.latencyTerms ?? [];
  const area = report.areaTerms ?? [];
  if (latency.length === 0 && area.length === 0) return null;
  return (
    <details className="energy-assumptions" data-testid="breakdown-timing">
      <summary>latency and area terms</summary>
      <ul>
        {latency.map((t, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: terms are a fixed list per report
          <li key={`l${i}`}>
            {t.layer}: {formatSi(t.time, 's')} = {t.what}
          </li>
        ))}
        {area.map((t, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: terms are a fixed list per report
          <li key={`a${i}`}>
            {t.tile ?? 'chip'} {t.component}: {areaText(t.area)} = {t.what} ({t.source})
          </li>
        ))}
      </ul>
    </details>
  );
}

const runLabel = (r: ParetoRun) =>
  `run ${shortId(r.runId)} · ${r.experiment}${r.sweepPoint ? ` (${r.sweepPoint})` : ''}`;

/**
 * The breakdown of the open .nfab file's design (`path` null: no .nfab file is open), or of the
 * run `runId` picked from `runs` (finished runs with an energy estimate).
 */
export function BreakdownChart({
  path,
  getText,
  runs = [],
  runId = null,
  onPickRun,
}: {
  path: string | null;
  getText: () => string | null;
  runs?: readonly ParetoRun[];
  runId?: string | null;
  onPickRun?: (runId: string | null) => void;
}) {
  const { engine } = useStudio();
  const connection = useConnection();
  const [state, setState] = useState<State>({ kind: 'none' });
  const [refresh, setRefresh] = useState(0);
  const container = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const textOf = useRef(getText);
  textOf.current = getText;

  const generation = connection.phase === 'open' ? connection.generation : 0;
  // biome-ignore lint/correctness/useExhaustiveDependencies: refresh re-asks on the user's demand
  useEffect(() => {
    if ((!path && !runId) || generation === 0) {
      setState({ kind: 'none' });
      return;
    }
    let live = true;
    setState({ kind: 'loading' });
    const text = textOf.current() ?? undefined;
    const asked = runId
      ? engine.call('runs.energy', { runId })
      : engine.call('energy.estimate', { path: path!, ...(text !== undefined ? { text } : {}) });
    asked.then(
      (report) =>
        live &&
        setState(
          report
            ? { kind: 'ready', report }
            : { kind: 'error', message: 'this run recorded no energy estimate' },
        ),
      (err: unknown) => {
        if (!live) return;
        const code = (err as { code?: string }).code;
        if (code === ErrorCode.UnknownMethod) setState({ kind: 'unavailable' });
        else setState({ kind: 'error', message: err instanceof Error ? err.message : String(err) });
      },
    );
    return () => {
      live = false;
    };
  }, [engine, path, runId, generation, refresh]);

  useEffect(() => {
    const el = container.current;
    if (!el) return;
    const instance = echarts.init(el, null, { renderer: 'canvas' });
    chart.current = instance;
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(el);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  const report = state.kind === 'ready' ? state.report : null;
  useEffect(() => {
    if (report) chart.current?.setOption(option(breakdown(report.terms)), { notMerge: true });
    else chart.current?.clear();
  }, [report]);

  let message: string | null = null;
  if (state.kind === 'none')
    message = 'Open a .nfab file, or pick a finished run above, to see where its energy goes.';
  else if (state.kind === 'loading') message = 'Estimating…';
  else if (state.kind === 'unavailable')
    message = 'This engine has no energy estimator yet (energy.estimate is not implemented).';
  else if (state.kind === 'error') message = `No estimate: ${state.message}`;
  else if (report && report.terms.length === 0) message = 'The estimate has no terms.';

  return (
    <div
      className="breakdown-view"
      data-testid="energy-breakdown"
      data-state={state.kind}
      data-counts={report?.counts}
      data-source={runId ? `run ${runId}` : 'file'}
    >
      <div className="energy-pane-header">
        <span style={{ whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis', minWidth: 0 }}>
          Breakdown{report ? `: ${report.network}${report.chip ? ` on ${report.chip}` : ''}` : ''}
        </span>
        <select
          className="energy-run-picker"
          style={{ maxWidth: 200, minWidth: 0, fontSize: 11 }}
          data-testid="breakdown-source"
          title="Whose breakdown: the open file's design, or a finished run's recorded estimate"
          value={runId ?? ''}
          onChange={(e) => onPickRun?.(e.target.value || null)}
        >
          <option value="">open file</option>
          {runs.map((r) => (
            <option key={r.runId} value={r.runId}>
              {runLabel(r)}
            </option>
          ))}
        </select>
        <button
          type="button"
          className="icon-button energy-refresh"
          title={runId ? "Load the run's estimate again" : "Estimate again from the editor's text"}
          disabled={!path && !runId}
          onClick={() => setRefresh((r) => r + 1)}
        >
          Refresh
        </button>
      </div>
      {report && (
        <div className="energy-note" data-testid="breakdown-total">
          {formatSi(report.energyPerClassification)} per classification
          {timingText(report) ? `, ${timingText(report)}` : ''}
          {report.counts === 'recorded' ? ' · counts: recorded' : ''}
        </div>
      )}
      <div className="energy-chart-frame">
        <div ref={container} className="energy-chart" style={{ visibility: report ? 'visible' : 'hidden' }} />
        {message && (
          <div className="chart-empty energy-chart-overlay" data-testid="breakdown-message">
            {message}
          </div>
        )}
      </div>
      {report && <TimingAndArea report={report} />}
      {report && report.assumptions.length > 0 && (
        <details className="energy-assumptions">
          <summary>{report.assumptions.length} assumptions</summary>
          <ul>
            {report.assumptions.map((a) => (
              <li key={a}>{a}</li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}
