// Builds the renderer once per test session, so the tests never exercise a stale UI.
// NEUROFAB_E2E_SKIP_BUILD=1 skips it when the caller has just built (e.g. `npm test`).
import { execFileSync } from 'node:child_process';

export default function globalSetup(): void {
  if (process.env.NEUROFAB_E2E_SKIP_BUILD === '1') return;
  const started = Date.now();
  execFileSync('npx', ['vite', 'build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn'], {
    stdio: 'inherit',
  });
  console.log(`renderer built in ${Date.now() - started} ms`);
}
