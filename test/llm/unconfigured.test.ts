import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.js';
import { createUnconfiguredLlm, isLlmNotConfigured } from '../../src/llm/unconfigured.js';
import { rejection } from '../helpers/expect-app-error.js';

describe('createUnconfiguredLlm', () => {
  const llm = createUnconfiguredLlm();

  it('fails completions with UNAVAILABLE naming the settings', async () => {
    const error = await rejection(llm.complete({ messages: [{ role: 'user', content: 'hi' }] }));
    expect(error.code).toBe('UNAVAILABLE');
    expect(error.message).toBe('no LLM configured (set OPENAI_BASE_URL and OPENAI_MODEL)');
    expect(isLlmNotConfigured(error)).toBe(true);
  });

  it('fails streams on the first pull', async () => {
    const iterator = llm.stream({ messages: [] })[Symbol.asyncIterator]();
    await expect(iterator.next()).rejects.toMatchObject({ code: 'UNAVAILABLE' });
  });

  it('reports not-configured to health checks', async () => {
    expect(await llm.probe?.()).toEqual({
      state: 'not-configured',
      detail: 'no LLM configured (set OPENAI_BASE_URL and OPENAI_MODEL)',
    });
    expect(isLlmNotConfigured(new AppError({ code: 'UNAVAILABLE', message: 'other' }))).toBe(false);
  });
});
