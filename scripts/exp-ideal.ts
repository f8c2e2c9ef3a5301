// Issue 6 Done-when: 784-256-10 ideal backprop reaches ≥ 98% on the full MNIST test set in 5 epochs.
//
//   npx tsx scripts/exp-ideal.ts [--epochs 5] [--seed 1] [--batch 32] [--lr 0.1] [--train N] [--test N]
//
// Ideal devices, 0-bit (ideal) converters, ReLU hidden layer, SGD lr 0.1 momentum 0.9 with cosine
// decay over the whole run (the recommended optimiser, docs/simulation.md).
import { IDEAL_DEVICE, mlpPlan } from '../engine/sim/presets';
import { mnist, parseArgs, pct, run } from './exp-gradient-lib';

const a = parseArgs();
const data = mnist(a.num('train', 0), a.num('test', 0));
const plan = mlpPlan({
  device: IDEAL_DEVICE,
  rule: 'backprop',
  epochs: a.num('epochs', 5),
  batch: a.num('batch', 32),
  seed: a.num('seed', 1),
  optimizer: { kind: 'sgd', lr: a.num('lr', 0.1), momentum: 0.9, schedule: 'cosine' },
});
console.log(
  `784-256-10 ideal backprop, ${data.train.count} train / ${data.test.count} test, ${plan.epochs} epochs, batch ${plan.batch}, seed ${plan.seed}`,
);
const r = await run('ideal', plan, data);
console.log(
  `RESULT ideal backprop: test accuracy ${pct(r.accuracy)} after ${plan.epochs} epochs (per epoch: ${r.epochAccuracy.map(pct).join(', ')}); ${Math.round(r.samplesPerS)} samples/s; ${r.seconds.toFixed(0)} s`,
);
