// A small CNN on crossbars: conv2d 3×3 (8 channels, padding 1, ReLU) by im2col → 2×2 max pool →
// flatten → dense 10, on MNIST (a slice by default).
//
//   npx tsx scripts/exp-conv.ts [--channels 8] [--pool max|avg|sum] [--epochs 2] [--rule backprop]
//     [--device ideal|rram] [--seed 1] [--train N] [--test N]
import type { TrainRule } from '../engine/ir/model';
import { convNetPlan, IDEAL_DEVICE, RRAM_DEVICE } from '../engine/sim/presets';
import { mnist, parseArgs, pct, run } from './exp-gradient-lib';

const a = parseArgs();
const data = mnist(a.num('train', 10000), a.num('test', 0));
const plan = convNetPlan({
  channels: a.num('channels', 8),
  pool: a.str('pool', 'max') as 'max',
  rule: a.str('rule', 'backprop') as TrainRule,
  device: a.str('device', 'ideal') === 'rram' ? RRAM_DEVICE : IDEAL_DEVICE,
  epochs: a.num('epochs', 2),
  seed: a.num('seed', 1),
});
console.log(
  `${plan.network} ${plan.rule}, ${data.train.count} train / ${data.test.count} test, ${plan.epochs} epochs`,
);
const r = await run('conv', plan, data);
console.log(
  `RESULT conv: test accuracy ${pct(r.accuracy)} (per epoch ${r.epochAccuracy.map(pct).join(', ')}); ${Math.round(r.samplesPerS)} samples/s`,
);
