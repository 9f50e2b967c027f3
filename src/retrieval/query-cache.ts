import type { EncodeOutcome, Encoder } from '../encoders/encoder.js';
import { ok } from '../errors.js';
import { createLruCache, type LruCache } from '../util/lru-cache.js';

/**
 * Query inputs remembered per cache (encoder vectors, ligand fingerprints, structure keys). A
 * SMILES costs three RDKit parses per request (canonical form, Morgan counts, five ligand
 * fingerprints), about 4 ms, and clients repeat inputs (the UI draws, then retrieves; agents ask
 * again). 512 entries hold at most a few MB of vectors and keys.
 */
export const QUERY_CACHE_ENTRIES = 512;

/**
 * A promise-valued LRU lookup that forgets a rejected computation, so a transient failure (RDKit
 * not loaded yet) is retried by the next request instead of being remembered.
 */
export function cachedPromise<K, V>(
  cache: LruCache<K, Promise<V>>,
  key: K,
  compute: () => Promise<V>,
): Promise<V> {
  const pending = cache.getOrCompute(key, compute);
  pending.catch(() => cache.delete(key));
  return pending;
}

/**
 * `encoderFor` whose encoders remember single-input results (the retriever encodes one query at a
 * time). Encoders are deterministic, so a hit is what encoding again would give; each hit returns
 * its own copy of the vector, since callers may change it.
 */
export function withQueryEncodingCache(
  encoderFor: (type: string) => Encoder | undefined,
  capacity = QUERY_CACHE_ENTRIES,
): (type: string) => Encoder | undefined {
  const wrapped = new Map<Encoder, Encoder>();
  return (type) => {
    const encoder = encoderFor(type);
    if (!encoder) return undefined;
    let cached = wrapped.get(encoder);
    if (!cached) {
      cached = cachingEncoder(encoder, capacity);
      wrapped.set(encoder, cached);
    }
    return cached;
  };
}

function cachingEncoder(encoder: Encoder, capacity: number): Encoder {
  const outcomes = createLruCache<string, Promise<EncodeOutcome | undefined>>(capacity);
  const encodeOne = async (input: string) => (await encoder.encode([input]))[0];
  return {
    modality: encoder.modality,
    dimension: encoder.dimension,
    describe: () => encoder.describe(),
    save: (directory) => encoder.save(directory),
    async encode(inputs) {
      if (inputs.length !== 1) return encoder.encode(inputs);
      const outcome = await cachedPromise(outcomes, inputs[0]!, () => encodeOne(inputs[0]!));
      if (!outcome) return [];
      return [outcome.ok ? ok(Float32Array.from(outcome.value)) : outcome];
    },
  };
}
