// Shared fixtures for the store tests: a fresh temp directory per test and a minimal run input.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import type { CreateRunInput } from '../../engine/store';

const dirs: string[] = [];

afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** A database path inside a not-yet-existing folder of a fresh temp dir (openStore must create it). */
export function tempDbPath(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nf-store-'));
  dirs.push(dir);
  return path.join(dir, '.neurofab', 'project.db');
}

export function runInput(overrides: Partial<CreateRunInput> = {}): CreateRunInput {
  return {
    experiment: 'mnist-baseline',
    sourceFile: 'models/mnist.nfab',
    seed: 42,
    engineVersion: '0.1.0',
    params: { epochs: '3', 'layers.0.neurons': '128' },
    dslSnapshot: 'experiment mnist-baseline {\n  epochs 3\n}\n',
    ...overrides,
  };
}

/** A controllable clock: each call returns the current value, then advances by `step` ms. */
export function steppingClock(start = 1_700_000_000_000, step = 1000): () => number {
  let t = start;
  return () => {
    const now = t;
    t += step;
    return now;
  };
}
