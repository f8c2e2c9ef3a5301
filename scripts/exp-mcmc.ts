// MCMC learning with device-drawn proposals (Dalgaty et al., Nat. Electron. 4:151, 2021) on the
// 2-63-2 network of examples/mcmc-memristor-learning.nfab, synthetic_nonlinear data.
//
//   npx tsx scripts/exp-mcmc.ts [--ctoc 0.25,0.5,1,2] [--epochs 20] [--batch 1000] [--steps 100]
//     [--proposal 1] [--train 4000] [--test 1000] [--seed 7] [--dataset synthetic_nonlinear]
//     [--wscale a,b] [--ensemble 100] [--burnin 0.5] [--seeds 1,2,3 (overrides --seed)]
//
// The chip as in the example: 64×64 differential tiles, 8-bit ADC, stoch_mem devices (1–100 µS,
// 1% read noise). The example's 1-bit DAC is not a valid plan value (2..24 bits or 0 = ideal), so
// the DAC is ideal here. Prints test accuracy and acceptance rate per ctoc.
import { loadDataset } from '../engine/data';
import type { DatasetName } from '../engine/ir/model';
import { jsKernels } from '../engine/sim/kernels';
import { isWeightLayer, type LayerPlan, type TrainingPlan } from '../engine/sim/plan';
import { deviceModel, mlpPlan } from '../engine/sim/presets';
import { createMcmcLearnerWith } from '../engine/sim/rules/mcmc';
import { train } from '../engine/sim/train';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2)
  args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1]!);
const num = (k: string, d: number) => (args.has(k) ? Number(args.get(k)) : d);
const list = (k: string, d: number[]) => (args.has(k) ? args.get(k)!.split(',').map(Number) : d);

export function mcmcPlan(
  ctoc: number,
  o: { epochs: number; batch: number; seed: number; dataset: DatasetName; train: number; test: number },
): TrainingPlan {
  // stoch_mem of examples/lib/devices.nfab: 1–100 µS, 1% read noise, SET spread `ctoc` of the window.
  const device = deviceModel({
    name: 'stoch_mem',
    kind: 'stochastic_memristor',
    gMin: 1e-6,
    gMax: 1e-4,
    readNoise: 0.01,
    update: {
      dwMin: 0.001,
      upDown: 0,
      dtod: 0.3,
      ctoc,
      softBounds: false,
      nonlinearity: 0,
      wMin: -1,
      wMax: 1,
    },
  });
  const plan = mlpPlan({
    hidden: [63],
    activation: 'tanh',
    device,
    tile: { rows: 64, cols: 64, adcBits: 8 },
    epochs: o.epochs,
    batch: o.batch,
    seed: o.seed,
    trainLimit: o.train,
    testLimit: o.test,
    rule: 'mcmc',
  });
  const layers = plan.layers.filter(isWeightLayer) as LayerPlan[];
  layers[0]!.inputs = 2;
  plan.inputShape = [2];
  plan.inputSize = 2;
  plan.classes = 2;
  layers[1]!.units = 2;
  for (const l of layers) {
    l.tile.rowBlocks = Math.ceil(l.inputs / l.tile.rows);
    l.tile.colBlocks = Math.ceil(l.units / l.tile.cols);
  }
  plan.network = 'bnn-2-63-2';
  plan.dataset = { kind: 'builtin', name: o.dataset };
  return plan;
}

const opts = {
  epochs: num('epochs', 20),
  batch: num('batch', 1000),
  seed: num('seed', 7),
  dataset: (args.get('dataset') ?? 'synthetic_nonlinear') as DatasetName,
  train: num('train', 4000),
  test: num('test', 1000),
};
const settings = {
  stepsPerBatch: num('steps', 100),
  proposalSize: num('proposal', 1),
  ensembleSize: num('ensemble', 100),
  burnIn: num('burnin', 0.5),
  ...(args.has('wscale') ? { weightScale: list('wscale', []) } : {}),
};
const summary: string[] = [];
for (const ctoc of list('ctoc', [0.25, 0.5, 1, 2])) {
  const finals: number[] = [];
  const acceptance: number[] = [];
  for (const seed of list('seeds', [opts.seed])) {
    const plan = mcmcPlan(ctoc, { ...opts, seed });
    const data = {
      train: loadDataset(plan.dataset, 'train', opts.train, plan.seed),
      test: loadDataset(plan.dataset, 'test', opts.test, plan.seed),
    };
    const learner = createMcmcLearnerWith(settings)({
      plan,
      kernels: jsKernels,
      maxBatch: Math.max(plan.batch, 256),
      totalSteps: Math.ceil(data.train.count / plan.batch) * plan.epochs,
      log: () => {},
    });
    const t0 = Date.now();
    const rates: number[] = [];
    const accs: number[] = [];
    const r = await train(plan, data, {
      kernels: jsKernels,
      learner,
      onMetrics(points) {
        for (const p of points) {
          if (p.key === 'acceptance_rate') rates.push(p.value);
          if (p.key === 'test_accuracy') accs.push(p.value);
        }
      },
    });
    const meanRate = rates.reduce((a, b) => a + b, 0) / Math.max(1, rates.length);
    finals.push(r.metrics.test_accuracy ?? 0);
    acceptance.push(meanRate);
    console.log(
      `ctoc ${ctoc} seed ${seed}: test_accuracy ${((r.metrics.test_accuracy ?? 0) * 100).toFixed(1)}% ` +
        `(ensemble ${r.metrics.ensemble_size}), acceptance_rate ${(meanRate * 100).toFixed(1)}% ` +
        `(first epoch ${(rates[0]! * 100).toFixed(1)}%, last ${(rates.at(-1)! * 100).toFixed(1)}%), ` +
        `accuracy by epoch ${accs.map((a) => (a * 100).toFixed(0)).join(' ')} (${((Date.now() - t0) / 1000).toFixed(0)} s)`,
    );
  }
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  const sd = (v: number[]) =>
    Math.sqrt(v.reduce((a, b) => a + (b - mean(v)) ** 2, 0) / Math.max(1, v.length - 1));
  summary.push(
    `| ${ctoc * 100}% | ${(mean(finals) * 100).toFixed(1)} ± ${(sd(finals) * 100).toFixed(1)}% | ` +
      `${finals.map((a) => (a * 100).toFixed(1)).join(', ')} | ${(mean(acceptance) * 100).toFixed(1)}% |`,
  );
}
console.log('| ctoc | test accuracy (mean ± sd) | per seed | acceptance rate |');
console.log('|---|---|---|---|');
for (const line of summary) console.log(line);
