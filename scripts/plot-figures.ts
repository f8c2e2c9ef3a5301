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

// e-prop: pattern generation loss (MSE against the target trace) per iteration, random and
// symmetric feedback (docs/engine-snn-local-rules.md).
{
  const d = read('snn-eprop.json') as {
    network: { recurrent: number };
    iterations: number;
    runs: { feedback: string; losses: number[]; silentMse: number }[];
  };
  render('snn-eprop-loss.svg', {
    title: {
      text: 'e-prop: pattern generation, loss per iteration',
      subtext: `100 Poisson inputs, ${d.network.recurrent} recurrent LIF, 1 s target of 1+2+3+5 Hz sinusoids, seed 1`,
      left: 'center',
    },
    legend: { bottom: 8 },
    grid: { top: 80, left: 72, right: 24, bottom: 96 },
    xAxis: { type: 'value', name: 'iteration', nameLocation: 'middle', nameGap: 30, max: d.iterations },
    yAxis: { type: 'log', name: 'MSE', nameLocation: 'middle', nameGap: 50, min: 0.001, max: 1 },
    series: [
      ...d.runs.map(
        (r): echarts.SeriesOption => ({
          name: `${r.feedback} feedback`,
          type: 'line',
          showSymbol: false,
          data: r.losses.map((v, i) => [i, v]),
        }),
      ),
      {
        name: 'silent network',
        type: 'line',
        showSymbol: false,
        lineStyle: { type: 'dashed' },
        data: [
          [0, d.runs[0]!.silentMse],
          [d.iterations, d.runs[0]!.silentMse],
        ],
      },
    ],
  });
}

// Three-factor rule on a two-armed bandit: probability of choosing the better arm and reward rate
// per block of trials, mean over seeds, with the depression-dominated control.
{
  const d = read('snn-three-factor.json') as {
    seeds: number;
    block: number;
    curve: { trials: string; pBetter: number; rewardRate: number }[];
    controlDepressionDominated: { curve: { trials: string; pBetter: number }[] };
  };
  const x = (t: string) => Number(t.split('-')[1]) + 1;
  render('snn-three-factor-bandit.svg', {
    title: {
      text: 'Three-factor rule: two-armed bandit (arms pay 0.8 / 0.2)',
      subtext: `reward-gated STDP eligibility traces, mean of ${d.seeds} seeds per block of ${d.block} trials`,
      left: 'center',
    },
    legend: { bottom: 8 },
    grid: { top: 80, left: 64, right: 24, bottom: 96 },
    xAxis: { type: 'value', name: 'trials', nameLocation: 'middle', nameGap: 30, max: 400 },
    yAxis: { type: 'value', name: 'fraction', nameLocation: 'middle', nameGap: 40, min: 0, max: 1 },
    series: [
      { name: 'P(better arm)', type: 'line', data: d.curve.map((p) => [x(p.trials), p.pBetter]) },
      { name: 'reward rate', type: 'line', data: d.curve.map((p) => [x(p.trials), p.rewardRate]) },
      {
        name: 'control: A− > A+ (depression-dominated)',
        type: 'line',
        lineStyle: { type: 'dashed' },
        data: d.controlDepressionDominated.curve.map((p) => [x(p.trials), p.pBetter]),
      },
    ],
  });
}
