import {
  kgVariantFeatureValues,
  type EmbeddingTable,
  type VariantInputs,
  type VariantModel,
} from '../encoders/variant-learned.js';
import { knownTokens, type VariantFeatureValues } from '../encoders/variant-features.js';
import { AppError } from '../errors.js';
import type { KgGraph } from '../kg/graph.js';
import type { GwasAssociation, KgFacts } from '../kg/kg-facts.js';
import type { PayloadKind } from '../kg/types.js';
import type { VectorStore } from '../store/vector-store.js';
import type { EntityResolver, ResolvedEntity } from './entity-resolver.js';
import type { RetrievalRequest } from './retrieval-request.js';

/**
 * Variant retrieval with the learned variant encoder (`<index>/variants/`): a SNP (`rsid`, or
 * `variant` features for one the KG lacks) → diseases, phenotypes and genes; a disease or gene →
 * variants (`targetTypes: ["variant"]`). Scores are cosines in the model's shared space; KG facts
 * come along marked `known`, each variant–disease one with its GWAS statistics (`association`).
 */

export const VARIANT_TYPE = 'variant';
const DEFAULT_VARIANT_TARGETS = ['disease', 'effect/phenotype', 'gene/protein'];
/** Relation named on each result; phenotypes are linked to variants only through their diseases. */
const RELATION_OF: Record<string, string> = {
  disease: 'associated with',
  'gene/protein': 'maps to',
  'effect/phenotype': 'phenotype present (via disease)',
};
const FEATURE_FIELDS = 'variant: { chrom, pos, mappedGenes, context?, riskAllele? }';

/** KG statistics of an association, with the p-value itself for readers. */
export interface AssociationFacts extends GwasAssociation {
  pvalue?: number | undefined;
}

/** The learned variant model with what it needs at query time. */
export interface VariantModelServices {
  model: VariantModel;
  inputs: VariantInputs;
  facts: KgFacts;
}

export interface VariantQueryDependencies {
  graph: KgGraph;
  store: VectorStore;
  entities: EntityResolver;
  /** Undefined when the index has no learned variant model. */
  variants: VariantModelServices | undefined;
}

interface Services extends VariantQueryDependencies, VariantModelServices {}

export interface VariantQueryResult {
  rank: number;
  score: number | null;
  type: string;
  id: string;
  name: string;
  nodeIndex: number;
  known: boolean;
  relation: string;
  knownRelations: string[];
  source: 'variant-model' | 'kg';
  /** GWAS statistics of a KG variant–disease association (absent for predictions and other types). */
  association?: AssociationFacts | undefined;
  payloadKind: PayloadKind | null;
  payloadPreview: string | null;
}

export interface VariantQueryResponse {
  query: {
    kind: 'variant' | 'entity';
    headType: string;
    entity?: (ResolvedEntity & { matched?: string | undefined }) | undefined;
    /** How a variant head was embedded: from the KG's own features or from the request's. */
    variant?: { rsid?: string | undefined; inKg: boolean; embeddedFrom: 'kg-features' | 'request-features'; knownFeatures: string[] } | undefined;
    targetTypes: string[];
    relations: { headType: string; relation: string; tailType: string; kgRelations: string[] }[];
    k: number;
    maxKnown: number;
    includeKnown: boolean;
    includePredicted: boolean;
    predictions: { available: true; model: 'variant-learned' } | { available: false; reason: string };
    knownTotal: number;
  };
  results: VariantQueryResult[];
}

export interface VariantQueryOptions {
  prefix: string;
  previewCharacters: number;
}

interface Head {
  type: string;
  entity?: (ResolvedEntity & { matched?: string }) | undefined;
  variant?: VariantQueryResponse['query']['variant'];
  vector: Float32Array | undefined;
}

/**
 * Answers `request` when it is a variant query, else returns undefined for the general retriever:
 * `rsid`/`variant` always; an entity query when the model is loaded and either the entity is a
 * variant or the only target type is `variant`.
 */
export async function answerVariantQuery(
  dependencies: VariantQueryDependencies,
  request: RetrievalRequest,
  options: VariantQueryOptions,
): Promise<VariantQueryResponse | undefined> {
  const model = dependencies.variants?.model;
  const { prefix } = options;
  if (request.rsid === undefined && request.variant === undefined) {
    if (!dependencies.variants || !model || request.entity === undefined) return undefined;
    const services: Services = { ...dependencies, ...dependencies.variants };
    const entity = resolveEntity(dependencies.entities, request, prefix);
    const targets = request.targetTypes ?? [];
    if (entity.type === VARIANT_TYPE && targets.every((type) => model.tailTypes.includes(normalType(dependencies, type))))
      return retrieveFromVariant(services, model, request, options, variantEntityHead(model, entity));
    if (targets.length > 0 && targets.every((type) => normalType(dependencies, type) === VARIANT_TYPE) && model.tail(entity.type))
      return retrieveVariants(services, model, request, options, entity);
    return undefined;
  }
  if (!dependencies.variants || !model)
    throw new AppError({
      code: 'UNAVAILABLE',
      message: `${prefix}${request.rsid !== undefined ? 'rsid' : 'variant'}: this index has no learned variant model (train one with \`python3 -m biobridge_train.variants --index <index>\`); a KG variant can still be queried as an entity`,
      details: { field: `${prefix}${request.rsid !== undefined ? 'rsid' : 'variant'}` },
    });
  const services: Services = { ...dependencies, ...dependencies.variants };
  const head = await variantRequestHead(services, model, request, prefix);
  return retrieveFromVariant(services, model, request, options, head);
}

function normalType(dependencies: VariantQueryDependencies, type: string): string {
  return dependencies.entities.nodeType(type) ?? type;
}

function resolveEntity(entities: EntityResolver, request: RetrievalRequest, prefix: string): ResolvedEntity & { matched?: string } {
  const reference = request.entity!;
  if (typeof reference === 'string') return entities.byName(reference, undefined, `${prefix}entity`);
  if (reference.id !== undefined) return entities.byId(reference.type, reference.id, `${prefix}entity.id`);
  const type = reference.type === undefined ? undefined : entities.nodeType(reference.type);
  return entities.byName(reference.name!, type === undefined ? undefined : [type], `${prefix}entity.name`);
}

function variantEntityHead(model: VariantModel, entity: ResolvedEntity & { matched?: string }): Head {
  const features = model.featuresOfNode(entity.nodeIndex);
  return {
    type: VARIANT_TYPE,
    entity,
    variant: {
      rsid: features?.rsid ?? entity.id,
      inKg: true,
      embeddedFrom: 'kg-features',
      knownFeatures: features ? knownTokens(kgVariantFeatureValues(features), model.vocabulary) : [],
    },
    vector: model.variants.vectorOf(entity.nodeIndex),
  };
}

async function variantRequestHead(
  dependencies: Services,
  model: VariantModel,
  request: RetrievalRequest,
  prefix: string,
): Promise<Head> {
  const rsid = request.rsid;
  const kg = rsid === undefined ? undefined : model.featuresOfRsid(rsid);
  if (kg && request.variant === undefined) {
    const entity = dependencies.entities.byNodeIndex(kg.nodeIndex);
    return variantEntityHead(model, entity ? { ...entity, matched: kg.rsid } : { nodeIndex: kg.nodeIndex, type: VARIANT_TYPE, id: kg.rsid, name: kg.rsid, source: 'dbSNP' });
  }
  if (request.variant === undefined)
    throw new AppError({
      code: 'NOT_FOUND',
      message: `${prefix}rsid: ${rsid} is not a variant of this index, so it has no features to embed; send them as ${FEATURE_FIELDS} (with or without the rsid)`,
      details: { field: `${prefix}rsid`, value: rsid, fields: ['variant.chrom', 'variant.pos', 'variant.mappedGenes', 'variant.context', 'variant.riskAllele'] },
    });
  const features: VariantFeatureValues = request.variant;
  const known = knownTokens(features, model.vocabulary);
  const [vector] = await model.embed([features], dependencies.inputs);
  const geneVector = await dependencies.inputs.genes(features.mappedGenes ?? []);
  if (known.length === 0 && geneVector === undefined)
    throw new AppError({
      code: 'UNPROCESSABLE',
      message: `${prefix}variant: none of the given features is known to the variant model (no known chromosome, position bin, mapped gene or context); give chrom and pos, or mappedGenes with KG gene symbols`,
      details: { field: `${prefix}variant` },
    });
  const entity = kg ? dependencies.entities.byNodeIndex(kg.nodeIndex) : undefined;
  return {
    type: VARIANT_TYPE,
    entity: entity ? { ...entity, matched: kg!.rsid } : undefined,
    variant: { rsid, inKg: kg !== undefined, embeddedFrom: 'request-features', knownFeatures: known },
    vector,
  };
}

async function retrieveFromVariant(
  dependencies: Services,
  model: VariantModel,
  request: RetrievalRequest,
  options: VariantQueryOptions,
  head: Head,
): Promise<VariantQueryResponse> {
  const targetTypes = (request.targetTypes ?? DEFAULT_VARIANT_TARGETS).map((type, position) => {
    const resolved = normalType(dependencies, type);
    if (!model.tail(resolved))
      throw new AppError({
        code: 'BAD_REQUEST',
        message: `${options.prefix}targetTypes[${position}]: the variant model retrieves ${model.tailTypes.join(', ')}, not "${type}"`,
        details: { field: `${options.prefix}targetTypes[${position}]`, value: type },
      });
    return resolved;
  });
  const results: VariantQueryResult[] = [];
  let knownTotal = 0;
  for (const type of [...new Set(targetTypes)]) {
    const known = head.entity && request.includeKnown ? kgNeighbours(dependencies.graph, head.entity.nodeIndex, type) : [];
    knownTotal += known.length;
    const merged = rankTail(model.tail(type)!, head.vector, known, request, dependencies, type, head.entity?.nodeIndex);
    results.push(...merged);
  }
  return finish(dependencies, request, options, head, targetTypes, knownTotal, results);
}

async function retrieveVariants(
  dependencies: Services,
  model: VariantModel,
  request: RetrievalRequest,
  options: VariantQueryOptions,
  entity: ResolvedEntity & { matched?: string },
): Promise<VariantQueryResponse> {
  const known = request.includeKnown ? kgNeighbours(dependencies.graph, entity.nodeIndex, VARIANT_TYPE) : [];
  const vector = model.tail(entity.type)!.vectorOf(entity.nodeIndex);
  const head: Head = { type: entity.type, entity, vector };
  const results = rankTail(model.variants, vector, known, request, dependencies, VARIANT_TYPE, entity.nodeIndex);
  return finish(dependencies, request, options, head, [VARIANT_TYPE], known.length, results);
}

/** KG neighbours of `node` of type `type`, strongest GWAS association first where there are p-values. */
function kgNeighbours(graph: KgGraph, node: number, type: string): { node: number; relation: string }[] {
  return graph
    .neighbours(node)
    .flatMap((neighbour) => {
      const kind = graph.edgeKinds[neighbour.kind]!;
      return kind.tailType === type ? [{ node: neighbour.node, relation: kind.displayRelation }] : [];
    })
    .filter((item, position, all) => all.findIndex((other) => other.node === item.node) === position);
}

function rankTail(
  table: EmbeddingTable,
  vector: Float32Array | undefined,
  known: readonly { node: number; relation: string }[],
  request: RetrievalRequest,
  dependencies: Services,
  type: string,
  headNode: number | undefined,
): VariantQueryResult[] {
  const scores = vector ? table.scores(vector) : undefined;
  const rowOf = new Map(Array.from(table.nodeIndices, (node, row) => [node, row]));
  const predicted: number[] = [];
  if (scores && request.includePredicted) {
    const order = Array.from(scores.keys()).sort((a, b) => scores[b]! - scores[a]!);
    for (const row of order) {
      const node = table.nodeIndices[row]!;
      if (node === headNode) continue;
      predicted.push(node);
      if (predicted.length >= request.k) break;
    }
  }
  const strength = (node: number) => (headNode === undefined ? undefined : dependencies.facts.association(headNode, node)?.pvalueMlog) ?? -1;
  // Every KG fact marks its node as known; maxKnown only caps the facts added beside the predictions.
  const knownRelation = new Map(known.map((item) => [item.node, item.relation]));
  const strongest = [...known].sort((a, b) => strength(b.node) - strength(a.node)).slice(0, request.maxKnown);
  const nodes = [...new Set([...predicted, ...strongest.map((item) => item.node)])];
  const predictedSet = new Set(predicted);
  return nodes.map((node) => {
    const row = rowOf.get(node);
    const association = headNode === undefined ? undefined : dependencies.facts.association(headNode, node);
    const relation = knownRelation.get(node) ?? RELATION_OF[type] ?? RELATION_OF[dependencies.graph.typeOf(headNode ?? -1) ?? ''] ?? 'associated with';
    return {
      rank: 0,
      score: scores && row !== undefined ? scores[row]! : null,
      type,
      id: '',
      name: '',
      nodeIndex: node,
      known: knownRelation.has(node),
      relation,
      knownRelations: knownRelation.has(node) ? [relation] : [],
      source: predictedSet.has(node) ? ('variant-model' as const) : ('kg' as const),
      association: knownRelation.has(node) && association ? withPvalue(association) : undefined,
      payloadKind: null,
      payloadPreview: null,
    };
  });
}

function withPvalue(association: GwasAssociation): AssociationFacts {
  return {
    ...association,
    pvalue: association.pvalueMlog === undefined ? undefined : Number((10 ** -association.pvalueMlog).toPrecision(3)),
  };
}

async function finish(
  dependencies: Services,
  request: RetrievalRequest,
  options: VariantQueryOptions,
  head: Head,
  targetTypes: string[],
  knownTotal: number,
  results: VariantQueryResult[],
): Promise<VariantQueryResponse> {
  results.sort((a, b) => (b.score ?? -Infinity) - (a.score ?? -Infinity) || Number(b.known) - Number(a.known));
  const byType = new Map<string, number[]>();
  for (const result of results) byType.set(result.type, [...(byType.get(result.type) ?? []), result.nodeIndex]);
  const rows = new Map<number, { nodeId: string; name: string; payloadKind: PayloadKind; payload: string | null }>();
  for (const [type, nodes] of byType)
    for (const row of await dependencies.store.getRows(type, nodes)) rows.set(row.nodeIndex, row);
  results.forEach((result, position) => {
    const row = rows.get(result.nodeIndex);
    const node = dependencies.entities.byNodeIndex(result.nodeIndex);
    result.rank = position + 1;
    result.id = row?.nodeId ?? node?.id ?? String(result.nodeIndex);
    result.name = row?.name ?? node?.name ?? result.id;
    result.payloadKind = row?.payloadKind ?? null;
    result.payloadPreview = row?.payload ? truncate(row.payload, options.previewCharacters) : null;
  });
  const predictions: VariantQueryResponse['query']['predictions'] =
    head.vector === undefined
      ? { available: false, reason: `${head.entity?.name ?? 'the query'} has no embedding in the variant model` }
      : { available: true, model: 'variant-learned' };
  return {
    query: {
      kind: request.entity === undefined ? 'variant' : 'entity',
      headType: head.type,
      entity: head.entity,
      variant: head.variant,
      targetTypes,
      relations: targetTypes.map((tailType) => ({
        headType: head.type,
        relation: RELATION_OF[tailType === VARIANT_TYPE ? head.type : tailType] ?? 'associated with',
        tailType,
        kgRelations: [],
      })),
      k: request.k,
      maxKnown: request.maxKnown,
      includeKnown: request.includeKnown,
      includePredicted: request.includePredicted,
      predictions,
      knownTotal,
    },
    results,
  };
}

function truncate(text: string, length: number): string {
  return text.length <= length ? text : `${text.slice(0, length - 1)}…`;
}
