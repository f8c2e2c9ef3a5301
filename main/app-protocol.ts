// Maps app://studio/<path> requests to files of the built renderer (out/renderer). Node only, no
// `electron` import, so it is unit-tested; main/index.ts registers it with protocol.handle.
import fs from 'node:fs/promises';
import path from 'node:path';
import { APP_HOST, APP_SCHEME, securityHeaders } from './security';

export type Resolution = { ok: true; file: string } | { ok: false; status: 400 | 403 | 404; reason: string };

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

export function mimeType(file: string): string {
  return MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * Resolves an app:// URL to a file under `rootDir` without touching the disk. Refuses other
 * hosts, encoded separators, NUL bytes, dot segments (also percent-encoded ones) and anything
 * whose resolved path is not inside rootDir. '/' maps to index.html.
 */
export function resolveAppUrl(rawUrl: string, rootDir: string): Resolution {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return { ok: false, status: 400, reason: 'malformed URL' };
  }
  if (url.protocol !== `${APP_SCHEME}:`) return { ok: false, status: 400, reason: 'not an app:// URL' };
  if (url.host !== APP_HOST) return { ok: false, status: 404, reason: `unknown host ${url.host}` };
  // Work on the raw path: `new URL` only folds literal dot segments, not %2e%2e or %2f.
  const rawPath = url.pathname === '' ? '/' : url.pathname;
  const segments: string[] = [];
  for (const encoded of rawPath.split('/').slice(1)) {
    let segment: string;
    try {
      segment = decodeURIComponent(encoded);
    } catch {
      return { ok: false, status: 400, reason: 'bad percent-encoding' };
    }
    if (segment === '..' || segment === '.' || /[/\\\0]/.test(segment) || /^[a-zA-Z]:/.test(segment)) {
      return { ok: false, status: 403, reason: `refused path segment ${JSON.stringify(segment)}` };
    }
    segments.push(segment);
  }
  if (segments.length === 0 || segments[segments.length - 1] === '') {
    segments[Math.max(0, segments.length - 1)] = 'index.html';
  }
  if (segments.slice(0, -1).some((s) => s === ''))
    return { ok: false, status: 403, reason: 'empty path segment' };
  const root = path.resolve(rootDir);
  const file = path.resolve(root, ...segments);
  if (!isInside(file, root)) return { ok: false, status: 403, reason: 'path escapes the renderer directory' };
  return { ok: true, file };
}

export function isInside(file: string, root: string): boolean {
  const rel = path.relative(root, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

export interface AppResponse {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array | string;
}

/**
 * Serves one app:// request: resolves it, follows symlinks and checks the real path is still
 * inside the (real) renderer directory, and adds the security headers (CSP) to every response,
 * error responses included.
 */
export async function serveAppRequest(
  rawUrl: string,
  rootDir: string,
  devOrigin: string | null = null,
): Promise<AppResponse> {
  const headers = securityHeaders(devOrigin);
  const fail = (status: number, text: string): AppResponse => ({
    status,
    headers: { ...headers, 'Content-Type': 'text/plain; charset=utf-8' },
    body: text,
  });
  const resolved = resolveAppUrl(rawUrl, rootDir);
  if (!resolved.ok) return fail(resolved.status, `${resolved.status}: ${resolved.reason}`);
  try {
    const [realRoot, realFile] = await Promise.all([fs.realpath(rootDir), fs.realpath(resolved.file)]);
    if (!isInside(realFile, realRoot)) return fail(403, '403: path escapes the renderer directory');
    const stat = await fs.stat(realFile);
    if (!stat.isFile()) return fail(404, '404: not a file');
    const body = await fs.readFile(realFile);
    return { status: 200, headers: { ...headers, 'Content-Type': mimeType(realFile) }, body };
  } catch {
    return fail(404, '404: not found');
  }
}
