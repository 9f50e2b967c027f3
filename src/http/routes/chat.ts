import { Hono } from 'hono';
import { z } from 'zod';
import type { ChatAgent, ChatAnswer, ChatInput } from '../../agents/chat-agent.js';
import { AppError } from '../../errors.js';
import type { AppEnv } from '../app-env.js';
import { collectAnswer } from '../chat-runner.js';
import type { ConcurrencyLimiter } from '../concurrency.js';
import { errorBodySchema } from '../error-handler.js';
import type { Feature } from '../feature.js';
import { defineRoute } from '../route-definition.js';
import { streamEvents } from '../sse.js';
import { jsonBody } from '../validation.js';
import {
  answerModeSchema,
  attachmentsSchema,
  citationCheckSchema,
  evidenceItemSchema,
  lastMessageIsFromUser,
  usageSchema,
} from './chat-schemas.js';

export const chatRequestSchema = z.strictObject({
  messages: z
    .array(
      z.strictObject({
        role: z.enum(['system', 'user', 'assistant']),
        content: z.string().min(1).max(20_000),
      }),
    )
    .min(1)
    .max(64)
    .superRefine(lastMessageIsFromUser)
    .describe('The conversation; the last message is the question'),
  attachments: attachmentsSchema.optional(),
  options: z
    .strictObject({
      maxTokens: z.number().int().min(1).max(8_192).optional().describe('Cap on generated tokens'),
      temperature: z.number().min(0).max(2).optional(),
      topK: z.number().int().min(1).max(100).optional().describe('How many evidence items to retrieve'),
    })
    .optional(),
  stream: z.boolean().default(false).describe('Stream server-sent events instead of one JSON response'),
});
export type ChatRequest = z.infer<typeof chatRequestSchema>;

export const chatResponseSchema = z.object({
  answer: z.string(),
  citations: z.array(z.string()).describe('Evidence ids cited in the answer'),
  mode: answerModeSchema,
  reason: z.string().optional().describe('Why the answer is evidence-only'),
  citationCheck: citationCheckSchema.optional(),
  evidence: z.array(evidenceItemSchema),
  usage: usageSchema,
});
export type ChatResponse = z.infer<typeof chatResponseSchema>;

export const chatRoute = defineRoute({
  method: 'post',
  path: '/v1/chat',
  summary: 'Ask a grounded question (native API)',
  description: [
    'Retrieves evidence from the knowledge graph and BioBridge, then answers from it with citations like [E1].',
    'With `stream: true` the response is server-sent events: `evidence-available` ({evidence}), `answer-delta` ({text}),',
    'then `answer-end` ({answer, citations, mode, reason?, usage}) or `error` ({error: {code, message, requestId}}).',
  ].join(' '),
  tags: ['chat'],
  request: { body: chatRequestSchema },
  responses: {
    200: {
      description: 'The answer with its evidence (JSON), or an event stream when `stream` is true',
      schema: chatResponseSchema,
    },
    503: { description: 'Server busy; retry after `Retry-After` seconds', schema: errorBodySchema },
    504: { description: 'No answer within the request timeout', schema: errorBodySchema },
  },
  example: {
    body: {
      messages: [{ role: 'user', content: 'Which proteins does imatinib target?' }],
      options: { topK: 8 },
    },
  },
});

export interface ChatRoutesDependencies {
  chatAgent: ChatAgent;
  /** Admission for chat answers (not an inference slot: the agent's retriever takes those). */
  chatLimiter: ConcurrencyLimiter;
}

export function createChatRoutes(dependencies: ChatRoutesDependencies): Feature {
  const app = new Hono<AppEnv>();

  app.post(chatRoute.path, jsonBody(chatRequestSchema), async (c) => {
    const body = c.req.valid('json');
    const release = await dependencies.chatLimiter.acquire(c.var.signal);

    if (!body.stream) {
      try {
        const { evidence, answer } = await collectAnswer(
          dependencies.chatAgent.answer(toChatInput(body, c.var.signal)),
        );
        return c.json({ ...answerBody(answer), evidence });
      } finally {
        release();
      }
    }

    return streamEvents(c, {
      release,
      writeError: (stream, error) => stream.writeSSE({ event: 'error', data: JSON.stringify(error) }),
      async run(stream, signal) {
        for await (const event of dependencies.chatAgent.answer(toChatInput(body, signal))) {
          if (signal.aborted) return;
          switch (event.type) {
            case 'evidence-available':
              await stream.writeSSE({
                event: 'evidence-available',
                data: JSON.stringify({ evidence: event.evidence }),
              });
              break;
            case 'answer-delta':
              await stream.writeSSE({ event: 'answer-delta', data: JSON.stringify({ text: event.text }) });
              break;
            case 'answer-end':
              await stream.writeSSE({ event: 'answer-end', data: JSON.stringify(answerBody(event.answer)) });
              return;
            case 'error':
              throw event.error;
          }
        }
        if (!signal.aborted) {
          throw new AppError({
            code: 'INTERNAL',
            message: 'the chat agent finished without an answer-end or error event',
          });
        }
      },
    });
  });

  return { app, routes: [chatRoute] };
}

function toChatInput(body: ChatRequest, signal: AbortSignal): ChatInput {
  const options = body.options ? withoutUndefined(body.options) : undefined;
  const attachments = body.attachments ? withoutUndefined(body.attachments) : undefined;
  return {
    messages: body.messages,
    ...(attachments ? { attachments } : {}),
    ...(options ? { options } : {}),
    signal,
  };
}

function answerBody(answer: ChatAnswer) {
  return {
    answer: answer.text,
    citations: answer.citations,
    mode: answer.mode,
    ...(answer.reason === undefined ? {} : { reason: answer.reason }),
    ...(answer.citationCheck === undefined ? {} : { citationCheck: answer.citationCheck }),
    usage: answer.usage,
  };
}

/** Drops `undefined` values so optional fields stay absent (`exactOptionalPropertyTypes`). */
export function withoutUndefined<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, each]) => each !== undefined)) as {
    [K in keyof T]: Exclude<T[K], undefined>;
  };
}
