import { Hono } from 'hono';
import { z } from 'zod';
import type { ChatAgent, ChatAnswer, ChatInput } from '../../agents/chat-agent.js';
import type { AppEnv } from '../app-env.js';
import { answerGrounding, collectAnswer, relayChatEvents } from '../chat-runner.js';
import type { ConcurrencyLimiter } from '../concurrency.js';
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
  qaResultSchema,
  usageSchema,
  MAX_QUESTION_CHARACTERS,
  chatAdmissionResponses,
} from './chat-schemas.js';

const choicesSchema = z
  .array(z.string().trim().min(1).max(500))
  .min(2)
  .max(26)
  .describe('Options of a multiple-choice question; the answer picks one of them as written');

export const chatRequestSchema = z.strictObject({
  messages: z
    .array(
      z.strictObject({
        role: z.enum(['system', 'user', 'assistant']),
        content: z.string().min(1).max(MAX_QUESTION_CHARACTERS),
      }),
    )
    .min(1)
    .max(64)
    .superRefine(lastMessageIsFromUser)
    .describe('The conversation; the last message is the question'),
  attachments: attachmentsSchema.optional(),
  options: z
    .union([
      choicesSchema,
      z.strictObject({
        maxTokens: z.number().int().min(1).max(8_192).optional().describe('Cap on generated tokens'),
        temperature: z.number().min(0).max(2).optional(),
        topK: z.number().int().min(1).max(100).optional().describe('How many evidence items to retrieve'),
        choices: choicesSchema.optional(),
      }),
    ])
    .optional()
    .describe(
      'Either the options of a multiple-choice question (an array of strings) or generation settings (an object, whose `choices` may list the options)',
    ),
  stream: z.boolean().default(false).describe('Stream server-sent events instead of one JSON response'),
});
export type ChatRequest = z.infer<typeof chatRequestSchema>;

export const chatResponseSchema = z.object({
  answer: z.string(),
  citations: z.array(z.string()).describe('Evidence ids cited in the answer'),
  mode: answerModeSchema,
  reason: z.string().optional().describe('Why the answer is evidence-only'),
  citationCheck: citationCheckSchema.optional(),
  result: qaResultSchema.optional(),
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
    'then `result-available` ({result}) and `answer-end` ({answer, citations, mode, reason?, result?, usage}), or `error` ({error: {code, message, requestId}}).',
    'Multiple-choice (options in the text or in `options`), true/false, list and identifier questions are decided from knowledge-graph facts:',
    '`result` holds the form and the choice, verdict or items, with a confidence and the evidence ids; the answer text starts with the decision.',
    'When a system message or the question\'s trailing instruction asks for only the letter, option or True/False, the answer text is that alone ("b", "HLA-B", "True").',
  ].join(' '),
  tags: ['chat'],
  request: { body: chatRequestSchema },
  responses: {
    200: {
      description: 'The answer with its evidence (JSON), or an event stream when `stream` is true',
      schema: chatResponseSchema,
    },
    ...chatAdmissionResponses,
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
      run: (stream, signal) =>
        relayChatEvents(dependencies.chatAgent.answer(toChatInput(body, signal)), signal, {
          evidence: (evidence) =>
            stream.writeSSE({ event: 'evidence-available', data: JSON.stringify({ evidence }) }),
          delta: (text) => stream.writeSSE({ event: 'answer-delta', data: JSON.stringify({ text }) }),
          async end(answer) {
            if (answer.result)
              await stream.writeSSE({
                event: 'result-available',
                data: JSON.stringify({ result: answer.result }),
              });
            await stream.writeSSE({ event: 'answer-end', data: JSON.stringify(answerBody(answer)) });
          },
        }),
    });
  });

  return { app, routes: [chatRoute] };
}

function toChatInput(body: ChatRequest, signal: AbortSignal): ChatInput {
  const settings = body.options === undefined || Array.isArray(body.options) ? undefined : body.options;
  const choices = Array.isArray(body.options) ? body.options : settings?.choices;
  const { choices: _choices, ...generation } = settings ?? {};
  return {
    messages: body.messages,
    choices,
    attachments: body.attachments,
    options: settings && generation,
    signal,
  };
}

function answerBody(answer: ChatAnswer) {
  return {
    answer: answer.text,
    ...answerGrounding(answer),
    // Undefined leaves the key out of the JSON.
    result: answer.result,
    usage: answer.usage,
  };
}
