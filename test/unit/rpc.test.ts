import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { webSocketTransport } from '../../engine/host/transports';
import {
  ErrorCode,
  type Handlers,
  memoryTransportPair,
  RpcClient,
  RpcError,
  RpcServer,
  type Transport,
} from '../../engine/protocol';

/** Handlers for the methods these tests call; the rest reject, as a real server would for bugs. */
function testHandlers(overrides: Partial<Handlers> = {}): Handlers {
  const missing = () => {
    throw new RpcError(ErrorCode.Internal, 'not used in this test');
  };
  const base = {
    'engine.info': () => ({ version: 'test', protocol: 1, projectRoot: null }),
    'file.read': ({ path }: { path: string }) => {
      if (path === 'missing.nfab') throw new RpcError(ErrorCode.NotFound, 'missing.nfab does not exist.');
      return { path, text: `contents of ${path}`, hash: 'sha256-of-contents' };
    },
    'runs.list': () => ({ runs: [] }),
  };
  return new Proxy({ ...base, ...overrides } as Record<string, unknown>, {
    get: (target, key: string) => target[key] ?? missing,
  }) as unknown as Handlers;
}

async function suite(makePair: () => Promise<{ client: RpcClient; server: RpcServer; raw: Transport }>) {
  const { client, server, raw } = await makePair();
  // Request/response with validated params and results.
  expect(await client.call('engine.info', {})).toEqual({ version: 'test', protocol: 1, projectRoot: null });
  expect((await client.call('file.read', { path: 'a.nfab' })).text).toBe('contents of a.nfab');
  // Errors carry codes and readable messages.
  await expect(client.call('file.read', { path: 'missing.nfab' })).rejects.toMatchObject({
    code: ErrorCode.NotFound,
    message: 'missing.nfab does not exist.',
  });
  // The client refuses invalid params before sending.
  await expect(client.call('file.read', { path: '' } as never)).rejects.toMatchObject({
    code: ErrorCode.InvalidParams,
  });
  // Events are validated and delivered to subscribers.
  const got: unknown[] = [];
  client.on('run.log', (p) => got.push(p));
  server.emit('run.log', { runId: 'r1', level: 'info', message: 'hello' });
  await new Promise((r) => setTimeout(r, 50));
  expect(got).toEqual([{ runId: 'r1', level: 'info', message: 'hello' }]);
  // The server validates what a misbehaving client sends, with a helpful message.
  const replies: unknown[] = [];
  raw.onMessage((m) => replies.push(m));
  raw.send({ type: 'request', id: 99, method: 'no.such', params: {} });
  raw.send({ type: 'request', id: 100, method: 'file.read', params: { path: 42 } });
  await new Promise((r) => setTimeout(r, 50));
  expect(replies).toContainEqual(
    expect.objectContaining({ id: 99, error: expect.objectContaining({ code: ErrorCode.UnknownMethod }) }),
  );
  expect(replies).toContainEqual(
    expect.objectContaining({ id: 100, error: expect.objectContaining({ code: ErrorCode.InvalidParams }) }),
  );
  return { client, server };
}

describe('RPC over an in-memory transport', () => {
  it('does request/response, errors, validation and events', async () => {
    await suite(async () => {
      const server = new RpcServer(testHandlers());
      const [a, b] = memoryTransportPair();
      server.attach(b);
      const client = new RpcClient(a);
      const [rawA, rawB] = memoryTransportPair();
      server.attach(rawB);
      return { client, server, raw: rawA };
    });
  });

  it('cancels a request in flight through its AbortSignal', async () => {
    let sawAbort = false;
    const server = new RpcServer(
      testHandlers({
        'runs.list': (_p, ctx) =>
          new Promise((resolve) => {
            ctx.signal.addEventListener('abort', () => {
              sawAbort = true;
              resolve({ runs: [] });
            });
          }),
      }),
    );
    const [a, b] = memoryTransportPair();
    server.attach(b);
    const client = new RpcClient(a);
    const controller = new AbortController();
    const pending = client.call('runs.list', {}, { signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await expect(pending).rejects.toMatchObject({ code: ErrorCode.Cancelled });
    expect(sawAbort).toBe(true);
  });

  it('rejects pending calls when the connection closes', async () => {
    const server = new RpcServer(testHandlers({ 'runs.list': () => new Promise(() => {}) }));
    const [a, b] = memoryTransportPair();
    server.attach(b);
    const client = new RpcClient(a);
    const pending = client.call('runs.list', {});
    a.close?.();
    await expect(pending).rejects.toMatchObject({ code: ErrorCode.Closed });
  });
});

describe('RPC over a WebSocket', () => {
  let close: (() => Promise<void>) | null = null;
  afterEach(async () => {
    await close?.();
    close = null;
  });

  it('behaves exactly like the in-memory transport', async () => {
    await suite(async () => {
      const server = new RpcServer(testHandlers());
      const httpServer = http.createServer();
      const wss = new WebSocketServer({ server: httpServer });
      wss.on('connection', (ws) => server.attach(webSocketTransport(ws)));
      await new Promise<void>((r) => httpServer.listen(0, '127.0.0.1', () => r()));
      const port = (httpServer.address() as { port: number }).port;
      const open = (): Promise<Transport> =>
        new Promise((resolve) => {
          const ws = new WebSocket(`ws://127.0.0.1:${port}`);
          ws.on('open', () => resolve(webSocketTransport(ws as never)));
        });
      const clientTransport = await open();
      const raw = await open();
      close = async () => {
        clientTransport.close?.();
        raw.close?.();
        wss.close();
        await new Promise<void>((r) => httpServer.close(() => r()));
      };
      return { client: new RpcClient(clientTransport), server, raw };
    });
  });
});
