// Electron build (`electron-vite build`): main → out/main (ESM, like the package), preload →
// out/preload/index.cjs (one self-contained CommonJS file: a sandboxed preload cannot load ES
// modules or node_modules, so zod and the protocol schemas are bundled in), renderer →
// out/renderer, reusing the renderer's own Vite settings (renderer/vite.config.ts). The engine is
// bundled separately by scripts/build-engine.mjs into out/engine (npm run build does both).
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'electron-vite';
import { rendererConfig } from './renderer/vite.config';

const root = fileURLToPath(new URL('.', import.meta.url));
const at = (...parts: string[]) => resolve(root, ...parts);

export default defineConfig({
  main: {
    build: {
      outDir: at('out/main'),
      rolldownOptions: { input: { index: at('main/index.ts') } },
    },
  },
  preload: {
    build: {
      outDir: at('out/preload'),
      // Bundle every dependency: the sandboxed preload has no require() for node_modules.
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: at('preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs', codeSplitting: false },
      },
    },
  },
  renderer: {
    ...rendererConfig,
    // renderer/vite.config.ts states its paths relative to its root; electron-vite resolves
    // build.outDir against the project instead, so give both absolutely.
    root: at('renderer'),
    build: {
      ...rendererConfig.build,
      outDir: at('out/renderer'),
      rolldownOptions: { input: at('renderer/index.html') },
    },
  },
});
