import type { LlmClient } from './llm-client.js';
import { createOpenAiLlmClient, type OpenAiLlmOptions } from './openai-client.js';
import { createUnconfiguredLlm } from './unconfigured.js';

/** {@link OpenAiLlmOptions} with the endpoint optional: configuration may leave the LLM out. */
export type LlmOptions = Omit<OpenAiLlmOptions, 'baseUrl' | 'model'> & {
  baseUrl?: string | undefined;
  model?: string | undefined;
};

/**
 * The OpenAI-compatible client when both `baseUrl` and `model` are set, else the unconfigured
 * stand-in, whose `UNAVAILABLE` errors make agents answer from evidence only.
 */
export function createLlm(options: LlmOptions): LlmClient {
  const { baseUrl, model, ...rest } = options;
  if (!baseUrl || !model) return createUnconfiguredLlm();
  return createOpenAiLlmClient({ ...rest, baseUrl, model });
}
