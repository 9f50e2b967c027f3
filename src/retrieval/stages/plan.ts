import { AppError } from '../../errors.js';
import type { KgGraph } from '../../kg/graph.js';
import { planRelations, tailTypesOf, type PlannedRelation } from '../relation-plan.js';
import type { RetrievalRequest } from '../retrieval-request.js';
import type { Head } from '../retrieval-types.js';

export interface RetrievalPlan {
  targetTypes: string[];
  relations: PlannedRelation[];
}

/** Stage 2 of retrieval: the tail types and the KG relations searched from the head type. */
export function planRetrieval(
  graph: KgGraph,
  head: Head,
  request: RetrievalRequest,
  options: { prefix: string; requireType(type: string, field: string): string },
): RetrievalPlan {
  const { prefix } = options;
  const targetTypes = request.targetTypes
    ? [
        ...new Set(
          request.targetTypes.map((type, position) =>
            options.requireType(type, `${prefix}targetTypes[${position}]`),
          ),
        ),
      ]
    : tailTypesOf(graph, head.type);
  if (targetTypes.length === 0)
    throw new AppError({
      code: 'BAD_REQUEST',
      message: `the knowledge graph links ${head.type} to no other type, so there is nothing to retrieve`,
      details: { headType: head.type },
    });
  const relations = planRelations(graph, head.type, targetTypes, {
    relations: request.relations,
    fieldPrefix: prefix,
  });
  if (!request.includePredicted && !head.entity)
    throw new AppError({
      code: 'BAD_REQUEST',
      message: `${prefix}includePredicted: a ${head.kind} query has no KG facts (it is not a KG entity), so it needs bridge predictions`,
      details: { field: `${prefix}includePredicted` },
    });
  return { targetTypes, relations };
}
