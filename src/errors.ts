import { z } from 'zod';

/** Every failure the service can report. HTTP status comes from {@link statusForCode} only. */
export const errorCodeSchema = z.enum([
  'BAD_REQUEST',
  'UNAUTHORIZED',
  'NOT_FOUND',
  'PAYLOAD_TOO_LARGE',
  'UNPROCESSABLE',
  'RATE_LIMITED',
  'TIMEOUT',
  'UNAVAILABLE',
  'UPSTREAM',
  'INVALID_INPUT_FILE',
  'INVALID_INDEX',
  'INVALID_CONFIG',
  'INTERNAL',
]);
export type ErrorCode = z.infer<typeof errorCodeSchema>;

export function statusForCode(code: ErrorCode): number {
  switch (code) {
    case 'BAD_REQUEST':
      return 400;
    case 'UNAUTHORIZED':
      return 401;
    case 'NOT_FOUND':
      return 404;
    case 'PAYLOAD_TOO_LARGE':
      return 413;
    case 'UNPROCESSABLE':
      return 422;
    case 'RATE_LIMITED':
      return 429;
    case 'TIMEOUT':
      return 504;
    case 'UNAVAILABLE':
      return 503;
    case 'UPSTREAM':
      return 502;
    case 'INVALID_INPUT_FILE':
    case 'INVALID_INDEX':
    case 'INVALID_CONFIG':
    case 'INTERNAL':
      return 500;
  }
}

export interface AppErrorOptions {
  code: ErrorCode;
  message: string;
  cause?: unknown;
  /** Structured facts for the caller (field, file, line…); safe to show to clients. */
  details?: Record<string, unknown> | undefined;
  retryable?: boolean | undefined;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;
  readonly retryable: boolean;

  constructor(options: AppErrorOptions) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = options.code;
    this.details = options.details;
    this.retryable = options.retryable ?? false;
  }

  get status(): number {
    return statusForCode(this.code);
  }
}

export const isAppError = (value: unknown): value is AppError => value instanceof AppError;

/** Expected outcomes (an invalid SMILES, a missing payload) are values, not exceptions. */
export type Result<V, E = AppError> = { ok: true; value: V } | { ok: false; error: E };

export const ok = <V>(value: V): { ok: true; value: V } => ({ ok: true, value });
export const err = <E>(error: E): { ok: false; error: E } => ({ ok: false, error });

/** Narrow message for an unknown thrown value, for logs and wrapped errors. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
