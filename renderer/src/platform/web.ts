// Browser mode: the page that `neurofab serve` printed carries a per-launch token in its URL;
// the engine's RPC runs over a WebSocket at /rpc on the same host, authenticated by that token.
import { RpcClient, type Transport } from '../../../engine/protocol/rpc';
import type { WireMessage } from '../../../engine/protocol/schema';
import type { Platform } from './types';

/** A connection failure the UI explains as is (the message is written for the user). */
export class ConnectionError extends Error {
  constructor(
    readonly reason: 'missing-token' | 'refused' | 'unreachable' | 'dropped',
    message: string,
  ) {
    super(message);
    this.name = 'ConnectionError';
  }
}

function tokenFromUrl(): string | null {
  const token = new URLSearchParams(window.location.search).get('token');
  return token && token.length > 0 ? token : null;
}

/**
 * A refused WebSocket handshake looks like any other failure from inside the page, so ask the
 * server directly: the same URL answers 403 when the token is wrong and fails when it is down.
 */
async function diagnoseFailure(): Promise<ConnectionError> {
  try {
    const res = await fetch(window.location.pathname + window.location.search, {
      method: 'HEAD',
      cache: 'no-store',
    });
    if (res.status === 401 || res.status === 403) {
      return new ConnectionError(
        'refused',
        'The studio server refused this page’s access token. Each `neurofab serve` launch has its own ' +
          'token: open the URL it printed most recently.',
      );
    }
    return new ConnectionError(
      'refused',
      `The studio server refused the engine connection (the page answers HTTP ${res.status}).`,
    );
  } catch {
    return new ConnectionError(
      'unreachable',
      'The studio server is not reachable. Is `neurofab serve` still running?',
    );
  }
}

function webSocketTransport(socket: WebSocket): Transport {
  let handler: ((message: unknown) => void) | null = null;
  const closeHandlers: (() => void)[] = [];
  socket.addEventListener('message', (event) => {
    if (typeof event.data !== 'string') return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(event.data);
    } catch {
      console.warn('Ignored a non-JSON message from the engine.');
      return;
    }
    handler?.(parsed);
  });
  socket.addEventListener('close', () => {
    for (const h of closeHandlers) h();
  });
  return {
    send: (message: WireMessage) => {
      if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
    },
    onMessage: (h) => {
      handler = h;
      return () => {
        handler = null;
      };
    },
    onClose: (h) => {
      closeHandlers.push(h);
    },
    close: () => socket.close(),
  };
}

async function connect(onClosed?: (reason: string) => void): Promise<RpcClient> {
  const token = tokenFromUrl();
  if (!token) {
    throw new ConnectionError(
      'missing-token',
      'This page was opened without an access token. Open the full URL that `neurofab serve` printed ' +
        '(it ends in ?token=…).',
    );
  }
  const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
  const socket = new WebSocket(`${scheme}://${window.location.host}/rpc?token=${encodeURIComponent(token)}`);
  const opened = await new Promise<boolean>((resolve) => {
    socket.addEventListener('open', () => resolve(true), { once: true });
    socket.addEventListener('close', () => resolve(false), { once: true });
  });
  if (!opened) throw await diagnoseFailure();
  const client = new RpcClient(webSocketTransport(socket));
  socket.addEventListener('close', (event) => {
    const detail = event.reason ? ` (${event.reason})` : '';
    onClosed?.(`The connection to the studio server closed${detail}.`);
  });
  return client;
}

export function webPlatform(): Platform {
  return { kind: 'web', connect, pickProjectFolder: null, printToPdf: null };
}
