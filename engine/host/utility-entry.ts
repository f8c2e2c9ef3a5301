// Entry point of the engine host inside Electron's utilityProcess. Electron's main process
// hands it one MessagePort per renderer window ({type:'connect'}); all RPC flows over those.
// After a crash the shell starts it with `--restarted REASON` and marks the ports of the pages it
// reconnects ({announceRestart: true}); those pages are told which runs the crash interrupted.
import { EngineHost } from './engine';
import { argValue, openProjectArg } from './entry-args';
import { messagePortTransport, type PortLike } from './transports';

interface ParentPort {
  on(event: 'message', listener: (e: { data: unknown; ports: PortLike[] }) => void): void;
}

const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;
if (!parentPort) {
  console.error('engine host: not started as an Electron utilityProcess (no process.parentPort).');
  process.exit(2);
}

const host = new EngineHost();
openProjectArg(host, process.argv);
const restartReason = argValue(process.argv, '--restarted');

parentPort.on('message', (e) => {
  const msg = e.data as { type?: string; announceRestart?: boolean };
  const port = e.ports[0];
  if (msg?.type !== 'connect' || !port) return;
  const connection = host.server.attach(messagePortTransport(port, true));
  if (msg.announceRestart && restartReason !== undefined) {
    const interruptedRuns = [...host.interruptedRuns];
    connection.emit('engine.restarted', { reason: restartReason, interruptedRuns });
    for (const runId of interruptedRuns) {
      connection.emit('run.status', { runId, status: 'interrupted', error: null });
    }
    connection.emit('runs.changed', {});
  }
});

const shutdown = () => {
  host.close();
  process.exit(0);
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
