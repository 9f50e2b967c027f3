/**
 * A least-recently-used cache of at most `capacity` entries (a `Map` keeps insertion order, so the
 * first key is the least recently used one). For pure, deterministic computations only: a cached
 * value must be what recomputing it would give.
 */
export interface LruCache<K, V> {
  /** The cached value, or computes, stores and returns it. */
  getOrCompute(key: K, compute: () => V): V;
  delete(key: K): void;
  readonly size: number;
}

export function createLruCache<K, V>(capacity: number): LruCache<K, V> {
  if (!Number.isInteger(capacity) || capacity < 0)
    throw new RangeError(`LRU capacity must be a non-negative integer, got ${capacity}`);
  const entries = new Map<K, V>();
  return {
    get size() {
      return entries.size;
    },
    delete(key) {
      entries.delete(key);
    },
    getOrCompute(key, compute) {
      if (entries.has(key)) {
        const value = entries.get(key) as V;
        entries.delete(key);
        entries.set(key, value);
        return value;
      }
      const value = compute();
      if (capacity === 0) return value;
      if (entries.size >= capacity) entries.delete(entries.keys().next().value as K);
      entries.set(key, value);
      return value;
    },
  };
}
