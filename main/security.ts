// Pure security decisions of the Electron shell. No `electron` import here (under plain Node it
// tries to download a binary), so these run in unit tests; main/index.ts wires them to Electron.

/** The renderer is served from this privileged custom scheme, never from a remote origin. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'studio';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/** The origin of a URL as scheme://host[:port], or null. WHATWG gives 'null' for custom schemes. */
export function originOf(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (!url.host) return null;
  return `${url.protocol}//${url.host}`.toLowerCase();
}

/**
 * A dev server origin (electron-vite dev) is honoured only when it is plain http on a loopback
 * address. Anything else is ignored and the shell loads the built renderer from app://.
 */
export function loopbackDevOrigin(raw: string | undefined): string | null {
  if (!raw) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:') return null;
  if (!['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)) return null;
  return `${url.protocol}//${url.host}`;
}

/** The one origin the window may show: app://studio, or the loopback dev server in development. */
export function allowedOrigin(devOrigin: string | null): string {
  return devOrigin ?? APP_ORIGIN;
}

/** will-navigate / will-redirect / will-frame-navigate: only within the studio's own origin. */
export function isNavigationAllowed(targetUrl: string, devOrigin: string | null = null): boolean {
  return originOf(targetUrl) === allowedOrigin(devOrigin).toLowerCase();
}

/** IPC is answered only for the studio's own top-level page (not a subframe, not a foreign page). */
export function isTrustedSender(
  frameUrl: string | undefined,
  isMainFrame: boolean,
  devOrigin: string | null = null,
) {
  return isMainFrame && typeof frameUrl === 'string' && isNavigationAllowed(frameUrl, devOrigin);
}

/**
 * Network filter for the session (defence in depth behind the CSP): the renderer may load only
 * from app://, inline data:/blob: URLs, devtools, and the loopback dev server in development.
 */
export function isRequestAllowed(rawUrl: string, devOrigin: string | null = null): boolean {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return false;
  }
  switch (url.protocol) {
    case `${APP_SCHEME}:`:
      return url.host === APP_HOST;
    case 'data:':
    case 'blob:':
    case 'devtools:':
      return true;
    case 'http:':
    case 'ws:': {
      if (!devOrigin) return false;
      const dev = new URL(devOrigin);
      return url.host === dev.host;
    }
    default:
      return false;
  }
}

/** Every permission request (camera, notifications, geolocation, ...) is refused. */
export function isPermissionGranted(_permission: string, _origin?: string): boolean {
  return false;
}

/**
 * The Content-Security-Policy sent with every response of the app:// protocol. No 'unsafe-eval'
 * and no remote origins. Styles allow 'unsafe-inline' because Monaco and React style attributes
 * inject inline styles; scripts never do. In development the loopback dev server is added, with
 * the inline script Vite's React preamble needs and its HMR websocket.
 */
export function contentSecurityPolicy(devOrigin: string | null = null): string {
  const self = devOrigin ? `'self' ${devOrigin}` : "'self'";
  const ws = devOrigin ? ` ${devOrigin.replace(/^http/, 'ws')}` : '';
  const directives: [string, string][] = [
    ['default-src', "'self'"],
    ['script-src', devOrigin ? `${self} 'unsafe-inline'` : self],
    ['style-src', `${self} 'unsafe-inline'`],
    ['img-src', `${self} data: blob:`],
    ['font-src', `${self} data:`],
    ['worker-src', `${self} blob:`],
    ['connect-src', `${self}${ws}`],
    ['object-src', "'none'"],
    ['frame-src', "'none'"],
    ['child-src', "'none'"],
    ['base-uri', "'none'"],
    ['form-action', "'none'"],
    ['frame-ancestors', "'none'"],
  ];
  return directives.map(([name, value]) => `${name} ${value}`).join('; ');
}

/** Headers added to every app:// response. */
export function securityHeaders(devOrigin: string | null = null): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicy(devOrigin),
    'X-Content-Type-Options': 'nosniff',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Referrer-Policy': 'no-referrer',
  };
}
