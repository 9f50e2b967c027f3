import { createRandom } from '../molecules/ga/random.js';

/**
 * Statistics for link-prediction benchmarks whose queries own several links: filtered ranks,
 * cluster-bootstrap confidence intervals (queries resampled, so links of one query stay together)
 * and Spearman's ρ.
 */

/**
 * Filtered rank (1-based) of candidate `target`: other true candidates (`positives`) are skipped;
 * ties count half, so a constant score ranks in the middle.
 */
export function filteredRank(scores: Float32Array, target: number, positives: ReadonlySet<number>): number {
  const score = scores[target]!;
  let greater = 0;
  let equal = 0;
  for (let i = 0; i < scores.length; i++) {
    if (i === target || positives.has(i)) continue;
    if (scores[i]! > score) greater++;
    else if (scores[i] === score) equal++;
  }
  return 1 + greater + equal / 2;
}

export interface Interval {
  value: number;
  low: number;
  high: number;
}

export interface RankSummary {
  queries: number;
  links: number;
  mrr: Interval;
  'hits@10': Interval;
  'recall@50': Interval;
}

/**
 * Link-level MRR, Hits@10 and Recall@50 (share of held-out links ranked in the top 50) from the
 * ranks of each query's links, with 95 % percentile intervals from `resamples` cluster-bootstrap
 * draws over queries.
 */
export function summarizeRanks(
  ranksByQuery: readonly (readonly number[])[],
  resamples = 1000,
  seed = 7,
): RankSummary {
  const measures = {
    mrr: (rank: number) => 1 / rank,
    'hits@10': (rank: number) => (rank <= 10 ? 1 : 0),
    'recall@50': (rank: number) => (rank <= 50 ? 1 : 0),
  };
  const summary = (name: keyof typeof measures): Interval => {
    const sums = ranksByQuery.map((ranks) => ranks.reduce((total, rank) => total + measures[name](rank), 0));
    const counts = ranksByQuery.map((ranks) => ranks.length);
    return clusterBootstrap(sums, counts, resamples, seed);
  };
  return {
    queries: ranksByQuery.length,
    links: ranksByQuery.reduce((total, ranks) => total + ranks.length, 0),
    mrr: summary('mrr'),
    'hits@10': summary('hits@10'),
    'recall@50': summary('recall@50'),
  };
}

/** Ratio estimate Σsums / Σcounts with a 95 % percentile interval over resampled clusters. */
export function clusterBootstrap(
  sums: readonly number[],
  counts: readonly number[],
  resamples: number,
  seed: number,
): Interval {
  const total = (indices: Iterable<number>) => {
    let sum = 0;
    let count = 0;
    for (const index of indices) {
      sum += sums[index]!;
      count += counts[index]!;
    }
    return count === 0 ? 0 : sum / count;
  };
  const n = sums.length;
  const value = total(sums.keys());
  if (n === 0) return { value, low: value, high: value };
  const random = createRandom(seed);
  const draws: number[] = [];
  for (let draw = 0; draw < resamples; draw++)
    draws.push(total(Array.from({ length: n }, () => random.int(n))));
  return { value, ...percentileInterval(draws) };
}

export function percentileInterval(draws: readonly number[]): { low: number; high: number } {
  const sorted = [...draws].sort((a, b) => a - b);
  const at = (q: number) =>
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.floor(q * (sorted.length - 1))))]!;
  return { low: at(0.025), high: at(0.975) };
}

/** Ranks 1..n with ties given their mean rank. */
export function averageRanks(values: readonly number[]): number[] {
  const order = values.map((value, index) => ({ value, index })).sort((a, b) => a.value - b.value);
  const ranks = new Array<number>(values.length);
  for (let start = 0; start < order.length;) {
    let end = start;
    while (end + 1 < order.length && order[end + 1]!.value === order[start]!.value) end++;
    const rank = (start + end) / 2 + 1;
    for (let position = start; position <= end; position++) ranks[order[position]!.index] = rank;
    start = end + 1;
  }
  return ranks;
}

export function pearson(x: readonly number[], y: readonly number[]): number {
  const n = x.length;
  if (n < 2) return Number.NaN;
  const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / n;
  const mx = mean(x);
  const my = mean(y);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
    syy += (y[i]! - my) ** 2;
  }
  return sxx === 0 || syy === 0 ? Number.NaN : sxy / Math.sqrt(sxx * syy);
}

export function spearman(x: readonly number[], y: readonly number[]): number {
  return pearson(averageRanks(x), averageRanks(y));
}

/** Spearman's ρ with a 95 % percentile interval over `resamples` bootstrap draws of the pairs. */
export function spearmanWithInterval(
  x: readonly number[],
  y: readonly number[],
  resamples = 1000,
  seed = 11,
): Interval & { n: number } {
  const value = spearman(x, y);
  const n = x.length;
  const random = createRandom(seed);
  const draws: number[] = [];
  for (let draw = 0; draw < resamples && n > 2; draw++) {
    const picks = Array.from({ length: n }, () => random.int(n));
    const rho = spearman(
      picks.map((i) => x[i]!),
      picks.map((i) => y[i]!),
    );
    if (Number.isFinite(rho)) draws.push(rho);
  }
  return {
    value,
    n,
    ...(draws.length > 0 ? percentileInterval(draws) : { low: Number.NaN, high: Number.NaN }),
  };
}
