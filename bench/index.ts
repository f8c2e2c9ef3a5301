// `neurofab bench`: the speed figures of issue 6 in one place. Runs in this thread with the
// default kernels (WebAssembly SIMD + worker pool when available), on real MNIST.
//  - GEMM GFLOP/s, square sgemm at 256, 512, 1024, on 1 and 2 threads (operands in the kernel
//    memory, as PyTorch's are in its own);
//  - MLP 784-256-10 ideal-device SGD training samples/s at batch 1, 32, 256 (evaluation off);
//  - noisy analog inference samples/s (RRAM, 8-bit DAC/ADC, read noise);
//  - in-situ pulsed-update training samples/s (Gokmen–Vlasov device, batch 1);
//  - analog (RRAM, per-step programming, 8-bit DAC/ADC, read noise) vs digital training cost at
//    batch 32;
//  - store scale (issue 9): metric insert rate, a 1,000-run / 10M-point project (quick: 100 / 1M)
//    built in a temporary folder, the runs table, a 100k-point series loaded, downsampled, drawn.
// Every row carries the PyTorch figure of the reference machine where one exists, and the ratio.
// The machine is shared in development: the 1-minute load average is recorded with the results.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { loadMnist } from '../engine/data/mnist';
import type { DeviceModel } from '../engine/ir/model';
import { defaultKernels, jsKernels, type Kernels } from '../engine/sim/kernels';
import type { TrainingPlan } from '../engine/sim/plan';
import { deviceModel, IDEAL_DEVICE, mlpPlan, RRAM_DEVICE } from '../engine/sim/presets';
import { GV_UPDATE } from '../engine/sim/pulsed';
import { learnerFor } from '../engine/sim/rules';
import { train } from '../engine/sim/train';
import { wasmRuntime } from '../engine/sim/wasm/runtime';
import { createWasmKernels } from '../engine/sim/wasm/wasm-kernels';
import { type DslBenchResults, formatDslBench, runDslBench } from './dsl-bench';
import { benchSnn, formatSnnBench, type SnnBench } from './snn';
import { benchStoreScale, formatStoreScaleBench, type StoreScaleBench } from './store-scale';

/**
 * PyTorch 2.x CPU, 2 threads, on the reference machine kind (issue 6): sgemm ≈ 50 GFLOP/s at 256
 * and 160–170 at 512–1024; 784-256-10 SGD ≈ 1,600–1,900 samples/s at batch 1, 11,500 at batch 32,
 * 16,000–26,000 at batch 256. Ratios use the middle of each range.
 */
export const PYTORCH = {
  gemmGflops: { 256: 50, 512: 165, 1024: 165 } as Record<number, number>,
  trainSamplesPerS: { 1: 1_750, 32: 11_500, 256: 21_000 } as Record<number, number>,
};
/** Goals: ≥ 40% of PyTorch's GEMM; ≥ PyTorch's training rate at batch 1 and 32; analog < 3× digital. */
export const GOALS = { gemmFraction: 0.4, trainFraction: 1, analogCostRatio: 3 };

/** Gokmen & Vlasov (Front. Neurosci. 10:333, 2016) RPU device, as `rpu_gv` in examples/lib/devices.nfab. */
export const GV_DEVICE: DeviceModel = deviceModel({
  name: 'rpu_gv',
  kind: 'rram',
  gMin: 1e-8, // 100 MΩ
  gMax: 1e-6, // 1 MΩ
  levels: 1200,
  programNoise: 0,
  readNoise: 0.01,
  update: { ...GV_UPDATE },
});

/** The analog configuration of the inference and analog-training rows: RRAM, 8-bit converters. */
const ANALOG_TILE = { dacBits: 8, adcBits: 8 };

export interface GemmRow {
  size: number;
  threads: number;
  gflops: number;
  /** Flops per second of process CPU time (all threads): the speed on an otherwise idle machine. */
  gflopsPerCpuSecond: number;
  pytorchGflops: number;
  /** gflops / PyTorch (2 threads). */
  vsPytorch: number;
}

export interface RateRow {
  name: string;
  batch: number | null;
  samples: number;
  seconds: number;
  samplesPerS: number | null;
  /**
   * Samples per second of process CPU time (all threads, spinning pool workers included): what
   * samplesPerS would be on an idle machine for one thread; a lower bound of it with the pool.
   */
  samplesPerCpuSecond: number | null;
  pytorchSamplesPerS: number | null;
  vsPytorch: number | null;
  /** Why samplesPerS is null (e.g. the learning rule is not implemented yet). */
  skipped?: string;
}

export interface BenchResults {
  date: string;
  quick: boolean;
  kernels: string;
  node: string;
  cpu: string;
  cpus: number;
  /** 1-minute load average when the bench started (others' work on a shared machine). */
  loadAverage: number;
  gemm: GemmRow[];
  training: RateRow[];
  analogInference: RateRow;
  inSituTraining: RateRow;
  /** Analog (RRAM, 8-bit DAC/ADC, read noise, programming every step) / digital time per sample, batch 32. */
  analogVsDigital: {
    batch: number;
    digitalSamplesPerS: number;
    analogSamplesPerS: number;
    /** Analog / digital CPU time per sample (per-CPU-second rates: steadier than wall clock here). */
    costRatio: number;
    /** The same from wall-clock rates. */
    wallCostRatio: number;
    goal: number;
  };
  dsl: DslBenchResults;
  /** SNN rows (issue 7): recurrent LIF synaptic events/s vs Brian2, SNN training samples/s. */
  snn: SnnBench;
  /** Store scale rows (issue 9): insert rate, 10M-point project, runs table, 100k-point series. */
  storeScale: StoreScaleBench;
}

/** Median-free and honest about noise: the best of `runs` timings, each ≥ minSeconds. */
function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

function timeBest(
  runs: number,
  minSeconds: number,
  body: () => void,
): { seconds: number; cpuSeconds: number; reps: number } {
  body();
  let reps = 1;
  for (;;) {
    const t = performance.now();
    for (let r = 0; r < reps; r++) body();
    const s = (performance.now() - t) / 1000;
    if (s >= minSeconds / 4 || reps > 1e6) break;
    reps *= 2;
  }
  let best = Number.POSITIVE_INFINITY;
  let bestCpu = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const c = cpuSeconds();
    for (let r = 0; r < reps; r++) body();
    best = Math.min(best, (performance.now() - t) / 1000);
    bestCpu = Math.min(bestCpu, cpuSeconds() - c);
  }
  return { seconds: best / reps, cpuSeconds: bestCpu / reps, reps };
}

export function benchGemm(quick: boolean): GemmRow[] {
  const rows: GemmRow[] = [];
  const measure = (k: Kernels, alloc: (n: number) => Float32Array, threads: number, size: number) => {
    const a = alloc(size * size);
    const b = alloc(size * size);
    const c = alloc(size * size);
    for (let i = 0; i < a.length; i++) {
      a[i] = ((i * 7919) % 1000) / 500 - 1;
      b[i] = ((i * 104729) % 1000) / 500 - 1;
    }
    const t = timeBest(3, quick ? 0.1 : 0.4, () =>
      k.gemm(size, size, size, a, size, b, size, c, size, false),
    );
    const gflops = (2 * size ** 3) / t.seconds / 1e9;
    const gflopsPerCpuSecond = (2 * size ** 3) / t.cpuSeconds / 1e9;
    const ref = PYTORCH.gemmGflops[size]!;
    rows.push({ size, threads, gflops, gflopsPerCpuSecond, pytorchGflops: ref, vsPytorch: gflops / ref });
  };
  if (!wasmRuntime()) {
    // Plain JS (no SIMD, or NEUROFAB_KERNELS=js): one thread; 1024³ would take minutes.
    for (const size of [256, 512]) measure(jsKernels, (n) => new Float32Array(n), 1, size);
    return rows;
  }
  for (const threads of [1, 2]) {
    const k = createWasmKernels({ threads });
    for (const size of [256, 512, 1024]) measure(k, (n) => k.alloc(n), threads, size);
    k.close();
  }
  return rows;
}

async function trainRate(
  name: string,
  plan: TrainingPlan,
  trainSet: ReturnType<typeof loadMnist>,
  testSet: ReturnType<typeof loadMnist>,
  samples: number,
): Promise<RateRow> {
  const warm = Math.min(samples, 4 * plan.batch + 64);
  await train(plan, { train: { ...trainSet, count: warm }, test: testSet }, { evaluate: false });
  const c0 = cpuSeconds();
  const r = await train(plan, { train: { ...trainSet, count: samples }, test: testSet }, { evaluate: false });
  const cpu = cpuSeconds() - c0;
  const samplesPerS = r.samplesSeen / r.trainSeconds;
  const ref = plan.layers.every((l) => 'device' in l && l.device.kind === 'ideal')
    ? (PYTORCH.trainSamplesPerS[plan.batch] ?? null)
    : null;
  return {
    name,
    batch: plan.batch,
    samples: r.samplesSeen,
    seconds: r.trainSeconds,
    samplesPerS,
    samplesPerCpuSecond: r.samplesSeen / cpu,
    pytorchSamplesPerS: ref,
    vsPytorch: ref ? samplesPerS / ref : null,
  };
}

function inferenceRate(
  plan: TrainingPlan,
  kernels: Kernels,
  testSet: ReturnType<typeof loadMnist>,
  passes: number,
): RateRow {
  const batch = 256;
  const learner = learnerFor(plan)({ plan, kernels, maxBatch: batch, totalSteps: 1, log: () => {} });
  learner.deploy();
  const f = plan.inputSize;
  const pass = () => {
    for (let s = 0; s < testSet.count; s += batch) {
      const m = Math.min(batch, testSet.count - s);
      learner.inferBatch(testSet.images.subarray(s * f, (s + m) * f), testSet.labels.subarray(s, s + m), m);
    }
  };
  pass(); // warm-up
  const t = performance.now();
  const c0 = cpuSeconds();
  for (let p = 0; p < passes; p++) pass();
  const seconds = (performance.now() - t) / 1000;
  const cpu = cpuSeconds() - c0;
  const samples = passes * testSet.count;
  return {
    name: '784-256-10 inference, RRAM, 8-bit DAC/ADC, read noise',
    batch,
    samples,
    seconds,
    samplesPerS: samples / seconds,
    samplesPerCpuSecond: samples / cpu,
    pytorchSamplesPerS: null,
    vsPytorch: null,
  };
}

export async function runBench({ quick }: { quick: boolean }): Promise<BenchResults> {
  const loadAverage = os.loadavg()[0] ?? 0;
  const kernels = defaultKernels();
  const dsl = runDslBench({ quick });
  const snn = await benchSnn({ quick });
  const gemm = benchGemm(quick);

  const trainSet = loadMnist('train', quick ? 4_096 : 20_000);
  const testSet = loadMnist('test', quick ? 2_000 : 10_000);
  const training: RateRow[] = [];
  const sizes: Record<number, number> = quick
    ? { 1: 600, 32: 3_000, 256: 4_096 }
    : { 1: 4_000, 32: 20_000, 256: 20_000 };
  for (const batch of [1, 32, 256]) {
    const plan = mlpPlan({ device: IDEAL_DEVICE, batch, seed: 1 });
    training.push(
      await trainRate(`784-256-10 ideal, batch ${batch}`, plan, trainSet, testSet, sizes[batch]!),
    );
  }

  // hw_aware: every training step programs the devices (fresh noise, levels) and reads them through
  // the DAC, read noise and ADC. Plain `backprop` would train in software and only deploy at the end.
  const analogPlan = mlpPlan({
    rule: 'hw_aware',
    device: RRAM_DEVICE,
    tile: ANALOG_TILE,
    batch: 32,
    seed: 1,
  });
  const analogInference = inferenceRate(analogPlan, kernels, testSet, quick ? 1 : 3);
  const analogTrain = await trainRate(
    '784-256-10 RRAM 8-bit DAC/ADC, batch 32',
    analogPlan,
    trainSet,
    testSet,
    quick ? 1_500 : 10_000,
  );
  const digital = training.find((r) => r.batch === 32)!;
  const analogVsDigital = {
    batch: 32,
    digitalSamplesPerS: digital.samplesPerS ?? 0,
    analogSamplesPerS: analogTrain.samplesPerS ?? 0,
    costRatio: (digital.samplesPerCpuSecond ?? 0) / (analogTrain.samplesPerCpuSecond ?? 1),
    wallCostRatio: (digital.samplesPerS ?? 0) / (analogTrain.samplesPerS ?? 1),
    goal: GOALS.analogCostRatio,
  };

  let inSituTraining: RateRow;
  const inSituPlan = mlpPlan({ rule: 'in_situ', device: GV_DEVICE, batch: 1, seed: 1 });
  try {
    inSituTraining = await trainRate(
      '784-256-10 in-situ pulsed update, Gokmen–Vlasov device, batch 1',
      inSituPlan,
      trainSet,
      testSet,
      quick ? 200 : 2_000,
    );
  } catch (err) {
    inSituTraining = {
      name: '784-256-10 in-situ pulsed update, Gokmen–Vlasov device, batch 1',
      batch: 1,
      samples: 0,
      seconds: 0,
      samplesPerS: null,
      samplesPerCpuSecond: null,
      pytorchSamplesPerS: null,
      vsPytorch: null,
      skipped: err instanceof Error ? err.message : String(err),
    };
  }

  // Last: it writes a large temporary database and leaves a big heap behind.
  const storeScale = await benchStoreScale({ quick });

  return {
    date: new Date().toISOString(),
    quick,
    kernels: kernels.name,
    node: process.version,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cpus: os.availableParallelism(),
    loadAverage,
    gemm,
    training,
    analogInference,
    inSituTraining,
    analogVsDigital,
    dsl,
    snn,
    storeScale,
  };
}

const int = (x: number) => Math.round(x).toLocaleString('en-US');

function table(header: string[], body: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

export function formatBench(r: BenchResults): string {
  const ratio = (x: number | null) => (x === null ? '–' : `${x.toFixed(2)}×`);
  const rates = [...r.training, r.analogInference, r.inSituTraining];
  return [
    formatDslBench(r.dsl),
    '',
    `Kernels ${r.kernels}, Node ${r.node}, ${r.cpus}× ${r.cpu}, load average ${r.loadAverage.toFixed(2)}${r.quick ? ' (quick run)' : ''}`,
    '',
    table(
      ['sgemm', 'threads', 'GFLOP/s', 'per CPU-s', 'PyTorch', 'ratio'],
      r.gemm.map((g) => [
        `${g.size}³`,
        String(g.threads),
        g.gflops.toFixed(1),
        g.gflopsPerCpuSecond.toFixed(1),
        String(g.pytorchGflops),
        ratio(g.vsPytorch),
      ]),
    ),
    '',
    table(
      ['case', 'samples', 'seconds', 'samples/s', 'per CPU-s', 'PyTorch', 'ratio'],
      rates.map((t) => [
        t.name,
        String(t.samples),
        t.seconds.toFixed(2),
        t.samplesPerS === null ? `n/a (${t.skipped ?? ''})` : int(t.samplesPerS),
        t.samplesPerCpuSecond === null ? '–' : int(t.samplesPerCpuSecond),
        t.pytorchSamplesPerS === null ? '–' : int(t.pytorchSamplesPerS),
        ratio(t.vsPytorch),
      ]),
    ),
    '',
    `Analog vs digital training cost at batch ${r.analogVsDigital.batch}: ${r.analogVsDigital.costRatio.toFixed(2)}× ` +
      `in CPU time, ${r.analogVsDigital.wallCostRatio.toFixed(2)}× in wall clock ` +
      `(${int(r.analogVsDigital.digitalSamplesPerS)} vs ${int(r.analogVsDigital.analogSamplesPerS)} samples/s; goal < ${r.analogVsDigital.goal}×)`,
    '',
    formatSnnBench(r.snn),
    '',
    formatStoreScaleBench(r.storeScale),
  ].join('\n');
}

/**
 * The CLI command: prints the tables (or JSON) and with `json` writes bench/results.json
 * (NEUROFAB_BENCH_OUT overrides the path, e.g. for a NEUROFAB_KERNELS=js "before" run).
 */
export async function benchCommand({ quick, json }: { quick: boolean; json: boolean }): Promise<void> {
  const results = await runBench({ quick });
  if (json) {
    const text = `${JSON.stringify(results, null, 2)}\n`;
    mkdirSync('bench', { recursive: true });
    writeFileSync(process.env.NEUROFAB_BENCH_OUT ?? 'bench/results.json', text);
    console.log(text);
  } else {
    console.log(formatBench(results));
  }
}
