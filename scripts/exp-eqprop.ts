// Equilibrium Propagation on MNIST (issue 6 Done-when: ≥ 95% on the full test set).
//
//   npx tsx scripts/exp-eqprop.ts [--train N] [--test N] [--epochs E] [--lr 0.05] [--beta 0.5]
//     [--batch 20] [--free 30] [--nudge 10] [--nudging symmetric|random_sign|positive]
//     [--rho sigmoid|hard_sigmoid] [--hidden 500] [--device ideal|ecram] [--seed 7]
//     [--momentum 0] [--schedule constant|cosine] [--kernels wasm|js] [--threads 1]
//
// 784-500-10 as in examples/equilibrium-propagation.nfab (sigmoid units, one tile kind for both
// layers). `--device ecram` uses the ECRAM preset of examples/lib/devices.nfab (1,000 levels, 1%
// programming, 0.5% read noise) with the example's 8-bit DAC and ADC on 256×256 tiles.
import { loadDataset } from '../engine/data';
import { defaultKernels } from '../engine/sim/kernels';
import { isWeightLayer, type LayerPlan } from '../engine/sim/plan';
import { deviceModel, IDEAL_DEVICE, mlpPlan } from '../engine/sim/presets';
import { createEqPropLearnerWith, type EqPropRho, type Nudging } from '../engine/sim/rules/eqprop';
import { EVAL_BATCH, train } from '../engine/sim/train';
import { createWasmKernels } from '../engine/sim/wasm/wasm-kernels';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2)
  args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1]!);
const num = (k: string, d: number) => (args.has(k) ? Number(args.get(k)) : d);
const str = (k: string, d: string) => args.get(k) ?? d;

const trainLimit = args.has('train') ? num('train', 0) : null;
const testLimit = args.has('test') ? num('test', 0) : null;
const deviceName = str('device', 'ideal');
// ECRAM of examples/lib/devices.nfab: levels 1000 (Tang et al., IEDM 2018), program_noise 1%,
// read_noise 0.5% (nominal values of that file).
const ECRAM = deviceModel({
  name: 'ecram',
  kind: 'ecram',
  gMin: 1e-6,
  gMax: 1e-4,
  levels: 1000,
  programNoise: 0.01,
  readNoise: 0.005,
});
const device = deviceName === 'ecram' ? ECRAM : IDEAL_DEVICE;
const plan = mlpPlan({
  hidden: [num('hidden', 500)],
  activation: 'sigmoid',
  device,
  tile: deviceName === 'ecram' ? { dacBits: 8, adcBits: 8 } : {},
  optimizer: {
    kind: 'sgd',
    lr: num('lr', 0.05),
    momentum: num('momentum', 0),
    schedule: str('schedule', 'constant') as 'constant' | 'cosine',
  },
  epochs: num('epochs', 1),
  batch: num('batch', 20),
  seed: num('seed', 7),
  trainLimit,
  testLimit,
  rule: 'equilibrium_prop',
});
plan.beta = num('beta', 0.5);
const weightLayers = plan.layers.filter(isWeightLayer) as LayerPlan[];
weightLayers[weightLayers.length - 1]!.activation = 'sigmoid'; // EP output units are neurons too
const rho = str('rho', 'sigmoid') as EqPropRho;
const settings = {
  freeSteps: num('free', 30),
  nudgeSteps: num('nudge', 10),
  nudging: str('nudging', 'symmetric') as Nudging,
  rho: weightLayers.map(() => rho),
};

const t0 = Date.now();
const data = {
  train: loadDataset(plan.dataset, 'train', trainLimit, plan.seed),
  test: loadDataset(plan.dataset, 'test', testLimit, plan.seed),
};
// --kernels wasm uses the WebAssembly SIMD kernels (--threads, default 1: the machine is shared).
const kernels =
  str('kernels', 'wasm') === 'wasm' ? createWasmKernels({ threads: num('threads', 1) }) : defaultKernels();
const learner = createEqPropLearnerWith(settings)({
  plan,
  kernels,
  maxBatch: Math.max(plan.batch, EVAL_BATCH),
  totalSteps: Math.ceil(data.train.count / plan.batch) * plan.epochs,
  log: () => {},
});
console.log(
  `eqprop ${plan.network} device=${deviceName} train=${data.train.count} test=${data.test.count} ` +
    `epochs=${plan.epochs} batch=${plan.batch} lr=${plan.optimizer.lr} beta=${plan.beta} ` +
    `${JSON.stringify(settings)} seed=${plan.seed} kernels=${kernels.name}`,
);
const result = await train(plan, data, {
  kernels,
  learner,
  onMetrics(points) {
    const m = Object.fromEntries(points.map((p) => [p.key, p.value]));
    if ('test_accuracy' in m) {
      console.log(
        `epoch@${points[0]!.step}: test_accuracy ${(m.test_accuracy! * 100).toFixed(2)}% ` +
          `test_loss ${m.test_loss!.toFixed(4)} residual ${m.free_phase_residual?.toExponential(2)} ` +
          `(${((Date.now() - t0) / 1000).toFixed(0)} s)`,
      );
    }
  },
});
console.log(
  `final test_accuracy ${((result.metrics.test_accuracy ?? 0) * 100).toFixed(2)}% ` +
    `train ${result.trainSeconds.toFixed(0)} s, ${Math.round(result.metrics.samples_per_s ?? 0)} samples/s`,
);
if ('close' in kernels) (kernels as { close(): void }).close();
