// The preload's link to the engine over a MessagePort, without any `electron` import (so it is
// unit-tested): validates both directions against the wire schema, queues messages until a port
// arrives, tracks requests in flight, and switches to a new port when the engine was restarted.
import { type WireMessage, WireMessageSchema } from '../engine/protocol/schema';
import type { EngineDownInfo } from '../main/ipc-contract';
import type { EngineRestartInfo } from './api';

/** The DOM MessagePort as the preload uses it (and as tests fake it). */
export interface LinkPort {
  postMessage(message: unknown): void;
  close(): void;
  onmessage: ((event: { data: unknown }) => void) | null;
  start?(): void;
}

export interface EngineLinkOptions {
  /** Messages queued while no port is attached; beyond this, send() throws. */
  maxQueue?: number;
  warn?(message: string): void;
}

type Handler<T> = (value: T) => void;

function subscribe<T>(set: Set<Handler<T>>, handler: Handler<T>): () => void {
  if (typeof handler !== 'function') throw new TypeError('The handler must be a function.');
  set.add(handler);
  return () => {
    set.delete(handler);
  };
}

export class EngineLink {
  private port: LinkPort | null = null;
  private readonly queue: WireMessage[] = [];
  private readonly inflight = new Set<number>();
  private readonly handlers = new Set<Handler<unknown>>();
  private readonly restartHandlers = new Set<Handler<EngineRestartInfo>>();
  private readonly maxQueue: number;
  private readonly warn: (message: string) => void;

  constructor(options: EngineLinkOptions = {}) {
    this.maxQueue = options.maxQueue ?? 10_000;
    this.warn = options.warn ?? ((m) => console.warn(m));
  }

  get connected(): boolean {
    return this.port !== null;
  }

  get queued(): number {
    return this.queue.length;
  }

  /** From the page: only requests and cancels, and only well-formed ones, reach the engine. */
  send(message: unknown): void {
    const parsed = WireMessageSchema.safeParse(message);
    if (!parsed.success) {
      throw new TypeError(
        `studio.rpc.send: not a protocol message (${parsed.error.issues[0]?.message ?? 'invalid'}).`,
      );
    }
    const m = parsed.data;
    if (m.type !== 'request' && m.type !== 'cancel') {
      throw new TypeError(`studio.rpc.send: the page may send only requests and cancels, not '${m.type}'.`);
    }
    if (!this.port) {
      if (this.queue.length >= this.maxQueue) {
        throw new Error('studio.rpc.send: the engine is not connected and the outgoing queue is full.');
      }
      this.queue.push(m);
      return;
    }
    this.post(m);
  }

  onMessage(handler: Handler<unknown>): () => void {
    return subscribe(this.handlers, handler);
  }

  onEngineRestart(handler: Handler<EngineRestartInfo>): () => void {
    return subscribe(this.restartHandlers, handler);
  }

  /** A port to a (new) engine arrived: use it and flush what was queued. */
  attachPort(port: LinkPort): void {
    this.port?.close();
    this.port = port;
    port.onmessage = (event) => this.receive(event.data);
    port.start?.();
    for (const m of this.queue.splice(0)) this.post(m);
  }

  /** The engine exited: drop the dead port, report the requests that were lost, queue from now on. */
  engineDown(info: EngineDownInfo): void {
    this.port?.close();
    this.port = null;
    const lostRequestIds = [...this.inflight];
    this.inflight.clear();
    const event: EngineRestartInfo = { ...info, lostRequestIds };
    for (const h of this.restartHandlers) {
      try {
        h(event);
      } catch (err) {
        this.warn(`engine restart handler failed: ${(err as Error).message}`);
      }
    }
  }

  private post(m: WireMessage): void {
    if (m.type === 'request') this.inflight.add(m.id);
    this.port!.postMessage(m);
  }

  private receive(raw: unknown): void {
    const parsed = WireMessageSchema.safeParse(raw);
    if (!parsed.success) {
      this.warn(
        `Dropped a malformed message from the engine: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
      );
      return;
    }
    const m = parsed.data;
    if (m.type === 'response' || m.type === 'error') this.inflight.delete(m.id);
    for (const h of this.handlers) {
      try {
        h(m);
      } catch (err) {
        this.warn(`studio.rpc message handler failed: ${(err as Error).message}`);
      }
    }
  }
}
