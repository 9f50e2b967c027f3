import { describe, expect, it } from 'vitest';
import { createProteinKmerEncoder } from '../../src/encoders/protein-kmer.js';
import type { Encoder } from '../../src/encoders/encoder.js';
import { lazyEncoder } from '../../src/encoders/lazy-encoder.js';
import { createLoadQueue } from '../../src/util/load-queue.js';

const SEQUENCE = 'MKTAYIAKQRQISFVKSHFSRQ';

describe('lazyEncoder', () => {
  it('loads on the first encode, answers as the encoder itself, and disposes only what was loaded', async () => {
    const real = createProteinKmerEncoder({ kmerBuckets: 16 });
    let loads = 0;
    let disposed = 0;
    const queue = createLoadQueue();
    const part = queue.add('protein encoder', async (): Promise<Encoder> => {
      loads++;
      return { ...real, dispose: async () => void disposed++ };
    });
    const lazy = lazyEncoder(
      { modality: 'protein', dimension: real.dimension, directory: 'encoders/p' },
      part,
    );
    expect(lazy.modality).toBe('protein');
    expect(lazy.dimension).toBe(real.dimension);
    expect(() => lazy.describe()).toThrow('the encoder in encoders/p is not loaded yet');
    await lazy.dispose!();
    expect([loads, disposed]).toEqual([0, 0]);

    expect(await lazy.encode([SEQUENCE])).toEqual(await real.encode([SEQUENCE]));
    expect(await lazy.encode([SEQUENCE])).toEqual(await real.encode([SEQUENCE]));
    expect(loads).toBe(1);
    expect(lazy.describe()).toEqual(real.describe());
    await lazy.dispose!();
    expect(disposed).toBe(1);
  });

  it('sees an encoder the queue loaded first', async () => {
    const real = createProteinKmerEncoder({ kmerBuckets: 16 });
    const queue = createLoadQueue();
    const part = queue.add('protein encoder', async () => real);
    const lazy = lazyEncoder({ modality: 'protein', dimension: 1, directory: 'encoders/p' }, part);
    queue.start();
    await queue.all();
    expect(lazy.describe()).toEqual(real.describe());
    expect(lazy.dimension).toBe(real.dimension);
  });
});
