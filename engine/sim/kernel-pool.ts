// Worker threads that share the kernel memory and module, so one GEMM can run on both cores.
// A GEMM is split into disjoint column blocks of C (multiples of 8, the micro-kernel's width); each
// element of C is summed in the same order whichever thread computes it, so results are
// bit-identical for every thread count.
//
// Wake-up is Atomics-based, not postMessage (≈50 µs a round trip, as long as a batch-32 GEMM):
// the caller writes the jobs into a small shared control block, bumps a generation counter and
// notifies; workers spin briefly on the counter after each job (consecutive GEMMs of a training
// step follow within microseconds) and then sleep in Atomics.wait. The workers are unref'd, wait
// with a timeout and check a quit flag, so they never keep a process alive and shut down cleanly.
import { Worker } from 'node:worker_threads';
import { MAX_THREADS, type WasmRuntime } from './wasm/runtime';

/** Control block layout (Int32 slots). */
const GEN = 0;
const PENDING = 1;
const QUIT = 2;
const READY = 4; // READY + w: worker w has instantiated the module
const JOBS = 16; // JOBS + JOB_INTS·w: worker w's job
const JOB_INTS = 16;

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

// The worker body: no imports beyond worker_threads, so it runs as an eval'd script both from the
// esbuild bundle and from TypeScript sources (no separate entry file to resolve or bundle).
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { module, memory, control, index, scratch, spin } = workerData;
const ctl = new Int32Array(control);
const core = new WebAssembly.Instance(module, { env: { memory } }).exports.gemm_core;
let seen = Atomics.load(ctl, ${GEN});
Atomics.store(ctl, ${READY} + index, 1);
for (;;) {
  let gen = Atomics.load(ctl, ${GEN});
  for (let s = 0; gen === seen && s < spin; s++) gen = Atomics.load(ctl, ${GEN});
  while (gen === seen) {
    if (Atomics.load(ctl, ${QUIT})) break;
    Atomics.wait(ctl, ${GEN}, seen, 200);
    gen = Atomics.load(ctl, ${GEN});
  }
  if (Atomics.load(ctl, ${QUIT})) break;
  seen = gen;
  const j = ${JOBS} + ${JOB_INTS} * index;
  if (ctl[j] > 0) {
    core(ctl[j], ctl[j + 1], ctl[j + 2], ctl[j + 3], ctl[j + 4], ctl[j + 5], ctl[j + 6], ctl[j + 7],
      ctl[j + 8], ctl[j + 9], ctl[j + 10], ctl[j + 11], scratch);
    ctl[j] = 0;
    if (Atomics.sub(ctl, ${PENDING}, 1) === 1) Atomics.notify(ctl, ${PENDING});
  }
}
`;

/** Spin iterations before sleeping: about 20–50 µs of polling on this machine kind. */
const WORKER_SPIN = 20_000;

export class KernelPool {
  readonly threads: number;
  private readonly ctl: Int32Array;
  private readonly workers: Worker[] = [];
  private closed = false;

  constructor(
    private readonly rt: WasmRuntime,
    threads: number,
  ) {
    this.threads = Math.max(1, Math.min(threads, MAX_THREADS));
    this.ctl = new Int32Array(new SharedArrayBuffer(4 * (JOBS + JOB_INTS * MAX_THREADS)));
    for (let w = 0; w + 1 < this.threads; w++) {
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: {
          module: rt.module,
          memory: rt.memory,
          control: this.ctl.buffer,
          index: w,
          scratch: rt.scratch(w + 1),
          spin: WORKER_SPIN,
        },
      });
      worker.unref();
      // A worker that fails to start only means fewer threads: it never reports READY.
      worker.on('error', () => {});
      this.workers.push(worker);
    }
  }

  /** Workers that have started and can take a share of the next GEMM. */
  private readyWorkers(): number {
    let n = 0;
    while (n < this.workers.length && Atomics.load(this.ctl, READY + n) === 1) n++;
    return n;
  }

  /**
   * Runs gemm_core on C's columns split into `parts` blocks, this thread taking the first.
   * `parts` is min(threads ready, N/8 blocks); the split never changes the numbers.
   */
  run(job: CoreJob): void {
    const ex = this.rt.exports;
    const blocks = Math.ceil(job.N / 8);
    const wanted = this.closed ? 1 : Math.min(1 + this.readyWorkers(), blocks);
    const per = Math.ceil(blocks / wanted);
    const parts = Math.ceil(blocks / per);
    if (parts <= 1) {
      ex.gemm_core(
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
        this.rt.scratch(0),
      );
      return;
    }
    const ctl = this.ctl;
    const widthOf = (p: number) => Math.max(0, Math.min(job.N, (p + 1) * per * 8) - p * per * 8);
    for (let p = 1; p < parts; p++) {
      const j0 = p * per * 8;
      const base = JOBS + JOB_INTS * (p - 1);
      ctl[base + 1] = widthOf(p);
      ctl[base + 2] = job.K;
      ctl[base + 3] = job.a;
      ctl[base + 4] = job.sar;
      ctl[base + 5] = job.saq;
      ctl[base + 6] = job.b + j0 * job.sj;
      ctl[base + 7] = job.sq;
      ctl[base + 8] = job.sj;
      ctl[base + 9] = job.c + 4 * j0;
      ctl[base + 10] = job.ldc;
      ctl[base + 11] = job.acc;
      ctl[base] = ctl[base + 1]! > 0 ? job.M : 0;
    }
    // Only the workers given a job (all READY, so already watching the counter) count down.
    const started = parts - 1;
    for (let w = started; w < this.workers.length; w++) ctl[JOBS + JOB_INTS * w] = 0;
    Atomics.store(ctl, PENDING, started);
    Atomics.add(ctl, GEN, 1);
    Atomics.notify(ctl, GEN);
    ex.gemm_core(
      job.M,
      widthOf(0),
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
      this.rt.scratch(0),
    );
    this.awaitWorkers(started);
  }

  private awaitWorkers(started: number): void {
    const ctl = this.ctl;
    let left = Atomics.load(ctl, PENDING);
    // Spin about as long as the workers do (the halves usually finish together), then sleep: on
    // a busy machine a long spin would take CPU from the very worker being waited for.
    for (let s = 0; left !== 0 && s < WORKER_SPIN; s++) left = Atomics.load(ctl, PENDING);
    const deadline = Date.now() + 10_000;
    while (left !== 0) {
      // A worker that was READY but is not answering has died: stop using the pool (the numbers
      // would be wrong if we returned early, so fail loudly instead).
      if (Date.now() > deadline) {
        this.close();
        throw new Error(`kernel pool: ${left} of ${started} worker(s) did not finish a GEMM within 10 s`);
      }
      Atomics.wait(ctl, PENDING, left, 100);
      left = Atomics.load(ctl, PENDING);
    }
  }

  /** Stops the workers (they exit within their 200 ms wait); later GEMMs run on this thread. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    Atomics.store(this.ctl, QUIT, 1);
    Atomics.notify(this.ctl, GEN);
    for (const w of this.workers) void w.terminate();
  }
}
