import { defineConfig } from 'vitest/config';

// Browser tests of the web UI (npm run test:ui): Chromium driven by playwright-core against the
// demo index on a loopback server. BIOBRIDGE_CHROMIUM names the browser (default /usr/bin/chromium).
export default defineConfig({
  test: {
    include: ['test/ui/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
