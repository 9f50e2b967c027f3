import OpenAI, { APIError, NotFoundError } from 'openai';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AppError } from '../../src/errors.js';
import { createApp } from '../../src/http/create-app.js';
import type { ChatEvent } from '../../src/agents/chat-agent.js';
import {
  answerEvents,
  createFakeChatAgent,
  sampleEvidence,
  type FakeChatRun,
} from '../fakes/fake-chat-agent.js';
import { listenOnLoopback, type LoopbackServer } from '../helpers/listen.js';
import { expectToolChoiceRefused, openAiSdkClient } from './openai-sdk-client.js';

/** A streamed completion's text, last finish reason and usage, read chunk by chunk. */
async function readChunks(stream: AsyncIterable<OpenAI.ChatCompletionChunk>) {
  let text = '';
  let finishReason: string | null | undefined;
  let usage: OpenAI.CompletionUsage | null | undefined;
  for await (const chunk of stream) {
    text += chunk.choices[0]?.delta.content ?? '';
    finishReason = chunk.choices[0]?.finish_reason ?? finishReason;
    usage = chunk.usage ?? usage;
  }
  return { text, finishReason, usage };
}

/** The `openai` SDK against a real @hono/node-server instance of the app on 127.0.0.1. */

let script: ChatEvent[] | FakeChatRun = answerEvents('ABL1 is a target of imatinib [E1].');
const agent = createFakeChatAgent(() => script);
let server: LoopbackServer;
let client: OpenAI;

beforeAll(async () => {
  server = await listenOnLoopback(createApp({ chatAgent: agent }, { authToken: 'round-trip-token' }));
  client = openAiSdkClient(server.port, 'round-trip-token', 5_000);
});

afterAll(async () => {
  await server.close();
});

describe('openai SDK round trip', () => {
  it('lists models', async () => {
    const page = await client.models.list();
    expect(page.data.map((model) => model.id)).toEqual(['biobridge']);
  });

  it('gets a completion with usage and the evidence extension', async () => {
    script = answerEvents('ABL1 is a target of imatinib [E1].');
    const completion = await client.chat.completions.create({
      model: 'biobridge',
      messages: [{ role: 'user', content: 'Which proteins does imatinib target?' }],
    });
    expect(completion.object).toBe('chat.completion');
    expect(completion.choices[0]?.message.content).toBe('ABL1 is a target of imatinib [E1].');
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion.usage).toEqual({ prompt_tokens: 120, completion_tokens: 7, total_tokens: 127 });
    expect((completion as unknown as { evidence: unknown }).evidence).toEqual(sampleEvidence);
  });

  it('streams a completion with a usage chunk', async () => {
    script = answerEvents('ABL1 and KIT [E1][E2].');
    const stream = await client.chat.completions.create({
      model: 'biobridge',
      messages: [{ role: 'user', content: 'Which proteins does imatinib target?' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const { text, finishReason, usage } = await readChunks(stream);
    expect(text).toBe('ABL1 and KIT [E1][E2].');
    expect(finishReason).toBe('stop');
    expect(usage).toEqual({ prompt_tokens: 120, completion_tokens: 4, total_tokens: 124 });
  });

  it('surfaces our errors as SDK errors with our message', async () => {
    const error = await client.chat.completions
      .create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).message).toContain("model 'gpt-4o' does not exist");

    const unauthenticated = new OpenAI({ baseURL: client.baseURL, apiKey: 'wrong', maxRetries: 0 });
    await expect(unauthenticated.models.list()).rejects.toMatchObject({ status: 401 });
  });

  it('conformance: evidence-only answers count usage; max_tokens cuts with finish_reason length, streaming and not', async () => {
    const evidenceOnly = 'ABL1 is a known target of imatinib [E1]. KIT is a known target of imatinib [E2].';
    const zero = { mode: 'evidence-only' as const, usage: { promptTokens: 0, completionTokens: 0 } };
    script = answerEvents(evidenceOnly, zero);
    const messages = [{ role: 'user' as const, content: 'Which proteins does imatinib target?' }];
    const whole = await client.chat.completions.create({ model: 'biobridge', messages });
    expect(whole.choices[0]?.message.content).toBe(evidenceOnly);
    expect(whole.usage?.completion_tokens).toBeGreaterThan(10);
    expect(whole.usage?.prompt_tokens).toBeGreaterThan(5);
    expect(whole.usage?.total_tokens).toBe(
      (whole.usage?.prompt_tokens ?? 0) + (whole.usage?.completion_tokens ?? 0),
    );

    script = answerEvents(evidenceOnly, zero);
    const cut = await client.chat.completions.create({ model: 'biobridge', messages, max_tokens: 5 });
    expect(cut.choices[0]?.finish_reason).toBe('length');
    expect((cut.choices[0]?.message.content ?? '').length).toBeLessThan(evidenceOnly.length);
    expect(evidenceOnly.startsWith(cut.choices[0]?.message.content ?? 'x')).toBe(true);
    expect(cut.usage?.completion_tokens).toBeLessThanOrEqual(5);

    script = answerEvents(evidenceOnly, zero);
    const stream = await client.chat.completions.create({
      model: 'biobridge',
      messages,
      max_completion_tokens: 5,
      stream: true,
      stream_options: { include_usage: true },
    });
    const { text, finishReason, usage } = await readChunks(stream);
    expect(finishReason).toBe('length');
    expect(text).toBe(cut.choices[0]?.message.content);
    expect(usage?.completion_tokens).toBeLessThanOrEqual(5);
  });

  it('conformance: tools: [] and tool_choice "none" are accepted; a forced tool call without a model is refused with param', async () => {
    script = answerEvents('ABL1 [E1].');
    const messages = [{ role: 'user' as const, content: 'imatinib?' }];
    const accepted = await client.chat.completions.create({
      model: 'biobridge',
      messages,
      tools: [],
      tool_choice: 'none',
    });
    expect(accepted.choices[0]?.message.content).toBe('ABL1 [E1].');
    const tools = [{ type: 'function' as const, function: { name: 'lookup', parameters: {} } }];
    script = answerEvents('ABL1 [E1].');
    const ignored = await client.chat.completions.create({ model: 'biobridge', messages, tools });
    expect(ignored.choices[0]).toMatchObject({ finish_reason: 'stop', message: { content: 'ABL1 [E1].' } });
    const refused = await client.chat.completions
      .create({ model: 'biobridge', messages, tools, tool_choice: 'required' })
      .catch((caught: unknown) => caught);
    expectToolChoiceRefused(refused);
    const missing = await client.chat.completions
      .create({ model: 'gpt-4o', messages })
      .catch((caught: unknown) => caught);
    expect(missing).toMatchObject({
      status: 404,
      type: 'invalid_request_error',
      param: 'model',
      code: 'NOT_FOUND',
    });
  });

  it('an error frame mid-stream makes the SDK throw', async () => {
    script = [
      { type: 'answer-delta', text: 'ABL1' },
      { type: 'error', error: new AppError({ code: 'UPSTREAM', message: 'LLM failed with HTTP 500: boom' }) },
    ];
    const stream = await client.chat.completions.create({
      model: 'biobridge',
      messages: [{ role: 'user', content: 'q' }],
      stream: true,
    });
    const seen: string[] = [];
    const failure = await (async () => {
      for await (const chunk of stream) seen.push(chunk.choices[0]?.delta.content ?? '');
    })().catch((caught: unknown) => caught);
    expect(seen.join('')).toBe('ABL1');
    expect(failure).toBeInstanceOf(APIError);
    expect((failure as APIError).message).toContain('LLM failed with HTTP 500: boom');
  });

  it('a client that disconnects mid-stream cancels the agent over a real socket', async () => {
    script = { events: answerEvents('one two three four five six seven eight nine ten'), delayMs: 40 };
    const before = agent.calls.length;
    const controller = new AbortController();
    const stream = await client.chat.completions.create(
      { model: 'biobridge', messages: [{ role: 'user', content: 'q' }], stream: true },
      { signal: controller.signal },
    );
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content) {
        controller.abort();
        break;
      }
    }
    await vi.waitFor(() => expect(agent.calls[before]?.outcome).toBe('aborted'), { timeout: 2_000 });
  });
});
