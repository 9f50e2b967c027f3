import { Hono } from 'hono';
import { z } from 'zod';
import { type SSEStreamingApi } from 'hono/streaming';
import type {
  ChatAgent,
  ChatAnswer,
  ChatInput,
  ChatMessage,
  ChatOptions,
  EvidenceItem,
} from '../../agents/chat-agent.js';
import { AppError, statusForCode } from '../../errors.js';
import { estimateMessageTokens, estimateTokens } from '../../llm/prompt-budget.js';
import type { AppEnv } from '../app-env.js';
import { answerGrounding, collectAnswer, relayChatEvents } from '../chat-runner.js';
import type { ConcurrencyLimiter } from '../concurrency.js';
import { withOpenAiErrorFields } from '../error-handler.js';
import type { Feature } from '../feature.js';
import { defineRoute, errorResponse } from '../route-definition.js';
import { streamEvents } from '../sse.js';
import { jsonBody } from '../validation.js';
import {
  attachmentsSchema,
  citationCheckSchema,
  evidenceItemSchema,
  MAX_QUESTION_CHARACTERS,
  chatAdmissionResponses,
} from './chat-schemas.js';
import {
  checkToolUse,
  forcesToolCall,
  functionToolSchema,
  toClientToolChoice,
  toClientTools,
  toOpenAiToolCalls,
  toolCallDeltas,
  toolCallSchema,
  toolChoiceSchema,
} from './openai-tools.js';

/**
 * The OpenAI-compatible face: any OpenAI client (SDKs, chat UIs) can talk to BioBridge. Evidence
 * rides along in extra top-level fields (`evidence`, `citations`, `mode`) that clients ignore.
 */

const textPartSchema = z.strictObject({ type: z.literal('text'), text: z.string() });

const contentSchema = z.union([z.string(), z.array(textPartSchema).min(1)], {
  error:
    'expected a string or an array of {"type": "text", "text": …} parts (images, audio and files are not supported)',
});

const messageSchema = z.discriminatedUnion('role', [
  z.strictObject({
    role: z.enum(['system', 'developer', 'user']),
    content: contentSchema,
    name: z.string().optional(),
  }),
  z.strictObject({
    role: z.literal('assistant'),
    // Null or absent on a turn that only calls tools.
    content: contentSchema.nullish(),
    name: z.string().optional(),
    refusal: z.string().nullish(),
    tool_calls: z.array(toolCallSchema).max(64).nullish(),
  }),
  z.strictObject({
    role: z.literal('tool'),
    content: contentSchema,
    tool_call_id: z.string().min(1).max(200),
  }),
]);

/** The conversation ends with the user's question or with the client's results of tool calls. */
function lastMessageAsksForAnAnswer(
  messages: readonly { role: string; content?: unknown }[],
  context: z.RefinementCtx,
): void {
  for (const [position, message] of messages.entries()) {
    const length = message.role === 'user' ? textLength(message.content) : 0;
    if (length > MAX_QUESTION_CHARACTERS)
      context.addIssue({
        code: 'custom',
        path: [position, 'content'],
        message: `a user message may have at most ${MAX_QUESTION_CHARACTERS} characters, got ${length}`,
      });
  }
  const last = messages.at(-1);
  if (last && last.role !== 'user' && last.role !== 'tool') {
    context.addIssue({
      code: 'custom',
      path: [messages.length - 1, 'role'],
      message: `the last message must have role 'user' (or 'tool' after tool calls), got '${last.role}'`,
    });
  }
}

function textLength(content: unknown): number {
  if (typeof content === 'string') return content.length;
  if (!Array.isArray(content)) return 0;
  let length = 0;
  for (const part of content as { text?: unknown }[])
    length += typeof part.text === 'string' ? part.text.length : 0;
  return length;
}

const unsupported = (what: string) =>
  z.never({ error: `${what} is not supported by this server` }).optional();
const ignored = z.unknown().optional().describe('Accepted for compatibility and ignored');

export const chatCompletionRequestSchema = z
  .strictObject({
    model: z.string().min(1).describe('One of the ids from GET /v1/models'),
    messages: z.array(messageSchema).min(1).max(64).superRefine(lastMessageAsksForAnAnswer),
    stream: z.boolean().nullish(),
    stream_options: z
      .strictObject({ include_usage: z.boolean().optional(), include_obfuscation: z.boolean().optional() })
      .nullish(),
    max_tokens: z.number().int().min(1).max(8_192).nullish(),
    max_completion_tokens: z.number().int().min(1).max(8_192).nullish(),
    temperature: z.number().min(0).max(2).nullish(),
    n: z.literal(1, { error: 'only n = 1 is supported' }).nullish(),
    top_p: ignored,
    presence_penalty: ignored,
    frequency_penalty: ignored,
    seed: ignored,
    stop: ignored,
    user: ignored,
    logit_bias: ignored,
    metadata: ignored,
    store: ignored,
    service_tier: ignored,
    parallel_tool_calls: ignored,
    reasoning_effort: ignored,
    logprobs: z.literal(false, { error: 'logprobs are not supported' }).nullish(),
    top_logprobs: unsupported('top_logprobs'),
    response_format: z
      .strictObject({
        type: z.literal('text', { error: 'only response_format {"type": "text"} is supported' }),
      })
      .nullish(),
    tools: z
      .array(functionToolSchema)
      .max(128)
      .nullish()
      .describe(
        'Functions the client runs. With an LLM configured the model may call them: the answer then ends with `tool_calls` and `finish_reason: "tool_calls"`. Evidence-only answers ignore them.',
      ),
    tool_choice: toolChoiceSchema
      .nullish()
      .describe(
        '`auto` (default) or `none` (the model is not shown `tools`); `required` or a named function force a call and need an LLM (400 without one)',
      ),
    functions: unsupported('function calling'),
    function_call: unsupported('function calling'),
    attachments: attachmentsSchema
      .optional()
      .describe('BioBridge extension: a SMILES or protein sequence to ground on'),
    evidence_limit: z
      .number()
      .int()
      .min(1)
      .max(100)
      .optional()
      .describe('BioBridge extension: how many evidence items to retrieve'),
  })
  .superRefine(checkToolUse);
export type ChatCompletionRequest = z.infer<typeof chatCompletionRequestSchema>;

const usageSchema = z.object({
  prompt_tokens: z.number(),
  completion_tokens: z.number(),
  total_tokens: z.number(),
});

export const chatCompletionResponseSchema = z.object({
  id: z.string(),
  object: z.literal('chat.completion'),
  created: z.number().int(),
  model: z.string(),
  system_fingerprint: z.null(),
  choices: z.array(
    z.object({
      index: z.number().int(),
      message: z.object({
        role: z.literal('assistant'),
        content: z.string().nullable().describe('Null when the model only called tools'),
        refusal: z.null(),
        tool_calls: z
          .array(toolCallSchema)
          .optional()
          .describe("Calls of the client's tools, to run and answer"),
      }),
      logprobs: z.null(),
      finish_reason: z.enum(['stop', 'length', 'tool_calls']),
    }),
  ),
  usage: usageSchema,
  evidence: z.array(evidenceItemSchema).describe('BioBridge extension'),
  citations: z.array(z.string()).describe('BioBridge extension'),
  mode: z.enum(['llm', 'evidence-only']).describe('BioBridge extension'),
  reason: z.string().optional().describe('BioBridge extension'),
  citationCheck: citationCheckSchema.optional().describe('BioBridge extension'),
});

const modelSchema = z.object({
  id: z.string(),
  object: z.literal('model'),
  created: z.number().int(),
  owned_by: z.string(),
});
const modelListSchema = z.object({ object: z.literal('list'), data: z.array(modelSchema) });

export const listModelsRoute = defineRoute({
  method: 'get',
  path: '/v1/models',
  summary: 'List models (OpenAI-compatible)',
  tags: ['openai-compatible'],
  responses: { 200: { description: 'The model ids this server answers to', schema: modelListSchema } },
});

export const retrieveModelRoute = defineRoute({
  method: 'get',
  path: '/v1/models/:model',
  summary: 'Retrieve a model (OpenAI-compatible)',
  tags: ['openai-compatible'],
  responses: {
    200: { description: 'The model', schema: modelSchema },
    404: errorResponse('No such model'),
  },
  example: { path: '/v1/models/biobridge' },
});

export const chatCompletionsRoute = defineRoute({
  method: 'post',
  path: '/v1/chat/completions',
  summary: 'Grounded chat completion (OpenAI-compatible)',
  description: [
    'Same answers as POST /v1/chat in the OpenAI chat.completion format, streamed as chat.completion.chunk events',
    "(a decided question's content starts with the option or verdict, and is only that when the system prompt asks for only the letter, option or True/False),",
    'ending with `data: [DONE]` when `stream` is true (a usage chunk first with `stream_options.include_usage`).',
    'Sampling parameters other than max_tokens and temperature are accepted and ignored.',
    "`tools`: with an LLM configured the model may call the client's functions, returned as `tool_calls` with",
    '`finish_reason: "tool_calls"`; send the results as `role: "tool"` messages. Without an LLM, tools are ignored',
    '(`auto`/`none`) and `tool_choice` `required` or a named function is a 400 naming `tool_choice`.',
  ].join(' '),
  tags: ['openai-compatible'],
  request: { body: chatCompletionRequestSchema },
  responses: {
    200: {
      description: 'A chat.completion, or chat.completion.chunk events when streaming',
      schema: chatCompletionResponseSchema,
    },
    404: errorResponse('Unknown model'),
    ...chatAdmissionResponses,
  },
  example: {
    body: {
      model: 'biobridge',
      messages: [{ role: 'user', content: 'Which proteins does imatinib target?' }],
    },
  },
});

export interface OpenAiCompatDependencies {
  chatAgent: ChatAgent;
  /** Admission for chat answers (not an inference slot: the agent's retriever takes those). */
  chatLimiter: ConcurrencyLimiter;
  /** Ids listed by `/v1/models` and accepted as `model`. */
  modelIds: readonly string[];
  generateId: () => string;
  /** Milliseconds since the epoch. */
  now: () => number;
}

export function createOpenAiCompatRoutes(dependencies: OpenAiCompatDependencies): Feature {
  const app = new Hono<AppEnv>();
  const { chatAgent } = dependencies;
  const startedAt = Math.floor(dependencies.now() / 1000);
  const model = (id: string) => ({ id, object: 'model' as const, created: startedAt, owned_by: 'biobridge' });
  const requireModel = (id: string) => {
    if (!dependencies.modelIds.includes(id)) {
      throw new AppError({
        code: 'NOT_FOUND',
        message: `model '${id}' does not exist; available: ${dependencies.modelIds.join(', ')}`,
        details: { model: id },
      });
    }
  };

  app.get(listModelsRoute.path, (c) =>
    c.json({ object: 'list' as const, data: dependencies.modelIds.map(model) }),
  );

  app.get(retrieveModelRoute.path, (c) => {
    const id = c.req.param('model');
    requireModel(id);
    return c.json(model(id));
  });

  app.post(chatCompletionsRoute.path, jsonBody(chatCompletionRequestSchema), async (c) => {
    const body = c.req.valid('json');
    requireModel(body.model);
    refuseForcedToolCallWithoutLlm(body, chatAgent);
    const release = await dependencies.chatLimiter.acquire(c.var.signal);
    const head: CompletionHead = {
      id: `chatcmpl-${dependencies.generateId()}`,
      created: Math.floor(dependencies.now() / 1000),
      model: body.model,
    };
    if (body.stream !== true) {
      try {
        return c.json(await completeChat(chatAgent, body, head, c.var.signal));
      } finally {
        release();
      }
    }
    return streamEvents(c, {
      release,
      // OpenAI sends errors as a data frame with an `error` object; the SDKs throw on it.
      writeError: (stream, error) =>
        stream.writeSSE({
          data: JSON.stringify(withOpenAiErrorFields(error, statusForCode(error.error.code), undefined)),
        }),
      run: (stream, signal) => streamChat(chatAgent, body, head, stream, signal),
    });
  });

  return { app, routes: [listModelsRoute, retrieveModelRoute, chatCompletionsRoute] };
}

/** The fields every completion and chunk of one request share. */
interface CompletionHead {
  id: string;
  created: number;
  model: string;
}

/** The leading fields of a `chat.completion` or `chat.completion.chunk`, in OpenAI's order. */
function envelope<Kind extends 'chat.completion' | 'chat.completion.chunk'>(
  head: CompletionHead,
  object: Kind,
) {
  return { id: head.id, object, created: head.created, model: head.model, system_fingerprint: null };
}

function refuseForcedToolCallWithoutLlm(body: ChatCompletionRequest, chatAgent: ChatAgent): void {
  if (forcesToolCall(body.tool_choice) && chatAgent.canCallClientTools !== true) {
    throw new AppError({
      code: 'BAD_REQUEST',
      message:
        'tool_choice "required" or a named function needs a language model, and none is configured: answers are evidence-only (send tool_choice "auto" or "none")',
      details: { param: 'tool_choice' },
    });
  }
}

/** A whole `chat.completion`: the non-streaming answer. */
async function completeChat(
  chatAgent: ChatAgent,
  body: ChatCompletionRequest,
  head: CompletionHead,
  signal: AbortSignal,
) {
  const input = toChatInput(body, signal);
  const collected = await collectAnswer(chatAgent.answer(input));
  const answer = fitAnswer(collected.answer, input);
  return {
    ...envelope(head, 'chat.completion'),
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant' as const,
          content: answer.toolCalls && answer.text === '' ? null : answer.text,
          refusal: null,
          // Undefined leaves the key out of the JSON: OpenAI omits `tool_calls` when there are none.
          tool_calls: answer.toolCalls ? toOpenAiToolCalls(answer.toolCalls) : undefined,
        },
        logprobs: null,
        finish_reason: openAiFinishReason(answer),
      },
    ],
    usage: toOpenAiUsage(answer),
    ...answerGrounding(answer),
    evidence: collected.evidence,
  };
}

/** `chat.completion.chunk` events: role first, then text, tool calls, finish (and usage), `[DONE]`. */
async function streamChat(
  chatAgent: ChatAgent,
  body: ChatCompletionRequest,
  head: CompletionHead,
  stream: SSEStreamingApi,
  signal: AbortSignal,
): Promise<void> {
  const includeUsage = body.stream_options?.include_usage === true;
  const chunk = (
    delta: Record<string, unknown>,
    finishReason: string | null,
    extra: Record<string, unknown> = {},
  ) =>
    stream.writeSSE({
      data: JSON.stringify({
        ...envelope(head, 'chat.completion.chunk'),
        choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
        // Undefined leaves the key out: chunks carry `usage: null` only when usage was asked for.
        usage: includeUsage ? null : undefined,
        ...extra,
      }),
    });
  let roleSent = false;
  const role = () => {
    const delta = roleSent ? {} : { role: 'assistant', content: '' };
    roleSent = true;
    return delta;
  };
  const input = toChatInput(body, signal);
  const budget = createTokenBudget(input.options?.maxTokens);
  await relayChatEvents(chatAgent.answer(input), signal, {
    evidence: (evidence) => chunk(role(), null, { evidence: evidence satisfies EvidenceItem[] }),
    async delta(text) {
      const piece = budget.take(text);
      if (piece === '') return;
      if (!roleSent) await chunk(role(), null);
      await chunk({ content: piece }, null);
    },
    async end(ended) {
      const answer = settleAnswer(ended, input, budget.text, budget.cut);
      for (const delta of toolCallDeltas(answer.toolCalls ?? [])) await chunk(delta, null);
      await chunk(role(), openAiFinishReason(answer), answerGrounding(answer));
      if (includeUsage)
        await stream.writeSSE({
          data: JSON.stringify({
            ...envelope(head, 'chat.completion.chunk'),
            choices: [],
            usage: toOpenAiUsage(answer),
          }),
        });
      await stream.writeSSE({ data: '[DONE]' });
    },
  });
}

function toChatInput(body: ChatCompletionRequest, signal: AbortSignal): ChatInput {
  const options: ChatOptions = {
    maxTokens: body.max_completion_tokens ?? body.max_tokens ?? undefined,
    temperature: body.temperature ?? undefined,
    topK: body.evidence_limit,
  };
  return {
    messages: body.messages.map(toChatMessage),
    attachments: body.attachments,
    // Absent rather than all-undefined, as the agent has always been handed it.
    options: Object.values(options).some((value) => value !== undefined) ? options : undefined,
    tools: toClientTools(body.tools),
    toolChoice: toClientToolChoice(body.tool_choice),
    signal,
  };
}

function toChatMessage(message: ChatCompletionRequest['messages'][number]): ChatMessage {
  const content = textOf(message.content);
  switch (message.role) {
    case 'developer':
      return { role: 'system', content };
    case 'assistant':
      return {
        role: 'assistant',
        content,
        toolCalls: message.tool_calls?.map((call) => ({
          id: call.id,
          name: call.function.name,
          arguments: call.function.arguments,
        })),
      };
    case 'tool':
      return { role: 'tool', content, toolCallId: message.tool_call_id };
    default:
      return { role: message.role, content };
  }
}

function textOf(content: string | { text: string }[] | null | undefined): string {
  if (content === null || content === undefined) return '';
  return typeof content === 'string' ? content : content.map((part) => part.text).join('\n');
}

function openAiFinishReason(answer: ChatAnswer): 'stop' | 'length' | 'tool_calls' {
  if (answer.toolCalls && answer.toolCalls.length > 0) return 'tool_calls';
  return answer.finishReason === 'length' ? 'length' : 'stop';
}

/** Cuts the answer at `max_tokens` (estimated) and counts usage: a non-streaming answer. */
function fitAnswer(answer: ChatAnswer, input: ChatInput): ChatAnswer {
  const budget = createTokenBudget(input.options?.maxTokens);
  const text = budget.take(answer.text);
  return settleAnswer(answer, input, text, budget.cut);
}

/**
 * The answer as sent: `text` is what went out, `finish_reason` is `length` when `max_tokens` cut
 * it, and usage is counted even without an LLM (estimated from the messages and the text sent).
 */
function settleAnswer(answer: ChatAnswer, input: ChatInput, text: string, cut: boolean): ChatAnswer {
  const counted = answer.usage.promptTokens > 0 || answer.usage.completionTokens > 0;
  const completionTokens = estimateTokens(text);
  return {
    ...answer,
    text,
    usage: counted
      ? {
          ...answer.usage,
          completionTokens: cut
            ? Math.min(answer.usage.completionTokens, completionTokens)
            : answer.usage.completionTokens,
        }
      : { promptTokens: estimateMessageTokens(input.messages), completionTokens },
    finishReason: cut ? 'length' : answer.finishReason,
  };
}

/** Passes text until `maxTokens` (estimated) is reached; `cut` says whether anything was held back. */
function createTokenBudget(maxTokens: number | undefined) {
  let text = '';
  let cut = false;
  return {
    get text() {
      return text;
    },
    get cut() {
      return cut;
    },
    take(piece: string): string {
      if (cut || maxTokens === undefined) {
        if (!cut) text += piece;
        return cut ? '' : piece;
      }
      if (estimateTokens(text + piece) <= maxTokens) {
        text += piece;
        return piece;
      }
      cut = true;
      let low = 0;
      let high = piece.length;
      while (low < high) {
        const middle = Math.ceil((low + high) / 2);
        if (estimateTokens(text + piece.slice(0, middle)) <= maxTokens) low = middle;
        else high = middle - 1;
      }
      const fitting = piece.slice(0, low);
      text += fitting;
      return fitting;
    },
  };
}

function toOpenAiUsage(answer: ChatAnswer) {
  return {
    prompt_tokens: answer.usage.promptTokens,
    completion_tokens: answer.usage.completionTokens,
    total_tokens: answer.usage.promptTokens + answer.usage.completionTokens,
  };
}
