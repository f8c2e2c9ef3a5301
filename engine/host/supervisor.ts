// Browser mode's engine supervisor. `neurofab serve` runs the engine host in a child process
// (child-entry.ts) and relays each WebSocket client's protocol messages to it over IPC, so a crash
// in training or the store (or a kill) takes down only the engine. On an unexpected exit the
// supervisor restarts the child with back-off (restart-policy.ts), reopens the last opened project
// (which marks the runs the crash left running as 'interrupted', their metrics kept) and tells
// every client with an 'engine.restarted' event. The WebSockets stay open throughout: clients
// keep their subscriptions and see the engine pause, not vanish.
import { type ChildProcess, fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ErrorCode, type EventPayload, type Transport, type WireMessage } from '../protocol';
import type { FromChild, ToChild } from './child-protocol';
import { RestartPolicy } from './restart-policy';

export interface SupervisorOptions {
  /** The project the engine opens at start (and reopens after a crash until another is opened). */
  projectDir: string | null;
  /** Create projectDir if it does not exist (serve does). */
  create?: boolean;
  policy?: RestartPolicy;
  /** How long a graceful stop may take before the child is killed (ms). */
  stopTimeoutMs?: number;
  log?(message: string): void;
  /** Called when the policy gives up restarting; clients' requests then fail with CLOSED. */
  onGiveUp?(reason: string): void;
}

export interface RestartInfo extends EventPayload<'engine.restarted'> {
  /** Milliseconds from the crash being noticed to the new engine being ready. */
  downMs: number;
}

interface Client {
  transport: Transport;
  /** Requests forwarded to the current child and not yet answered: id → method. */
  pending: Map<number, string>;
}

/**
 * The child's entry: the bundled out/engine/engine-child.js beside this chunk, or from the
 * TypeScript sources (Vitest, tsx) child-entry.ts run through tsx's loader.
 */
function childSpec(): { script: string; execArgv: string[] } {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) {
    return { script: fileURLToPath(new URL('./engine-child.js', here)), execArgv: [] };
  }
  const tsx = pathToFileURL(createRequire(here).resolve('tsx')).href;
  return { script: fileURLToPath(new URL('./child-entry.ts', here)), execArgv: ['--import', tsx] };
}

function isRequest(m: unknown): m is { type: 'request'; id: number; method: string } {
  const r = m as { type?: unknown; id?: unknown; method?: unknown } | null;
  return r?.type === 'request' && typeof r.id === 'number' && typeof r.method === 'string';
}

function closedError(id: number, message: string): WireMessage {
  return { type: 'error', id, error: { code: ErrorCode.Closed, message } };
}

export class EngineSupervisor {
  private child: ChildProcess | null = null;
  private ready = false;
  private stopping = false;
  private givenUp: string | null = null;
  private restartTimer: NodeJS.Timeout | null = null;
  private projectRoot: string | null;
  private nextConn = 1;
  private readonly clients = new Map<number, Client>();
  /** Client messages that arrived while the child was (re)starting, sent once it is ready. */
  private queue: { conn: number; m: unknown }[] = [];
  /** Requests a crash left unanswered; they fail once the engine is back (or given up). */
  private lost: { conn: number; id: number; method: string }[] = [];
  /** Why the engine went down, and when; set from the crash until the restart completes. */
  private crash: { reason: string; at: number } | null = null;
  private readonly policy: RestartPolicy;
  private readonly log: (message: string) => void;
  private readonly restartListeners = new Set<(info: RestartInfo) => void>();
  private readonly killOnExit = () => this.child?.kill('SIGKILL');

  constructor(private readonly options: SupervisorOptions) {
    this.projectRoot = options.projectDir;
    this.policy = options.policy ?? new RestartPolicy();
    this.log = options.log ?? ((m) => console.error(`[engine supervisor] ${m}`));
  }

  /**
   * Starts the engine and resolves once it is ready. Rejects (leaving no child behind) when the
   * child cannot start or the project cannot be opened.
   */
  start(): Promise<void> {
    process.on('exit', this.killOnExit);
    return new Promise<void>((resolve, reject) => {
      const child = this.spawn(this.options.create ?? false);
      const onFirst = (m: FromChild) => {
        if (m.t !== 'ready') return;
        child.off('message', onFirst);
        child.off('exit', onEarlyExit);
        if (m.error) {
          // Reject only once the child is gone: a failed start leaves no process behind.
          this.stopping = true;
          child.once('exit', () => {
            process.off('exit', this.killOnExit);
            reject(new Error(m.error ?? ''));
          });
          child.kill('SIGKILL');
        } else resolve();
      };
      const onEarlyExit = (code: number | null, signal: NodeJS.Signals | null) => {
        child.off('message', onFirst);
        process.off('exit', this.killOnExit);
        reject(new Error(`The engine process stopped during start-up (${describeExit(code, signal)}).`));
      };
      child.on('message', onFirst);
      child.once('exit', onEarlyExit);
    });
  }

  /** The engine child's process id (tests kill it to check recovery). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Called after every completed restart, with what the clients were told. */
  onRestarted(listener: (info: RestartInfo) => void): () => void {
    this.restartListeners.add(listener);
    return () => this.restartListeners.delete(listener);
  }

  /** Serves one client (a WebSocket) for as long as it stays open, across engine restarts. */
  attach(transport: Transport): void {
    const conn = this.nextConn++;
    const client: Client = { transport, pending: new Map() };
    this.clients.set(conn, client);
    if (this.ready) this.toChild({ t: 'open', conn });
    transport.onMessage((m) => this.fromClient(conn, m));
    transport.onClose?.(() => {
      this.clients.delete(conn);
      this.queue = this.queue.filter((q) => q.conn !== conn);
      this.lost = this.lost.filter((l) => l.conn !== conn);
      if (this.ready) this.toChild({ t: 'close', conn });
    });
  }

  /** Stops the engine: SIGTERM (it cancels runs and closes the store), SIGKILL after a timeout. */
  async close(): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => child.kill('SIGKILL'), this.options.stopTimeoutMs ?? 3000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      });
    }
    this.child = null;
    process.off('exit', this.killOnExit);
  }

  private spawn(create: boolean): ChildProcess {
    const { script, execArgv } = childSpec();
    const args = this.projectRoot ? ['--project', this.projectRoot, ...(create ? ['--create'] : [])] : [];
    const child = fork(script, args, { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.child = child;
    this.ready = false;
    child.on('message', (m: FromChild) => {
      if (this.child === child) this.fromChild(m);
    });
    child.on('error', (err) => this.log(`engine process error: ${err.message}`));
    child.once('exit', (code, signal) => this.onExit(child, code, signal));
    return child;
  }

  private toChild(message: ToChild): void {
    const child = this.child;
    if (!child?.connected) return;
    // A child dying between the check and the send raises here; its 'exit' handles the rest.
    child.send(message, (err) => {
      if (err) this.log(`could not reach the engine: ${err.message}`);
    });
  }

  private fromClient(conn: number, m: unknown): void {
    const client = this.clients.get(conn);
    if (!client) return;
    if (this.givenUp !== null) {
      if (isRequest(m)) client.transport.send(closedError(m.id, this.downMessage(null)));
      return;
    }
    if (!this.ready) {
      this.queue.push({ conn, m });
      return;
    }
    this.forward(conn, client, m);
  }

  private forward(conn: number, client: Client, m: unknown): void {
    if (isRequest(m)) client.pending.set(m.id, m.method);
    this.toChild({ t: 'msg', conn, m });
  }

  private fromChild(message: FromChild): void {
    if (message.t === 'ready') {
      this.onReady(message);
      return;
    }
    const client = this.clients.get(message.conn);
    if (!client) return;
    const m = message.m as WireMessage;
    if (m.type === 'response' || m.type === 'error') {
      const method = client.pending.get(m.id);
      client.pending.delete(m.id);
      // A restart reopens the project the user last opened, not the one serve started with.
      if (method === 'project.open' && m.type === 'response') {
        const root = (m.result as { root?: unknown } | null)?.root;
        if (typeof root === 'string') this.projectRoot = root;
      }
    }
    client.transport.send(m);
  }

  private onReady(message: Extract<FromChild, { t: 'ready' }>): void {
    this.ready = true;
    if (message.root) this.projectRoot = message.root;
    else if (message.error && this.crash) this.log(`after the restart: ${message.error}`);
    for (const conn of this.clients.keys()) this.toChild({ t: 'open', conn });
    const crash = this.crash;
    this.crash = null;
    if (crash) {
      for (const { conn, id, method } of this.lost) {
        this.clients
          .get(conn)
          ?.transport.send(
            closedError(id, `The engine stopped while handling ${method}; it has been restarted. Try again.`),
          );
      }
      this.lost = [];
      const payload = { reason: crash.reason, interruptedRuns: message.interruptedRuns };
      // Besides the notice, the status change of each interrupted run and a runs.changed, so open
      // run views update as they would for any other status change.
      const events: WireMessage[] = [
        { type: 'event', event: 'engine.restarted', payload },
        ...message.interruptedRuns.map(
          (runId): WireMessage => ({
            type: 'event',
            event: 'run.status',
            payload: { runId, status: 'interrupted', error: null },
          }),
        ),
        { type: 'event', event: 'runs.changed', payload: {} },
      ];
      for (const client of this.clients.values()) for (const e of events) client.transport.send(e);
      const info: RestartInfo = { ...payload, downMs: Date.now() - crash.at };
      this.log(
        `engine restarted after ${info.downMs} ms; ${info.interruptedRuns.length} run(s) marked interrupted`,
      );
      for (const listener of this.restartListeners) listener(info);
    }
    const queued = this.queue;
    this.queue = [];
    for (const { conn, m } of queued) {
      const client = this.clients.get(conn);
      if (client) this.forward(conn, client, m);
    }
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.child !== child) return;
    const wasReady = this.ready;
    this.child = null;
    this.ready = false;
    if (this.stopping) return;
    // A child that never became ready on the first start is start()'s failure, not a crash.
    if (!wasReady && this.crash === null) return;
    const reason = describeExit(code, signal);
    // The first crash of a sequence is the one to explain; a failed restart keeps it.
    this.crash ??= { reason, at: Date.now() };
    for (const [conn, client] of this.clients) {
      for (const [id, method] of client.pending) this.lost.push({ conn, id, method });
      client.pending.clear();
    }
    const decision = this.policy.onCrash(Date.now());
    this.log(
      `engine stopped (${reason}); ${decision.restart ? `restarting in ${decision.delayMs} ms` : `giving up: ${decision.reason}`}`,
    );
    if (!decision.restart) {
      this.giveUp(`${reason}; ${decision.reason}`);
      return;
    }
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (!this.stopping) this.spawn(false);
    }, decision.delayMs);
  }

  private giveUp(reason: string): void {
    this.givenUp = reason;
    for (const { conn, id, method } of this.lost) {
      this.clients.get(conn)?.transport.send(closedError(id, this.downMessage(method)));
    }
    for (const { conn, m } of this.queue) {
      if (isRequest(m)) this.clients.get(conn)?.transport.send(closedError(m.id, this.downMessage(null)));
    }
    this.lost = [];
    this.queue = [];
    this.options.onGiveUp?.(reason);
  }

  /** The error for a request the engine cannot answer after the supervisor gave up. */
  private downMessage(method: string | null): string {
    const what = method ? `while handling ${method} ` : '';
    return `The engine stopped ${what}and was not restarted (${this.givenUp}). Restart \`neurofab serve\`.`;
  }
}

function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `killed by ${signal}` : `exit code ${code}`;
}
