// Training jobs in a worker thread: end to end, cancellation, and failures that must not hang.
import { describe, expect, it } from 'vitest';
import { mlpPlan } from '../../engine/sim/presets';
import { startTrainingJob } from '../../engine/sim/run-in-worker';
import type { MetricPoint, Progress } from '../../engine/sim/train';

describe('startTrainingJob', () => {
  it('runs a plan end to end in a worker and streams progress, metrics and logs', async () => {
    const progress: Progress[] = [];
    const points: MetricPoint[][] = [];
    const logs: string[] = [];
    const job = startTrainingJob(mlpPlan({ trainLimit: 2000, testLimit: 500, epochs: 1 }), {
      onProgress: (p) => progress.push(p),
      onMetrics: (p) => points.push(p),
      onLog: (_level, message) => logs.push(message),
    });
    const result = await job.done;
    expect(result.error).toBeUndefined();
    expect(result.status).toBe('finished');
    expect(result.metrics.test_accuracy).toBeGreaterThan(0.8);
    expect(Object.keys(result.metrics).sort()).toEqual([
      'samples_per_s',
      'test_accuracy',
      'test_loss',
      'train_accuracy',
      'train_loss',
    ]);
    // 63 batches, a train point each: the worker coalesces them into a few messages.
    expect(points.flat().filter((p) => p.key === 'train_loss').length).toBe(63);
    expect(points.length).toBeLessThan(20);
    expect(points.flat().length).toBeGreaterThan(points.length);
    expect(progress.at(-1)).toMatchObject({ phase: 'train', done: 2000, total: 2000 });
    expect(logs.some((l) => l.startsWith('loaded MNIST: 2000 train, 500 test'))).toBe(true);
  });

  it('can be cancelled while training', async () => {
    let job: ReturnType<typeof startTrainingJob> | null = null;
    let metricMessages = 0;
    job = startTrainingJob(mlpPlan({ trainLimit: 20000, batch: 1, epochs: 5 }), {
      onMetrics: () => {
        metricMessages++;
        job?.cancel();
      },
    });
    const t0 = Date.now();
    const result = await job.done;
    expect(result.status).toBe('cancelled');
    expect(metricMessages).toBeGreaterThanOrEqual(1);
    expect(result.metrics.train_loss).toBeGreaterThan(0);
    expect(Date.now() - t0).toBeLessThan(20_000);
  });

  it('reports a failing plan as failed with the reason', async () => {
    const bad = { ...mlpPlan(), epochs: 0 };
    const result = await startTrainingJob(bad).done;
    expect(result.status).toBe('failed');
    expect(result.error).toBe('epochs must be a positive integer, got 0.');
  });

  it('resolves as failed, never hangs, when the worker thread dies', async () => {
    // A heap too small for the worker to even load: it is killed with ERR_WORKER_OUT_OF_MEMORY.
    const job = startTrainingJob(
      mlpPlan({ trainLimit: 100 }),
      {},
      { resourceLimits: { maxOldGenerationSizeMb: 2 } },
    );
    const result = await job.done;
    expect(result.status).toBe('failed');
    expect(result.error).toMatch(/training worker (crashed|exited)/);
  });
});
