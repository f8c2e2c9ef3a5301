// `neurofab bench`, SNN rows (issue 7 item 6):
//  - synaptic events/s of the 1,000-neuron recurrent LIF network (10% connectivity, 0.1 ms steps,
//    1 s of biological time, exact integration, Poisson drive), against Brian2 2.5;
//  - training samples/s of the 784-256-10 SNN over 25 steps (engine/snn/bptt.ts).
// The network, the Brian2 script that runs the same one, and the measured figures are in
// docs/engine-snn-speed.md.
import os from 'node:os';
import { benchSnnTraining } from '../engine/snn/bptt';
import { buildRecurrentLif, RECURRENT_LIF_DEFAULTS, simulateRecurrentLif } from '../engine/snn/recurrent';

/**
 * Brian2 2.5 on this machine kind (issue 7): ~3.5e7 synaptic events/s with the Cython target and
 * ~0.7e7 with numpy, on a network of this size. Our own side-by-side runs of Brian2 2.5.1 on the
 * benchmark network (scripts/exp-snn-brian2.py) are in docs/engine-snn-speed.md.
 */
export const BRIAN2 = { cythonEventsPerS: 3.5e7, numpyEventsPerS: 0.7e7 };

/**
 * Brian2 2.5.1 measured here on the benchmark network (scripts/exp-snn-brian2.py all --repeats 5,
 * 2026-11-23, load average 6-9): events per CPU-second of the best 1 s run, by target.
 */
export const BRIAN2_MEASURED = {
  cythonEventsPerCpuS: 8.4e6,
  numpyEventsPerCpuS: 2.2e6,
  cppStandaloneEventsPerCpuS: 8.6e6,
};

export interface SnnRecurrentBench {
  neurons: number;
  connectivity: number;
  synapses: number;
  /** Step (s). */
  dt: number;
  simulatedSeconds: number;
  spikes: number;
  rateHz: number;
  /** Sum over spikes of the spiking neuron's out-degree. */
  synapticEvents: number;
  /** Wall seconds of the best run (network construction excluded). */
  seconds: number;
  eventsPerSecond: number;
  /** Events per second of process CPU time in the best run (steadier on a shared machine). */
  eventsPerCpuSecond: number;
  runs: number;
  /** 'wasm-simd' or 'js' (NEUROFAB_KERNELS=js). */
  kernel: string;
  /** Threads of the faster configuration (the top-level figures). */
  threads: number;
  /** Each configuration measured (2 threads only with the WASM kernel). */
  byThreads: SnnThreadRow[];
  brian2Cython: number;
  brian2Numpy: number;
  /** eventsPerSecond / brian2Cython: the goal is >= 1. */
  vsBrian2Cython: number;
  /** Brian2's Cython target measured here on this network, events per CPU-second (BRIAN2_MEASURED). */
  brian2CythonMeasuredPerCpuS: number;
  /** eventsPerCpuSecond / brian2CythonMeasuredPerCpuS: same network, same machine, equal CPU. */
  vsBrian2CythonMeasuredPerCpu: number;
  /** 1-minute load average before the runs. */
  loadAverage: number;
}

export interface SnnTrainingBench {
  network: string;
  timeSteps: number;
  batch: number;
  samplesPerSecond: number | null;
  skipped?: string;
}

export interface SnnBench {
  recurrent: SnnRecurrentBench;
  training: SnnTrainingBench;
}

function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** One configuration's best run. */
export interface SnnThreadRow {
  threads: number;
  seconds: number;
  eventsPerSecond: number;
  eventsPerCpuSecond: number;
}

/**
 * The recurrent network's speed on 1 and 2 threads (same spikes): one warm-up second, then the
 * best of `runs` simulated seconds each; the top-level figures are the faster configuration's.
 */
export function benchSnnRecurrent(runs = 15): SnnRecurrentBench {
  const loadAverage = os.loadavg()[0] ?? 0;
  const dt = 1e-4;
  const simulatedSeconds = 1;
  const steps = Math.round(simulatedSeconds / dt);
  const net = buildRecurrentLif(RECURRENT_LIF_DEFAULTS);
  let last: ReturnType<typeof simulateRecurrentLif> | undefined;
  const byThreads: SnnThreadRow[] = [];
  for (const threads of [1, 2]) {
    simulateRecurrentLif(net, { steps, dt, seed: 1, threads }); // warm-up: JIT, caches
    let best = Number.POSITIVE_INFINITY;
    let bestCpu = Number.POSITIVE_INFINITY;
    for (let r = 0; r < runs; r++) {
      const c0 = cpuSeconds();
      const res = simulateRecurrentLif(net, { steps, dt, seed: 1, threads });
      bestCpu = Math.min(bestCpu, cpuSeconds() - c0);
      best = Math.min(best, res.seconds);
      last = res;
    }
    if (last!.threads !== threads) break; // the JS kernel runs on one thread only
    byThreads.push({
      threads,
      seconds: best,
      eventsPerSecond: last!.events / best,
      eventsPerCpuSecond: last!.events / bestCpu,
    });
  }
  const b = last!;
  const top = byThreads.reduce((x, y) => (y.eventsPerSecond > x.eventsPerSecond ? y : x));
  return {
    neurons: net.n,
    connectivity: RECURRENT_LIF_DEFAULTS.connectivity,
    synapses: net.target.length,
    dt,
    simulatedSeconds,
    spikes: b.spikes,
    rateHz: b.rateHz,
    synapticEvents: b.events,
    seconds: top.seconds,
    eventsPerSecond: top.eventsPerSecond,
    eventsPerCpuSecond: top.eventsPerCpuSecond,
    runs,
    kernel: b.kernel,
    threads: top.threads,
    byThreads,
    brian2Cython: BRIAN2.cythonEventsPerS,
    brian2Numpy: BRIAN2.numpyEventsPerS,
    vsBrian2Cython: top.eventsPerSecond / BRIAN2.cythonEventsPerS,
    brian2CythonMeasuredPerCpuS: BRIAN2_MEASURED.cythonEventsPerCpuS,
    vsBrian2CythonMeasuredPerCpu: top.eventsPerCpuSecond / BRIAN2_MEASURED.cythonEventsPerCpuS,
    loadAverage,
  };
}

/** Both SNN rows; `quick` shortens the training run. */
export async function benchSnn({ quick }: { quick: boolean }): Promise<SnnBench> {
  const recurrent = benchSnnRecurrent(quick ? 5 : 15);
  let training: SnnTrainingBench;
  try {
    training = await benchSnnTraining(quick ? 512 : 2048);
  } catch (err) {
    training = {
      network: '784-256-10',
      timeSteps: 25,
      batch: 0,
      samplesPerSecond: null,
      skipped: err instanceof Error ? err.message : String(err),
    };
  }
  return { recurrent, training };
}

const sci = (x: number) => x.toExponential(2).replace('e+', 'e');

export function formatSnnBench(s: SnnBench): string {
  const r = s.recurrent;
  const t = s.training;
  return [
    `SNN, recurrent LIF ${r.neurons} neurons, p = ${r.connectivity} (${r.synapses.toLocaleString('en-US')} synapses), ` +
      `dt = ${r.dt * 1e3} ms, ${r.simulatedSeconds} s simulated, ${r.rateHz.toFixed(1)} Hz: ` +
      `${sci(r.eventsPerSecond)} synaptic events/s (${sci(r.eventsPerCpuSecond)} per CPU-s; ` +
      `${r.synapticEvents.toLocaleString('en-US')} events in ${r.seconds.toFixed(3)} s, best of ${r.runs}, ${r.kernel}, ` +
      `${r.byThreads.map((t) => `${t.threads} thread${t.threads > 1 ? 's' : ''} ${sci(t.eventsPerSecond)}`).join(', ')}); ` +
      `Brian2 Cython ${sci(r.brian2Cython)}: ${r.vsBrian2Cython.toFixed(2)}×; ` +
      `Brian2 Cython measured here ${sci(r.brian2CythonMeasuredPerCpuS)} per CPU-s: ${r.vsBrian2CythonMeasuredPerCpu.toFixed(1)}× per CPU-s`,
    t.samplesPerSecond === null
      ? `SNN training 784-256-10, ${t.timeSteps} steps: n/a (${t.skipped ?? ''})`
      : `SNN training 784-256-10, ${t.timeSteps} steps, batch ${t.batch}: ${Math.round(t.samplesPerSecond).toLocaleString('en-US')} samples/s`,
  ].join('\n');
}
