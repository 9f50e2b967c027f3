import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { z } from 'zod';
import { AppError, errorCodeSchema, statusForCode, type ErrorCode } from '../errors.js';
import { noopLogger, type Logger } from '../util/logger.js';
import type { AppEnv } from './app-env.js';

/** The one error body the service sends, for JSON responses and SSE `error` frames alike. */
export const errorBodySchema = z
  .object({
    error: z.object({
      code: errorCodeSchema,
      message: z.string(),
      /** OpenAI's error class (`invalid_request_error`, `authentication_error`, `rate_limit_error`, `server_error`), so OpenAI SDKs read our errors too. */
      type: z.string().optional(),
      /** The request field at fault (`messages[0].content`, `model`), or null. */
      param: z.string().nullable().optional(),
      details: z.record(z.string(), z.unknown()).optional(),
      requestId: z.string(),
    }),
  })
  .describe('Every error response and SSE error frame.');
export type ErrorBody = z.infer<typeof errorBodySchema>;

export interface ErrorResponse {
  status: number;
  body: ErrorBody;
  headers: Record<string, string>;
}

const genericInternalMessage = 'internal server error; quote the request id when reporting it';

/**
 * Turns anything thrown into the status, body and headers to send. Three branches: our
 * `AppError`, Hono's `HTTPException`, and unknown errors (500 with a generic message: the stack
 * and the original message only go to the log).
 */
export function toErrorResponse(error: unknown, requestId: string): ErrorResponse {
  if (error instanceof AppError) {
    const headers: Record<string, string> = {};
    const retryAfter = error.details?.['retryAfterSeconds'];
    if (typeof retryAfter === 'number' && Number.isFinite(retryAfter))
      headers['retry-after'] = String(Math.max(0, Math.ceil(retryAfter)));
    if (error.code === 'UNAUTHORIZED') headers['www-authenticate'] = 'Bearer';
    return {
      status: statusForCode(error.code),
      body: {
        error: {
          code: error.code,
          message: error.message,
          // Undefined leaves `details` out of the JSON body.
          details: error.details,
          requestId,
        },
      },
      headers,
    };
  }
  if (error instanceof HTTPException) {
    const code = codeForStatus(error.status);
    return {
      status: error.status,
      body: {
        error: {
          code,
          message: error.message || defaultMessageForCode(code),
          requestId,
        },
      },
      headers: error.status === 401 ? { 'www-authenticate': 'Bearer' } : {},
    };
  }
  return {
    status: 500,
    body: { error: { code: 'INTERNAL', message: genericInternalMessage, requestId } },
    headers: {},
  };
}

/**
 * The error body with OpenAI's `type` and `param` added, for the OpenAI-compatible face: OpenAI
 * SDKs read `{message, type, param, code}`.
 */
export function withOpenAiErrorFields(body: ErrorBody, status: number, error: unknown): ErrorBody {
  const details = error instanceof AppError ? error.details : undefined;
  return { error: { ...body.error, type: openAiErrorType(status), param: paramOf(details) } };
}

/** Paths of the OpenAI-compatible face, whose errors carry OpenAI's fields. */
const openAiPaths = /^\/v1\/(chat\/completions|models)(\/|$)/;

/** OpenAI's `error.type` for a status. */
export function openAiErrorType(status: number): string {
  if (status === 401 || status === 403) return 'authentication_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

/** The field at fault, as OpenAI's `param`: the first validation problem's path without `body.`. */
function paramOf(details: Record<string, unknown> | undefined): string | null {
  if (!details) return null;
  const problems = details['problems'];
  const first: unknown = Array.isArray(problems) ? problems[0] : undefined;
  const path = typeof first === 'object' && first !== null ? (first as { path?: unknown }).path : undefined;
  if (typeof path === 'string') return path.replace(/^(body|query|path)\.?/, '') || null;
  for (const key of ['field', 'param', 'setting']) if (typeof details[key] === 'string') return details[key];
  if (typeof details['model'] === 'string') return 'model';
  return null;
}

/** The nearest code for a status set by Hono or its middleware. */
export function codeForStatus(status: number): ErrorCode {
  switch (status) {
    case 400:
      return 'BAD_REQUEST';
    case 401:
    case 403:
      return 'UNAUTHORIZED';
    case 404:
    case 405:
      return 'NOT_FOUND';
    case 413:
      return 'PAYLOAD_TOO_LARGE';
    case 422:
      return 'UNPROCESSABLE';
    case 429:
      return 'RATE_LIMITED';
    case 502:
      return 'UPSTREAM';
    case 503:
      return 'UNAVAILABLE';
    case 504:
      return 'TIMEOUT';
    default:
      return status >= 400 && status < 500 ? 'BAD_REQUEST' : 'INTERNAL';
  }
}

function defaultMessageForCode(code: ErrorCode): string {
  return code.toLowerCase().replace(/_/g, ' ');
}

/** Logs by severity: 500s with stack, other 5xx (upstream, busy, timeout) with cause, 4xx briefly. */
export function logError(
  logger: Logger,
  error: unknown,
  response: ErrorResponse,
  context: Record<string, unknown>,
): void {
  const fields = { ...context, status: response.status, code: response.body.error.code };
  const cause =
    error instanceof Error && error.cause !== undefined ? { cause: describeCause(error.cause) } : {};
  if (response.status === 500) {
    logger.error(error instanceof Error ? error.message : 'non-error thrown', {
      ...fields,
      stack: error instanceof Error ? error.stack : String(error),
      ...cause,
    });
  } else if (response.status > 500) {
    logger.warn('request failed', { ...fields, message: response.body.error.message, ...cause });
  } else {
    logger.info('request failed', { ...fields, message: response.body.error.message });
  }
}

function describeCause(cause: unknown): string {
  return cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
}

export function sendError(c: Context<AppEnv>, error: unknown): Response {
  const requestId = c.get('requestId') ?? 'unknown';
  const response = toErrorResponse(error, requestId);
  logError(c.get('logger') ?? noopLogger, error, response, {
    method: c.req.method,
    path: c.req.path,
    requestId,
  });
  // A body we refused unread (413, 401, an early 400) would be parsed as the next request on a
  // kept-alive connection: tell the client to open a new one instead of resetting it under them.
  const body = openAiPaths.test(c.req.path)
    ? withOpenAiErrorFields(response.body, response.status, error)
    : response.body;
  const headers =
    response.status === 413 || requestBodyUnread(c)
      ? { ...response.headers, connection: 'close' }
      : response.headers;
  return c.json(body, response.status as 400, headers);
}

function requestBodyUnread(c: Context<AppEnv>): boolean {
  if (c.req.method === 'GET' || c.req.method === 'HEAD' || c.req.method === 'OPTIONS') return false;
  const declared = c.req.header('content-length');
  const hasBody =
    c.req.header('transfer-encoding') !== undefined ||
    (declared !== undefined ? declared !== '0' : c.req.raw.body !== null);
  return hasBody && !c.req.raw.bodyUsed;
}

export function createErrorHandler(): ErrorHandler<AppEnv> {
  return (error, c) => sendError(c, error);
}

export function createNotFoundHandler(): NotFoundHandler<AppEnv> {
  return (c) =>
    sendError(
      c,
      new AppError({
        code: 'NOT_FOUND',
        message: `no route ${c.req.method} ${c.req.path}; GET /docs lists the API`,
      }),
    );
}
