import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { rankQuery, summarize } from '../../src/eval/metrics.js';

// The same fixture is scored by the Python port (train/tests/test_ranking_metrics.py), so the KGE
// baselines' report and the retrieval benchmark share one metric definition.
interface Fixture {
  candidates: number;
  queries: { scores: number[]; positives: number[]; allowed?: number[] }[];
  expected: { rankings: unknown[]; summary: Record<string, number> };
}
const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/eval/ranking-metrics.json', import.meta.url), 'utf8'),
) as Fixture;

describe('ranking metrics fixture shared with the Python trainer', () => {
  it('gives the recorded per-query rankings and summary, ties included', () => {
    const rankings = fixture.queries.map((query) =>
      rankQuery(
        Float32Array.from(query.scores),
        query.positives,
        query.allowed ? Uint8Array.from(query.allowed) : undefined,
      ),
    );
    expect(rankings).toEqual(fixture.expected.rankings);
    expect(summarize(rankings, fixture.candidates)).toEqual(fixture.expected.summary);
    expect(rankings.some((ranking) => !Number.isInteger(ranking.firstRank))).toBe(true);
  });
});
