// Runs a training plan in a worker thread so the host's event loop stays free. The returned `done`
// always settles: with the worker's result, as 'cancelled', or as 'failed' with the reason when
// the worker throws, crashes or exits early; it never hangs on a dead worker.
import { type ResourceLimits, Worker } from 'node:worker_threads';
import type { TrainingPlan } from './plan';
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
}

export interface TrainingJob {
  cancel(): void;
  done: Promise<TrainingJobResult>;
}

export interface TrainingJobOptions {
  resourceLimits?: ResourceLimits;
  /** After cancel(), how long the worker may take to stop before it is terminated (ms). */
  cancelGraceMs?: number;
}

/**
 * The worker entry beside this module. The bundle (out/engine/*.js) has train-worker.js next to
 * it; from TypeScript sources (Vitest, tsx) it is the .ts file, run through tsx's loader.
 */
function workerEntry(): { url: URL; execArgv?: string[] } {
  const here = import.meta.url;
  if (here.endsWith('.ts')) return { url: new URL('./train-worker.ts', here), execArgv: ['--import', 'tsx'] };
  return { url: new URL('./train-worker.js', here) };
}

export function startTrainingJob(
  plan: TrainingPlan,
  handlers: TrainingJobHandlers = {},
  options: TrainingJobOptions = {},
): TrainingJob {
  const entry = workerEntry();
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
    worker = new Worker(entry.url, {
      workerData: { plan },
      ...(entry.execArgv ? { execArgv: entry.execArgv } : {}),
      ...(options.resourceLimits ? { resourceLimits: options.resourceLimits } : {}),
    });
  } catch (err) {
    settle({ status: 'failed', metrics, error: `cannot start the training worker: ${(err as Error).message}` });
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
        settle({ status: msg.status, metrics });
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
    else settle({ status: 'failed', metrics, error: `training worker exited with code ${code} before finishing` });
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
