// Firing-rate histogram: which share of each population fires at which rate (Hz, spikes /
// (steps * dt)), in shared round bins from 0 to the fastest neuron of any population. Shares, not
// counts, so a 10-neuron readout stays visible next to 784 inputs.
import { useEffect, useMemo, useRef } from 'react';
import type { SpikeRecord } from '../../../../engine/protocol/schema';
import { firingRates, layerColor, maxOf, niceBinWidth, rateHistogram, type StackedLayer } from './spike-data';
import { AXIS, TOOLTIP, useChart } from './use-chart';

/** About this many bins: enough to see a shape in a panel a few hundred pixels wide. */
const BINS = 20;

function formatHz(v: number): string {
  return Number(v.toPrecision(3)).toString();
}

export function RateHistogram({ record, stacked }: { record: SpikeRecord; stacked: StackedLayer[] }) {
  const container = useRef<HTMLDivElement>(null);
  const chart = useChart(container);

  const histograms = useMemo(() => {
    const rates = stacked.map((s) => firingRates(s.layer, record.steps, record.dt));
    const max = maxOf(rates);
    const width = niceBinWidth(max, BINS);
    return { max, perLayer: rates.map((r) => rateHistogram(r, width, max)) };
  }, [stacked, record]);

  useEffect(() => {
    const el = container.current;
    if (!chart || !el) return;
    const edges = histograms.perLayer[0]?.edges ?? [0, 0];
    const categories = edges.slice(0, -1).map((e, b) => `${formatHz(e)}–${formatHz(edges[b + 1] ?? e)}`);
    chart.setOption(
      {
        animation: false,
        backgroundColor: 'transparent',
        textStyle: { fontFamily: 'inherit' },
        grid: { left: 48, right: 14, top: 28, bottom: 34 },
        legend: {
          top: 2,
          type: 'scroll',
          icon: 'roundRect',
          itemWidth: 10,
          itemHeight: 6,
          textStyle: { color: AXIS.color, fontSize: 10 },
          pageTextStyle: { color: AXIS.color },
        },
        tooltip: {
          ...TOOLTIP,
          trigger: 'axis',
          axisPointer: { type: 'shadow' },
          valueFormatter: (v: unknown) => (typeof v === 'number' ? `${v.toFixed(1)}%` : String(v)),
        },
        xAxis: {
          type: 'category',
          data: categories,
          name: 'Hz',
          nameLocation: 'end',
          nameGap: 4,
          nameTextStyle: { color: AXIS.color, fontSize: 10, verticalAlign: 'top', padding: [6, 0, 0, 0] },
          axisLine: { lineStyle: { color: AXIS.line } },
          axisLabel: { color: AXIS.color, fontSize: 10, hideOverlap: true },
        },
        yAxis: {
          type: 'value',
          name: '% of neurons',
          nameTextStyle: { color: AXIS.color, fontSize: 10, align: 'left' },
          axisLabel: { color: AXIS.color, fontSize: 10 },
          splitLine: { lineStyle: { color: AXIS.split } },
        },
        series: stacked.map((s, i) => ({
          id: `rates-${i}`,
          name: s.layer.name,
          type: 'bar',
          data: (histograms.perLayer[i]?.counts ?? []).map((c) =>
            s.layer.neurons > 0 ? (100 * c) / s.layer.neurons : 0,
          ),
          color: layerColor(s.index),
          barGap: '0%',
          emphasis: { disabled: true },
        })),
      },
      { notMerge: true },
    );
    el.dataset.maxRate = String(histograms.max);
  }, [chart, histograms, stacked]);

  return <div ref={container} className="spike-chart spike-small" data-testid="spike-rates" />;
}
