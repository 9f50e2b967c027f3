import { describe, expect, it } from 'vitest';
import {
  comparePaired,
  fitFusionWeights,
  fusedScores,
  ranksOf,
  type FusionQuery,
} from '../../src/eval/variant-fusion.js';
import { createRandom } from '../../src/molecules/ga/random.js';

/** 40 queries over 30 candidates: the learned cosine is noise, the positional signal names the truth. */
function queries(): FusionQuery[] {
  const random = createRandom(3);
  return Array.from({ length: 40 }, (_, query) => {
    const truth = query % 30;
    const learned = Float32Array.from({ length: 30 }, () => random.next() * 0.2);
    const positional = new Float32Array(30);
    positional[truth] = 2;
    positional[(truth + 1) % 30] = 1;
    return {
      learned,
      positional,
      geneProxy: new Float32Array(30),
      popularity: Float32Array.from({ length: 30 }, (_, i) => 30 - i),
      positives: new Set([truth]),
    };
  });
}

describe('fused variant ranking', () => {
  it('scales each signal to [0, 1] per query and adds it to the cosine with its weight', () => {
    const query = queries()[0]!;
    const fused = fusedScores(query, { positional: 0.5, geneProxy: 0.3, popularity: 0 });
    expect(fused[0]).toBeCloseTo(query.learned[0]! + 0.5, 6);
    expect(fused[1]).toBeCloseTo(query.learned[1]! + 0.25, 6);
    expect(fused[2]).toBeCloseTo(query.learned[2]!, 6);
  });

  it('fits a positive positional weight where positional neighbours carry the answer, and no popularity', () => {
    const fit = fitFusionWeights(queries());
    expect(fit.weights.positional).toBeGreaterThan(0);
    expect(fit.weights.popularity).toBe(0);
    expect(fit.hits10).toBe(1);
    expect(fit.mrr).toBe(1);
  });

  it('compares two rankings pairwise: ratio, difference and sign counts over queries', () => {
    const all = queries();
    const learned = ranksOf(all, (query) => query.learned);
    const fused = ranksOf(all, (query) => fusedScores(query, fitFusionWeights(all).weights));
    const pair = comparePaired('fused', 'learned', fused, learned, 200);
    const learnedHits = learned.flat().filter((rank) => rank <= 10).length;
    expect(pair.ratio.value).toBeCloseTo(40 / learnedHits, 9);
    expect(pair.difference.value).toBeCloseTo((40 - learnedHits) / 40, 9);
    expect(pair.wins).toBe(40 - learnedHits);
    expect(pair.losses).toBe(0);
    expect(pair.wilcoxon.pValue).toBeLessThan(0.001);
    expect(pair.difference.low).toBeGreaterThan(0);
  });
});
