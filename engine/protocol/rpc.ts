// Transport-neutral RPC endpoints. A Transport moves JSON-able messages; the same client and
// server run over a MessagePort (Electron), a WebSocket (browser mode) or an in-memory pair (tests).
import type { z } from 'zod';
import {
  ErrorCode,
  type EventName,
  type EventPayload,
  events,
  type MethodName,
  methods,
  type Params,
  type Result,
  type WireMessage,
  WireMessageSchema,
} from './schema';

export interface Transport {
  send(message: WireMessage): void;
  /** Registers the single message handler; returns an unsubscribe function. */
  onMessage(handler: (message: unknown) => void): () => void;
  onClose?(handler: () => void): void;
  close?(): void;
}

export class RpcError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
    this.name = 'RpcError';
  }
}

function describeZodIssues(error: { issues: { path: PropertyKey[]; message: string }[] }): string {
  return error.issues
    .map((issue) => `${issue.path.length ? issue.path.map(String).join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
}

// ---------------------------------------------------------------- client

export interface CallOptions {
  signal?: AbortSignal;
}

export class RpcClient {
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { method: MethodName; resolve: (v: unknown) => void; reject: (e: Error) => void }
  >();
  private readonly listeners = new Map<string, Set<(payload: unknown) => void>>();
  private closed = false;

  constructor(private readonly transport: Transport) {
    transport.onMessage((raw) => this.receive(raw));
    transport.onClose?.(() => this.failAll(new RpcError(ErrorCode.Closed, 'The engine connection closed.')));
  }

  call<M extends MethodName>(method: M, params: Params<M>, options: CallOptions = {}): Promise<Result<M>> {
    if (this.closed)
      return Promise.reject(new RpcError(ErrorCode.Closed, 'The engine connection is closed.'));
    const parsed = methods[method].params.safeParse(params);
    if (!parsed.success) {
      return Promise.reject(
        new RpcError(ErrorCode.InvalidParams, `${method}: ${describeZodIssues(parsed.error)}`),
      );
    }
    const id = this.nextId++;
    return new Promise<Result<M>>((resolve, reject) => {
      this.pending.set(id, { method, resolve: resolve as (v: unknown) => void, reject });
      if (options.signal) {
        if (options.signal.aborted) {
          this.pending.delete(id);
          reject(new RpcError(ErrorCode.Cancelled, `${method} was cancelled.`));
          return;
        }
        options.signal.addEventListener(
          'abort',
          () => {
            if (!this.pending.has(id)) return;
            this.transport.send({ type: 'cancel', id });
          },
          { once: true },
        );
      }
      this.transport.send({ type: 'request', id, method, params: parsed.data });
    });
  }

  on<E extends EventName>(event: E, handler: (payload: EventPayload<E>) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    const h = handler as (payload: unknown) => void;
    set.add(h);
    return () => set.delete(h);
  }

  close(): void {
    this.failAll(new RpcError(ErrorCode.Closed, 'The engine connection closed.'));
    this.transport.close?.();
  }

  private failAll(error: RpcError): void {
    this.closed = true;
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
  }

  private receive(raw: unknown): void {
    const msg = WireMessageSchema.safeParse(raw);
    if (!msg.success) {
      console.warn(`Ignored a malformed message from the engine: ${describeZodIssues(msg.error)}`);
      return;
    }
    const m = msg.data;
    if (m.type === 'event') {
      const schema = (events as Record<string, (typeof events)[EventName]>)[m.event];
      if (!schema) return;
      const payload = schema.safeParse(m.payload);
      if (!payload.success) {
        console.warn(`Ignored a malformed ${m.event} event: ${describeZodIssues(payload.error)}`);
        return;
      }
      for (const h of this.listeners.get(m.event) ?? []) h(payload.data);
      return;
    }
    if (m.type !== 'response' && m.type !== 'error') return;
    const pending = this.pending.get(m.id);
    if (!pending) return;
    this.pending.delete(m.id);
    if (m.type === 'error') {
      pending.reject(new RpcError(m.error.code, m.error.message, m.error.data));
      return;
    }
    const result = methods[pending.method].result.safeParse(m.result);
    if (!result.success) {
      pending.reject(
        new RpcError(
          ErrorCode.InvalidResult,
          `${pending.method} returned an invalid result: ${describeZodIssues(result.error)}`,
        ),
      );
      return;
    }
    pending.resolve(result.data);
  }
}

// ---------------------------------------------------------------- server

export interface RequestContext {
  /** Aborted when the client cancels this request or disconnects. */
  signal: AbortSignal;
}

type ParsedParams<M extends MethodName> = z.infer<(typeof methods)[M]['params']>;

export type Handlers = {
  [M in MethodName]: (params: ParsedParams<M>, ctx: RequestContext) => Promise<Result<M>> | Result<M>;
};

/** Something that can broadcast events to every connected client. */
export interface EventSink {
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
}

/** Serves handlers on one transport (one connection). */
export class RpcConnection {
  private readonly inflight = new Map<number, AbortController>();

  constructor(
    private readonly transport: Transport,
    private readonly handlers: Handlers,
  ) {
    transport.onMessage((raw) => void this.receive(raw));
    transport.onClose?.(() => {
      for (const c of this.inflight.values()) c.abort();
      this.inflight.clear();
    });
  }

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    const parsed = events[event].safeParse(payload);
    if (!parsed.success)
      throw new Error(`Engine bug: invalid ${event} event: ${describeZodIssues(parsed.error)}`);
    this.transport.send({ type: 'event', event, payload: parsed.data });
  }

  private async receive(raw: unknown): Promise<void> {
    const msg = WireMessageSchema.safeParse(raw);
    if (!msg.success) {
      // Echo the id only when it is one a reply may carry (an integer), so the error is well-formed.
      const rawId = (raw as { id?: unknown } | null | undefined)?.id;
      const id = Number.isSafeInteger(rawId) ? (rawId as number) : -1;
      this.transport.send({
        type: 'error',
        id,
        error: {
          code: ErrorCode.BadMessage,
          message: `Malformed message: ${describeZodIssues(msg.error)}. Expected {type:'request', id, method, params}.`,
        },
      });
      return;
    }
    const m = msg.data;
    if (m.type === 'cancel') {
      this.inflight.get(m.id)?.abort();
      return;
    }
    if (m.type !== 'request') return;
    // Own properties only: a method named 'constructor' or 'toString' must not find Object.prototype's.
    const def = Object.hasOwn(methods, m.method)
      ? (methods as Record<string, (typeof methods)[MethodName]>)[m.method]
      : undefined;
    if (!def) {
      this.transport.send({
        type: 'error',
        id: m.id,
        error: {
          code: ErrorCode.UnknownMethod,
          message: `Unknown method "${m.method}". Known methods: ${Object.keys(methods).join(', ')}.`,
        },
      });
      return;
    }
    const params = def.params.safeParse(m.params);
    if (!params.success) {
      this.transport.send({
        type: 'error',
        id: m.id,
        error: { code: ErrorCode.InvalidParams, message: `${m.method}: ${describeZodIssues(params.error)}` },
      });
      return;
    }
    const controller = new AbortController();
    this.inflight.set(m.id, controller);
    try {
      const handler = this.handlers[m.method as MethodName] as (
        p: unknown,
        ctx: RequestContext,
      ) => Promise<unknown> | unknown;
      const result = await handler(params.data, { signal: controller.signal });
      if (controller.signal.aborted) throw new RpcError(ErrorCode.Cancelled, `${m.method} was cancelled.`);
      const checked = def.result.safeParse(result);
      if (!checked.success) {
        throw new RpcError(
          ErrorCode.InvalidResult,
          `Engine bug: ${m.method} produced ${describeZodIssues(checked.error)}`,
        );
      }
      this.transport.send({ type: 'response', id: m.id, result: checked.data });
    } catch (err) {
      const e =
        err instanceof RpcError
          ? err
          : new RpcError(ErrorCode.Internal, err instanceof Error ? err.message : String(err));
      this.transport.send({
        type: 'error',
        id: m.id,
        error: { code: e.code, message: e.message, data: e.data },
      });
    } finally {
      this.inflight.delete(m.id);
    }
  }
}

/** Many connections sharing one set of handlers; events go to all of them. */
export class RpcServer implements EventSink {
  private readonly connections = new Set<RpcConnection>();

  constructor(private readonly handlers: Handlers) {}

  attach(transport: Transport): RpcConnection {
    const connection = new RpcConnection(transport, this.handlers);
    this.connections.add(connection);
    transport.onClose?.(() => this.connections.delete(connection));
    return connection;
  }

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    for (const c of this.connections) {
      try {
        c.emit(event, payload);
      } catch (err) {
        console.error(err);
      }
    }
  }

  get connectionCount(): number {
    return this.connections.size;
  }
}

/** Two transports wired back to back, for tests and in-process use. */
export function memoryTransportPair(): [Transport, Transport] {
  const make = () => {
    let handler: ((m: unknown) => void) | null = null;
    const closeHandlers: (() => void)[] = [];
    return { handler: () => handler, set: (h: (m: unknown) => void) => (handler = h), closeHandlers };
  };
  const a = make();
  const b = make();
  const side = (self: ReturnType<typeof make>, other: ReturnType<typeof make>): Transport => ({
    // Round-trip through JSON so tests see exactly what a real wire would carry.
    send: (m) => queueMicrotask(() => other.handler()?.(JSON.parse(JSON.stringify(m)))),
    onMessage: (h) => {
      self.set(h);
      return () => self.set(() => {});
    },
    onClose: (h) => self.closeHandlers.push(h),
    close: () => {
      for (const h of [...self.closeHandlers, ...other.closeHandlers]) h();
    },
  });
  return [side(a, b), side(b, a)];
}
