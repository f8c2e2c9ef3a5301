// A disk that fills up during a run, on real files with a real process: the file-size limit
// (ulimit -f) makes every write past it fail with EFBIG, as a full disk fails with ENOSPC. The
// database must stay consistent, and the run must not be recorded as a clean success.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = path.resolve(import.meta.dirname, '../..');
let project: string;
let run: { status: number | null; stdout: string; stderr: string };

function runs(): { id: string; status: string; error: string | null }[] {
  const db = new Database(path.join(project, '.neurofab', 'project.db'), { readonly: true });
  try {
    return db.prepare('SELECT id, status, error FROM runs ORDER BY started_at').all() as never;
  } finally {
    db.close();
  }
}

beforeAll(() => {
  project = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'full-disk-')));
  fs.copyFileSync(path.join(repo, 'examples', 'quickstart.nfab'), path.join(project, 'quickstart.nfab'));
  const cli = path.join(repo, 'bin', 'neurofab.js');
  // A first small run creates the database (about 90 KB); the second runs with a 100 KiB limit.
  const first = spawnSync(
    process.execPath,
    [cli, 'run', 'quickstart.nfab', '--train-limit', '200', '--test-limit', '50'],
    {
      cwd: project,
      encoding: 'utf8',
    },
  );
  expect(first.status, first.stderr).toBe(0);
  const r = spawnSync(
    'bash',
    [
      '-c',
      `ulimit -f 100 && exec ${JSON.stringify(process.execPath)} ${JSON.stringify(cli)} run quickstart.nfab --train-limit 2000 --test-limit 500`,
    ],
    { cwd: project, encoding: 'utf8', timeout: 300_000 },
  );
  run = { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}, 300_000);

afterAll(() => fs.rmSync(project, { recursive: true, force: true }));

describe.skipIf(process.platform === 'win32')('a disk that fills up during a run', () => {
  it('hits the limit (the test really exercises a failing write)', () => {
    expect(`${run.stdout}${run.stderr}`).toMatch(/disk I\/O error|disk is full|EFBIG|file too large/i);
  });

  it('leaves the database passing integrity_check, with the earlier run intact', () => {
    const db = new Database(path.join(project, '.neurofab', 'project.db'), { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      db.close();
    }
    expect(runs()[0]?.status).toBe('finished');
  });

  // It used to end 'finished' (exit 0) with only "metrics not recorded: disk I/O error" in the log:
  // the run manager now stops the run and records it failed with the store's reason.
  it('records the run as failed, with the reason, and the CLI exits non-zero', () => {
    const last = runs().at(-1)!;
    expect(last.status).toBe('failed');
    expect(last.error ?? '').toMatch(/disk|space|I\/O/i);
    expect(run.status).not.toBe(0);
  });
});
