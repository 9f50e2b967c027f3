import type { KgGraph } from '../kg/graph.js';
import type { VectorStore } from '../store/vector-store.js';
import { drugRowsWithSmiles, knownBindersOf, PROTEIN_TYPE } from './target.js';

/** A known drug of a protein near the target: evidence of what binds this kind of pocket. */
export interface ReferenceBinder {
  nodeIndex: number;
  id: string;
  name: string;
  smiles: string;
  /** The near protein it binds, and that protein's cosine to the target (protein encoder space). */
  via: { id: string; name: string; similarity: number };
}

export interface ReferenceBinderOptions {
  /** Nearest proteins searched. */
  proteins: number;
  /** Binders kept, nearest proteins first. */
  count: number;
  /** The target's own node (not its own neighbour). */
  targetIndex: number | undefined;
  /** Drug node indices never returned (hidden drugs, the target's excluded binders). */
  exclude: ReadonlySet<number>;
}

/**
 * The known binders of the proteins nearest to the target in the protein encoder's space
 * (sequence similarity as the encoder sees it): similar proteins bind similar drugs, so these
 * anchor the search where the bridge alone drifts. Drugs without a SMILES are skipped.
 */
export async function findReferenceBinders(
  dependencies: { graph: KgGraph; store: VectorStore },
  targetVector: Float32Array,
  options: ReferenceBinderOptions,
): Promise<ReferenceBinder[]> {
  const { graph, store } = dependencies;
  if (options.count === 0 || options.proteins === 0) return [];
  const excludeProteins = options.targetIndex === undefined ? undefined : new Set([options.targetIndex]);
  const proteins = await store.search(PROTEIN_TYPE, targetVector, {
    k: options.proteins,
    column: 'vector',
    excludeIndices: excludeProteins ?? new Set<number>(),
  });
  const chosen: { drug: number; via: ReferenceBinder['via'] }[] = [];
  const seen = new Set<number>();
  for (const protein of proteins) {
    const binders = [...knownBindersOf(graph, protein.nodeIndex)].sort((left, right) => left - right);
    for (const drug of binders) {
      if (seen.has(drug) || options.exclude.has(drug)) continue;
      seen.add(drug);
      chosen.push({ drug, via: { id: protein.nodeId, name: protein.name, similarity: protein.score } });
    }
  }
  if (chosen.length === 0) return [];
  const rows = await drugRowsWithSmiles(
    store,
    chosen.map((entry) => entry.drug),
  );
  const binders: ReferenceBinder[] = [];
  for (const { drug, via } of chosen) {
    const found = rows.get(drug);
    if (!found) continue;
    binders.push({ nodeIndex: drug, id: found.row.nodeId, name: found.row.name, smiles: found.smiles, via });
    if (binders.length >= options.count) break;
  }
  return binders;
}
