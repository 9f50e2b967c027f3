import { AppError } from '../errors.js';

/** Returns the permit; calling it again does nothing. */
export type Release = () => void;

export interface ConcurrencyLimiter {
  /**
   * Waits for a permit. Rejects at once with 503 `UNAVAILABLE` (with `retryAfterSeconds`) when the
   * queue is full, and with `signal.reason` when the signal aborts while waiting.
   */
  acquire(signal?: AbortSignal): Promise<Release>;
  /** Runs `task` under a permit. */
  run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T>;
  readonly active: number;
  readonly queued: number;
}

export interface ConcurrencyLimiterOptions {
  /** Tasks running at once; inference is CPU/GPU bound, so about the number of cores. */
  maxConcurrent: number;
  /** Tasks waiting for a permit before new ones are refused. */
  maxQueued: number;
  /** Sent as `Retry-After` when refusing. Default 1. */
  retryAfterSeconds?: number;
  /** Named in the refusal message, e.g. `model inference`. */
  name?: string;
}

interface Waiter {
  grant: (release: Release) => void;
}

/** A FIFO semaphore with a bounded queue. */
export function createConcurrencyLimiter(options: ConcurrencyLimiterOptions): ConcurrencyLimiter {
  if (!Number.isInteger(options.maxConcurrent) || options.maxConcurrent < 1) {
    throw new AppError({
      code: 'INVALID_CONFIG',
      message: `maxConcurrent must be a positive integer, got ${options.maxConcurrent}`,
    });
  }
  if (!Number.isInteger(options.maxQueued) || options.maxQueued < 0) {
    throw new AppError({
      code: 'INVALID_CONFIG',
      message: `maxQueued must be a non-negative integer, got ${options.maxQueued}`,
    });
  }
  const name = options.name ?? 'inference';
  let active = 0;
  const queue: Waiter[] = [];

  const makeRelease = (): Release => {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = queue.shift();
      // The permit passes straight to the next waiter, so `active` is unchanged.
      if (next) next.grant(makeRelease());
      else active -= 1;
    };
  };

  const acquire = (signal?: AbortSignal): Promise<Release> => {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (active < options.maxConcurrent) {
      active += 1;
      return Promise.resolve(makeRelease());
    }
    if (queue.length >= options.maxQueued) {
      return Promise.reject(
        new AppError({
          code: 'UNAVAILABLE',
          message: `server busy: ${active} ${name} requests running and ${queue.length} queued (limits ${options.maxConcurrent} and ${options.maxQueued}); retry later`,
          details: { retryAfterSeconds: options.retryAfterSeconds ?? 1 },
          retryable: true,
        }),
      );
    }
    return new Promise<Release>((resolve, reject) => {
      const onAbort = () => {
        const index = queue.indexOf(waiter);
        if (index !== -1) queue.splice(index, 1);
        reject(signal?.reason);
      };
      const waiter: Waiter = {
        grant: (release) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(release);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      queue.push(waiter);
    });
  };

  return {
    acquire,
    async run(task, signal) {
      const release = await acquire(signal);
      try {
        return await task();
      } finally {
        release();
      }
    },
    get active() {
      return active;
    },
    get queued() {
      return queue.length;
    },
  };
}
