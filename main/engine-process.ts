// The engine host runs in an Electron utilityProcess (out/engine/host.js, bundled by esbuild from
// engine/host/utility-entry.ts). Each renderer page gets its own MessageChannelMain: port1 goes to
// the engine ({type:'connect'}), port2 to the page ('engine-port'). If the engine dies unexpectedly
// it is restarted (with back-off, see engine/host/restart-policy.ts) and every page is handed a
// fresh port, marked so the new engine tells that page about the restart ('engine.restarted').
import { MessageChannelMain, type UtilityProcess, utilityProcess, type WebContents } from 'electron';
import { RestartPolicy } from '../engine/host/restart-policy';
import { Channels, type EngineDownInfo } from './ipc-contract';

export interface EngineProcessOptions {
  /** Absolute path of the bundled host script (out/engine/host.js). */
  hostScript: string;
  /** The project the engine opens at start and on every restart (latest known to the shell). */
  projectRoot(): string | null;
  /** Called when the shell gives up restarting the engine. */
  onGiveUp(reason: string, exitCode: number): void;
  log?(message: string): void;
}

export class EngineProcess {
  private child: UtilityProcess | null = null;
  private spawned = false;
  private stopping = false;
  private restartTimer: NodeJS.Timeout | null = null;
  /** Why the engine last stopped, from the crash until its replacement has greeted the pages. */
  private restartReason: string | null = null;
  /** Pages that asked for a port; they get a new one after every restart. */
  private readonly clients = new Set<WebContents>();
  /** Pages waiting for the engine to be up before their port is created. */
  private readonly waiting = new Set<WebContents>();
  private readonly policy = new RestartPolicy();
  private readonly log: (message: string) => void;

  constructor(private readonly options: EngineProcessOptions) {
    this.log = options.log ?? ((m) => console.log(`[engine-process] ${m}`));
  }

  get running(): boolean {
    return this.child !== null && this.spawned;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): void {
    if (this.child || this.stopping) return;
    const root = this.options.projectRoot();
    const args = [
      ...(root ? ['--project', root] : []),
      ...(this.restartReason !== null ? ['--restarted', this.restartReason] : []),
    ];
    this.log(`starting ${this.options.hostScript}${root ? ` --project ${root}` : ''}`);
    const child = utilityProcess.fork(this.options.hostScript, args, {
      serviceName: 'Neurofab engine',
      stdio: 'inherit',
    });
    this.child = child;
    this.spawned = false;
    child.once('spawn', () => {
      if (this.child !== child) return;
      this.spawned = true;
      this.log(`engine started (pid ${child.pid})`);
      const announceRestart = this.restartReason !== null;
      for (const contents of this.waiting) this.handOver(contents, announceRestart);
      this.waiting.clear();
      this.restartReason = null;
    });
    child.once('exit', (code) => this.onExit(child, code));
  }

  /** A page asked for a port (its preload runs on every load, so reloads get a new one). */
  connect(contents: WebContents): void {
    if (!this.clients.has(contents)) {
      this.clients.add(contents);
      contents.once('destroyed', () => {
        this.clients.delete(contents);
        this.waiting.delete(contents);
      });
    }
    if (this.running) this.handOver(contents);
    else this.waiting.add(contents);
  }

  private handOver(contents: WebContents, announceRestart = false): void {
    const child = this.child;
    if (!child || contents.isDestroyed()) return;
    const { port1, port2 } = new MessageChannelMain();
    child.postMessage({ type: 'connect', announceRestart }, [port1]);
    contents.postMessage(Channels.enginePort, null, [port2]);
  }

  private onExit(child: UtilityProcess, code: number): void {
    if (this.child !== child) return;
    this.child = null;
    this.spawned = false;
    if (this.stopping) return;
    const decision = this.policy.onCrash(Date.now());
    this.log(
      `engine exited unexpectedly (code ${code}); ${decision.restart ? `restarting in ${decision.delayMs} ms` : `giving up: ${decision.reason}`}`,
    );
    const info: EngineDownInfo = { exitCode: code, restarting: decision.restart };
    for (const contents of this.clients) {
      if (contents.isDestroyed()) continue;
      contents.send(Channels.engineDown, info);
      if (decision.restart) this.waiting.add(contents);
    }
    if (!decision.restart) {
      this.restartReason = null;
      this.options.onGiveUp(decision.reason, code);
      return;
    }
    // A crash loop keeps the first reason: that is the one the user needs.
    this.restartReason ??= `exit code ${code}`;
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      this.start();
    }, decision.delayMs);
  }

  /** Starts again after a give-up (e.g. from a dialog's "Restart engine" button). */
  restart(): void {
    this.policy.reset();
    for (const contents of this.clients) if (!contents.isDestroyed()) this.waiting.add(contents);
    this.start();
  }

  /** Stops the engine gracefully (SIGTERM: it closes the store), waiting at most timeoutMs. */
  async stop(timeoutMs = 3000): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    const child = this.child;
    if (!child) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill();
    });
  }
}
