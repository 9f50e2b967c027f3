import { defineConfig } from 'vitest/config';

// Integration tests on the real KG at ../shared/kg (see test/shared/). CI runs them.
export default defineConfig({
  test: {
    include: ['test/shared/**/*.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 900_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
