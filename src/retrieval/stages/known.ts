import { cosineOfSameLength } from '../../encoders/vector-math.js';
import type { KgGraph } from '../../kg/graph.js';
import type { NodeRow } from '../../store/vector-store.js';
import type { PlannedRelation } from '../relation-plan.js';
import { candidatesOf, type CandidatesByTail, type Head } from '../retrieval-types.js';

/** Per tail type: each KG neighbour of the head over the planned relations, with those relations. */
export type KnownByTail = Map<string, Map<number, Set<string>>>;

/** Stage 4 of retrieval: the head entity's KG facts over the planned relations. */
export function knownFacts(
  graph: KgGraph,
  head: Head,
  plan: readonly PlannedRelation[],
): { byTail: KnownByTail; total: number } {
  const byTail: KnownByTail = head.entity
    ? knownNeighbours(graph, head.entity.nodeIndex, plan)
    : new Map<string, Map<number, Set<string>>>();
  let total = 0;
  for (const perTail of byTail.values()) total += perTail.size;
  return { byTail, total };
}

function knownNeighbours(graph: KgGraph, nodeIndex: number, plan: readonly PlannedRelation[]): KnownByTail {
  const relationOfKind = new Map<number, PlannedRelation>();
  for (const entry of plan) for (const kindId of entry.kindIds) relationOfKind.set(kindId, entry);
  const byTail: KnownByTail = new Map();
  for (const neighbour of graph.neighbours(nodeIndex)) {
    const entry = relationOfKind.get(neighbour.kind);
    if (!entry) continue;
    let perTail = byTail.get(entry.tailType);
    if (!perTail) byTail.set(entry.tailType, (perTail = new Map<number, Set<string>>()));
    let relations = perTail.get(neighbour.node);
    if (!relations) perTail.set(neighbour.node, (relations = new Set()));
    relations.add(entry.relation);
  }
  return byTail;
}

/**
 * Marks bridge hits that are KG facts, and adds the KG facts the bridge did not rank, scored from
 * their stored projections when the bridge transformed the head.
 */
export function addKnownCandidates(
  candidates: CandidatesByTail,
  tailType: string,
  known: ReadonlyMap<number, ReadonlySet<string>>,
  context: {
    wanted: ReadonlySet<number>;
    rows: ReadonlyMap<number, NodeRow>;
    plan: readonly PlannedRelation[];
    transformed: ReadonlyMap<PlannedRelation, Float32Array>;
  },
): void {
  for (const [nodeIndex, relations] of known) {
    if (!context.wanted.has(nodeIndex)) continue;
    const list = candidatesOf(candidates, tailType, nodeIndex);
    for (const relation of relations) {
      const entry = context.plan.find((each) => each.tailType === tailType && each.relation === relation)!;
      const query = context.transformed.get(entry);
      const projected = context.rows.get(nodeIndex)?.projected;
      const fromBridge = list.find((candidate) => candidate.relation === relation && candidate.fromBridge);
      if (fromBridge) fromBridge.known = true;
      else
        list.push({
          relation,
          score: query && projected ? (cosineOfSameLength(query, projected) ?? null) : null,
          fromBridge: false,
          known: true,
        });
    }
  }
}
