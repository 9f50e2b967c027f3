import { AppError } from '../errors.js';
import type { KgGraph } from '../kg/graph.js';
import type { PayloadKind } from '../kg/types.js';
import type { VectorStore } from '../store/vector-store.js';
import type { EntityResolver, ResolvedEntity } from './entity-resolver.js';

export interface EntityDetailsDependencies {
  graph: KgGraph;
  store: VectorStore;
  entities: EntityResolver;
}

export interface NeighbourPage {
  /** Neighbours per group (relation and tail type) at most. */
  limit: number;
  /** Neighbours skipped in every group. */
  offset: number;
  /** Only groups of this display relation (`target`) or PrimeKG relation (`drug_protein`). */
  relation?: string | undefined;
}

export interface NeighbourItem {
  nodeIndex: number;
  type: string;
  id: string;
  name: string;
}

export interface NeighbourGroup {
  /** Display relation, e.g. `target`. */
  relation: string;
  /** PrimeKG relation, e.g. `drug_protein`. */
  kgRelation: string;
  tailType: string;
  total: number;
  offset: number;
  limit: number;
  /** Offset of the next page, or null on the last one. */
  nextOffset: number | null;
  items: NeighbourItem[];
}

export interface EntityDetails {
  entity: ResolvedEntity;
  /** The encoder input the index holds for the node: sequence, SMILES, definition… */
  payload: { kind: PayloadKind; value: string } | null;
  /** Whether the node has a raw encoder vector and a bridge projection (needed for predictions). */
  vectors: { encoded: boolean; projected: boolean };
  neighbours: { total: number; groups: NeighbourGroup[] };
}

/**
 * One KG entity with its modality payload and its neighbours grouped by edge kind, each group
 * paginated with the same `limit` and `offset`. `type` may be a node type or its table name.
 */
export async function describeEntity(
  dependencies: EntityDetailsDependencies,
  typeOrTable: string,
  id: string,
  page: NeighbourPage,
): Promise<EntityDetails> {
  const { graph, store, entities } = dependencies;
  const type = entities.nodeType(typeOrTable);
  if (type === undefined)
    throw new AppError({
      code: 'NOT_FOUND',
      message: `unknown node type "${typeOrTable}"; known types: ${graph.registry.nodeTypes.join(', ')} (or their table names, e.g. gene_protein)`,
      details: { field: 'type', value: typeOrTable, knownTypes: graph.registry.nodeTypes },
    });
  if (
    page.relation !== undefined &&
    graph.registry.relationId(page.relation) === undefined &&
    !graph.edgeKinds.some((kind) => kind.relation === page.relation)
  )
    throw new AppError({
      code: 'BAD_REQUEST',
      message: `query.relation: unknown relation "${page.relation}"; known relations: ${graph.registry.relations.join(', ')}`,
      details: { field: 'query.relation', value: page.relation },
    });
  const entity = entities.byId(type, id, 'id');

  const [row] = (await store.listTypes()).includes(type) ? await store.getRows(type, [entity.nodeIndex]) : [];

  const byKind = new Map<number, number[]>();
  for (const neighbour of graph.neighbours(entity.nodeIndex)) {
    const kind = graph.edgeKinds[neighbour.kind]!;
    if (
      page.relation !== undefined &&
      kind.displayRelation !== page.relation &&
      kind.relation !== page.relation
    )
      continue;
    let list = byKind.get(neighbour.kind);
    if (!list) byKind.set(neighbour.kind, (list = []));
    list.push(neighbour.node);
  }
  const relationOrder = (relation: string) => graph.registry.relationId(relation) ?? Number.MAX_SAFE_INTEGER;
  const typeOrder = (nodeType: string) => graph.registry.typeId(nodeType) ?? Number.MAX_SAFE_INTEGER;
  const groups = [...byKind.entries()]
    .map(([kindId, nodes]) => ({ kind: graph.edgeKinds[kindId]!, nodes }))
    .sort(
      (left, right) =>
        relationOrder(left.kind.displayRelation) - relationOrder(right.kind.displayRelation) ||
        typeOrder(left.kind.tailType) - typeOrder(right.kind.tailType) ||
        left.kind.id - right.kind.id,
    )
    .map(({ kind, nodes }): NeighbourGroup => {
      const items = nodes
        .map((nodeIndex) => graph.node(nodeIndex)!)
        .sort(
          (left, right) =>
            left.name.toLowerCase().localeCompare(right.name.toLowerCase(), 'en') || left.index - right.index,
        );
      const end = page.offset + page.limit;
      return {
        relation: kind.displayRelation,
        kgRelation: kind.relation,
        tailType: kind.tailType,
        total: items.length,
        offset: page.offset,
        limit: page.limit,
        nextOffset: end < items.length ? end : null,
        items: items
          .slice(page.offset, end)
          .map((node) => ({ nodeIndex: node.index, type: node.type, id: node.id, name: node.name })),
      };
    });

  return {
    entity,
    payload: row?.payload == null ? null : { kind: row.payloadKind, value: row.payload },
    vectors: { encoded: row?.vector != null, projected: row?.projected != null },
    neighbours: { total: groups.reduce((sum, group) => sum + group.total, 0), groups },
  };
}
