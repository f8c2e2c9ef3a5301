// Browser mode: serves the built renderer and the engine's RPC over a WebSocket, on loopback
// only. The RPC needs the per-launch token the printed URL carries, a loopback Host header
// (against DNS rebinding) and a same-origin Origin header (against cross-site pages). The engine
// itself runs in a child process under an EngineSupervisor, which restarts it if it crashes.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';
import { EngineSupervisor } from '../host/supervisor';
import { MAX_MESSAGE_BYTES, webSocketTransport } from '../host/transports';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ttf': 'font/ttf',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
};

export function contentSecurityPolicy(port: number): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    // Monaco injects its theme styles at run time.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "worker-src 'self' blob:",
    `connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}`,
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'none'",
  ].join('; ');
}

/** The built renderer: out/renderer beside the bundled engine, or from the source tree. */
export function defaultRendererDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.resolve(here, '../renderer'), path.resolve(here, '../../out/renderer')];
  return candidates.find((dir) => fs.existsSync(path.join(dir, 'index.html'))) ?? candidates[1]!;
}

export interface ServeOptions {
  projectDir: string | null;
  port: number;
  rendererDir?: string;
  token?: string;
  /** The supervisor's log (restarts, give-ups); stderr by default. */
  log?(message: string): void;
}

export interface RunningServer {
  url: string;
  port: number;
  token: string;
  /** Runs the engine child process (its pid, restart notifications). */
  engine: EngineSupervisor;
  close(): Promise<void>;
}

function tokensMatch(given: string | null, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

function loopbackHost(hostHeader: string | undefined, port: number): boolean {
  return hostHeader === `127.0.0.1:${port}` || hostHeader === `localhost:${port}`;
}

export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const rendererDir = options.rendererDir ?? defaultRendererDir();
  if (!fs.existsSync(path.join(rendererDir, 'index.html'))) {
    throw new Error(
      `The studio UI is not built (no ${rendererDir}/index.html). Run \`npm run build\` first.`,
    );
  }
  const token = options.token ?? crypto.randomBytes(24).toString('hex');
  const engine = new EngineSupervisor({
    projectDir: options.projectDir,
    create: true,
    ...(options.log ? { log: options.log } : {}),
  });
  await engine.start();

  let port = options.port;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (!loopbackHost(req.headers.host, port)) {
      res
        .writeHead(421, { 'content-type': 'text/plain' })
        .end('Neurofab serves 127.0.0.1 and localhost only.');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    let rel = decodeURIComponent(url.pathname);
    if (rel === '/' || rel === '/index.html') {
      if (!tokensMatch(url.searchParams.get('token'), token)) {
        res
          .writeHead(403, { 'content-type': 'text/plain; charset=utf-8' })
          .end(
            "Forbidden: open the URL that `neurofab serve` printed; it carries this launch's access token.",
          );
        return;
      }
      rel = '/index.html';
    }
    const file = path.resolve(rendererDir, `.${rel}`);
    if (!file.startsWith(rendererDir + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
      return;
    }
    res.writeHead(200, {
      'content-type': MIME[path.extname(file)] ?? 'application/octet-stream',
      'content-security-policy': contentSecurityPolicy(port),
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': rel === '/index.html' ? 'no-store' : 'max-age=3600',
    });
    if (req.method === 'HEAD') res.end();
    else fs.createReadStream(file).pipe(res);
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const origin = req.headers.origin;
    const allowedOrigins = [`http://127.0.0.1:${port}`, `http://localhost:${port}`];
    let refusal: string | null = null;
    if (url.pathname !== '/rpc') refusal = '404 Not Found';
    else if (!loopbackHost(req.headers.host, port)) refusal = '421 Misdirected Request';
    else if (!tokensMatch(url.searchParams.get('token'), token)) refusal = '401 Unauthorized';
    // Non-browser clients (CLI, tests) send no Origin; a browser always does.
    else if (origin !== undefined && !allowedOrigins.includes(origin)) refusal = '403 Forbidden';
    if (refusal) {
      socket.end(`HTTP/1.1 ${refusal}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => engine.attach(webSocketTransport(ws)));
  });

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, '127.0.0.1', () => resolve());
    });
  } catch (err) {
    await engine.close();
    throw err;
  }
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : options.port;
  const url = `http://127.0.0.1:${port}/?token=${token}`;
  return {
    url,
    port,
    token,
    engine,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await engine.close();
    },
  };
}

export function openInBrowser(url: string): void {
  const command = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'cmd' : 'xdg-open';
  const args = process.platform === 'win32' ? ['/c', 'start', '', url] : [url];
  const child = spawn(command, args, { stdio: 'ignore', detached: true });
  child.on('error', () =>
    console.error(`Could not open a browser (${command}); open the URL above by hand.`),
  );
  child.unref();
}
