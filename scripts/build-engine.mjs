// Bundles the engine (CLI, Electron utility-process host, serve's supervised engine child,
// training worker) into out/engine/. All land in one folder so the hosts find their worker (and
// the supervisor its child) beside themselves. Packages stay external: better-sqlite3 is native,
// and the rest resolve from node_modules at run time.
import { build } from 'esbuild';

const started = Date.now();
await build({
  entryPoints: {
    cli: 'engine/cli/entry.ts',
    host: 'engine/host/utility-entry.ts',
    'engine-child': 'engine/host/child-entry.ts',
    'train-worker': 'engine/sim/train-worker.ts',
  },
  outdir: 'out/engine',
  bundle: true,
  // Code only some commands need (the store, the run manager, the server, NIR, the benchmark) goes
  // into chunks beside the entries (the run manager finds train-worker.js next to itself), loaded on
  // first use, so `neurofab check` / `fmt` / `energy` start quickly.
  splitting: true,
  chunkNames: '[name]-[hash]',
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
  banner: {
    // Bundled ESM has no require(); some dependencies still call it.
    js: "import { createRequire as __nfCreateRequire } from 'node:module'; const require = __nfCreateRequire(import.meta.url);",
  },
});
console.log(`engine built into out/engine in ${Date.now() - started} ms`);
