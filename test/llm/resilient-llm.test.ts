import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.js';
import type { LlmRequest, LlmStreamEvent } from '../../src/llm/llm-client.js';
import { createOpenAiLlmClient } from '../../src/llm/openai-client.js';
import { createResilientLlm, type ResilientLlmOptions } from '../../src/llm/resilient-llm.js';
import { createMemoryLogger } from '../../src/util/logger.js';
import { startFakeOpenAiServer, type FakeOpenAiServer } from '../fakes/fake-openai-server.js';
import { collectStream } from '../helpers/collect-stream.js';
import { rejection } from '../helpers/expect-app-error.js';

let server: FakeOpenAiServer;
beforeAll(async () => {
  server = await startFakeOpenAiServer();
});
afterAll(async () => {
  await server.close();
});

const DEADLINE_MS = 1_500;

/** The real OpenAI client against the fake server (SDK retries off), behind the guard. */
function guarded(options: ResilientLlmOptions = {}) {
  const logger = createMemoryLogger();
  const upstream = createOpenAiLlmClient({
    baseUrl: server.baseUrl,
    model: 'fake-model',
    apiKey: 'k',
    maxRetries: 0,
    timeoutMs: 60_000,
  });
  const llm = createResilientLlm(upstream, {
    deadlineMs: DEADLINE_MS,
    backoffBaseMs: 10,
    retryAfterCapMs: 1_000,
    logger,
    ...options,
  });
  return { llm, logger };
}

const request: LlmRequest = { messages: [{ role: 'user', content: 'Which proteins does imatinib target?' }] };

/** The text a stream wrote, its last finish event and what it threw. */
async function collect(stream: AsyncIterable<LlmStreamEvent>) {
  const { events, error } = await collectStream(stream);
  let text = '';
  let finish: Extract<LlmStreamEvent, { type: 'finish' }> | undefined;
  for (const event of events) {
    if (event.type === 'text-delta') text += event.text;
    else finish = event;
  }
  return { text, finish, error };
}

function expectNoInternals(error: AppError) {
  expect(error.message).not.toContain(server.baseUrl);
  expect(error.message).not.toContain('127.0.0.1');
  expect(error.message).not.toContain('fake-openai-server');
}

const requestsSince = (before: number) => server.chatRequests().length - before;

describe('LLM guard: fault matrix against the fake OpenAI server', () => {
  it('hang: gives up at the deadline, on complete and on stream', async () => {
    const { llm } = guarded();
    server.setReplies({ kind: 'text', text: 'late', delayMs: 60_000 });
    const started = performance.now();
    const error = await rejection(llm.complete(request));
    expect(error.code).toBe('TIMEOUT');
    expect(error.message).toBe('the language model gave no complete answer within 1.5 s');
    const streamed = await collect(llm.stream(request));
    expect((streamed.error as AppError).code).toBe('TIMEOUT');
    // two calls, each bounded by the deadline (not by the SDK's 60 s timeout)
    expect(performance.now() - started).toBeLessThan(2 * DEADLINE_MS + 2_000);
  });

  it('429 with Retry-After 120: not waited for, fails at once with our message', async () => {
    const { llm, logger } = guarded();
    server.setReplies({
      kind: 'error',
      status: 429,
      message: 'slow down, internal shard 7',
      headers: { 'retry-after': '120' },
    });
    const before = server.chatRequests().length;
    const started = performance.now();
    const error = await rejection(llm.complete(request));
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(requestsSince(before)).toBe(1);
    expect(error.code).toBe('RATE_LIMITED');
    expect(error.message).toBe('the language model is rate limiting requests (asked to wait 120 s)');
    expect(error.message).not.toContain('shard');
    // the detail goes to the log only
    expect(JSON.stringify(logger.lines)).toContain('slow down, internal shard 7');
  });

  it('429 with a short Retry-After is honoured, then succeeds', async () => {
    const { llm } = guarded();
    server.setReplies([
      { kind: 'error', status: 429, headers: { 'retry-after-ms': '50' } },
      { kind: 'text', text: 'ABL1 [E1].' },
    ]);
    const before = server.chatRequests().length;
    expect((await llm.complete(request)).text).toBe('ABL1 [E1].');
    expect(requestsSince(before)).toBe(2);
  });

  it('500s: retried with backoff, then succeeds; always 500: fails after every try', async () => {
    const { llm } = guarded();
    server.setReplies([
      { kind: 'error', status: 500 },
      { kind: 'error', status: 503 },
      { kind: 'text', text: 'ok [E1].' },
    ]);
    let before = server.chatRequests().length;
    expect((await llm.complete(request)).text).toBe('ok [E1].');
    expect(requestsSince(before)).toBe(3);

    server.setReplies({ kind: 'error', status: 500, message: 'db password wrong at 10.0.0.3' });
    before = server.chatRequests().length;
    const error = await rejection(llm.complete(request));
    expect(requestsSince(before)).toBe(3);
    expect(error.message).toBe('the language model failed (HTTP 500) after 3 tries');
    expectNoInternals(error);
  });

  it('400: not retried (our request is at fault) and does not trip the breaker', async () => {
    const { llm } = guarded({ breakerThreshold: 1 });
    server.setReplies({ kind: 'error', status: 400, message: 'context too long' });
    const before = server.chatRequests().length;
    await rejection(llm.complete(request));
    expect(requestsSince(before)).toBe(1);
    expect(llm.stats().circuit.state).toBe('closed');
  });

  it('malformed JSON in the stream before any text: retried', async () => {
    const { llm } = guarded();
    server.setReplies([
      { kind: 'malformed', text: 'never', afterChunks: 0, raw: '{"choices": [' },
      { kind: 'text', text: 'fine [E1].' },
    ]);
    const result = await collect(llm.stream(request));
    expect(result.error).toBeUndefined();
    expect(result.text).toBe('fine [E1].');
    expect(result.finish?.finishReason).toBe('stop');
  });

  it('connection reset before text: retried; after text: fails without repeating text', async () => {
    const { llm } = guarded();
    server.setReplies([
      { kind: 'drop', text: 'x', afterChunks: 0 },
      { kind: 'text', text: 'again [E1].' },
    ]);
    expect((await collect(llm.stream(request))).text).toBe('again [E1].');

    server.setReplies([
      { kind: 'drop', text: 'one two three four', afterChunks: 2 },
      { kind: 'text', text: 'never' },
    ]);
    const before = server.chatRequests().length;
    const result = await collect(llm.stream(request));
    expect(result.text).toBe('one two');
    expect(result.error).toBeInstanceOf(AppError);
    expectNoInternals(result.error as AppError);
    expect(requestsSince(before)).toBe(1);
  });

  it('slow stream: text so far, then the deadline', async () => {
    const { llm } = guarded();
    const words = Array.from({ length: 40 }, (_, index) => `w${index} `);
    server.setReplies({ kind: 'text', text: words.join(''), chunks: words, chunkDelayMs: 200 });
    const started = performance.now();
    const result = await collect(llm.stream(request));
    expect((result.error as AppError).code).toBe('TIMEOUT');
    expect(result.text.length).toBeGreaterThan(0);
    expect(result.text.length).toBeLessThan(words.join('').length);
    expect(performance.now() - started).toBeLessThan(DEADLINE_MS + 1_500);
  });

  it('mid-stream error object: our message, the upstream text in the log only', async () => {
    const { llm } = guarded();
    server.setReplies({ kind: 'stream-error', text: 'a b c', afterChunks: 1, message: 'GPU 3 fell over' });
    const result = await collect(llm.stream(request));
    expect((result.error as AppError).message).toBe('the language model failed');
  });

  it('huge output: cut at the byte cap with finish_reason length, streaming and not', async () => {
    const { llm } = guarded({ maxOutputBytes: 4_096 });
    const huge = 'imatinib targets ABL1 [E1]. '.repeat(50_000);
    const chunks = Array.from({ length: 50 }, (_, index) => huge.slice(index * 28_000, (index + 1) * 28_000));
    server.setReplies({ kind: 'text', text: huge, chunks });
    const streamed = await collect(llm.stream(request));
    expect(Buffer.byteLength(streamed.text)).toBeLessThanOrEqual(4_096);
    expect(Buffer.byteLength(streamed.text)).toBeGreaterThan(4_000);
    expect(streamed.finish?.finishReason).toBe('length');
    server.setReplies({ kind: 'text', text: huge });
    const completion = await llm.complete(request);
    expect(Buffer.byteLength(completion.text)).toBeLessThanOrEqual(4_096);
    expect(completion.finishReason).toBe('length');
  });

  it('max tokens: a server that ignores max_tokens is cut there', async () => {
    const { llm } = guarded();
    server.setReplies({ kind: 'text', text: 'word '.repeat(400) });
    const streamed = await collect(llm.stream({ ...request, maxTokens: 20 }));
    expect(streamed.finish?.finishReason).toBe('length');
    expect(streamed.text.length).toBeGreaterThan(20);
    expect(streamed.text.length).toBeLessThan(100);
  });

  it('circuit breaker: opens after N failures, skips the upstream during the cool-down, closes after a good trial', async () => {
    const { llm } = guarded({ breakerThreshold: 3, breakerCooldownMs: 300, maxRetries: 0 });
    server.setReplies({ kind: 'error', status: 502 });
    for (let call = 0; call < 3; call++) await rejection(llm.complete(request));
    expect(llm.stats().circuit).toMatchObject({ state: 'open', consecutiveFailures: 3, opened: 1 });
    const before = server.chatRequests().length;
    const skipped = await rejection(llm.complete(request));
    expect(skipped.code).toBe('UNAVAILABLE');
    expect(skipped.message).toMatch(
      /^the language model is paused after 3 failed requests in a row; answering from evidence for the next \d s$/,
    );
    expect(requestsSince(before)).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect(llm.stats().circuit.state).toBe('half-open');
    server.setReplies('back [E1].');
    expect((await llm.complete(request)).text).toBe('back [E1].');
    expect(llm.stats().circuit.state).toBe('closed');
  });

  it('a failed half-open trial opens the circuit again at once', async () => {
    const { llm } = guarded({ breakerThreshold: 2, breakerCooldownMs: 200, maxRetries: 0 });
    server.setReplies({ kind: 'error', status: 500 });
    for (let call = 0; call < 2; call++) await rejection(llm.complete(request));
    await new Promise((resolve) => setTimeout(resolve, 250));
    await rejection(llm.complete(request));
    expect(llm.stats().circuit).toMatchObject({ state: 'open', opened: 2 });
  });

  it('its own bounded pool: a full pool refuses at once', async () => {
    const { llm } = guarded({ maxConcurrent: 1, maxQueued: 0 });
    server.setReplies({ kind: 'text', text: 'slow', delayMs: 500 });
    const first = llm.complete(request);
    const refused = await rejection(llm.complete(request));
    expect(refused.code).toBe('UNAVAILABLE');
    expect(refused.message).toContain('language-model');
    expect((await first).text).toBe('slow');
    expect(llm.stats()).toMatchObject({ active: 0, queued: 0 });
  });

  it('a caller abort wins and is not counted against the upstream', async () => {
    const { llm } = guarded({ breakerThreshold: 1 });
    server.setReplies({ kind: 'text', text: 'late', delayMs: 5_000 });
    const controller = new AbortController();
    const pending = llm.complete({ ...request, signal: controller.signal });
    setTimeout(() => controller.abort(new Error('client went away')), 50);
    await expect(pending).rejects.toThrow('client went away');
    expect(llm.stats().circuit.state).toBe('closed');
  });
});
