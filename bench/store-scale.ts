// `neurofab bench`, store scale rows (issue 9): "1,000 runs and 10 million metric points in one
// project stay usable; the runs table opens in under 1 s; a 100,000-point metric series loads and
// draws in under 1 s, with downsampling (LTTB) where it helps."
//  - insert rate: logMetrics points/s at 1, 10, 100 and 1,000 points per call (one transaction
//    each), on an empty store;
//  - build: a project of 1,000 runs / 10M points (quick: 100 runs / 1M) with the real Store, its
//    time and file size;
//  - open: openStore + listRuns on it (a fresh connection), and the `runs.list` RPC through an
//    EngineHost opening the project (zod-checked, JSON round trip);
//  - series: one 100,000-point series loaded (metricColumns, else getRun's history), LTTB to
//    2,000 points, and an 800×400 ECharts line chart rendered from the raw and downsampled data.
// Everything happens in a fresh temporary folder that is deleted afterwards: nothing is cached.
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { MetricPoint } from '../engine/protocol/schema';
import { openStore, type Store } from '../engine/store';
import { type BrowserDraw, timeBrowserDraw } from './chart-browser';
import { type DrawRow, lttb, timeDraw, toPairs } from './chart-draw';
import {
  buildProject,
  expectedPoints,
  FULL_SHAPE,
  QUICK_SHAPE,
  type ScaleShape,
  SERIES_KEY,
} from './store-scale-data';

/** Issue 9's targets, in seconds. */
export const SCALE_GOALS = { runsTableSeconds: 1, seriesLoadAndDrawSeconds: 1 };
/** Points the downsampled chart keeps: about two per horizontal pixel of an 800 px chart. */
export const DOWNSAMPLE_TO = 2_000;
/** The keys the run view charts (SERIES in renderer/src/runs/MetricsChart.tsx; engine code cannot import it). */
export const RUN_VIEW_KEYS = ['train_loss', 'test_loss', 'train_accuracy', 'test_accuracy'] as const;
/** Points per metric the run panel asks runs.get for (renderer/src/runs/RunPanel.tsx RUN_CHART_POINTS). */
export const RUN_PANEL_POINTS = 4_000;

export interface InsertRow {
  /** Points per logMetrics call (one transaction). */
  batch: number;
  points: number;
  seconds: number;
  pointsPerS: number;
  pointsPerCpuSecond: number;
}

/** Wall clock and process CPU time of one measurement (CPU time is steadier on a shared machine). */
export interface Timing {
  seconds: number;
  cpuSeconds: number;
}

export interface StoreScaleBench {
  /** When this section ran (it may be merged into results of another date). */
  date: string;
  quick: boolean;
  /** 1-minute load average when this section started. */
  loadAverage: number;
  insert: InsertRow[];
  build: {
    runs: number;
    longRuns: number;
    points: number;
    /** Points per logMetrics call while building. */
    batch: number;
    seconds: number;
    pointsPerS: number;
    /** project.db after close (WAL checkpointed). */
    dbBytes: number;
    loadAverage: number;
  };
  open: {
    /** openStore on the built file (a new connection; the OS file cache is warm from the build). */
    open: Timing;
    /** SQLite's PRAGMA quick_check on the file alone (openStore runs it on files up to a size limit). */
    quickCheck: Timing;
    /** The first listRuns on that connection (statement preparation and page reads included). */
    listRunsFirst: Timing;
    /** Best of 5 further listRuns calls. */
    listRuns: Timing;
    runs: number;
    /** EngineHost.openProject (store open + interrupted-run recovery). */
    hostOpen: Timing | null;
    /** First `runs.list` RPC through an in-memory transport (schema check and JSON round trip). */
    rpcRunsList: Timing | null;
    rpcSkipped?: string;
    goalSeconds: number;
  };
  series: {
    key: string;
    points: number;
    /** 'metricColumns' when the store has it; otherwise 'getRun' (the whole run's history). */
    method: 'metricColumns' | 'getRun';
    /** First load of the series on a fresh connection, and best of 3 more. */
    loadFirst: Timing;
    load: Timing;
    /** Columns → [step, value] pairs, then LTTB to DOWNSAMPLE_TO points. */
    lttb: Timing;
    downsampledPoints: number;
    /** `runs.metricSeries` for this series with maxPoints DOWNSAMPLE_TO, when the host has it. */
    rpcMetricSeries: Timing | null;
    rpcMetricSeriesSkipped?: string;
  };
  /**
   * Opening one run: getRun (every key's history as objects) and the `runs.get` RPC the run panel
   * calls, for a long run (all its points) and a short one.
   */
  runDetail: {
    longRunPoints: number;
    getRunLong: Timing;
    rpcRunsGetLong: Timing | null;
    shortRunPoints: number;
    getRunShort: Timing;
    rpcRunsGetShort: Timing | null;
    rpcSkipped?: string;
    /**
     * The alternative for a long run: `runs.metricSeries` of the run view's four keys with
     * maxPoints DOWNSAMPLE_TO (what the run panel would load instead of the whole history).
     */
    rpcRunViewSeries: Timing | null;
    /** `runs.get` as the run panel calls it: the chart's keys downsampled to RUN_PANEL_POINTS (long run). */
    rpcRunsGetPanelLong: Timing | null;
  };
  /** ECharts SVG rendering in Node (server-side rendering). */
  draw: DrawRow[];
  /** ECharts canvas rendering in headless Chromium, as the studio draws (skipped without it). */
  browserDraw: BrowserDraw;
  /** load + draw of the raw series, and load + LTTB + draw of the downsampled one (first times, SVG). */
  loadAndDrawRawSeconds: number;
  loadAndDrawDownsampledSeconds: number;
  /** The same with the Chromium canvas draw; null when it was skipped. */
  loadAndDrawRawBrowserSeconds: number | null;
  loadAndDrawDownsampledBrowserSeconds: number | null;
  goalSeconds: number;
}

function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

function timed<T>(body: () => T): [T, Timing] {
  const t = performance.now();
  const c = cpuSeconds();
  const value = body();
  return [value, { seconds: (performance.now() - t) / 1000, cpuSeconds: cpuSeconds() - c }];
}

async function timedAsync<T>(body: () => Promise<T>): Promise<[T, Timing]> {
  const t = performance.now();
  const c = cpuSeconds();
  const value = await body();
  return [value, { seconds: (performance.now() - t) / 1000, cpuSeconds: cpuSeconds() - c }];
}

/** The best wall time and the best CPU time of `reps` runs (each minimum on its own). */
function bestOf(reps: number, body: () => unknown): Timing {
  const best = { seconds: Number.POSITIVE_INFINITY, cpuSeconds: Number.POSITIVE_INFINITY };
  for (let r = 0; r < reps; r++) {
    const t = timed(body)[1];
    best.seconds = Math.min(best.seconds, t.seconds);
    best.cpuSeconds = Math.min(best.cpuSeconds, t.cpuSeconds);
  }
  return best;
}

/** A store clock that ticks one second per call, so runs get distinct, ordered start times. */
function tickingClock(): () => number {
  let t = Date.UTC(2026, 0, 1);
  return () => (t += 1_000);
}

function fileBytes(file: string): number {
  let total = 0;
  for (const f of [file, `${file}-wal`]) {
    try {
      total += statSync(f).size;
    } catch {
      // no WAL after a clean close
    }
  }
  return total;
}

export function benchInsertRate(dir: string, quick: boolean): InsertRow[] {
  const store = openStore(path.join(dir, 'insert.db'), { now: tickingClock() });
  const rows: InsertRow[] = [];
  try {
    for (const batch of [1, 10, 100, 1_000]) {
      // Enough calls to last a fraction of a second at each size without taking minutes at batch 1.
      const points = batch === 1 ? (quick ? 5_000 : 20_000) : quick ? 50_000 : 200_000;
      const runId = store.createRun({
        experiment: 'insert',
        sourceFile: null,
        seed: batch,
        engineVersion: 'bench',
        params: {},
        dslSnapshot: '',
      });
      const keys = ['loss', 'accuracy', 'lr', 'grad_norm'];
      const chunks: MetricPoint[][] = [];
      for (let i = 0; i < points; i += batch) {
        const chunk: MetricPoint[] = [];
        for (let j = i; j < Math.min(points, i + batch); j++) {
          chunk.push({ key: keys[j % 4]!, value: Math.sin(j), step: j >> 2, timestamp: 1e12 + j });
        }
        chunks.push(chunk);
      }
      const t = performance.now();
      const c = cpuSeconds();
      for (const chunk of chunks) store.logMetrics(runId, chunk);
      const s = (performance.now() - t) / 1000;
      const cpu = cpuSeconds() - c;
      rows.push({ batch, points, seconds: s, pointsPerS: points / s, pointsPerCpuSecond: points / cpu });
    }
  } finally {
    store.close();
  }
  return rows;
}

/** The series as typed columns (Store.metricColumns). */
function loadSeries(
  store: Store,
  runId: string,
  key: string,
): { steps: ArrayLike<number>; values: ArrayLike<number>; method: 'metricColumns' | 'getRun' } {
  const c = store.metricColumns(runId, key);
  return { steps: c.steps, values: c.values, method: 'metricColumns' };
}

interface RpcTimings {
  hostOpen: Timing;
  runsList: Timing | null;
  runsListSkipped?: string;
  metricSeries: Timing | null;
  metricSeriesSkipped?: string;
  runsGetLong: Timing | null;
  runsGetShort: Timing | null;
  runsGetSkipped?: string;
  runViewSeries: Timing | null;
  runsGetPanelLong: Timing | null;
}

/**
 * EngineHost over an in-memory transport (JSON round trip, zod checks on both sides, as over the
 * studio's MessagePort): open the project, list the runs, load a downsampled series, open runs.
 * A method that fails (e.g. not built yet) is reported with its message, not fatal.
 */
async function benchRpc(root: string, longRunId: string, shortRunId: string): Promise<RpcTimings> {
  const { EngineHost } = await import('../engine/host/engine');
  const { memoryTransportPair, RpcClient } = await import('../engine/protocol');
  const host = new EngineHost();
  const [serverSide, clientSide] = memoryTransportPair();
  host.server.attach(serverSide);
  const client = new RpcClient(clientSide);
  const attempt = async (body: () => Promise<unknown>): Promise<[Timing | null, string | undefined]> => {
    try {
      return [(await timedAsync(body))[1], undefined];
    } catch (err) {
      return [null, err instanceof Error ? err.message : String(err)];
    }
  };
  try {
    const hostOpen = timed(() => host.openProject(root))[1];
    const [runsList, runsListSkipped] = await attempt(() => client.call('runs.list', {}));
    const [metricSeries, metricSeriesSkipped] = await attempt(() =>
      client.call('runs.metricSeries', { runIds: [longRunId], keys: [SERIES_KEY], maxPoints: DOWNSAMPLE_TO }),
    );
    const [runViewSeries] = await attempt(() =>
      client.call('runs.metricSeries', {
        runIds: [longRunId],
        keys: [...RUN_VIEW_KEYS],
        maxPoints: DOWNSAMPLE_TO,
      }),
    );
    const [runsGetPanelLong] = await attempt(() =>
      client.call('runs.get', {
        runId: longRunId,
        maxPointsPerKey: RUN_PANEL_POINTS,
        keys: [...RUN_VIEW_KEYS],
      }),
    );
    const [runsGetShort, shortSkipped] = await attempt(() => client.call('runs.get', { runId: shortRunId }));
    const [runsGetLong, longSkipped] = await attempt(() => client.call('runs.get', { runId: longRunId }));
    const runsGetSkipped = longSkipped ?? shortSkipped;
    return {
      hostOpen,
      runsList,
      metricSeries,
      runsGetLong,
      runsGetShort,
      runViewSeries,
      runsGetPanelLong,
      ...(runsListSkipped !== undefined ? { runsListSkipped } : {}),
      ...(metricSeriesSkipped !== undefined ? { metricSeriesSkipped } : {}),
      ...(runsGetSkipped !== undefined ? { runsGetSkipped } : {}),
    };
  } finally {
    client.close();
    host.close();
  }
}

/** PRAGMA quick_check on its own connection: the integrity check openStore may run at open. */
async function timeQuickCheck(dbPath: string): Promise<Timing> {
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(dbPath, { readonly: true });
  try {
    return timed(() => db.pragma('quick_check(5)'))[1];
  } finally {
    db.close();
  }
}

export async function benchStoreScale({
  quick,
  shape = quick ? QUICK_SHAPE : FULL_SHAPE,
  log = (line: string) => console.error(line),
}: {
  quick: boolean;
  shape?: ScaleShape;
  log?: (line: string) => void;
}): Promise<StoreScaleBench> {
  const loadAverage = os.loadavg()[0] ?? 0;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'neurofab-scale-'));
  try {
    const insert = benchInsertRate(dir, quick);

    // The project folder layout the host expects: <root>/.neurofab/project.db.
    const root = path.join(dir, 'project');
    mkdirSync(path.join(root, '.neurofab'), { recursive: true });
    const dbPath = path.join(root, '.neurofab', 'project.db');
    const total = expectedPoints(shape);
    log(`store scale: building ${shape.runs} runs / ${total.toLocaleString('en-US')} points in ${dbPath}`);
    const buildLoad = os.loadavg()[0] ?? 0;
    const writer = openStore(dbPath, { now: tickingClock() });
    let nextReport = total / 10;
    const built = buildProject(writer, shape, (points) => {
      if (points >= nextReport) {
        log(`  ${Math.round((100 * points) / total)}% (${points.toLocaleString('en-US')} points)`);
        nextReport += total / 10;
      }
    });
    writer.close();
    const dbBytes = fileBytes(dbPath);
    const longRun = built.longRunIds[0];
    const shortRun = built.runIds.find((id) => !built.longRunIds.includes(id));
    if (!longRun || !shortRun) throw new Error('The scale shape needs a long and a short run.');
    log('store scale: timing open, listRuns, series load, charts, run detail and RPCs');

    const quickCheck = await timeQuickCheck(dbPath);
    // A fresh read-write connection, as the engine host opens a project.
    const [store, open] = timed(() => openStore(dbPath));
    let measured: Pick<StoreScaleBench, 'open' | 'series' | 'runDetail'>;
    let pairs: [number, number][];
    let downsampled: [number, number][];
    let draw: DrawRow[];
    let browserDraw: BrowserDraw;
    try {
      const [runs, listRunsFirst] = timed(() => store.listRuns());
      const listRuns = bestOf(5, () => store.listRuns());
      const [first, loadFirst] = timed(() => loadSeries(store, longRun, SERIES_KEY));
      const load = bestOf(3, () => loadSeries(store, longRun, SERIES_KEY));
      let lttbTiming: Timing;
      [downsampled, lttbTiming] = timed(() => lttb(toPairs(first.steps, first.values), DOWNSAMPLE_TO));
      pairs = toPairs(first.steps, first.values);
      // Drawn before the whole-run reads below, whose 900k-object results would put their GC
      // pauses into the chart times (the studio draws in another process anyway).
      draw = [
        timeDraw('raw', pairs, 3),
        timeDraw('lttb', downsampled, 3),
        timeDraw('echarts-sampling', pairs, 3, 'lttb'),
      ];
      browserDraw = await timeBrowserDraw(
        [
          { name: 'raw', data: pairs },
          { name: 'lttb', data: downsampled },
          { name: 'echarts-sampling', data: pairs, sampling: 'lttb' },
        ],
        3,
      );
      const [longDetail, getRunLong] = timed(() => store.getRun(longRun));
      const [shortDetail, getRunShort] = timed(() => store.getRun(shortRun));
      measured = {
        open: {
          open,
          quickCheck,
          listRunsFirst,
          listRuns,
          runs: runs.length,
          hostOpen: null,
          rpcRunsList: null,
          goalSeconds: SCALE_GOALS.runsTableSeconds,
        },
        series: {
          key: SERIES_KEY,
          points: first.steps.length,
          method: first.method,
          loadFirst,
          load,
          lttb: lttbTiming,
          downsampledPoints: downsampled.length,
          rpcMetricSeries: null,
        },
        runDetail: {
          longRunPoints: longDetail?.metricHistory.length ?? 0,
          getRunLong,
          rpcRunsGetLong: null,
          shortRunPoints: shortDetail?.metricHistory.length ?? 0,
          getRunShort,
          rpcRunsGetShort: null,
          rpcRunViewSeries: null,
          rpcRunsGetPanelLong: null,
        },
      };
    } finally {
      store.close();
    }

    const rpc = await benchRpc(root, longRun, shortRun);
    measured.open.hostOpen = rpc.hostOpen;
    measured.open.rpcRunsList = rpc.runsList;
    if (rpc.runsListSkipped !== undefined) measured.open.rpcSkipped = rpc.runsListSkipped;
    measured.series.rpcMetricSeries = rpc.metricSeries;
    if (rpc.metricSeriesSkipped !== undefined)
      measured.series.rpcMetricSeriesSkipped = rpc.metricSeriesSkipped;
    measured.runDetail.rpcRunsGetLong = rpc.runsGetLong;
    measured.runDetail.rpcRunsGetShort = rpc.runsGetShort;
    measured.runDetail.rpcRunViewSeries = rpc.runViewSeries;
    measured.runDetail.rpcRunsGetPanelLong = rpc.runsGetPanelLong;
    if (rpc.runsGetSkipped !== undefined) measured.runDetail.rpcSkipped = rpc.runsGetSkipped;

    const [raw, small] = [draw[0]!, draw[1]!];
    const [rawB, smallB] = [browserDraw.rows[0], browserDraw.rows[1]];
    const loadFirstSeconds = measured.series.loadFirst.seconds;
    const lttbSeconds = measured.series.lttb.seconds;
    return {
      date: new Date().toISOString(),
      quick,
      loadAverage,
      insert,
      build: {
        runs: built.runIds.length,
        longRuns: built.longRunIds.length,
        points: built.points,
        batch: shape.batch,
        seconds: built.seconds,
        pointsPerS: built.points / built.seconds,
        dbBytes,
        loadAverage: buildLoad,
      },
      ...measured,
      draw,
      browserDraw,
      loadAndDrawRawSeconds: loadFirstSeconds + raw.firstSeconds,
      loadAndDrawDownsampledSeconds: loadFirstSeconds + lttbSeconds + small.firstSeconds,
      loadAndDrawRawBrowserSeconds: rawB ? loadFirstSeconds + rawB.firstSeconds : null,
      loadAndDrawDownsampledBrowserSeconds: smallB
        ? loadFirstSeconds + lttbSeconds + smallB.firstSeconds
        : null,
      goalSeconds: SCALE_GOALS.seriesLoadAndDrawSeconds,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const int = (x: number) => Math.round(x).toLocaleString('en-US');
const ms = (s: number) => `${(s * 1000).toFixed(0)} ms`;
/** "120 ms (80 ms CPU)", or "n/a (why)". */
const t = (x: Timing | null, why?: string) =>
  x === null ? `n/a (${why ?? ''})` : `${ms(x.seconds)} (${ms(x.cpuSeconds)} CPU)`;

export function formatStoreScaleBench(r: StoreScaleBench): string {
  const b = r.build;
  const o = r.open;
  const s = r.series;
  const d = r.runDetail;
  return [
    `Store scale (issue 9), load average ${r.loadAverage.toFixed(2)}${r.quick ? ' (quick run)' : ''}; wall clock (CPU time)`,
    `  logMetrics insert rate: ${r.insert.map((i) => `batch ${i.batch}: ${int(i.pointsPerS)} points/s (${int(i.pointsPerCpuSecond)} per CPU-s)`).join(', ')}`,
    `  build: ${int(b.runs)} runs (${b.longRuns} long), ${int(b.points)} points in ${b.seconds.toFixed(1)} s ` +
      `(${int(b.pointsPerS)} points/s, batches of ${b.batch}), project.db ${(b.dbBytes / 2 ** 20).toFixed(0)} MiB`,
    `  runs table (${int(o.runs)} runs, goal < ${o.goalSeconds} s): openStore ${t(o.open)} [quick_check alone ${t(o.quickCheck)}], ` +
      `listRuns ${t(o.listRunsFirst)} first, ${t(o.listRuns)} warm; EngineHost open ${t(o.hostOpen)}, ` +
      `runs.list RPC ${t(o.rpcRunsList, o.rpcSkipped)}`,
    `  ${int(s.points)}-point series "${s.key}": ${s.method} ${t(s.loadFirst)} first, ${t(s.load)} warm; ` +
      `LTTB → ${int(s.downsampledPoints)} ${t(s.lttb)}; runs.metricSeries RPC ${t(s.rpcMetricSeries, s.rpcMetricSeriesSkipped)}`,
    `  open a run: getRun ${int(d.longRunPoints)} points ${t(d.getRunLong)}, runs.get RPC ${t(d.rpcRunsGetLong, d.rpcSkipped)}; ` +
      `getRun ${int(d.shortRunPoints)} points ${t(d.getRunShort)}, runs.get RPC ${t(d.rpcRunsGetShort, d.rpcSkipped)}; ` +
      `long run's chart keys via runs.metricSeries ${t(d.rpcRunViewSeries)}; ` +
      `runs.get as the run panel asks (${int(RUN_PANEL_POINTS)} points per key) ${t(d.rpcRunsGetPanelLong)}`,
    `  draw (ECharts SVG 800×400, first / best of 3): ${r.draw.map((x) => `${x.name} ${int(x.points)} points ${ms(x.firstSeconds)} / ${ms(x.seconds)} (${ms(x.cpuSeconds ?? Number.NaN)} CPU)`).join('; ')}`,
    r.browserDraw.skipped !== undefined
      ? `  draw in Chromium: n/a (${r.browserDraw.skipped})`
      : `  draw (ECharts canvas in headless Chromium, first / best of 3): ${r.browserDraw.rows.map((x) => `${x.name} ${int(x.points)} points ${ms(x.firstSeconds)} / ${ms(x.seconds)}`).join('; ')}`,
    `  load + draw (goal < ${r.goalSeconds} s): raw ${ms(r.loadAndDrawRawSeconds)} SVG` +
      `${r.loadAndDrawRawBrowserSeconds === null ? '' : ` / ${ms(r.loadAndDrawRawBrowserSeconds)} Chromium`}, ` +
      `load + LTTB + draw ${ms(r.loadAndDrawDownsampledSeconds)} SVG` +
      `${r.loadAndDrawDownsampledBrowserSeconds === null ? '' : ` / ${ms(r.loadAndDrawDownsampledBrowserSeconds)} Chromium`}`,
  ].join('\n');
}
