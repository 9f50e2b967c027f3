import { randomUUID } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { Logger } from '../../util/logger.js';
import type { AppEnv } from '../app-env.js';

export interface RequestContextOptions {
  logger: Logger;
  /** Default `req_<uuid>`. */
  generateId?: () => string;
  headerName?: string;
}

/** Ids a client may choose: short, and safe to echo into headers and logs. */
const acceptableRequestId = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Sets `requestId` (the client's `x-request-id` when it is sane, else a new one), echoes it in the
 * response header, binds it to `logger`, and exposes the request's abort signal as `signal`.
 */
export function requestContext(options: RequestContextOptions): MiddlewareHandler<AppEnv> {
  const generateId = options.generateId ?? (() => `req_${randomUUID()}`);
  const headerName = options.headerName ?? 'x-request-id';
  return async function requestContext(c, next) {
    const incoming = c.req.header(headerName);
    const requestId = incoming !== undefined && acceptableRequestId.test(incoming) ? incoming : generateId();
    c.set('requestId', requestId);
    c.set('logger', options.logger.child({ requestId }));
    c.set('signal', c.req.raw.signal);
    // Without a token everyone is trusted; bearerAuth, when installed, decides otherwise.
    c.set('authenticated', true);
    c.header(headerName, requestId);
    await next();
  };
}
