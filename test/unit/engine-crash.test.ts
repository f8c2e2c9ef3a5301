// Crash safety of browser mode's engine (issue 9): a real engine child process, training a real
// run on MNIST, is SIGKILLed mid-run. The supervisor must restart it, reopen the project, mark the
// run interrupted and tell the client; every metric point the client was told about (events come
// only for committed points) must still be in the store, and a request the crash swallowed must
// fail with CLOSED instead of hanging.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EngineSupervisor, type RestartInfo } from '../../engine/host/supervisor';
import { type EventPayload, memoryTransportPair, RpcClient } from '../../engine/protocol';

const quickstart = path.join(__dirname, '../../examples/quickstart.nfab');

function tempProject(): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'nf-crash-')));
  fs.copyFileSync(quickstart, path.join(dir, 'quickstart.nfab'));
  return dir;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('engine supervisor: the engine is killed during a run', () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });

  async function startSupervised(project: string, onLog: (message: string) => void = () => {}) {
    const logs: string[] = [];
    const supervisor = new EngineSupervisor({
      projectDir: project,
      log: (m) => {
        logs.push(m);
        onLog(m);
      },
    });
    await supervisor.start();
    const [serverSide, clientSide] = memoryTransportPair();
    supervisor.attach(serverSide);
    const client = new RpcClient(clientSide);
    cleanup.push(() => fs.rmSync(project, { recursive: true, force: true }));
    cleanup.push(() => supervisor.close());
    cleanup.push(() => client.close());
    return { supervisor, client, logs };
  }

  it('restarts the engine, marks the run interrupted and keeps every metric the client saw', async () => {
    const project = tempProject();
    // The supervisor logs the crash as it notices it, before the restart: a request sent then
    // must wait for the new engine and be answered by it.
    let whileDown: Promise<unknown> | null = null;
    const { supervisor, client } = await startSupervised(project, (m) => {
      if (m.includes('restarting in') && !whileDown) whileDown = client.call('engine.info', {});
    });
    const firstPid = supervisor.pid!;
    expect(processAlive(firstPid)).toBe(true);

    const seen: EventPayload<'run.metrics'>['points'] = [];
    let runId = '';
    const enoughMetrics = new Promise<void>((resolve) => {
      client.on('run.metrics', (e) => {
        if (e.runId !== runId) return;
        seen.push(...e.points);
        // Several logging rounds in: the run is well under way, with a burst of writes behind it.
        if (seen.length >= 20) resolve();
      });
    });
    const restarted = new Promise<EventPayload<'engine.restarted'>>((resolve) =>
      client.on('engine.restarted', resolve),
    );
    const statuses: EventPayload<'run.status'>[] = [];
    client.on('run.status', (e) => statuses.push(e));
    const restartInfo = new Promise<RestartInfo>((resolve) => supervisor.onRestarted(resolve));

    const { text } = await client.call('file.read', { path: 'quickstart.nfab' });
    // 40 epochs of 1,000 images: far longer than the test waits, so the kill lands mid-training.
    ({ runId } = await client.call('run.start', {
      path: 'quickstart.nfab',
      text,
      overrides: { trainLimit: 1000, testLimit: 100, epochs: 40 },
    }));
    await enoughMetrics;

    // Freeze the engine, so a request is certainly in flight when it dies, then kill it.
    process.kill(firstPid, 'SIGSTOP');
    const swallowed = client.call('runs.list', {});
    const seenAtKill = [...seen];
    process.kill(firstPid, 'SIGKILL');

    await expect(swallowed).rejects.toMatchObject({
      code: 'CLOSED',
      message: expect.stringContaining('The engine stopped while handling runs.list; it has been restarted'),
    });
    const event = await restarted;
    expect(event.reason).toBe('killed by SIGKILL');
    expect(event.interruptedRuns).toEqual([runId]);
    expect(statuses.at(-1)).toEqual({ runId, status: 'interrupted', error: null });
    const info = await restartInfo;
    expect(info.interruptedRuns).toEqual([runId]);
    console.log(`engine back ${info.downMs} ms after the SIGKILL was noticed`);

    expect(processAlive(firstPid)).toBe(false);
    expect(supervisor.pid).toBeDefined();
    expect(supervisor.pid).not.toBe(firstPid);
    expect(whileDown).not.toBeNull();
    expect(await whileDown).toMatchObject({ projectRoot: project });
    const engineInfo = await client.call('engine.info', {});
    expect(engineInfo.projectRoot).toBe(project);

    const run = await client.call('runs.get', { runId });
    expect(run.status).toBe('interrupted');
    const stored = new Set(run.metricHistory.map((p) => `${p.key}@${p.step}=${p.value}`));
    const missing = seenAtKill.filter((p) => !stored.has(`${p.key}@${p.step}=${p.value}`));
    expect(missing).toEqual([]);
    expect(seenAtKill.length).toBeGreaterThanOrEqual(20);

    // The restarted engine is fully usable: it lists the run and starts a new one.
    const { runs } = await client.call('runs.list', {});
    expect(runs.find((r) => r.id === runId)?.status).toBe('interrupted');
    const again = await client.call('run.start', {
      path: 'quickstart.nfab',
      text,
      overrides: { trainLimit: 200, testLimit: 50, epochs: 1 },
    });
    const done = await new Promise<EventPayload<'run.status'>>((resolve) => {
      const off = client.on('run.status', (e) => {
        if (e.runId === again.runId && ['finished', 'failed', 'cancelled'].includes(e.status)) {
          off();
          resolve(e);
        }
      });
    });
    expect(done).toMatchObject({ status: 'finished', error: null });
  }, 120_000);

  it('stops the engine child when the supervisor closes, and fails start-up on a bad project', async () => {
    const project = tempProject();
    const { supervisor } = await startSupervised(project);
    const pid = supervisor.pid!;
    await supervisor.close();
    expect(processAlive(pid)).toBe(false);

    const notADir = path.join(project, 'quickstart.nfab');
    const bad = new EngineSupervisor({ projectDir: notADir, log: () => {} });
    await expect(bad.start()).rejects.toThrow(/could not open project/);
    expect(bad.pid).toBeUndefined();
  }, 60_000);

  it('gives up after repeated crashes and then fails requests with CLOSED, saying so', async () => {
    const project = tempProject();
    const { RestartPolicy } = await import('../../engine/host/restart-policy');
    const gaveUp: string[] = [];
    const supervisor = new EngineSupervisor({
      projectDir: project,
      policy: new RestartPolicy({ maxRestarts: 1, baseDelayMs: 10 }),
      log: () => {},
      onGiveUp: (reason) => gaveUp.push(reason),
    });
    await supervisor.start();
    cleanup.push(() => fs.rmSync(project, { recursive: true, force: true }));
    cleanup.push(() => supervisor.close());
    const [serverSide, clientSide] = memoryTransportPair();
    supervisor.attach(serverSide);
    const client = new RpcClient(clientSide);
    cleanup.push(() => client.close());

    const restarted = new Promise<RestartInfo>((resolve) => supervisor.onRestarted(resolve));
    process.kill(supervisor.pid!, 'SIGKILL');
    await restarted;
    await client.call('engine.info', {});
    process.kill(supervisor.pid!, 'SIGKILL');
    await expect.poll(() => gaveUp.length, { timeout: 10_000 }).toBe(1);
    expect(gaveUp[0]).toContain('killed by SIGKILL');
    await expect(client.call('engine.info', {})).rejects.toMatchObject({
      code: 'CLOSED',
      message: expect.stringContaining('was not restarted'),
    });
  }, 60_000);
});
