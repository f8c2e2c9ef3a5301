// The engine dies mid-run as the user meets it: `neurofab serve`'s engine child is SIGKILLed while a
// run trains; the page stays connected, shows why the engine restarted and that the run was
// interrupted, and the banner goes away when dismissed.
import { execFileSync } from 'node:child_process';
import WebSocket from 'ws';
import { webSocketTransport } from '../../engine/host/transports';
import { RpcClient } from '../../engine/protocol/rpc';
import { expect, test } from './fixtures';

/** The engine child `neurofab serve` forked for this project (its command line names the folder). */
function engineChildPid(projectDir: string): number {
  const lines = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' }).split('\n');
  const line = lines.find((l) => l.includes('engine-child') && l.includes(`--project ${projectDir}`));
  if (!line) throw new Error(`No engine child for ${projectDir} among:\n${lines.join('\n')}`);
  return Number(line.trim().split(/\s+/)[0]);
}

test('a killed engine is restarted and the page says which runs it interrupted', async ({ page, studio }) => {
  await page.goto(studio.url);
  await expect(page.getByTestId('status-bar')).toContainText('Engine connected');

  // A second client (as another tab would be) starts a long run and waits for its metrics.
  const ws = new WebSocket(`${studio.origin.replace('http', 'ws')}/rpc?token=${studio.token}`);
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  const client = new RpcClient(webSocketTransport(ws));
  try {
    const { text } = await client.call('file.read', { path: 'quickstart.nfab' });
    let runId = '';
    let points = 0;
    const training = new Promise<void>((resolve) =>
      client.on('run.metrics', (e) => {
        if (e.runId !== runId) return;
        points += e.points.length;
        if (points >= 5) resolve();
      }),
    );
    ({ runId } = await client.call('run.start', {
      path: 'quickstart.nfab',
      text,
      overrides: { trainLimit: 1000, testLimit: 100, epochs: 40 },
    }));
    await training;

    process.kill(engineChildPid(studio.projectDir), 'SIGKILL');

    const banner = page.getByTestId('engine-restarted-banner');
    await expect(banner).toContainText(
      'The engine stopped unexpectedly (killed by SIGKILL) and was restarted. 1 run(s) in progress were marked interrupted; their metrics up to the crash are kept.',
    );
    // The page never lost its connection: no reconnect banner, and the new engine answers it.
    await expect(page.getByTestId('connection-error')).toHaveCount(0);
    expect((await client.call('runs.get', { runId })).status).toBe('interrupted');
    await page.screenshot({ path: 'test-results/crash-banner.png' });

    await page.getByTestId('dismiss-engine-restarted').click();
    await expect(banner).toHaveCount(0);
  } finally {
    client.close();
  }
});
