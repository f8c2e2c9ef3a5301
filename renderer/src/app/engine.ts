// One long-lived handle on the engine for the whole UI. The RpcClient underneath is replaced on
// reconnect; event subscriptions and the UI state built on them survive that (open editors keep
// their unsaved text), so components subscribe here rather than on a client.
import { type RpcClient, RpcError } from '../../../engine/protocol/rpc';
import {
  ErrorCode,
  type EventName,
  type EventPayload,
  events,
  type MethodName,
  type Params,
  type Result,
} from '../../../engine/protocol/schema';
import type { Platform } from '../platform';

export type ConnectionState =
  | { phase: 'connecting' }
  | { phase: 'open'; generation: number }
  | { phase: 'failed'; message: string; canRetry: boolean };

type Handler = (payload: unknown) => void;

export class Engine {
  private client: RpcClient | null = null;
  private state: ConnectionState = { phase: 'connecting' };
  private generation = 0;
  private readonly stateListeners = new Set<() => void>();
  private readonly handlers = new Map<EventName, Set<Handler>>();

  constructor(readonly platform: Platform) {}

  getState = (): ConnectionState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  };

  async connect(): Promise<void> {
    this.client?.close();
    this.client = null;
    this.setState({ phase: 'connecting' });
    try {
      const client = await this.platform.connect((reason) => {
        if (this.client !== client) return;
        this.client = null;
        this.setState({ phase: 'failed', message: reason, canRetry: true });
      });
      for (const name of Object.keys(events) as EventName[]) {
        client.on(name, (payload) => this.dispatch(name, payload));
      }
      this.client = client;
      this.generation++;
      this.setState({ phase: 'open', generation: this.generation });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const canRetry = !(err instanceof Error && 'reason' in err && err.reason === 'missing-token');
      this.setState({ phase: 'failed', message, canRetry });
    }
  }

  call<M extends MethodName>(method: M, params: Params<M>): Promise<Result<M>> {
    if (!this.client) {
      return Promise.reject(new RpcError(ErrorCode.Closed, 'Not connected to the engine.'));
    }
    return this.client.call(method, params);
  }

  on<E extends EventName>(event: E, handler: (payload: EventPayload<E>) => void): () => void {
    let set = this.handlers.get(event);
    if (!set) {
      set = new Set();
      this.handlers.set(event, set);
    }
    const h = handler as Handler;
    set.add(h);
    return () => set.delete(h);
  }

  private dispatch(event: EventName, payload: unknown): void {
    for (const h of this.handlers.get(event) ?? []) {
      try {
        h(payload);
      } catch (err) {
        // One faulty view must not stop the others from hearing about a run.
        console.error(`A ${event} handler failed:`, err);
      }
    }
  }

  private setState(state: ConnectionState): void {
    this.state = state;
    for (const l of this.stateListeners) l();
  }
}
