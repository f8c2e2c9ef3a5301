// In-situ training cost against ideal SGD on the same network, as wall-clock samples/s and as
// samples per CPU-second of the process (which counts the kernels' worker threads too):
//   npx tsx scripts/exp-insitu-speed.ts [--train N (3000)] [--hidden 256 | 256,128] [--act relu|sigmoid]
// Prints training samples per CPU-second for backprop (ideal device) and in_situ (rpu_gv), batch 1,
// SGD lr 0.1 constant, evaluation off; the first 500 samples of each run are a warm-up.
import { loadMnist } from '../engine/data/mnist';
import type { LayerPlan } from '../engine/sim/plan';
import { deviceModel, IDEAL_DEVICE, mlpPlan } from '../engine/sim/presets';
import { GV_UPDATE } from '../engine/sim/pulsed';
import { train } from '../engine/sim/train';

const args = process.argv.slice(2);
const opt = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : fallback;
};
const n = Number(opt('train', '3000'));
const hidden = opt('hidden', '256').split(',').map(Number);
const activation = opt('act', 'relu') as LayerPlan['activation'];
const gv = deviceModel({ name: 'rpu_gv', kind: 'rram', readNoise: 0.01, update: GV_UPDATE });
const warm = loadMnist('train', 500);
const data = loadMnist('train', n);
const test = loadMnist('test', 10);

for (const [rule, device] of [
  ['backprop', IDEAL_DEVICE],
  ['in_situ', gv],
] as const) {
  const plan = mlpPlan({
    hidden,
    activation,
    device,
    rule,
    batch: 1,
    optimizer: { kind: 'sgd', lr: 0.1, momentum: 0, schedule: 'constant' },
  });
  await train(plan, { train: warm, test }, { evaluate: false });
  const c0 = process.cpuUsage();
  const r = await train(plan, { train: data, test }, { evaluate: false });
  const c = process.cpuUsage(c0);
  const cpuS = (c.user + c.system) / 1e6;
  console.log(
    `${plan.network} ${rule}: ${(n / cpuS).toFixed(0)} samples per CPU-second ` +
      `(${r.metrics.samples_per_s?.toFixed(0)} samples/s wall clock, ${n} samples)`,
  );
}
