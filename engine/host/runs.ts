// Turns "run this experiment" into a recorded run: checks the DSL, builds the training plan,
// records the run in the store, trains in a worker thread, and streams progress and metrics
// both to the store (the host is its single writer) and to every connected client.
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { checkDocument, formatDiagnostic } from '../dsl';
import { estimateEnergy } from '../energy';
import type { ElaboratedModel } from '../ir/model';
import {
  ErrorCode,
  type EventSink,
  type MetricPoint,
  RpcError,
  type RunOverrides,
  type RunStatus,
  SpikeRecordSchema,
} from '../protocol';
import { buildTrainingPlan, type DatasetSource, type TrainingPlan } from '../sim/plan';
import type { LearnerArtifact } from '../sim/rules/types';
import { startTrainingJob } from '../sim/run-in-worker';
import { buildSnnPlan, isSpikingNetwork } from '../snn/plan';
import { SPIKES_ARTIFACT } from '../snn/record';
import { isStorablePoint, type Store } from '../store';
import { MetricBatcher } from '../store/metric-batcher';
import { ENGINE_VERSION } from '../version';
import { projectReader, resolveInProject } from './project';
import { applySweepPoint, expandSweeps, type SweepPoint, sweepParams } from './sweep';

export interface RunRequest {
  /** Project-relative (or CLI-given) path of the source, recorded with the run. */
  sourceFile: string;
  text: string;
  experiment?: string;
  overrides?: RunOverrides;
  /**
   * Which sweep points to run: 'all' (default), 'base' (the experiment as written), one index, or
   * several (a resume).
   */
  sweep?: 'all' | 'base' | number | readonly number[];
}

/** How a run request relates to what the store already has (re-runs and resumes). */
interface LaunchContext {
  /** An existing sweep the points belong to (no new sweep is recorded). */
  sweepId?: string;
  /** Extra tags on every run, e.g. rerun_of. */
  tags?: Record<string, string>;
}

export interface StartedRun {
  runId: string;
  /** The sweep point this run trains, or null for an experiment without sweeps ('base'). */
  sweepPoint: SweepPoint | null;
  done: Promise<RunOutcome>;
}

export interface StartedExperiment {
  experiment: string;
  /** Shared by the runs of one sweep (also their `sweep` tag); null without a sweep. */
  sweepId: string | null;
  runs: StartedRun[];
}

export interface RunOutcome {
  runId: string;
  experiment: string;
  status: RunStatus;
  metrics: Record<string, number>;
  error: string | null;
}

/** Name of the run artifact holding the run's EnergyReport (JSON). */
export const ENERGY_ARTIFACT = 'energy';

interface ActiveRun {
  cancel(): void;
  /** The sweep point it trains, so a resume does not start a point that is under way. */
  sweep: { id: string; index: number } | null;
  /** Commits the metric points still buffered. */
  flushMetrics(): void;
}

/** Flattens the plan into MLflow-style string params, so runs can be compared field by field. */
export function planParams(plan: TrainingPlan): Record<string, string> {
  const out: Record<string, string> = {};
  const visit = (prefix: string, value: unknown) => {
    if (value === null || value === undefined) {
      out[prefix] = String(value);
    } else if (Array.isArray(value)) {
      for (const [i, v] of value.entries()) visit(`${prefix}.${i}`, v);
    } else if (typeof value === 'object') {
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (k === 'range' || k === 'provenance') continue;
        visit(prefix ? `${prefix}.${k}` : k, v);
      }
    } else {
      out[prefix] = String(value);
    }
  };
  visit('', plan);
  return out;
}

/**
 * A plan whose data files are absolute paths inside the project: the DSL writes them relative to
 * the project, and a run may read only files of its project (no `..` or symlink escapes).
 */
export function withDataInProject(plan: TrainingPlan, root: string): TrainingPlan {
  const ds = plan.dataset;
  if (ds.kind !== 'files') return plan;
  const abs = (p: string) => resolveInProject(root, p);
  const dataset: DatasetSource =
    ds.format === 'csv'
      ? { ...ds, train: abs(ds.train), test: abs(ds.test) }
      : { ...ds, trainX: abs(ds.trainX), trainY: abs(ds.trainY), testX: abs(ds.testX), testY: abs(ds.testY) };
  return { ...plan, dataset };
}

export class RunManager {
  private readonly active = new Map<string, ActiveRun>();
  private readonly queue: (() => void)[] = [];
  private running = 0;

  constructor(
    private readonly store: Store,
    private readonly sink: EventSink,
    /** Concurrent training workers; the rest wait as 'queued'. */
    private readonly maxConcurrent = Math.max(1, os.availableParallelism() - 1),
    /** Project folder: `import`s are read from it (and only from it). */
    private readonly projectRoot?: string,
  ) {}

  /** Experiment names a source defines, or a DSL_ERRORS RpcError listing the diagnostics. */
  experimentsOf(sourceFile: string, text: string): string[] {
    return this.check(sourceFile, text).result.model.experiments.map((e) => e.name);
  }

  /**
   * Checks a source; imports are read from the project (or from `overlay` first, for sweep points).
   * Returns the result and every file the checker read, so a sweep can patch the one that declares
   * the swept device.
   */
  private check(sourceFile: string, text: string, overlay?: ReadonlyMap<string, string>) {
    const root = this.projectRoot;
    const read = new Map<string, string>([[sourceFile, text]]);
    const result = checkDocument(sourceFile, text, {
      readFile: (p) => {
        const over = overlay?.get(p);
        if (over !== undefined) {
          read.set(p, over);
          return over;
        }
        const t = root ? projectReader(root)(p) : null;
        if (t !== null) read.set(p, t);
        return t;
      },
    });
    if (result.hasErrors) {
      const errors = result.diagnostics.filter((d) => d.severity === 'error');
      throw new RpcError(
        ErrorCode.DslErrors,
        `${sourceFile} has ${errors.length} error(s); fix them before running:\n${errors
          .slice(0, 10)
          .map(formatDiagnostic)
          .join('\n')}`,
        { diagnostics: errors },
      );
    }
    return { result, files: read };
  }

  /**
   * Records the experiment's runs and schedules them: one run, or one per sweep point (all points
   * unless `request.sweep` picks 'base' or one index). Each run's `done` settles when it ends for
   * any reason; points run in parallel up to the manager's concurrency and are recorded as they end.
   */
  start(request: RunRequest): StartedExperiment {
    return this.launch(request, {});
  }

  /**
   * Runs a recorded run again: its DSL snapshot, experiment, overrides and seed. A sweep point's
   * re-run is a new run of the same sweep and index (the snapshot is the point's patched text,
   * whose sweep blocks re-patch to the same values). The new run is tagged rerun_of.
   */
  rerun(runId: string): StartedExperiment {
    const run = this.store.getRun(runId, { history: false });
    if (!run) throw new RpcError(ErrorCode.NotFound, `No run ${runId} in this project.`);
    if (run.dslSnapshot === null) {
      throw new RpcError(ErrorCode.NotFound, `Run ${runId} has no DSL snapshot to run again.`);
    }
    const point = run.sweepId !== null && run.sweepIndex !== null;
    return this.launch(
      {
        sourceFile: run.sourceFile ?? `${run.experiment}.nfab`,
        text: run.dslSnapshot,
        experiment: run.experiment,
        // Runs from before migration 2 have no recorded overrides, but their seed is always known.
        overrides: { ...run.overrides, seed: run.seed },
        sweep: point ? run.sweepIndex! : 'base',
      },
      { ...(point ? { sweepId: run.sweepId! } : {}), tags: { rerun_of: runId } },
    );
  }

  /**
   * Runs the points of a recorded sweep that have no finished run (and none queued or running
   * here), from the sweep's recorded DSL and overrides, as new runs of the same sweep. Returns no
   * runs when every point is done.
   */
  resumeSweep(sweepId: string): StartedExperiment {
    const sweep = this.store.getSweep(sweepId);
    if (!sweep) throw new RpcError(ErrorCode.NotFound, `No sweep ${sweepId} in this project.`);
    const busy = new Set<number>();
    for (const a of this.active.values()) if (a.sweep?.id === sweepId) busy.add(a.sweep.index);
    const missing = (this.store.listSweeps().find((s) => s.id === sweepId)?.missing ?? []).filter(
      (i) => !busy.has(i),
    );
    if (missing.length === 0) return { experiment: sweep.experiment, sweepId, runs: [] };
    return this.launch(
      {
        sourceFile: sweep.sourceFile ?? `${sweep.experiment}.nfab`,
        text: sweep.dslSnapshot,
        experiment: sweep.experiment,
        overrides: sweep.overrides,
        sweep: missing,
      },
      { sweepId },
    );
  }

  /** Tells clients the run list changed (run-admin calls it after tags, notes, deletes). */
  notifyChanged(): void {
    this.sink.emit('runs.changed', {});
  }

  private launch(request: RunRequest, context: LaunchContext): StartedExperiment {
    const { result, files } = this.check(request.sourceFile, request.text);
    const model = result.model;
    const names = model.experiments.map((e) => e.name);
    const experiment = request.experiment ?? names[0];
    if (!experiment) {
      throw new RpcError(ErrorCode.NotFound, `${request.sourceFile} defines no experiment to run.`);
    }
    const exp = model.experiments.find((e) => e.name === experiment);
    if (!exp) {
      throw new RpcError(
        ErrorCode.NotFound,
        `No experiment "${experiment}" in ${request.sourceFile}. It defines: ${names.join(', ') || 'none'}.`,
      );
    }
    let grid: SweepPoint[];
    try {
      grid = request.sweep === 'base' ? [] : expandSweeps(exp.sweeps ?? []);
    } catch (err) {
      throw new RpcError(ErrorCode.DslErrors, `Experiment "${experiment}": ${(err as Error).message}`);
    }
    let points = grid;
    if (typeof request.sweep === 'number' || Array.isArray(request.sweep)) {
      const wanted: readonly number[] = typeof request.sweep === 'number' ? [request.sweep] : request.sweep;
      points = wanted.map((i) => {
        const one = grid[i];
        if (!one) {
          throw new RpcError(
            ErrorCode.InvalidParams,
            `Experiment "${experiment}" has ${grid.length} sweep point(s); index ${i} does not exist.`,
          );
        }
        return one;
      });
    }
    const recorded = context.sweepId ? this.store.getSweep(context.sweepId) : null;
    if (recorded && recorded.total !== grid.length) {
      throw new RpcError(
        ErrorCode.DslErrors,
        `Sweep ${recorded.id} was recorded with ${recorded.total} point(s), but its DSL now expands to ${grid.length}.`,
      );
    }
    const plan = (m: typeof model) => {
      let built: TrainingPlan;
      try {
        // A network with spiking layers trains through the spiking plan (engine/snn/plan.ts).
        const exp = m.experiments.find((e) => e.name === experiment);
        const net = exp && m.networks.find((n) => n.name === exp.network);
        built =
          net && isSpikingNetwork(net)
            ? buildSnnPlan(m, experiment, request.overrides ?? {})
            : buildTrainingPlan(m, experiment, request.overrides ?? {});
      } catch (err) {
        throw new RpcError(ErrorCode.DslErrors, err instanceof Error ? err.message : String(err));
      }
      return this.projectRoot ? withDataInProject(built, this.projectRoot) : built;
    };
    if (points.length === 0) {
      return {
        experiment,
        sweepId: null,
        runs: [this.schedule(request, experiment, plan(model), request.text, null, null, model, context)],
      };
    }
    // Build every point's plan before recording anything, so a bad value fails the whole sweep up front.
    const prepared = points.map((point) => {
      let patched: Map<string, string>;
      try {
        patched = applySweepPoint(files, point);
      } catch (err) {
        throw new RpcError(ErrorCode.DslErrors, `Experiment "${experiment}": ${(err as Error).message}`);
      }
      const text = patched.get(request.sourceFile)!;
      const checked = this.check(request.sourceFile, text, patched);
      return { point, text, plan: plan(checked.result.model), model: checked.result.model };
    });
    // The sweep is recorded with the text as written (before patching) and the whole grid, so
    // it can be resumed later even when only some points run now.
    const sweepId = context.sweepId ?? `${experiment}-${randomUUID().slice(0, 8)}`;
    if (!context.sweepId) {
      this.store.createSweep({
        id: sweepId,
        experiment,
        sourceFile: request.sourceFile,
        dslSnapshot: request.text,
        overrides: request.overrides ?? {},
        total: grid.length,
      });
    }
    return {
      experiment,
      sweepId,
      runs: prepared.map((p) =>
        this.schedule(
          request,
          experiment,
          p.plan,
          p.text,
          p.point,
          { sweepId, total: grid.length },
          p.model,
          context,
        ),
      ),
    };
  }

  /** Records one run and queues its training job. */
  private schedule(
    request: RunRequest,
    experiment: string,
    plan: TrainingPlan,
    text: string,
    point: SweepPoint | null,
    sweep: { sweepId: string; total: number } | null,
    /** The checked model of `text`: a finished run records its energy estimate from it. */
    model: ElaboratedModel,
    context: LaunchContext,
  ): StartedRun {
    const sweepRef = point && sweep ? { id: sweep.sweepId, index: point.index } : null;
    const runId = this.store.createRun({
      experiment,
      sourceFile: request.sourceFile,
      seed: plan.seed,
      engineVersion: ENGINE_VERSION,
      params: { ...planParams(plan), ...(point ? sweepParams(point) : {}) },
      dslSnapshot: text,
      overrides: request.overrides ?? {},
      tags: {
        ...context.tags,
        ...(point && sweep ? { sweep: sweep.sweepId, sweep_point: `${point.index + 1}/${sweep.total}` } : {}),
      },
      ...(sweepRef ? { sweep: sweepRef } : {}),
    });
    this.sink.emit('run.status', { runId, status: 'queued', error: null });
    this.sink.emit('runs.changed', {});

    let cancelledWhileQueued = false;
    let lastStep = 0;
    let cancelRunning: (() => void) | null = null;
    // Why the store refused this run's metrics (a full disk, an I/O error): the run is stopped
    // and recorded as failed with it, rather than finishing with a silently incomplete history.
    let storeFailure: string | null = null;
    // Points are committed in batches and announced only once committed (metric-batcher.ts).
    const metrics = new MetricBatcher((points) =>
      this.commitMetrics(runId, points, (reason) => {
        if (storeFailure !== null) return;
        storeFailure = reason;
        cancelRunning?.();
      }),
    );
    this.active.set(runId, {
      cancel: () => {
        if (cancelRunning) cancelRunning();
        else cancelledWhileQueued = true;
      },
      sweep: sweepRef,
      flushMetrics: () => metrics.flush(),
    });

    const done = new Promise<RunOutcome>((resolve) => {
      const launch = () => {
        if (cancelledWhileQueued) {
          resolve(this.finish(runId, experiment, 'cancelled', {}, null));
          this.next();
          return;
        }
        this.running++;
        this.store.setRunStatus(runId, 'running');
        this.sink.emit('run.status', { runId, status: 'running', error: null });
        this.sink.emit('runs.changed', {});
        const job = startTrainingJob(
          plan,
          {
            onProgress: (p) => this.sink.emit('run.progress', { runId, ...p }),
            onMetrics: (points: MetricPoint[]) => {
              for (const p of points) lastStep = Math.max(lastStep, p.step);
              metrics.add(points);
            },
            onLog: (level, message) => this.sink.emit('run.log', { runId, level, message }),
          },
          // Jobs running side by side share the cores: each gets its share of GEMM threads.
          this.maxConcurrent > 1
            ? { kernelThreads: Math.max(1, Math.floor(os.availableParallelism() / this.maxConcurrent)) }
            : {},
        );
        cancelRunning = () => job.cancel();
        job.done.then((result) => {
          this.running--;
          // Before the status changes: a finished run's history is complete when clients hear of it.
          metrics.flush();
          for (const a of result.artifacts ?? []) this.storeArtifact(runId, a);
          if (storeFailure !== null) {
            const error = `The project database refused the run's metrics (${storeFailure}); the run was stopped. Metrics written before that are kept. Free disk space, then re-run it.`;
            resolve(this.finish(runId, experiment, 'failed', result.metrics, error));
            this.next();
            return;
          }
          if (result.status === 'finished')
            this.recordEnergy(runId, model, experiment, result.metrics, lastStep);
          resolve(this.finish(runId, experiment, result.status, result.metrics, result.error ?? null));
          this.next();
        });
      };
      if (this.running < this.maxConcurrent) launch();
      else this.queue.push(launch);
    });
    return { runId, sweepPoint: point, done };
  }

  /** Stores a learner's artifact; a spike record gets its run id here (the worker does not know it). */
  private storeArtifact(runId: string, a: LearnerArtifact): void {
    try {
      let content = a.content;
      if (a.name === SPIKES_ARTIFACT) {
        const record = SpikeRecordSchema.parse({ ...JSON.parse(a.content), runId });
        content = JSON.stringify(record);
      }
      this.store.putArtifact(runId, a.name, content, a.mediaType);
    } catch (err) {
      this.sink.emit('run.log', {
        runId,
        level: 'warn',
        message: `artifact ${a.name} not stored: ${err instanceof Error ? err.message : String(err)}`,
      });
    }
  }

  /**
   * The run's energy estimate: artifact 'energy' (the EnergyReport) and metric
   * energy_per_classification (J), so runs compare on accuracy and energy. Spiking runs count
   * from their recorded spikes (metrics spikes_per_sample.*, engine/snn/cores.ts).
   */
  private recordEnergy(
    runId: string,
    model: ElaboratedModel,
    experiment: string,
    metrics: Record<string, number>,
    step: number,
  ): void {
    try {
      const report = estimateEnergy(model, { experiment, recorded: metrics });
      this.store.putArtifact(runId, ENERGY_ARTIFACT, JSON.stringify(report), 'application/json');
      const point = {
        key: 'energy_per_classification',
        value: report.energyPerClassification,
        step,
        timestamp: Date.now(),
      };
      metrics.energy_per_classification = report.energyPerClassification;
      this.commitMetrics(runId, [point]);
    } catch (err) {
      this.sink.emit('run.log', {
        runId,
        level: 'warn',
        message: `energy estimate not recorded: ${err instanceof Error ? err.message : String(err)}`,
      });
    }
  }

  /**
   * One transaction for the batch, then the 'run.metrics' event with exactly what was committed.
   * Runs from a timer, so it must not throw: points the store would refuse are dropped with a
   * warning instead of failing the batch they came in.
   */
  private commitMetrics(
    runId: string,
    points: MetricPoint[],
    onStoreFailure?: (reason: string) => void,
  ): void {
    const ok = points.filter(isStorablePoint);
    if (ok.length < points.length) {
      const bad = points.find((p) => !isStorablePoint(p))!;
      this.sink.emit('run.log', {
        runId,
        level: 'warn',
        message: `${points.length - ok.length} metric point(s) not recorded (e.g. ${bad.key} = ${bad.value} at step ${bad.step}): values must be finite and steps integers.`,
      });
    }
    if (ok.length === 0) return;
    try {
      this.store.logMetrics(runId, ok);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      this.sink.emit('run.log', { runId, level: 'error', message: `metrics not recorded: ${reason}` });
      onStoreFailure?.(reason);
      return;
    }
    this.sink.emit('run.metrics', { runId, points: ok });
  }

  cancel(runId: string): boolean {
    const run = this.active.get(runId);
    if (!run) return false;
    run.cancel();
    return true;
  }

  get activeRunIds(): string[] {
    return [...this.active.keys()];
  }

  /** Cancels every run and waits for none; used on shutdown, where the store marks leftovers interrupted. */
  cancelAll(): void {
    for (const run of this.active.values()) {
      run.cancel();
      // The store closes right after this on shutdown: commit what the workers already sent.
      run.flushMetrics();
    }
  }

  private next(): void {
    const launch = this.queue.shift();
    launch?.();
  }

  private finish(
    runId: string,
    experiment: string,
    status: RunStatus,
    metrics: Record<string, number>,
    error: string | null,
  ): RunOutcome {
    this.active.delete(runId);
    try {
      this.store.setRunStatus(runId, status, error ?? undefined);
    } catch (err) {
      // The database may refuse even this (a full disk): the run stays 'running' in the file, and
      // the next open marks it interrupted. Clients still hear how it ended.
      this.sink.emit('run.log', {
        runId,
        level: 'error',
        message: `the run's end (${status}) was not recorded: ${err instanceof Error ? err.message : String(err)}`,
      });
    }
    this.sink.emit('run.status', { runId, status, error });
    this.sink.emit('runs.changed', {});
    return { runId, experiment, status, metrics, error };
  }
}
