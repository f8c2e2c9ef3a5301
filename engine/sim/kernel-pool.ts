// Worker threads that share the kernel memory and module, so one GEMM can run on both cores.
// A GEMM is cut into disjoint column chunks of C (multiples of 8, the micro-kernel's width) that
// the calling thread and the workers claim one at a time; each element of C is summed in the same
// order whichever thread computes it, so results are bit-identical for every thread count and
// every claiming order.
//
// Claiming, not a fixed split: on a busy machine a worker may not get a core for a while; the
// caller then takes its chunks, so the pool is never much slower than one thread.
//
// Wake-up is Atomics-based, not postMessage (≈50 µs a round trip, as long as a batch-32 GEMM):
// the caller writes the job into a small shared control block, publishes it by setting the claim
// counter to (generation, chunk 0) and notifies; workers spin briefly after each job (the GEMMs
// of a training step follow within microseconds) and then sleep in Atomics.wait. The workers are
// unref'd, wait with a timeout and check a quit flag, so they never keep a process alive.
import { Worker } from 'node:worker_threads';
import type { NoisyProgramJob } from './kernels';
import { MAX_THREADS, type WasmRuntime } from './wasm/runtime';

/** Control block layout (Int32 slots). */
const CLAIM = 0; // (generation << 16) | next unclaimed chunk
const DONE = 1; // chunks finished in this generation
const QUIT = 2;
const READY = 4; // READY + w: worker w has instantiated the module
const JOB = 16; // the job: its arguments (12 for gemm_core), then chunk width, chunk count, kind
const CTL_INTS = 32;
const KIND_GEMM = 0;
const KIND_PROGRAM = 1;

/**
 * One program_diff_noisy over n weights (see kernels.wat), with the byte offset of the per-chunk
 * generator states (64 bytes each) instead of one state.
 */
export type ProgramJob = Omit<NoisyProgramJob, 'state'> & { states: number };

/** One gemm_core call (see kernels.wat), byte offsets and strides. */
export interface CoreJob {
  M: number;
  N: number;
  K: number;
  a: number;
  sar: number;
  saq: number;
  b: number;
  sq: number;
  sj: number;
  c: number;
  ldc: number;
  acc: number;
}

// Claims and runs chunks of the current generation until none is left. Shared by the workers
// (as source text) and the caller, so both follow exactly the same protocol. A chunk is claimed
// with a compare-and-swap on (generation, index): a worker that wakes late cannot take a chunk of
// a newer job with an older job's parameters, and the job's parameters are read only after a
// successful claim (the caller cannot move on while a claimed chunk is unfinished).
const CLAIM_LOOP = `(ctl, f32, ex, scratch, gen) => {
  for (;;) {
    const v = Atomics.load(ctl, ${CLAIM});
    if ((v >>> 16) !== gen) return;
    const i = v & 0xffff;
    if (i >= ctl[${JOB} + 13]) return;
    if (Atomics.compareExchange(ctl, ${CLAIM}, v, v + 1) !== v) continue;
    const w = ctl[${JOB} + 12];
    const j0 = i * w;
    if (ctl[${JOB} + 14] === ${KIND_PROGRAM}) {
      ex.program_diff_noisy(ctl[${JOB}] + 4 * j0, ctl[${JOB} + 1] + 2 * j0, ctl[${JOB} + 2] + 4 * j0,
        Math.min(ctl[${JOB} + 3] - j0, w), f32[${JOB} + 5], f32[${JOB} + 6], f32[${JOB} + 7],
        f32[${JOB} + 8], ctl[${JOB} + 4], ctl[${JOB} + 9] + 64 * i, f32[${JOB} + 10], scratch);
    } else {
      const width = Math.min(ctl[${JOB} + 1] - j0, w);
      ex.gemm_core(ctl[${JOB}], width, ctl[${JOB} + 2], ctl[${JOB} + 3], ctl[${JOB} + 4], ctl[${JOB} + 5],
        ctl[${JOB} + 6] + j0 * ctl[${JOB} + 8], ctl[${JOB} + 7], ctl[${JOB} + 8],
        ctl[${JOB} + 9] + 4 * j0, ctl[${JOB} + 10], ctl[${JOB} + 11], scratch);
    }
    if (Atomics.add(ctl, ${DONE}, 1) + 1 === ctl[${JOB} + 13]) Atomics.notify(ctl, ${DONE});
  }
}`;

type ClaimLoop = (
  ctl: Int32Array,
  f32: Float32Array,
  ex: WasmRuntime['exports'],
  scratch: number,
  gen: number,
) => void;
// The same source text runs in the workers; compiling it here too keeps one definition.
const claimChunks = new Function(`return ${CLAIM_LOOP};`)() as ClaimLoop;

// The worker body: no imports beyond worker_threads, so it runs as an eval'd script both from the
// esbuild bundle and from TypeScript sources (no separate entry file to resolve or bundle).
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { module, memory, control, index, scratch, spin } = workerData;
const ctl = new Int32Array(control);
const f32 = new Float32Array(control);
const ex = new WebAssembly.Instance(module, { env: { memory } }).exports;
const claim = ${CLAIM_LOOP};
let seen = Atomics.load(ctl, ${CLAIM});
Atomics.store(ctl, ${READY} + index, 1);
for (;;) {
  let v = Atomics.load(ctl, ${CLAIM});
  for (let s = 0; v === seen && s < spin; s++) v = Atomics.load(ctl, ${CLAIM});
  while (v === seen) {
    if (Atomics.load(ctl, ${QUIT})) break;
    Atomics.wait(ctl, ${CLAIM}, seen, 200);
    v = Atomics.load(ctl, ${CLAIM});
  }
  if (Atomics.load(ctl, ${QUIT})) break;
  claim(ctl, f32, ex, scratch, v >>> 16);
  seen = Atomics.load(ctl, ${CLAIM});
}
`;

/** Spin iterations before sleeping: about 20–50 µs of polling on this machine kind. */
const WORKER_SPIN = 20_000;
/** Chunks per thread: enough to rebalance when a thread is slowed down, few enough to stay cheap. */
const CHUNKS_PER_THREAD = 4;
/** Narrowest chunk (columns): the packing of A' is repeated per chunk, so keep it amortised. */
const MIN_CHUNK = 32;

export class KernelPool {
  readonly threads: number;
  private readonly ctl: Int32Array;
  /** The control block's float view (a program job's f32 arguments). */
  private readonly ctlF32: Float32Array;
  private readonly workers: Worker[] = [];
  private closed = false;
  private gen = 0;

  constructor(
    private readonly rt: WasmRuntime,
    threads: number,
  ) {
    this.threads = Math.max(1, Math.min(threads, MAX_THREADS));
    this.ctl = new Int32Array(new SharedArrayBuffer(4 * CTL_INTS));
    this.ctlF32 = new Float32Array(this.ctl.buffer);
    for (let w = 0; w + 1 < this.threads; w++) {
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: {
          module: this.rt.module,
          memory: this.rt.memory,
          control: this.ctl.buffer,
          index: w,
          scratch: this.rt.scratch(w + 1),
          spin: WORKER_SPIN,
        },
      });
      worker.unref();
      // A worker that fails to start only means fewer helpers: it never claims a chunk.
      worker.on('error', () => {});
      this.workers.push(worker);
    }
  }

  /** Runs gemm_core over C's columns, in chunks claimed by this thread and the workers. */
  run(job: CoreJob): void {
    const ex = this.rt.exports;
    const core = ex.gemm_core as (...args: number[]) => void;
    const scratch = this.rt.scratch(0);
    const width = Math.max(MIN_CHUNK, 8 * Math.ceil(job.N / (8 * CHUNKS_PER_THREAD * this.threads)));
    const chunks = Math.ceil(job.N / width);
    if (this.closed || chunks <= 1) {
      core(
        job.M,
        job.N,
        job.K,
        job.a,
        job.sar,
        job.saq,
        job.b,
        job.sq,
        job.sj,
        job.c,
        job.ldc,
        job.acc,
        scratch,
      );
      return;
    }
    const ctl = this.ctl;
    const args = [
      job.M,
      job.N,
      job.K,
      job.a,
      job.sar,
      job.saq,
      job.b,
      job.sq,
      job.sj,
      job.c,
      job.ldc,
      job.acc,
    ];
    for (let i = 0; i < args.length; i++) ctl[JOB + i] = args[i]!;
    ctl[JOB + 14] = KIND_GEMM;
    this.publish(width, chunks);
  }

  /**
   * Runs program_diff_noisy over the weights in chunks of `chunk` weights claimed by this thread
   * and the workers; chunk i starts from the generator state at job.states + 64·i (KernelPool's
   * caller jumps the lanes there), so the draws are those of one call over all the weights.
   */
  runProgram(job: ProgramJob, chunk: number): void {
    const chunks = Math.ceil(job.n / chunk);
    const ctl = this.ctl;
    const f = this.ctlF32;
    ctl[JOB] = job.w;
    ctl[JOB + 1] = job.stuck;
    ctl[JOB + 2] = job.out;
    ctl[JOB + 3] = job.n;
    ctl[JOB + 4] = job.flags;
    f[JOB + 5] = job.inv;
    f[JOB + 6] = job.wMax;
    f[JOB + 7] = job.steps;
    f[JOB + 8] = job.invSteps;
    ctl[JOB + 9] = job.states;
    f[JOB + 10] = job.std;
    ctl[JOB + 14] = KIND_PROGRAM;
    // A closed pool has no workers: publish() then runs every chunk on this thread.
    this.publish(chunk, chunks);
  }

  /** Releases the job written at JOB to the workers, claims chunks here too, and waits for all. */
  private publish(width: number, chunks: number): void {
    const ctl = this.ctl;
    ctl[JOB + 12] = width;
    ctl[JOB + 13] = chunks;
    Atomics.store(ctl, DONE, 0);
    this.gen = (this.gen + 1) & 0x7fff;
    // Publishing the claim counter releases the job (every write above happens before it).
    Atomics.store(ctl, CLAIM, this.gen << 16);
    Atomics.notify(ctl, CLAIM);
    claimChunks(ctl, this.ctlF32, this.rt.exports, this.rt.scratch(0), this.gen);
    this.awaitChunks(chunks);
  }

  /** Waits until the chunks claimed by workers are finished (all are claimed by now). */
  private awaitChunks(chunks: number): void {
    const ctl = this.ctl;
    let done = Atomics.load(ctl, DONE);
    // Spin about as long as the workers do, then sleep: on a busy machine a long spin would take
    // CPU from the very worker being waited for.
    for (let s = 0; done !== chunks && s < WORKER_SPIN; s++) done = Atomics.load(ctl, DONE);
    const deadline = Date.now() + 10_000;
    while (done !== chunks) {
      // A worker that claimed a chunk and never finished it has died: fail loudly rather than
      // return a half-computed C, and stop using the pool.
      if (Date.now() > deadline) {
        this.close();
        throw new Error(`kernel pool: ${chunks - done} chunk(s) of a GEMM unfinished after 10 s`);
      }
      Atomics.wait(ctl, DONE, done, 100);
      done = Atomics.load(ctl, DONE);
    }
  }

  /** Stops the workers (they exit within their 200 ms wait); later GEMMs run on this thread. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    Atomics.store(this.ctl, QUIT, 1);
    Atomics.notify(this.ctl, CLAIM);
    for (const w of this.workers) void w.terminate();
  }
}
