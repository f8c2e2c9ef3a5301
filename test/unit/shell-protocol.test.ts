import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mimeType, resolveAppUrl, serveAppRequest } from '../../main/app-protocol';

let tmp: string;
let root: string;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'shell-protocol-'));
  root = path.join(tmp, 'renderer');
  fs.mkdirSync(path.join(root, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>studio</title>');
  fs.writeFileSync(path.join(root, 'assets', 'index-abc.js'), 'console.log(1)');
  fs.writeFileSync(path.join(root, 'assets', 'a b.css'), 'body{}');
  fs.writeFileSync(path.join(tmp, 'secret.txt'), 'secret');
  fs.symlinkSync(path.join(tmp, 'secret.txt'), path.join(root, 'assets', 'link.txt'));
});

afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('resolveAppUrl', () => {
  it('maps app://studio paths into the renderer directory', () => {
    expect(resolveAppUrl('app://studio/', root)).toEqual({ ok: true, file: path.join(root, 'index.html') });
    expect(resolveAppUrl('app://studio', root)).toEqual({ ok: true, file: path.join(root, 'index.html') });
    expect(resolveAppUrl('app://studio/assets/index-abc.js?v=1#x', root)).toEqual({
      ok: true,
      file: path.join(root, 'assets', 'index-abc.js'),
    });
    expect(resolveAppUrl('app://studio/assets/a%20b.css', root)).toEqual({
      ok: true,
      file: path.join(root, 'assets', 'a b.css'),
    });
  });

  it('never resolves outside the directory', () => {
    const hostile = [
      'app://studio/../secret.txt',
      'app://studio/assets/../../../secret.txt',
      'app://studio/%2e%2e/secret.txt',
      'app://studio/%2E%2E/%2e%2e/secret.txt',
      'app://studio/assets/..%2f..%2fsecret.txt',
      'app://studio/..%5c..%5csecret.txt',
      'app://studio/%2fetc%2fpasswd',
      'app://studio/assets%00.js',
      'app://studio/C:%5cWindows',
      'app://studio/a//b',
    ];
    for (const url of hostile) {
      const r = resolveAppUrl(url, root);
      if (r.ok) expect(path.relative(root, r.file).startsWith('..'), url).toBe(false);
    }
  });

  it('refuses encoded separators, NUL bytes and drive letters outright', () => {
    for (const url of [
      'app://studio/assets/..%2f..%2fsecret.txt',
      'app://studio/..%5c..%5csecret.txt',
      'app://studio/%2fetc%2fpasswd',
      'app://studio/assets%00.js',
      'app://studio/C:%5cWindows',
      'app://studio/a//b',
    ]) {
      expect(resolveAppUrl(url, root), url).toMatchObject({ ok: false, status: 403 });
    }
  });

  it('refuses other hosts, schemes and malformed input', () => {
    expect(resolveAppUrl('app://other/index.html', root)).toMatchObject({ ok: false, status: 404 });
    expect(resolveAppUrl('file:///etc/passwd', root)).toMatchObject({ ok: false, status: 400 });
    expect(resolveAppUrl('::::', root)).toMatchObject({ ok: false, status: 400 });
    expect(resolveAppUrl('app://studio/%E0%A4%A', root)).toMatchObject({ ok: false, status: 400 });
  });
});

describe('serveAppRequest', () => {
  it('serves files with their type and the CSP', async () => {
    const r = await serveAppRequest('app://studio/', root);
    expect(r.status).toBe(200);
    expect(r.headers['Content-Type']).toBe('text/html; charset=utf-8');
    expect(r.headers['Content-Security-Policy']).toContain("default-src 'self'");
    expect(Buffer.from(r.body).toString()).toContain('<title>studio</title>');
  });

  it('puts the CSP on error responses too', async () => {
    const missing = await serveAppRequest('app://studio/nope.js', root);
    expect(missing.status).toBe(404);
    expect(missing.headers['Content-Security-Policy']).toBeTruthy();
    const escaping = await serveAppRequest('app://studio/assets/..%2f..%2fsecret.txt', root);
    expect(escaping.status).toBe(403);
    expect(escaping.headers['Content-Security-Policy']).toBeTruthy();
  });

  it('refuses a symlink that leads outside', async () => {
    const r = await serveAppRequest('app://studio/assets/link.txt', root);
    expect(r.status).toBe(403);
    expect(String(r.body)).not.toContain('secret');
  });

  it('does not serve directories', async () => {
    expect((await serveAppRequest('app://studio/assets', root)).status).toBe(404);
  });

  it('knows the types a Vite build emits', () => {
    expect(mimeType('a.js')).toMatch(/javascript/);
    expect(mimeType('a.css')).toMatch(/css/);
    expect(mimeType('a.wasm')).toBe('application/wasm');
    expect(mimeType('a.ttf')).toBe('font/ttf');
    expect(mimeType('a.unknown')).toBe('application/octet-stream');
  });
});
