// The memristor Bayesian machine on synthetic_gestures (issue 6, Done-when: "well above chance",
// chance = 1/8 = 12.5 %). Trains by counting (one epoch) on the 4,000-sample training split and
// evaluates the deployed chip on the 1,000-sample test split:
//  - accuracy vs stream length (8, 32, 255 bits) at the preset's read noise (1 %);
//  - accuracy vs read noise (1 %, 5 %, 10 %: the sweep of examples/bayesian-machine.nfab) at 255 bits;
//  - with the automatic likelihood exponent γ (engine/sim/rules/bayes.ts) and without it (γ = 1:
//    per-observation max-normalisation only), to show the stream underflow it removes;
//  - the exact (float) naive-Bayes accuracy of the same counts, for comparison.
// Usage: npx tsx scripts/exp-bayes.ts [--seeds 3] [--json out.json]
import fs from 'node:fs';
import { loadDataset } from '../engine/data/index';
import { deviceModel } from '../engine/sim/presets';
import { bayesianMachinePlan } from '../engine/sim/rules/bayes';
import { train } from '../engine/sim/train';

// stoch_mem of examples/lib/devices.nfab: HfOx memristor read as a random bit, 1–100 µS, 2 levels,
// read noise 1 % of the window (nominal values of the preset).
const STOCH_MEM = {
  name: 'stoch_mem',
  kind: 'stochastic_memristor' as const,
  gMin: 1e-6,
  gMax: 1e-4,
  levels: 2,
};

const args = process.argv.slice(2);
const seeds = Number(args[args.indexOf('--seeds') + 1] ?? 3) || 3;
const jsonOut = args.includes('--json') ? args[args.indexOf('--json') + 1] : undefined;

interface Row {
  exponent: number | 'auto';
  gamma: number[];
  streamLength: number;
  readNoise: number;
  accuracy: number[];
  exact: number[];
  allZero: number[];
}

async function run(streamLength: number, readNoise: number, exponent: number | 'auto'): Promise<Row> {
  const row: Row = { exponent, gamma: [], streamLength, readNoise, accuracy: [], exact: [], allZero: [] };
  for (let s = 0; s < seeds; s++) {
    const seed = 7 + s;
    const plan = bayesianMachinePlan({
      device: deviceModel({ ...STOCH_MEM, readNoise }),
      streamLength,
      seed,
      ...(exponent === 'auto' ? {} : { likelihoodExponent: exponent }),
    });
    const data = {
      train: loadDataset(plan.dataset, 'train', null, seed),
      test: loadDataset(plan.dataset, 'test', null, seed),
    };
    const r = await train(plan, data);
    row.accuracy.push(r.metrics.test_accuracy!);
    row.exact.push(r.metrics.exact_accuracy!);
    row.allZero.push(r.metrics.all_zero_fraction!);
    row.gamma.push(r.metrics.likelihood_exponent!);
  }
  return row;
}

const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
const sd = (a: number[]) =>
  Math.sqrt(a.reduce((x, y) => x + (y - mean(a)) ** 2, 0) / Math.max(1, a.length - 1));
const pct = (a: number[]) => `${(100 * mean(a)).toFixed(1)} ± ${(100 * sd(a)).toFixed(1)} %`;

const t0 = performance.now();
const rows: Row[] = [];
console.log(
  `synthetic_gestures, 4,000 train / 1,000 test, seeds ${7}..${6 + seeds} (mean ± sd over seeds); chance 12.5 %`,
);
console.log(
  '    γ       | stream bits | read noise | Bayesian machine | exact naive Bayes | all-zero streams',
);
const grid: [number, number, number | 'auto'][] = [];
for (const exponent of [1, 'auto'] as const) {
  for (const streamLength of [8, 32, 255, 1023]) grid.push([streamLength, 0.01, exponent]);
  for (const readNoise of [0.05, 0.1, 0.2]) grid.push([255, readNoise, exponent]);
}
for (const [streamLength, readNoise, exponent] of grid) {
  const r = await run(streamLength, readNoise, exponent);
  rows.push(r);
  const g = exponent === 'auto' ? `auto ${mean(r.gamma).toFixed(3)}` : String(exponent);
  console.log(
    `${g.padEnd(11)} | ${String(streamLength).padStart(11)} | ${`${(readNoise * 100).toFixed(0)} %`.padStart(10)} | ${pct(r.accuracy).padStart(16)} | ${pct(r.exact).padStart(17)} | ${pct(r.allZero)}`,
  );
}
console.log(`(${((performance.now() - t0) / 1000).toFixed(1)} s)`);
if (jsonOut) fs.writeFileSync(jsonOut, `${JSON.stringify(rows, null, 2)}\n`);
