import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  OpenAIError,
} from 'openai';
import { AppError } from '../errors.js';

/** What the mapper needs to write a message that says which setting to fix. */
export interface LlmErrorContext {
  baseUrl: string;
  model: string;
  timeoutMs: number;
  /** `stream` once response headers arrived: failures then come from the event stream. */
  phase: 'request' | 'stream';
  settings?: Partial<LlmSettingNames>;
}

/** Names of the settings that control the LLM, as the operator sets them. */
export interface LlmSettingNames {
  apiKey: string;
  baseUrl: string;
  model: string;
}

export const defaultLlmSettingNames: LlmSettingNames = {
  apiKey: 'OPENAI_API_KEY',
  baseUrl: 'OPENAI_BASE_URL',
  model: 'OPENAI_MODEL',
};

/**
 * The one place that turns an `openai` SDK failure into an `AppError`. Retryability follows the
 * status: 429 and 5xx are retryable, 4xx are not. The SDK error stays in `cause`; messages never
 * echo upstream text for auth failures because providers quote part of the key there.
 */
export function toLlmError(error: unknown, context: LlmErrorContext): AppError {
  if (error instanceof AppError) return error;
  const settings = { ...defaultLlmSettingNames, ...context.settings };
  const where = `LLM at ${context.baseUrl}`;

  if (error instanceof APIConnectionTimeoutError) {
    return new AppError({
      code: 'TIMEOUT',
      message: `${where} did not respond within ${context.timeoutMs} ms`,
      cause: error,
      retryable: true,
    });
  }
  if (error instanceof APIUserAbortError) {
    return new AppError({ code: 'UNAVAILABLE', message: `request to ${where} was aborted`, cause: error });
  }
  if (error instanceof APIConnectionError) {
    const systemCode = findSystemErrorCode(error);
    const reason =
      systemCode === 'ECONNREFUSED'
        ? 'connection refused'
        : systemCode === 'ENOTFOUND' || systemCode === 'EAI_AGAIN'
          ? 'host not found'
          : (systemCode ?? 'connection failed');
    return new AppError({
      code: 'UNAVAILABLE',
      message: `cannot reach ${where} (${reason}); check ${settings.baseUrl} and that the server is running`,
      cause: error,
      details: systemCode === undefined ? {} : { systemCode },
      retryable: true,
    });
  }
  // `instanceof` narrows to APIError<any, any, any>: the SDK's class is generic over its fields.
  // eslint-disable-next-line @typescript-eslint/no-unsafe-argument
  if (error instanceof APIError) return fromStatusError(error, context, settings);
  if (error instanceof SyntaxError) {
    return new AppError({
      code: 'UPSTREAM',
      message: `${where} sent a malformed ${context.phase === 'stream' ? 'stream chunk' : 'response'} (not valid JSON)`,
      cause: error,
      retryable: true,
    });
  }
  if (context.phase === 'stream' && error instanceof TypeError) {
    // undici reports a socket closed mid-body as `TypeError: terminated`.
    return new AppError({
      code: 'UPSTREAM',
      message: `connection to ${where} closed before the stream finished`,
      cause: error,
      retryable: true,
    });
  }
  if (error instanceof OpenAIError) {
    return new AppError({ code: 'UPSTREAM', message: `${where} failed: ${error.message}`, cause: error });
  }
  return new AppError({ code: 'UPSTREAM', message: `request to ${where} failed unexpectedly`, cause: error });
}

function fromStatusError(
  error: InstanceType<typeof APIError>,
  context: LlmErrorContext,
  settings: LlmSettingNames,
): AppError {
  const where = `LLM at ${context.baseUrl}`;
  const status = error.status;
  const details: Record<string, unknown> = status === undefined ? {} : { status };
  if (error.requestID) details['upstreamRequestId'] = error.requestID;
  const upstreamMessage = upstreamMessageOf(error);

  if (status === undefined) {
    // An `{"error": …}` object inside the event stream.
    return new AppError({
      code: 'UPSTREAM',
      message: `${where} reported an error mid-stream: ${upstreamMessage}`,
      cause: error,
      details,
    });
  }
  if (status === 401 || status === 403) {
    return new AppError({
      code: 'UPSTREAM',
      message: `${where} rejected the API key (HTTP ${status}); check ${settings.apiKey}`,
      cause: error,
      details,
      retryable: false,
    });
  }
  if (status === 429) {
    const retryAfterSeconds = retryAfterSecondsOf(error.headers);
    if (retryAfterSeconds !== undefined) details['retryAfterSeconds'] = retryAfterSeconds;
    return new AppError({
      code: 'RATE_LIMITED',
      message: `${where} is rate limiting requests (HTTP 429): ${upstreamMessage}`,
      cause: error,
      details,
      retryable: true,
    });
  }
  if (status === 404) {
    return new AppError({
      code: 'UPSTREAM',
      message: `${where} has no model '${context.model}' or no chat completions endpoint (HTTP 404); check ${settings.model} and ${settings.baseUrl}`,
      cause: error,
      details,
    });
  }
  if (status >= 500) {
    return new AppError({
      code: 'UPSTREAM',
      message: `${where} failed with HTTP ${status}: ${upstreamMessage}`,
      cause: error,
      details,
      retryable: true,
    });
  }
  return new AppError({
    code: 'UPSTREAM',
    message: `${where} refused the request (HTTP ${status}): ${upstreamMessage}`,
    cause: error,
    details,
  });
}

function upstreamMessageOf(error: APIError): string {
  const body = error.error as { message?: unknown } | undefined;
  if (body && typeof body.message === 'string' && body.message.length > 0) return body.message;
  return error.message;
}

/** Seconds from `retry-after-ms` or `retry-after` (seconds or an HTTP date); undefined when absent. */
export function retryAfterSecondsOf(
  headers: Headers | undefined,
  now: number = Date.now(),
): number | undefined {
  if (!headers) return undefined;
  const milliseconds = Number.parseFloat(headers.get('retry-after-ms') ?? '');
  if (Number.isFinite(milliseconds) && milliseconds >= 0) return Math.ceil(milliseconds / 1000);
  const value = headers.get('retry-after');
  if (value === null) return undefined;
  const seconds = Number.parseFloat(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds);
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - now) / 1000));
}

function findSystemErrorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current instanceof Error; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) return code;
    current = current.cause;
  }
  return undefined;
}
