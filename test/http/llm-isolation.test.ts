import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQaAgent } from '../../src/agents/qa/qa-agent.js';
import { createLlmCircuitCheck } from '../../src/http/routes/health.js';
import { createRetrieveRoutes } from '../../src/http/routes/retrieve.js';
import { createOpenAiLlmClient } from '../../src/llm/openai-client.js';
import type { PromptLibrary } from '../../src/llm/prompts.js';
import { createResilientLlm } from '../../src/llm/resilient-llm.js';
import { withInferenceSlots } from '../../src/retrieval/limited-retriever.js';
import { createConcurrencyLimiter } from '../../src/util/concurrency.js';
import type { FakeOpenAiServer } from '../fakes/fake-openai-server.js';
import type { RetrievalWorld } from '../retrieval/retrieval-world.js';
import { allSseFrames } from './read-sse.js';
import { buildTestApp, jsonOf, postJson, question } from './test-app.js';
import { openQaWorld } from '../helpers/qa-world.js';

let world: RetrievalWorld;
let prompts: PromptLibrary;
let server: FakeOpenAiServer;
beforeAll(async () => ({ world, prompts, server } = await openQaWorld()));
afterAll(() => server.close());

const DEADLINE_MS = 2_000;

/** The service's wiring in small: one inference slot shared by retrieval and the agent's retriever. */
function service(guard: Parameters<typeof createResilientLlm>[1] = {}) {
  const inferenceLimiter = createConcurrencyLimiter({
    maxConcurrent: 1,
    maxQueued: 8,
    name: 'model inference',
  });
  const llm = createResilientLlm(
    createOpenAiLlmClient({ baseUrl: server.baseUrl, model: 'fake-model', apiKey: 'k', maxRetries: 0 }),
    { deadlineMs: DEADLINE_MS, backoffBaseMs: 10, ...guard },
  );
  const agent = createQaAgent({
    retriever: withInferenceSlots(world.retriever, inferenceLimiter),
    lookup: world.lookup,
    prompts,
    llm,
  });
  const { app } = buildTestApp({
    agent,
    dependencies: {
      features: [createRetrieveRoutes({ retriever: world.retriever, inferenceLimiter })],
      healthChecks: [createLlmCircuitCheck(llm)],
    },
  });
  return { app, llm };
}

const retrieveBody = { entity: { type: 'drug', name: 'imatinib' }, targetTypes: ['gene/protein'], k: 3 };

describe('a hung LLM does not hold up the service', () => {
  it('/v1/retrieve answers while chats wait on a hung LLM; every chat falls back to evidence within the deadline', async () => {
    const { app } = service();
    server.setReplies({ kind: 'text', text: 'too late', delayMs: 60_000 });
    const started = performance.now();
    const settled: string[] = [];
    const chats = [
      postJson(app, '/v1/chat', question),
      postJson(app, '/v1/chat', question),
      postJson(app, '/v1/chat/completions', { model: 'biobridge', ...question }),
      postJson(app, '/v1/chat/completions', { model: 'biobridge', ...question, stream: true }),
    ].map((pending, index) =>
      Promise.resolve(pending).then((response) => (settled.push(`chat${index}`), response)),
    );
    // let the chats reach the LLM: they have retrieved and released their slots
    await new Promise((resolve) => setTimeout(resolve, 300));
    const retrieved = await postJson(app, '/v1/retrieve', retrieveBody);
    expect(retrieved.status).toBe(200);
    // the JSON answers are still waiting (the stream's headers went out at once)
    expect(settled.filter((name) => name !== 'chat3')).toEqual([]);

    const [chat, chat2, completion, stream] = await Promise.all(chats);
    for (const response of [chat!, chat2!]) {
      const body = await jsonOf(response);
      expect(response.status, JSON.stringify(body)).toBe(200);
      expect(body.mode).toBe('evidence-only');
      expect(body.reason).toContain('within 2 s');
      expect(body.reason).not.toContain('127.0.0.1');
    }
    const completionBody = await jsonOf(completion!);
    expect(completion!.status).toBe(200);
    expect(completionBody.mode).toBe('evidence-only');
    expect(completionBody.choices[0].message.content).toContain('[E1]');
    const frames = await allSseFrames(stream!);
    expect(frames.at(-1)?.data).toBe('[DONE]');
    const chunks = frames.slice(0, -1).map((frame) => JSON.parse(frame.data));
    expect(chunks.at(-1).mode).toBe('evidence-only');
    expect(chunks.some((chunk) => chunk.choices[0]?.delta?.content?.includes('[E1]'))).toBe(true);
    // all four in parallel, each bounded by the one deadline
    expect(performance.now() - started).toBeLessThan(DEADLINE_MS + 3_000);
  });

  it('429 Retry-After 120 answers evidence-only at once; after N failures /health shows the open circuit', async () => {
    const { app } = service({ breakerThreshold: 2, breakerCooldownMs: 60_000 });
    server.setReplies({ kind: 'error', status: 429, headers: { 'retry-after': '120' } });
    for (let call = 0; call < 2; call++) {
      const body = await jsonOf(await postJson(app, '/v1/chat', question));
      expect(body.mode).toBe('evidence-only');
      expect(body.reason).toContain('rate limiting');
    }
    const before = server.chatRequests().length;
    const body = await jsonOf(await postJson(app, '/v1/chat', question));
    expect(body.mode).toBe('evidence-only');
    expect(body.reason).toMatch(/paused after 2 failed requests/);
    expect(server.chatRequests().length).toBe(before);
    const health = await jsonOf(await app.request('/health'));
    expect(health.checks['llm-circuit']).toMatchObject({ ok: false, state: 'open', required: false });
  });
});
