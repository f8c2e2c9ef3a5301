// Every RPC method and event between the studio UI (renderer, CLI) and the engine host, declared
// once. Both ends validate with these schemas; the TypeScript types are inferred from them.
import { z } from 'zod';

// zod compiles object parsers with `new Function` unless told not to; the studio's CSP forbids
// eval in the renderer, and the gain is irrelevant at RPC message rates.
z.config({ jitless: true });

export const PROTOCOL_VERSION = 1;

const Pos = z.object({ line: z.number().int(), col: z.number().int(), offset: z.number().int() });
export const SourceRangeSchema = z.object({ file: z.string(), start: Pos, end: Pos });

export const DiagnosticSchema = z.object({
  severity: z.enum(['error', 'warning', 'info']),
  message: z.string(),
  range: SourceRangeSchema,
  code: z.string().optional(),
});
export type Diagnostic = z.infer<typeof DiagnosticSchema>;

export const FileEntrySchema = z.object({
  /** Path relative to the project root, with forward slashes. */
  path: z.string(),
  kind: z.enum(['file', 'dir']),
  size: z.number().int().nonnegative(),
});
export type FileEntry = z.infer<typeof FileEntrySchema>;

export const ProjectInfoSchema = z.object({
  root: z.string(),
  name: z.string(),
  files: z.array(FileEntrySchema),
});
export type ProjectInfo = z.infer<typeof ProjectInfoSchema>;

export const RunStatusSchema = z.enum([
  'queued',
  'running',
  'finished',
  'failed',
  'interrupted',
  'cancelled',
]);
export type RunStatus = z.infer<typeof RunStatusSchema>;

export const RunSummarySchema = z.object({
  id: z.string(),
  experiment: z.string(),
  status: RunStatusSchema,
  startedAt: z.number(),
  endedAt: z.number().nullable(),
  sourceFile: z.string().nullable(),
  seed: z.number().int(),
  /** The engine build that produced the run. */
  engineVersion: z.string(),
  /** Latest value of each metric key. */
  metrics: z.record(z.string(), z.number()),
  params: z.record(z.string(), z.string()),
  error: z.string().nullable(),
  /** Free-form tags (a sweep's runs carry `sweep` and `sweep_point`). */
  tags: z.record(z.string(), z.string()),
  /** The user's note on the run (Markdown text), '' when none. */
  note: z.string(),
  /** The sweep this run is a point of, and the point's 0-based index; null outside sweeps. */
  sweepId: z.string().nullable(),
  sweepIndex: z.number().int().nonnegative().nullable(),
});
export type RunSummary = z.infer<typeof RunSummarySchema>;

export const MetricPointSchema = z.object({
  key: z.string(),
  value: z.number(),
  step: z.number().int(),
  timestamp: z.number(),
});
export type MetricPoint = z.infer<typeof MetricPointSchema>;

export const RunOverridesSchema = z.object({
  epochs: z.number().int().positive().max(1000).optional(),
  trainLimit: z.number().int().positive().optional(),
  testLimit: z.number().int().positive().optional(),
  seed: z.number().int().nonnegative().optional(),
});
export type RunOverrides = z.infer<typeof RunOverridesSchema>;

export const RunDetailSchema = RunSummarySchema.extend({
  metricHistory: z.array(MetricPointSchema),
  dslSnapshot: z.string().nullable(),
  /** The run overrides it was started with (epochs, slices, seed), so a re-run repeats it exactly. */
  overrides: RunOverridesSchema,
});
export type RunDetail = z.infer<typeof RunDetailSchema>;

/** A sweep: one experiment's grid of points, recorded so it can be resumed. */
export const SweepSummarySchema = z.object({
  id: z.string(),
  experiment: z.string(),
  sourceFile: z.string().nullable(),
  createdAt: z.number(),
  /** Points in the grid. */
  total: z.number().int().nonnegative(),
  /** Runs per status over the sweep's points (the newest run of each point counts). */
  counts: z.record(RunStatusSchema, z.number().int().nonnegative()),
  /** The 0-based indices with no finished run: what a resume would run. */
  missing: z.array(z.number().int().nonnegative()),
});
export type SweepSummary = z.infer<typeof SweepSummarySchema>;

/** One metric of one run as columns, downsampled (LTTB over step) to at most maxPoints. */
export const MetricSeriesSchema = z.object({
  runId: z.string(),
  key: z.string(),
  steps: z.array(z.number()),
  values: z.array(z.number()),
  /** ms since the epoch, for a wall-time x-axis. */
  timestamps: z.array(z.number()),
  /** Points in the store before downsampling. */
  total: z.number().int().nonnegative(),
});
export type MetricSeries = z.infer<typeof MetricSeriesSchema>;

/** One population's activity over one sample (a spiking run's recorded test sample). */
export const SpikeLayerSchema = z.object({
  name: z.string(),
  neurons: z.number().int().nonnegative(),
  /** Neurons per core of the layer's spiking_core tile (per-core activity), null off-core. */
  neuronsPerCore: z.number().int().positive().nullable(),
  /** Spike i at time step times[i] from neuron ids[i], in time order. */
  times: z.array(z.number().int().nonnegative()),
  ids: z.array(z.number().int().nonnegative()),
  /** Membrane potential of a few chosen neurons: traces[j][t] for neuron traceNeurons[j]. */
  traceNeurons: z.array(z.number().int().nonnegative()),
  traces: z.array(z.array(z.number())),
});
export type SpikeLayer = z.infer<typeof SpikeLayerSchema>;

/** A spiking run's recording of one test sample: the input spikes and every spiking layer. */
export const SpikeRecordSchema = z.object({
  runId: z.string(),
  /** Index of the sample in the test set, its label and the deployed network's prediction. */
  sample: z.number().int().nonnegative(),
  label: z.number().int(),
  predicted: z.number().int(),
  steps: z.number().int().positive(),
  /** Time step (s). */
  dt: z.number().positive(),
  input: SpikeLayerSchema,
  layers: z.array(SpikeLayerSchema),
});
export type SpikeRecord = z.infer<typeof SpikeRecordSchema>;

/** One term of an energy estimate: count × unit energy, with where the unit energy comes from. */
export const EnergyTermSchema = z.object({
  /** Layer and tile the term belongs to; null for chip-level terms (static power, routers). */
  layer: z.string().nullable(),
  tile: z.string().nullable(),
  component: z.enum(['synapse', 'neuron', 'adc', 'dac', 'write', 'movement', 'buffer', 'static']),
  /** What is counted, e.g. "resonator reads (synaptic ops)". */
  what: z.string(),
  /** Per classification. */
  count: z.number().nonnegative(),
  /** J per count. */
  unitEnergy: z.number().nonnegative(),
  /** J per classification = count × unitEnergy. */
  energy: z.number().nonnegative(),
  /** Citation of the unit energy ('dsl' when the design sets it). */
  source: z.string(),
});
export type EnergyTerm = z.infer<typeof EnergyTermSchema>;

/** The estimate of one network on its chip: every term, the totals, and the assumptions made. */
export const EnergyReportSchema = z.object({
  network: z.string(),
  chip: z.string().nullable(),
  /** J per classification (the sum of the terms). */
  energyPerClassification: z.number().nonnegative(),
  /** s per classification and classifications per second; null where the design lacks timing. */
  latency: z.number().nonnegative().nullable(),
  throughput: z.number().nonnegative().nullable(),
  /** m²; null where the design lacks cell or periphery areas. */
  area: z.number().nonnegative().nullable(),
  /** Spiking designs: counts from a run's recorded spikes, or worst-case counts. */
  counts: z.enum(['static', 'recorded']),
  terms: z.array(EnergyTermSchema),
  assumptions: z.array(z.string()),
  /** How the latency adds up, stage by stage (absent in estimates recorded before they existed). */
  latencyTerms: z
    .array(
      z.object({
        layer: z.string(),
        tile: z.string().nullable(),
        /** What the time is made of, e.g. "784 passes x (10 ns read + 2 x 0.78 ns ADC)". */
        what: z.string(),
        /** s per classification. */
        time: z.number().nonnegative(),
      }),
    )
    .optional(),
  /** How the area adds up: count × unit area per part, with its source. */
  areaTerms: z
    .array(
      z.object({
        tile: z.string().nullable(),
        component: z.enum(['cells', 'adc', 'dac', 'periphery', 'router']),
        what: z.string(),
        count: z.number().nonnegative(),
        /** m² per count. */
        unitArea: z.number().nonnegative(),
        /** m² = count × unitArea. */
        area: z.number().nonnegative(),
        source: z.string(),
      }),
    )
    .optional(),
});
export type EnergyReport = z.infer<typeof EnergyReportSchema>;

const Empty = z.object({}).strict();

/** Request/response methods. */
export const methods = {
  'engine.info': {
    params: Empty,
    result: z.object({ version: z.string(), protocol: z.number().int(), projectRoot: z.string().nullable() }),
  },
  'project.open': {
    params: z.object({ root: z.string().min(1), create: z.boolean().optional() }),
    result: ProjectInfoSchema,
  },
  'project.current': { params: Empty, result: ProjectInfoSchema.nullable() },
  'file.read': {
    params: z.object({ path: z.string().min(1) }),
    /** hash: sha256 of the file's bytes, to notice when something else changes the file. */
    result: z.object({ path: z.string(), text: z.string(), hash: z.string() }),
  },
  'file.write': {
    params: z.object({
      path: z.string().min(1),
      text: z.string(),
      /**
       * The hash of the file as the editor last read or saved it (null: the file should not exist).
       * When the file on disk differs, the write is refused with CONFLICT and nothing is written.
       */
      ifHash: z.string().nullable().optional(),
    }),
    result: z.object({ path: z.string(), size: z.number().int(), hash: z.string() }),
  },
  /** The current hash of each file (null when it no longer exists): how the editor notices outside edits. */
  'file.hashes': {
    params: z.object({ paths: z.array(z.string().min(1)).max(500) }),
    result: z.object({ files: z.array(z.object({ path: z.string(), hash: z.string().nullable() })) }),
  },
  /** Keeps a copy of an unsaved buffer in .neurofab/backups/ (hot exit). */
  'backup.write': {
    params: z.object({ path: z.string().min(1), text: z.string(), baseHash: z.string().nullable() }),
    result: z.object({}),
  },
  'backup.discard': { params: z.object({ path: z.string().min(1) }), result: z.object({}) },
  /** Unsaved buffers a previous session left, with the hash of each file on disk now. */
  'backup.list': {
    params: Empty,
    result: z.object({
      backups: z.array(
        z.object({
          path: z.string(),
          text: z.string(),
          baseHash: z.string().nullable(),
          savedAt: z.number(),
          diskHash: z.string().nullable(),
        }),
      ),
    }),
  },
  'dsl.check': {
    params: z.object({ path: z.string().min(1), text: z.string() }),
    result: z.object({
      diagnostics: z.array(DiagnosticSchema),
      experiments: z.array(z.string()),
    }),
  },
  'run.start': {
    params: z.object({
      path: z.string().min(1),
      /** Unsaved editor text; when absent the file on disk is used. */
      text: z.string().optional(),
      experiment: z.string().optional(),
      overrides: RunOverridesSchema.optional(),
      /** Sweep points to run: 'all' (default), 'base' (as written), or one 0-based index. */
      sweep: z.union([z.enum(['all', 'base']), z.number().int().nonnegative()]).optional(),
    }),
    /** runId is the first run; a sweep starts one run per point, all sharing sweepId. */
    result: z.object({ runId: z.string(), runIds: z.array(z.string()), sweepId: z.string().nullable() }),
  },
  'run.cancel': { params: z.object({ runId: z.string() }), result: z.object({ cancelled: z.boolean() }) },
  /** Runs a recorded run again from its DSL snapshot, seed and overrides (a new run). */
  'run.rerun': {
    params: z.object({ runId: z.string() }),
    result: z.object({ runId: z.string(), runIds: z.array(z.string()), sweepId: z.string().nullable() }),
  },
  'runs.list': { params: Empty, result: z.object({ runs: z.array(RunSummarySchema) }) },
  /**
   * A run with its metric history; with maxPointsPerKey each metric's history is downsampled (LTTB
   * over step) to at most that many points, so opening a run of a million points stays quick.
   */
  'runs.get': {
    params: z.object({
      runId: z.string(),
      maxPointsPerKey: z.number().int().min(10).max(1_000_000).optional(),
      /** With maxPointsPerKey: only these keys' histories (the summary's latest metrics stay whole). */
      keys: z.array(z.string()).max(100).optional(),
    }),
    result: RunDetailSchema,
  },
  /** Sets a tag, or removes it when value is null. */
  'runs.setTag': {
    params: z.object({
      runId: z.string(),
      key: z.string().min(1).max(200),
      value: z.string().max(5000).nullable(),
    }),
    result: z.object({}),
  },
  'runs.setNote': {
    params: z.object({ runId: z.string(), note: z.string().max(100_000) }),
    result: z.object({}),
  },
  /** Deletes runs with everything they recorded. Queued or running runs are refused (cancel first). */
  'runs.delete': {
    params: z.object({ runIds: z.array(z.string()).min(1).max(10_000) }),
    result: z.object({ deleted: z.number().int().nonnegative() }),
  },
  /** Metric series for charts: every (run, key) pair asked for, downsampled to maxPoints each. */
  'runs.metricSeries': {
    params: z.object({
      runIds: z.array(z.string()).min(1).max(200),
      /** Keys to load; all keys of each run when absent. */
      keys: z.array(z.string()).optional(),
      maxPoints: z.number().int().min(10).max(100_000).optional(),
    }),
    result: z.object({ series: z.array(MetricSeriesSchema) }),
  },
  /** Runs (all when runIds is absent) with params, tags and metric history, as CSV or JSON text. */
  'runs.export': {
    params: z.object({ runIds: z.array(z.string()).optional(), format: z.enum(['csv', 'json']) }),
    result: z.object({ text: z.string(), mediaType: z.string(), fileName: z.string() }),
  },
  /** The energy estimate a finished run recorded (its 'energy' artifact); null when it has none. */
  'runs.energy': { params: z.object({ runId: z.string() }), result: EnergyReportSchema.nullable() },
  'sweeps.list': { params: Empty, result: z.object({ sweeps: z.array(SweepSummarySchema) }) },
  /** Runs the sweep's points that have no finished run, from the sweep's recorded DSL. */
  'sweep.resume': {
    params: z.object({ sweepId: z.string() }),
    result: z.object({ runId: z.string().nullable(), runIds: z.array(z.string()), sweepId: z.string() }),
  },
  /**
   * Writes a self-contained report of the runs into the project's reports/ folder: HTML (inline
   * SVG charts, no external requests) or PDF (printed by headless Chromium / Electron).
   */
  'report.export': {
    params: z.object({
      runIds: z.array(z.string()).min(1).max(200),
      format: z.enum(['html', 'pdf']),
      /** Project-relative output path; default reports/<first run id>.<format>. */
      path: z.string().optional(),
    }),
    result: z.object({ path: z.string(), bytes: z.number().int().nonnegative() }),
  },
  /** The energy estimate of a network of a .nfab file (unsaved text when given). */
  'energy.estimate': {
    params: z.object({
      path: z.string().min(1),
      text: z.string().optional(),
      network: z.string().optional(),
    }),
    result: EnergyReportSchema,
  },
  /** Accuracy against energy per classification: the project's runs, the platforms, the Landauer floor. */
  'energy.pareto': {
    params: Empty,
    result: z.object({
      /** Finished runs with both a test accuracy and an energy estimate (J per classification). */
      runs: z.array(
        z.object({
          runId: z.string(),
          experiment: z.string(),
          network: z.string().nullable(),
          chip: z.string().nullable(),
          /** The sweep point that tells a sweep's runs apart, e.g. `spin_res.program_noise=0.01`. */
          sweepPoint: z.string().nullable(),
          accuracy: z.number(),
          energyPerClassification: z.number(),
        }),
      ),
      /** The project's `platform` blocks, or the built-in seed-003 presets when it has none. */
      platforms: z.array(
        z.object({
          name: z.string(),
          accuracy: z.number(),
          energyPerClassification: z.number(),
          throughput: z.number(),
          /** Process node (m). */
          node: z.number().nullable(),
          source: z.string(),
        }),
      ),
      platformOrigin: z.enum(['project', 'builtin']),
      landauer: z.object({ energyPerClassification: z.number(), bits: z.number(), assumption: z.string() }),
    }),
  },
  /**
   * Runs a sweep's points as a Slurm array job (docs/cluster.md): writes the job directory under
   * .neurofab/cluster/ and submits it with sbatch, locally or over SSH; dryRun only prepares and
   * returns the script and command.
   */
  'cluster.submit': {
    params: z.object({
      path: z.string().min(1),
      text: z.string().optional(),
      experiment: z.string().optional(),
      overrides: RunOverridesSchema.optional(),
      slurm: z.object({
        partition: z.string().min(1).max(200).optional(),
        time: z
          .string()
          .regex(/^(\d+-)?\d+(:\d{1,2}){0,2}$/, 'Slurm time: minutes, MM:SS, HH:MM:SS or D-HH:MM:SS')
          .optional(),
        cpus: z.number().int().positive().max(1024).optional(),
      }),
      ssh: z.object({ host: z.string().min(1).max(500), remoteDir: z.string().min(1).max(4096) }).optional(),
      /** How compute nodes start neurofab; default this installation (local) or `neurofab` (SSH). */
      neurofab: z.string().min(1).max(4096).optional(),
      dryRun: z.boolean().optional(),
    }),
    result: z.object({
      sweepId: z.string(),
      /** null for a dry run. */
      jobId: z.string().nullable(),
      points: z.number().int().nonnegative(),
      command: z.string(),
      script: z.string(),
    }),
  },
  /** Every cluster sweep of the project, with each point's state from squeue and the task files. */
  'cluster.sweeps': {
    params: Empty,
    result: z.object({
      sweeps: z.array(
        z.object({
          sweepId: z.string(),
          experiment: z.string(),
          createdAt: z.number(),
          /** 'local', or the SSH host. */
          target: z.string(),
          /** Set when the cluster could not be asked (squeue or SSH failed); points are then from files only. */
          error: z.string().nullable(),
          points: z.array(
            z.object({
              index: z.number().int().nonnegative(),
              label: z.string(),
              state: z.enum(['queued', 'running', 'done', 'failed', 'unsubmitted']),
              jobId: z.string().nullable(),
              node: z.string().nullable(),
              reason: z.string().nullable(),
              /** The run a collect imported for this point, if any. */
              runId: z.string().nullable(),
            }),
          ),
        }),
      ),
    }),
  },
  /** Imports a cluster sweep's finished points as runs (idempotent); resubmits failed points on request. */
  'cluster.collect': {
    params: z.object({ sweepId: z.string().min(1), resubmitFailed: z.boolean().optional() }),
    result: z.object({
      imported: z.array(z.object({ index: z.number().int(), runId: z.string() })),
      alreadyCollected: z.array(z.number().int()),
      unreadable: z.array(z.object({ index: z.number().int(), reason: z.string() })),
      failed: z.array(z.number().int()),
      resubmittedJobId: z.string().nullable(),
    }),
  },
  /** The spike recording of a spiking run; null when the run has none (analog runs, or not yet). */
  'runs.spikes': { params: z.object({ runId: z.string() }), result: SpikeRecordSchema.nullable() },
} as const;

/** Server-to-client events. */
export const events = {
  'run.status': z.object({ runId: z.string(), status: RunStatusSchema, error: z.string().nullable() }),
  'run.progress': z.object({
    runId: z.string(),
    phase: z.string(),
    done: z.number(),
    total: z.number(),
    /** Samples per second over the current phase. */
    rate: z.number().nullable(),
  }),
  'run.metrics': z.object({ runId: z.string(), points: z.array(MetricPointSchema) }),
  'run.log': z.object({ runId: z.string(), level: z.enum(['info', 'warn', 'error']), message: z.string() }),
  'runs.changed': z.object({}),
  /**
   * The engine process died and was restarted (browser mode's supervisor, or the Electron shell):
   * runs it had in progress are now marked interrupted, with their metrics kept.
   */
  'engine.restarted': z.object({
    reason: z.string(),
    interruptedRuns: z.array(z.string()),
  }),
} as const;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export type Params<M extends MethodName> = z.input<Methods[M]['params']>;
export type Result<M extends MethodName> = z.infer<Methods[M]['result']>;
export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.infer<Events[E]>;

/** Error codes carried in error responses. */
export const ErrorCode = {
  BadMessage: 'BAD_MESSAGE',
  UnknownMethod: 'UNKNOWN_METHOD',
  InvalidParams: 'INVALID_PARAMS',
  InvalidResult: 'INVALID_RESULT',
  NoProject: 'NO_PROJECT',
  NotFound: 'NOT_FOUND',
  Forbidden: 'FORBIDDEN',
  /** The file changed on disk since the editor read it. */
  Conflict: 'CONFLICT',
  DslErrors: 'DSL_ERRORS',
  Cancelled: 'CANCELLED',
  Internal: 'INTERNAL',
  Closed: 'CLOSED',
} as const;
export type ErrorCodeName = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Wire messages. A request may be cancelled by the client with a cancel message naming its id. */
export const WireMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('request'), id: z.number().int(), method: z.string(), params: z.unknown() }),
  z.object({ type: z.literal('response'), id: z.number().int(), result: z.unknown() }),
  z.object({
    type: z.literal('error'),
    id: z.number().int(),
    error: z.object({ code: z.string(), message: z.string(), data: z.unknown().optional() }),
  }),
  z.object({ type: z.literal('event'), event: z.string(), payload: z.unknown() }),
  z.object({ type: z.literal('cancel'), id: z.number().int() }),
]);
export type WireMessage = z.infer<typeof WireMessageSchema>;
