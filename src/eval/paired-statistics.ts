import { createRandom } from '../molecules/ga/random.js';

/** Two-sided exact binomial sign test, p = 0.5, ties dropped. */
export function signTest(wins: number, losses: number): number {
  const trials = wins + losses;
  if (trials === 0) return 1;
  const smaller = Math.min(wins, losses);
  let logChoose = 0;
  let tail = 0;
  for (let k = 0; k <= smaller; k += 1) {
    if (k > 0) logChoose += Math.log(trials - k + 1) - Math.log(k);
    tail += Math.exp(logChoose - trials * Math.LN2);
  }
  return Math.min(1, 2 * tail);
}

/**
 * Wilcoxon signed-rank test of paired differences, two-sided: zero differences dropped, tied
 * magnitudes given their average rank, the normal approximation with tie and continuity
 * corrections (good from about 10 non-zero pairs; the benchmark has ≥ 100).
 */
export function wilcoxonSignedRank(
  differences: readonly number[],
  tolerance = 1e-9,
): { statistic: number; pValue: number; n: number } {
  const nonZero = differences.filter((value) => Math.abs(value) > tolerance);
  const n = nonZero.length;
  if (n === 0) return { statistic: 0, pValue: 1, n: 0 };
  const order = nonZero
    .map((value, index) => ({ magnitude: Math.abs(value), positive: value > 0, index }))
    .sort((left, right) => left.magnitude - right.magnitude);
  let positiveRanks = 0;
  let tieCorrection = 0;
  for (let start = 0; start < order.length;) {
    let end = start;
    while (
      end + 1 < order.length &&
      Math.abs(order[end + 1]!.magnitude - order[start]!.magnitude) <= tolerance
    )
      end += 1;
    const rank = (start + end) / 2 + 1;
    const tied = end - start + 1;
    if (tied > 1) tieCorrection += tied ** 3 - tied;
    for (let position = start; position <= end; position += 1)
      if (order[position]!.positive) positiveRanks += rank;
    start = end + 1;
  }
  const expected = (n * (n + 1)) / 4;
  const variance = (n * (n + 1) * (2 * n + 1)) / 24 - tieCorrection / 48;
  if (variance <= 0) return { statistic: positiveRanks, pValue: 1, n };
  const z = (Math.abs(positiveRanks - expected) - 0.5) / Math.sqrt(variance);
  return { statistic: positiveRanks, pValue: Math.min(1, 2 * (1 - normalCdf(Math.max(0, z)))), n };
}

/** Percentile bootstrap 95 % CI of the mean, resampling pairs (targets) with a seeded PRNG. */
export function bootstrapMeanCi(values: readonly number[], resamples = 2000, seed = 0): [number, number] {
  if (values.length === 0) return [0, 0];
  const random = createRandom(seed);
  const means = new Float64Array(resamples);
  for (let draw = 0; draw < resamples; draw += 1) {
    let sum = 0;
    for (let index = 0; index < values.length; index += 1) sum += values[random.int(values.length)]!;
    means[draw] = sum / values.length;
  }
  means.sort();
  return [means[Math.floor(0.025 * (resamples - 1))]!, means[Math.ceil(0.975 * (resamples - 1))]!];
}

/** Standard normal CDF (Abramowitz–Stegun 7.1.26 via erf; |error| < 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) *
      t *
      Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}
