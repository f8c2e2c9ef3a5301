#!/usr/bin/env node
// Launches the bundled CLI (out/engine/cli.js, built by `npm install`/`npm run build:engine`).
// From a source checkout without a build, it falls back to running the TypeScript through tsx.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bundled = join(root, 'out', 'engine', 'cli.js');
if (existsSync(bundled)) {
  await import(pathToFileURL(bundled).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(join(root, 'engine', 'cli', 'entry.ts')).href);
}
