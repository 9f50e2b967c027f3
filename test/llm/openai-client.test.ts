import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { AppError } from '../../src/errors.js';
import type { LlmClient, LlmStreamEvent } from '../../src/llm/llm-client.js';
import type { OpenAiLlmOptions } from '../../src/llm/openai-client.js';
import { fakeServerLlm } from '../helpers/fake-server-llm.js';
import { startFakeOpenAiServer, type FakeOpenAiServer } from '../fakes/fake-openai-server.js';
import { collectStream } from '../helpers/collect-stream.js';
import { rejection } from '../helpers/expect-app-error.js';

const messages = [
  { role: 'system' as const, content: 'Answer from evidence.' },
  { role: 'user' as const, content: 'Which genes does imatinib target?' },
];

let server: FakeOpenAiServer;

beforeAll(async () => {
  server = await startFakeOpenAiServer({ models: ['test-model'] });
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  server.requests.length = 0;
});

function client(overrides: Partial<OpenAiLlmOptions> = {}): LlmClient {
  return fakeServerLlm(server, { model: 'test-model', ...overrides });
}

async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

describe('complete', () => {
  it('sends the model, messages and limits, and returns text, usage and finish reason', async () => {
    server.setReplies({
      kind: 'text',
      text: 'ABL1 and KIT [E1].',
      usage: { promptTokens: 42, completionTokens: 7 },
    });
    const completion = await client().complete({ messages, maxTokens: 128, temperature: 0.2 });

    expect(completion).toEqual({
      text: 'ABL1 and KIT [E1].',
      usage: { promptTokens: 42, completionTokens: 7 },
      finishReason: 'stop',
    });
    const [request] = server.chatRequests();
    expect(request?.headers['authorization']).toBe('Bearer test-key');
    expect(request?.body).toMatchObject({
      model: 'test-model',
      messages,
      max_tokens: 128,
      temperature: 0.2,
      stream: false,
    });
  });

  it('maps finish_reason length', async () => {
    server.setReplies({ kind: 'text', text: 'cut', finishReason: 'length' });
    expect((await client().complete({ messages })).finishReason).toBe('length');
  });

  it('retries 429 after retry-after and 5xx, then succeeds', async () => {
    server.setReplies([
      { kind: 'error', status: 429, message: 'slow down', headers: { 'retry-after': '0' } },
      { kind: 'error', status: 503, message: 'overloaded', headers: { 'retry-after-ms': '10' } },
      'third time lucky',
    ]);
    const completion = await client({ maxRetries: 2 }).complete({ messages });
    expect(completion.text).toBe('third time lucky');
    expect(server.chatRequests()).toHaveLength(3);
  });

  it('backs off exponentially when the server gives no retry-after', async () => {
    server.setReplies([{ kind: 'error', status: 500, message: 'flaky' }, 'recovered']);
    const started = Date.now();
    const completion = await client({ maxRetries: 1 }).complete({ messages });
    // The SDK waits 0.5 s × (0.75…1) before the first retry.
    expect(Date.now() - started).toBeGreaterThanOrEqual(370);
    expect(completion.text).toBe('recovered');
  });

  it('sends the configured key (the fake checks it like OpenAI)', async () => {
    const strict = await startFakeOpenAiServer({ apiKey: 'right-key', replies: 'welcome' });
    try {
      const make = (apiKey: string) => client({ baseUrl: strict.baseUrl, apiKey });
      expect((await make('right-key').complete({ messages })).text).toBe('welcome');
      expect((await rejection(make('wrong-key').complete({ messages }))).message).toContain(
        'rejected the API key (HTTP 401)',
      );
    } finally {
      await strict.close();
    }
  });

  it('429 without retries left is RATE_LIMITED, retryable, with retry-after', async () => {
    server.setReplies({
      kind: 'error',
      status: 429,
      message: 'Rate limit reached',
      headers: { 'retry-after': '7' },
    });
    const error = await rejection(client().complete({ messages }));
    expect(error.code).toBe('RATE_LIMITED');
    expect(error.retryable).toBe(true);
    expect(error.details).toMatchObject({ status: 429, retryAfterSeconds: 7 });
    expect(error.message).toContain('Rate limit reached');
  });

  it('500 is UPSTREAM and retryable, keeping the SDK error as cause', async () => {
    server.setReplies({ kind: 'error', status: 500, message: 'boom' });
    const error = await rejection(client().complete({ messages }));
    expect(error.code).toBe('UPSTREAM');
    expect(error.retryable).toBe(true);
    expect(error.message).toBe(`LLM at ${server.baseUrl} failed with HTTP 500: boom`);
    expect((error.cause as { status?: number }).status).toBe(500);
  });

  it('401 is UPSTREAM, not retried, names OPENAI_API_KEY and does not echo the upstream text', async () => {
    server.setReplies({ kind: 'error', status: 401, message: 'Incorrect API key provided: sk-abc***xyz' });
    const error = await rejection(client({ maxRetries: 2 }).complete({ messages }));
    expect(error.code).toBe('UPSTREAM');
    expect(error.retryable).toBe(false);
    expect(error.message).toContain('OPENAI_API_KEY');
    expect(error.message).not.toContain('sk-abc');
    expect(server.chatRequests()).toHaveLength(1);
  });

  it('404 names the model setting', async () => {
    server.setReplies({ kind: 'error', status: 404, message: 'The model does not exist' });
    const error = await rejection(client().complete({ messages }));
    expect(error.message).toContain("no model 'test-model'");
    expect(error.message).toContain('OPENAI_MODEL');
  });

  it('a slow server is a TIMEOUT', async () => {
    server.setReplies({ kind: 'text', text: 'late', delayMs: 1_000 });
    const error = await rejection(client({ timeoutMs: 100 }).complete({ messages }));
    expect(error.code).toBe('TIMEOUT');
    expect(error.message).toContain('within 100 ms');
  });

  it('connection refused is UNAVAILABLE and names the base URL setting', async () => {
    const port = await closedPort();
    const error = await rejection(client({ baseUrl: `http://127.0.0.1:${port}/v1` }).complete({ messages }));
    expect(error.code).toBe('UNAVAILABLE');
    expect(error.retryable).toBe(true);
    expect(error.message).toContain('connection refused');
    expect(error.message).toContain('OPENAI_BASE_URL');
    expect(error.details).toMatchObject({ systemCode: 'ECONNREFUSED' });
  });

  it('a malformed JSON body is UPSTREAM', async () => {
    server.setReplies({ kind: 'malformed', text: '', afterChunks: 0, raw: '{"choices": [' });
    const error = await rejection(client().complete({ messages }));
    expect(error.code).toBe('UPSTREAM');
    expect(error.message).toContain('malformed response');
  });

  it('loads the API key on the first request and names the missing setting', async () => {
    let reads = 0;
    const llm = client({
      apiKey: () => {
        reads += 1;
        return undefined;
      },
    });
    expect(reads).toBe(0);
    const error = await rejection(llm.complete({ messages }));
    expect(reads).toBe(1);
    expect(error.code).toBe('UNAVAILABLE');
    expect(error.message).toContain('OPENAI_API_KEY');
    expect(server.chatRequests()).toHaveLength(0);
  });

  it('uses the injected fetch', async () => {
    server.setReplies('via custom fetch');
    const urls: string[] = [];
    const fetch: typeof globalThis.fetch = (input, init) => {
      urls.push(String(input instanceof Request ? input.url : input));
      return globalThis.fetch(input, init);
    };
    expect((await client({ fetch }).complete({ messages })).text).toBe('via custom fetch');
    expect(urls).toEqual([`${server.baseUrl}/chat/completions`]);
  });

  it('an aborted call rejects with the abort reason and the request is cancelled', async () => {
    server.setReplies({ kind: 'text', text: 'never', delayMs: 2_000 });
    const controller = new AbortController();
    const reason = new Error('client went away');
    const pending = client().complete({ messages, signal: controller.signal });
    await vi.waitFor(() => expect(server.chatRequests()).toHaveLength(1));
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    await server.waitForClientAbort();
  });
});

describe('stream', () => {
  it('streams deltas and finishes with the usage chunk', async () => {
    server.setReplies({
      kind: 'text',
      text: 'ABL1 is a target [E2].',
      usage: { promptTokens: 30, completionTokens: 6 },
    });
    const { events, error } = await collectStream(client().stream({ messages, maxTokens: 64 }));
    expect(error).toBeUndefined();
    const deltas = events.filter((event) => event.type === 'text-delta');
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.map((event) => event.text).join('')).toBe('ABL1 is a target [E2].');
    expect(events.at(-1)).toEqual({
      type: 'finish',
      usage: { promptTokens: 30, completionTokens: 6 },
      finishReason: 'stop',
    });
    expect(server.chatRequests()[0]?.body).toMatchObject({
      stream: true,
      stream_options: { include_usage: true },
      max_tokens: 64,
    });
  });

  it('a connection dropped mid-stream is UPSTREAM after the deltas that arrived', async () => {
    server.setReplies({ kind: 'drop', text: 'one two three four', afterChunks: 2 });
    const { events, error } = await collectStream(client().stream({ messages }));
    expect(events.map((event) => (event.type === 'text-delta' ? event.text : event.type))).toEqual([
      'one',
      ' two',
    ]);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('UPSTREAM');
    expect((error as AppError).retryable).toBe(true);
    expect((error as AppError).message).toBe(
      `connection to LLM at ${server.baseUrl} closed before the stream finished`,
    );
  });

  it('a chunk that is not JSON is a clear UPSTREAM error', async () => {
    server.setReplies({ kind: 'malformed', text: 'a b c', afterChunks: 1, raw: '{not json' });
    const { events, error } = await collectStream(client().stream({ messages }));
    expect(events).toEqual([{ type: 'text-delta', text: 'a' }]);
    expect((error as AppError).code).toBe('UPSTREAM');
    expect((error as AppError).message).toContain('malformed stream chunk (not valid JSON)');
  });

  it('a chunk of the wrong shape is a clear UPSTREAM error', async () => {
    server.setReplies({ kind: 'malformed', text: 'a b', afterChunks: 0, raw: '{"choices": "none"}' });
    const { error } = await collectStream(client().stream({ messages }));
    expect((error as AppError).code).toBe('UPSTREAM');
    expect((error as AppError).message).toMatch(/malformed stream chunk: .*choices/s);
  });

  it('an error object inside the stream is UPSTREAM with its message', async () => {
    server.setReplies({ kind: 'stream-error', text: 'a b', afterChunks: 1, message: 'model crashed' });
    const { error } = await collectStream(client().stream({ messages }));
    expect((error as AppError).code).toBe('UPSTREAM');
    expect((error as AppError).message).toContain('model crashed');
  });

  it('a stream that goes silent is a TIMEOUT', async () => {
    server.setReplies({ kind: 'stall', text: 'a b c', afterChunks: 1 });
    const { events, error } = await collectStream(client({ timeoutMs: 200 }).stream({ messages }));
    expect(events).toEqual([{ type: 'text-delta', text: 'a' }]);
    expect((error as AppError).code).toBe('TIMEOUT');
    expect((error as AppError).message).toContain('sent nothing for 200 ms');
  });

  it('retries a 503 before the stream starts', async () => {
    server.setReplies([{ kind: 'error', status: 503, headers: { 'retry-after-ms': '5' } }, 'ok now']);
    const { events, error } = await collectStream(client({ maxRetries: 1 }).stream({ messages }));
    expect(error).toBeUndefined();
    expect(events.at(-1)?.type).toBe('finish');
    expect(server.chatRequests()).toHaveLength(2);
  });

  it('stopping iteration early cancels the upstream request', async () => {
    server.setReplies({ kind: 'text', text: 'a b c d e f g h', chunkDelayMs: 50 });
    for await (const event of client().stream({ messages })) {
      expect(event).toEqual({ type: 'text-delta', text: 'a' });
      break;
    }
    await server.waitForClientAbort();
  });

  it('aborting mid-stream rejects with the abort reason', async () => {
    server.setReplies({ kind: 'text', text: 'a b c d e f g h', chunkDelayMs: 50 });
    const controller = new AbortController();
    const reason = new AppError({ code: 'TIMEOUT', message: 'request deadline' });
    const events: LlmStreamEvent[] = [];
    const run = (async () => {
      for await (const event of client().stream({ messages, signal: controller.signal })) {
        events.push(event);
        if (events.length === 2) controller.abort(reason);
      }
    })();
    await expect(run).rejects.toBe(reason);
    expect(events).toHaveLength(2);
  });
});

describe('probe', () => {
  it('reports a reachable server and whether the model is listed', async () => {
    expect(await client().probe?.()).toEqual({ state: 'reachable', detail: 'model test-model is available' });
    expect(await client({ model: 'other' }).probe?.()).toEqual({
      state: 'reachable',
      detail: 'reachable, but model other is not listed',
    });
  });

  it('reports an unreachable server without throwing', async () => {
    const port = await closedPort();
    const result = await client({ baseUrl: `http://127.0.0.1:${port}/v1` }).probe?.();
    expect(result?.state).toBe('unreachable');
    expect(result?.detail).toContain('connection refused');
  });
});
