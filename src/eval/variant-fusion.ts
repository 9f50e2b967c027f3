import { wilcoxonSignedRank } from './paired-statistics.js';
import { clusterBootstrap, filteredRank, type Interval } from './rank-statistics.js';

/**
 * The fused variant → disease ranking of the benchmark: the learned model's cosine plus the
 * baselines' signals, each scaled to [0, 1] per query, with weights fitted on validation
 * variants (never on the test split), and paired comparisons of two rankings over the same
 * queries.
 */
import {
  fusedScores,
  type VariantComponents,
  type VariantFusionWeights,
} from '../retrieval/variant-signals.js';

export { fusedScores, type VariantFusionWeights } from '../retrieval/variant-signals.js';

/** One query's component scores over every candidate disease, and its true diseases. */
export interface FusionQuery extends VariantComponents {
  positives: ReadonlySet<number>;
}

/** Grid searched on validation; the learned cosine always has weight 1 (cosines lie in [−1, 1]). */
export const FUSION_GRID = {
  positional: [0, 0.05, 0.1, 0.2, 0.3, 0.5, 0.8],
  geneProxy: [0, 0.05, 0.1, 0.2, 0.3, 0.5],
  popularity: [0, 0.05, 0.1, 0.2, 0.4],
} as const;

/** Filtered ranks of each query's true diseases under `scores`. */
export function ranksOf(
  queries: readonly FusionQuery[],
  scores: (query: FusionQuery) => Float32Array,
): number[][] {
  return queries.map((query) => {
    const scored = scores(query);
    return [...query.positives].map((target) => filteredRank(scored, target, query.positives));
  });
}

/** The grid point with the best link-level Hits@10 on `queries` (ties: MRR, then the smaller weights). */
export function fitFusionWeights(queries: readonly FusionQuery[]): {
  weights: VariantFusionWeights;
  hits10: number;
  mrr: number;
} {
  let best: { weights: VariantFusionWeights; hits10: number; mrr: number } | undefined;
  for (const positional of FUSION_GRID.positional)
    for (const geneProxy of FUSION_GRID.geneProxy)
      for (const popularity of FUSION_GRID.popularity) {
        const weights = { positional, geneProxy, popularity };
        const ranks = ranksOf(queries, (query) => fusedScores(query, weights)).flat();
        const hits10 = ranks.filter((rank) => rank <= 10).length / Math.max(1, ranks.length);
        const mrr = ranks.reduce((total, rank) => total + 1 / rank, 0) / Math.max(1, ranks.length);
        if (
          !best ||
          hits10 > best.hits10 + 1e-12 ||
          (Math.abs(hits10 - best.hits10) <= 1e-12 && mrr > best.mrr)
        )
          best = { weights, hits10, mrr };
      }
  return best!;
}

export interface PairedComparison {
  method: string;
  baseline: string;
  /** Link-level Hits@10 of `method` minus `baseline`, 95 % cluster-bootstrap interval over queries. */
  difference: Interval;
  /** Hits@10 of `method` / `baseline`, same draws. */
  ratio: Interval;
  /** Wilcoxon signed-rank test of the per-query Hits@10 differences (two-sided). */
  wilcoxon: { statistic: number; pValue: number; n: number };
  wins: number;
  losses: number;
}

/** Paired Hits@10 comparison of two rankings of the same queries (`ranks*[q]`: query q's link ranks). */
export function comparePaired(
  method: string,
  baseline: string,
  ranksA: readonly (readonly number[])[],
  ranksB: readonly (readonly number[])[],
  resamples = 1000,
  seed = 11,
): PairedComparison {
  const hits = (ranks: readonly number[]) => ranks.filter((rank) => rank <= 10).length;
  const sumsA = ranksA.map(hits);
  const sumsB = ranksB.map(hits);
  const counts = ranksA.map((ranks) => ranks.length);
  const difference = clusterBootstrap(
    sumsA.map((value, query) => value - sumsB[query]!),
    counts,
    resamples,
    seed,
  );
  const perQuery = sumsA.map((value, query) => (value - sumsB[query]!) / Math.max(1, counts[query]!));
  return {
    method,
    baseline,
    difference,
    // Σ hits of A / Σ hits of B, resampled by query like the difference.
    ratio: clusterBootstrap(sumsA, sumsB, resamples, seed),
    wilcoxon: wilcoxonSignedRank(perQuery),
    wins: perQuery.filter((value) => value > 0).length,
    losses: perQuery.filter((value) => value < 0).length,
  };
}
