import { defineConfig } from 'vitest/config';

// The Slurm integration test (`npm run test:slurm`): a real one-node cluster, so it runs apart
// from the unit tests, one file at a time.
export default defineConfig({
  test: {
    include: ['test/slurm/**/*.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
