import type { Encoder, Modality } from './encoder.js';

/**
 * An encoder that is loaded on its first use (or earlier, by whoever holds `load`): modality and
 * dimension come from the index manifest, so it can be handed out before its files are read.
 * `encode` and `save` wait for the load; `describe` needs it done (it is, after any `encode`).
 */
export function lazyEncoder(
  declared: { modality: Modality; dimension: number; directory: string },
  load: () => Promise<Encoder>,
): Encoder {
  let loaded: Encoder | undefined;
  let loading: Promise<Encoder> | undefined;
  const encoder = () =>
    (loading ??= load().then((value) => {
      loaded = value;
      return value;
    }));
  return {
    get modality() {
      return loaded?.modality ?? declared.modality;
    },
    get dimension() {
      return loaded?.dimension ?? declared.dimension;
    },
    encode: async (inputs) => (await encoder()).encode(inputs),
    describe: () => {
      if (!loaded) throw new Error(`the encoder in ${declared.directory} is not loaded yet`);
      return loaded.describe();
    },
    save: async (directory) => (await encoder()).save(directory),
    dispose: async () => {
      // Nothing to free when it never started loading; a failed load holds nothing either.
      const value = loading && (await loading.catch(() => undefined));
      await value?.dispose?.();
    },
  };
}
