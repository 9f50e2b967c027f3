import type { Context } from 'hono';
import { streamSSE, type SSEStreamingApi } from 'hono/streaming';
import { AppError } from '../errors.js';
import type { AppEnv } from './app-env.js';
import type { Release } from './concurrency.js';
import { logError, toErrorResponse, type ErrorBody } from './error-handler.js';

export interface EventStreamOptions {
  /** Writes the events; stops when `signal` aborts (client gone). Throwing ends the stream with an error frame. */
  run(stream: SSEStreamingApi, signal: AbortSignal): Promise<void>;
  /** Writes the error body in this API's framing. */
  writeError(stream: SSEStreamingApi, body: ErrorBody): Promise<void>;
  /** Concurrency permit held for the whole stream. */
  release?: Release;
}

/**
 * An SSE response whose work is cancelled when the client disconnects (`stream.onAbort`) or the
 * request signal aborts. Errors after the headers are sent become an error frame built by the
 * shared error handler; the permit is released when the stream ends either way.
 */
export function streamEvents(c: Context<AppEnv>, options: EventStreamOptions): Response {
  return streamSSE(c, async (stream) => {
    const disconnected = new AbortController();
    stream.onAbort(() =>
      disconnected.abort(new AppError({ code: 'UNAVAILABLE', message: 'client disconnected' })),
    );
    const signal = AbortSignal.any([c.var.signal, disconnected.signal]);
    try {
      await options.run(stream, signal);
    } catch (error) {
      if (disconnected.signal.aborted || stream.aborted) {
        c.var.logger.info('client disconnected mid-stream', { path: c.req.path });
        return;
      }
      const response = toErrorResponse(error, c.var.requestId);
      logError(c.var.logger, error, response, { method: c.req.method, path: c.req.path, streaming: true });
      await options.writeError(stream, response.body);
    } finally {
      options.release?.();
    }
  });
}
