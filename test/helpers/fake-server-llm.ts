import { createOpenAiLlmClient, type OpenAiLlmOptions } from '../../src/llm/openai-client.js';
import type { LlmClient } from '../../src/llm/llm-client.js';
import { createMemoryLogger } from '../../src/util/logger.js';
import type { FakeOpenAiServer } from '../fakes/fake-openai-server.js';

/** The real OpenAI client pointed at a fake server: no retries, a 5 s timeout, a memory logger. */
export function fakeServerLlm(
  server: FakeOpenAiServer,
  overrides: Partial<OpenAiLlmOptions> = {},
): LlmClient {
  return createOpenAiLlmClient({
    baseUrl: server.baseUrl,
    model: 'fake-model',
    apiKey: 'test-key',
    maxRetries: 0,
    timeoutMs: 5_000,
    logger: createMemoryLogger(),
    ...overrides,
  });
}
