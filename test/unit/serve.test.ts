import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type RunningServer, startServer } from '../../engine/cli/serve';
import { webSocketTransport } from '../../engine/host/transports';
import { RpcClient } from '../../engine/protocol';

function tempDir(prefix: string): string {
  return fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
}

function get(port: number, pathAndQuery: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>(
    (resolve, reject) => {
      const req = http.get({ host: '127.0.0.1', port, path: pathAndQuery, headers }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      });
      req.on('error', reject);
    },
  );
}

function connect(port: number, query: string, origin?: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/rpc${query}`, origin ? { origin } : {});
    ws.on('open', () => resolve(ws));
    ws.on('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.on('error', reject);
  });
}

describe('neurofab serve (browser mode)', () => {
  let server: RunningServer | null = null;
  afterEach(async () => {
    await server?.close();
    server = null;
  });

  let uiDir = '';
  async function start(): Promise<RunningServer> {
    const ui = tempDir('nf-ui-');
    uiDir = ui;
    fs.writeFileSync(path.join(ui, 'index.html'), '<!doctype html><title>studio</title>');
    fs.writeFileSync(path.join(ui, 'app.js'), 'console.log(1)');
    server = await startServer({ projectDir: tempDir('nf-proj-'), port: 0, rendererDir: ui });
    return server;
  }

  it('binds to loopback and prints a URL that carries a random token', async () => {
    const s = await start();
    expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{48}$/);
    const second = await startServer({ projectDir: null, port: 0, rendererDir: uiDir });
    expect(second.token).not.toBe(s.token);
    expect(second.port).not.toBe(s.port);
    await second.close();
  });

  it('serves the page only with the token, with a strict CSP', async () => {
    const s = await start();
    expect((await get(s.port, '/')).status).toBe(403);
    expect((await get(s.port, '/?token=wrong')).status).toBe(403);
    const ok = await get(s.port, `/?token=${s.token}`);
    expect(ok.status).toBe(200);
    expect(ok.headers['content-security-policy']).toContain("script-src 'self'");
    expect(ok.headers['content-security-policy']).not.toContain('unsafe-eval');
    expect((await get(s.port, '/app.js')).status).toBe(200);
    expect((await get(s.port, '/../../../etc/passwd')).status).toBe(404);
    expect((await get(s.port, `/?token=${s.token}`, { host: 'evil.example:80' })).status).toBe(421);
  });

  it('accepts the RPC only with the token and a same-origin Origin', async () => {
    const s = await start();
    await expect(connect(s.port, '')).rejects.toThrow('HTTP 401');
    await expect(connect(s.port, '?token=nope')).rejects.toThrow('HTTP 401');
    await expect(connect(s.port, `?token=${s.token}`, 'http://evil.example')).rejects.toThrow('HTTP 403');
    const ws = await connect(s.port, `?token=${s.token}`, `http://127.0.0.1:${s.port}`);
    const client = new RpcClient(webSocketTransport(ws));
    const info = await client.call('engine.info', {});
    expect(info.projectRoot).not.toBeNull();
    client.close();
  });
});
