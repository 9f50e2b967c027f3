import { mulberry32 } from '../util/random.js';

/**
 * Percentile bootstrap over queries: 95 % intervals for a mean, and a paired test for the difference
 * of two methods scored on the same queries (resampling queries, not candidates).
 */
export interface Interval {
  estimate: number;
  low: number;
  high: number;
}

export interface PairedComparison extends Interval {
  /** Two-sided bootstrap p-value for "no difference" (share of resamples on the other side of 0, ×2). */
  p: number;
}

export const BOOTSTRAP_RESAMPLES = 1000;

function resampledMeans(values: readonly number[], resamples: number, seed: number): Float64Array {
  const random = mulberry32(seed);
  const n = values.length;
  const means = new Float64Array(resamples);
  for (let sample = 0; sample < resamples; sample++) {
    let sum = 0;
    for (let draw = 0; draw < n; draw++) sum += values[Math.floor(random() * n)]!;
    means[sample] = n ? sum / n : 0;
  }
  return means.sort();
}

function percentile(sorted: Float64Array, fraction: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(fraction * (sorted.length - 1))))]!;
}

const mean = (values: readonly number[]) =>
  values.length ? values.reduce((sum, value) => sum + value, 0) / values.length : 0;

export function bootstrapMean(
  values: readonly number[],
  options: { resamples?: number; seed?: number } = {},
): Interval {
  const means = resampledMeans(values, options.resamples ?? BOOTSTRAP_RESAMPLES, options.seed ?? 1);
  return { estimate: mean(values), low: percentile(means, 0.025), high: percentile(means, 0.975) };
}

/** Difference mean(a) − mean(b) with a paired bootstrap interval and p-value. */
export function pairedBootstrap(
  a: readonly number[],
  b: readonly number[],
  options: { resamples?: number; seed?: number } = {},
): PairedComparison {
  if (a.length !== b.length)
    throw new RangeError(`paired samples differ in size: ${a.length} and ${b.length}`);
  const differences = a.map((value, index) => value - b[index]!);
  const means = resampledMeans(differences, options.resamples ?? BOOTSTRAP_RESAMPLES, options.seed ?? 1);
  let atOrBelow = 0;
  let atOrAbove = 0;
  for (const value of means) {
    if (value <= 0) atOrBelow++;
    if (value >= 0) atOrAbove++;
  }
  const p = Math.min(1, (2 * Math.min(atOrBelow, atOrAbove)) / Math.max(1, means.length));
  return { estimate: mean(differences), low: percentile(means, 0.025), high: percentile(means, 0.975), p };
}
