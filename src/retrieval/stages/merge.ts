import type { KgGraph } from '../../kg/graph.js';
import type { NodeRow } from '../../store/vector-store.js';
import type { FusionWeightsUsed } from '../fusion.js';
import type { PlannedRelation } from '../relation-plan.js';
import type { RetrievalRequest } from '../retrieval-request.js';
import {
  preview,
  type Candidate,
  type Explanation,
  type Head,
  type HitScores,
  type RetrievalMethod,
  type ResolvedQuery,
  type RetrievalResult,
} from '../retrieval-types.js';

interface MergedResult {
  nodeIndex: number;
  score: number | null;
  relation: string;
  known: boolean;
  knownRelations: string[];
  source: RetrievalMethod | 'kg';
  predicted: boolean;
  scores: HitScores;
  voters: readonly { nodeIndex: number; similarity: number }[];
  /** Set when the ligand-target model contributed most to the fused score. */
  ligandModelScore: number | undefined;
}

/** Scores of a hit no ranking component computed. */
export const NO_SCORES: HitScores = { bridge: null, transfer: null, prior: null, fused: null };

export type UnrankedResult = Omit<RetrievalResult, 'rank'>;

/**
 * Stage 5 of retrieval, per tail type: one result per entity, the bridge's top k, then KG facts the
 * bridge did not rank (up to `maxKnown`).
 */
export function mergeTail(
  graph: KgGraph,
  tailType: string,
  candidates: ReadonlyMap<number, readonly Candidate[]>,
  known: ReadonlyMap<number, ReadonlySet<string>>,
  context: {
    request: RetrievalRequest;
    head: Head;
    method: RetrievalMethod;
    rows: ReadonlyMap<number, NodeRow>;
    previewCharacters: number;
  },
): UnrankedResult[] {
  const { request, rows } = context;
  const merged = [...candidates].map(([nodeIndex, list]) =>
    mergeCandidates(nodeIndex, list, known.get(nodeIndex), graph),
  );
  const bridgeRanked = merged
    .filter((result) => result.predicted)
    .sort(compareResults)
    .slice(0, request.k);
  const ranked = new Set(bridgeRanked.map((result) => result.nodeIndex));
  // The request schema makes includeKnown true whenever includePredicted is false.
  const knownOnly = request.includeKnown
    ? merged
        .filter((result) => !ranked.has(result.nodeIndex) && result.known)
        .sort(compareResults)
        .slice(0, request.maxKnown)
    : [];
  const selected = [
    ...(request.includePredicted
      ? bridgeRanked.map((result) => ({ ...result, source: context.method }))
      : []),
    ...knownOnly.map((result) => ({ ...result, source: 'kg' as const })),
  ];
  return selected.map((result) => {
    const node = graph.node(result.nodeIndex);
    const row = rows.get(result.nodeIndex);
    return {
      score: result.score,
      type: tailType,
      id: node?.id ?? row?.nodeId ?? String(result.nodeIndex),
      name: node?.name ?? row?.name ?? String(result.nodeIndex),
      nodeIndex: result.nodeIndex,
      known: result.known,
      relation: result.relation,
      knownRelations: result.knownRelations,
      source: result.source,
      scores: result.scores,
      explanation: explain(graph, context.head, tailType, result),
      payloadKind: row?.payloadKind ?? null,
      payloadPreview: preview(row?.payload ?? null, context.previewCharacters),
    };
  });
}

/** KG facts first (they are established), then predictions; each by bridge score; ranks assigned. */
export function rankResults(results: UnrankedResult[], targetTypes: readonly string[]): RetrievalResult[] {
  results.sort(
    (left, right) =>
      Number(right.known) - Number(left.known) ||
      compareScores(left.score, right.score) ||
      targetTypes.indexOf(left.type) - targetTypes.indexOf(right.type) ||
      left.nodeIndex - right.nodeIndex,
  );
  return results.map((result, position) => ({ rank: position + 1, ...result }));
}

/** The response's description of what was searched. */
export function describeQuery(
  head: Head,
  request: RetrievalRequest,
  plan: { targetTypes: string[]; relations: readonly PlannedRelation[] },
  outcome: {
    unavailable: string | undefined;
    knownTotal: number;
    method: RetrievalMethod;
    fusion?: readonly FusionWeightsUsed[] | undefined;
  },
): ResolvedQuery {
  const { unavailable } = outcome;
  return {
    kind: head.kind,
    headType: head.type,
    entity: head.entity,
    inputPreview: head.input ? preview(head.input.value)! : undefined,
    targetTypes: plan.targetTypes,
    relations: plan.relations.map(({ headType, relation, tailType, kgRelations }) => ({
      headType,
      relation,
      tailType,
      kgRelations,
    })),
    k: request.k,
    maxKnown: request.maxKnown,
    includeKnown: request.includeKnown,
    includePredicted: request.includePredicted,
    predictions:
      request.includePredicted && unavailable === undefined
        ? { available: true }
        : { available: false, reason: request.includePredicted ? unavailable! : 'not requested' },
    knownTotal: outcome.knownTotal,
    method: outcome.method,
    fusion: outcome.fusion && outcome.fusion.length > 0 ? [...outcome.fusion] : undefined,
  };
}

/** Why a result is there: its KG edge, else the known entities that voted for it, else the bridge or the prior. */
function explain(graph: KgGraph, head: Head, tailType: string, result: MergedResult): Explanation {
  const tail = graph.node(result.nodeIndex);
  const tailName = tail?.name ?? String(result.nodeIndex);
  if (result.known && head.entity) {
    const relation = result.knownRelations[0] ?? result.relation;
    return {
      kind: 'kg',
      text: `KG edge: ${head.entity.name} —${relation}→ ${tailName}`,
      relation,
      path: [
        {
          nodeIndex: head.entity.nodeIndex,
          id: head.entity.id,
          name: head.entity.name,
          type: head.entity.type,
        },
        {
          nodeIndex: result.nodeIndex,
          id: tail?.id ?? String(result.nodeIndex),
          name: tailName,
          type: tailType,
        },
      ],
    };
  }
  const voters = result.voters.map((voter) => {
    const node = graph.node(voter.nodeIndex);
    return {
      nodeIndex: voter.nodeIndex,
      id: node?.id ?? String(voter.nodeIndex),
      name: node?.name ?? String(voter.nodeIndex),
      similarity: voter.similarity,
    };
  });
  if (result.ligandModelScore !== undefined) {
    const agreeing = topVoters(voters);
    return {
      kind: 'ligand-model',
      text: `predicted by the ligand-target model (ligand-model score ${result.ligandModelScore.toFixed(2)} of 1 for ${result.relation}, learned from the fingerprints of known drugs; a ranking score, not a calibrated probability)${agreeing ? `; similar known drugs with this ${result.relation}: ${agreeing}` : ''}`,
      score: result.ligandModelScore,
      probability: result.ligandModelScore,
      voters,
    };
  }
  if (voters.length > 0) {
    const listed = topVoters(voters);
    return {
      kind: 'transfer',
      text: `${result.relation} of ${voters.length === 1 ? 'a similar known entity' : `${voters.length} similar known entities`}: ${listed}`,
      voters,
    };
  }
  if (
    result.scores.bridge !== null &&
    (result.source === 'bridge' || result.scores.prior === null || result.scores.bridge > 0)
  )
    return {
      kind: 'bridge',
      text: `bridge score ${result.scores.bridge.toFixed(3)} (cosine in the ${tailType} space over ${result.relation})`,
    };
  return {
    kind: 'prior',
    text: `no similar known entity links to it; ranked by how often the KG links ${tailType} nodes over ${result.relation} (prior ${(result.scores.prior ?? 0).toFixed(2)})`,
  };
}

/**
 * One result per entity: known entities are reported under their best-scoring KG relation, others
 * under their best-scoring predicted relation.
 */
function mergeCandidates(
  nodeIndex: number,
  candidates: readonly Candidate[],
  knownRelations: ReadonlySet<string> | undefined,
  graph: KgGraph,
): MergedResult {
  const relationOrder = (relation: string) => graph.registry.relationId(relation) ?? Number.MAX_SAFE_INTEGER;
  const pool = candidates.some((candidate) => candidate.known)
    ? candidates.filter((candidate) => candidate.known)
    : candidates;
  const best = [...pool].sort(
    (left, right) =>
      compareScores(left.score, right.score) || relationOrder(left.relation) - relationOrder(right.relation),
  )[0]!;
  return {
    nodeIndex,
    score: best.score,
    relation: best.relation,
    known: knownRelations !== undefined && knownRelations.size > 0,
    knownRelations: [...(knownRelations ?? [])].sort(
      (left, right) => relationOrder(left) - relationOrder(right),
    ),
    predicted: candidates.some((candidate) => candidate.fromBridge),
    source: candidates.some((candidate) => candidate.fromBridge) ? 'bridge' : 'kg',
    scores: best.scores ?? (best.score === null ? NO_SCORES : { ...NO_SCORES, bridge: best.score }),
    voters: best.voters ?? [],
    ligandModelScore: best.ligandModelScore,
  };
}

/** Higher scores first; null (unscored) last. */
function compareScores(left: number | null, right: number | null): number {
  if (left === right) return 0;
  if (left === null) return 1;
  if (right === null) return -1;
  return right - left;
}

function compareResults(left: MergedResult, right: MergedResult): number {
  return (
    compareScores(left.score, right.score) ||
    Number(right.known) - Number(left.known) ||
    left.nodeIndex - right.nodeIndex
  );
}

/** The three most similar voters, as `name (similarity)`, for the explanation text. */
function topVoters(voters: readonly { name: string; similarity: number }[]): string {
  return voters
    .slice(0, 3)
    .map((voter) => `${voter.name} (${voter.similarity.toFixed(2)})`)
    .join(', ');
}
