import { Agent } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/create-app.js';
import type { HealthCheck } from '../../src/http/routes/health.js';
import { answerEvents, createFakeChatAgent } from '../fakes/fake-chat-agent.js';
import { buildTestApp, jsonOf, postJson, question } from './test-app.js';
import { rawPost } from '../helpers/raw-post.js';
import { listenOnLoopback, type LoopbackServer } from '../helpers/listen.js';

const TOKEN = 'hygiene-token';
const llmCheck: HealthCheck = {
  name: 'llm',
  required: false,
  check: async () => ({
    ok: false,
    state: 'unreachable',
    detail: 'the language model cannot be reached (details in the server log)',
  }),
};

let server: LoopbackServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function listen(app: ReturnType<typeof createApp>): Promise<number> {
  server = await listenOnLoopback(app);
  return server.port;
}

const send = rawPost;

describe('HTTP hygiene', () => {
  it('413 says Connection: close, and the next request on a kept-alive client succeeds', async () => {
    const port = await listen(
      createApp({ chatAgent: createFakeChatAgent(answerEvents('ok [E1].')) }, { bodyLimitBytes: 1_024 }),
    );
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const refused = await send(
        port,
        agent,
        '/v1/chat',
        JSON.stringify({ ...question, pad: 'x'.repeat(50_000) }),
      );
      expect(refused.status).toBe(413);
      expect(refused.headers['connection']).toBe('close');
      for (let attempt = 0; attempt < 3; attempt++) {
        const next = await send(port, agent, '/v1/chat', JSON.stringify(question));
        expect(next.status, next.body).toBe(200);
      }
    } finally {
      agent.destroy();
    }
  });

  it('an early 401 on a body closes the connection too; a read body keeps it open', async () => {
    const { app } = buildTestApp({ options: { authToken: TOKEN } });
    const unauthorised = await postJson(app, '/v1/chat', question);
    expect(unauthorised.status).toBe(401);
    expect(unauthorised.headers.get('connection')).toBe('close');
    const invalid = await postJson(app, '/v1/chat', { messages: [] }, { authorization: `Bearer ${TOKEN}` });
    expect(invalid.status).toBe(400);
    expect(invalid.headers.get('connection')).toBeNull();
  });

  it('/health: public readiness without detail, detail with the token; /health/live always answers', async () => {
    const { app } = buildTestApp({
      options: { authToken: TOKEN },
      dependencies: { healthChecks: [llmCheck] },
    });
    const open = await jsonOf(await app.request('/health'));
    expect(open).toEqual({
      status: 'ready',
      checks: { llm: { ok: false, state: 'unreachable', required: false } },
    });
    const detailed = await jsonOf(
      await app.request('/health', { headers: { authorization: `Bearer ${TOKEN}` } }),
    );
    expect(detailed.checks.llm.detail).toBe(
      'the language model cannot be reached (details in the server log)',
    );
    const wrongToken = await jsonOf(
      await app.request('/health', { headers: { authorization: 'Bearer nope' } }),
    );
    expect(wrongToken.checks.llm.detail).toBeUndefined();
    const live = await app.request('/health/live');
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ status: 'alive' });
  });

  it('CORS is off by default and answers preflights for configured origins', async () => {
    const off = buildTestApp().app;
    const plain = await off.request('/health', { headers: { origin: 'https://app.example' } });
    expect(plain.headers.get('access-control-allow-origin')).toBeNull();

    const on = buildTestApp({ options: { corsOrigins: ['https://app.example'], authToken: TOKEN } }).app;
    const preflight = await on.request('/v1/chat', {
      method: 'OPTIONS',
      headers: {
        origin: 'https://app.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://app.example');
    const other = await on.request('/health', { headers: { origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('/metrics: a latency histogram per route pattern, queue gauges, behind the token', async () => {
    const { app } = buildTestApp({ options: { authToken: TOKEN } });
    const auth = { authorization: `Bearer ${TOKEN}` };
    await postJson(app, '/v1/chat', question, auth);
    await postJson(app, '/v1/chat', question, auth);
    await app.request('/v1/models/nope', { headers: auth });
    expect((await app.request('/metrics')).status).toBe(401);
    const scraped = await app.request('/metrics', { headers: auth });
    expect(scraped.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await scraped.text();
    expect(text).toContain('# TYPE biobridge_http_request_duration_seconds histogram');
    expect(text).toContain(
      'biobridge_http_request_duration_seconds_count{route="/v1/chat",method="POST",status="200"} 2',
    );
    expect(text).toContain(
      'biobridge_http_request_duration_seconds_bucket{route="/v1/chat",method="POST",status="200",le="+Inf"} 2',
    );
    // the route pattern, not the path: ids in paths do not explode the label set
    expect(text).toContain('route="/v1/models/:model",method="GET",status="404"');
    expect(text).toMatch(/^biobridge_chat_queue\{state="running"\} 0$/m);
  });
});
