// A finished run records its energy estimate (artifact 'energy', metric energy_per_classification);
// a spiking run's estimate counts from its recorded spikes. And energy.estimate over the host RPC.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineHost } from '../../engine/host/engine';
import { ENERGY_ARTIFACT } from '../../engine/host/runs';
import { EnergyReportSchema, ErrorCode, memoryTransportPair, RpcClient } from '../../engine/protocol';
import { runToEnd } from './run-helpers';

const examples = path.join(__dirname, '../../examples');

describe('energy through the engine host', () => {
  let project: string;
  let host: EngineHost;
  let client: RpcClient;

  beforeAll(async () => {
    project = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'nf-energy-')));
    fs.cpSync(examples, project, { recursive: true, filter: (s) => !s.includes('.neurofab') });
    host = new EngineHost();
    const [a, b] = memoryTransportPair();
    host.server.attach(b);
    client = new RpcClient(a);
    await client.call('project.open', { root: project });
  });

  afterAll(() => {
    client?.close();
    host?.close();
  });

  it('energy.estimate: the report, DSL_ERRORS for a broken file, NOT_FOUND for an unknown network', async () => {
    const r = await client.call('energy.estimate', { path: 'rf-spintronic-mlp.nfab' });
    expect(r.energyPerClassification).toBeCloseTo(101_632 * 10e-15 + (784 + 138) * 100e-15, 20);
    await expect(client.call('energy.estimate', { path: 'x.nfab', text: 'chip {' })).rejects.toMatchObject({
      code: ErrorCode.DslErrors,
    });
    await expect(
      client.call('energy.estimate', { path: 'rf-spintronic-mlp.nfab', network: 'nope' }),
    ).rejects.toMatchObject({ code: ErrorCode.NotFound });
  });

  it('a finished spiking run stores its estimate from the recorded spike counts', async () => {
    const { runId, outcome } = await runToEnd(client, {
      path: 'snn-mnist-bptt.nfab',
      overrides: { trainLimit: 64, testLimit: 32, epochs: 1 },
      sweep: 'base',
    });
    expect(outcome).toBe('finished');
    const run = await client.call('runs.get', { runId });
    const metric = (key: string) => run.metricHistory.filter((p) => p.key === key).at(-1)?.value;
    const a = host.openProject(project).store.getArtifact(runId, ENERGY_ARTIFACT)!;
    expect(a.mediaType).toBe('application/json');
    const report = EnergyReportSchema.parse(JSON.parse(a.content.toString()));
    expect(report.counts).toBe('recorded');
    expect(metric('energy_per_classification')).toBe(report.energyPerClassification);
    // y's synaptic ops are h's recorded spikes times y's 10 units.
    const ySynops = report.terms.find((t) => t.layer === 'y' && t.component === 'synapse')?.count ?? 0;
    expect(ySynops).toBeCloseTo(metric('spikes_per_sample.h')! * 10, 6);
    expect(metric('spikes_per_sample.h')).toBeGreaterThan(0);
  }, 120_000);
});
