// The engine host end to end over its real WebSocket transport: open a project, check a file,
// train a small run on real MNIST, cancel another, and find both recorded in the store.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type RunningServer, startServer } from '../../engine/cli/serve';
import { webSocketTransport } from '../../engine/host/transports';
import { type EventPayload, RpcClient } from '../../engine/protocol';

const examples = path.join(__dirname, '../../examples');

describe('engine host over WebSocket', () => {
  let server: RunningServer;
  let client: RpcClient;
  let project: string;

  beforeAll(async () => {
    project = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'nf-host-')));
    fs.cpSync(examples, project, { recursive: true, filter: (src) => !src.includes('.neurofab') });
    const ui = fs.mkdtempSync(path.join(os.tmpdir(), 'nf-ui-'));
    fs.writeFileSync(path.join(ui, 'index.html'), '<!doctype html>');
    server = await startServer({ projectDir: project, port: 0, rendererDir: ui });
    const ws = await new Promise<WebSocket>((resolve, reject) => {
      const socket = new WebSocket(`ws://127.0.0.1:${server.port}/rpc?token=${server.token}`);
      socket.on('open', () => resolve(socket));
      socket.on('error', reject);
    });
    client = new RpcClient(webSocketTransport(ws));
  });

  afterAll(async () => {
    client?.close();
    await server?.close();
  });

  function waitForStatus(runId: string, statuses: string[]): Promise<EventPayload<'run.status'>> {
    return new Promise((resolve) => {
      const off = client.on('run.status', (e) => {
        if (e.runId === runId && statuses.includes(e.status)) {
          off();
          resolve(e);
        }
      });
    });
  }

  it('opens the project and lists its sources', async () => {
    const info = await client.call('project.current', {});
    expect(info?.root).toBe(project);
    expect(info?.files.map((f) => f.path)).toContain('quickstart.nfab');
  });

  it('reports DSL diagnostics with ranges, and the experiments of a clean file', async () => {
    const { text } = await client.call('file.read', { path: 'quickstart.nfab' });
    const clean = await client.call('dsl.check', { path: 'quickstart.nfab', text });
    expect(clean.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(clean.experiments.length).toBeGreaterThan(0);
    const broken = await client.call('dsl.check', {
      path: 'quickstart.nfab',
      text: `${text}\nchip x { tile t : nonsense }\n`,
    });
    const errors = broken.diagnostics.filter((d) => d.severity === 'error');
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]?.range.start.line).toBeGreaterThan(text.split('\n').length - 1);
  });

  it('refuses to run a file with errors, saying why', async () => {
    await expect(
      client.call('run.start', { path: 'quickstart.nfab', text: 'experiment broken { chip = nowhere }' }),
    ).rejects.toMatchObject({ code: 'DSL_ERRORS' });
  });

  it('trains a run with progress and metrics, records it, and cancels another', async () => {
    const { text } = await client.call('file.read', { path: 'quickstart.nfab' });
    const progress: EventPayload<'run.progress'>[] = [];
    const metrics: EventPayload<'run.metrics'>[] = [];
    client.on('run.progress', (p) => progress.push(p));
    client.on('run.metrics', (m) => metrics.push(m));

    const { runId } = await client.call('run.start', {
      path: 'quickstart.nfab',
      text,
      overrides: { trainLimit: 1000, testLimit: 200, epochs: 1 },
    });
    const finished = await waitForStatus(runId, ['finished', 'failed', 'cancelled']);
    expect(finished.error).toBeNull();
    expect(finished.status).toBe('finished');
    expect(progress.some((p) => p.runId === runId)).toBe(true);
    expect(metrics.some((m) => m.runId === runId && m.points.length > 0)).toBe(true);

    const second = await client.call('run.start', {
      path: 'quickstart.nfab',
      text,
      overrides: { epochs: 50 },
    });
    await new Promise<void>((resolve) => {
      const off = client.on('run.progress', (p) => {
        if (p.runId === second.runId) {
          off();
          resolve();
        }
      });
    });
    expect((await client.call('run.cancel', { runId: second.runId })).cancelled).toBe(true);
    expect((await waitForStatus(second.runId, ['cancelled', 'finished', 'failed'])).status).toBe('cancelled');

    const { runs } = await client.call('runs.list', {});
    const byId = new Map(runs.map((r) => [r.id, r]));
    expect(byId.get(runId)?.status).toBe('finished');
    expect(byId.get(second.runId)?.status).toBe('cancelled');
    const detail = await client.call('runs.get', { runId });
    expect(detail.dslSnapshot).toBe(text);
    expect(detail.metricHistory.some((p) => p.key === 'test_accuracy')).toBe(true);
    expect(Number(detail.params.seed)).toBe(detail.seed);
    expect(detail.overrides).toEqual({ trainLimit: 1000, testLimit: 200, epochs: 1 });
  }, 120_000);

  it('administers runs over the wire: note, tag, series, export, delete, with runs.changed', async () => {
    const { runs } = await client.call('runs.list', {});
    const done = runs.find((r) => r.status === 'finished')!;
    let changed = 0;
    const off = client.on('runs.changed', () => {
      changed++;
    });
    await client.call('runs.setNote', { runId: done.id, note: 'baseline' });
    await client.call('runs.setTag', { runId: done.id, key: 'keep', value: 'yes' });
    const listed = (await client.call('runs.list', {})).runs.find((r) => r.id === done.id)!;
    expect(listed).toMatchObject({ note: 'baseline', tags: { keep: 'yes' }, sweepId: null });
    const { series } = await client.call('runs.metricSeries', {
      runIds: [done.id],
      keys: ['test_accuracy'],
    });
    expect(series[0]!.values.at(-1)).toBe(done.metrics.test_accuracy);
    const csv = await client.call('runs.export', { runIds: [done.id], format: 'csv' });
    expect(csv.mediaType).toBe('text/csv');
    expect((await client.call('sweeps.list', {})).sweeps).toEqual([]);
    await expect(client.call('runs.setNote', { runId: 'ghost', note: '' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    const cancelled = runs.filter((r) => r.status === 'cancelled').map((r) => r.id);
    expect((await client.call('runs.delete', { runIds: cancelled })).deleted).toBe(cancelled.length);
    // Events and responses share the socket in order: the events were sent before this reply.
    await client.call('engine.info', {});
    off();
    expect(changed).toBe(cancelled.length > 0 ? 3 : 2);
  });
});
