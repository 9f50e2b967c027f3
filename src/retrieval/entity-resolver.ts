import { AppError } from '../errors.js';
import type { KgGraph } from '../kg/graph.js';
import { tableNameForType } from '../kg/registry.js';
import type { LookupCandidate, NameLookup } from '../store/name-lookup.js';

/** A KG node as retrieval reports it. */
export interface ResolvedEntity {
  nodeIndex: number;
  type: string;
  id: string;
  name: string;
  source: string;
}

/** A name the lookup offered instead of what was asked for. */
export interface EntitySuggestion {
  type: string;
  id: string;
  name: string;
  matched: string;
  score: number;
}

export interface EntityResolver {
  /** Node type by its name (`gene/protein`) or table name (`gene_protein`); undefined when unknown. */
  nodeType(typeOrTable: string): string | undefined;
  /** A node by type and id; `NOT_FOUND` with suggestions when absent. */
  byId(type: string | undefined, id: string, field?: string): ResolvedEntity;
  /**
   * A node by name, id or alias through the name lookup. Exact, case-insensitive and normalised
   * matches resolve; a name that only matches fuzzily is `NOT_FOUND` with those matches as
   * suggestions, so a typo never silently becomes another entity.
   */
  byName(name: string, types?: readonly string[], field?: string): ResolvedEntity & { matched: string };
  byNodeIndex(nodeIndex: number): ResolvedEntity | undefined;
  /** Fuzzy suggestions for text that resolved to nothing. */
  suggest(text: string, types?: readonly string[], limit?: number): EntitySuggestion[];
}

const SUGGESTION_LIMIT = 5;

export function createEntityResolver(graph: KgGraph, lookup: NameLookup): EntityResolver {
  const registry = graph.registry;
  // Built on first use: (type id, node id) → node index over every node.
  let idIndex: Map<string, number> | undefined;
  const byKey = (): Map<string, number> => {
    if (idIndex) return idIndex;
    idIndex = new Map();
    const nodes = graph.nodes;
    for (let position = 0; position < nodes.count; position++)
      idIndex.set(`${nodes.types[position]}\u0000${nodes.ids[position]}`, nodes.indices[position]!);
    return idIndex;
  };

  const byNodeIndex = (nodeIndex: number): ResolvedEntity | undefined => {
    const node = graph.node(nodeIndex);
    if (!node) return undefined;
    return { nodeIndex, type: node.type, id: node.id, name: node.name, source: node.source };
  };

  const suggest = (text: string, types?: readonly string[], limit = SUGGESTION_LIMIT): EntitySuggestion[] =>
    lookup
      .lookup(text, { ...(types && types.length > 0 ? { types } : {}), fuzzy: 'always', limit })
      .map(toSuggestion);

  const nodeType = (typeOrTable: string): string | undefined => {
    if (registry.typeId(typeOrTable) !== undefined) return typeOrTable;
    return registry.nodeTypes.find((type) => tableNameForType(type) === typeOrTable);
  };

  const notFound = (message: string, field: string, value: string, suggestions: EntitySuggestion[]) =>
    new AppError({
      code: 'NOT_FOUND',
      message:
        suggestions.length === 0
          ? `${message}; no similar names found`
          : `${message}; did you mean ${suggestions.map(describeSuggestion).join(', ')}?`,
      details: { field, value, suggestions },
    });

  return {
    nodeType,
    byNodeIndex,
    suggest,

    byId(type, id, field = 'entity.id') {
      const typeIds =
        type === undefined
          ? registry.nodeTypes.map((_, typeId) => typeId)
          : [requireKnownType(type, field.replace(/id$/, 'type'))];
      const found = typeIds
        .map((typeId) => byKey().get(`${typeId}\u0000${id}`))
        .filter((nodeIndex): nodeIndex is number => nodeIndex !== undefined);
      if (found.length > 1) {
        const types = found.map((nodeIndex) => graph.typeOf(nodeIndex));
        throw new AppError({
          code: 'BAD_REQUEST',
          message: `id "${id}" exists for several node types (${types.join(', ')}); give the type as well`,
          details: { field, value: id, types },
        });
      }
      const nodeIndex = found[0];
      if (nodeIndex === undefined)
        throw notFound(
          `no ${type ?? 'node'} with id "${id}" in the knowledge graph`,
          field,
          id,
          suggest(id, type === undefined ? undefined : [type]),
        );
      return byNodeIndex(nodeIndex)!;
    },

    byName(name, types, field = 'entity.name') {
      const candidates = lookup.lookup(name, {
        ...(types && types.length > 0 ? { types } : {}),
        fuzzy: 'fallback',
        limit: SUGGESTION_LIMIT,
      });
      const best = candidates[0];
      if (!best || best.matchKind === 'fuzzy')
        throw notFound(
          `no entity named "${name}"${types && types.length > 0 ? ` of type ${types.join(' or ')}` : ''} in the knowledge graph`,
          field,
          name,
          candidates.length > 0 ? candidates.map(toSuggestion) : suggest(name, types),
        );
      return { ...byNodeIndex(best.nodeIndex)!, matched: best.matched };
    },
  };

  function requireKnownType(type: string, field: string): number {
    const resolved = nodeType(type);
    if (resolved === undefined)
      throw new AppError({
        code: 'BAD_REQUEST',
        message: `${field}: unknown node type "${type}"; known types: ${registry.nodeTypes.join(', ')}`,
        details: { field, value: type },
      });
    return registry.typeId(resolved)!;
  }
}

function toSuggestion(candidate: LookupCandidate): EntitySuggestion {
  return {
    type: candidate.type,
    id: candidate.id,
    name: candidate.name,
    matched: candidate.matched,
    score: Math.round(candidate.score * 1000) / 1000,
  };
}

function describeSuggestion(suggestion: EntitySuggestion): string {
  return `${suggestion.name} (${suggestion.type} ${suggestion.id})`;
}
