import type { KgGraph } from '../../kg/graph.js';
import type { NodeRow } from '../../store/vector-store.js';
import type { PlannedRelation } from '../relation-plan.js';
import type { RetrievalRequest } from '../retrieval-request.js';
import {
  preview,
  type Candidate,
  type Head,
  type ResolvedQuery,
  type RetrievalResult,
} from '../retrieval-types.js';

interface MergedResult {
  nodeIndex: number;
  score: number | null;
  relation: string;
  known: boolean;
  knownRelations: string[];
  source: 'bridge' | 'kg';
}

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
  context: { request: RetrievalRequest; rows: ReadonlyMap<number, NodeRow>; previewCharacters: number },
): UnrankedResult[] {
  const { request, rows } = context;
  const merged = [...candidates].map(([nodeIndex, list]) =>
    mergeCandidates(nodeIndex, list, known.get(nodeIndex), graph),
  );
  const bridgeRanked = merged
    .filter((result) => result.source === 'bridge')
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
    ...(request.includePredicted ? bridgeRanked : []),
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
  outcome: { unavailable: string | undefined; knownTotal: number },
): ResolvedQuery {
  const { unavailable } = outcome;
  return {
    kind: head.kind,
    headType: head.type,
    ...(head.entity ? { entity: head.entity } : {}),
    ...(head.input ? { inputPreview: preview(head.input.value)! } : {}),
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
    source: candidates.some((candidate) => candidate.fromBridge) ? 'bridge' : 'kg',
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
