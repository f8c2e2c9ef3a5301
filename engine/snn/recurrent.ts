// Event-driven recurrent LIF network: the speed path of issue 7 item 6 (the Brian2 comparison in
// docs/engine-snn-speed.md). Synapses in CSR (row = presynaptic neuron, Int32 targets, Float32
// weights); each step one pass over the population updates the membranes (exact integration,
// v <- beta (v + input), beta = exp(-dt/tau_mem)) and draws the Poisson drive, and only the
// neurons that spiked push their CSR rows into the next step's input buffer.
//
// Semantics are Brian2's default schedule with zero synaptic delay, so the same network can be
// run side by side (scripts/exp-snn-brian2.py): in step t a neuron integrates (unless
// refractory), crosses the threshold (v > v_th), and the step's spikes and Poisson inputs are
// added to their targets' membranes at the end of the step (dropped for targets that are
// refractory, or spiking, at t), then decay with them over step t+1. So a spike at step t changes
// its target's membrane at step t+1 by beta * w.
import type { NeuronModel } from '../ir/model';
import { Rng } from '../sim/rng';
import { lifConstants } from './neurons';
import { createRecurrentKernel } from './recurrent-kernel';

export { driveTable } from './recurrent-kernel';

/** The network, from a plain options object (every field has a default, with its source). */
export interface RecurrentLifOptions {
  /** Neurons. 1,000: the benchmark network. */
  n: number;
  /** Probability of a synapse i -> j (i != j), drawn per ordered pair. 0.1: the network. */
  connectivity: number;
  /** Excitatory weight J (V): the membrane jump of one excitatory spike. 0.2 mV: Brunel 2000 uses 0.1 mV with 10x our fan-in; 0.2 mV keeps the recurrent input noticeable at C = 100. */
  weight: number;
  /**
   * Fraction of neurons that are inhibitory (their outgoing weights are -g J). 0.2: the 4:1 ratio
   * of cortex used by Brunel (J. Comput. Neurosci. 8:183, 2000) and Brian2's CUBA example.
   */
  inhibitoryFraction: number;
  /** Relative inhibitory strength g. 5: Brunel 2000's inhibition-dominated regime (g > 4). */
  g: number;
  /** Membrane time constant (s). 20 ms: Brunel 2000. */
  tauMem: number;
  /** Threshold (V, relative to rest). 20 mV: Brunel 2000. */
  vTh: number;
  /** Reset potential (V, relative to rest). 10 mV: Brunel 2000. */
  vReset: number;
  /** Refractory period (s). 2 ms: Brunel 2000. */
  refractory: number;
  /** Independent external Poisson inputs per neuron. 80: Brunel 2000's C_ext = C_E (800 x 0.1). */
  inputCount: number;
  /**
   * Rate of each external input (Hz). 70 Hz = 1.12 nu_thr, Brunel's threshold rate
   * nu_thr = v_th / (C_E J tau) = 62.5 Hz: the network fires at ~24 Hz (ours and Brian2's alike,
   * docs/engine-snn-speed.md).
   */
  inputRate: number;
  /** Weight of one external input spike (V). Equal to J, as in Brunel 2000. */
  inputWeight: number;
  /** Seed of the connectivity (the Poisson drive is seeded by the simulation's seed). */
  seed: number;
  /**
   * A `lif` neuron of the IR (e.g. a spiking layer's `neuron`): when given, its tau_mem, v_th,
   * v_reset and refractory (or their DSL defaults, through lifConstants) replace tauMem, vTh,
   * vReset and refractory above. Only plain lif: this kernel has no synaptic-current state.
   */
  neuron?: NeuronModel;
}

/** The benchmark network's parameters (docs/engine-snn-speed.md); overridable field by field. */
export const RECURRENT_LIF_DEFAULTS: RecurrentLifOptions = {
  n: 1000,
  connectivity: 0.1,
  weight: 0.2e-3,
  inhibitoryFraction: 0.2,
  g: 5,
  tauMem: 20e-3,
  vTh: 20e-3,
  vReset: 10e-3,
  refractory: 2e-3,
  inputCount: 80,
  inputRate: 70,
  inputWeight: 0.2e-3,
  seed: 1,
};

/** A built network: CSR synapses plus the neuron and drive parameters. */
export interface RecurrentLifNet {
  n: number;
  /** rowStart[i] .. rowStart[i+1]: the synapses of presynaptic neuron i. */
  rowStart: Int32Array;
  /** Postsynaptic neuron of each synapse, ascending within a row. */
  target: Int32Array;
  /** Weight of each synapse (V). */
  weight: Float32Array;
  /** The neuron model (kind lif), read through lifConstants like every other SNN module. */
  neuron: NeuronModel;
  inputCount: number;
  inputRate: number;
  inputWeight: number;
}

/** Sub-streams of the network's Rng (connectivity) and of the run's Rng (Poisson drive). */
export const RECURRENT_STREAMS = { connect: 71, drive: 72 } as const;

/** A plain lif NeuronModel from SI parameters (no DSL source behind it). */
export function lifNeuron(
  name: string,
  p: { tauMem: number; vTh: number; vReset: number; refractory: number },
): NeuronModel {
  const at = { line: 0, col: 0, offset: 0 };
  return {
    name,
    kind: 'lif',
    spiking: true,
    params: { tau_mem: p.tauMem, v_th: p.vTh, v_reset: p.vReset, refractory: p.refractory },
    // Loihi's figures, as the lif defaults in engine/dsl/neuron-defaults.ts.
    energyPerUpdate: 81e-12,
    energyPerSpike: 1.7e-12,
    provenance: {},
    range: { file: '', start: at, end: at },
  };
}

/**
 * Builds the random network: each ordered pair (i, j), i != j, is connected with probability
 * `connectivity` (Bernoulli per pair, as Brian2's `connect(condition='i != j', p=...)`); the
 * first round(n (1 - inhibitoryFraction)) neurons are excitatory (weight J), the rest inhibitory
 * (-g J).
 */
export function buildRecurrentLif(options: Partial<RecurrentLifOptions> = {}): RecurrentLifNet {
  const o = { ...RECURRENT_LIF_DEFAULTS, ...options };
  const { n, connectivity: p } = o;
  if (!(Number.isInteger(n) && n >= 1)) throw new RangeError(`n must be a positive integer, got ${n}`);
  if (!(p >= 0 && p <= 1)) throw new RangeError(`connectivity must be in [0, 1], got ${p}`);
  if (o.neuron && o.neuron.kind !== 'lif') {
    throw new Error(
      `buildRecurrentLif: neuron '${o.neuron.name}' is ${o.neuron.kind}; the recurrent LIF kernel simulates plain lif only`,
    );
  }
  const rng = new Rng(o.seed, RECURRENT_STREAMS.connect);
  const nExc = Math.round(n * (1 - o.inhibitoryFraction));
  const rowStart = new Int32Array(n + 1);
  let target = new Int32Array(Math.max(16, Math.ceil(n * n * p * 1.1)));
  let count = 0;
  // Compare raw 32-bit draws against p 2^32: one draw per pair, no float conversion.
  const cut = p * 2 ** 32;
  for (let i = 0; i < n; i++) {
    rowStart[i] = count;
    for (let j = 0; j < n; j++) {
      if (rng.nextU32() >= cut || j === i) continue;
      if (count === target.length) {
        const grown = new Int32Array(target.length * 2);
        grown.set(target);
        target = grown;
      }
      target[count++] = j;
    }
  }
  rowStart[n] = count;
  const weight = new Float32Array(count);
  for (let i = 0; i < n; i++) {
    weight.fill(i < nExc ? o.weight : -o.g * o.weight, rowStart[i]!, rowStart[i + 1]!);
  }
  return {
    n,
    rowStart,
    target: target.slice(0, count),
    weight,
    neuron: o.neuron ?? lifNeuron('recurrent_lif', o),
    inputCount: o.inputCount,
    inputRate: o.inputRate,
    inputWeight: o.inputWeight,
  };
}

/** A network from an explicit synapse list (pre[k] -> post[k] with weight w[k]), e.g. for tests. */
export function recurrentLifFromSynapses(
  n: number,
  synapses: { pre: number; post: number; weight: number }[],
  neuron: NeuronModel,
  drive: { inputCount: number; inputRate: number; inputWeight: number } = {
    inputCount: 0,
    inputRate: 0,
    inputWeight: 0,
  },
): RecurrentLifNet {
  const sorted = [...synapses].sort((a, b) => a.pre - b.pre || a.post - b.post);
  const rowStart = new Int32Array(n + 1);
  const target = new Int32Array(sorted.length);
  const weight = new Float32Array(sorted.length);
  sorted.forEach((s, k) => {
    if (!(s.pre >= 0 && s.pre < n && s.post >= 0 && s.post < n))
      throw new RangeError(`synapse ${s.pre} -> ${s.post} outside 0..${n - 1}`);
    rowStart[s.pre + 1]!++;
    target[k] = s.post;
    weight[k] = s.weight;
  });
  for (let i = 0; i < n; i++) rowStart[i + 1]! += rowStart[i]!;
  return { n, rowStart, target, weight, neuron, ...drive };
}

export interface SimulateRecurrentOptions {
  /** Time steps to run. */
  steps: number;
  /** Step (s). */
  dt: number;
  /** Seed of the Poisson drive. */
  seed: number;
  /** Record every spike's step and neuron (for rasters). Off by default: the benchmark path. */
  record?: boolean;
  /** Membrane potentials at step 0 (V); rest (0) by default. */
  initialV?: ArrayLike<number>;
  /** 'wasm' (default: WebAssembly SIMD when available) or 'js'; both give the same spikes. */
  kernel?: 'wasm' | 'js';
  /**
   * Threads (1 or 2; WASM only): the two blocks of neurons on two threads, the same numbers as on
   * one. Default 1. Starting the worker is outside `seconds`.
   */
  threads?: number;
}

export interface RecurrentLifResult {
  steps: number;
  dt: number;
  /** The kernel that ran: 'wasm-simd' or 'js'. */
  kernel: 'wasm-simd' | 'js';
  /** Threads it ran on. */
  threads: number;
  /** Spikes emitted by the population. */
  spikes: number;
  /** Synaptic events: the sum over spikes of the spiking neuron's out-degree. */
  events: number;
  /** Mean firing rate (Hz). */
  rateHz: number;
  /** Wall-clock seconds of the simulation loop (network construction excluded). */
  seconds: number;
  /** Spikes per neuron. */
  spikeCount: Int32Array;
  /** Membranes after the last step (V). */
  v: Float64Array;
  /** With `record`: step and neuron of each spike, in order (ascending neuron within a step). */
  spikeSteps?: Int32Array;
  spikeIds?: Int32Array;
}

/**
 * Counts of the external drive per step as a table of 32-bit thresholds: the count is the
 * smallest k with u < cdf[k] for a uniform 32-bit draw u. Binomial(inputCount, rate dt), the
 * distribution Brian2's PoissonInput draws from; the table ends where the CDF reaches 1 in double.
 */
export function driveCdf(inputCount: number, rate: number, dt: number): Float64Array {
  const p = Math.min(1, rate * dt);
  const out: number[] = [];
  if (inputCount === 0 || p === 0) return Float64Array.of(2 ** 33);
  let pk = (1 - p) ** inputCount; // P(X = 0)
  let cum = 0;
  for (let k = 0; k <= inputCount; k++) {
    cum += pk;
    out.push(cum * 2 ** 32);
    if (cum >= 1 - 1e-15) break;
    pk *= ((inputCount - k) / (k + 1)) * (p / (1 - p));
  }
  out[out.length - 1] = 2 ** 33; // every draw ends here: no loop past the table
  return Float64Array.from(out);
}

/** Simulates `net` for `steps` steps; see the file header for the order of events in a step. */
export function simulateRecurrentLif(
  net: RecurrentLifNet,
  opts: SimulateRecurrentOptions,
): RecurrentLifResult {
  const { n } = net;
  const { steps, dt } = opts;
  const c = lifConstants(net.neuron, dt);
  // The drive: 2 blocks x 4 xoshiro128** lanes (see recurrent-kernel.ts), one sub-stream each.
  const rngLanes = new Int32Array(32);
  for (let lane = 0; lane < 8; lane++)
    new Rng(opts.seed, RECURRENT_STREAMS.drive + lane).saveState(rngLanes, 4 * lane);
  const kernel = createRecurrentKernel(
    {
      n,
      rowStart: net.rowStart,
      target: net.target,
      weight: net.weight,
      consts: {
        beta: c.beta,
        vTh: c.threshold,
        vReset: c.reset,
        // A neuron that spikes loses the inputs of its spike step (Brian2 resets after the
        // synapses act), so even with no refractory period it drops input for one step.
        refSteps: Math.max(1, c.refractorySteps),
        wIn: net.inputWeight,
        cdf: driveCdf(net.inputCount, net.inputRate, dt),
      },
      rngLanes,
      ...(opts.initialV ? { initialV: opts.initialV } : {}),
    },
    opts.kernel ?? 'wasm',
    opts.threads ?? 1,
  );
  const spikeCount = new Int32Array(n);
  let recSteps = opts.record ? new Int32Array(4096) : new Int32Array(0);
  let recIds = opts.record ? new Int32Array(4096) : new Int32Array(0);
  let recorded = 0;
  const sink = (step: number, ids: Int32Array, fired: number) => {
    for (let f = 0; f < fired; f++) spikeCount[ids[f]!]!++;
    if (!opts.record) return;
    if (recorded + fired > recSteps.length) {
      const size = Math.max(recSteps.length * 2, recorded + fired);
      const a = new Int32Array(size);
      a.set(recSteps.subarray(0, recorded));
      recSteps = a;
      const b = new Int32Array(size);
      b.set(recIds.subarray(0, recorded));
      recIds = b;
    }
    recSteps.fill(step, recorded, recorded + fired);
    recIds.set(ids.subarray(0, fired), recorded);
    recorded += fired;
  };
  let run: { spikes: number; events: number };
  let seconds: number;
  try {
    const t0 = performance.now();
    run = kernel.run(steps, sink);
    seconds = (performance.now() - t0) / 1000;
  } finally {
    kernel.close();
  }
  const { spikes, events } = run;
  return {
    steps,
    dt,
    kernel: kernel.name,
    spikes,
    events,
    rateHz: spikes / n / (steps * dt),
    seconds,
    threads: kernel.threads,
    spikeCount,
    v: kernel.membranes(),
    ...(opts.record ? { spikeSteps: recSteps.slice(0, recorded), spikeIds: recIds.slice(0, recorded) } : {}),
  };
}
