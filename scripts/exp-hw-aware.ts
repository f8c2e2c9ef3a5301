// Issue 6 Done-when: hardware-aware training beats plain backprop by a clear margin when weights are
// programmed with 5% noise. Both rules train 784-256-10 with the same seed and optimiser; both are
// then evaluated on the same kind of noisy chip, on several programmings (fresh noise each).
//
//   npx tsx scripts/exp-hw-aware.ts [--device rram5|rram] [--noise 0.05] [--epochs 3] [--seeds 1,2]
//     [--chips 5] [--rules backprop,hw_aware] [--clip 2.5] [--train N] [--test N]
//
// --clip: hw_aware's layer-Gaussian weight clip in standard deviations (0 = none, an ablation).
//
// rram5: continuous conductance, programming noise 5% of g_max − g_min (--noise), no read noise:
//        the noise alone. rram: RRAM_DEVICE (32 levels, 5% programming and 1% read noise).
import type { TrainRule } from '../engine/ir/model';
import { deviceModel, mlpPlan, RRAM_DEVICE } from '../engine/sim/presets';
import { chipAccuracies, mnist, parseArgs, pct, run } from './exp-gradient-lib';

const a = parseArgs();
const data = mnist(a.num('train', 0), a.num('test', 0));
const noise = a.num('noise', 0.05);
const device =
  a.str('device', 'rram5') === 'rram'
    ? RRAM_DEVICE
    : deviceModel({ name: `rram-continuous-${noise * 100}%`, kind: 'rram', programNoise: noise });
const seeds = a.str('seeds', '1').split(',').map(Number);
const rules = a.str('rules', 'backprop,hw_aware').split(',') as TrainRule[];
const chips = a.num('chips', 5);
const epochs = a.num('epochs', 3);
console.log(
  `784-256-10 on ${device.name} (levels ${device.levels ?? 'continuous'}, programming noise ${device.programNoise}, read noise ${device.readNoise}), ` +
    `${data.train.count} train / ${data.test.count} test, ${epochs} epochs, SGD 0.1/0.9 cosine, batch 32, ${chips} chips per run`,
);
for (const seed of seeds) {
  for (const rule of rules) {
    const plan = { ...mlpPlan({ device, rule, epochs, seed }), clipSigma: a.num('clip', 2.5) };
    const r = await run(`${rule} seed ${seed} clip ${plan.clipSigma}`, plan, data);
    const c = await chipAccuracies(r.learner, data, plan.inputSize, chips);
    console.log(
      `RESULT ${rule} seed ${seed} clip ${plan.clipSigma}: deployed accuracy ${pct(c.mean)} ± ${pct(c.std)} over ${chips} chips ` +
        `(${c.all.map(pct).join(', ')}); per-epoch ${r.epochAccuracy.map(pct).join(', ')}; ${Math.round(r.samplesPerS)} samples/s`,
    );
  }
}
