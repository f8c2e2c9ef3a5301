// The engine host's services: one object that owns the open project, its store and the run
// manager, and answers every protocol method. Transports (MessagePort, WebSocket) attach to it.
import path from 'node:path';
import { clusterHandlers } from '../cluster/rpc';
import { checkDocument, formatDiagnostic } from '../dsl';
import { EnergyError, estimateEnergy } from '../energy';
import { landauerFloor } from '../energy/landauer';
import { declaredPlatforms, resolvePlatforms } from '../energy/platforms';
import {
  EnergyReportSchema,
  ErrorCode,
  type Handlers,
  PROTOCOL_VERSION,
  RpcError,
  RpcServer,
  SpikeRecordSchema,
} from '../protocol';
import { SPIKES_ARTIFACT } from '../snn/record';
import { openStore, type Store } from '../store';
import { downsampledHistory } from '../store/series';
import { ENGINE_VERSION } from '../version';
import { discardBackup, fileHash, listBackups, textHash, writeBackup } from './backups';
import {
  listProjectFiles,
  openProjectRoot,
  projectInfo,
  projectReader,
  readProjectText,
  resolveInProject,
  storePath,
  writeProjectText,
} from './project';
import { runAdminHandlers } from './run-admin';
import { ENERGY_ARTIFACT, RunManager } from './runs';

export interface OpenProject {
  root: string;
  store: Store;
  runs: RunManager;
}

export class EngineHost {
  readonly server: RpcServer;
  private project: OpenProject | null = null;
  private interrupted: string[] = [];

  constructor() {
    this.server = new RpcServer(this.handlers());
  }

  /** Opens (or creates) a project folder; runs a crash left 'running' become 'interrupted'. */
  openProject(root: string, create = false): OpenProject {
    const realRoot = openProjectRoot(root, create);
    if (this.project?.root === realRoot) return this.project;
    if (this.project) {
      if (this.project.runs.activeRunIds.length > 0) {
        throw new RpcError(
          ErrorCode.Forbidden,
          'A run is in progress; cancel it before opening another project.',
        );
      }
      this.project.store.close();
    }
    const store = openStore(storePath(realRoot));
    // The supervisor tells the user which runs a restart interrupted.
    this.interrupted = store.markInterrupted();
    const interrupted = this.interrupted.length;
    if (interrupted > 0) {
      console.error(`Marked ${interrupted} run(s) left running by an earlier crash as interrupted.`);
    }
    this.project = { root: realRoot, store, runs: new RunManager(store, this.server, undefined, realRoot) };
    return this.project;
  }

  /** The runs the last openProject found left running by a crash and marked 'interrupted'. */
  get interruptedRuns(): readonly string[] {
    return this.interrupted;
  }

  close(): void {
    this.project?.runs.cancelAll();
    this.project?.store.close();
    this.project = null;
  }

  private requireProject(): OpenProject {
    if (!this.project)
      throw new RpcError(ErrorCode.NoProject, 'No project is open. Open a project folder first.');
    return this.project;
  }

  /** Checks a source; imports are read from the open project (none without one). */
  private checkSource(rel: string, text: string) {
    const root = this.project?.root;
    return checkDocument(rel, text, {
      readFile: root ? projectReader(root) : () => null,
    });
  }

  private handlers(): Handlers {
    return {
      'engine.info': () => ({
        version: ENGINE_VERSION,
        protocol: PROTOCOL_VERSION,
        projectRoot: this.project?.root ?? null,
      }),
      'project.open': ({ root, create }) => projectInfo(this.openProject(root, create ?? false).root),
      'project.current': () => (this.project ? projectInfo(this.project.root) : null),
      'file.read': ({ path: rel }) => {
        const text = readProjectText(this.requireProject().root, rel);
        return { path: rel, text, hash: textHash(text) };
      },
      'file.write': ({ path: rel, text, ifHash }) => {
        const { root } = this.requireProject();
        if (ifHash !== undefined) {
          const now = fileHash(resolveInProject(root, rel));
          if (now !== ifHash) {
            throw new RpcError(
              ErrorCode.Conflict,
              now === null
                ? `${rel} was deleted on disk since it was opened; save again to write it back.`
                : `${rel} changed on disk since it was opened; reload it, or save again to overwrite it.`,
            );
          }
        }
        return { path: rel, size: writeProjectText(root, rel, text), hash: textHash(text) };
      },
      'file.hashes': ({ paths }) => {
        const { root } = this.requireProject();
        return { files: paths.map((p) => ({ path: p, hash: fileHash(resolveInProject(root, p)) })) };
      },
      'backup.write': ({ path: rel, text, baseHash }) => {
        const { root } = this.requireProject();
        resolveInProject(root, rel); // a backup only of a file the project may hold
        writeBackup(root, rel, text, baseHash);
        return {};
      },
      'backup.discard': ({ path: rel }) => {
        discardBackup(this.requireProject().root, rel);
        return {};
      },
      'backup.list': () => {
        const { root } = this.requireProject();
        return {
          backups: listBackups(root).flatMap((b) => {
            try {
              return [{ ...b, diskHash: fileHash(resolveInProject(root, b.path)) }];
            } catch {
              return []; // a path the project can no longer hold (a link out of it): not offered
            }
          }),
        };
      },
      'dsl.check': ({ path: rel, text }) => {
        const result = this.checkSource(rel, text);
        return { diagnostics: result.diagnostics, experiments: result.model.experiments.map((e) => e.name) };
      },
      'energy.estimate': ({ path: rel, text, network }) => {
        const source = text ?? readProjectText(this.requireProject().root, rel);
        const result = this.checkSource(rel, source);
        if (result.hasErrors) {
          const errors = result.diagnostics.filter((d) => d.severity === 'error');
          throw new RpcError(
            ErrorCode.DslErrors,
            `${rel} has ${errors.length} error(s):\n${errors.slice(0, 10).map(formatDiagnostic).join('\n')}`,
            { diagnostics: errors },
          );
        }
        try {
          return estimateEnergy(result.model, network !== undefined ? { network } : {});
        } catch (err) {
          if (err instanceof EnergyError) throw new RpcError(ErrorCode.NotFound, `${rel}: ${err.message}`);
          throw err;
        }
      },
      'run.start': ({ path: rel, text, experiment, overrides, sweep }) => {
        const project = this.requireProject();
        const source = text ?? readProjectText(project.root, rel);
        const started = project.runs.start({
          sourceFile: rel.split(path.sep).join('/'),
          text: source,
          experiment,
          overrides,
          ...(sweep !== undefined ? { sweep } : {}),
        });
        const runIds = started.runs.map((r) => r.runId);
        return { runId: runIds[0]!, runIds, sweepId: started.sweepId };
      },
      'run.cancel': ({ runId }) => ({ cancelled: this.requireProject().runs.cancel(runId) }),
      'runs.list': () => ({ runs: this.requireProject().store.listRuns() }),
      'runs.get': ({ runId, maxPointsPerKey, keys }) => {
        const { store } = this.requireProject();
        const run = store.getRun(runId, { history: maxPointsPerKey === undefined });
        if (!run) throw new RpcError(ErrorCode.NotFound, `No run ${runId} in this project.`);
        if (maxPointsPerKey === undefined) return run;
        return { ...run, metricHistory: downsampledHistory(store, runId, maxPointsPerKey, keys) };
      },
      'energy.pareto': () => {
        const { root, store } = this.requireProject();
        const readFile = projectReader(root);
        const files = listProjectFiles(root)
          .filter((f) => f.kind === 'file')
          .map((f) => f.path);
        const declared = declaredPlatforms(
          files,
          readFile,
          (f, t) => checkDocument(f, t, { readFile }).model,
        );
        const { platforms, origin } = resolvePlatforms(declared);
        const runs = store.listRuns().flatMap((r) => {
          const accuracy = r.metrics.test_accuracy;
          const energy = r.metrics.energy_per_classification;
          if (r.status !== 'finished' || accuracy === undefined || energy === undefined) return [];
          return [
            {
              runId: r.id,
              experiment: r.experiment,
              network: r.params.network ?? null,
              chip: r.params.chip ?? null,
              sweepPoint:
                Object.entries(r.params)
                  .filter(([k]) => k.startsWith('sweep.'))
                  .map(([k, v]) => `${k.slice('sweep.'.length)}=${v}`)
                  .join(', ') || null,
              accuracy,
              energyPerClassification: energy,
            },
          ];
        });
        return { runs, platforms, platformOrigin: origin, landauer: landauerFloor(10) };
      },
      // Run administration (tags, notes, delete, re-run, sweeps, series, export): engine/host/run-admin.ts.
      ...runAdminHandlers(() => this.requireProject()),
      // Sweeps on Slurm (submit, status per point, collect): engine/cluster/rpc.ts.
      ...clusterHandlers(() => this.requireProject()),
      // Loaded on first use: reports pull in ECharts and elkjs, which would add seconds to every
      // engine start (and to every restart after a crash).
      'report.export': async (params) => {
        const project = this.requireProject();
        const { exportReportHandler } = await import('../report/rpc');
        return exportReportHandler(project, params);
      },
      'runs.energy': ({ runId }) =>
        readJsonArtifact(this.requireProject().store, runId, ENERGY_ARTIFACT, EnergyReportSchema),
      'runs.spikes': ({ runId }) =>
        readJsonArtifact(this.requireProject().store, runId, SPIKES_ARTIFACT, SpikeRecordSchema),
    };
  }
}

/** A run's JSON artifact checked against its schema; null when the run has none, NOT_FOUND for no run. */
function readJsonArtifact<T>(
  store: Store,
  runId: string,
  name: string,
  schema: { parse(v: unknown): T },
): T | null {
  if (!store.runStatuses([runId]).has(runId)) {
    throw new RpcError(ErrorCode.NotFound, `No run ${runId} in this project.`);
  }
  const a = store.getArtifact(runId, name);
  if (!a) return null;
  return schema.parse(JSON.parse(typeof a.content === 'string' ? a.content : a.content.toString('utf8')));
}
