import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { AppError } from '../../errors.js';
import type { AppEnv } from '../app-env.js';

export interface BearerAuthOptions {
  token: string;
  /** Paths served without a token: exact, or Hono patterns whose `:name` segments match one path segment. */
  publicPaths?: readonly string[];
}

/** `/ui/:file` → /^\/ui\/[^/]+$/; paths without parameters stay exact strings. */
function compilePublicPaths(paths: readonly string[]): (path: string) => boolean {
  const exact = new Set(paths.filter((path) => !path.includes(':')));
  const patterns = paths
    .filter((path) => path.includes(':'))
    .map(
      (path) =>
        new RegExp(
          `^${path
            .split('/')
            .map((segment) =>
              segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
            )
            .join('/')}$`,
        ),
    );
  return (path) => exact.has(path) || patterns.some((pattern) => pattern.test(path));
}

/** Requires `Authorization: Bearer <token>` on every path not listed in `publicPaths`. */
export function bearerAuth(options: BearerAuthOptions): MiddlewareHandler<AppEnv> {
  const isPublic = compilePublicPaths(options.publicPaths ?? []);
  return async function bearerAuth(c, next) {
    const header = c.req.header('authorization');
    if (isPublic(c.req.path)) {
      // Public paths answer everyone; a valid token there unlocks detail (e.g. /health's).
      const given = header === undefined ? undefined : /^Bearer +(\S+) *$/i.exec(header)?.[1];
      c.set('authenticated', given !== undefined && tokensEqual(given, options.token));
      return next();
    }
    if (header === undefined) {
      throw new AppError({
        code: 'UNAUTHORIZED',
        message: 'missing bearer token: send Authorization: Bearer <token>',
      });
    }
    const match = /^Bearer +(\S+) *$/i.exec(header);
    if (!match || !tokensEqual(match[1] as string, options.token)) {
      throw new AppError({ code: 'UNAUTHORIZED', message: 'invalid bearer token' });
    }
    c.set('authenticated', true);
    await next();
  };
}

/**
 * Constant-time comparison. Both sides are hashed first so the buffers have equal length
 * (`timingSafeEqual` throws otherwise) and the comparison time says nothing about the token length.
 */
export function tokensEqual(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}
