import { createHash } from 'node:crypto';

/**
 * Whole serialised responses of a deterministic route, least recently used first out, within a
 * byte budget. A hit skips the whole computation and the JSON serialisation; the entry's `etag`
 * (a digest of the version and the body) lets a client revalidate with `If-None-Match`.
 *
 * Entries belong to one `version` (the index the service answers from): when `version()` returns
 * another value, every entry is dropped, so no answer outlives the data it was computed from.
 */
export interface CachedResponse {
  body: string;
  /** A strong entity tag, quoted: `"…"`. */
  etag: string;
}

export interface ResponseCacheStats {
  hits: number;
  misses: number;
  entries: number;
  bytes: number;
}

export interface ResponseCache {
  get(key: string): CachedResponse | undefined;
  /** Stores `body` under `key` (when it fits the budget) and returns it with its ETag. */
  set(key: string, body: string): CachedResponse;
  stats(): ResponseCacheStats;
}

export interface ResponseCacheOptions {
  /** Budget for the bodies, in bytes (UTF-16 code units × 2, as V8 holds them); 0 stores nothing. */
  maxBytes: number;
  /** What the answers depend on besides the request (the index and model ids); read on every call. */
  version: () => string;
}

export function createResponseCache(options: ResponseCacheOptions): ResponseCache {
  if (!Number.isInteger(options.maxBytes) || options.maxBytes < 0)
    throw new RangeError(`response cache maxBytes must be a non-negative integer, got ${options.maxBytes}`);
  // A Map keeps insertion order: the first key is the least recently used one.
  const entries = new Map<string, CachedResponse>();
  let version = options.version();
  let bytes = 0;
  let hits = 0;
  let misses = 0;
  const sizeOf = (key: string, entry: CachedResponse) => 2 * (key.length + entry.body.length);

  const checkVersion = () => {
    const now = options.version();
    if (now === version) return;
    version = now;
    entries.clear();
    bytes = 0;
  };

  return {
    get(key) {
      checkVersion();
      const entry = entries.get(key);
      if (!entry) {
        misses++;
        return undefined;
      }
      hits++;
      entries.delete(key);
      entries.set(key, entry);
      return entry;
    },
    set(key, body) {
      checkVersion();
      const entry = { body, etag: entityTag(version, body) };
      const size = sizeOf(key, entry);
      if (size > options.maxBytes) return entry;
      const previous = entries.get(key);
      if (previous) {
        bytes -= sizeOf(key, previous);
        entries.delete(key);
      }
      while (bytes + size > options.maxBytes) {
        const [oldestKey, oldest] = entries.entries().next().value as [string, CachedResponse];
        bytes -= sizeOf(oldestKey, oldest);
        entries.delete(oldestKey);
      }
      entries.set(key, entry);
      bytes += size;
      return entry;
    },
    stats: () => ({ hits, misses, entries: entries.size, bytes }),
  };
}

/** A strong ETag for `body` as served from `version`. */
export function entityTag(version: string, body: string): string {
  return `"${createHash('sha1').update(version).update('\u0000').update(body).digest('base64url')}"`;
}

/**
 * Whether an `If-None-Match` header value names `etag` (RFC 9110 § 13.1.2: a list of tags, weak
 * comparison, or `*`).
 */
export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const wanted = etag.replace(/^W\//, '');
  return header
    .split(',')
    .map((tag) => tag.trim())
    .some((tag) => tag === '*' || tag.replace(/^W\//, '') === wanted);
}
