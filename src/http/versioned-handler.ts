import { noopLogger, type Logger } from '../util/logger.js';

/** One loaded index version's request handler and what it holds open. */
export interface VersionedApp {
  fetch(request: Request): Response | Promise<Response>;
  close(): Promise<void>;
}

export interface VersionedHandlerOptions<App extends VersionedApp> {
  /** The version to serve first, already loaded. */
  initial: { version: string; app: App };
  /** Reads which version should be served now (the index store's CURRENT pointer). */
  currentVersion(signal: AbortSignal): Promise<string | undefined>;
  /** Loads a version in the background; the old one keeps serving until it resolves. */
  load(version: string): Promise<App>;
  pollIntervalMs: number;
  /**
   * A retired version is closed once its last request ends, or after this long whatever is
   * still running (default 10 min: longer than any request may take).
   */
  drainTimeoutMs?: number | undefined;
  /** Called after each switch and each release, e.g. to prune the download cache. */
  onChange?: ((event: VersionEvent) => void) | undefined;
  logger?: Logger | undefined;
}

export type VersionEvent =
  | { kind: 'switched'; from: string; to: string; loadMs: number }
  | { kind: 'released'; version: string; drained: boolean }
  | { kind: 'load-failed'; version: string; error: unknown };

/** The response header naming the index version that answered a request. */
export const INDEX_VERSION_HEADER = 'x-biobridge-index-version';

interface Slot<App> {
  version: string;
  app: App;
  inFlight: number;
  retired: boolean;
  closed: boolean;
  drainTimer?: NodeJS.Timeout | undefined;
}

export interface VersionedHandler<App extends VersionedApp> {
  /** Serves a request on the version current when it arrived, until its response body ends. */
  fetch(request: Request): Promise<Response>;
  readonly version: string;
  readonly app: App;
  /** Versions still open: the current one and retired ones waiting for their requests to end. */
  openVersions(): { version: string; inFlight: number; current: boolean }[];
  /** Checks the pointer now (the poll timer does this every `pollIntervalMs`). */
  poll(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Serves one index version at a time and switches to a newly published one without a restart:
 * the poll loads it beside the running one, then one assignment swaps it in. Each request is
 * pinned to the version it started on — its handler, index and models stay open until its
 * response body has been read to the end or cancelled — and a retired version is closed when its
 * last request ends.
 */
export function createVersionedHandler<App extends VersionedApp>(
  options: VersionedHandlerOptions<App>,
): VersionedHandler<App> {
  const logger = options.logger ?? noopLogger;
  let current: Slot<App> = { ...options.initial, inFlight: 0, retired: false, closed: false };
  const { retired, release, retire, requestEnded } = createRetirement(options, logger);
  const failedAt = new Map<string, number>();
  let loading: Promise<void> | undefined;
  let stopped = false;
  const stopPolling = new AbortController();

  async function switchTo(version: string): Promise<void> {
    const started = performance.now();
    let app: App;
    try {
      app = await options.load(version);
    } catch (error) {
      failedAt.set(version, Date.now());
      logger.error('could not load the new index version; still serving the old one', {
        version,
        serving: current.version,
        error: error instanceof Error ? error.message : String(error),
      });
      options.onChange?.({ kind: 'load-failed', version, error });
      return;
    }
    if (stopped) return void (await app.close());
    const previous = current;
    current = { version, app, inFlight: 0, retired: false, closed: false };
    const loadMs = Math.round(performance.now() - started);
    logger.info('index version switched', { from: previous.version, to: version, loadMs });
    options.onChange?.({ kind: 'switched', from: previous.version, to: version, loadMs });
    retire(previous);
  }

  async function poll(): Promise<void> {
    if (loading || stopped) return loading;
    let wanted: string | undefined;
    try {
      wanted = await options.currentVersion(stopPolling.signal);
    } catch (error) {
      if (!stopped)
        logger.warn('cannot read the index pointer; still serving', {
          serving: current.version,
          error: error instanceof Error ? error.message : String(error),
        });
      return;
    }
    // A version that failed to load is retried after ten polls, not on every one.
    const failed = wanted === undefined ? undefined : failedAt.get(wanted);
    if (wanted === undefined || wanted === current.version) return;
    if (failed !== undefined && Date.now() - failed < options.pollIntervalMs * 10) return;
    loading = switchTo(wanted).finally(() => (loading = undefined));
    return loading;
  }

  let timer: NodeJS.Timeout | undefined;
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => void poll().finally(schedule), options.pollIntervalMs);
    timer.unref();
  };
  schedule();

  return {
    async fetch(request) {
      const slot = current;
      slot.inFlight++;
      let response: Response;
      try {
        response = await slot.app.fetch(request);
      } catch (error) {
        requestEnded(slot);
        throw error;
      }
      return pinUntilBodyEnds(response, slot.version, () => requestEnded(slot));
    },
    get version() {
      return current.version;
    },
    get app() {
      return current.app;
    },
    openVersions() {
      return [current, ...retired].map((slot) => ({
        version: slot.version,
        inFlight: slot.inFlight,
        current: slot === current,
      }));
    },
    poll,
    async close() {
      stopped = true;
      clearTimeout(timer);
      stopPolling.abort();
      await loading;
      for (const slot of [...retired]) await release(slot, false);
      await release(current, true);
    },
  };
}

/**
 * The retired versions and their lifecycle: a retired version closes when its last pinned
 * request ends, or after `drainTimeoutMs` whatever is still running, so a stuck client cannot
 * keep an old index and its models open for ever.
 */
function createRetirement<App extends VersionedApp>(
  options: Pick<VersionedHandlerOptions<App>, 'drainTimeoutMs' | 'onChange'>,
  logger: Logger,
) {
  const drainTimeoutMs = options.drainTimeoutMs ?? 600_000;
  const retired = new Set<Slot<App>>();

  const release = async (slot: Slot<App>, drained: boolean) => {
    if (slot.closed) return;
    slot.closed = true;
    clearTimeout(slot.drainTimer);
    retired.delete(slot);
    await slot.app.close().catch((error: unknown) =>
      logger.warn('closing a retired index version failed', {
        version: slot.version,
        error: String(error),
      }),
    );
    logger.info('index version released', { version: slot.version, drained });
    options.onChange?.({ kind: 'released', version: slot.version, drained });
  };

  const retire = (slot: Slot<App>) => {
    slot.retired = true;
    if (slot.inFlight === 0) return void release(slot, true);
    retired.add(slot);
    slot.drainTimer = setTimeout(() => void release(slot, false), drainTimeoutMs);
    slot.drainTimer.unref();
  };

  const requestEnded = (slot: Slot<App>) => {
    slot.inFlight--;
    if (slot.retired && slot.inFlight === 0) void release(slot, true);
  };

  return { retired, release, retire, requestEnded };
}

/**
 * The same response, tagged with its version, whose body calls `done` once it has been read to
 * the end, failed or been cancelled (a client that went away): only then may the version close.
 */
function pinUntilBodyEnds(response: Response, version: string, done: () => void): Response {
  const headers = new Headers(response.headers);
  headers.set(INDEX_VERSION_HEADER, version);
  const init = { status: response.status, statusText: response.statusText, headers };
  if (!response.body) {
    done();
    return new Response(null, init);
  }
  let finished = false;
  const finish = () => {
    if (finished) return;
    finished = true;
    done();
  };
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const chunk = await reader.read();
        if (chunk.done) {
          controller.close();
          finish();
        } else controller.enqueue(chunk.value);
      } catch (error) {
        controller.error(error);
        finish();
      }
    },
    async cancel(reason) {
      try {
        await reader.cancel(reason);
      } finally {
        finish();
      }
    },
  });
  return new Response(body, init);
}
