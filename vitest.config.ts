import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Every run's temporary files in one folder, removed at the end; SST-2 and ChnSentiCorp by
    // name, found once per run (test/corpora.ts says how tests use them).
    globalSetup: ['test/setup/temp-folder.ts', 'test/corpora.setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Timing belongs to the benchmark script; tests only assert correctness.
    pool: 'forks',
  },
});
