import type { EmbeddingTable, KgVariantFeatures, VariantModel } from '../encoders/variant-learned.js';
import { normalChromosome } from '../encoders/variant-features.js';
import type { KgGraph } from '../kg/graph.js';

/**
 * The non-learned variant → disease signals that the fused ranking adds to the learned cosine,
 * shared by the benchmark (reference = training variants) and the service (reference = every KG
 * variant, the query itself excluded): positional neighbours, gene proxy and popularity, each a
 * raw score per row of the model's disease table.
 */
export interface VariantFusionWeights {
  positional: number;
  geneProxy: number;
  popularity: number;
}

/** Positional neighbours consulted by default (the benchmark's and the service's). */
export const DEFAULT_FUSION_NEIGHBOURS = 10;

export interface VariantSignals {
  /** Diseases of the `neighbours` nearest reference variants on the chromosome, weighted 1/rank. */
  positional(
    features: { chrom?: string | undefined; pos?: number | null | undefined },
    exclude?: number,
  ): Float32Array;
  /** Per disease, how many of the mapped genes the KG links to it. */
  geneProxy(symbols: readonly string[]): Float32Array;
  /** Per disease, how many reference variants the KG links to it. */
  popularity: Float32Array;
  /** Reference variant → its disease rows (the KG's variant–disease edges). */
  diseasesOf: ReadonlyMap<number, ReadonlySet<number>>;
}

/** `symbols`: upper-case gene symbol → gene node (indexing/gene-vectors.ts `geneSymbolIndex`). */
export function createVariantSignals(
  graph: KgGraph,
  symbols: ReadonlyMap<string, number>,
  diseases: EmbeddingTable,
  reference: readonly KgVariantFeatures[],
  neighbours = DEFAULT_FUSION_NEIGHBOURS,
): VariantSignals {
  const diseaseRow = new Map(Array.from(diseases.nodeIndices, (node, row) => [node, row]));
  const variantDiseases = diseaseRowsOf(graph, 'variant', diseaseRow);
  const geneDiseases = diseaseRowsOf(graph, 'gene/protein', diseaseRow);
  const byChromosome = new Map<string, KgVariantFeatures[]>();
  const popularity = new Float32Array(diseases.rows);
  for (const row of reference) {
    const linked = variantDiseases.get(row.nodeIndex);
    if (!linked) continue;
    for (const disease of linked) popularity[disease]! += 1;
    const chrom = normalChromosome(row.chrom ?? '');
    if (row.pos === null || !chrom) continue;
    if (!byChromosome.has(chrom)) byChromosome.set(chrom, []);
    byChromosome.get(chrom)!.push(row);
  }
  return {
    popularity,
    diseasesOf: variantDiseases,
    positional(features, exclude) {
      const scores = new Float32Array(diseases.rows);
      const pos = features.pos;
      if (pos === null || pos === undefined) return scores;
      const candidates = (byChromosome.get(normalChromosome(features.chrom ?? '')) ?? []).filter(
        (row) => row.nodeIndex !== exclude,
      );
      const nearest = candidates
        .sort((a, b) => Math.abs(a.pos! - pos) - Math.abs(b.pos! - pos))
        .slice(0, neighbours);
      nearest.forEach((neighbour, rank) => {
        for (const disease of variantDiseases.get(neighbour.nodeIndex)!) scores[disease]! += 1 / (rank + 1);
      });
      return scores;
    },
    geneProxy(geneSymbols) {
      const scores = new Float32Array(diseases.rows);
      for (const symbol of new Set(geneSymbols.map((gene) => gene.trim().toUpperCase()))) {
        const gene = symbols.get(symbol);
        for (const disease of gene === undefined ? [] : (geneDiseases.get(gene) ?? [])) scores[disease]! += 1;
      }
      return scores;
    },
  };
}

/** Head node of type `headType` → the disease rows the KG links it to. */
function diseaseRowsOf(
  graph: KgGraph,
  headType: string,
  diseaseRow: ReadonlyMap<number, number>,
): Map<number, Set<number>> {
  const lists = new Map<number, Set<number>>();
  for (const kind of graph.edgeKinds) {
    if (kind.headType !== headType || kind.tailType !== 'disease') continue;
    const { heads, tails } = graph.edgesOfKind(kind.id);
    heads.forEach((head, edge) => {
      const row = diseaseRow.get(tails[edge]!);
      if (row === undefined) return;
      if (!lists.has(head)) lists.set(head, new Set());
      lists.get(head)!.add(row);
    });
  }
  return lists;
}

/** 1 / the largest value (0 when none is positive): scales a signal to [0, 1] per query. */
export function unitScale(scores: Float32Array): number {
  let largest = 0;
  for (const value of scores) largest = Math.max(largest, value);
  return largest > 0 ? 1 / largest : 0;
}

/** The components of one query over every candidate disease. */
export interface VariantComponents {
  learned: Float32Array;
  positional: Float32Array;
  geneProxy: Float32Array;
  popularity: Float32Array;
}

/** The learned cosine (weight 1) plus each other signal scaled to [0, 1] per query, times its weight. */
export function fusedScores(query: VariantComponents, weights: VariantFusionWeights): Float32Array {
  const positional = weights.positional * unitScale(query.positional);
  const geneProxy = weights.geneProxy * unitScale(query.geneProxy);
  const popularity = weights.popularity * unitScale(query.popularity);
  const fused = new Float32Array(query.learned.length);
  for (let i = 0; i < fused.length; i++)
    fused[i] =
      query.learned[i]! +
      positional * query.positional[i]! +
      geneProxy * query.geneProxy[i]! +
      popularity * query.popularity[i]!;
  return fused;
}

/**
 * The service's fused ranking: the fitted weights over signals whose reference is every KG
 * variant (all are known at serve time; the positional signal skips the query itself).
 */
export function variantFusedRanking(
  graph: KgGraph,
  symbols: ReadonlyMap<string, number>,
  model: VariantModel,
  fusion: { weights: VariantFusionWeights; neighbours: number },
): { weights: VariantFusionWeights; signals: VariantSignals } | undefined {
  const diseases = model.tail('disease');
  if (!diseases) return undefined;
  const reference = [...model.variants.nodeIndices].flatMap((node) => {
    const row = model.featuresOfNode(node);
    return row ? [row] : [];
  });
  return {
    weights: fusion.weights,
    signals: createVariantSignals(graph, symbols, diseases, reference, fusion.neighbours),
  };
}
