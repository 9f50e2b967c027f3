import { describe, expect, it, vi } from 'vitest';
import { AppError } from '../../src/errors.js';
import { answerEvents, createFakeChatAgent, sampleEvidence } from '../fakes/fake-chat-agent.js';
import { allSseFrames, readSseFrames } from './read-sse.js';
import { buildTestApp, jsonOf, postJson, question } from './test-app.js';

describe('POST /v1/chat (JSON)', () => {
  it('returns the answer, citations, mode, evidence and usage', async () => {
    const { app } = buildTestApp();
    const response = await postJson(app, '/v1/chat', question);
    expect(response.status).toBe(200);
    expect(await jsonOf(response)).toEqual({
      answer: 'ABL1 is a target of imatinib [E1].',
      citations: ['E1'],
      mode: 'llm',
      evidence: sampleEvidence,
      usage: { promptTokens: 120, completionTokens: 7 },
    });
  });

  it('passes messages, attachments, options and the request signal to the agent', async () => {
    const { app, agent } = buildTestApp();
    await postJson(app, '/v1/chat', {
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'What binds this?' },
      ],
      attachments: { smiles: ' CCO ' },
      options: { topK: 5, maxTokens: 256 },
    });
    const [call] = (agent as ReturnType<typeof createFakeChatAgent>).calls;
    expect(call?.input).toMatchObject({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'What binds this?' },
      ],
      attachments: { smiles: 'CCO' },
      options: { topK: 5, maxTokens: 256 },
    });
    expect(call?.input.signal).toBeInstanceOf(AbortSignal);
  });

  it('reports evidence-only answers with their reason', async () => {
    const agent = createFakeChatAgent(
      answerEvents('Evidence: ABL1 [E1].', { mode: 'evidence-only', reason: 'no LLM configured' }),
    );
    const { app } = buildTestApp({ agent });
    expect(await jsonOf(await postJson(app, '/v1/chat', question))).toMatchObject({
      mode: 'evidence-only',
      reason: 'no LLM configured',
    });
  });

  it('an agent error event becomes the error response', async () => {
    const agent = createFakeChatAgent([
      {
        type: 'error',
        error: new AppError({
          code: 'UNPROCESSABLE',
          message: 'attachments.smiles is not valid SMILES: unclosed ring 1',
        }),
      },
    ]);
    const { app } = buildTestApp({ agent });
    const response = await postJson(app, '/v1/chat', { ...question, attachments: { smiles: 'C1CC' } });
    expect(response.status).toBe(422);
    expect((await jsonOf(response)).error.message).toBe(
      'attachments.smiles is not valid SMILES: unclosed ring 1',
    );
  });

  it('an agent that ends without an answer is a 500', async () => {
    const { app } = buildTestApp({ agent: createFakeChatAgent([]) });
    expect((await postJson(app, '/v1/chat', question)).status).toBe(500);
  });

  it.each([
    [{ messages: [] }, 'body.messages: Too small: expected array to have >=1 items'],
    [
      { messages: [{ role: 'user', content: '' }] },
      'body.messages[0].content: Too small: expected string to have >=1 characters',
    ],
    [
      { messages: [{ role: 'tool', content: 'x' }] },
      'body.messages[0].role: Invalid option: expected one of "system"|"user"|"assistant"',
    ],
    [
      {
        messages: [
          { role: 'user', content: 'q' },
          { role: 'assistant', content: 'a' },
        ],
      },
      "body.messages[1].role: the last message must have role 'user', got 'assistant'",
    ],
    [
      { ...question, options: { temperature: 3 } },
      'body.options.temperature: Too big: expected number to be <=2',
    ],
    [{ ...question, stream: 'yes' }, 'body.stream: expected boolean, received string'],
  ])('400 for %j', async (body, message) => {
    const { app } = buildTestApp();
    const response = await postJson(app, '/v1/chat', body);
    expect(response.status).toBe(400);
    expect((await jsonOf(response)).error.message).toBe(message);
  });
});

describe('POST /v1/chat (stream)', () => {
  it('streams evidence-available, answer-delta and answer-end frames', async () => {
    const { app } = buildTestApp();
    const response = await postJson(app, '/v1/chat', { ...question, stream: true });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const frames = await allSseFrames(response);
    expect(frames.map((frame) => frame.event)).toEqual([
      'evidence-available',
      ...Array<string>(7).fill('answer-delta'),
      'answer-end',
    ]);
    expect(JSON.parse(frames[0]?.data ?? '')).toEqual({ evidence: sampleEvidence });
    expect(
      frames
        .slice(1, -1)
        .map((frame) => JSON.parse(frame.data).text)
        .join(''),
    ).toBe('ABL1 is a target of imatinib [E1].');
    expect(JSON.parse(frames.at(-1)?.data ?? '')).toEqual({
      answer: 'ABL1 is a target of imatinib [E1].',
      citations: ['E1'],
      mode: 'llm',
      usage: { promptTokens: 120, completionTokens: 7 },
    });
  });

  it('an error after streaming started becomes an error frame with the request id', async () => {
    const agent = createFakeChatAgent([
      { type: 'evidence-available', evidence: sampleEvidence },
      { type: 'answer-delta', text: 'ABL1' },
      {
        type: 'error',
        error: new AppError({ code: 'UPSTREAM', message: 'LLM at http://x/v1 failed with HTTP 500: boom' }),
      },
    ]);
    const { app, logger } = buildTestApp({ agent });
    const response = await postJson(app, '/v1/chat', { ...question, stream: true }, { 'x-request-id': 'r1' });
    const frames = await allSseFrames(response);
    expect(frames.map((frame) => frame.event)).toEqual(['evidence-available', 'answer-delta', 'error']);
    expect(JSON.parse(frames[2]?.data ?? '')).toEqual({
      error: { code: 'UPSTREAM', message: 'LLM at http://x/v1 failed with HTTP 500: boom', requestId: 'r1' },
    });
    expect(logger.lines.some((line) => line.level === 'warn' && line.fields['streaming'] === true)).toBe(
      true,
    );
  });

  it('an unknown error mid-stream is a generic error frame', async () => {
    const agent = createFakeChatAgent({
      events: [{ type: 'answer-delta', text: 'x' }],
      throwAfter: new Error('secret detail'),
    });
    const { app } = buildTestApp({ agent });
    const frames = await allSseFrames(await postJson(app, '/v1/chat', { ...question, stream: true }));
    expect(frames.at(-1)?.event).toBe('error');
    expect(frames.at(-1)?.data).not.toContain('secret detail');
    expect(JSON.parse(frames.at(-1)?.data ?? '').error.code).toBe('INTERNAL');
  });

  it('a client that stops reading cancels the agent and frees the permit', async () => {
    const agent = createFakeChatAgent(() => ({
      events: answerEvents('one two three four five six seven eight'),
      delayMs: 30,
    }));
    const { app } = buildTestApp({ agent, options: { maxConcurrentChats: 1, maxQueuedChats: 0 } });
    const response = await postJson(app, '/v1/chat', { ...question, stream: true });
    for await (const frame of readSseFrames(response)) {
      expect(frame.event).toBe('evidence-available');
      break; // cancels the body: what the server sees when a client disconnects
    }
    await vi.waitFor(() => expect(agent.calls[0]?.outcome).not.toBe('running'));
    expect(['aborted', 'stopped']).toContain(agent.calls[0]?.outcome);
    expect((await postJson(app, '/v1/chat', question)).status).toBe(200);
  });
});
