// Spiking experiments run in the studio: the plan from the IR of each example, the checker's
// verdict, and short runs of each example through the engine host (the RunManager the CLI uses,
// a training worker, the store) with the spike record read back over runs.spikes.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../../engine/data';
import { checkDocument } from '../../engine/dsl';
import { EngineHost } from '../../engine/host/engine';
import {
  ErrorCode,
  memoryTransportPair,
  RpcClient,
  type SpikeRecord,
  SpikeRecordSchema,
} from '../../engine/protocol';
import { train } from '../../engine/sim/train';
import { buildSnnPlan } from '../../engine/snn/plan';
import { runToEnd } from './run-helpers';

const examples = path.join(__dirname, '../../examples');
const read = (f: string) => fs.readFileSync(path.join(examples, f), 'utf8');
const model = (f: string, text = read(f)) => {
  const r = checkDocument(f, text, {});
  expect(r.hasErrors).toBe(false);
  return r;
};

describe('spiking plan from the IR', () => {
  it('loihi-three-factor: 100 -> 2,048 -> 10 loihi_cuba on 3 cores, 200 steps, tau_e 50 ms', () => {
    const { model: m } = model('loihi-three-factor.nfab');
    const plan = buildSnnPlan(m, 'spikes_3f');
    expect(plan.inputSize).toBe(100);
    expect(plan.classes).toBe(10);
    expect(plan.snn).toMatchObject({ rule: 'three_factor', timeSteps: 200, dt: 1e-3 });
    expect(plan.snn.tauE).toBeCloseTo(0.05, 12);
    // synthetic_spikes: feature 1 = 100 Hz, so 0.1 spike probability per 1 ms step.
    expect(plan.snn.encoderGain).toBeCloseTo(0.1, 12);
    expect(plan.snn.layers.map((l) => [l.name, l.kind, l.units, l.neuron?.kind, l.core?.weightBits])).toEqual(
      [
        ['h', 'spiking', 2048, 'loihi_cuba', 8],
        ['y', 'spiking', 10, 'loihi_cuba', 8],
      ],
    );
    expect(plan.snn.cores.populations.map((p) => p.cores)).toEqual([2, 1]);
    expect(plan.snn.cores.tiles).toEqual([{ tile: 'core', used: 3, available: 128 }]);
    expect(plan.batch).toBe(1);
    expect(plan.optimizer).toMatchObject({ kind: 'sgd', lr: 0.01 });
  });

  it('eprop-recurrent-snn: 100 -> recurrent 200 lif -> dense 10, 100 steps, Adam', () => {
    const { model: m } = model('eprop-recurrent-snn.nfab');
    const plan = buildSnnPlan(m, 'spikes_eprop', { trainLimit: 10 });
    expect(plan.snn).toMatchObject({ rule: 'eprop', timeSteps: 100, surrogate: 'triangle' });
    expect(plan.snn.layers.map((l) => [l.name, l.kind, l.units, l.recurrent])).toEqual([
      ['h', 'spiking', 200, true],
      ['y', 'dense', 10, false],
    ]);
    // h: fan-in 100 + 200 recurrent = 300.
    expect(plan.snn.cores.populations[0]).toMatchObject({ fanIn: 300, cores: 1 });
    expect(plan.trainLimit).toBe(10);
    expect(plan.optimizer).toMatchObject({ kind: 'adam', lr: 0.001 });
  });

  it('snn-mnist-bptt: 784 -> 256 lif -> dense 10, 25 steps, fast sigmoid, pixels as probabilities', () => {
    const { model: m } = model('snn-mnist-bptt.nfab');
    const plan = buildSnnPlan(m, 'mnist_bptt');
    expect(plan.inputSize).toBe(784);
    expect(plan.snn).toMatchObject({
      rule: 'surrogate_bptt',
      timeSteps: 25,
      surrogate: 'fast_sigmoid',
      encoderGain: 1,
    });
    expect(plan.snn.layers.map((l) => l.units)).toEqual([256, 10]);
  });
});

describe('spiking runs are reproducible', () => {
  it('the same seed gives the same metrics and the same spike record, bit for bit', async () => {
    const { model: m } = model('loihi-three-factor.nfab');
    const plan = buildSnnPlan(m, 'spikes_3f', { trainLimit: 30, testLimit: 20, epochs: 1 });
    const data = {
      train: loadDataset(plan.dataset, 'train', plan.trainLimit, plan.seed),
      test: loadDataset(plan.dataset, 'test', plan.testLimit, plan.seed),
    };
    const a = await train(plan, data);
    const b = await train(plan, data);
    const { samples_per_s: _a, ...ma } = a.metrics;
    const { samples_per_s: _b, ...mb } = b.metrics;
    expect(ma).toEqual(mb);
    expect(a.artifacts.map((x) => x.content)).toEqual(b.artifacts.map((x) => x.content));
    expect(a.artifacts[0]?.name).toBe('spikes');
  });
});

describe('checker verdict on spiking experiments', () => {
  it('the spiking examples check as runnable (no "cannot run yet")', () => {
    for (const f of ['loihi-three-factor.nfab', 'eprop-recurrent-snn.nfab', 'snn-mnist-bptt.nfab']) {
      const r = model(f);
      expect(r.diagnostics.filter((d) => d.code === 'not-runnable')).toEqual([]);
      expect(r.model.experiments.every((e) => e.runnable)).toBe(true);
    }
  });

  it('stdp alone is not runnable, and says why', () => {
    const text = read('loihi-three-factor.nfab').replace('rule = three_factor', 'rule = stdp');
    const r = model('x.nfab', text);
    const w = r.diagnostics.find((d) => d.code === 'not-runnable');
    expect(w?.message).toContain("rule 'stdp' alone is unsupervised");
  });

  it('a population too large for the chip is a core-limits warning', () => {
    const text = read('loihi-three-factor.nfab').replace('synapses = 131072', 'synapses = 2000');
    const r = model('x.nfab', text);
    expect(r.diagnostics.map((d) => d.message)).toContain(
      'core limits: layer y on core: one neuron needs 2,048 synapses, more than the 2,000 a core holds',
    );
  });
});

describe('spiking runs through the engine host', () => {
  let project: string;
  let host: EngineHost;
  let client: RpcClient;
  const logs: string[] = [];

  beforeAll(() => {
    project = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'nf-snn-')));
    for (const f of ['loihi-three-factor.nfab', 'eprop-recurrent-snn.nfab', 'snn-mnist-bptt.nfab'])
      fs.copyFileSync(path.join(examples, f), path.join(project, f));
    host = new EngineHost();
    const [a, b] = memoryTransportPair();
    host.server.attach(b);
    client = new RpcClient(a);
    client.on('run.log', (e) => logs.push(e.message));
  });

  afterAll(() => {
    client?.close();
    host?.close();
  });

  async function runExample(file: string, trainLimit: number, testLimit: number) {
    await client.call('project.open', { root: project });
    const { runId, outcome } = await runToEnd(client, {
      path: file,
      overrides: { trainLimit, testLimit, epochs: 1 },
      sweep: 'base',
    });
    expect(outcome).toBe('finished');
    const run = await client.call('runs.get', { runId });
    const spikes = await client.call('runs.spikes', { runId });
    return { runId, run, spikes };
  }

  function expectRecord(record: SpikeRecord | null, runId: string, layers: string[], steps: number) {
    expect(record).not.toBeNull();
    const r = SpikeRecordSchema.parse(record);
    expect(r.runId).toBe(runId);
    expect(r.steps).toBe(steps);
    expect(r.layers.map((l) => l.name)).toEqual(layers);
    for (const l of [r.input, ...r.layers]) {
      expect(l.times.length).toBe(l.ids.length);
      for (let i = 1; i < l.times.length; i++) expect(l.times[i]).toBeGreaterThanOrEqual(l.times[i - 1]!);
      for (const id of l.ids) expect(id).toBeLessThan(l.neurons);
      for (const tr of l.traces) expect(tr.length).toBe(steps);
    }
    expect(r.input.times.length).toBeGreaterThan(0);
    expect(r.layers[0]!.times.length).toBeGreaterThan(0);
    expect(r.layers[0]!.traceNeurons.length).toBe(8);
    return r;
  }

  const metric = (run: { metricHistory: { key: string; value: number }[] }, key: string) =>
    run.metricHistory.filter((p) => p.key === key).at(-1)?.value;

  it('eprop-recurrent-snn learns above chance and records its rasters', async () => {
    const { runId, run, spikes } = await runExample('eprop-recurrent-snn.nfab', 150, 100);
    // Measured (seed 7): 27% of 100 test samples after 150 training samples; chance is 10%.
    expect(metric(run, 'test_accuracy')).toBeGreaterThan(0.2);
    expect(metric(run, 'spikes_per_sample.h.core0')).toBeGreaterThan(0);
    expectRecord(spikes, runId, ['h'], 100);
  }, 60_000);

  it('loihi-three-factor learns above chance on Loihi-deployed 8-bit weights and records both layers', async () => {
    const { runId, run, spikes } = await runExample('loihi-three-factor.nfab', 150, 100);
    // Measured (seed 7): 80% of 100 test samples after 150 training samples (chance 10%).
    expect(metric(run, 'test_accuracy')).toBeGreaterThan(0.5);
    expect(logs.some((l) => l.includes('deployed as 8-bit integers on loihiStep'))).toBe(true);
    expect(logs.some((l) => l.includes("cores: h: 2,048 neurons on 2 core(s) of tile 'core'"))).toBe(true);
    // Per-core spike counts of both of h's cores, and the synaptic events.
    expect(metric(run, 'spikes_per_sample.h.core1')).toBeGreaterThan(0);
    expect(metric(run, 'synops_per_sample')).toBeGreaterThan(0);
    const r = expectRecord(spikes, runId, ['h', 'y'], 200);
    expect(r.layers.map((l) => l.neuronsPerCore)).toEqual([1024, 10]);
  }, 60_000);

  it('snn-mnist-bptt learns MNIST above chance', async () => {
    const { runId, run, spikes } = await runExample('snn-mnist-bptt.nfab', 1000, 300);
    expect(metric(run, 'test_accuracy')).toBeGreaterThan(0.5);
    expectRecord(spikes, runId, ['h'], 25);
  }, 60_000);

  it('runs.spikes: NOT_FOUND for an unknown run, null for a run without a record', async () => {
    await expect(client.call('runs.spikes', { runId: 'nope' })).rejects.toMatchObject({
      code: ErrorCode.NotFound,
    });
    const store = host.openProject(project).store;
    const runId = store.createRun({
      experiment: 'analog',
      sourceFile: 'x.nfab',
      seed: 0,
      engineVersion: 'test',
      params: {},
      dslSnapshot: '',
    });
    expect(await client.call('runs.spikes', { runId })).toBeNull();
  });
});
