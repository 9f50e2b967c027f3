import type { Logger } from '../util/logger.js';

/** Per-request values every handler can read with `c.var`. */
export interface AppVariables {
  requestId: string;
  /** The service logger with `requestId` bound. */
  logger: Logger;
  /** Aborts when the client disconnects or the request deadline passes; pass it to upstream calls. */
  signal: AbortSignal;
}

export interface AppEnv {
  Variables: AppVariables;
}
