import { AppError } from '../errors.js';
import type { KgGraph } from '../kg/graph.js';

/** One (head type, relation, tail type) the bridge is asked about, with the KG edge kinds behind it. */
export interface PlannedRelation {
  headType: string;
  /** BioBridge relation key: PrimeKG's `display_relation`, e.g. `target`. */
  relation: string;
  tailType: string;
  /** Edge kinds (ids into `graph.edgeKinds`) with this display relation between the two types. */
  kindIds: number[];
  /** PrimeKG `relation` values of those kinds, e.g. `drug_protein`. */
  kgRelations: string[];
}

/**
 * Relations used when the caller names none, where using every KG relation would dilute the
 * answer: drug–protein edges are mostly `target`; `enzyme`, `transporter` and `carrier` are
 * pharmacokinetics and only used when asked for.
 */
const PRIMARY_RELATIONS: Readonly<Record<string, readonly string[]>> = {
  'drug|gene/protein': ['target'],
  'gene/protein|drug': ['target'],
};

/** Tail types the KG links `headType` to, in registry order. */
export function tailTypesOf(graph: KgGraph, headType: string): string[] {
  const tails = new Set(
    graph.edgeKinds.filter((kind) => kind.headType === headType).map((kind) => kind.tailType),
  );
  return graph.registry.nodeTypes.filter((type) => tails.has(type));
}

/** Display relations the KG has from `headType` to `tailType`, in registry order. */
export function relationsBetween(graph: KgGraph, headType: string, tailType: string): string[] {
  const relations = new Set(
    graph.edgeKinds
      .filter((kind) => kind.headType === headType && kind.tailType === tailType)
      .map((kind) => kind.displayRelation),
  );
  return graph.registry.relations.filter((relation) => relations.has(relation));
}

export interface PlanOptions {
  /** Relations asked for; default: the primary ones, else every one the KG has between the types. */
  relations?: readonly string[] | undefined;
  /** Prefix for field names in error messages, e.g. `body.`. */
  fieldPrefix?: string;
}

/**
 * Which relations to query for a head type and target types, derived from the KG's edge kinds.
 * Every target type must be reachable by at least one relation and every named relation must
 * apply to at least one target type; otherwise the request is a `BAD_REQUEST` naming what exists.
 */
export function planRelations(
  graph: KgGraph,
  headType: string,
  targetTypes: readonly string[],
  options: PlanOptions = {},
): PlannedRelation[] {
  const prefix = options.fieldPrefix ?? '';
  const asked = options.relations;
  asked?.forEach((relation, position) => {
    if (graph.registry.relationId(relation) === undefined)
      throw new AppError({
        code: 'BAD_REQUEST',
        message: `${prefix}relations[${position}]: unknown relation "${relation}"; known relations: ${graph.registry.relations.join(', ')}`,
        details: { field: `${prefix}relations[${position}]`, value: relation },
      });
  });

  const plan: PlannedRelation[] = [];
  const used = new Set<string>();
  for (const tailType of targetTypes) {
    const available = relationsBetween(graph, headType, tailType);
    if (available.length === 0)
      throw new AppError({
        code: 'BAD_REQUEST',
        message: `${prefix}targetTypes: the knowledge graph has no relation from ${headType} to ${tailType}; ${headType} links to ${tailTypesOf(graph, headType).join(', ') || 'nothing'}`,
        details: { field: `${prefix}targetTypes`, headType, tailType },
      });
    const primary = PRIMARY_RELATIONS[`${headType}|${tailType}`]?.filter((relation) =>
      available.includes(relation),
    );
    const chosen = asked
      ? available.filter((relation) => asked.includes(relation))
      : primary && primary.length > 0
        ? primary
        : available;
    if (chosen.length === 0)
      throw new AppError({
        code: 'BAD_REQUEST',
        message: `${prefix}relations: none of ${asked!.map((relation) => `"${relation}"`).join(', ')} joins ${headType} to ${tailType} in the knowledge graph; it has ${available.map((relation) => `"${relation}"`).join(', ')}`,
        details: { field: `${prefix}relations`, headType, tailType, available },
      });
    for (const relation of chosen) {
      used.add(relation);
      const kinds = graph.edgeKinds.filter(
        (kind) =>
          kind.headType === headType && kind.tailType === tailType && kind.displayRelation === relation,
      );
      plan.push({
        headType,
        relation,
        tailType,
        kindIds: kinds.map((kind) => kind.id),
        kgRelations: [...new Set(kinds.map((kind) => kind.relation))],
      });
    }
  }
  asked?.forEach((relation, position) => {
    if (!used.has(relation))
      throw new AppError({
        code: 'BAD_REQUEST',
        message: `${prefix}relations[${position}]: "${relation}" does not join ${headType} to ${targetTypes.join(' or ')} in the knowledge graph`,
        details: { field: `${prefix}relations[${position}]`, value: relation, headType, targetTypes },
      });
  });
  return plan;
}
