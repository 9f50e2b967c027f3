import { defineConfig } from 'vitest/config';

// The default suite must pass on a fresh clone: tests that read ../shared/kg live in
// test/shared/ and run through vitest.shared.config.ts (npm run test:shared); browser tests of the
// web UI live in test/ui/ (npm run test:ui, needs Chromium).
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/shared/**', 'test/live/**', 'test/ui/**', 'node_modules/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
