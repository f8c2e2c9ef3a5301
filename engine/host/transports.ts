// Adapters from concrete channels to the protocol's Transport: a Node/Electron MessagePort
// (Electron's utilityProcess) and a `ws` WebSocket (browser mode).
import type { WebSocket } from 'ws';
import type { Transport } from '../protocol';

/** Largest accepted WebSocket message; larger ones close the connection (DoS guard). */
export const MAX_MESSAGE_BYTES = 32 * 1024 * 1024;

export function webSocketTransport(socket: WebSocket): Transport {
  let handler: ((m: unknown) => void) | null = null;
  socket.on('message', (data, isBinary) => {
    if (isBinary) {
      socket.close(1003, 'Binary messages are not accepted; send JSON text.');
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(data.toString());
    } catch {
      socket.send(
        JSON.stringify({
          type: 'error',
          id: -1,
          error: { code: 'BAD_MESSAGE', message: 'Message is not valid JSON.' },
        }),
      );
      return;
    }
    handler?.(parsed);
  });
  return {
    send: (m) => {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(m));
    },
    onMessage: (h) => {
      handler = h;
      return () => {
        handler = null;
      };
    },
    onClose: (h) => socket.on('close', h),
    close: () => socket.close(),
  };
}

/** Both Node's worker MessagePort and Electron's MessagePortMain fit this shape. */
export interface PortLike {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown } | unknown) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  start?(): void;
  close(): void;
}

export function messagePortTransport(port: PortLike, messagesAreEvents: boolean): Transport {
  let handler: ((m: unknown) => void) | null = null;
  port.on('message', (event: unknown) => {
    // Electron's MessagePortMain delivers {data, ports}; Node's MessagePort delivers the value.
    handler?.(messagesAreEvents ? (event as { data: unknown }).data : event);
  });
  port.start?.();
  return {
    send: (m) => port.postMessage(m),
    onMessage: (h) => {
      handler = h;
      return () => {
        handler = null;
      };
    },
    onClose: (h) => port.on('close', h),
    close: () => port.close(),
  };
}
