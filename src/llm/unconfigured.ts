import { AppError } from '../errors.js';
import type { LlmClient, LlmCompletion, LlmProbeResult, LlmStreamEvent } from './llm-client.js';

export const unconfiguredLlmMessage = 'no LLM configured (set OPENAI_BASE_URL and OPENAI_MODEL)';

const notConfigured = () =>
  new AppError({
    code: 'UNAVAILABLE',
    message: unconfiguredLlmMessage,
    details: { reason: 'llm-not-configured' },
  });

/**
 * Stand-in used when no LLM endpoint is configured. Every call fails with `UNAVAILABLE`,
 * which agents treat as "answer from evidence only".
 */
export function createUnconfiguredLlm(): LlmClient {
  return {
    model: 'none',
    complete: (): Promise<LlmCompletion> => Promise.reject(notConfigured()),
    // eslint-disable-next-line require-yield -- a stream that fails on first pull
    stream: async function* (): AsyncGenerator<LlmStreamEvent> {
      throw notConfigured();
    },
    probe: (): Promise<LlmProbeResult> =>
      Promise.resolve({ state: 'not-configured', detail: unconfiguredLlmMessage }),
  };
}

/** True for the error {@link createUnconfiguredLlm} throws. */
export function isLlmNotConfigured(error: unknown): boolean {
  return error instanceof AppError && error.details?.['reason'] === 'llm-not-configured';
}
