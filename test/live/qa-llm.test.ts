import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { createServices, type Services } from '../../src/services.js';
import { noopLogger } from '../../src/util/logger.js';

const configured = Boolean(process.env.OPENAI_BASE_URL && process.env.OPENAI_MODEL);
if (!configured) console.warn('skipping live LLM tests: set OPENAI_BASE_URL and OPENAI_MODEL');

let services: Services;
beforeAll(async () => {
  if (configured)
    services = await createServices(
      loadConfig({ ...process.env, BIOBRIDGE_INDEX: 'indexes/demo' }),
      noopLogger,
    );
});
afterAll(async () => {
  await services?.close();
});

describe.skipIf(!configured)('QA with a live LLM on the demo index', () => {
  it('answers in llm mode and cites only evidence it was given', async () => {
    const response = await services.app.request('/v1/chat', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [{ role: 'user', content: 'Which proteins does imatinib target?' }] }),
    });
    const body = (await response.json()) as {
      mode: string;
      citations: string[];
      citationCheck?: { unknown: string[] };
    };
    expect(response.status, JSON.stringify(body)).toBe(200);
    expect(body.mode).toBe('llm');
    expect(body.citations.length).toBeGreaterThan(0);
    expect(body.citationCheck?.unknown).toEqual([]);
  });
});
