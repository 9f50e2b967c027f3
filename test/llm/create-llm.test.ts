import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLlm } from '../../src/llm/create-llm.js';
import { collectStream } from '../helpers/collect-stream.js';
import { startFakeOpenAiServer, type FakeOpenAiServer } from '../fakes/fake-openai-server.js';

describe('createLlm', () => {
  let server: FakeOpenAiServer;
  beforeAll(async () => {
    server = await startFakeOpenAiServer({ models: ['test-model'] });
  });
  afterAll(async () => {
    await server.close();
  });

  it('is unconfigured unless both base URL and model are set', async () => {
    expect(createLlm({}).model).toBe('none');
    expect(createLlm({ baseUrl: 'http://127.0.0.1:1/v1' }).model).toBe('none');
    expect((await createLlm({ model: 'm' }).probe?.())?.state).toBe('not-configured');
  });

  it('builds the OpenAI-compatible client otherwise', () => {
    expect(
      createLlm({ baseUrl: 'http://127.0.0.1:1/v1', model: 'qwen2.5-7b-instruct', apiKey: 'k' }).model,
    ).toBe('qwen2.5-7b-instruct');
  });

  it('completes, streams and probes through the client it loads on the first call', async () => {
    const llm = createLlm({ baseUrl: server.baseUrl, model: 'test-model', apiKey: 'k', maxRetries: 0 });
    const messages = [{ role: 'user' as const, content: 'hi' }];
    server.setReplies('first');
    expect((await llm.complete({ messages })).text).toBe('first');
    server.setReplies('second');
    const { events, error } = await collectStream(llm.stream({ messages }));
    expect(error).toBeUndefined();
    expect(events.at(-1)?.type).toBe('finish');
    expect(events.flatMap((event) => (event.type === 'text-delta' ? [event.text] : [])).join('')).toBe(
      'second',
    );
    expect((await llm.probe?.())?.state).toBe('reachable');
  });
});
