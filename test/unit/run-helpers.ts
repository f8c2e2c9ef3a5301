// Starting a run over a real RPC client and waiting for it to end, as several host tests do.
import type { Params, RpcClient } from '../../engine/protocol';

/**
 * Starts a run and resolves once a run ends: its id, and its status ('finished', or the status
 * with the error, so a failed assertion shows why). The listener is attached before the start, so
 * a run that ends at once is not missed.
 */
export async function runToEnd(
  client: RpcClient,
  params: Params<'run.start'>,
): Promise<{ runId: string; outcome: string }> {
  const ended = new Promise<string>((resolve) => {
    const off = client.on('run.status', (e) => {
      if (['finished', 'failed', 'cancelled'].includes(e.status)) {
        off();
        resolve(e.status + (e.error ? `: ${e.error}` : ''));
      }
    });
  });
  const { runId } = await client.call('run.start', params);
  return { runId, outcome: await ended };
}
