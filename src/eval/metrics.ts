/**
 * Ranking metrics for cross-modal retrieval, as used by the retrieval benchmark.
 *
 * - MRR: mean over queries of 1 / rank of the first true tail among all candidates.
 * - Hits@k: share of queries whose first true tail ranks ≤ k.
 * - Recall@k: BioBridge's `compute_metrics` (eval_bind.py): |top-k ∩ true tails| / |true tails|,
 *   averaged over queries.
 * Ties are ranked at the mean of their positions, so constant scores cannot look good. Recall@k
 * counts a true candidate tied with the k-th score by its expected share of the top-k slots left to
 * the tie (nearest-neighbour transfer scores most candidates 0: counting every tied one as a hit
 * would credit it with true tails it never ranked).
 */
export const HITS_AT = [1, 3, 10] as const;
export const RECALL_AT = [1, 5, 10, 20] as const;
const TOP_K = Math.max(...HITS_AT, ...RECALL_AT);

export interface QueryRanking {
  /** Rank (1-based, ties averaged) of the best-ranked true candidate. */
  firstRank: number;
  /** True candidates in the top k (expected count when tied at the k-th score), for each k of RECALL_AT. */
  recallHits: number[];
  positives: number;
}

export interface MetricSummary {
  queries: number;
  mrr: number;
  'hits@1': number;
  'hits@3': number;
  'hits@10': number;
  'recall@1': number;
  'recall@5': number;
  'recall@10': number;
  'recall@20': number;
  /** Median rank of the first true tail. */
  medianRank: number;
  candidates: number;
}

/**
 * Ranks one query. `scores[i]` scores candidate i; `positive` lists the candidate positions that
 * are true tails. Candidates outside `allowed` (when given) are ignored, as if absent.
 */
export function rankQuery(
  scores: Float32Array,
  positive: readonly number[],
  allowed?: Uint8Array,
): QueryRanking {
  let best = -Infinity;
  for (const index of positive) {
    const score = scores[index] ?? -Infinity;
    if (score > best) best = score;
  }
  let greater = 0;
  let equal = 0;
  // Keep the TOP_K best scores to compute recall@k without sorting all candidates.
  const top = new Float32Array(TOP_K).fill(-Infinity);
  for (let i = 0; i < scores.length; i++) {
    if (allowed && allowed[i] === 0) continue;
    const score = scores[i] as number;
    if (score > best) greater++;
    else if (score === best) equal++;
    if (score > (top[TOP_K - 1] as number)) {
      let position = TOP_K - 1;
      while (position > 0 && (top[position - 1] as number) < score) {
        top[position] = top[position - 1] as number;
        position--;
      }
      top[position] = score;
    }
  }
  // `equal` includes the best positive itself.
  const firstRank = 1 + greater + (equal - 1) / 2;
  const recallHits = RECALL_AT.map((k) => {
    const threshold = top[k - 1] as number;
    let above = 0;
    let tied = 0;
    for (const index of positive) {
      const score = scores[index] as number;
      if (score > threshold) above++;
      else if (score === threshold) tied++;
    }
    // No true candidate at the k-th score, or fewer than k candidates (threshold -Infinity): exact count.
    if (tied === 0 || threshold === -Infinity) return Math.min(above + tied, k);
    let candidatesAbove = 0;
    let candidatesTied = 0;
    for (let i = 0; i < scores.length; i++) {
      if (allowed && allowed[i] === 0) continue;
      const score = scores[i] as number;
      if (score > threshold) candidatesAbove++;
      else if (score === threshold) candidatesTied++;
    }
    return above + (tied * (k - candidatesAbove)) / candidatesTied;
  });
  return { firstRank, recallHits, positives: positive.length };
}

export function summarize(rankings: readonly QueryRanking[], candidates: number): MetricSummary {
  const n = rankings.length;
  const mean = (value: (ranking: QueryRanking) => number) =>
    n === 0 ? 0 : rankings.reduce((sum, ranking) => sum + value(ranking), 0) / n;
  const ranks = rankings.map((ranking) => ranking.firstRank).sort((a, b) => a - b);
  const median =
    n === 0
      ? 0
      : n % 2
        ? (ranks[(n - 1) / 2] as number)
        : ((ranks[n / 2 - 1] as number) + (ranks[n / 2] as number)) / 2;
  const recall = (position: number) => mean((r) => (r.recallHits[position] as number) / r.positives);
  return {
    queries: n,
    mrr: mean((r) => 1 / r.firstRank),
    'hits@1': mean((r) => (r.firstRank <= 1 ? 1 : 0)),
    'hits@3': mean((r) => (r.firstRank <= 3 ? 1 : 0)),
    'hits@10': mean((r) => (r.firstRank <= 10 ? 1 : 0)),
    'recall@1': recall(0),
    'recall@5': recall(1),
    'recall@10': recall(2),
    'recall@20': recall(3),
    medianRank: median,
    candidates,
  };
}
