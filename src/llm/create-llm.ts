import type { LlmClient } from './llm-client.js';
import type { OpenAiLlmOptions } from './openai-client.js';
import { createUnconfiguredLlm } from './unconfigured.js';

/** {@link OpenAiLlmOptions} with the endpoint optional: configuration may leave the LLM out. */
export type LlmOptions = Omit<OpenAiLlmOptions, 'baseUrl' | 'model'> & {
  baseUrl?: string | undefined;
  model?: string | undefined;
};

/**
 * The OpenAI-compatible client when both `baseUrl` and `model` are set, else the unconfigured
 * stand-in, whose `UNAVAILABLE` errors make agents answer from evidence only. The `openai` SDK
 * (≈ 0.13 CPU-s to import) is loaded by the first call, not at start-up.
 */
export function createLlm(options: LlmOptions): LlmClient {
  const { baseUrl, model, ...rest } = options;
  if (!baseUrl || !model) return createUnconfiguredLlm();
  let client: Promise<LlmClient> | undefined;
  const clientOf = () =>
    (client ??= import('./openai-client.js').then((module) =>
      module.createOpenAiLlmClient({ ...rest, baseUrl, model }),
    ));
  return {
    model,
    complete: async (request) => (await clientOf()).complete(request),
    async *stream(request) {
      yield* (await clientOf()).stream(request);
    },
    probe: async (signal) => (await clientOf()).probe!(signal),
  };
}
