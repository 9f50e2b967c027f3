import { describeError } from '../errors.js';
import { noopLogger, type Logger } from './logger.js';
import { timed } from './timed.js';

export type LoadState = 'waiting' | 'loading' | 'loaded' | 'failed';

/** A part of the service loaded after it starts listening. */
export interface DeferredPart<T> {
  /** The part, loading it now when the queue has not reached it yet. */
  get(): Promise<T>;
  /** The part once loaded; throws before (callers first await `get()` or the queue's `all()`). */
  value(): T;
  readonly state: LoadState;
}

export interface LoadQueue {
  add<T>(name: string, load: () => Promise<T>): DeferredPart<T>;
  /**
   * Loads the parts one after another, in the order they were added, each once no request is
   * running (`idle`) or `maxIdleWaitMs` has passed, so the loading does not slow the first requests.
   */
  start(): void;
  /** Every part, loading those not started yet at once; rejects with the first failure. */
  all(): Promise<void>;
  /** Starts no further part and waits for those loading now (before closing what they open). */
  stop(): Promise<void>;
  states(): Record<string, LoadState>;
}

export interface LoadQueueOptions {
  logger?: Logger | undefined;
  /** Whether no request is being served; default always. */
  idle?: (() => boolean) | undefined;
  /** Longest wait for idleness before the next part loads anyway; default 3 000 ms. */
  maxIdleWaitMs?: number | undefined;
  /**
   * Pause between `start()` and the first background part (default 0): the first requests after
   * start-up come before the warm-up. A request that needs a part loads it at once regardless.
   */
  startDelayMs?: number | undefined;
}

interface QueuedPart {
  name: string;
  state: LoadState;
  begin(): Promise<unknown>;
}

const IDLE_POLL_MS = 10;
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/**
 * Parts of the service that no request may need in its first seconds (the text encoders, the
 * name index, the learned variant model): loaded in the background after start-up, or at once by
 * the first request that needs one. A failure is kept and rethrown to everyone who asks.
 */
export function createLoadQueue(options: LoadQueueOptions = {}): LoadQueue {
  const logger = options.logger ?? noopLogger;
  const idle = options.idle ?? (() => true);
  const maxIdleWaitMs = options.maxIdleWaitMs ?? 3_000;
  const parts: QueuedPart[] = [];
  let started = false;
  let stopped = false;

  const whenIdle = async () => {
    // Let pending connections and requests in before each part's synchronous work.
    await new Promise((done) => setImmediate(done));
    const deadline = performance.now() + maxIdleWaitMs;
    while (!idle() && performance.now() < deadline) await sleep(IDLE_POLL_MS);
  };

  return {
    add<T>(name: string, load: () => Promise<T>): DeferredPart<T> {
      let loading: Promise<T> | undefined;
      let loaded: { value: T } | undefined;
      const part: QueuedPart = {
        name,
        state: 'waiting',
        begin: () => (loading ??= run()),
      };
      const run = async (): Promise<T> => {
        part.state = 'loading';
        try {
          const value = await timed(logger, name, load);
          loaded = { value };
          part.state = 'loaded';
          return value;
        } catch (error) {
          part.state = 'failed';
          logger.error('a part of the service failed to load; requests that need it fail', {
            part: name,
            error: describeError(error),
          });
          throw error;
        }
      };
      parts.push(part);
      return {
        get: () => part.begin() as Promise<T>,
        value: () => {
          if (!loaded) throw new Error(`${name} is not loaded yet (${part.state})`);
          return loaded.value;
        },
        get state() {
          return part.state;
        },
      };
    },

    start() {
      if (started) return;
      started = true;
      void (async () => {
        if (options.startDelayMs) await sleep(options.startDelayMs);
        for (const part of parts) {
          if (part.state !== 'waiting') continue;
          await whenIdle();
          if (stopped) return;
          // A failure is logged by the part and rethrown to whoever needs it.
          await part.begin().catch(() => undefined);
        }
      })();
    },

    async all() {
      await Promise.all(parts.map((part) => part.begin()));
    },

    async stop() {
      stopped = true;
      await Promise.all(
        parts.filter((part) => part.state === 'loading').map((part) => part.begin().catch(() => undefined)),
      );
    },

    states: () => Object.fromEntries(parts.map((part) => [part.name, part.state])),
  };
}
