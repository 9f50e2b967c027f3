import type { LlmClient, LlmCompletion, LlmRequest, LlmStreamEvent } from '../../src/llm/llm-client.js';

/** One scripted reply: a text, a completion, an error to throw, or a function of the request. */
export type FakeLlmReply =
  string | LlmCompletion | Error | ((request: LlmRequest, call: number) => string | LlmCompletion);

export interface FakeLlm extends LlmClient {
  /** Every request, in order. */
  readonly calls: LlmRequest[];
}

/**
 * A scripted LLM client that records every call. Replies are used one per call, in order; a call
 * beyond the script fails with "not implemented", so a test cannot pass by accident.
 */
export function createFakeLlm(replies: readonly FakeLlmReply[] = []): FakeLlm {
  const calls: LlmRequest[] = [];
  const next = (request: LlmRequest): LlmCompletion => {
    const call = calls.length;
    calls.push(request);
    const reply = replies[call];
    if (reply === undefined) throw new Error(`fake LLM: call ${call + 1} is not scripted (not implemented)`);
    if (reply instanceof Error) throw reply;
    const value = typeof reply === 'function' ? reply(request, call) : reply;
    return typeof value === 'string'
      ? { text: value, usage: { promptTokens: 10, completionTokens: 5 }, finishReason: 'stop' }
      : value;
  };
  return {
    model: 'fake-llm',
    calls,
    async complete(request) {
      return next(request);
    },
    async *stream(request): AsyncIterable<LlmStreamEvent> {
      const completion = next(request);
      yield { type: 'text-delta', text: completion.text };
      yield { type: 'finish', usage: completion.usage, finishReason: completion.finishReason };
    },
  };
}
