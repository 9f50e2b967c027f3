import type { Hono } from 'hono';
import type { ChatAgent } from '../../src/agents/chat-agent.js';
import type { AppEnv } from '../../src/http/app-env.js';
import { createConcurrencyLimiter } from '../../src/http/concurrency.js';
import { createApp, type AppDependencies, type HttpOptions } from '../../src/http/create-app.js';
import { createRetrieveRoutes } from '../../src/http/routes/retrieve.js';
import type { Retriever } from '../../src/retrieval/retriever.js';
import { createMemoryLogger } from '../../src/util/logger.js';
import { answerEvents, createFakeChatAgent } from '../fakes/fake-chat-agent.js';

export const fixedNow = 1_700_000_000_000;

export function buildTestApp(
  setup: { agent?: ChatAgent; options?: HttpOptions; dependencies?: Partial<AppDependencies> } = {},
) {
  const logger = createMemoryLogger();
  const agent = setup.agent ?? createFakeChatAgent(answerEvents('ABL1 is a target of imatinib [E1].'));
  let counter = 0;
  const app = createApp({ chatAgent: agent, logger, ...setup.dependencies }, setup.options ?? {}, {
    generateId: () => `id${++counter}`,
    now: () => fixedNow,
  });
  return { app, agent, logger };
}

/** An app serving only `POST /v1/retrieve` over `retriever`, with a small inference limiter. */
export function retrieveTestApp(retriever: Retriever): Hono<AppEnv> {
  return buildTestApp({
    dependencies: {
      features: [
        createRetrieveRoutes({
          retriever,
          inferenceLimiter: createConcurrencyLimiter({ maxConcurrent: 2, maxQueued: 4 }),
        }),
      ],
    },
  }).app;
}

export function postJson(
  app: Hono<AppEnv>,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
) {
  return app.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

/** The body as JSON, with the raw text in the assertion message when it is not JSON. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests index into response bodies freely
export async function jsonOf(response: Response): Promise<any> {
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`expected JSON, got ${response.status}: ${text}`);
  }
}

export const question = { messages: [{ role: 'user', content: 'Which proteins does imatinib target?' }] };
