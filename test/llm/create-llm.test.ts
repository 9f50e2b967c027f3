import { describe, expect, it } from 'vitest';
import { createLlm } from '../../src/llm/create-llm.js';

describe('createLlm', () => {
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
});
