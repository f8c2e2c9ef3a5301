// The renderer's build. Browser mode (`neurofab serve`) serves out/renderer; the Electron build
// (electron.vite.config.ts) reuses `rendererConfig` for its renderer section.
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin, type UserConfig } from 'vite';

/**
 * index.html carries the strict production CSP. Vite's dev server injects an inline
 * react-refresh preamble and talks HMR over its own WebSocket, so only in dev is the policy
 * relaxed for those two things.
 */
function devCspRelaxation(): Plugin {
  return {
    name: 'neurofab-dev-csp',
    apply: 'serve',
    transformIndexHtml: (html) =>
      html
        .replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
        .replace('connect-src ', 'connect-src ws://localhost:* '),
  };
}

/** Paths are relative to the repository root, where every build script runs. */
export const rendererConfig = {
  root: 'renderer',
  // Relative asset URLs work under http:// (serve), app:// and file:// (Electron) alike.
  base: './',
  plugins: [react(), devCspRelaxation()],
  build: {
    outDir: '../out/renderer',
    emptyOutDir: true,
    target: 'es2022',
    // Monaco is one large chunk by nature; it is loaded from disk, never over a network.
    chunkSizeWarningLimit: 8000,
  },
  worker: { format: 'es' },
} satisfies UserConfig;

export default defineConfig(rendererConfig);
