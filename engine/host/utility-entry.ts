// Entry point of the engine host inside Electron's utilityProcess. Electron's main process
// hands it one MessagePort per renderer window ({type:'connect'}); all RPC flows over those.
import { EngineHost } from './engine';
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
const projectIndex = process.argv.indexOf('--project');
const projectArg = projectIndex >= 0 ? process.argv[projectIndex + 1] : undefined;
if (projectArg) {
  try {
    host.openProject(projectArg);
  } catch (err) {
    console.error(`engine host: could not open project ${projectArg}: ${(err as Error).message}`);
  }
}

parentPort.on('message', (e) => {
  const msg = e.data as { type?: string };
  const port = e.ports[0];
  if (msg?.type === 'connect' && port) host.server.attach(messagePortTransport(port, true));
});

const shutdown = () => {
  host.close();
  process.exit(0);
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
