import { defineConfig } from 'vitest/config';

// The default suite must pass on a fresh clone: tests that read ../shared/kg live in
// test/shared/ and run through vitest.shared.config.ts (npm run test:shared).
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/shared/**', 'test/live/**', 'node_modules/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
