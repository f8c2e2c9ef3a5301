// The store survives a crash mid-write (issue 10). A real child process writes a burst of metric
// batches through the engine's Store (one logMetrics transaction per batch, as the run manager
// does) and is SIGKILLed at several points of the burst. Afterwards SQLite's integrity check must
// pass, and the rows must be a prefix of the burst: every batch the writer reported committed is
// there, every batch present is complete (no half-written transaction), with the values written.
import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../engine/store';
import { tempDbPath } from './store-helpers';

const BATCH_STEPS = 40;
const KEYS = ['train_loss', 'train_accuracy', 'lr'];
const storeModule = pathToFileURL(path.join(__dirname, '../../engine/store/index.ts')).href;
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** The value written for a key at a step, so the reader can tell a torn or mixed-up row. */
function expectedValue(keyIndex: number, step: number): number {
  return keyIndex * 1e6 + step * 0.5;
}

// The writer: opens the store, creates a running run, then commits batch after batch, printing
// the index of each batch after its transaction returned (stdout to a pipe is synchronous on Linux,
// so a printed index was committed before the kill could land).
const writerSource = `
import { openStore } from ${JSON.stringify(storeModule)};
const store = openStore(process.argv[1]);
const runId = store.createRun({
  experiment: 'burst', sourceFile: null, seed: 1, engineVersion: 'test', params: {}, dslSnapshot: '',
});
store.setRunStatus(runId, 'running');
process.stdout.write('run ' + runId + '\\n');
const keys = ${JSON.stringify(KEYS)};
for (let batch = 0; batch < 1_000_000; batch++) {
  const points = [];
  for (let i = 0; i < ${BATCH_STEPS}; i++) {
    const step = batch * ${BATCH_STEPS} + i;
    keys.forEach((key, k) => points.push({ key, step, value: k * 1e6 + step * 0.5, timestamp: Date.now() }));
  }
  store.logMetrics(runId, points);
  process.stdout.write('committed ' + batch + '\\n');
}
`;

interface Killed {
  runId: string;
  /** The highest batch index the writer printed as committed before it died. */
  lastCommitted: number;
  signal: NodeJS.Signals | null;
}

/** Starts the writer and SIGKILLs it once it has printed `killAfter` committed batches. */
function writeAndKill(dbPath: string, killAfter: number): Promise<Killed> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', tsxLoader, '--input-type=module', '-e', writerSource, dbPath],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let runId = '';
  let lastCommitted = -1;
  let buffered = '';
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (data: Buffer) => {
      buffered += data.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        const [word, value] = line.split(' ');
        if (word === 'run') runId = value ?? '';
        else if (word === 'committed') lastCommitted = Number(value);
      }
      if (lastCommitted + 1 >= killAfter && child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
      }
    });
    child.once('exit', (code, signal) => {
      if (!runId) reject(new Error(`The writer failed to start (exit ${code}):\n${stderr}`));
      else resolve({ runId, lastCommitted, signal });
    });
  });
}

describe('store: SIGKILL during a burst of metric writes', () => {
  // Kill points from the first batches to deep into the burst.
  it.each([1, 5, 37, 200, 1000])(
    'is intact and prefix-consistent when killed after %i batches',
    async (killAfter) => {
      const dbPath = tempDbPath();
      const killed = await writeAndKill(dbPath, killAfter);
      // The writer never stops on its own: it was killed in the middle of its burst.
      expect(killed.signal).toBe('SIGKILL');
      expect(killed.lastCommitted + 1).toBeGreaterThanOrEqual(killAfter);

      // A plain connection first, as SQLite finds the files after the crash (WAL and all).
      const raw = new Database(dbPath);
      expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(raw.pragma('foreign_key_check')).toEqual([]);
      raw.close();

      const store = openStore(dbPath);
      try {
        expect(store.getRun(killed.runId)?.status).toBe('running');
        expect(store.metricKeys(killed.runId).sort()).toEqual([...KEYS].sort());
        const counts = KEYS.map((key, k) => {
          const { steps, values } = store.metricColumns(killed.runId, key);
          // Steps 0..n-1, each once, with the value written for it.
          for (let i = 0; i < steps.length; i++) {
            if (steps[i] !== i || values[i] !== expectedValue(k, i)) {
              throw new Error(`${key}: row ${i} is step ${steps[i]} = ${values[i]}; expected step ${i}`);
            }
          }
          return steps.length;
        });
        const rows = counts[0]!;
        // Every key has the same rows, in whole batches: no transaction is half there.
        expect(counts).toEqual(KEYS.map(() => rows));
        expect(rows % BATCH_STEPS).toBe(0);
        // Everything reported committed survived (the writer may have committed more before the kill
        // reached it than this process had read).
        expect(rows / BATCH_STEPS).toBeGreaterThanOrEqual(killed.lastCommitted + 1);
        // Start-up recovery (what a restarted engine does) marks the run interrupted.
        expect(store.markInterrupted()).toHaveLength(1);
        expect(store.getRun(killed.runId)?.status).toBe('interrupted');
      } finally {
        store.close();
      }
    },
    60_000,
  );
});
