import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // Two cores: more workers only add noise to latency measurements.
    maxWorkers: 2,
    pool: 'forks',
  },
});
