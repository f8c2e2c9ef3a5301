// Spikes per core for the populations mapped onto spiking cores (core = floor(id /
// neuronsPerCore)), one bar per core in the population's colour; the others are named in a note.
import { useEffect, useMemo, useRef } from 'react';
import { layerColor, type StackedLayer, spikesPerCore } from './spike-data';
import { AXIS, TOOLTIP, useChart } from './use-chart';

export function CoreActivity({ stacked }: { stacked: StackedLayer[] }) {
  const container = useRef<HTMLDivElement>(null);
  const chart = useChart(container);

  const { bars, offCore } = useMemo(() => {
    const bars: { label: string; count: number; color: string }[] = [];
    const offCore: string[] = [];
    for (const s of stacked) {
      const counts = spikesPerCore(s.layer);
      if (!counts) {
        offCore.push(s.layer.name);
        continue;
      }
      counts.forEach((count, core) => {
        bars.push({ label: `${s.layer.name} c${core}`, count, color: layerColor(s.index) });
      });
    }
    return { bars, offCore };
  }, [stacked]);

  useEffect(() => {
    const el = container.current;
    if (!chart || !el) return;
    chart.setOption(
      {
        animation: false,
        backgroundColor: 'transparent',
        textStyle: { fontFamily: 'inherit' },
        grid: { left: 52, right: 14, top: 12, bottom: 34 },
        tooltip: { ...TOOLTIP, trigger: 'axis', axisPointer: { type: 'shadow' } },
        xAxis: {
          type: 'category',
          data: bars.map((b) => b.label),
          axisLine: { lineStyle: { color: AXIS.line } },
          axisLabel: { color: AXIS.color, fontSize: 10, hideOverlap: true },
        },
        yAxis: {
          type: 'value',
          axisLabel: { color: AXIS.color, fontSize: 10 },
          splitLine: { lineStyle: { color: AXIS.split } },
        },
        series: [
          {
            id: 'cores',
            name: 'spikes',
            type: 'bar',
            barMaxWidth: 24,
            data: bars.map((b) => ({ value: b.count, itemStyle: { color: b.color } })),
            emphasis: { disabled: true },
          },
        ],
      },
      { notMerge: true },
    );
    el.dataset.cores = String(bars.length);
  }, [chart, bars]);

  return (
    <>
      <div className="spike-chart-frame" data-empty={bars.length === 0 ? 'true' : 'false'}>
        <div ref={container} className="spike-chart spike-small" data-testid="spike-cores" data-cores="0" />
        <div className="chart-empty">No population of this recording is mapped onto spiking cores.</div>
      </div>
      {offCore.length > 0 && bars.length > 0 && (
        <div className="hint spike-note">Not on spiking cores: {offCore.join(', ')}.</div>
      )}
    </>
  );
}
