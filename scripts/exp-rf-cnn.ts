// Experiment: the RF spintronic CNN (examples/rf-spintronic-cnn.nfab: conv 6@5x5 -> max pool 2 ->
// conv 50@5x5 -> flatten -> dense 1910 -> dense 10, every weight layer on resonator chains,
// spin-torque oscillator neurons), built from the DSL file by the checker and buildTrainingPlan,
// with the optimiser, programming noise and slice set on the command line.
//
//   npx tsx scripts/exp-rf-cnn.ts [--net example|small] [--epochs N] [--train N] [--test N]
//     [--noise F] [--hw] [--opt sgd|adam] [--lr X] [--momentum X] [--cosine] [--batch B]
//     [--seed S] [--trainable f_res|weights] [--software]
//
// --net small: 1x28x28 -> conv 4@5x5 -> max pool 2 -> flatten 576 -> dense 10 (the unit test's
// network, same device). --noise overrides spin_res program_noise (fraction of the band); without
// it the file's value is used (1%). --software: the same network in float on ideal crossbars
// (ReLU for the oscillators, no bias, plain backprop on the weights; the learning rate is then on
// weights, not in half-linewidths). Prints one JSON line per run with the final metrics.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadDataset } from '../engine/data';
import { checkDocument } from '../engine/dsl';
import type { OptimizerConfig } from '../engine/ir/model';
import { defaultKernels } from '../engine/sim/kernels';
import {
  buildTrainingPlan,
  isWeightLayer,
  type LayerPlan,
  type TrainingPlan,
  tilePlan,
} from '../engine/sim/plan';
import { IDEAL_DEVICE } from '../engine/sim/presets';
import { EVAL_BATCH, train } from '../engine/sim/train';

const { values: a } = parseArgs({
  options: {
    net: { type: 'string', default: 'example' },
    epochs: { type: 'string' },
    train: { type: 'string' },
    test: { type: 'string' },
    noise: { type: 'string' },
    hw: { type: 'boolean', default: false },
    opt: { type: 'string' },
    lr: { type: 'string' },
    momentum: { type: 'string' },
    cosine: { type: 'boolean', default: false },
    batch: { type: 'string' },
    seed: { type: 'string' },
    trainable: { type: 'string' },
    software: { type: 'boolean', default: false },
    quiet: { type: 'boolean', default: false },
  },
});
const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));

function planFromDsl(): TrainingPlan {
  const file = 'examples/rf-spintronic-cnn.nfab';
  const root = process.cwd();
  const r = checkDocument(file, fs.readFileSync(file, 'utf8'), {
    readFile: (p) => {
      const abs = path.resolve(root, p);
      return fs.existsSync(abs) ? fs.readFileSync(abs, 'utf8') : null;
    },
  });
  if (r.hasErrors) throw new Error(`${file} has errors`);
  const exp = r.model.experiments.find((e) => e.name === 'mnist_rf_cnn')!;
  if (exp.runnable === false) throw new Error(`${file}: not runnable: ${exp.notRunnable}`);
  return buildTrainingPlan(r.model, 'mnist_rf_cnn');
}

/** The unit test's small CNN, on the example's first conv layer's tile, device and neuron. */
function smallPlan(p: TrainingPlan): TrainingPlan {
  const [c1, , , y] = p.layers.filter(isWeightLayer) as LayerPlan[];
  const conv: LayerPlan = {
    ...c1!,
    units: 4,
    conv: { inShape: [1, 28, 28], outShape: [4, 24, 24], kernel: 5, stride: 1, padding: 0 },
  };
  return {
    ...p,
    network: 'rf_small_cnn',
    layers: [
      conv,
      {
        kind: 'pool',
        name: 'p1',
        op: 'max',
        inShape: [4, 24, 24],
        outShape: [4, 12, 12],
        size: 2,
        stride: 2,
      },
      { kind: 'flatten', name: 'f', size: 576 },
      { ...y!, inputs: 576 },
    ],
  };
}

async function main(): Promise<void> {
  let plan = planFromDsl();
  if (a.net === 'small') plan = smallPlan(plan);
  else if (a.net !== 'example') throw new Error(`--net ${a.net}: example or small`);
  plan.epochs = num(a.epochs) ?? plan.epochs;
  plan.trainLimit = num(a.train) ?? plan.trainLimit;
  plan.testLimit = num(a.test) ?? plan.testLimit;
  plan.batch = num(a.batch) ?? plan.batch;
  plan.seed = num(a.seed) ?? plan.seed;
  if (a.hw) plan.rule = 'hw_aware';
  if (a.trainable === 'weights' || a.trainable === 'f_res') plan.trainable = a.trainable;
  if (a.opt || a.lr || a.momentum || a.cosine) {
    const kind = (a.opt ?? plan.optimizer.kind) as OptimizerConfig['kind'];
    plan.optimizer = {
      kind,
      lr: num(a.lr) ?? plan.optimizer.lr,
      ...(kind === 'sgd' ? { momentum: num(a.momentum) ?? 0 } : {}),
      schedule: a.cosine ? 'cosine' : (plan.optimizer.schedule ?? 'constant'),
    } as OptimizerConfig;
  }
  if (a.software) {
    plan.rule = 'backprop';
    plan.trainable = 'weights';
    plan.layers = plan.layers.map((l) => {
      if (!isWeightLayer(l)) return l;
      const { neuron: _, ...rest } = l;
      return {
        ...rest,
        activation: l.activation === 'oscillator' ? 'relu' : l.activation,
        tile: tilePlan(l.inputs, l.units),
        device: IDEAL_DEVICE,
      };
    });
  }
  const noise = num(a.noise);
  if (noise !== undefined)
    for (const l of plan.layers) if (isWeightLayer(l)) l.device = { ...l.device, programNoise: noise };
  const data = {
    train: loadDataset(plan.dataset, 'train', plan.trainLimit, plan.seed),
    test: loadDataset(plan.dataset, 'test', plan.testLimit, plan.seed),
  };
  const kernels = defaultKernels();
  const t0 = Date.now();
  let last = 0;
  const r = await train(plan, data, {
    kernels,
    onProgress: a.quiet
      ? undefined
      : (p) => {
          if (Date.now() - last < 20_000) return;
          last = Date.now();
          process.stderr.write(`${JSON.stringify(p)}\n`);
        },
  });
  const weights = plan.layers.filter(isWeightLayer).reduce((s, l) => s + l.inputs * l.units, 0);
  console.log(
    JSON.stringify({
      net: `${plan.network}${a.software ? ' (software, ideal crossbars)' : ''}`,
      weights,
      epochs: plan.epochs,
      train: data.train.count,
      test: data.test.count,
      batch: plan.batch,
      evalBatch: EVAL_BATCH,
      rule: plan.rule,
      trainable: plan.trainable,
      programNoise: (plan.layers.find(isWeightLayer) as LayerPlan).device.programNoise,
      optimizer: plan.optimizer,
      seed: plan.seed,
      status: r.status,
      metrics: r.metrics,
      wallSeconds: (Date.now() - t0) / 1000,
    }),
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
