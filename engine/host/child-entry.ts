// Entry point of the engine host as a child process of `neurofab serve` (EngineSupervisor forks
// out/engine/engine-child.js with an IPC channel). Keeping the engine out of the server process
// means a crash in training or the store takes down only the engine, which the server restarts.
import type { Transport } from '../protocol';
import type { FromChild, ToChild } from './child-protocol';
import { EngineHost } from './engine';
import { openProjectArg } from './entry-args';

if (!process.send) {
  console.error('engine child: not started by EngineSupervisor (no IPC channel).');
  process.exit(2);
}

function send(message: FromChild): void {
  // After the server went away there is nobody to tell; the 'disconnect' handler exits.
  if (process.connected) process.send?.(message);
}

const host = new EngineHost();
const started = openProjectArg(host, process.argv, process.argv.includes('--create'));

interface Connection {
  handler: ((m: unknown) => void) | null;
  closeHandlers: (() => void)[];
}
const connections = new Map<number, Connection>();

function open(conn: number): void {
  const c: Connection = { handler: null, closeHandlers: [] };
  connections.set(conn, c);
  const transport: Transport = {
    send: (m) => send({ t: 'msg', conn, m }),
    onMessage: (h) => {
      c.handler = h;
      return () => {
        c.handler = null;
      };
    },
    onClose: (h) => c.closeHandlers.push(h),
  };
  host.server.attach(transport);
}

process.on('message', (raw: ToChild) => {
  if (raw.t === 'open') open(raw.conn);
  else if (raw.t === 'msg') connections.get(raw.conn)?.handler?.(raw.m);
  else if (raw.t === 'close') {
    const c = connections.get(raw.conn);
    connections.delete(raw.conn);
    for (const h of c?.closeHandlers ?? []) h();
  }
});

send({ t: 'ready', root: started.root, interruptedRuns: [...host.interruptedRuns], error: started.error });

const shutdown = () => {
  host.close();
  process.exit(0);
};
process.on('SIGTERM', shutdown);
// Ctrl+C in a terminal reaches the whole process group; the server stops us itself (SIGTERM), and
// exiting first would look like a crash to it.
process.on('SIGINT', () => {});
// The server died without stopping us (SIGKILL, crash): do not linger as an orphan.
process.on('disconnect', shutdown);
