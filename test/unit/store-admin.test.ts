// Run administration in the store: notes, tag removal, cascading deletes, sweeps with their
// missing points, metric columns, LTTB series, CSV/JSON export, and a reader beside a writer.
import { spawn } from 'node:child_process';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { type MetricPoint, MetricSeriesSchema, RunSummarySchema } from '../../engine/protocol/schema';
import { openStore, type Store } from '../../engine/store';
import { csvField, exportRuns, UnknownRunsError } from '../../engine/store/export';
import { downsampledHistory, lttbIndices, metricSeries } from '../../engine/store/series';
import { runInput, steppingClock, tempDbPath } from './store-helpers';

const root = path.join(__dirname, '../..');

function withStore<T>(fn: (store: Store, dbPath: string) => T): T {
  const dbPath = tempDbPath();
  const store = openStore(dbPath, { now: steppingClock() });
  try {
    return fn(store, dbPath);
  } finally {
    store.close();
  }
}

/** A deterministic noisy curve: LCG noise on a decaying loss. */
function curve(n: number, key = 'loss', seed = 1): MetricPoint[] {
  let s = seed;
  return Array.from({ length: n }, (_, i) => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return { key, value: 1 / (1 + i / 100) + (s / 2 ** 31 - 0.5) * 0.1, step: i, timestamp: 1000 + i * 7 };
  });
}

/** RFC 4180 parser (quoted fields may hold commas, quotes and line breaks). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}

describe('store: notes, tags, delete', () => {
  it('sets a note and removes a tag; listRuns carries tags, note and sweep in one row', () => {
    withStore((store) => {
      const id = store.createRun(runInput({ tags: { owner: 'ana', keep: 'yes' } }));
      store.setNote(id, '# Baseline\nlr too high, see *epoch 2*');
      store.deleteTag(id, 'keep');
      store.deleteTag(id, 'never-set');
      const [run] = store.listRuns();
      expect(RunSummarySchema.parse(run)).toEqual(run);
      expect(run).toMatchObject({
        tags: { owner: 'ana' },
        note: '# Baseline\nlr too high, see *epoch 2*',
        sweepId: null,
        sweepIndex: null,
      });
      expect(store.getRun(id)!.overrides).toEqual({});
      expect(() => store.setNote('nope', 'x')).toThrow(/No run nope/);
      expect(() => store.deleteTag('nope', 'x')).toThrow(/No run nope/);
    });
  });

  it('deleteRuns removes runs with their params, metrics, tags and artifacts, in one go', () => {
    withStore((store, dbPath) => {
      const a = store.createRun(runInput({ tags: { t: '1' } }));
      const b = store.createRun(runInput());
      for (const id of [a, b]) {
        store.logMetrics(id, curve(50));
        store.putArtifact(id, 'energy', '{}', 'application/json');
      }
      expect(store.deleteRuns([a, 'unknown', a])).toBe(1);
      expect(store.listRuns().map((r) => r.id)).toEqual([b]);
      const raw = new Database(dbPath, { readonly: true });
      for (const table of ['params', 'metrics', 'latest_metrics', 'tags', 'artifacts']) {
        const left = raw.prepare(`SELECT count(*) AS n FROM ${table} WHERE run_id = ?`).get(a) as {
          n: number;
        };
        expect(left.n, table).toBe(0);
      }
      const kept = raw.prepare('SELECT count(*) AS n FROM metrics WHERE run_id = ?').get(b) as { n: number };
      expect(kept.n).toBe(50);
      raw.close();
      expect(store.deleteRuns([])).toBe(0);
      expect([...store.runStatuses([a, b])]).toEqual([[b, 'queued']]);
    });
  });
});

describe('store: sweeps', () => {
  it('counts the newest run of each point and lists the points with no finished run', () => {
    withStore((store) => {
      store.createSweep({
        id: 's1',
        experiment: 'e',
        sourceFile: 'main.nfab',
        dslSnapshot: 'experiment e {}',
        overrides: { epochs: 2 },
        total: 4,
      });
      const point = (index: number, status: 'finished' | 'failed' | 'running') => {
        const id = store.createRun(runInput({ experiment: 'e', sweep: { id: 's1', index } }));
        store.setRunStatus(id, status);
        return id;
      };
      point(0, 'finished');
      point(1, 'failed');
      point(1, 'finished'); // re-run of point 1: now done
      point(2, 'finished');
      point(2, 'failed'); // a later failed re-run does not undo the finished one
      point(3, 'running');
      const [sweep] = store.listSweeps();
      expect(sweep).toMatchObject({ id: 's1', experiment: 'e', total: 4, missing: [3] });
      expect(sweep!.counts).toEqual({
        queued: 0,
        running: 1,
        finished: 2,
        failed: 1,
        interrupted: 0,
        cancelled: 0,
      });
      expect(store.getSweep('s1')).toMatchObject({ overrides: { epochs: 2 }, total: 4 });
      expect(store.getSweep('nope')).toBeNull();
      // Runs of a sweep that does not exist are refused by the foreign key.
      expect(() => store.createRun(runInput({ sweep: { id: 'ghost', index: 0 } }))).toThrow(/FOREIGN KEY/);
    });
  });
});

describe('store: metric columns and series', () => {
  it('metricColumns returns the history in step order as typed arrays', () => {
    withStore((store) => {
      const id = store.createRun(runInput());
      const points = curve(1000);
      store.logMetrics(id, [...points].reverse());
      store.logMetrics(id, curve(3, 'acc'));
      expect(store.metricKeys(id)).toEqual(['acc', 'loss']);
      const cols = store.metricColumns(id, 'loss');
      expect(cols.steps).toBeInstanceOf(Float64Array);
      expect(Array.from(cols.steps)).toEqual(points.map((p) => p.step));
      expect(Array.from(cols.values)).toEqual(points.map((p) => p.value));
      expect(Array.from(cols.timestamps)).toEqual(points.map((p) => p.timestamp));
      expect(store.metricColumns(id, 'nothing').steps.length).toBe(0);
    });
  });

  it('LTTB keeps the first and last point, at most maxPoints, each an original point', () => {
    withStore((store) => {
      const id = store.createRun(runInput());
      const points = curve(20_000);
      store.logMetrics(id, points);
      const s = metricSeries(store, id, 'loss', 500);
      expect(MetricSeriesSchema.parse(s)).toEqual(s);
      expect(s.total).toBe(20_000);
      expect(s.steps.length).toBeLessThanOrEqual(500);
      expect(s.steps.length).toBeGreaterThan(400);
      expect(s.steps[0]).toBe(0);
      expect(s.steps.at(-1)).toBe(19_999);
      for (let i = 0; i < s.steps.length; i++) {
        const p = points[s.steps[i]!]!;
        expect([s.values[i], s.timestamps[i]]).toEqual([p.value, p.timestamp]);
        if (i > 0) expect(s.steps[i]).toBeGreaterThan(s.steps[i - 1]!);
      }
      // A spike survives downsampling (every-nth sampling would almost surely drop it).
      points[12_345] = { ...points[12_345]!, value: 50 };
      const spiky = lttbIndices(
        points.map((p) => p.step),
        points.map((p) => p.value),
        500,
      );
      expect(Array.from(spiky)).toContain(12_345);
      // Short series come back whole.
      expect(metricSeries(store, id, 'loss', 100_000).steps).toHaveLength(20_000);
    });
  });

  it('a run opens without its history, or with every metric downsampled for the run panel', () => {
    withStore((store) => {
      const id = store.createRun(runInput());
      store.logMetrics(id, [...curve(5_000, 'loss', 1), ...curve(150, 'accuracy', 2)]);
      expect(store.getRun(id, { history: false })!.metricHistory).toEqual([]);
      expect(store.getRun(id)!.metricHistory).toHaveLength(5_150);
      const history = downsampledHistory(store, id, 200);
      const byKey = (k: string) => history.filter((p) => p.key === k);
      expect(byKey('loss').length).toBeLessThanOrEqual(200);
      expect(byKey('loss').length).toBeGreaterThan(150);
      expect([byKey('loss')[0]!.step, byKey('loss').at(-1)!.step]).toEqual([0, 4_999]);
      // A metric with fewer points than the budget comes back whole, values and timestamps as logged.
      expect(byKey('accuracy')).toEqual(curve(150, 'accuracy', 2));
      // Only the keys asked for (the run panel's chart keys).
      expect(new Set(downsampledHistory(store, id, 200, ['accuracy', 'absent']).map((p) => p.key))).toEqual(
        new Set(['accuracy']),
      );
    });
  });
});

describe('store: export', () => {
  it('CSV has one row per metric point, params and tags as columns, and parses back', () => {
    withStore((store) => {
      const a = store.createRun(
        runInput({ params: { lr: '0.1', 'net.name': 'mlp, "big"' }, tags: { why: 'line1\nline2' } }),
      );
      store.logMetrics(a, curve(5));
      store.logMetrics(a, curve(2, 'acc'));
      store.setRunStatus(a, 'finished');
      const b = store.createRun(runInput({ params: { momentum: '0.9' } })); // no metrics yet
      const out = exportRuns(store, 'csv', undefined, Date.UTC(2026, 10, 23, 12));
      expect(out.mediaType).toBe('text/csv');
      expect(out.fileName).toMatch(/^runs-2026-11-23T\d{4}\.csv$/);
      const rows = parseCsv(out.text);
      expect(rows[0]).toEqual([
        'run_id',
        'experiment',
        'status',
        'key',
        'step',
        'value',
        'timestamp',
        'param.lr',
        'param.momentum',
        'param.net.name',
        'tag.why',
      ]);
      expect(rows).toHaveLength(1 + 7 + 1);
      const ofA = rows.filter((r) => r[0] === a);
      expect(ofA.map((r) => r[3])).toEqual(['acc', 'acc', 'loss', 'loss', 'loss', 'loss', 'loss']);
      const loss = ofA.filter((r) => r[3] === 'loss');
      expect(loss.map((r) => Number(r[5]))).toEqual(curve(5).map((p) => p.value));
      expect(loss.map((r) => Number(r[6]))).toEqual(curve(5).map((p) => p.timestamp));
      expect(ofA[0]!.slice(7)).toEqual(['0.1', '', 'mlp, "big"', 'line1\nline2']);
      expect(rows.find((r) => r[0] === b)).toEqual([
        b,
        'mnist-baseline',
        'queued',
        '',
        '',
        '',
        '',
        '',
        '0.9',
        '',
        '',
      ]);
      expect([csvField('a"b'), csvField('plain'), csvField(null), csvField(0.5)]).toEqual([
        '"a""b"',
        'plain',
        '',
        '0.5',
      ]);
    });
  });

  it('JSON has each run whole; unknown ids are refused by name', () => {
    withStore((store) => {
      const a = store.createRun(runInput({ overrides: { epochs: 2, seed: 7 } }));
      store.logMetrics(a, curve(4));
      store.setNote(a, 'hello');
      const out = exportRuns(store, 'json', [a]);
      expect(out.mediaType).toBe('application/json');
      const doc = JSON.parse(out.text);
      expect(doc.runs).toHaveLength(1);
      expect(doc.runs[0]).toMatchObject({
        id: a,
        note: 'hello',
        overrides: { epochs: 2, seed: 7 },
        params: { epochs: '3' },
        dslSnapshot: runInput().dslSnapshot,
      });
      expect(doc.runs[0].history.loss.values).toEqual(curve(4).map((p) => p.value));
      expect(() => exportRuns(store, 'json', [a, 'ghost'])).toThrow(UnknownRunsError);
      expect(() => exportRuns(store, 'csv', ['ghost'])).toThrow(/No run ghost in this project/);
    });
  });
});

describe('store: a read-only reader beside the writer', () => {
  it('reads whole committed batches while another process logs metrics, without SQLITE_BUSY', async () => {
    const dbPath = tempDbPath();
    const setup = openStore(dbPath);
    const id = setup.createRun(runInput());
    setup.close();
    // The writer is a separate process with its own connection, as the engine host is to the CLI.
    const writerCode = `
      const { openStore } = await import(${JSON.stringify(path.join(root, 'engine/store/index.ts'))});
      const store = openStore(${JSON.stringify(dbPath)});
      const pause = new Int32Array(new SharedArrayBuffer(4));
      for (let batch = 0; batch < 200; batch++) {
        const points = [];
        for (let i = 0; i < 50; i++) points.push({ key: 'loss', value: batch + i / 100, step: batch * 50 + i, timestamp: batch });
        store.logMetrics(${JSON.stringify(id)}, points);
        Atomics.wait(pause, 0, 0, 2);
      }
      store.close();
    `;
    const writer = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', writerCode], {
      cwd: root,
      stdio: ['ignore', 'inherit', 'pipe'],
    });
    let stderr = '';
    writer.stderr.on('data', (d) => {
      stderr += d;
    });
    const exited = new Promise<number | null>((resolve) => writer.on('exit', resolve));
    let running = true;
    void exited.then(() => {
      running = false;
    });

    const reader = openStore(dbPath, { readonly: true });
    const seen: number[] = [];
    try {
      while (running) {
        const n = reader.metricColumns(id, 'loss').steps.length;
        const latest = reader.listRuns()[0]!.metrics.loss;
        expect(n % 50, 'a reader saw part of a batch').toBe(0);
        // Two statements, two snapshots: the list may already include a later batch.
        if (n > 0) expect(latest).toBeGreaterThanOrEqual(n / 50 - 1 + 0.49 - 1e-9);
        seen.push(n);
        await new Promise((r) => setTimeout(r, 1));
      }
      expect(await exited, stderr).toBe(0);
      expect(reader.metricColumns(id, 'loss').steps.length).toBe(10_000);
      // Reads interleaved with the writes: some saw a partly written run.
      expect(seen.some((n) => n > 0 && n < 10_000)).toBe(true);
      for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThanOrEqual(seen[i - 1]!);
      expect(() => reader.setNote(id, 'x')).toThrow(/readonly/i);
    } finally {
      reader.close();
      writer.kill();
    }
  }, 60_000);
});
