// Binary/XNOR network on MNIST after examples/binary-mtj-xnor.nfab: ±1 weights on complementary
// MTJ pairs (2-level devices, 1% read noise), sign neurons, 1-bit DAC and ADC, 128×128 tiles,
// Adam 1e-3, batch 100. The issue gives no threshold; this reports the accuracy.
//
//   npx tsx scripts/exp-binary.ts [--rules backprop,hw_aware] [--hidden 512,512] [--epochs 5]
//     [--lr 0.001] [--seed 7] [--stuck 0] [--train N] [--test N]
import type { TrainRule } from '../engine/ir/model';
import { deviceModel, mlpPlan } from '../engine/sim/presets';
import { mnist, parseArgs, pct, run } from './exp-gradient-lib';

const a = parseArgs();
const data = mnist(a.num('train', 0), a.num('test', 0));
// examples/lib/devices.nfab `mtj`: R_P 5 kΩ, R_AP 12.5 kΩ (TMR 150%), 2 levels, 1% read noise.
const mtj = deviceModel({
  name: 'mtj',
  kind: 'mram',
  gMin: 1 / 12.5e3,
  gMax: 1 / 5e3,
  levels: 2,
  readNoise: 0.01,
  stuckAtGMin: a.num('stuck', 0),
});
for (const rule of a.str('rules', 'backprop,hw_aware').split(',') as TrainRule[]) {
  const plan = mlpPlan({
    device: mtj,
    rule,
    hidden: a.str('hidden', '512,512').split(',').map(Number),
    activation: 'sign',
    tile: { rows: 128, cols: 128, dacBits: 1, adcBits: 1 },
    optimizer: { kind: 'adam', lr: a.num('lr', 1e-3), momentum: 0.9, schedule: 'cosine' },
    epochs: a.num('epochs', 5),
    batch: 100,
    seed: a.num('seed', 7),
  });
  console.log(
    `${plan.network} binary (sign, MTJ, 1-bit DAC/ADC) ${rule}, ${data.train.count} train / ${data.test.count} test, ${plan.epochs} epochs`,
  );
  const r = await run(rule, plan, data);
  console.log(
    `RESULT binary ${rule}: test accuracy ${pct(r.accuracy)} (per epoch ${r.epochAccuracy.map(pct).join(', ')}); ${Math.round(r.samplesPerS)} samples/s`,
  );
}
