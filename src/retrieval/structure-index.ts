import type { KgGraph } from '../kg/graph.js';
import type { VectorStore } from '../store/vector-store.js';
import { createLruCache } from '../util/lru-cache.js';
import { cachedPromise, QUERY_CACHE_ENTRIES } from './query-cache.js';
import type { ResolvedEntity } from './entity-resolver.js';
import {
  structureKey,
  structureTableFromStore,
  type StructureKeys,
  type StructureType,
} from './structure-keys.js';

/**
 * Finds the KG entity whose structure is exactly a query's: a SMILES with the same RDKit canonical
 * form as a drug's, or a sequence identical to a protein's. A query that *is* a KG entity then gets
 * that entity's KG facts (marked known) besides the bridge predictions.
 */
export interface StructureIndex {
  find(type: StructureType, input: string): Promise<ResolvedEntity | undefined>;
}

/**
 * `stored`: the keys the index holds (structures/keys.json.gz, written at ingest). Without them a
 * type's keys are computed from the KG payloads on first use, about a second per 5,000 drugs.
 */
export function createStructureIndex(
  graph: KgGraph,
  store: VectorStore,
  stored?: StructureKeys | undefined,
): StructureIndex {
  const tables = new Map<string, Promise<ReadonlyMap<string, number>>>();
  for (const [type, table] of stored ?? []) tables.set(type, Promise.resolve(table));
  // A SMILES key is an RDKit canonicalisation (about a millisecond); repeated queries reuse it.
  const queryKeys = createLruCache<string, Promise<string | undefined>>(QUERY_CACHE_ENTRIES);

  const tableFor = (type: StructureType): Promise<ReadonlyMap<string, number>> => {
    let table = tables.get(type);
    if (!table) {
      table = structureTableFromStore(graph, store, type);
      tables.set(type, table);
    }
    return table;
  };

  return {
    async find(type, input) {
      const key = await cachedPromise(queryKeys, `${type}\u0000${input}`, () => structureKey(type, input));
      if (key === undefined) return undefined;
      const nodeIndex = (await tableFor(type)).get(key);
      const node = nodeIndex === undefined ? undefined : graph.node(nodeIndex);
      return node
        ? { nodeIndex: node.index, type: node.type, id: node.id, name: node.name, source: node.source }
        : undefined;
    },
  };
}
