// Renders the measured curves in docs/data/*.json to SVG charts in docs/figures/ with ECharts'
// server-side renderer (no browser), so the docs show the figures their numbers come from.
//   npx tsx scripts/plot-figures.ts
import fs from 'node:fs';
import path from 'node:path';
import * as echarts from 'echarts';

const root = path.resolve(import.meta.dirname, '..');
const read = (f: string) => JSON.parse(fs.readFileSync(path.join(root, 'docs/data', f), 'utf8'));

function render(file: string, option: echarts.EChartsOption): void {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: 760, height: 480 });
  chart.setOption({ animation: false, textStyle: { fontFamily: 'sans-serif' }, ...option });
  fs.writeFileSync(path.join(root, 'docs/figures', file), chart.renderToSVGString());
  chart.dispose();
  console.log(`docs/figures/${file}`);
}

// In-situ training: test accuracy during one epoch, for devices of growing up/down asymmetry.
{
  const d = read('insitu-asym.json') as {
    network: string;
    runs: { name: string; test_accuracy: { samples: number; value: number }[] }[];
  };
  render('insitu-asymmetry.svg', {
    title: {
      text: 'In-situ training (stochastic pulse update): up/down asymmetry',
      subtext: `${d.network}, batch 1, full MNIST, test accuracy every 6,000 samples`,
      left: 'center',
    },
    legend: { bottom: 8 },
    grid: { top: 80, left: 64, right: 24, bottom: 96 },
    xAxis: { type: 'value', name: 'training samples', nameLocation: 'middle', nameGap: 30, max: 60000 },
    yAxis: {
      type: 'value',
      name: 'test accuracy (%)',
      nameLocation: 'middle',
      nameGap: 40,
      min: 0,
      max: 100,
    },
    series: d.runs.map((r) => ({
      name: r.name.replace('in-situ ', ''),
      type: 'line',
      symbolSize: 5,
      data: r.test_accuracy.map((p) => [p.samples, +(p.value * 100).toFixed(2)]),
    })),
  });
}

// PCM drift: accuracy against time since programming, with and without global compensation.
{
  const d = read('pcm-drift.json') as {
    runs: {
      nu: number;
      points: { noise: string; comp: string; time: number; mean: number; std: number }[];
    }[];
  };
  const seriesFor = (nus: number[]): echarts.SeriesOption[] => {
    const out: echarts.SeriesOption[] = [];
    for (const run of d.runs.filter((r) => nus.includes(r.nu))) {
      for (const comp of ['none', 'global']) {
        const pts = run.points.filter((p) => p.noise === 'per_read' && p.comp === comp);
        out.push({
          name: `ν = ${run.nu}${run.nu === 0.049 ? ' (aihwkit PCM)' : ' (2× aihwkit)'}, ${comp === 'none' ? 'no compensation' : 'global compensation'}`,
          type: 'line',
          symbolSize: 6,
          lineStyle: { type: comp === 'none' ? 'solid' : 'dashed' },
          data: pts.map((p) => [p.time, +(p.mean * 100).toFixed(2)]),
        });
      }
    }
    return out;
  };
  const chart = (file: string, title: string, nus: number[], yMin: number, yMax: number) =>
    render(file, {
      title: {
        text: title,
        subtext:
          '784-256-10 trained hardware-aware, 8-bit DAC/ADC; read at 1 s, 1 h, 1 day, 1 month, 1 year; mean of 3 chips',
        left: 'center',
      },
      legend: { bottom: 8 },
      grid: { top: 80, left: 64, right: 32, bottom: 96 },
      xAxis: {
        type: 'log',
        name: 'time since programming (s)',
        nameLocation: 'middle',
        nameGap: 30,
        min: 1,
        max: 1e8,
      },
      yAxis: {
        type: 'value',
        name: 'test accuracy (%)',
        nameLocation: 'middle',
        nameGap: 44,
        min: yMin,
        max: yMax,
      },
      series: seriesFor(nus),
    });
  chart('pcm-drift.svg', 'PCM drift: accuracy after programming', [0.049, 0.098], 50, 100);
  chart('pcm-drift-zoom.svg', "PCM drift at aihwkit's ν (zoomed)", [0.049], 95.5, 97.5);
}
