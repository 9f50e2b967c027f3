import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.js';
import { answerEvents, createFakeChatAgent, sampleEvidence } from '../fakes/fake-chat-agent.js';
import { allSseFrames } from './read-sse.js';
import { buildTestApp, fixedNow, jsonOf, postJson } from './test-app.js';

const completion = {
  model: 'biobridge',
  messages: [{ role: 'user', content: 'Which proteins does imatinib target?' }],
};
const created = fixedNow / 1000;

describe('GET /v1/models', () => {
  it('lists the configured model ids', async () => {
    const { app } = buildTestApp({ options: { modelIds: ['biobridge', 'biobridge-small'] } });
    expect(await jsonOf(await app.request('/v1/models'))).toEqual({
      object: 'list',
      data: [
        { id: 'biobridge', object: 'model', created, owned_by: 'biobridge' },
        { id: 'biobridge-small', object: 'model', created, owned_by: 'biobridge' },
      ],
    });
  });

  it('retrieves one model, 404 for others', async () => {
    const { app } = buildTestApp();
    expect((await jsonOf(await app.request('/v1/models/biobridge'))).id).toBe('biobridge');
    const missing = await app.request('/v1/models/gpt-4o');
    expect(missing.status).toBe(404);
    expect((await jsonOf(missing)).error.message).toBe("model 'gpt-4o' does not exist; available: biobridge");
  });
});

describe('POST /v1/chat/completions (JSON)', () => {
  it('returns a chat.completion with real usage and the evidence extension', async () => {
    const { app } = buildTestApp();
    const response = await postJson(app, '/v1/chat/completions', completion);
    expect(response.status).toBe(200);
    expect(await jsonOf(response)).toEqual({
      id: 'chatcmpl-id2',
      object: 'chat.completion',
      created,
      model: 'biobridge',
      system_fingerprint: null,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'ABL1 is a target of imatinib [E1].', refusal: null },
          logprobs: null,
          finish_reason: 'stop',
        },
      ],
      usage: { prompt_tokens: 120, completion_tokens: 7, total_tokens: 127 },
      citations: ['E1'],
      mode: 'llm',
      evidence: sampleEvidence,
    });
  });

  it('maps OpenAI parameters onto the agent input', async () => {
    const { app, agent } = buildTestApp();
    await postJson(app, '/v1/chat/completions', {
      model: 'biobridge',
      messages: [
        { role: 'developer', content: 'Be brief.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What binds' },
            { type: 'text', text: 'this?' },
          ],
        },
      ],
      max_completion_tokens: 99,
      temperature: 0,
      top_p: 0.9,
      user: 'someone',
      attachments: { protein: 'MKTAYIAKQR' },
      evidence_limit: 4,
    });
    expect((agent as ReturnType<typeof createFakeChatAgent>).calls[0]?.input).toMatchObject({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'What binds\nthis?' },
      ],
      attachments: { protein: 'MKTAYIAKQR' },
      options: { maxTokens: 99, temperature: 0, topK: 4 },
    });
  });

  it('reports finish_reason length', async () => {
    const { app } = buildTestApp({
      agent: createFakeChatAgent(answerEvents('cut short', { finishReason: 'length' })),
    });
    expect(
      (await jsonOf(await postJson(app, '/v1/chat/completions', completion))).choices[0].finish_reason,
    ).toBe('length');
  });

  it.each([
    [{ ...completion, model: 'gpt-4o' }, 404, "model 'gpt-4o' does not exist; available: biobridge"],
    [
      { ...completion, tools: [{ type: 'function' }] },
      400,
      'body.tools[0].function: expected object, received undefined',
    ],
    [{ ...completion, n: 2 }, 400, 'body.n: only n = 1 is supported'],
    [{ ...completion, frobnicate: true }, 400, 'body.frobnicate: unknown field'],
    [
      {
        ...completion,
        messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'x' } }] }],
      },
      400,
      'body.messages[0].content: expected a string or an array of {"type": "text", "text": …} parts (images, audio and files are not supported)',
    ],
    [{ ...completion, messages: [{ role: 'tool', content: 'x', tool_call_id: '1' }] }, 400, undefined],
  ])('rejects %j', async (body, status, message) => {
    const { app } = buildTestApp();
    const response = await postJson(app, '/v1/chat/completions', body);
    expect(response.status).toBe(status);
    const error = (await jsonOf(response)).error;
    if (message) expect(error.message).toBe(message);
  });

  it('an agent failure is the error response in the shared format', async () => {
    const agent = createFakeChatAgent([
      { type: 'error', error: new AppError({ code: 'UNAVAILABLE', message: 'index not loaded' }) },
    ]);
    const { app } = buildTestApp({ agent });
    const response = await postJson(app, '/v1/chat/completions', completion, { 'x-request-id': 'r9' });
    expect(response.status).toBe(503);
    expect(await jsonOf(response)).toEqual({
      error: {
        code: 'UNAVAILABLE',
        message: 'index not loaded',
        type: 'server_error',
        param: null,
        requestId: 'r9',
      },
    });
  });
});

describe('POST /v1/chat/completions (stream)', () => {
  it('emits chat.completion.chunk frames, a usage chunk and [DONE]', async () => {
    const { app } = buildTestApp({ agent: createFakeChatAgent(answerEvents('ABL1 [E1].')) });
    const response = await postJson(app, '/v1/chat/completions', {
      ...completion,
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const frames = await allSseFrames(response);
    expect(frames.every((frame) => frame.event === undefined)).toBe(true);
    expect(frames.at(-1)?.data).toBe('[DONE]');
    const chunks = frames.slice(0, -1).map((frame) => JSON.parse(frame.data));
    const base = {
      id: 'chatcmpl-id2',
      object: 'chat.completion.chunk',
      created,
      model: 'biobridge',
      system_fingerprint: null,
    };
    expect(chunks).toEqual([
      {
        ...base,
        choices: [
          { index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null },
        ],
        usage: null,
        evidence: sampleEvidence,
      },
      {
        ...base,
        choices: [{ index: 0, delta: { content: 'ABL1' }, logprobs: null, finish_reason: null }],
        usage: null,
      },
      {
        ...base,
        choices: [{ index: 0, delta: { content: ' [E1].' }, logprobs: null, finish_reason: null }],
        usage: null,
      },
      {
        ...base,
        choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }],
        usage: null,
        citations: ['E1'],
        mode: 'llm',
      },
      { ...base, choices: [], usage: { prompt_tokens: 120, completion_tokens: 2, total_tokens: 122 } },
    ]);
  });

  it('omits usage without include_usage and sends the role before a delta that precedes evidence', async () => {
    const agent = createFakeChatAgent([
      { type: 'answer-delta', text: 'Hi' },
      {
        type: 'answer-end',
        answer: {
          text: 'Hi',
          citations: [],
          mode: 'evidence-only',
          reason: 'nothing found',
          usage: { promptTokens: 0, completionTokens: 0 },
        },
      },
    ]);
    const { app } = buildTestApp({ agent });
    const frames = await allSseFrames(
      await postJson(app, '/v1/chat/completions', { ...completion, stream: true }),
    );
    const chunks = frames.slice(0, -1).map((frame) => JSON.parse(frame.data));
    expect(chunks.map((chunk) => chunk.choices[0].delta)).toEqual([
      { role: 'assistant', content: '' },
      { content: 'Hi' },
      {},
    ]);
    expect(chunks.some((chunk) => 'usage' in chunk)).toBe(false);
    expect(chunks.at(-1)).toMatchObject({ mode: 'evidence-only', reason: 'nothing found' });
  });

  it('an error mid-stream is an OpenAI-style error frame, without [DONE]', async () => {
    const agent = createFakeChatAgent([
      { type: 'answer-delta', text: 'ABL1' },
      {
        type: 'error',
        error: new AppError({ code: 'TIMEOUT', message: 'LLM sent nothing for 60000 ms mid-stream' }),
      },
    ]);
    const { app } = buildTestApp({ agent });
    const frames = await allSseFrames(
      await postJson(app, '/v1/chat/completions', { ...completion, stream: true }, { 'x-request-id': 'r2' }),
    );
    expect(frames.map((frame) => frame.data).includes('[DONE]')).toBe(false);
    expect(JSON.parse(frames.at(-1)?.data ?? '')).toEqual({
      error: {
        code: 'TIMEOUT',
        message: 'LLM sent nothing for 60000 ms mid-stream',
        type: 'server_error',
        param: null,
        requestId: 'r2',
      },
    });
  });

  it('errors before the stream starts are plain JSON responses', async () => {
    const { app } = buildTestApp();
    const response = await postJson(app, '/v1/chat/completions', {
      ...completion,
      model: 'nope',
      stream: true,
    });
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toContain('application/json');
  });
});
