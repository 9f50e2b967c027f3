import { defineConfig } from 'vitest/config';

// Tests against a real OpenAI-compatible endpoint (OPENAI_BASE_URL, OPENAI_MODEL, OPENAI_API_KEY).
// Never run in CI; each test skips when the endpoint is not configured.
export default defineConfig({
  test: { include: ['test/live/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 120_000 },
});
