import type { Logger } from '../util/logger.js';

/** Per-request values every handler can read with `c.var`. */
export interface AppVariables {
  requestId: string;
  /** The service logger with `requestId` bound. */
  logger: Logger;
  /** Aborts when the client disconnects or the request deadline passes; pass it to upstream calls. */
  signal: AbortSignal;
  /** True when the service needs no token or the request carried the right one (also on public paths). */
  authenticated: boolean;
}

export interface AppEnv {
  Variables: AppVariables;
}
