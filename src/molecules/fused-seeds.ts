import type { Retriever } from '../retrieval/retriever.js';
import type { RetrievalRequestInput } from '../retrieval/retrieval-request.js';
import type { VectorStore } from '../store/vector-store.js';
import type { SeedDrug } from './seeds.js';
import { DRUG_TYPE, drugRowsWithSmiles, PROTEIN_TYPE, TARGET_RELATION } from './target.js';

/** The most drugs one retrieval returns (the retrieval request's `k` limit). */
const MAX_RETRIEVED = 200;

export interface FusedSeedOptions {
  /** The protein to retrieve for: its KG node, or a sequence the index does not hold. */
  head: { entity: { type: string; id: string } } | { protein: string };
  count: number;
  /** The bridged target: each seed reports its cosine with it, as bridge-ranked seeds do. */
  query: Float32Array;
  /** Drug node indices never returned (hidden drugs). */
  exclude: ReadonlySet<number>;
  knownBinders: ReadonlySet<number>;
  signal?: AbortSignal | undefined;
}

/**
 * Seeds from the service's own protein → drug ranking (the `fused` method of src/retrieval: bridge
 * cosine + nearest-protein transfer votes + popularity, with the index's fitted weights), which
 * ranks held-out proteins' real drugs about twice as high as the bridge cosine alone does
 * (fusion.json, validation Hits@10 0.28 vs 0.13). Known KG facts are not asked for, and excluded
 * drugs are dropped after ranking, so a hidden binder can never come back as a seed. Fewer than
 * `count` when more than `MAX_RETRIEVED − count` of the top drugs are excluded (the caller tops up).
 */
export async function findFusedSeedDrugs(
  dependencies: { retriever: Pick<Retriever, 'retrieve'>; store: VectorStore },
  options: FusedSeedOptions,
): Promise<SeedDrug[]> {
  const request: RetrievalRequestInput = {
    ...options.head,
    targetTypes: [DRUG_TYPE],
    relations: [TARGET_RELATION],
    method: 'fused',
    includeKnown: false,
    // Always the most it returns: the fused ranking scores a candidate set that grows with k, so a
    // smaller k would rank the same drugs differently.
    k: MAX_RETRIEVED,
  };
  const response = await dependencies.retriever.retrieve(request, { signal: options.signal });
  const hits = response.results
    .filter((hit) => hit.type === DRUG_TYPE && !options.exclude.has(hit.nodeIndex))
    .slice(0, options.count);
  const rows = await drugRowsWithSmiles(
    dependencies.store,
    hits.map((hit) => hit.nodeIndex),
  );
  return hits.flatMap((hit) => {
    const found = rows.get(hit.nodeIndex);
    if (!found) return [];
    const { row } = found;
    return [
      {
        nodeIndex: hit.nodeIndex,
        id: hit.id,
        name: hit.name,
        smiles: found.smiles,
        similarity: row.projected ? cosine(options.query, row.projected) : (hit.scores.bridge ?? 0),
        retrievalScore: hit.scores.fused ?? hit.score ?? 0,
        knownBinder: options.knownBinders.has(hit.nodeIndex),
      },
    ];
  });
}

/** The retrieval head of a target: its KG node when it has one, else its sequence. */
export function retrievalHead(
  entity: { type: string; id: string } | undefined,
  sequence: string | undefined,
): FusedSeedOptions['head'] | undefined {
  if (entity) return { entity: { type: entity.type || PROTEIN_TYPE, id: entity.id } };
  return sequence === undefined ? undefined : { protein: sequence };
}

function cosine(left: Float32Array, right: Float32Array): number {
  let dot = 0;
  let leftNorm = 0;
  let rightNorm = 0;
  for (let index = 0; index < left.length; index++) {
    dot += left[index]! * (right[index] ?? 0);
    leftNorm += left[index]! * left[index]!;
    rightNorm += (right[index] ?? 0) * (right[index] ?? 0);
  }
  return leftNorm === 0 || rightNorm === 0 ? 0 : dot / Math.sqrt(leftNorm * rightNorm);
}
