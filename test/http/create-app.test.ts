import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { describe, expect, it, vi } from 'vitest';
import { AppError } from '../../src/errors.js';
import type { AppEnv } from '../../src/http/app-env.js';
import { tokensEqual } from '../../src/http/middleware/bearer-auth.js';
import { defineRoute } from '../../src/http/route-definition.js';
import { answerEvents, createFakeChatAgent } from '../fakes/fake-chat-agent.js';
import { buildTestApp, jsonOf, postJson, question } from './test-app.js';

function failingFeature(error: unknown) {
  const app = new Hono<AppEnv>().get('/fail', () => {
    throw error;
  });
  return { app, routes: [defineRoute({ method: 'get', path: '/fail', summary: 'fails', responses: {} })] };
}

describe('request id', () => {
  it('echoes a sane incoming x-request-id and binds it to logs', async () => {
    const { app, logger } = buildTestApp();
    const response = await app.request('/v1/models', { headers: { 'x-request-id': 'client-42.a' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBe('client-42.a');
    expect(logger.lines.find((line) => line.message === 'request')?.fields).toMatchObject({
      requestId: 'client-42.a',
    });
  });

  it('replaces an unsafe or missing id with a generated one', async () => {
    const { app } = buildTestApp();
    const unsafe = await app.request('/v1/models', { headers: { 'x-request-id': 'bad id\twith spaces' } });
    expect(unsafe.headers.get('x-request-id')).toBe('req_id1');
    const missing = await app.request('/v1/models');
    expect(missing.headers.get('x-request-id')).toBe('req_id2');
  });

  it('is in error bodies and headers alike', async () => {
    const { app } = buildTestApp();
    const response = await app.request('/nope', { headers: { 'x-request-id': 'abc' } });
    expect(response.status).toBe(404);
    expect(response.headers.get('x-request-id')).toBe('abc');
    expect(await jsonOf(response)).toEqual({
      error: { code: 'NOT_FOUND', message: 'no route GET /nope; GET /docs lists the API', requestId: 'abc' },
    });
  });
});

describe('request logging', () => {
  it('logs method, path, status, duration and id, never secrets, queries or bodies', async () => {
    const { app, logger } = buildTestApp({ options: { authToken: 'token-that-must-not-leak' } });
    await postJson(app, '/v1/chat?api_key=query-secret', question, {
      authorization: 'Bearer token-that-must-not-leak',
    });
    const line = logger.lines.find((each) => each.message === 'request');
    expect(line?.fields).toMatchObject({
      method: 'POST',
      path: '/v1/chat',
      status: 200,
      requestId: 'req_id1',
    });
    expect(typeof line?.fields['durationMs']).toBe('number');
    const everything = JSON.stringify(logger.lines);
    expect(everything).not.toContain('token-that-must-not-leak');
    expect(everything).not.toContain('query-secret');
    expect(everything).not.toContain('imatinib');
  });
});

describe('error contract', () => {
  it('AppError → its status, code, message and details', async () => {
    const error = new AppError({
      code: 'UNPROCESSABLE',
      message: 'SMILES at attachments.smiles is invalid',
      details: { field: 'smiles' },
    });
    const { app } = buildTestApp({ dependencies: { features: [failingFeature(error)] } });
    const response = await app.request('/fail');
    expect(response.status).toBe(422);
    expect(await jsonOf(response)).toEqual({
      error: {
        code: 'UNPROCESSABLE',
        message: 'SMILES at attachments.smiles is invalid',
        details: { field: 'smiles' },
        requestId: 'req_id1',
      },
    });
  });

  it('HTTPException → nearest code, its status', async () => {
    const { app } = buildTestApp({
      dependencies: { features: [failingFeature(new HTTPException(405, { message: 'no' }))] },
    });
    const response = await app.request('/fail');
    expect(response.status).toBe(405);
    expect((await jsonOf(response)).error).toMatchObject({ code: 'NOT_FOUND', message: 'no' });
  });

  it('unknown errors → 500 with a generic message; the stack goes only to the log', async () => {
    const error = new Error('connection string postgres://admin:hunter2@db failed');
    const { app, logger } = buildTestApp({ dependencies: { features: [failingFeature(error)] } });
    const response = await app.request('/fail');
    const text = await response.text();
    expect(response.status).toBe(500);
    expect(JSON.parse(text)).toEqual({
      error: {
        code: 'INTERNAL',
        message: 'internal server error; quote the request id when reporting it',
        requestId: 'req_id1',
      },
    });
    expect(text).not.toContain('hunter2');
    expect(text).not.toMatch(/at .*\.ts:\d+/);
    const logged = logger.lines.find((line) => line.level === 'error');
    expect(logged?.message).toContain('hunter2');
    expect(String(logged?.fields['stack'])).toContain('create-app.test.ts');
  });

  it('sets Retry-After from details.retryAfterSeconds', async () => {
    const error = new AppError({
      code: 'RATE_LIMITED',
      message: 'slow down',
      details: { retryAfterSeconds: 2.2 },
    });
    const { app } = buildTestApp({ dependencies: { features: [failingFeature(error)] } });
    const response = await app.request('/fail');
    expect([response.status, response.headers.get('retry-after')]).toEqual([429, '3']);
  });
});

describe('validation', () => {
  it('names unknown fields by path', async () => {
    const { app } = buildTestApp();
    const response = await postJson(app, '/v1/chat', {
      ...question,
      extra: 1,
      options: { topK: 3, colour: 'red' },
    });
    expect(response.status).toBe(400);
    const body = await jsonOf(response);
    expect(body.error.code).toBe('BAD_REQUEST');
    expect(body.error.message).toBe('body.options.colour: unknown field; body.extra: unknown field');
    expect(body.error.details.problems).toEqual([
      { path: 'body.options.colour', message: 'unknown field' },
      { path: 'body.extra', message: 'unknown field' },
    ]);
  });

  it('names the offending field and what was expected', async () => {
    const { app } = buildTestApp();
    const response = await postJson(app, '/v1/chat', { ...question, options: { topK: 'eight' } });
    expect((await jsonOf(response)).error.message).toBe(
      'body.options.topK: expected number, received string',
    );
  });

  it('rejects malformed JSON with 400', async () => {
    const { app } = buildTestApp();
    const response = await app.request('/v1/chat', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"messages": [',
    });
    expect(response.status).toBe(400);
    expect((await jsonOf(response)).error).toMatchObject({
      code: 'BAD_REQUEST',
      message: 'Malformed JSON in request body',
    });
  });

  it('rejects a JSON body sent without a JSON content type', async () => {
    const { app } = buildTestApp();
    const response = await app.request('/v1/chat', { method: 'POST', body: JSON.stringify(question) });
    expect(response.status).toBe(400);
    expect((await jsonOf(response)).error.message).toContain('Content-Type: application/json');
  });
});

describe('body limit', () => {
  const big = { messages: [{ role: 'user', content: 'x'.repeat(500) }] };

  it('413 names the limit (declared length)', async () => {
    const { app } = buildTestApp({ options: { bodyLimitBytes: 200 } });
    const text = JSON.stringify(big);
    const response = await app.request('/v1/chat', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': String(text.length) },
      body: text,
    });
    expect(response.status).toBe(413);
    expect(await jsonOf(response)).toEqual({
      error: {
        code: 'PAYLOAD_TOO_LARGE',
        message: 'request body exceeds the limit of 200 bytes (200 B)',
        details: { limitBytes: 200 },
        requestId: 'req_id1',
      },
    });
  });

  it('413 for a streamed body without a length', async () => {
    const { app } = buildTestApp({ options: { bodyLimitBytes: 200 } });
    const response = await postJson(app, '/v1/chat', big);
    expect(response.status).toBe(413);
  });

  it('accepts bodies under the limit', async () => {
    const { app } = buildTestApp({ options: { bodyLimitBytes: 10_000 } });
    expect((await postJson(app, '/v1/chat', big)).status).toBe(200);
  });
});

describe('bearer auth', () => {
  const token = 'correct-horse-battery-staple';
  const { app } = buildTestApp({ options: { authToken: token } });

  it('401 without a token, with WWW-Authenticate', async () => {
    const response = await app.request('/v1/models');
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect((await jsonOf(response)).error).toMatchObject({
      code: 'UNAUTHORIZED',
      message: 'missing bearer token: send Authorization: Bearer <token>',
    });
  });

  it('401 for a wrong token of the same or another length, never 500', async () => {
    for (const wrong of ['correct-horse-battery-stapLe', 'short', `${token}x`, '']) {
      const response = await app.request('/v1/models', { headers: { authorization: `Bearer ${wrong}` } });
      expect(response.status, `token ${JSON.stringify(wrong)}`).toBe(401);
    }
    const basic = await app.request('/v1/models', { headers: { authorization: `Basic ${token}` } });
    expect(basic.status).toBe(401);
  });

  it('200 with the token', async () => {
    const response = await app.request('/v1/models', { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
  });

  it('leaves health, docs and the OpenAPI document open', async () => {
    for (const path of ['/health', '/docs', '/', '/openapi.json']) {
      expect((await app.request(path)).status, path).toBe(200);
    }
  });

  it('tokensEqual compares by digest, so unequal lengths do not throw', () => {
    expect(tokensEqual(token, token)).toBe(true);
    expect(tokensEqual('a', token)).toBe(false);
    expect(tokensEqual('', '')).toBe(true);
  });
});

describe('request timeout', () => {
  it('504 when no response is ready in time, and the agent is aborted', async () => {
    const agent = createFakeChatAgent({ events: answerEvents('too slow'), delayMs: 1_000 });
    const { app } = buildTestApp({ agent, options: { requestTimeoutMs: 50 } });
    const response = await postJson(app, '/v1/chat', question);
    expect(response.status).toBe(504);
    expect((await jsonOf(response)).error).toMatchObject({
      code: 'TIMEOUT',
      message: 'request did not complete within 50 ms',
    });
    await vi.waitFor(() => expect(agent.calls[0]?.outcome).toBe('aborted'));
  });
});

describe('chat admission', () => {
  it('503 with Retry-After when the queue is full, then recovers', async () => {
    const agent = createFakeChatAgent(() => ({ events: answerEvents('done [E1]'), delayMs: 20 }));
    const { app } = buildTestApp({ agent, options: { maxConcurrentChats: 1, maxQueuedChats: 1 } });
    const first = postJson(app, '/v1/chat', question);
    const second = postJson(app, '/v1/chat', question);
    const third = await postJson(app, '/v1/chat', question);
    expect(third.status).toBe(503);
    expect(third.headers.get('retry-after')).toBe('1');
    expect((await jsonOf(third)).error.message).toBe(
      'server busy: 1 chat requests running and 1 queued (limits 1 and 1); retry later',
    );
    expect((await first).status).toBe(200);
    expect((await second).status).toBe(200);
    expect((await postJson(app, '/v1/chat', question)).status).toBe(200);
  });
});
