import { describe, expect, it } from 'vitest';
import {
  averageRanks,
  filteredRank,
  spearman,
  spearmanWithInterval,
  summarizeRanks,
} from '../../src/eval/rank-statistics.js';

describe('rank statistics', () => {
  it('ranks a target among candidates, skipping other true ones and counting ties half', () => {
    const scores = Float32Array.of(0.9, 0.5, 0.5, 0.1);
    expect(filteredRank(scores, 1, new Set([0, 1]))).toBe(1.5);
    expect(filteredRank(scores, 1, new Set([1]))).toBe(2.5);
    expect(filteredRank(scores, 3, new Set([3]))).toBe(4);
    expect(filteredRank(new Float32Array(5), 0, new Set([0]))).toBe(3);
  });

  it('gives tied values their mean rank', () => {
    expect(averageRanks([10, 20, 20, 5])).toEqual([2, 3.5, 3.5, 1]);
  });

  it("computes Spearman's rho", () => {
    expect(spearman([1, 2, 3, 4], [10, 20, 30, 1000])).toBeCloseTo(1, 10);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 10);
    // x ranks 1,2,3,4 against y ranks 1.5,1.5,3,4: r = 0.9487
    expect(spearman([1, 2, 3, 4], [7, 7, 8, 9])).toBeCloseTo(0.948683, 5);
    expect(Number.isNaN(spearman([1, 1, 1], [1, 2, 3]))).toBe(true);
  });

  it('puts a bootstrap interval around rho', () => {
    const x = Array.from({ length: 200 }, (_, i) => i);
    const y = x.map((value) => value + ((value * 7919) % 97));
    const rho = spearmanWithInterval(x, y, 200);
    expect(rho.n).toBe(200);
    expect(rho.low).toBeLessThanOrEqual(rho.value);
    expect(rho.high).toBeGreaterThanOrEqual(rho.value);
    expect(rho.low).toBeGreaterThan(0.5);
  });

  it('summarises link ranks per query with cluster-bootstrap intervals', () => {
    const summary = summarizeRanks([[1, 20], [4], [100, 60, 2]], 300);
    expect(summary.queries).toBe(3);
    expect(summary.links).toBe(6);
    expect(summary.mrr.value).toBeCloseTo((1 + 1 / 20 + 1 / 4 + 1 / 100 + 1 / 60 + 1 / 2) / 6, 10);
    expect(summary['hits@10'].value).toBeCloseTo(3 / 6, 10);
    expect(summary['recall@50'].value).toBeCloseTo(4 / 6, 10);
    for (const key of ['mrr', 'hits@10', 'recall@50'] as const) {
      expect(summary[key].low).toBeLessThanOrEqual(summary[key].value);
      expect(summary[key].high).toBeGreaterThanOrEqual(summary[key].value);
    }
    expect(summarizeRanks([[1], [1]], 50).mrr).toEqual({ value: 1, low: 1, high: 1 });
  });
});
