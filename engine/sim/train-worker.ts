// worker_threads entry of a training job. Receives { plan } as workerData, loads the data, trains,
// and reports through WorkerMessage posts; a { type: 'cancel' } message stops it between batches.
// Bundled by esbuild to out/engine/train-worker.js; run from source through tsx.
import { parentPort, workerData } from 'node:worker_threads';
import { loadDataset } from '../data';
import { type TrainingPlan, validatePlan } from './plan';
import { type MetricPoint, train } from './train';
import type { WorkerMessage } from './worker-protocol';

const port = parentPort;
if (!port) throw new Error('train-worker must run in a worker thread');

const controller = new AbortController();
port.on('message', (msg: { type?: string }) => {
  if (msg?.type === 'cancel') controller.abort();
});
const post = (m: WorkerMessage) => port.postMessage(m);

// Metric points are coalesced and sent at most every FLUSH_MS (and before 'done'), so a short run
// with a point per batch does not flood the host and the store with tiny messages.
const FLUSH_MS = 250;
let pending: MetricPoint[] = [];
const flush = () => {
  if (pending.length === 0) return;
  post({ type: 'metrics', points: pending });
  pending = [];
};

async function run(plan: TrainingPlan): Promise<void> {
  validatePlan(plan);
  const t0 = performance.now();
  const trainSet = loadDataset(plan.dataset, 'train', plan.trainLimit, plan.seed);
  const testSet = loadDataset(plan.dataset, 'test', plan.testLimit, plan.seed);
  if (trainSet.features !== plan.inputSize || trainSet.classes > plan.classes) {
    throw new Error(
      `${trainSet.description} has ${trainSet.features} features and ${trainSet.classes} classes; ` +
        `network ${plan.network} takes ${plan.inputSize} inputs and has ${plan.classes} outputs.`,
    );
  }
  post({
    type: 'log',
    level: 'info',
    message: `loaded ${trainSet.description}: ${trainSet.count} train, ${testSet.count} test samples in ${Math.round(performance.now() - t0)} ms`,
  });
  const timer = setInterval(flush, FLUSH_MS);
  const result = await train(
    plan,
    { train: trainSet, test: testSet },
    {
      signal: controller.signal,
      onProgress: (p) => post({ type: 'progress', ...p }),
      onMetrics: (points) => pending.push(...points),
      onLog: (level, message) => post({ type: 'log', level, message }),
    },
  ).finally(() => {
    clearInterval(timer);
    flush();
  });
  post({ type: 'done', status: result.status, metrics: result.metrics, artifacts: result.artifacts });
}

run((workerData as { plan: TrainingPlan }).plan)
  .catch((err: unknown) => {
    post({ type: 'error', message: err instanceof Error ? err.message : String(err) });
  })
  .finally(() => {
    // Let the thread end once the posted messages are out; the cancel listener must not hold it.
    port.unref();
  });
