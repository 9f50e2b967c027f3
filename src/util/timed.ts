import type { Logger } from './logger.js';

/**
 * Awaits one start-up stage and logs, at debug level, how long it took and when it finished
 * (`atMs`: milliseconds since the process started), so `LOG_LEVEL=debug biobridge serve` shows the
 * start-up's critical path: the stages that finish last are the ones to shorten.
 */
export async function timed<T>(
  logger: Logger,
  stage: string,
  work: Promise<T> | (() => Promise<T> | T),
): Promise<T> {
  const started = performance.now();
  try {
    return await (typeof work === 'function' ? work() : work);
  } finally {
    const finished = performance.now();
    logger.debug('start-up stage', {
      stage,
      ms: Math.round(finished - started),
      atMs: Math.round(finished),
    });
  }
}
