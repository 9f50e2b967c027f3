import type { Config } from './config/index.js';
import { AppError } from './errors.js';
import type { HealthCheck } from './http/routes/health.js';
import { createVersionedHandler, type VersionedHandler } from './http/versioned-handler.js';
import {
  defaultIndexCacheDirectory,
  fetchIndexVersion,
  lanceLocationOf,
  openIndexObjectStore,
  pruneIndexCache,
  readIndexPointer,
} from './indexing/remote-index.js';
import { createServices, type Services } from './services.js';
import type { Logger } from './util/logger.js';

interface LoadedVersion {
  services: Services;
  fetch(request: Request): Response | Promise<Response>;
  close(): Promise<void>;
}

export interface VersionedServices {
  /** The request handler: each request runs on the version current when it arrived. */
  fetch(request: Request): Promise<Response>;
  /** The services of the version being served now. */
  current(): Services;
  handler: VersionedHandler<LoadedVersion>;
  close(): Promise<void>;
}

/**
 * The composition root for an index in object storage (`BIOBRIDGE_INDEX=s3://bucket/prefix`):
 * loads the version CURRENT names (small files into the local cache, LanceDB tables read in
 * place), then polls CURRENT and switches to each newly published version in the background.
 */
export async function createVersionedServices(config: Config, logger: Logger): Promise<VersionedServices> {
  const location = config.indexPath;
  const store = openIndexObjectStore(location, config.storage);
  const cacheDirectory = config.storage.cacheDirectory ?? defaultIndexCacheDirectory(location);

  const load = async (version: string): Promise<LoadedVersion> => {
    const started = Date.now();
    const fetched = await fetchIndexVersion(store, version, cacheDirectory, { skipLance: true });
    const lance = { ...lanceLocationOf(location, version, config.storage), tableNames: fetched.tableNames };
    let loadMs = 0;
    const versionCheck: HealthCheck = {
      name: 'index-version',
      required: false,
      check: async () => ({
        ok: true,
        state: version,
        detail: `version ${version} of ${store.location}, loaded in ${loadMs} ms`,
      }),
    };
    const services = await createServices(
      { ...config, indexPath: fetched.directory },
      logger.child({ indexVersion: version }),
      { lance, healthChecks: [versionCheck] },
    );
    loadMs = Date.now() - started;
    return { services, fetch: services.app.fetch, close: () => services.close() };
  };

  const pointer = await readIndexPointer(store);
  if (!pointer)
    throw new AppError({
      code: 'INVALID_INDEX',
      message: `no index published at ${store.location} (no CURRENT pointer): publish one with \`biobridge publish <index-dir> --to ${store.location}\``,
    });
  const initial = await load(pointer.version);
  const handler = createVersionedHandler<LoadedVersion>({
    initial: { version: pointer.version, app: initial },
    currentVersion: async (signal) => (await readIndexPointer(store, signal))?.version,
    load,
    pollIntervalMs: config.storage.pollIntervalMs,
    drainTimeoutMs: config.limits.requestTimeoutMs + 5_000,
    logger,
    onChange: (event) => {
      if (event.kind !== 'released') return;
      const inUse = new Set(handler.openVersions().map((open) => open.version));
      void pruneIndexCache(cacheDirectory, inUse).catch((error: unknown) =>
        logger.warn('pruning the index cache failed', { error: String(error) }),
      );
    },
  });
  logger.info('serving a versioned index', {
    location: store.location,
    version: pointer.version,
    pollIntervalMs: config.storage.pollIntervalMs,
  });
  return {
    fetch: (request) => handler.fetch(request),
    current: () => handler.app.services,
    handler,
    close: () => handler.close(),
  };
}
