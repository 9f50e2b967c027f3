import type { NameLookup } from '../store/name-lookup.js';
import type { EntityLinker } from './types.js';

/**
 * The name lookup and the entity linker, built on first use instead of at start-up. Building both
 * over the shared KG's 130k names takes about two CPU-seconds, which a service answering SMILES,
 * sequence or id queries never needs; the first request that does need names pays it once.
 */
export interface DeferredNames {
  lookup: NameLookup;
  linker: EntityLinker;
  /** Whether each has been built yet (reported by `/health`). */
  built(): { lookup: boolean; linker: boolean };
}

export function deferNames(build: { lookup: () => NameLookup; linker: () => EntityLinker }): DeferredNames {
  let lookup: NameLookup | undefined;
  let linker: EntityLinker | undefined;
  const names = () => (lookup ??= build.lookup());
  const links = () => (linker ??= build.linker());
  return {
    lookup: {
      get size() {
        return names().size;
      },
      lookup: (query, options) => names().lookup(query, options),
      findMentions: (text, options) => names().findMentions(text, options),
    },
    linker: {
      get size() {
        return links().size;
      },
      link: (text, options) => links().link(text, options),
      resolve: (name, options) => links().resolve(name, options),
    },
    built: () => ({ lookup: lookup !== undefined, linker: linker !== undefined }),
  };
}
