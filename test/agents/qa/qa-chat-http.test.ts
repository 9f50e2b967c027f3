import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQaAgent } from '../../../src/agents/qa/qa-agent.js';
import { createOpenAiLlmClient } from '../../../src/llm/openai-client.js';
import type { PromptLibrary } from '../../../src/llm/prompts.js';
import type { FakeOpenAiServer } from '../../fakes/fake-openai-server.js';
import { allSseFrames } from '../../http/read-sse.js';
import { buildTestApp, jsonOf, postJson } from '../../http/test-app.js';
import type { RetrievalWorld } from '../../retrieval/retrieval-world.js';
import { openQaWorld } from '../../helpers/qa-world.js';

let world: RetrievalWorld;
let prompts: PromptLibrary;
let server: FakeOpenAiServer;
beforeAll(async () => ({ world, prompts, server } = await openQaWorld()));
afterAll(() => server.close());

function app(withLlm = true) {
  const agent = createQaAgent({
    retriever: world.retriever,
    lookup: world.lookup,
    linker: world.linker,
    prompts,
    ...(withLlm
      ? {
          llm: createOpenAiLlmClient({
            baseUrl: server.baseUrl,
            model: 'fake-model',
            apiKey: 'k',
            maxRetries: 0,
          }),
        }
      : {}),
  });
  return buildTestApp({ agent }).app;
}

const question = { messages: [{ role: 'user', content: 'Which proteins does imatinib target?' }] };

describe('/v1/chat with the QA agent', () => {
  it('streams evidence, answer deltas and the checked answer as SSE', async () => {
    const reply = 'Imatinib targets ABL1 [E1]. It targets KIT [E2] [E77].';
    const footer = '[claims checked: 1 of 2 sentences kept; removed: cites unknown evidence E77]';
    server.setReplies(reply);
    const response = await postJson(app(), '/v1/chat', { ...question, stream: true });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const frames = await allSseFrames(response);
    expect(frames[0]!.event).toBe('evidence-available');
    const { evidence } = JSON.parse(frames[0]!.data);
    expect(
      evidence
        .slice(0, 2)
        .map((item: { id: string; entity: { name: string } }) => [item.id, item.entity.name]),
    ).toEqual([
      ['E1', 'ABL1'],
      ['E2', 'KIT'],
    ]);
    // Sent sentences cannot be taken back: the stream ends with the claim check's footer.
    const deltas = frames.filter((frame) => frame.event === 'answer-delta');
    expect(deltas.map((frame) => JSON.parse(frame.data).text).join('')).toBe(`${reply}\n\n${footer}`);
    const end = frames.at(-1)!;
    expect(end.event).toBe('answer-end');
    expect(JSON.parse(end.data)).toMatchObject({
      answer: `Imatinib targets ABL1 [E1].\n\n${footer}`,
      citations: ['E1'],
      mode: 'llm',
    });
  });

  it('puts the claim check in /v1/chat/completions content, streaming or not', async () => {
    const reply = 'Imatinib targets ABL1 [E1]. Imatinib targets KIT [E999]. Imatinib also targets KIT.';
    const footer =
      '[claims checked: 1 of 3 sentences kept; removed: cites unknown evidence E999; names Imatinib, KIT without citing evidence]';
    const request = { ...question, model: 'biobridge' };
    server.setReplies(reply);
    const body = await jsonOf(await postJson(app(), '/v1/chat/completions', request));
    expect(body.choices[0].message.content).toBe(`Imatinib targets ABL1 [E1].\n\n${footer}`);

    server.setReplies(reply);
    const frames = await allSseFrames(
      await postJson(app(), '/v1/chat/completions', { ...request, stream: true }),
    );
    const content = frames
      .filter((frame) => frame.data !== '[DONE]')
      .map((frame) => (JSON.parse(frame.data).choices[0]?.delta?.content as string | undefined) ?? '')
      .join('');
    expect(content).toBe(`${reply}\n\n${footer}`);
  });

  it('answers evidence-only as JSON without an LLM', async () => {
    const response = await postJson(app(false), '/v1/chat', {
      messages: [{ role: 'user', content: 'Tell me about imatinib.' }],
    });
    const body = await jsonOf(response);
    expect(response.status, JSON.stringify(body)).toBe(200);
    expect(body).toMatchObject({
      mode: 'evidence-only',
      reason: 'no LLM configured',
      citations: expect.arrayContaining(['E1', 'E2']),
    });
    expect(body.answer).toMatch(
      /^Imatinib \(drug\) targets ABL1 \[E1\] and KIT \[E2\] according to the knowledge graph\./,
    );
  });

  it('reports an invalid attachment as 422, and as an SSE error frame when streaming', async () => {
    const body = { ...question, attachments: { smiles: 'C1CC(' } };
    const json = await postJson(app(), '/v1/chat', body);
    expect(json.status).toBe(422);
    expect((await jsonOf(json)).error.message).toMatch(/^attachments\.smiles: RDKit cannot parse SMILES/);
    const frames = await allSseFrames(await postJson(app(), '/v1/chat', { ...body, stream: true }));
    expect(frames.map((frame) => frame.event)).toEqual(['error']);
    expect(JSON.parse(frames[0]!.data).error).toMatchObject({ code: 'UNPROCESSABLE' });
  });
});
