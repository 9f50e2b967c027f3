import type { Encoder, Modality } from './encoder.js';

/** Where the encoder comes from: loaded once, possibly by someone else first (a load queue). */
export interface EncoderSource {
  get(): Promise<Encoder>;
  /** The encoder once loaded; throws before. */
  value(): Encoder;
  /** `waiting` until someone asks for it; nothing to dispose then. */
  readonly state: 'waiting' | 'loading' | 'loaded' | 'failed';
}

/**
 * An encoder that is loaded on its first use (or earlier, by whoever holds `source`): modality and
 * dimension come from the index manifest, so it can be handed out before its files are read.
 * `encode` and `save` wait for the load; `describe` needs it done (it is, after any `encode`).
 */
export function lazyEncoder(
  declared: { modality: Modality; dimension: number; directory: string },
  source: EncoderSource,
): Encoder {
  const encoder = () => source.get();
  const loaded = () => (source.state === 'loaded' ? source.value() : undefined);
  return {
    get modality() {
      return loaded()?.modality ?? declared.modality;
    },
    get dimension() {
      return loaded()?.dimension ?? declared.dimension;
    },
    encode: async (inputs) => (await encoder()).encode(inputs),
    describe: () => {
      const current = loaded();
      if (!current) throw new Error(`the encoder in ${declared.directory} is not loaded yet`);
      return current.describe();
    },
    save: async (directory) => (await encoder()).save(directory),
    dispose: async () => {
      // Nothing to free when it never started loading; a failed load holds nothing either.
      if (source.state !== 'loading' && source.state !== 'loaded') return;
      const value = await encoder().catch(() => undefined);
      await value?.dispose?.();
    },
  };
}
