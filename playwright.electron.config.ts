// Electron end-to-end tests (test/electron, tagged @electron). They need Electron's binary, which
// cannot be downloaded on every machine: run them through `node scripts/test-electron.mjs`, which
// skips with the reason where the binary is absent and uses xvfb-run where there is no display.
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: 'test/electron',
  grep: /@electron/,
  // One Electron app at a time: they share the machine's display and the test project.
  workers: 1,
  fullyParallel: false,
  timeout: 120_000,
  expect: { timeout: 20_000 },
  retries: 0,
  outputDir: 'test-results/electron',
  reporter: [['list']],
});
