// In-situ pulsed training on full MNIST (docs/engine-rules-insitu.md).
//   npx tsx scripts/exp-insitu.ts gv      ideal SGD vs Gokmen–Vlasov RPU device, same net and schedule
//   npx tsx scripts/exp-insitu.ts asym    up_down 0, 0.1, 0.3, 0.6 on the GV device, and ReRAM soft bounds
//   npx tsx scripts/exp-insitu.ts pcm     one-sided PCM pairs, exponential vs constant steps
//   npx tsx scripts/exp-insitu.ts io      GV device behind aihwkit's default DAC/ADC, with and without bound management
// Options: --epochs N (3), --train N (60000), --test N (10000), --lr X (0.1), --seed N (1),
// --chunk N (0: evaluate once per epoch; N: after every N training samples).
// Writes docs/data/insitu-<part>.json (insitu-<part>-seed<N>.json for a seed other than 1): per
// run, the test accuracy at each evaluation and the train accuracy curve, with the settings.
import { writeFileSync } from 'node:fs';
import { loadMnist } from '../engine/data/mnist';
import type { DeviceModel, PulsedUpdateModel } from '../engine/ir/model';
import { defaultKernels } from '../engine/sim/kernels';
import type { TilePlan } from '../engine/sim/plan';
import { deviceModel, IDEAL_DEVICE, mlpPlan } from '../engine/sim/presets';
import { GV_UPDATE, RRAM_SB_UPDATE } from '../engine/sim/pulsed';
import { learnerFor } from '../engine/sim/rules';
import { EVAL_BATCH, type MetricPoint, train } from '../engine/sim/train';

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
// --chunk N: train in slices of N samples with one learner and evaluate after each slice, for a
// test-accuracy curve finer than one point per epoch (constant lr, so the slices are one run).
const chunk = opt('chunk', 0);

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
  /** One-sided pairs: refreshes so far (cumulative), at each evaluation. */
  pair_refreshes: number[];
  /** Fraction of ADC conversions that saturated (tiles with ADCs), at each evaluation. */
  adc_saturation: number[];
  samples_per_s: number;
}

const trainSet = loadMnist('train', trainN);
const testSet = loadMnist('test', testN);

async function run(
  name: string,
  device: DeviceModel,
  rule: 'backprop' | 'in_situ',
  tile: Partial<TilePlan> = {},
): Promise<RunRecord> {
  const plan = mlpPlan({
    ...network,
    tile,
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
    pair_refreshes: [],
    adc_saturation: [],
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
      else if (p.key === 'pair_refreshes') rec.pair_refreshes.push(p.value);
      else if (p.key === 'adc_saturation') rec.adc_saturation.push(p.value);
    }
  };
  const t0 = Date.now();
  let lastLog = 0;
  const onProgress = (p: { phase: string; done: number; total: number }) => {
    const now = Date.now();
    if (now - lastLog < 30000) return;
    lastLog = now;
    console.log(`  ${name}: ${p.phase} ${p.done}/${p.total}`);
  };
  if (chunk > 0) {
    const learner = learnerFor(plan)({
      plan,
      kernels: defaultKernels(),
      maxBatch: EVAL_BATCH,
      totalSteps: trainSet.count * epochs,
      log: () => {},
    });
    let seen = 0;
    let seconds = 0;
    for (let e = 0; e < epochs; e++) {
      for (let start = 0; start < trainSet.count; start += chunk) {
        const count = Math.min(chunk, trainSet.count - start);
        const slice = {
          images: trainSet.images.subarray(start * 784, (start + count) * 784),
          labels: trainSet.labels.subarray(start, start + count),
          count,
        };
        // Each slice is a one-epoch run on its samples; shift its steps to the whole run's count.
        const base = seen;
        const r = await train(
          { ...plan, epochs: 1, seed: seed + 1000 * e + start },
          { train: slice, test: testSet },
          {
            learner,
            onMetrics: (pts) => onMetrics(pts.map((p) => ({ ...p, step: p.step + base }))),
            onProgress,
          },
        );
        seen += count;
        seconds += r.trainSeconds;
      }
    }
    rec.samples_per_s = seen / seconds;
  } else {
    const r = await train(plan, { train: trainSet, test: testSet }, { onMetrics, onProgress });
    rec.samples_per_s = r.metrics.samples_per_s ?? 0;
  }
  const accs = rec.test_accuracy.map((a) => (a.value * 100).toFixed(2)).join(', ');
  console.log(
    `${name}: test accuracy at each evaluation ${accs} % (${((Date.now() - t0) / 1000).toFixed(0)} s)`,
  );
  runs.push(rec);
  save();
  return rec;
}

const runs: RunRecord[] = [];
const file = `docs/data/insitu-${part}${seed === 1 ? '' : `-seed${seed}`}.json`;
/** Writes what has finished so far, so a run cut short by a time limit keeps its results. */
function save(): void {
  const out = {
    command: `npx tsx scripts/exp-insitu.ts ${args.join(' ')}`.trim(),
    network: `784-${network.hidden.join('-')}-10, ${network.activation}`,
    optimizer: { kind: 'sgd', lr, momentum: 0, schedule: 'constant', batch: 1 },
    pulseLength: 31,
    epochs,
    train: trainN,
    test: testN,
    seed,
    chunk,
    runs,
  };
  writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
}
if (part === 'gv') {
  await run('ideal SGD', IDEAL_DEVICE, 'backprop');
  await run('in-situ rpu_gv', pulsedDevice('rpu_gv', GV_UPDATE), 'in_situ');
} else if (part === 'asym') {
  for (const upDown of [0, 0.1, 0.3, 0.6]) {
    await run(
      `in-situ rpu_gv up_down ${upDown}`,
      pulsedDevice('rpu_gv', { ...GV_UPDATE, upDown }),
      'in_situ',
    );
  }
  await run('in-situ rram_sb', pulsedDevice('rram_sb', RRAM_SB_UPDATE), 'in_situ');
} else if (part === 'pcm') {
  // PCM-like one-sided devices in pairs (w = g⁺ − g⁻, SET pulses only, refresh): the `pcm` preset
  // of examples/lib/devices.nfab (aihwkit PCMPresetDevice: dw_min 0.01, w 0..2, exponential
  // steps; d2d/c2c at the DSL defaults 0.3), with and without the step non-linearity.
  const pcm: PulsedUpdateModel = { ...GV_UPDATE, dwMin: 0.01, wMin: 0, wMax: 2, nonlinearity: 1 };
  await run('in-situ pcm pair, nonlinearity 1', pulsedDevice('pcm', pcm), 'in_situ');
  await run('in-situ pcm pair, constant step', pulsedDevice('pcm', { ...pcm, nonlinearity: 0 }), 'in_situ');
} else if (part === 'io') {
  // The GV device behind aihwkit's default periphery (IOParameters: 7-bit DAC, 9-bit ADC, bound
  // 12, output noise 0.06) on forward and backward reads, without and with bound management.
  const gv = pulsedDevice('rpu_gv', GV_UPDATE);
  const io = { dacBits: 7, adcBits: 9, outputNoise: 0.06 };
  await run('in-situ rpu_gv, ideal periphery', gv, 'in_situ');
  await run('in-situ rpu_gv, 7-bit DAC, 9-bit ADC, out noise 0.06', gv, 'in_situ', io);
  await run('in-situ rpu_gv, same + iterative bound management', gv, 'in_situ', {
    ...io,
    boundManagement: 'iterative',
  });
} else {
  throw new Error(`unknown part "${part}" (gv | asym | pcm | io)`);
}
console.log(`wrote ${file}`);
