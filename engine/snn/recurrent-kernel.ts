// The per-step kernels of the recurrent LIF network (engine/snn/recurrent.ts): `update` (every
// neuron: drive, exact integration, threshold, reset, refractory) and `propagate` (the spiking
// neurons' CSR rows into the next step's input). Two implementations with the same arithmetic in
// the same order, hence the same spikes bit for bit:
//  - WebAssembly SIMD (engine/snn/wasm/recurrent.wat): four neurons per iteration, four
//    xoshiro128** streams in the i32x4 lanes, membranes in f64x2;
//  - plain JavaScript (no SIMD, or NEUROFAB_KERNELS=js): the same four streams, unrolled.
// The population is two blocks of h neurons (h a multiple of 4; padding neurons stay refractory
// forever), each with four lanes of its own: neuron i of a block draws from that block's lane
// i mod 4, every neuron (refractory or not) one draw per step. With two threads each runs a block.
import { Worker } from 'node:worker_threads';
import type { WasmMemory, WasmModule } from '../sim/wasm/runtime';
import { wasmDisabled } from '../sim/wasm/runtime';
import { RECURRENT_WASM_BASE64 } from './wasm/recurrent-wasm.generated';

/** Bits of a draw that index the drive table (must match the shift 22 in recurrent.wat). */
export const DRIVE_BITS = 10;
const DRIVE_SHIFT = 32 - DRIVE_BITS;
/** Refractory counter of the padding neurons: never integrate, never fire (2^30 steps). */
const PAD_REFRACTORY = 2 ** 30;

/** Per-step constants of the update. */
export interface UpdateConstants {
  /** exp(-dt / tau_mem). */
  beta: number;
  vTh: number;
  vReset: number;
  /** Steps a neuron drops its input after a spike (>= 1, see recurrent.ts). */
  refSteps: number;
  /** Weight of one external input spike (V). */
  wIn: number;
  /** driveCdf: 32-bit thresholds of the count of external spikes per step, ending with 2^33. */
  cdf: Float64Array;
}

/** Called after each step with a block's spiking ids (ascending; block 0 before block 1). */
export type SpikeSink = (step: number, ids: Int32Array, count: number) => void;

/**
 * A network ready to run. The population is two blocks of neurons (ids [0, h) and [h, 2h), h a
 * multiple of 4), each with its own four drive lanes, whatever the number of threads: with two
 * threads each runs one block, so the numbers are the same for one thread and for two.
 */
export interface RecurrentKernel {
  readonly name: 'wasm-simd' | 'js';
  readonly threads: number;
  /** Runs `steps` steps; returns the spikes and synaptic events. */
  run(steps: number, sink?: SpikeSink): { spikes: number; events: number };
  /** Membranes now (V), neurons 0..n-1. */
  membranes(): Float64Array;
  /** Frees the worker, if any. */
  close(): void;
}

/** The drive k wIn for each bucket of 2^(32 - DRIVE_BITS) draws, or -1 if the CDF steps inside it. */
export function driveTable(cdf: Float64Array, wIn: number): Float64Array {
  const table = new Float64Array(1 << DRIVE_BITS);
  const width = 2 ** DRIVE_SHIFT;
  let k = 0;
  for (let b = 0; b < table.length; b++) {
    const lo = b * width;
    const hi = lo + width - 1; // the bucket's largest draw
    while (lo >= cdf[k]!) k++;
    table[b] = hi < cdf[k]! ? k * wIn : -1;
  }
  return table;
}

interface KernelInput {
  n: number;
  rowStart: Int32Array;
  target: Int32Array;
  weight: Float32Array;
  consts: UpdateConstants;
  /**
   * xoshiro128** states of the 2 blocks x 4 lanes: rngLanes[16 b + 4 L + w] is word w of lane L
   * of block b (Rng.saveState layout).
   */
  rngLanes: Int32Array;
  initialV?: ArrayLike<number>;
}

/** Neurons per block: half the population rounded up to a multiple of 4. */
export const blockSize = (n: number): number => Math.ceil(n / 8) * 4;

/**
 * The WebAssembly SIMD kernel (on `threads` threads, 1 or 2) when this engine has SIMD and it is
 * not disabled, else the JavaScript kernel (one thread).
 */
export function createRecurrentKernel(
  input: KernelInput,
  prefer: 'wasm' | 'js' = 'wasm',
  threads = 1,
): RecurrentKernel {
  if (prefer === 'wasm' && !wasmDisabled()) {
    const mod = wasmModule();
    if (mod) return wasmKernel(mod, input, threads);
  }
  return jsKernel(input);
}

// ---- JavaScript ---------------------------------------------------------------------------

function jsKernel(inp: KernelInput): RecurrentKernel {
  const { n, rowStart, target, weight, consts } = inp;
  const h = blockSize(n);
  const v = new Float64Array(2 * h);
  if (inp.initialV) v.set(Array.from(inp.initialV).slice(0, n));
  const input = new Float64Array(2 * h);
  const refractory = new Int32Array(2 * h).fill(PAD_REFRACTORY, n);
  const lists = [new Int32Array(h), new Int32Array(h)];
  const rng = Int32Array.from(inp.rngLanes);
  const table = driveTable(consts.cdf, consts.wIn);
  // Constants in a Float64Array, read where used: a loop-invariant double from an object field
  // assigned into the membrane variable made TurboFan box it on every spike.
  const k64 = Float64Array.of(consts.beta, consts.vTh, consts.vReset, consts.wIn);
  const cdf = consts.cdf;
  const refSteps = consts.refSteps | 0;
  return {
    name: 'js',
    threads: 1,
    run(steps, sink) {
      let spikes = 0;
      let events = 0;
      const counts = new Int32Array(2);
      for (let step = 0; step < steps; step++) {
        for (let b = 0; b < 2; b++) {
          const list = lists[b]!;
          const fired = jsUpdate(
            b * h,
            (b + 1) * h,
            v,
            input,
            refractory,
            list,
            rng,
            16 * b,
            table,
            cdf,
            k64,
            refSteps,
          );
          counts[b] = fired;
          spikes += fired;
          if (fired > 0) sink?.(step, list, fired);
        }
        // Block 0's spikes, then block 1's: every target sums its inputs in ascending source order.
        for (let b = 0; b < 2; b++)
          events += jsPropagate(lists[b]!, counts[b]!, rowStart, target, weight, input);
      }
      return { spikes, events };
    },
    membranes: () => v.slice(0, n),
    close: () => {},
  };
}

function jsUpdate(
  lo: number,
  hi: number,
  v: Float64Array,
  input: Float64Array,
  refractory: Int32Array,
  spiking: Int32Array,
  rng: Int32Array,
  rngAt: number,
  table: Float64Array,
  cdf: Float64Array,
  k64: Float64Array,
  refSteps: number,
): number {
  const beta = k64[0]!;
  const vTh = k64[1]!;
  const wIn = k64[3]!;
  let fired = 0;
  for (let i = lo; i < hi; i++) {
    // Lane i mod 4 of the block's xoshiro128** streams (word w of lane L at rng[rngAt + 4 L + w]).
    const at = rngAt + ((i & 3) << 2);
    const s0 = rng[at]!;
    const s1 = rng[at + 1]!;
    const s2 = rng[at + 2]! ^ s0;
    const s3 = rng[at + 3]! ^ s1;
    const m = Math.imul(s1, 5);
    const u = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
    rng[at] = s0 ^ s3;
    rng[at + 1] = s1 ^ s2;
    rng[at + 2] = s2 ^ (s1 << 9);
    rng[at + 3] = (s3 << 11) | (s3 >>> 21);
    const r = refractory[i]!;
    const vi = v[i]!;
    let x = vi;
    if (r > 1) {
      // Refractory: input dropped, membrane held.
      refractory[i] = r - 1;
    } else {
      if (r === 1) {
        // Last refractory step: this step's input is dropped, the membrane integrates again.
        refractory[i] = 0;
        x = beta * vi;
      } else {
        let drive = table[u >>> DRIVE_SHIFT]!;
        if (drive < 0) {
          let k = 0;
          while (u >= cdf[k]!) k++;
          drive = k * wIn;
        }
        x = beta * (vi + input[i]! + drive);
      }
      if (x > vTh) {
        x = k64[2]!;
        refractory[i] = refSteps;
        spiking[fired++] = i;
      }
    }
    v[i] = x;
    input[i] = 0;
  }
  return fired;
}

function jsPropagate(
  spiking: Int32Array,
  fired: number,
  rowStart: Int32Array,
  target: Int32Array,
  weight: Float32Array,
  input: Float64Array,
): number {
  let events = 0;
  for (let f = 0; f < fired; f++) {
    const i = spiking[f]!;
    const start = rowStart[i]!;
    const end = rowStart[i + 1]!;
    for (let k = start; k < end; k++) input[target[k]!]! += weight[k]!;
    events += end - start;
  }
  return events;
}

// ---- WebAssembly SIMD -----------------------------------------------------------------------

interface WasmApi {
  Module: new (bytes: Uint8Array) => WasmModule;
  Memory: new (d: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
  Instance: new (m: WasmModule, imports: object) => { exports: unknown };
  validate(bytes: Uint8Array): boolean;
}
const wasmApi = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

interface RecurrentExports {
  update(
    n4: number,
    pV: number,
    pIn: number,
    pRef: number,
    pRng: number,
    pTab: number,
    pCdf: number,
    pSpk: number,
    base: number,
    beta: number,
    vTh: number,
    vReset: number,
    refSteps: number,
    wIn: number,
  ): number;
  propagate(fired: number, pSpk: number, pRow: number, pTgt: number, pW: number, pIn: number): number;
}

let cachedModule: WasmModule | null | undefined;
function wasmModule(): WasmModule | null {
  if (cachedModule !== undefined) return cachedModule;
  try {
    const bytes = new Uint8Array(Buffer.from(RECURRENT_WASM_BASE64, 'base64'));
    cachedModule = wasmApi?.validate(bytes) ? new wasmApi.Module(bytes) : null;
  } catch {
    cachedModule = null;
  }
  return cachedModule;
}

/** Control block of a two-thread run (Int32 slots of a SharedArrayBuffer). */
const CTL = {
  /** DONE + b: steps whose update block b has finished. */
  DONE: 0,
  /** SLEEP + b: thread b is (about to be) in Atomics.wait: notify it. */
  SLEEP: 2,
  /** COUNT + 2 parity + b: spikes of block b in the step of that parity. */
  COUNT: 4,
  READY: 8,
  GO: 9,
  STEPS: 10,
  FINISHED: 11,
  EVENTS: 12,
  SPIKES: 13,
  SIZE: 16,
} as const;
/** Spins on the partner's counter before sleeping (~2-5 µs; a step is ~1.5 µs on each thread). */
const SPIN = 2_000;

// One thread's loop over the steps: update its block, publish, wait for the partner's update of
// the same step, then add both blocks' spikes into its own block's inputs (its own CSR, holding
// only targets in its block). Runs in the worker (as source text, no imports) and in the caller.
const THREAD_LOOP = `(k, ctl, a, me, steps, sink) => {
  const other = 1 - me;
  let events = 0;
  let spikes = 0;
  for (let step = 0; step < steps; step++) {
    const par = step & 1;
    const mine = k.update(a.h, a.pV + 8 * a.lo[me], a.pIn + 8 * a.lo[me], a.pRef + 4 * a.lo[me], a.pRng + 64 * me,
      a.pTab, a.pCdf, a.pSpk[2 * me + par], a.lo[me], a.beta, a.vTh, a.vReset, a.refSteps, a.wIn);
    ctl[${CTL.COUNT} + 2 * par + me] = mine;
    Atomics.store(ctl, ${CTL.DONE} + me, step + 1);
    if (Atomics.load(ctl, ${CTL.SLEEP} + other) !== 0) Atomics.notify(ctl, ${CTL.DONE} + me);
    let seen = Atomics.load(ctl, ${CTL.DONE} + other);
    for (let s = 0; seen <= step && s < ${SPIN}; s++) seen = Atomics.load(ctl, ${CTL.DONE} + other);
    while (seen <= step) {
      Atomics.store(ctl, ${CTL.SLEEP} + me, 1);
      Atomics.wait(ctl, ${CTL.DONE} + other, seen, 50);
      Atomics.store(ctl, ${CTL.SLEEP} + me, 0);
      seen = Atomics.load(ctl, ${CTL.DONE} + other);
    }
    const theirs = ctl[${CTL.COUNT} + 2 * par + other];
    const c0 = me === 0 ? mine : theirs;
    const c1 = me === 0 ? theirs : mine;
    if (sink && c0 > 0) sink(step, 0, c0);
    if (sink && c1 > 0) sink(step, 1, c1);
    spikes += mine;
    events += k.propagate(c0, a.pSpk[par], a.csr[me].row, a.csr[me].tgt, a.csr[me].w, a.pIn);
    events += k.propagate(c1, a.pSpk[2 + par], a.csr[me].row, a.csr[me].tgt, a.csr[me].w, a.pIn);
  }
  return { spikes, events };
}`;

type ThreadArgs = {
  h: number;
  lo: number[];
  pV: number;
  pIn: number;
  pRef: number;
  pRng: number;
  pTab: number;
  pCdf: number;
  /** Spike lists by 2 block + parity. */
  pSpk: number[];
  csr: { row: number; tgt: number; w: number }[];
  beta: number;
  vTh: number;
  vReset: number;
  refSteps: number;
  wIn: number;
};
type ThreadLoop = (
  k: RecurrentExports,
  ctl: Int32Array,
  a: ThreadArgs,
  me: number,
  steps: number,
  sink: ((step: number, block: number, count: number) => void) | null,
) => { spikes: number; events: number };
const threadLoop = new Function(`return ${THREAD_LOOP};`)() as ThreadLoop;

const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { module, memory, control, args } = workerData;
const ctl = new Int32Array(control);
const k = new WebAssembly.Instance(module, { env: { memory } }).exports;
const loop = ${THREAD_LOOP};
Atomics.store(ctl, ${CTL.READY}, 1);
Atomics.notify(ctl, ${CTL.READY});
for (;;) {
  while (Atomics.load(ctl, ${CTL.GO}) === 0) Atomics.wait(ctl, ${CTL.GO}, 0, 1000);
  if (Atomics.load(ctl, ${CTL.GO}) < 0) break;
  const r = loop(k, ctl, args, 1, ctl[${CTL.STEPS}], null);
  ctl[${CTL.EVENTS}] = r.events;
  ctl[${CTL.SPIKES}] = r.spikes;
  Atomics.store(ctl, ${CTL.GO}, 0);
  Atomics.store(ctl, ${CTL.FINISHED}, 1);
  Atomics.notify(ctl, ${CTL.FINISHED});
}
`;

/** The synapses of `rowStart/target/weight` whose target lies in [lo, hi), as a CSR of all rows. */
function csrForTargets(
  rowStart: Int32Array,
  target: Int32Array,
  weight: Float32Array,
  lo: number,
  hi: number,
): { rowStart: Int32Array; target: Int32Array; weight: Float32Array } {
  const n = rowStart.length - 1;
  const rs = new Int32Array(n + 1);
  let count = 0;
  for (let i = 0; i < n; i++) {
    rs[i] = count;
    for (let k = rowStart[i]!; k < rowStart[i + 1]!; k++) if (target[k]! >= lo && target[k]! < hi) count++;
  }
  rs[n] = count;
  const t = new Int32Array(count);
  const w = new Float32Array(count);
  let at = 0;
  for (let k = 0; k < target.length; k++) {
    if (target[k]! >= lo && target[k]! < hi) {
      t[at] = target[k]!;
      w[at++] = weight[k]!;
    }
  }
  return { rowStart: rs, target: t, weight: w };
}

function wasmKernel(mod: WasmModule, inp: KernelInput, threads: number): RecurrentKernel {
  const api = wasmApi!;
  const { n, consts } = inp;
  const h = blockSize(n);
  const table = driveTable(consts.cdf, consts.wIn);
  const two = threads >= 2;
  // With two threads each thread pushes into its own block's targets: one CSR per target block.
  const csrs = two
    ? [
        csrForTargets(inp.rowStart, inp.target, inp.weight, 0, h),
        csrForTargets(inp.rowStart, inp.target, inp.weight, h, 2 * h),
      ]
    : [{ rowStart: inp.rowStart, target: inp.target, weight: inp.weight }];
  // Layout, 16-byte aligned: v, input (f64), refractory (i32), four spike lists (block x parity),
  // rng (2 blocks x 4 words x i32x4), table, cdf (f64), the CSRs.
  let top = 0;
  const place = (bytes: number) => {
    const at = top;
    top += Math.ceil(bytes / 16) * 16;
    return at;
  };
  const pV = place(16 * h);
  const pIn = place(16 * h);
  const pRef = place(8 * h);
  const pSpk = [place(4 * h), place(4 * h), place(4 * h), place(4 * h)];
  const pRng = place(128);
  const pTab = place(8 * table.length);
  const pCdf = place(8 * consts.cdf.length);
  const csrAt = csrs.map((c) => ({
    row: place(4 * c.rowStart.length),
    tgt: place(4 * c.target.length),
    w: place(4 * c.weight.length),
  }));
  const pages = Math.max(1, Math.ceil(top / 65536));
  const memory = new api.Memory({ initial: pages, maximum: pages, shared: true });
  const buf = memory.buffer as SharedArrayBuffer;
  const v = new Float64Array(buf, pV, 2 * h);
  if (inp.initialV) v.set(Array.from(inp.initialV).slice(0, n));
  new Int32Array(buf, pRef, 2 * h).fill(PAD_REFRACTORY, n);
  // rngLanes is lane-major (16 b + 4 L + w); the kernel wants word-major vectors (64 b + 16 w + 4 L bytes).
  const rng = new Int32Array(buf, pRng, 32);
  for (let b = 0; b < 2; b++) {
    for (let lane = 0; lane < 4; lane++) {
      for (let w = 0; w < 4; w++) rng[16 * b + 4 * w + lane] = inp.rngLanes[16 * b + 4 * lane + w]!;
    }
  }
  new Float64Array(buf, pTab, table.length).set(table);
  new Float64Array(buf, pCdf, consts.cdf.length).set(consts.cdf);
  csrs.forEach((c, i) => {
    new Int32Array(buf, csrAt[i]!.row, c.rowStart.length).set(c.rowStart);
    new Int32Array(buf, csrAt[i]!.tgt, c.target.length).set(c.target);
    new Float32Array(buf, csrAt[i]!.w, c.weight.length).set(c.weight);
  });
  const k = new api.Instance(mod, { env: { memory } }).exports as RecurrentExports;
  const { beta, vTh, vReset, refSteps, wIn } = consts;
  const lists = pSpk.map((p) => new Int32Array(buf, p, h));
  const args: ThreadArgs = {
    h,
    lo: [0, h],
    pV,
    pIn,
    pRef,
    pRng,
    pTab,
    pCdf,
    pSpk,
    csr: csrAt,
    beta,
    vTh,
    vReset,
    refSteps,
    wIn,
  };
  const membranes = () => Float64Array.from(v.subarray(0, n));

  if (!two) {
    return {
      name: 'wasm-simd',
      threads: 1,
      run(steps, sink) {
        let spikes = 0;
        let events = 0;
        const c = csrAt[0]!;
        for (let step = 0; step < steps; step++) {
          const f0 = k.update(
            h,
            pV,
            pIn,
            pRef,
            pRng,
            pTab,
            pCdf,
            pSpk[0]!,
            0,
            beta,
            vTh,
            vReset,
            refSteps,
            wIn,
          );
          const f1 = k.update(
            h,
            pV + 8 * h,
            pIn + 8 * h,
            pRef + 4 * h,
            pRng + 64,
            pTab,
            pCdf,
            pSpk[2]!,
            h,
            beta,
            vTh,
            vReset,
            refSteps,
            wIn,
          );
          spikes += f0 + f1;
          if (f0 > 0) {
            sink?.(step, lists[0]!, f0);
            events += k.propagate(f0, pSpk[0]!, c.row, c.tgt, c.w, pIn);
          }
          if (f1 > 0) {
            sink?.(step, lists[2]!, f1);
            events += k.propagate(f1, pSpk[2]!, c.row, c.tgt, c.w, pIn);
          }
        }
        return { spikes, events };
      },
      membranes,
      close: () => {},
    };
  }

  const control = new SharedArrayBuffer(4 * CTL.SIZE);
  const ctl = new Int32Array(control);
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { module: mod, memory, control, args },
  });
  worker.unref();
  // Wait for the worker here, so that its start-up is not part of a timed run.
  while (Atomics.load(ctl, CTL.READY) === 0) Atomics.wait(ctl, CTL.READY, 0, 1000);
  let closed = false;
  return {
    name: 'wasm-simd',
    threads: 2,
    run(steps, sink) {
      for (let b = 0; b < 2; b++) {
        ctl[CTL.DONE + b] = 0;
        ctl[CTL.SLEEP + b] = 0;
      }
      ctl[CTL.STEPS] = steps;
      Atomics.store(ctl, CTL.FINISHED, 0);
      Atomics.store(ctl, CTL.GO, 1);
      Atomics.notify(ctl, CTL.GO);
      const blockSink = sink
        ? (step: number, b: number, count: number) => sink(step, lists[2 * b + (step & 1)]!, count)
        : null;
      const mine = threadLoop(k, ctl, args, 0, steps, blockSink);
      while (Atomics.load(ctl, CTL.FINISHED) === 0) Atomics.wait(ctl, CTL.FINISHED, 0, 1000);
      return { spikes: mine.spikes + ctl[CTL.SPIKES]!, events: mine.events + ctl[CTL.EVENTS]! };
    },
    membranes,
    close() {
      if (closed) return;
      closed = true;
      Atomics.store(ctl, CTL.GO, -1);
      Atomics.notify(ctl, CTL.GO);
      void worker.terminate();
    },
  };
}
