// Everything the UI knows about runs it has seen: status, progress, log and metric series,
// filled from engine events as they arrive (even before run.start answers with the id, since the
// engine announces a run as 'queued' first) and from runs.get for runs that started elsewhere.
import type { MetricPoint, RunDetail, RunStatus } from '../../../engine/protocol/schema';
import type { Engine } from '../app/engine';

export interface RunProgress {
  phase: string;
  done: number;
  total: number;
  rate: number | null;
}

export interface LogLine {
  level: 'info' | 'warn' | 'error';
  message: string;
  time: number;
}

export interface CachedRun {
  readonly runId: string;
  status: RunStatus | null;
  error: string | null;
  progress: RunProgress | null;
  logs: LogLine[];
  /** Metric key -> [step, value] pairs in step order. */
  series: Map<string, [number, number][]>;
  /** Latest value per key, for the runs table while a run is live. */
  latest: Record<string, number>;
  /** True when every point since the run began is here (seen from 'queued', or loaded). */
  complete: boolean;
}

export const TERMINAL: ReadonlySet<RunStatus> = new Set(['finished', 'failed', 'interrupted', 'cancelled']);
const MAX_LOG_LINES = 2000;

type PointsListener = (runId: string, points: MetricPoint[] | 'reset') => void;

export class RunCache {
  private readonly runs = new Map<string, CachedRun>();
  private readonly listeners = new Set<() => void>();
  private readonly pointListeners = new Set<PointsListener>();
  private version = 0;
  private scheduled = false;

  constructor(engine: Engine) {
    engine.on('run.status', ({ runId, status, error }) => {
      const run = this.entry(runId);
      if (status === 'queued' && run.series.size === 0) run.complete = true;
      run.status = status;
      run.error = error;
      this.changed();
    });
    engine.on('run.progress', ({ runId, phase, done, total, rate }) => {
      this.entry(runId).progress = { phase, done, total, rate };
      this.changed();
    });
    engine.on('run.log', ({ runId, level, message }) => {
      const run = this.entry(runId);
      run.logs.push({ level, message, time: Date.now() });
      if (run.logs.length > MAX_LOG_LINES) run.logs.splice(0, run.logs.length - MAX_LOG_LINES);
      this.changed();
    });
    engine.on('run.metrics', ({ runId, points }) => {
      const run = this.entry(runId);
      for (const p of points) this.addPoint(run, p);
      for (const l of this.pointListeners) l(runId, points);
      this.changed();
    });
  }

  getVersion = (): number => this.version;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Appended points (or 'reset' after a history load), for the incremental chart. */
  onPoints(listener: PointsListener): () => void {
    this.pointListeners.add(listener);
    return () => this.pointListeners.delete(listener);
  }

  get(runId: string): CachedRun | undefined {
    return this.runs.get(runId);
  }

  /** Merges a stored run (its full metric history) into what live events brought. */
  load(detail: RunDetail): CachedRun {
    const run = this.entry(detail.id);
    if (!run.complete) {
      for (const p of detail.metricHistory) this.addPoint(run, p);
      run.complete = true;
      for (const l of this.pointListeners) l(detail.id, 'reset');
    }
    // The store is authoritative for runs that ended; live status may be newer for running ones.
    if (run.status === null || TERMINAL.has(detail.status)) {
      run.status = detail.status;
      run.error = detail.error;
    }
    this.changed();
    return run;
  }

  private entry(runId: string): CachedRun {
    let run = this.runs.get(runId);
    if (!run) {
      run = {
        runId,
        status: null,
        error: null,
        progress: null,
        logs: [],
        series: new Map(),
        latest: {},
        complete: false,
      };
      this.runs.set(runId, run);
    }
    return run;
  }

  private addPoint(run: CachedRun, p: MetricPoint): void {
    let series = run.series.get(p.key);
    if (!series) {
      series = [];
      run.series.set(p.key, series);
    }
    const last = series.at(-1);
    if (!last || last[0] < p.step) {
      series.push([p.step, p.value]);
    } else {
      // Out of order or a duplicate (history overlapping live events): keep step order, no repeats.
      const i = series.findIndex((s) => s[0] >= p.step);
      if (series[i]?.[0] === p.step) series[i] = [p.step, p.value];
      else series.splice(i, 0, [p.step, p.value]);
    }
    const lastStep = series.at(-1)?.[0];
    if (lastStep === p.step) run.latest[p.key] = p.value;
  }

  /** Coalesces bursts of events into one React update per frame. */
  private changed(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    requestAnimationFrame(() => {
      this.scheduled = false;
      this.version++;
      for (const l of this.listeners) l();
    });
  }
}
