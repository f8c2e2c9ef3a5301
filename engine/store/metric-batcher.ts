// Coalesces a run's metric points into few store transactions. A training worker may report
// hundreds of points a second; one transaction per point would spend the time in fsync and
// locking, so points arriving within maxDelayMs (or until maxPoints are buffered) are committed
// together. The `write` callback commits and only then announces, so a client never sees a point
// the store does not have (a crash loses at most the unannounced buffer).
import type { MetricPoint } from '../protocol/schema';

export interface MetricBatcherOptions {
  /** Longest a point waits before it is committed. */
  maxDelayMs?: number;
  /** Buffered points that trigger an immediate commit. */
  maxPoints?: number;
}

export class MetricBatcher {
  private buffer: MetricPoint[] = [];
  private timer: NodeJS.Timeout | null = null;
  private readonly maxDelayMs: number;
  private readonly maxPoints: number;

  constructor(
    /** Commits one batch (one transaction), then announces it. Must not throw. */
    private readonly write: (points: MetricPoint[]) => void,
    options: MetricBatcherOptions = {},
  ) {
    this.maxDelayMs = options.maxDelayMs ?? 50;
    this.maxPoints = options.maxPoints ?? 500;
  }

  add(points: readonly MetricPoint[]): void {
    for (const p of points) this.buffer.push(p);
    if (this.buffer.length >= this.maxPoints) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.maxDelayMs);
  }

  /** Commits whatever is buffered now (run end, cancel, shutdown). */
  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    this.write(batch);
  }
}
