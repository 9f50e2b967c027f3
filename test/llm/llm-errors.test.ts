import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  AuthenticationError,
  BadRequestError,
  InternalServerError,
  PermissionDeniedError,
  RateLimitError,
} from 'openai';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.js';
import { retryAfterSecondsOf, toLlmError, type LlmErrorContext } from '../../src/llm/llm-errors.js';

const context: LlmErrorContext = {
  baseUrl: 'http://llm.local/v1',
  model: 'm',
  timeoutMs: 1_000,
  phase: 'request',
};
const body = (message: string) => ({ message, type: 'x', code: null, param: null });

describe('toLlmError', () => {
  it.each([
    [new AuthenticationError(401, body('bad key sk-1***'), undefined, new Headers()), 'UPSTREAM', false],
    [new PermissionDeniedError(403, body('no'), undefined, new Headers()), 'UPSTREAM', false],
    [new RateLimitError(429, body('slow'), undefined, new Headers()), 'RATE_LIMITED', true],
    [new InternalServerError(502, body('bad gateway'), undefined, new Headers()), 'UPSTREAM', true],
    [new BadRequestError(400, body('context length exceeded'), undefined, new Headers()), 'UPSTREAM', false],
    [new APIConnectionTimeoutError(), 'TIMEOUT', true],
    [new APIConnectionError({ message: 'Connection error.' }), 'UNAVAILABLE', true],
  ] as const)('%s → %s (retryable %s)', (error, code, retryable) => {
    const mapped = toLlmError(error, context);
    expect(mapped.code).toBe(code);
    expect(mapped.retryable).toBe(retryable);
    expect(mapped.cause).toBe(error);
  });

  it('names the setting to fix for auth failures, and a renamed setting when given', () => {
    const error = new AuthenticationError(401, body('bad'), undefined, new Headers());
    expect(toLlmError(error, context).message).toBe(
      'LLM at http://llm.local/v1 rejected the API key (HTTP 401); check OPENAI_API_KEY',
    );
    expect(toLlmError(error, { ...context, settings: { apiKey: 'BIOBRIDGE_LLM_KEY' } }).message).toContain(
      'BIOBRIDGE_LLM_KEY',
    );
  });

  it('passes upstream text through for 400s', () => {
    const error = new BadRequestError(
      400,
      body("This model's maximum context length is 8192 tokens"),
      undefined,
      new Headers(),
    );
    expect(toLlmError(error, context).message).toBe(
      "LLM at http://llm.local/v1 refused the request (HTTP 400): This model's maximum context length is 8192 tokens",
    );
  });

  it('finds ECONNREFUSED in the cause chain', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    const error = new APIConnectionError({
      message: 'Connection error.',
      cause: new TypeError('fetch failed', { cause: refused }),
    });
    const mapped = toLlmError(error, context);
    expect(mapped.message).toBe(
      'cannot reach LLM at http://llm.local/v1 (connection refused); check OPENAI_BASE_URL and that the server is running',
    );
    expect(mapped.details).toEqual({ systemCode: 'ECONNREFUSED' });
  });

  it('maps an error frame inside a stream (no status)', () => {
    const error = new APIError(undefined, { message: 'overloaded' }, undefined, undefined);
    const mapped = toLlmError(error, { ...context, phase: 'stream' });
    expect(mapped.code).toBe('UPSTREAM');
    expect(mapped.message).toBe('LLM at http://llm.local/v1 reported an error mid-stream: overloaded');
  });

  it('maps bad JSON and dropped sockets during a stream', () => {
    expect(
      toLlmError(new SyntaxError('Unexpected token'), { ...context, phase: 'stream' }).message,
    ).toContain('malformed stream chunk');
    const dropped = toLlmError(new TypeError('terminated'), { ...context, phase: 'stream' });
    expect([dropped.code, dropped.retryable]).toEqual(['UPSTREAM', true]);
  });

  it('returns AppErrors unchanged and wraps unknown values', () => {
    const own = new AppError({ code: 'TIMEOUT', message: 'x' });
    expect(toLlmError(own, context)).toBe(own);
    const wrapped = toLlmError('weird', context);
    expect([wrapped.code, wrapped.cause]).toEqual(['UPSTREAM', 'weird']);
  });
});

describe('retryAfterSecondsOf', () => {
  it('reads retry-after-ms, seconds and HTTP dates', () => {
    expect(retryAfterSecondsOf(new Headers({ 'retry-after-ms': '1500' }))).toBe(2);
    expect(retryAfterSecondsOf(new Headers({ 'retry-after': '3' }))).toBe(3);
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(retryAfterSecondsOf(new Headers({ 'retry-after': 'Wed, 01 Jan 2025 00:00:10 GMT' }), now)).toBe(
      10,
    );
    expect(retryAfterSecondsOf(new Headers({ 'retry-after': 'soon' }))).toBeUndefined();
    expect(retryAfterSecondsOf(new Headers())).toBeUndefined();
  });
});
