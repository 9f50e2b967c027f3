import { Agent } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/create-app.js';
import { createEntityRoutes } from '../../src/http/routes/entities.js';
import { createRetrieveRoutes } from '../../src/http/routes/retrieve.js';
import { createConcurrencyLimiter } from '../../src/util/concurrency.js';
import { answerEvents, createFakeChatAgent } from '../fakes/fake-chat-agent.js';
import { buildRetrievalWorld } from '../retrieval/retrieval-world.js';
import { mulberry32 } from '../../src/util/random.js';
import { rawPost } from '../helpers/raw-post.js';
import { listenOnLoopback, type LoopbackServer } from '../helpers/listen.js';

/**
 * Seeded fuzzing over a real socket: thousands of mutated, malformed and oversized bodies on
 * kept-alive connections. Every answer must be a 4xx or 2xx with a JSON error body for errors;
 * no 5xx, and no connection reset or hang-up (which a kept-alive client sees as ECONNRESET).
 */
const SEED = 20_261_207;
const BODIES = 3_000;
const BODY_LIMIT = 8_192;

let server: LoopbackServer;
let port: number;
beforeAll(async () => {
  const world = await buildRetrievalWorld();
  const inferenceLimiter = createConcurrencyLimiter({ maxConcurrent: 2, maxQueued: 1_000 });
  const app = createApp(
    {
      chatAgent: createFakeChatAgent(() => answerEvents('ABL1 is a target of imatinib [E1].')),
      features: [
        createRetrieveRoutes({ retriever: world.retriever, inferenceLimiter }),
        createEntityRoutes(world.retriever),
      ],
    },
    { bodyLimitBytes: BODY_LIMIT, maxQueuedChats: 1_000 },
  );
  server = await listenOnLoopback(app);
  port = server.port;
});
afterAll(async () => {
  await server.close();
});

const VALID: Record<string, unknown> = {
  '/v1/chat': {
    messages: [{ role: 'user', content: 'Which proteins does imatinib target?' }],
    stream: false,
  },
  '/v1/chat/completions': {
    model: 'biobridge',
    messages: [{ role: 'user', content: 'imatinib?' }],
    max_tokens: 50,
  },
  '/v1/retrieve': { entity: { type: 'drug', name: 'imatinib' }, targetTypes: ['gene/protein'], k: 3 },
};

function fuzzCase(random: () => number): { path: string; body: string; contentType: string } {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const path = pick(Object.keys(VALID));
  const strange = (): unknown =>
    pick([
      null,
      -1,
      0,
      1e308,
      Number.MAX_SAFE_INTEGER,
      true,
      '',
      'x'.repeat(Math.floor(random() * 3_000)),
      '\u0000\uD800',
      '<script>',
      [],
      {},
      [[[[]]]],
      { __proto__: { polluted: true } },
      'Bearer x',
      '../../etc/passwd',
    ]);
  const mutate = (value: unknown, depth: number): unknown => {
    if (depth > 4 || random() < 0.15) return strange();
    if (Array.isArray(value)) return random() < 0.2 ? [] : value.map((item) => mutate(item, depth + 1));
    if (value && typeof value === 'object') {
      const copy: Record<string, unknown> = {};
      for (const [key, each] of Object.entries(value)) {
        if (random() < 0.15) continue;
        copy[random() < 0.05 ? `${key}_` : key] = random() < 0.5 ? mutate(each, depth + 1) : each;
      }
      if (random() < 0.1) copy[`extra${Math.floor(random() * 9)}`] = strange();
      return copy;
    }
    return random() < 0.5 ? strange() : value;
  };
  const kind = random();
  let body: string;
  if (kind < 0.6) body = JSON.stringify(mutate(VALID[path], 0));
  else if (kind < 0.7) body = JSON.stringify(VALID[path]).slice(0, Math.floor(random() * 40));
  else if (kind < 0.78)
    body = JSON.stringify({
      ...(VALID[path] as object),
      pad: 'y'.repeat(BODY_LIMIT + Math.floor(random() * 20_000)),
    });
  else if (kind < 0.85)
    body = Array.from({ length: Math.floor(random() * 200) }, () =>
      String.fromCharCode(Math.floor(random() * 0xffff)),
    ).join('');
  else if (kind < 0.9) body = '['.repeat(2_000) + ']'.repeat(2_000);
  else if (kind < 0.95) body = '';
  else body = JSON.stringify(VALID[path]);
  const contentType =
    random() < 0.93
      ? 'application/json'
      : pick(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data']);
  return { path, body, contentType };
}

function send(agent: Agent, path: string, body: string, contentType: string) {
  return rawPost(port, agent, path, body, contentType);
}

describe(`fuzz: ${BODIES} seeded bodies over kept-alive connections`, () => {
  it('never answers 5xx and never drops a connection', async () => {
    const random = mulberry32(SEED);
    const cases = Array.from({ length: BODIES }, () => fuzzCase(random));
    const agent = new Agent({ keepAlive: true, maxSockets: 8 });
    const statuses = new Map<number, number>();
    const failures: string[] = [];
    try {
      let next = 0;
      const worker = async () => {
        while (next < cases.length) {
          const index = next++;
          const { path, body, contentType } = cases[index]!;
          try {
            const response = await send(agent, path, body, contentType);
            statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
            if (response.status >= 500)
              failures.push(`#${index} ${path} → ${response.status} ${response.body.slice(0, 200)}`);
            else if (response.status >= 400 && !response.body.includes('"error"'))
              failures.push(`#${index} ${path} → ${response.status} without an error body`);
          } catch (error) {
            failures.push(`#${index} ${path} → ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
          }
        }
      };
      await Promise.all(Array.from({ length: 8 }, worker));
    } finally {
      agent.destroy();
    }
    expect(failures.slice(0, 10), `${failures.length} failures`).toEqual([]);
    // the corpus reaches every outcome it should: successes, validation errors and 413s
    expect(statuses.get(200)).toBeGreaterThan(50);
    expect(statuses.get(400)).toBeGreaterThan(500);
    expect(statuses.get(413)).toBeGreaterThan(50);
  }, 240_000);
});
