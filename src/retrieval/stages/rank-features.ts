import type { FusionWeights } from '../fusion.js';
import type { PlannedRelation } from '../relation-plan.js';
import type { Candidate, Head, RetrievalMethod } from '../retrieval-types.js';
import type { PredictDependencies } from './predict-dependencies.js';

/** Candidates beyond k drawn from each source (bridge search, popularity) before fusing. */
const POOL_PER_SOURCE = 50;

/**
 * Ranks one relation's tails by transfer or by the fused score. The pool is every tail a similar
 * known head votes for, the bridge's top hits and the most popular tails; outside it every
 * component is low, so the pool's top k is the full ranking's top k up to bridge-only outliers.
 */
export async function rankByFeatures(
  dependencies: PredictDependencies,
  head: Head,
  entry: PlannedRelation,
  options: {
    vector: Float32Array;
    transformed: Float32Array | undefined;
    weights: FusionWeights;
    method: Exclude<RetrievalMethod, 'bridge'>;
    k: number;
    signal: AbortSignal | undefined;
  },
): Promise<{ nodeIndex: number; candidate: Candidate }[]> {
  const { weights, transformed, k } = options;
  const transfer = await dependencies.transfer.score(head.type, entry, options.vector, {
    excludeNode: head.entity?.nodeIndex,
  });
  const exclude = head.entity && entry.tailType === head.type ? head.entity.nodeIndex : undefined;
  const pool = new Set<number>(transfer.votes.keys());
  for (const tail of transfer.topPrior(k + POOL_PER_SOURCE)) pool.add(tail);
  const bridgeScores = new Map<number, number>();
  if (transformed) {
    const hits = await dependencies.store.search(entry.tailType, transformed, {
      k: k + POOL_PER_SOURCE,
      column: 'projected',
      ...(exclude === undefined ? {} : { excludeIndices: new Set([exclude]) }),
    });
    for (const hit of hits) {
      bridgeScores.set(hit.nodeIndex, hit.score);
      pool.add(hit.nodeIndex);
    }
    // The bridge's score of tails found by the other sources matters only when it is weighted.
    const missing = [...pool].filter((tail) => !bridgeScores.has(tail));
    if (weights.bridge > 0 && missing.length > 0) {
      const rows = await dependencies.facts.rowsOf(
        entry.tailType,
        missing.sort((left, right) => left - right),
      );
      for (const [tail, row] of rows)
        if (row.projected) bridgeScores.set(tail, cosine(transformed, row.projected));
    }
  }
  options.signal?.throwIfAborted();
  if (exclude !== undefined) pool.delete(exclude);

  let maxVotes = 0;
  for (const { score } of transfer.votes.values()) maxVotes = Math.max(maxVotes, score);
  const scored = [...pool].map((tail) => {
    const votes = transfer.votes.get(tail);
    const transferScore = votes && maxVotes > 0 ? votes.score / maxVotes : 0;
    const prior = transfer.prior(tail);
    const bridge = bridgeScores.get(tail) ?? null;
    const fused =
      weights.transfer * transferScore +
      weights.prior * prior +
      (bridge === null ? 0 : weights.bridge * bridge);
    return { tail, transferScore, prior, bridge, fused, voters: votes?.voters ?? [] };
  });
  const rankScore = (item: (typeof scored)[number]) =>
    options.method === 'transfer' ? item.transferScore : item.fused;
  const ranked = scored
    .filter((item) => options.method !== 'transfer' || item.transferScore > 0)
    .sort(
      (left, right) =>
        rankScore(right) - rankScore(left) || right.prior - left.prior || left.tail - right.tail,
    )
    .slice(0, k);
  return ranked.map((item) => ({
    nodeIndex: item.tail,
    candidate: {
      relation: entry.relation,
      score: rankScore(item),
      fromBridge: true,
      known: false,
      scores: { bridge: item.bridge, transfer: item.transferScore, prior: item.prior, fused: item.fused },
      voters: [...item.voters].sort((left, right) => right.similarity - left.similarity).slice(0, 5),
    },
  }));
}

function cosine(left: Float32Array, right: Float32Array): number {
  if (left.length !== right.length) return 0;
  let dot = 0;
  let leftNorm = 0;
  let rightNorm = 0;
  for (let index = 0; index < left.length; index++) {
    dot += left[index]! * right[index]!;
    leftNorm += left[index]! * left[index]!;
    rightNorm += right[index]! * right[index]!;
  }
  return leftNorm === 0 || rightNorm === 0 ? 0 : dot / Math.sqrt(leftNorm * rightNorm);
}
