// When the engine process dies unexpectedly its supervisor (the Electron shell, or browser mode's
// EngineSupervisor) restarts it, with a growing delay, and gives up after too many crashes in a
// short window (a crash loop would otherwise spin forever).

export interface RestartPolicyOptions {
  /** Crashes tolerated within windowMs before giving up. */
  maxRestarts: number;
  windowMs: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export type RestartDecision = { restart: true; delayMs: number } | { restart: false; reason: string };

export class RestartPolicy {
  private crashes: number[] = [];
  private readonly options: RestartPolicyOptions;

  constructor(options: Partial<RestartPolicyOptions> = {}) {
    this.options = { maxRestarts: 5, windowMs: 60_000, baseDelayMs: 200, maxDelayMs: 5_000, ...options };
  }

  /** Records a crash at `now` (ms) and decides whether and when to restart. */
  onCrash(now: number): RestartDecision {
    const { maxRestarts, windowMs, baseDelayMs, maxDelayMs } = this.options;
    this.crashes = this.crashes.filter((t) => now - t < windowMs);
    this.crashes.push(now);
    if (this.crashes.length > maxRestarts) {
      return {
        restart: false,
        reason: `the engine crashed ${this.crashes.length} times within ${Math.round(windowMs / 1000)} s`,
      };
    }
    const delayMs = Math.min(maxDelayMs, baseDelayMs * 2 ** (this.crashes.length - 1));
    return { restart: true, delayMs };
  }

  reset(): void {
    this.crashes = [];
  }
}
