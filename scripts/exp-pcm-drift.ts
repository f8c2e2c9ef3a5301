// Experiment: PCM accuracy against time since programming (issue 6, "PCM accuracy decays with drift
// time"). 784-256-10 trained hardware-aware on the `pcm` preset of examples/lib/devices.nfab
// (0.1-25 uS, 4% programming noise with aihwkit's PCM polynomial, 1% read noise, drift nu 0.049 with
// aihwkit's per-device nu(g), t0 20 s), 8-bit DAC and ADC, then deployed and evaluated at several
// times after programming, without and with aihwkit's global drift compensation, for the engine's
// per-read 1/f noise growth and for aihwkit's frozen accumulated 1/f noise. Each point is
// `reps` deployments (fresh programming noise and drift exponents each), mean and std.
//
//   npx tsx scripts/exp-pcm-drift.ts [--train N] [--test N] [--epochs E] [--reps R] [--seed S]
//     [--rule hw_aware|backprop] [--temperature K] [--noise per_read,accumulated_1f] [--nu NU]
//
// Prints one JSON line per (compensation, time) and a Markdown table at the end.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadDataset } from '../engine/data';
import { checkDocument } from '../engine/dsl';
import type { DeviceModel, TrainRule } from '../engine/ir/model';
import { defaultKernels } from '../engine/sim/kernels';
import { mlpPlan } from '../engine/sim/presets';
import { learnerFor } from '../engine/sim/rules';
import { EVAL_BATCH, evaluate, train } from '../engine/sim/train';

const { values: a } = parseArgs({
  options: {
    train: { type: 'string' },
    test: { type: 'string' },
    epochs: { type: 'string', default: '1' },
    reps: { type: 'string', default: '3' },
    seed: { type: 'string', default: '1' },
    rule: { type: 'string', default: 'hw_aware' },
    temperature: { type: 'string', default: '300' },
    /** 1/f noise models to evaluate: per_read (read_noise grows with time), accumulated_1f (aihwkit). */
    noise: { type: 'string', default: 'per_read,accumulated_1f' },
    /** Override the preset's drift.nu (0.049 = aihwkit's law unscaled; PCM reads it as a scale). */
    nu: { type: 'string' },
  },
});

const YEAR = 365.25 * 86_400;
const TIMES: [string, number][] = [
  ['1 s', 1],
  ['1 h', 3600],
  ['1 day', 86_400],
  ['1 month', 30 * 86_400],
  ['1 year', YEAR],
];

/** The `pcm` preset exactly as the DSL elaborates it. */
function pcmPreset(): DeviceModel {
  const file = path.resolve('examples/lib/devices.nfab');
  const r = checkDocument(file, fs.readFileSync(file, 'utf8'));
  if (r.hasErrors) throw new Error(`${file} has errors`);
  const d = r.model.devices.find((x) => x.name === 'pcm');
  if (!d) throw new Error('no device `pcm` in examples/lib/devices.nfab');
  return d;
}

async function main(): Promise<void> {
  const preset = pcmPreset();
  const device: DeviceModel = { ...preset };
  if (a.nu !== undefined) device.drift = { nu: Number(a.nu), t0: preset.drift?.t0 ?? 20 };
  const trainLimit = a.train ? Number(a.train) : null;
  const testLimit = a.test ? Number(a.test) : null;
  const reps = Number(a.reps);
  const plan = mlpPlan({
    hidden: [256],
    device,
    tile: { dacBits: 8, adcBits: 8 },
    rule: a.rule as TrainRule,
    epochs: Number(a.epochs),
    seed: Number(a.seed),
    trainLimit,
    testLimit,
  });
  plan.infer.temperature = Number(a.temperature);
  const data = {
    train: loadDataset(plan.dataset, 'train', trainLimit, plan.seed),
    test: loadDataset(plan.dataset, 'test', testLimit, plan.seed),
  };
  const kernels = defaultKernels();
  const learner = learnerFor(plan)({
    plan,
    kernels,
    maxBatch: Math.max(plan.batch, EVAL_BATCH),
    totalSteps: Math.ceil(data.train.count / plan.batch) * plan.epochs,
    log: () => {},
  });
  const t0 = performance.now();
  const r = await train(plan, data, { learner });
  const trainS = (performance.now() - t0) / 1000;
  console.error(
    `trained ${data.train.count} samples x ${plan.epochs} epoch(s) in ${trainS.toFixed(0)} s; accuracy at t = 0: ${r.metrics.test_accuracy}`,
  );
  type NoiseModel = NonNullable<DeviceModel['readNoiseModel']>;
  const models = String(a.noise).split(',') as NoiseModel[];
  const columns: { noise: NoiseModel; comp: 'none' | 'global' }[] = [];
  for (const noise of models) for (const comp of ['none', 'global'] as const) columns.push({ noise, comp });
  const rows: {
    noise: string;
    comp: string;
    label: string;
    time: number;
    mean: number;
    std: number;
    runs: number[];
  }[] = [];
  for (const { noise, comp } of columns) {
    // The arrays hold this very device object (plan.layers[i].device): DeviceArray.age() reads the
    // noise model and the compensation at each deploy, so one trained network serves every column.
    device.readNoiseModel = noise;
    device.driftCompensation = comp;
    for (const [label, time] of TIMES) {
      plan.infer.time = time;
      const runs: number[] = [];
      for (let k = 0; k < reps; k++) {
        const ev = await evaluate(learner, data.test, plan.inputSize);
        runs.push(ev!.accuracy);
      }
      const mean = runs.reduce((s, v) => s + v, 0) / reps;
      const std = Math.sqrt(runs.reduce((s, v) => s + (v - mean) ** 2, 0) / Math.max(1, reps - 1));
      const row = { noise, comp, label, time, mean, std, runs };
      rows.push(row);
      console.log(JSON.stringify(row));
    }
  }
  const cell = (noise: string, comp: string, label: string) => {
    const x = rows.find((q) => q.noise === noise && q.comp === comp && q.label === label)!;
    return `${(100 * x.mean).toFixed(2)} ± ${(100 * x.std).toFixed(2)}`;
  };
  const heads = columns.map(
    (c) => `${c.noise}, ${c.comp === 'global' ? 'global compensation' : 'no compensation'} (%)`,
  );
  console.log(`\n| time | ${heads.join(' | ')} |\n|---|${columns.map(() => '---|').join('')}`);
  for (const [label] of TIMES)
    console.log(`| ${label} | ${columns.map((c) => cell(c.noise, c.comp, label)).join(' | ')} |`);
  console.log(
    `\n${data.train.count} training samples, ${plan.epochs} epoch(s), rule ${plan.rule}, seed ${plan.seed}, ` +
      `${data.test.count} test samples, ${reps} deployments per point, T = ${plan.infer.temperature} K, ` +
      `drift nu ${device.drift?.nu} (t0 ${device.drift?.t0} s); ` +
      `accuracy after training (per_read model at t = 0): ${r.metrics.test_accuracy}.`,
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
