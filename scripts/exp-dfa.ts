// Issue 6 Done-when: DFA reaches ≥ 95% on the full MNIST test set; feedback alignment alongside.
//
//   npx tsx scripts/exp-dfa.ts [--rules dfa,feedback_alignment] [--hidden 256,256] [--act tanh]
//     [--epochs 3] [--lr 0.1] [--seed 1] [--train N] [--test N]
//
// Ideal devices: the rules' own accuracy (with a noisy device the forward pass is hardware-aware).
import type { TrainRule } from '../engine/ir/model';
import type { LayerPlan } from '../engine/sim/plan';
import { IDEAL_DEVICE, mlpPlan } from '../engine/sim/presets';
import { mnist, parseArgs, pct, run } from './exp-gradient-lib';

const a = parseArgs();
const data = mnist(a.num('train', 0), a.num('test', 0));
const hidden = a.str('hidden', '256,256').split(',').map(Number);
const activation = a.str('act', 'tanh') as LayerPlan['activation'];
for (const rule of a.str('rules', 'dfa,feedback_alignment').split(',') as TrainRule[]) {
  const plan = mlpPlan({
    device: IDEAL_DEVICE,
    rule,
    hidden,
    activation,
    epochs: a.num('epochs', 3),
    seed: a.num('seed', 1),
    optimizer: { kind: 'sgd', lr: a.num('lr', 0.1), momentum: 0.9, schedule: 'cosine' },
  });
  console.log(
    `${plan.network} ${activation} ${rule}, ${data.train.count} train / ${data.test.count} test, ${plan.epochs} epochs`,
  );
  const r = await run(rule, plan, data);
  console.log(
    `RESULT ${rule}: test accuracy ${pct(r.accuracy)} (per epoch ${r.epochAccuracy.map(pct).join(', ')}); ${Math.round(r.samplesPerS)} samples/s`,
  );
}
