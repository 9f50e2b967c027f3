import type { MiddlewareHandler } from 'hono';
import { AppError } from '../../errors.js';
import type { AppEnv } from '../app-env.js';

/**
 * Fails the request with 504 `TIMEOUT` when no response is ready within `timeoutMs`, and aborts
 * `c.var.signal` with that error so upstream work (retrieval, LLM calls) stops too.
 *
 * The deadline covers the time to response headers: once a stream has started, it runs until the
 * agent finishes or the client disconnects (the LLM client has its own idle timeout).
 */
export function requestTimeout(options: { timeoutMs: number }): MiddlewareHandler<AppEnv> {
  return async function requestTimeout(c, next) {
    const deadline = new AbortController();
    c.set('signal', AbortSignal.any([c.var.signal ?? c.req.raw.signal, deadline.signal]));
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        // Built only when it fires: an Error captures a stack, which every request would pay for.
        const error = new AppError({
          code: 'TIMEOUT',
          message: `request did not complete within ${options.timeoutMs} ms`,
          details: { timeoutMs: options.timeoutMs },
          retryable: true,
        });
        deadline.abort(error);
        reject(error);
      }, options.timeoutMs);
    });
    try {
      await Promise.race([next(), expired]);
    } finally {
      clearTimeout(timer);
    }
  };
}
