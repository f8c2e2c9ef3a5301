import { describe, expect, it } from 'vitest';
import {
  APP_ENTRY_URL,
  contentSecurityPolicy,
  isNavigationAllowed,
  isPermissionGranted,
  isRequestAllowed,
  isTrustedSender,
  loopbackDevOrigin,
  securityHeaders,
} from '../../main/security';

describe('navigation policy', () => {
  it('allows only the app:// origin', () => {
    expect(isNavigationAllowed(APP_ENTRY_URL)).toBe(true);
    expect(isNavigationAllowed('app://studio/runs/index.html#x')).toBe(true);
    expect(isNavigationAllowed('https://example.com/')).toBe(false);
    expect(isNavigationAllowed('http://127.0.0.1:5173/')).toBe(false);
    expect(isNavigationAllowed('file:///etc/passwd')).toBe(false);
    expect(isNavigationAllowed('app://evil/index.html')).toBe(false);
    expect(isNavigationAllowed('javascript:alert(1)')).toBe(false);
    expect(isNavigationAllowed('not a url')).toBe(false);
  });

  it('allows the loopback dev server only when it is the configured origin', () => {
    const dev = loopbackDevOrigin('http://localhost:5173/');
    expect(dev).toBe('http://localhost:5173');
    expect(isNavigationAllowed('http://localhost:5173/index.html', dev)).toBe(true);
    expect(isNavigationAllowed('http://localhost:5174/', dev)).toBe(false);
    expect(isNavigationAllowed(APP_ENTRY_URL, dev)).toBe(false);
  });

  it('honours a dev server URL only on loopback over http', () => {
    expect(loopbackDevOrigin(undefined)).toBeNull();
    expect(loopbackDevOrigin('https://localhost:5173')).toBeNull();
    expect(loopbackDevOrigin('http://example.com:5173')).toBeNull();
    expect(loopbackDevOrigin('http://192.168.1.2:5173')).toBeNull();
    expect(loopbackDevOrigin('garbage')).toBeNull();
    expect(loopbackDevOrigin('http://127.0.0.1:5173')).toBe('http://127.0.0.1:5173');
  });
});

describe('IPC sender check', () => {
  it('trusts only the studio main frame', () => {
    expect(isTrustedSender(APP_ENTRY_URL, true)).toBe(true);
    expect(isTrustedSender(APP_ENTRY_URL, false)).toBe(false);
    expect(isTrustedSender('https://example.com/', true)).toBe(false);
    expect(isTrustedSender(undefined, true)).toBe(false);
  });
});

describe('request filter', () => {
  it('lets nothing leave the machine', () => {
    expect(isRequestAllowed('app://studio/assets/index.js')).toBe(true);
    expect(isRequestAllowed('data:image/png;base64,AAAA')).toBe(true);
    expect(isRequestAllowed('blob:app://studio/1234')).toBe(true);
    expect(isRequestAllowed('devtools://devtools/bundled/inspector.html')).toBe(true);
    expect(isRequestAllowed('app://other/x')).toBe(false);
    expect(isRequestAllowed('https://cdn.jsdelivr.net/npm/monaco-editor')).toBe(false);
    expect(isRequestAllowed('http://localhost:5173/@vite/client')).toBe(false);
    expect(isRequestAllowed('file:///etc/passwd')).toBe(false);
    expect(isRequestAllowed('ws://127.0.0.1:8080/rpc')).toBe(false);
  });

  it('admits the dev server (and its HMR socket) in development', () => {
    const dev = 'http://localhost:5173';
    expect(isRequestAllowed('http://localhost:5173/@vite/client', dev)).toBe(true);
    expect(isRequestAllowed('ws://localhost:5173/', dev)).toBe(true);
    expect(isRequestAllowed('http://localhost:9999/', dev)).toBe(false);
  });
});

describe('permissions', () => {
  it('refuses every permission', () => {
    for (const p of [
      'media',
      'notifications',
      'geolocation',
      'clipboard-read',
      'openExternal',
      'fullscreen',
    ]) {
      expect(isPermissionGranted(p, 'app://studio')).toBe(false);
    }
  });
});

describe('content security policy', () => {
  const csp = contentSecurityPolicy();
  const directives = new Map(
    csp.split(';').map((d) => {
      const [name, ...values] = d.trim().split(/\s+/);
      return [name, values] as [string, string[]];
    }),
  );

  it('never allows eval or remote origins', () => {
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).not.toMatch(/https?:/);
    expect(csp).not.toContain('*');
    expect(directives.get('script-src')).toEqual(["'self'"]);
  });

  it('locks down objects, frames, base and forms', () => {
    expect(directives.get('default-src')).toEqual(["'self'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(directives.get('base-uri')).toEqual(["'none'"]);
    expect(directives.get('form-action')).toEqual(["'none'"]);
  });

  it('relaxes only what the dev server needs, still without eval', () => {
    const dev = contentSecurityPolicy('http://localhost:5173');
    expect(dev).not.toContain('unsafe-eval');
    expect(dev).toContain('ws://localhost:5173');
    expect(dev).toMatch(/script-src 'self' http:\/\/localhost:5173 'unsafe-inline'/);
  });

  it('is sent with nosniff and isolation headers', () => {
    const h = securityHeaders();
    expect(h['Content-Security-Policy']).toBe(csp);
    expect(h['X-Content-Type-Options']).toBe('nosniff');
  });
});

describe('every CSP the studio ships', () => {
  it('has no unsafe-eval: the app:// header, the browser-mode server header and the page meta', async () => {
    const { contentSecurityPolicy: servePolicy } = await import('../../engine/cli/serve');
    const fs = await import('node:fs');
    const html = fs.readFileSync(new URL('../../renderer/index.html', import.meta.url), 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];
    expect(meta).toBeTruthy();
    for (const csp of [contentSecurityPolicy(), servePolicy(4321), meta!]) {
      expect(csp).not.toContain('unsafe-eval');
      expect(csp).toMatch(/script-src 'self'(;|$)/);
      expect(csp).toContain("object-src 'none'");
    }
  });
});
