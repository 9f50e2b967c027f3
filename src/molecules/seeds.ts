import type { VectorStore } from '../store/vector-store.js';
import { DRUG_TYPE, drugRowsWithSmiles } from './target.js';

export interface SeedDrug {
  nodeIndex: number;
  id: string;
  name: string;
  smiles: string;
  /** Cosine between the drug's projected vector and the bridged target query. */
  similarity: number;
  /** The score the seed was ranked by: the fused retrieval score, or the bridge cosine. */
  retrievalScore: number;
  /** The KG has a `target` edge between this drug and the target. */
  knownBinder: boolean;
}

export interface FindSeedsOptions {
  count: number;
  /** Drug node indices never returned. */
  exclude: ReadonlySet<number>;
  knownBinders: ReadonlySet<number>;
}

/**
 * The known drugs nearest to the bridged target query in the drug table's projected space,
 * best first, each with its SMILES. Drugs without a SMILES have no projection, so every hit has one.
 */
export async function findSeedDrugs(
  store: VectorStore,
  query: Float32Array,
  options: FindSeedsOptions,
): Promise<SeedDrug[]> {
  const hits = await store.search(DRUG_TYPE, query, {
    k: options.count,
    column: 'projected',
    ...(options.exclude.size > 0 ? { excludeIndices: options.exclude } : {}),
  });
  const rows = await drugRowsWithSmiles(
    store,
    hits.map((hit) => hit.nodeIndex),
  );
  const seeds: SeedDrug[] = [];
  for (const hit of hits) {
    const smiles = rows.get(hit.nodeIndex)?.smiles;
    if (smiles === undefined) continue;
    seeds.push({
      nodeIndex: hit.nodeIndex,
      id: hit.nodeId,
      name: hit.name,
      smiles,
      similarity: hit.score,
      retrievalScore: hit.score,
      knownBinder: options.knownBinders.has(hit.nodeIndex),
    });
  }
  return seeds;
}
