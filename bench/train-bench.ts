// Training throughput of the simulator: 784-256-10 on real MNIST, batch 32 and batch 1, on ideal
// and on RRAM crossbars, in this thread with the default kernels. `neurofab bench` prints it.
// Evaluation is switched off: the figure is training samples per second (forward, backward,
// optimiser step, and for RRAM the per-step device programming with fresh noise).
import os from 'node:os';
import { loadMnist } from '../engine/data/mnist';
import type { DeviceModel } from '../engine/ir/model';
import { defaultKernels } from '../engine/sim/kernels';
import { IDEAL_DEVICE, mlpPlan, RRAM_DEVICE } from '../engine/sim/presets';
import { train } from '../engine/sim/train';

/** PyTorch 2.x on CPU (2 threads) on the reference machine, same network and batch sizes. */
export const PYTORCH_REFERENCE: Record<number, number> = { 32: 11_000, 1: 1_600 };

export interface TrainBenchRow {
  name: string;
  device: string;
  batch: number;
  samples: number;
  seconds: number;
  samplesPerS: number;
  /** samplesPerS / PyTorch's figure at this batch size (ideal device only: PyTorch has no devices). */
  vsPytorch: number | null;
}

export interface TrainBenchResults {
  benchmark: 'train-784-256-10';
  quick: boolean;
  kernels: string;
  node: string;
  cpu: string;
  cpus: number;
  rows: TrainBenchRow[];
}

interface Case {
  device: DeviceModel;
  batch: number;
  samples: number;
  quickSamples: number;
}

const CASES: Case[] = [
  { device: IDEAL_DEVICE, batch: 32, samples: 20_000, quickSamples: 3_000 },
  { device: IDEAL_DEVICE, batch: 1, samples: 4_000, quickSamples: 600 },
  { device: RRAM_DEVICE, batch: 32, samples: 10_000, quickSamples: 1_500 },
  { device: RRAM_DEVICE, batch: 1, samples: 400, quickSamples: 60 },
];

export async function runTrainBench({ quick }: { quick: boolean }): Promise<TrainBenchResults> {
  const maxSamples = Math.max(...CASES.map((c) => (quick ? c.quickSamples : c.samples)));
  const trainSet = loadMnist('train', maxSamples);
  const testSet = loadMnist('test', 1);
  const rows: TrainBenchRow[] = [];
  for (const c of CASES) {
    const samples = quick ? c.quickSamples : c.samples;
    const data = { train: { ...trainSet, count: samples }, test: testSet };
    const plan = mlpPlan({ device: c.device, batch: c.batch, seed: 1 });
    // Warm-up so the JIT has compiled the hot loops before the clock runs.
    await train(
      plan,
      { train: { ...trainSet, count: Math.min(samples, 4 * c.batch + 64) }, test: testSet },
      { evaluate: false },
    );
    const r = await train(plan, data, { evaluate: false });
    const samplesPerS = r.samplesSeen / r.trainSeconds;
    const ref = c.device.kind === 'ideal' ? PYTORCH_REFERENCE[c.batch] : undefined;
    rows.push({
      name: `784-256-10 ${c.device.name} batch ${c.batch}`,
      device: c.device.name,
      batch: c.batch,
      samples: r.samplesSeen,
      seconds: r.trainSeconds,
      samplesPerS,
      vsPytorch: ref ? samplesPerS / ref : null,
    });
  }
  return {
    benchmark: 'train-784-256-10',
    quick,
    kernels: defaultKernels().name,
    node: process.version,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cpus: os.availableParallelism(),
    rows,
  };
}

export function formatBench(r: TrainBenchResults): string {
  const header = ['case', 'samples', 'seconds', 'samples/s', 'vs PyTorch'];
  const body = r.rows.map((row) => [
    row.name,
    String(row.samples),
    row.seconds.toFixed(2),
    Math.round(row.samplesPerS).toLocaleString('en-US'),
    row.vsPytorch === null ? '–' : `${row.vsPytorch.toFixed(2)}×`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [
    `Training throughput, ${r.quick ? 'quick' : 'full'} run (${r.kernels} kernels, Node ${r.node}, ${r.cpus}× ${r.cpu})`,
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...body.map(line),
    `PyTorch reference (CPU, 2 threads): ${PYTORCH_REFERENCE[32]!.toLocaleString('en-US')} samples/s at batch 32, ` +
      `${PYTORCH_REFERENCE[1]!.toLocaleString('en-US')} at batch 1.`,
  ].join('\n');
}
