import { describe, expect, it } from 'vitest';
import { rankQuery, summarize } from '../../src/eval/metrics.js';
import { normalizeRows, scoreAgainst } from '../../src/eval/similarity.js';

describe('rankQuery', () => {
  it('ranks the best true candidate and counts recall hits', () => {
    // candidates 0..5; true tails at positions 2 and 5
    const scores = Float32Array.from([0.9, 0.1, 0.8, 0.3, 0.95, 0.2]);
    const ranking = rankQuery(scores, [2, 5]);
    expect(ranking.firstRank).toBe(3); // 0.95, 0.9 are above 0.8
    // k = 1, 5, 10, 20: the top 5 are 0.95, 0.9, 0.8, 0.3, 0.2 and hold both true tails
    expect(ranking.recallHits).toEqual([0, 2, 2, 2]);
  });

  it('averages ties so that constant scores rank in the middle', () => {
    const scores = new Float32Array(101).fill(0.5);
    expect(rankQuery(scores, [7]).firstRank).toBe(51);
  });

  it('counts a true candidate tied at the k-th score by its share of the remaining slots', () => {
    // one candidate above the tie, four tied at 0 (two of them true): 0 slots at k=1, 4 at k=5
    const scores = Float32Array.from([0.9, 0, 0, 0, 0]);
    expect(rankQuery(scores, [1, 2]).recallHits).toEqual([0, 2, 2, 2]);
    // five tied with six candidates and k = 5: 4 slots for 5 tied candidates
    const six = Float32Array.from([0.9, 0, 0, 0, 0, 0]);
    expect(rankQuery(six, [1, 2]).recallHits[1]).toBeCloseTo((2 * 4) / 5, 10);
    // constant scores: recall@1 is 1 / candidates, not 1
    const constant = new Float32Array(40).fill(0.5);
    const ranking = rankQuery(constant, [3]);
    expect(ranking.recallHits.map((hits) => Number(hits.toFixed(6)))).toEqual([0.025, 0.125, 0.25, 0.5]);
    expect(
      rankQuery(
        constant,
        [3],
        Uint8Array.from({ length: 40 }, (_, i) => (i < 10 ? 1 : 0)),
      ).recallHits,
    ).toEqual([0.1, 0.5, 1, 1]);
  });

  it('ignores candidates that are not allowed', () => {
    const scores = Float32Array.from([0.9, 0.8, 0.7]);
    const allowed = Uint8Array.from([0, 1, 1]);
    expect(rankQuery(scores, [1], allowed).firstRank).toBe(1);
  });
});

describe('summarize', () => {
  it('computes MRR, hits and recall as BioBridge defines them', () => {
    const rankings = [
      { firstRank: 1, recallHits: [1, 1, 2, 2], positives: 2 },
      { firstRank: 4, recallHits: [0, 1, 1, 1], positives: 1 },
    ];
    const summary = summarize(rankings, 100);
    expect(summary.mrr).toBeCloseTo((1 + 0.25) / 2, 10);
    expect(summary['hits@1']).toBe(0.5);
    expect(summary['hits@3']).toBe(0.5);
    expect(summary['hits@10']).toBe(1);
    expect(summary['recall@1']).toBeCloseTo(0.25, 10);
    expect(summary['recall@10']).toBeCloseTo(1, 10);
    expect(summary.medianRank).toBe(2.5);
  });
});

describe('similarity kernels', () => {
  it('normalises rows and scores by cosine', () => {
    const candidates = normalizeRows(Float32Array.from([3, 4, 0, 0, 0, 2, 1, 1, 1]), 3);
    const query = normalizeRows(Float32Array.from([0, 0, 5]), 3);
    const out = scoreAgainst(query, 0, candidates, 3, new Float32Array(3));
    expect(out[0]).toBeCloseTo(0, 6);
    expect(out[1]).toBeCloseTo(1, 6);
    expect(out[2]).toBeCloseTo(1 / Math.sqrt(3), 6);
  });
});
