// In-situ pulsed training on full MNIST (docs/engine-rules-insitu.md).
//   npx tsx scripts/exp-insitu.ts gv      ideal SGD vs Gokmen–Vlasov RPU device, same net and schedule
//   npx tsx scripts/exp-insitu.ts asym    up_down 0, 0.1, 0.3, 0.6 on the GV device, and ReRAM soft bounds
// Options: --epochs N (3), --train N (60000), --test N (10000), --lr X (0.1), --seed N (1).
// Writes docs/data/insitu-<part>.json: per run, the test accuracy after each epoch and the train
// accuracy curve (about 50 points per epoch), with the settings.
import { writeFileSync } from 'node:fs';
import { loadMnist } from '../engine/data/mnist';
import type { DeviceModel, PulsedUpdateModel } from '../engine/ir/model';
import { deviceModel, IDEAL_DEVICE, mlpPlan } from '../engine/sim/presets';
import { GV_UPDATE, RRAM_SB_UPDATE } from '../engine/sim/pulsed';
import { type MetricPoint, train } from '../engine/sim/train';

const args = process.argv.slice(2);
const part = args[0] ?? 'gv';
const opt = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const epochs = opt('epochs', 3);
const trainN = opt('train', 60000);
const testN = opt('test', 10000);
const lr = opt('lr', 0.1);
const seed = opt('seed', 1);

/** The pulsed devices: update block as in examples/lib/devices.nfab, read noise 1% (nominal). */
const pulsedDevice = (name: string, update: PulsedUpdateModel): DeviceModel =>
  deviceModel({ name, kind: 'rram', readNoise: 0.01, update });

// Gokmen & Vlasov's network: 784-256-128-10, sigmoid hidden units, SGD at batch 1; lr 0.1 (GV use
// 0.01 over 30 epochs; 0.1 trains in a few epochs). Constant lr, no momentum, for both rules.
const network = { hidden: [256, 128], activation: 'sigmoid' as const };

interface RunRecord {
  name: string;
  rule: string;
  device: string;
  update: PulsedUpdateModel | null;
  test_accuracy: { samples: number; value: number }[];
  test_loss: { samples: number; value: number }[];
  train_accuracy: { samples: number; value: number }[];
  pulses_per_sample: number[];
  devices_at_bound: number[];
  samples_per_s: number;
}

const trainSet = loadMnist('train', trainN);
const testSet = loadMnist('test', testN);

async function run(name: string, device: DeviceModel, rule: 'backprop' | 'in_situ'): Promise<RunRecord> {
  const plan = mlpPlan({
    ...network,
    device,
    rule,
    batch: 1,
    epochs,
    seed,
    optimizer: { kind: 'sgd', lr, momentum: 0, schedule: 'constant' },
  });
  const rec: RunRecord = {
    name,
    rule,
    device: device.name,
    update: device.update ?? null,
    test_accuracy: [],
    test_loss: [],
    train_accuracy: [],
    pulses_per_sample: [],
    devices_at_bound: [],
    samples_per_s: 0,
  };
  const onMetrics = (points: MetricPoint[]) => {
    for (const p of points) {
      const v = { samples: p.step, value: p.value };
      if (p.key === 'test_accuracy') rec.test_accuracy.push(v);
      else if (p.key === 'test_loss') rec.test_loss.push(v);
      else if (p.key === 'train_accuracy') rec.train_accuracy.push(v);
      else if (p.key === 'pulses_per_sample') rec.pulses_per_sample.push(p.value);
      else if (p.key === 'devices_at_bound') rec.devices_at_bound.push(p.value);
    }
  };
  const t0 = Date.now();
  const r = await train(plan, { train: trainSet, test: testSet }, { onMetrics });
  rec.samples_per_s = r.metrics.samples_per_s ?? 0;
  const accs = rec.test_accuracy.map((a) => (a.value * 100).toFixed(2)).join(', ');
  console.log(`${name}: test accuracy per epoch ${accs} % (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  return rec;
}

const runs: RunRecord[] = [];
if (part === 'gv') {
  runs.push(await run('ideal SGD', IDEAL_DEVICE, 'backprop'));
  runs.push(await run('in-situ rpu_gv', pulsedDevice('rpu_gv', GV_UPDATE), 'in_situ'));
} else if (part === 'asym') {
  for (const upDown of [0, 0.1, 0.3, 0.6]) {
    runs.push(
      await run(
        `in-situ rpu_gv up_down ${upDown}`,
        pulsedDevice('rpu_gv', { ...GV_UPDATE, upDown }),
        'in_situ',
      ),
    );
  }
  runs.push(await run('in-situ rram_sb', pulsedDevice('rram_sb', RRAM_SB_UPDATE), 'in_situ'));
} else {
  throw new Error(`unknown part "${part}" (gv | asym)`);
}

const out = {
  command: `npx tsx scripts/exp-insitu.ts ${args.join(' ')}`.trim(),
  network: `784-${network.hidden.join('-')}-10, ${network.activation}`,
  optimizer: { kind: 'sgd', lr, momentum: 0, schedule: 'constant', batch: 1 },
  pulseLength: 31,
  epochs,
  train: trainN,
  test: testN,
  seed,
  runs,
};
const file = `docs/data/insitu-${part}.json`;
writeFileSync(file, `${JSON.stringify(out, null, 1)}\n`);
console.log(`wrote ${file}`);
