// Surrogate-gradient BPTT on rate-coded MNIST (issue 7: 784-256-10 SNN, 25 steps, >= 97%).
// Prints per-epoch train loss, train/test accuracy, hidden firing rate and samples/s.
// Usage: npx tsx scripts/exp-snn-bptt.ts [--epochs 8] [--train 60000] [--test 10000] [--lr 5e-4]
//   [--batch 128] [--readout membrane|spike_count] [--surrogate fast_sigmoid|atan|triangle]
//   [--slope s] [--beta 0.95] [--seed 1] [--schedule cosine|constant]
import os from 'node:os';
import { loadMnist } from '../engine/data/mnist';
import { SnnBpttTrainer, type SnnReadout } from '../engine/snn/bptt';
import type { SurrogateKind } from '../engine/snn/surrogate';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1]! : fallback;
}

const epochs = Number(arg('epochs', '8'));
const trainN = Number(arg('train', '60000'));
const testN = Number(arg('test', '10000'));
const lr = Number(arg('lr', '5e-4'));
const schedule = arg('schedule', 'cosine');
const slope = arg('slope', '');
const trainer = new SnnBpttTrainer({
  batch: Number(arg('batch', '128')),
  lr,
  readout: arg('readout', 'membrane') as SnnReadout,
  surrogate: arg('surrogate', 'fast_sigmoid') as SurrogateKind,
  ...(slope ? { slope: Number(slope) } : {}),
  beta: Number(arg('beta', '0.95')),
  seed: Number(arg('seed', '1')),
});
const train = loadMnist('train', trainN);
const test = loadMnist('test', testN);
const o = trainer.options;
console.log(
  `SNN ${o.inputs}-${o.hidden}-${o.outputs} T=${o.timeSteps} batch=${o.batch} lr=${lr} (${schedule}) readout=${o.readout} ` +
    `surrogate=${o.surrogate}(${o.slope}) beta=${o.beta} detachReset=${o.detachReset} seed=${o.seed} ` +
    `kernels=${trainer.kernels.name} train=${train.count} test=${test.count} load=${os.loadavg()[0]!.toFixed(2)}`,
);
let best = 0;
for (let e = 0; e < epochs; e++) {
  const start = performance.now();
  const totalBatches = epochs * Math.ceil(train.count / o.batch);
  const r = trainer.trainEpoch(train, (b, batches) => {
    if (schedule !== 'cosine') return lr;
    const t = e * batches + b;
    return lr * 0.5 * (1 + Math.cos((Math.PI * t) / totalBatches));
  });
  const seconds = (performance.now() - start) / 1000;
  const ev = trainer.evaluate(test);
  const acc = ev.correct / test.count;
  best = Math.max(best, acc);
  console.log(
    `epoch ${e + 1}: train loss ${(r.loss / train.count).toFixed(4)} train acc ${((100 * r.correct) / train.count).toFixed(2)}% ` +
      `test loss ${(ev.loss / test.count).toFixed(4)} test acc ${(100 * acc).toFixed(2)}% hidden rate ${r.hiddenRate.toFixed(3)} ` +
      `${(train.count / seconds).toFixed(0)} samples/s (${seconds.toFixed(1)} s, load ${os.loadavg()[0]!.toFixed(2)})`,
  );
}
console.log(`best test accuracy ${(100 * best).toFixed(2)}%`);
process.exit(0);
