import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../app-env.js';

/**
 * One log line a request: method, path (no query string, which may carry secrets), status,
 * duration and request id. Never headers or bodies. For streams the duration is time to headers.
 */
export function requestLogger(options: { now?: () => number } = {}): MiddlewareHandler<AppEnv> {
  const now = options.now ?? (() => performance.now());
  return async function requestLogger(c, next) {
    const started = now();
    await next();
    c.var.logger.info('request', {
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      durationMs: Math.round((now() - started) * 10) / 10,
    });
  };
}
