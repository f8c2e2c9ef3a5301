// Cost of hardware-aware analog training relative to our own digital training of the same
// network (issue 6 speed goal: < 3x in CPU time at batch 32). 784-256-10 MLP, 20k MNIST samples,
// one warm-up run first; digital = rule backprop on the ideal device, hw_aware = RRAM_DEVICE (32
// levels, 5% programming noise, 1% read noise) with 8-bit DAC/ADC. Run: npx tsx scripts/bench-hw-aware-cost.ts
import { loadMnist } from '../engine/data/mnist';
import { IDEAL_DEVICE, mlpPlan, RRAM_DEVICE } from '../engine/sim/presets';
import { train } from '../engine/sim/train';

const trainSet = loadMnist('train', 20000);
const testSet = loadMnist('test', 1);
for (const batch of [32, 256]) {
  const rate = async (rule: 'backprop' | 'hw_aware', device = IDEAL_DEVICE, tile = {}) => {
    const plan = mlpPlan({ rule, device, tile, batch, seed: 1 });
    await train(plan, { train: { ...trainSet, count: 2000 }, test: testSet }, { evaluate: false });
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await train(plan, { train: trainSet, test: testSet }, { evaluate: false });
    const c = process.cpuUsage(c0);
    return { wall: 20000 / ((performance.now() - t0) / 1000), cpu: 20000 / ((c.user + c.system) / 1e6) };
  };
  const d = await rate('backprop');
  const a = await rate('hw_aware', RRAM_DEVICE, { dacBits: 8, adcBits: 8 });
  console.log(
    `batch ${batch}: digital ${d.wall.toFixed(0)}/s (${d.cpu.toFixed(0)}/cpu-s), hw_aware ${a.wall.toFixed(0)}/s (${a.cpu.toFixed(0)}/cpu-s); ratio cpu ${(d.cpu / a.cpu).toFixed(2)} wall ${(d.wall / a.wall).toFixed(2)}`,
  );
}
process.exit(0);
