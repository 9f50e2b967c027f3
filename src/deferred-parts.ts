import type { MiddlewareHandler } from 'hono';
import type { Encoder, Modality } from './encoders/encoder.js';
import { modalitySchema } from './encoders/encoder-description.js';
import { lazyEncoder } from './encoders/lazy-encoder.js';
import type { AppEnv } from './http/app-env.js';
import type { HealthCheck } from './http/routes/health.js';
import type { IndexManifest } from './indexing/manifest.js';
import { type Retriever, wrapRetrieve } from './retrieval/retriever.js';
import type { DeferredPart, LoadQueue } from './util/load-queue.js';

/**
 * Start-up in two steps (README, Speed): the service listens once the index, bridge and retrieval
 * files are open; the encoders, the name entries and the learned variant model load after, in the
 * background (`LoadQueue`). Nothing fails for being early: an encoder loads on its first use, an
 * entity or variant retrieval waits for the name entries and the variant model, and the other
 * routes (chat, linking, lookup, molecules, UI) wait until every part has loaded.
 */

/** Background order: the encoders SMILES and sequence queries need first. */
const MODALITY_ORDER: readonly Modality[] = ['molecule', 'protein', 'text', 'variant'];

/**
 * The index's encoders by node type, each loaded through `loading` (on first use at the latest);
 * types sharing a saved encoder (the KG text encoder) share one.
 */
export function deferEncoders(
  loading: LoadQueue,
  manifest: IndexManifest,
  load: (directory: string) => Promise<Encoder>,
): Map<string, Encoder> {
  const refs = Object.entries(manifest.encoders);
  const rank = (modality: string) => {
    const position = MODALITY_ORDER.indexOf(modality as Modality);
    return position < 0 ? MODALITY_ORDER.length : position;
  };
  const byDirectory = new Map<string, Encoder>();
  for (const [, ref] of [...refs].sort(([, left], [, right]) => rank(left.modality) - rank(right.modality))) {
    if (byDirectory.has(ref.directory)) continue;
    const part = loading.add(`encoder ${ref.directory}`, () => load(ref.directory));
    const declared = {
      modality: modalitySchema.parse(ref.modality),
      dimension: ref.dimension,
      directory: ref.directory,
    };
    byDirectory.set(ref.directory, lazyEncoder(declared, part));
  }
  return new Map(refs.map(([type, ref]) => [type, byDirectory.get(ref.directory)!]));
}

/**
 * A SMILES, sequence or text query needs only encoders, which wait for themselves; an entity
 * (resolved by name lookup), an rsid or variant features may need the name entries or the
 * learned variant model, so those wait for both.
 */
export function mayNeedDeferredParts(request: unknown): boolean {
  if (typeof request !== 'object' || request === null) return true;
  const fields = request as Record<string, unknown>;
  return fields.entity !== undefined || fields.rsid !== undefined || fields.variant !== undefined;
}

/** `retriever`, whose requests wait for the deferred parts they may need (`needed`). */
export function waitForDeferredParts(retriever: Retriever, needed: () => Promise<unknown>): Retriever {
  return wrapRetrieve(retriever, async (request, options) => {
    if (mayNeedDeferredParts(request)) await needed();
    return retriever.retrieve(request, options);
  });
}

/** Routes that answer without any deferred part: health, metrics, the API docs, and retrieval (which waits per request). */
const ANSWERED_WHILE_LOADING = new Set([
  '/health',
  '/health/live',
  '/metrics',
  '/docs',
  '/openapi.json',
  '/v1/retrieve',
]);
/** Probes and scrapes are not traffic: background loading need not wait for them. */
const NOT_COUNTED = new Set(['/health', '/health/live', '/metrics']);

/**
 * HTTP middleware: every other route (chat, linking, lookup, molecules, entities, the web UI)
 * waits until the deferred parts have loaded, since they use the name index synchronously.
 * `idle()` is true while no counted request is running, for the background loading to wait on.
 */
export function admitWhenLoaded(loading: () => LoadQueue | undefined): {
  middleware: MiddlewareHandler<AppEnv>;
  idle: () => boolean;
} {
  let running = 0;
  return {
    idle: () => running === 0,
    middleware: async (c, next) => {
      const path = c.req.path;
      const counted = !NOT_COUNTED.has(path);
      if (counted) running++;
      try {
        if (!ANSWERED_WHILE_LOADING.has(path)) await loading()?.all();
        await next();
      } finally {
        if (counted) running--;
      }
    },
  };
}

/** Readiness: ready while parts are still loading (requests wait for them), not ready once one failed. */
export function loadingHealthCheck(loading: LoadQueue): HealthCheck {
  return {
    name: 'loading',
    required: true,
    check: async () => {
      const states = Object.entries(loading.states());
      const failed = states.filter(([, state]) => state === 'failed').map(([name]) => name);
      const pending = states.filter(([, state]) => state !== 'loaded').map(([name]) => name);
      if (failed.length > 0)
        return { ok: false, state: 'failed', detail: `failed to load: ${failed.join(', ')} (see the log)` };
      return pending.length > 0
        ? { ok: true, state: 'loading', detail: `still loading: ${pending.join(', ')}` }
        : { ok: true, state: 'loaded', detail: `${states.length} parts loaded` };
    },
  };
}

/**
 * `part`'s value, for consumers that use it only once the part has loaded: routes behind
 * `admitWhenLoaded` (or services that load everything before they answer). Built before the part
 * has loaded; each member is looked up on the loaded value when used.
 */
export function loadedValueOf<T extends object>(part: DeferredPart<T>): T {
  return new Proxy({} as T, {
    get(_target, key) {
      const value = part.value();
      const member: unknown = Reflect.get(value, key);
      return typeof member === 'function' ? (member as (...args: unknown[]) => unknown).bind(value) : member;
    },
    has: (_target, key) => Reflect.has(part.value(), key),
  });
}
