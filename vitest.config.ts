import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/setup/temp-folder.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Timing belongs to the benchmark script; tests only assert correctness.
    pool: 'forks',
  },
});
