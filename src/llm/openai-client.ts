import OpenAI, { APIError } from 'openai';
import { z } from 'zod';
import { AppError } from '../errors.js';
import { definedFields } from '../util/defined-fields.js';
import { noopLogger, type Logger } from '../util/logger.js';
import type {
  LlmClient,
  LlmCompletion,
  LlmFinishReason,
  LlmMessage,
  LlmProbeResult,
  LlmRequest,
  LlmStreamEvent,
  LlmUsage,
} from './llm-client.js';
import {
  defaultLlmSettingNames,
  toLlmError,
  type LlmErrorContext,
  type LlmSettingNames,
} from './llm-errors.js';
import { estimateMessageTokens, estimateTokens } from './prompt-budget.js';

export interface OpenAiLlmOptions {
  /** An OpenAI-compatible endpoint including the version segment, e.g. `http://127.0.0.1:8000/v1`. */
  baseUrl: string;
  model: string;
  /**
   * Read on the first request rather than at construction, so a server without a key still starts
   * (answers fall back to evidence) and the failing request names the setting to fix. A function
   * is re-read until it returns a key.
   */
  apiKey?: string | (() => string | undefined) | undefined;
  /**
   * Milliseconds to wait for response headers, and the longest silence allowed between stream
   * chunks. The SDK retries timeouts, so a call can take up to `(maxRetries + 1) × timeoutMs`.
   * Default 60 000.
   */
  timeoutMs?: number;
  /** Retries on connection errors, 408, 409, 429 and 5xx with exponential backoff (0.5 s doubling, max 8 s, honours `retry-after`). Default 2. */
  maxRetries?: number;
  /** Timeout for `probe()` (health checks), which never retries. Default 3 000. */
  probeTimeoutMs?: number;
  fetch?: typeof globalThis.fetch;
  logger?: Logger;
  /** Setting names quoted in error messages; defaults to `OPENAI_API_KEY`, `OPENAI_BASE_URL`, `OPENAI_MODEL`. */
  settings?: Partial<LlmSettingNames>;
}

export const defaultLlmTimeoutMs = 60_000;
export const defaultLlmMaxRetries = 2;

const usageSchema = z.object({
  prompt_tokens: z.number().int().min(0),
  completion_tokens: z.number().int().min(0),
});

const toolCallSchema = z.object({
  id: z.string(),
  type: z.literal('function').optional(),
  function: z.object({ name: z.string(), arguments: z.string().default('') }),
});

const completionSchema = z.object({
  choices: z
    .array(
      z.object({
        message: z.object({ content: z.string().nullish(), tool_calls: z.array(toolCallSchema).nullish() }),
        finish_reason: z.string().nullish(),
      }),
    )
    .min(1),
  usage: usageSchema.nullish(),
});

const chunkSchema = z.object({
  choices: z.array(
    z.object({
      delta: z.object({ content: z.string().nullish() }).nullish(),
      finish_reason: z.string().nullish(),
    }),
  ),
  usage: usageSchema.nullish(),
});

/** {@link LlmClient} over the `openai` SDK, for OpenAI and compatible servers (vLLM, llama.cpp, Ollama…). */
export function createOpenAiLlmClient(options: OpenAiLlmOptions): LlmClient {
  const connection = openConnection(options);
  return {
    model: options.model,
    complete: (request) => complete(connection, request),
    stream: (request) => stream(connection, request),
    probe: (signal) => probe(connection, signal),
  };
}

/** What every call needs: the options with their defaults, and the SDK client made on first use. */
interface Connection {
  readonly options: OpenAiLlmOptions;
  readonly timeoutMs: number;
  readonly client: () => OpenAI;
  readonly context: (phase: LlmErrorContext['phase']) => LlmErrorContext;
}

function openConnection(options: OpenAiLlmOptions): Connection {
  const settings = { ...defaultLlmSettingNames, ...options.settings };
  const timeoutMs = options.timeoutMs ?? defaultLlmTimeoutMs;
  const maxRetries = options.maxRetries ?? defaultLlmMaxRetries;
  const logger = options.logger ?? noopLogger;
  let client: OpenAI | undefined;
  const getClient = (): OpenAI => {
    if (client) return client;
    const apiKey = typeof options.apiKey === 'function' ? options.apiKey() : options.apiKey;
    if (!apiKey) {
      throw new AppError({
        code: 'UNAVAILABLE',
        message: `the LLM API key is missing: set ${settings.apiKey} (any non-empty value works for local servers that do not check it)`,
        details: { setting: settings.apiKey },
      });
    }
    client = new OpenAI({
      baseURL: options.baseUrl,
      apiKey,
      // Explicit nulls stop the SDK from reading OPENAI_ORG_ID / OPENAI_PROJECT_ID itself.
      organization: null,
      project: null,
      timeout: timeoutMs,
      maxRetries,
      fetch: options.fetch,
      logLevel: 'info',
      logger: sdkLogger(logger),
    });
    return client;
  };
  return {
    options,
    timeoutMs,
    client: getClient,
    context: (phase) => ({ baseUrl: options.baseUrl, model: options.model, timeoutMs, phase, settings }),
  };
}

/** A caller's abort wins over whatever error the SDK raised for it. */
function failure(
  connection: Connection,
  error: unknown,
  signal: AbortSignal | undefined,
  phase: LlmErrorContext['phase'],
): unknown {
  if (signal?.aborted) return abortReason(signal);
  return toLlmError(error, connection.context(phase));
}

function requestBody(connection: Connection, request: LlmRequest) {
  return {
    model: connection.options.model,
    messages: request.messages.map(toOpenAiMessage),
    // The SDK types these `?: number | null`: absent when the request leaves them unset.
    ...definedFields({ max_tokens: request.maxTokens, temperature: request.temperature }),
    ...toOpenAiTools(request),
  };
}

function estimateUsage(request: LlmRequest, text: string): LlmUsage {
  return {
    promptTokens: estimateMessageTokens(request.messages),
    completionTokens: estimateTokens(text),
  };
}

async function complete(connection: Connection, request: LlmRequest): Promise<LlmCompletion> {
  if (request.signal?.aborted) throw abortReason(request.signal);
  let response: unknown;
  try {
    response = await connection
      .client()
      .chat.completions.create(
        { ...requestBody(connection, request), stream: false },
        { signal: request.signal },
      );
  } catch (error) {
    throw failure(connection, error, request.signal, 'request');
  }
  const parsed = completionSchema.safeParse(response);
  if (!parsed.success) {
    throw new AppError({
      code: 'UPSTREAM',
      message: `LLM at ${connection.options.baseUrl} returned an unexpected completion: ${z.prettifyError(parsed.error)}`,
      cause: parsed.error,
    });
  }
  const choice = parsed.data.choices[0] as (typeof parsed.data.choices)[number];
  const text = choice.message.content ?? '';
  const usage = parsed.data.usage;
  const toolCalls = (choice.message.tool_calls ?? []).map((call) => ({
    id: call.id,
    name: call.function.name,
    arguments: call.function.arguments,
  }));
  return {
    text,
    usage: usage
      ? { promptTokens: usage.prompt_tokens, completionTokens: usage.completion_tokens }
      : estimateUsage(request, text),
    finishReason: toFinishReason(choice.finish_reason),
    toolCalls: toolCalls.length > 0 ? toolCalls : undefined,
  };
}

async function* stream(connection: Connection, request: LlmRequest): AsyncGenerator<LlmStreamEvent> {
  if (request.signal?.aborted) throw abortReason(request.signal);
  const { baseUrl } = connection.options;
  // The SDK's timeout stops once headers arrive; this one catches a stream that goes silent.
  const idle = idleTimer(connection);
  const signal = request.signal ? AbortSignal.any([request.signal, idle.signal]) : idle.signal;
  let upstream: AsyncIterable<unknown>;
  try {
    upstream = await connection
      .client()
      .chat.completions.create(
        { ...requestBody(connection, request), stream: true, stream_options: { include_usage: true } },
        { signal },
      );
  } catch (error) {
    throw failure(connection, error, request.signal, 'request');
  }

  let text = '';
  let finishReason: LlmFinishReason | undefined;
  let usage: LlmUsage | undefined;
  idle.reset();
  try {
    for await (const chunk of upstream) {
      idle.reset();
      const parsed = parseChunk(baseUrl, chunk);
      if (parsed.usage) usage = parsed.usage;
      if (parsed.finishReason) finishReason = parsed.finishReason;
      if (parsed.delta) {
        text += parsed.delta;
        yield { type: 'text-delta', text: parsed.delta };
      }
    }
  } catch (error) {
    if (idle.signal.aborted && !request.signal?.aborted) throw abortReason(idle.signal);
    throw failure(connection, error, request.signal, 'stream');
  } finally {
    idle.stop();
  }
  // The SDK ends iteration quietly when its signal aborts, so check both signals here.
  if (request.signal?.aborted) throw abortReason(request.signal);
  if (idle.signal.aborted) throw abortReason(idle.signal);
  if (finishReason === undefined) {
    throw new AppError({
      code: 'UPSTREAM',
      message: `LLM stream from ${baseUrl} ended before a finish_reason (connection closed early?)`,
      retryable: true,
    });
  }
  yield { type: 'finish', usage: usage ?? estimateUsage(request, text), finishReason };
}

/** Aborts its signal when `reset()` is not called again within the connection's timeout. */
function idleTimer(connection: Connection) {
  const idle = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const stop = () => clearTimeout(timer);
  const reset = () => {
    stop();
    timer = setTimeout(
      () =>
        idle.abort(
          new AppError({
            code: 'TIMEOUT',
            message: `LLM at ${connection.options.baseUrl} sent nothing for ${connection.timeoutMs} ms mid-stream`,
            retryable: true,
          }),
        ),
      connection.timeoutMs,
    );
  };
  return { signal: idle.signal, reset, stop };
}

/** One stream chunk's usage, finish reason and text delta; a malformed chunk is a retryable upstream error. */
function parseChunk(
  baseUrl: string,
  chunk: unknown,
): { usage?: LlmUsage | undefined; finishReason?: LlmFinishReason | undefined; delta?: string | undefined } {
  const parsed = chunkSchema.safeParse(chunk);
  if (!parsed.success) {
    throw new AppError({
      code: 'UPSTREAM',
      message: `LLM at ${baseUrl} sent a malformed stream chunk: ${z.prettifyError(parsed.error)}`,
      cause: parsed.error,
      retryable: true,
    });
  }
  const { usage } = parsed.data;
  const choice = parsed.data.choices[0];
  return {
    usage: usage
      ? { promptTokens: usage.prompt_tokens, completionTokens: usage.completion_tokens }
      : undefined,
    finishReason: choice?.finish_reason ? toFinishReason(choice.finish_reason) : undefined,
    delta: choice?.delta?.content ?? undefined,
  };
}

async function probe(connection: Connection, signal?: AbortSignal): Promise<LlmProbeResult> {
  const { model } = connection.options;
  try {
    const page = await connection
      .client()
      .models.list({ timeout: connection.options.probeTimeoutMs ?? 3_000, maxRetries: 0, signal });
    const listed = page.data.some((each) => each.id === model);
    return {
      state: 'reachable',
      detail: listed ? `model ${model} is available` : `reachable, but model ${model} is not listed`,
    };
  } catch (error) {
    if (
      error instanceof APIError &&
      error.status !== undefined &&
      error.status !== 401 &&
      error.status !== 403
    ) {
      // The server answered; a missing /models route says nothing about chat completions.
      return { state: 'reachable', detail: `reachable (GET /models answered HTTP ${error.status})` };
    }
    const mapped = toLlmError(error, connection.context('request'));
    return { state: 'unreachable', detail: mapped.message };
  }
}

function toFinishReason(reason: string | null | undefined): LlmFinishReason {
  switch (reason) {
    case 'stop':
    case null:
    case undefined:
      return 'stop';
    case 'length':
      return 'length';
    case 'content_filter':
      return 'content-filter';
    case 'tool_calls':
    case 'function_call':
      return 'tool-calls';
    default:
      return 'other';
  }
}

type OpenAiMessage = OpenAI.Chat.Completions.ChatCompletionMessageParam;

/** Our message as the SDK's: assistant tool calls and tool results keep their ids. */
function toOpenAiMessage(message: LlmMessage): OpenAiMessage {
  switch (message.role) {
    case 'tool':
      return { role: 'tool', content: message.content, tool_call_id: message.toolCallId ?? '' };
    case 'assistant':
      return message.toolCalls && message.toolCalls.length > 0
        ? {
            role: 'assistant',
            content: message.content === '' ? null : message.content,
            tool_calls: message.toolCalls.map((call) => ({
              id: call.id,
              type: 'function' as const,
              function: { name: call.name, arguments: call.arguments },
            })),
          }
        : { role: 'assistant', content: message.content };
    default:
      return { role: message.role, content: message.content };
  }
}

/** `tools` and `tool_choice` in the SDK's shape; nothing when the request offers no tools. */
function toOpenAiTools(request: LlmRequest) {
  if (!request.tools || request.tools.length === 0) return {};
  const choice = request.toolChoice;
  return {
    tools: request.tools.map((tool) => ({
      type: 'function' as const,
      // `description?: string` in the SDK's types: absent when the tool has none.
      function: {
        name: tool.name,
        parameters: tool.parameters,
        ...definedFields({ description: tool.description }),
      },
    })),
    // The SDK types `tool_choice?:` without `| undefined`: absent when the request leaves it unset.
    ...definedFields({
      tool_choice:
        choice === undefined || typeof choice === 'string'
          ? choice
          : { type: 'function' as const, function: { name: choice.name } },
    }),
  };
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The operation was aborted.', 'AbortError');
}

/** Routes the SDK's console logging into ours; its `debug` output (request bodies) is dropped. */
function sdkLogger(logger: Logger) {
  const fields = (rest: unknown[]) => (rest.length > 0 ? { details: rest } : undefined);
  return {
    error: (message: string, ...rest: unknown[]) => logger.warn(`openai: ${message}`, fields(rest)),
    warn: (message: string, ...rest: unknown[]) => logger.warn(`openai: ${message}`, fields(rest)),
    info: (message: string) => logger.debug(`openai: ${message}`),
    debug: () => {},
  };
}
