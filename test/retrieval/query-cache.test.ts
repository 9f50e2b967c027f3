import { describe, expect, it } from 'vitest';
import type { Encoder, EncodeOutcome } from '../../src/encoders/encoder.js';
import { createMoleculeMorganEncoder } from '../../src/encoders/molecule-morgan.js';
import { cachedPromise, withQueryEncodingCache } from '../../src/retrieval/query-cache.js';
import { createLruCache } from '../../src/util/lru-cache.js';

/** Counts the inputs a real encoder is asked to encode. */
function counting(encoder: Encoder): { encoder: Encoder; calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    encoder: {
      ...encoder,
      modality: encoder.modality,
      dimension: encoder.dimension,
      encode: (inputs) => {
        calls.push(...inputs);
        return encoder.encode(inputs);
      },
    },
  };
}

describe('withQueryEncodingCache', () => {
  it('encodes a repeated single input once and hands every caller its own equal copy', async () => {
    const { encoder, calls } = counting(await createMoleculeMorganEncoder({ size: 256 }));
    const encoderFor = withQueryEncodingCache((type) => (type === 'drug' ? encoder : undefined), 4);
    const first = (await encoderFor('drug')!.encode(['CC(=O)Oc1ccccc1C(=O)O']))[0] as EncodeOutcome & {
      ok: true;
    };
    first.value.fill(0); // a caller changing its vector must not change the cache
    const second = (await encoderFor('drug')!.encode(['CC(=O)Oc1ccccc1C(=O)O']))[0] as EncodeOutcome & {
      ok: true;
    };
    expect(calls).toEqual(['CC(=O)Oc1ccccc1C(=O)O']);
    const direct = (await encoder.encode(['CC(=O)Oc1ccccc1C(=O)O']))[0] as EncodeOutcome & { ok: true };
    expect(Array.from(second.value)).toEqual(Array.from(direct.value));
    expect(encoderFor('protein')).toBeUndefined();
  });

  it('remembers failures as failures and passes batches through uncached', async () => {
    const { encoder, calls } = counting(await createMoleculeMorganEncoder({ size: 256 }));
    const cached = withQueryEncodingCache(() => encoder, 4)('drug')!;
    const [bad] = await cached.encode(['C1CC(']);
    expect(bad?.ok).toBe(false);
    await cached.encode(['C1CC(']);
    await cached.encode(['CCO', 'CCN']);
    await cached.encode(['CCO', 'CCN']);
    expect(calls).toEqual(['C1CC(', 'CCO', 'CCN', 'CCO', 'CCN']);
  });
});

describe('cachedPromise', () => {
  it('forgets a rejected computation so the next call retries', async () => {
    const cache = createLruCache<string, Promise<number>>(4);
    let attempts = 0;
    const compute = () => (++attempts === 1 ? Promise.reject(new Error('not yet')) : Promise.resolve(7));
    await expect(cachedPromise(cache, 'k', compute)).rejects.toThrow('not yet');
    await new Promise((resolve) => setImmediate(resolve));
    expect(await cachedPromise(cache, 'k', compute)).toBe(7);
    expect(await cachedPromise(cache, 'k', compute)).toBe(7);
    expect(attempts).toBe(2);
  });
});
