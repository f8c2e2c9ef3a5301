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

/** What the UI tells the user after the engine crashed and was restarted, until dismissed. */
export type RestartNotice = EventPayload<'engine.restarted'>;

export class Engine {
  private client: RpcClient | null = null;
  private state: ConnectionState = { phase: 'connecting' };
  private generation = 0;
  private readonly stateListeners = new Set<() => void>();
  private readonly handlers = new Map<EventName, Set<Handler>>();
  private restartNotice: RestartNotice | null = null;
  private readonly noticeListeners = new Set<() => void>();

  constructor(readonly platform: Platform) {
    // Kept here, not in a component: the event may arrive while no banner is mounted.
    this.on('engine.restarted', (e) => {
      const earlier = this.restartNotice?.interruptedRuns ?? [];
      // Restarts in a row before a dismiss: the latest reason, every interrupted run.
      this.restartNotice = {
        reason: e.reason,
        interruptedRuns: [...new Set([...earlier, ...e.interruptedRuns])],
      };
      for (const l of this.noticeListeners) l();
    });
  }

  getRestartNotice = (): RestartNotice | null => this.restartNotice;

  subscribeRestartNotice = (listener: () => void): (() => void) => {
    this.noticeListeners.add(listener);
    return () => this.noticeListeners.delete(listener);
  };

  dismissRestartNotice = (): void => {
    this.restartNotice = null;
    for (const l of this.noticeListeners) l();
  };

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
