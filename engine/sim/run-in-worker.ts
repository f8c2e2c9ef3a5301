// Runs a training plan in a worker thread so the host's event loop stays free. The returned `done`
// always settles: with the worker's result, as 'cancelled', or as 'failed' with the reason when
// the worker throws, crashes or exits early; it never hangs on a dead worker.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { type ResourceLimits, Worker } from 'node:worker_threads';
import type { TrainingPlan } from './plan';
import type { LearnerArtifact } from './rules/types';
import type { LogLevel, MetricPoint, Progress } from './train';
import type { HostMessage, WorkerMessage } from './worker-protocol';

export interface TrainingJobHandlers {
  onProgress?(p: Progress): void;
  onMetrics?(points: MetricPoint[]): void;
  onLog?(level: LogLevel, message: string): void;
}

export interface TrainingJobResult {
  status: 'finished' | 'cancelled' | 'failed';
  /** Last value of each metric reported (also on cancel or failure: what was reached). */
  metrics: Record<string, number>;
  error?: string;
  /** Files the learner made after training (a spiking run's spike recording). */
  artifacts?: LearnerArtifact[];
}

export interface TrainingJob {
  cancel(): void;
  done: Promise<TrainingJobResult>;
}

export interface TrainingJobOptions {
  resourceLimits?: ResourceLimits;
  /**
   * GEMM threads of this job's kernels (NEUROFAB_KERNEL_THREADS in the worker); absent = the
   * kernels' default. Parallel jobs (a sweep) set 1, so jobs × threads does not exceed the cores.
   */
  kernelThreads?: number;
  /** After cancel(), how long the worker may take to stop before it is terminated (ms). */
  cancelGraceMs?: number;
}

/**
 * How to start the worker. The bundle (out/engine/*.js) has train-worker.js beside it. From
 * TypeScript sources (Vitest, tsx) the entry is train-worker.ts, run through tsx: a tiny eval'd
 * bootstrap registers tsx's ESM hooks in the worker, then imports the entry. (`execArgv:
 * ['--import', 'tsx']` does not work here: on Node 20 the worker resolves its .ts entry before
 * the hooks are active and fails with "Unknown file extension .ts".)
 */
function workerSpec(): { entry: URL | string; eval: boolean } {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return { entry: new URL('./train-worker.js', here), eval: false };
  const entry = new URL('./train-worker.ts', here).href;
  const tsxApi = pathToFileURL(
    createRequire(here)
      .resolve('tsx/esm/api')
      .replace(/\.cjs$/, '.mjs'),
  ).href;
  const code = `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  return { entry: code, eval: true };
}

export function startTrainingJob(
  plan: TrainingPlan,
  handlers: TrainingJobHandlers = {},
  options: TrainingJobOptions = {},
): TrainingJob {
  const spec = workerSpec();
  const metrics: Record<string, number> = {};
  let settle!: (r: TrainingJobResult) => void;
  let settled = false;
  let cancelRequested = false;
  let killTimer: NodeJS.Timeout | null = null;
  const done = new Promise<TrainingJobResult>((resolve) => {
    settle = (r) => {
      if (settled) return;
      settled = true;
      if (killTimer) clearTimeout(killTimer);
      resolve(r);
    };
  });

  let worker: Worker;
  try {
    worker = new Worker(spec.entry, {
      eval: spec.eval,
      workerData: { plan },
      ...(options.resourceLimits ? { resourceLimits: options.resourceLimits } : {}),
      ...(options.kernelThreads
        ? { env: { ...process.env, NEUROFAB_KERNEL_THREADS: String(options.kernelThreads) } }
        : {}),
    });
  } catch (err) {
    settle({
      status: 'failed',
      metrics,
      error: `cannot start the training worker: ${(err as Error).message}`,
    });
    return { cancel() {}, done };
  }

  // Handlers are user code: a throw there must not take the job down with it.
  const safely = (f: () => void) => {
    try {
      f();
    } catch (err) {
      console.error('training job handler failed:', err);
    }
  };

  worker.on('message', (msg: WorkerMessage) => {
    switch (msg.type) {
      case 'progress': {
        const { type: _t, ...p } = msg;
        safely(() => handlers.onProgress?.(p));
        break;
      }
      case 'metrics':
        for (const pt of msg.points) metrics[pt.key] = pt.value;
        safely(() => handlers.onMetrics?.(msg.points));
        break;
      case 'log':
        safely(() => handlers.onLog?.(msg.level, msg.message));
        break;
      case 'done':
        Object.assign(metrics, msg.metrics);
        settle({ status: msg.status, metrics, ...(msg.artifacts ? { artifacts: msg.artifacts } : {}) });
        break;
      case 'error':
        settle({ status: 'failed', metrics, error: msg.message });
        break;
    }
  });
  worker.on('error', (err) => {
    settle({ status: 'failed', metrics, error: `training worker crashed: ${err.message}` });
  });
  worker.on('exit', (code) => {
    if (cancelRequested) settle({ status: 'cancelled', metrics });
    else
      settle({
        status: 'failed',
        metrics,
        error: `training worker exited with code ${code} before finishing`,
      });
  });

  return {
    cancel() {
      if (settled || cancelRequested) return;
      cancelRequested = true;
      worker.postMessage({ type: 'cancel' } satisfies HostMessage);
      killTimer = setTimeout(() => void worker.terminate(), options.cancelGraceMs ?? 5000);
    },
    done,
  };
}
