import { kgVariantFeatureValues, type EmbeddingTable } from '../encoders/variant-learned.js';
import {
  knownTokens,
  variantFeatureInputSchema,
  type VariantFeatureValues,
} from '../encoders/variant-features.js';
import { AppError } from '../errors.js';
import type { KgGraph } from '../kg/graph.js';
import type { GwasAssociation } from '../kg/kg-facts.js';
import type { EntityResolver, ResolvedEntity } from './entity-resolver.js';
import { fusedScores, unitScale } from './variant-signals.js';
import type { RetrievalRequest } from './retrieval-request.js';
import {
  preview,
  type AssociationFacts,
  type Explanation,
  type Head,
  type HitScores,
  type ResolvedQuery,
  type RetrievalResponse,
  type VariantModelServices,
} from './retrieval-types.js';
import { NO_SCORES, rankResults, type UnrankedResult } from './stages/merge.js';
import type { StoreFacts } from './stages/store-facts.js';

export type { AssociationFacts, VariantModelServices } from './retrieval-types.js';

/**
 * Variant retrieval with the learned variant encoder (`<index>/variants/`): a SNP (`rsid`, or
 * `variant` features for one the KG lacks) → diseases, phenotypes and genes; a disease or gene →
 * variants (`targetTypes: ["variant"]`). Scores are cosines in the model's shared space (the hit's
 * `score`; the bridge / fusion `scores` stay null); KG facts come along marked `known`, each
 * variant–disease one with its GWAS statistics (`association`). Results are ranked like every
 * other retrieval (stages/merge.ts): KG facts first, then predictions, each by score.
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

/** What the variant path shares with the staged retriever. */
export interface VariantQueryContext {
  graph: KgGraph;
  entities: EntityResolver;
  /** The retriever's store rows (names, payload previews). */
  facts: StoreFacts;
  /** Undefined when the index has no learned variant model. */
  variants: VariantModelServices | undefined;
}

export interface VariantQueryOptions {
  prefix: string;
  previewCharacters: number;
}

interface Services extends VariantQueryContext {
  variants: VariantModelServices;
}

interface VariantHead {
  kind: 'variant' | 'entity';
  type: string;
  entity?: (ResolvedEntity & { matched?: string | undefined }) | undefined;
  variant?: ResolvedQuery['variant'];
  /** The variant's features (variant heads), for the fused ranking's positional and gene signals. */
  features?: VariantFeatureValues | undefined;
  vector: Float32Array;
}

export type VariantRanking = 'fused' | 'learned';

interface Hit {
  nodeIndex: number;
  score: number | null;
  scores: HitScores;
  known: boolean;
  relation: string;
  predicted: boolean;
  association: AssociationFacts | undefined;
}

/** A request whose head is a SNP given by `rsid` and/or `variant` features. */
export function isVariantInputQuery(request: RetrievalRequest): boolean {
  return request.rsid !== undefined || request.variant !== undefined;
}

/** Answers an `rsid` / `variant` request; without a learned model that is `UNAVAILABLE`. */
export async function answerVariantInputQuery(
  context: VariantQueryContext,
  request: RetrievalRequest,
  options: VariantQueryOptions,
): Promise<RetrievalResponse> {
  const { prefix } = options;
  const field = `${prefix}${request.rsid !== undefined ? 'rsid' : 'variant'}`;
  if (!context.variants)
    throw new AppError({
      code: 'UNAVAILABLE',
      message: `${field}: this index has no learned variant model (train one with \`python3 -m biobridge_train.variants --index <index>\`); a KG variant can still be queried as an entity`,
      details: { field },
    });
  const services: Services = { ...context, variants: context.variants };
  const ranking = variantRanking(services, request, prefix);
  const head = await variantRequestHead(services, request, prefix);
  return retrieveFromVariant(services, request, options, head, ranking);
}

/**
 * Answers an entity query with the learned model when it is loaded, no `method` is asked for, the
 * model embeds the entity, and either the entity is a variant or the only target type is
 * `variant`; else undefined, for the staged retriever.
 */
export async function answerVariantEntityQuery(
  context: VariantQueryContext,
  request: RetrievalRequest,
  head: Head,
  options: VariantQueryOptions,
): Promise<RetrievalResponse | undefined> {
  const { variants } = context;
  const entity = head.entity;
  const method = request.method;
  if (!variants || (method !== undefined && method !== 'learned') || head.kind !== 'entity' || !entity)
    return undefined;
  const { model } = variants;
  const services: Services = { ...context, variants };
  const ranking = variantRanking(services, request, options.prefix);
  const targets = (request.targetTypes ?? []).map((type) => normalType(context, type));
  if (entity.type === VARIANT_TYPE && targets.every((type) => model.tailTypes.includes(type))) {
    const variantHead = await variantEntityHead(services, entity, 'entity');
    return variantHead && retrieveFromVariant(services, request, options, variantHead, ranking);
  }
  const vector = model.tail(entity.type)?.vectorOf(entity.nodeIndex);
  if (targets.length > 0 && targets.every((type) => type === VARIANT_TYPE) && vector)
    return retrieveVariants(services, request, options, {
      kind: 'entity',
      type: entity.type,
      entity,
      vector,
    });
  return undefined;
}

/**
 * `fused` (the default when variant-fusion.json was fitted for this model) or `learned`; the
 * bridge's methods do not apply to a variant head.
 */
function variantRanking(services: Services, request: RetrievalRequest, prefix: string): VariantRanking {
  const method = request.method ?? (services.variants.fusion ? 'fused' : 'learned');
  if (method === 'learned') return 'learned';
  if (method === 'fused' && services.variants.fusion) return 'fused';
  throw new AppError({
    code: 'BAD_REQUEST',
    message:
      method === 'fused'
        ? `${prefix}method: this index has no variant fusion fitted for its variant model (write one with \`biobridge eval variants <index> --write-fusion\`); use "learned"`
        : `${prefix}method: rsid / variant queries are ranked by the learned variant model ("fused" or "learned"), not "${method}"`,
    details: { field: `${prefix}method`, value: method },
  });
}

function normalType(context: VariantQueryContext, type: string): string {
  return context.entities.nodeType(type) ?? type;
}

/** A KG variant embedded from its KG features (the model's table holds every one it was exported with). */
async function variantEntityHead(
  services: Services,
  entity: ResolvedEntity & { matched?: string | undefined },
  kind: VariantHead['kind'],
): Promise<VariantHead | undefined> {
  const { model, inputs } = services.variants;
  const features = model.featuresOfNode(entity.nodeIndex);
  if (!features) return undefined;
  const values = kgVariantFeatureValues(features);
  const vector = model.variants.vectorOf(entity.nodeIndex) ?? (await model.embed([values], inputs))[0]!;
  return {
    kind,
    type: VARIANT_TYPE,
    entity,
    variant: {
      rsid: features.rsid,
      inKg: true,
      embeddedFrom: 'kg-features',
      knownFeatures: await usedFeatures(services, values, entity.nodeIndex),
    },
    features: values,
    vector,
  };
}

async function variantRequestHead(
  services: Services,
  request: RetrievalRequest,
  prefix: string,
): Promise<VariantHead> {
  const { model, inputs } = services.variants;
  const rsid = request.rsid;
  const kg = rsid === undefined ? undefined : model.featuresOfRsid(rsid);
  const kgEntity = kg && {
    ...(services.entities.byNodeIndex(kg.nodeIndex) ?? {
      nodeIndex: kg.nodeIndex,
      type: VARIANT_TYPE,
      id: kg.rsid,
      name: kg.rsid,
      source: 'dbSNP',
    }),
    matched: kg.rsid,
  };
  if (kgEntity && request.variant === undefined)
    return (await variantEntityHead(services, kgEntity, 'variant'))!;
  if (request.variant === undefined)
    throw new AppError({
      code: 'NOT_FOUND',
      message: `${prefix}rsid: ${rsid} is not a variant of this index, so it has no features to embed; send them as ${FEATURE_FIELDS} (with or without the rsid)`,
      details: {
        field: `${prefix}rsid`,
        value: rsid,
        fields: Object.keys(variantFeatureInputSchema.shape).map((name) => `variant.${name}`),
      },
    });
  const features: VariantFeatureValues = request.variant;
  const known = knownTokens(features, model.vocabulary);
  if (known.length === 0 && (await inputs.genes(features.mappedGenes ?? [])) === undefined)
    throw new AppError({
      code: 'UNPROCESSABLE',
      message: `${prefix}variant: none of the given features is known to the variant model (no known chromosome, position bin, mapped gene or context); give chrom and pos, or mappedGenes with KG gene symbols`,
      details: { field: `${prefix}variant` },
    });
  const [vector] = await model.embed([features], inputs);
  return {
    kind: 'variant',
    type: VARIANT_TYPE,
    entity: kgEntity,
    variant: {
      rsid,
      inKg: kg !== undefined,
      embeddedFrom: 'request-features',
      knownFeatures: await usedFeatures(services, features),
    },
    features,
    vector: vector!,
  };
}

/**
 * The features the model read: its known tokens (chromosome, position bin, context), then
 * `gene:<symbol>` for each mapped gene with an encoder vector, `gene-diseases:<n>` for the mapped
 * genes' KG diseases it knows, and `near:<rsid>` for each nearby reference variant whose diseases
 * it knows (`exclude`: the query's own KG node).
 */
async function usedFeatures(
  services: Services,
  features: VariantFeatureValues,
  exclude?: number,
): Promise<string[]> {
  const { model, inputs } = services.variants;
  const tokens = knownTokens(features, model.vocabulary);
  const used = await inputs.describe?.(features, exclude);
  if (!used) return tokens;
  return [
    ...tokens,
    ...used.genes.map((gene) => `gene:${gene}`),
    ...(used.geneDiseases > 0 ? [`gene-diseases:${used.geneDiseases}`] : []),
    ...used.nearVariants.map((rsid) => `near:${rsid}`),
  ];
}

async function retrieveFromVariant(
  services: Services,
  request: RetrievalRequest,
  options: VariantQueryOptions,
  head: VariantHead,
  ranking: VariantRanking,
): Promise<RetrievalResponse> {
  const { model } = services.variants;
  const targetTypes = [
    ...new Set(
      (request.targetTypes ?? DEFAULT_VARIANT_TARGETS).map((type, position) => {
        const resolved = normalType(services, type);
        if (!model.tail(resolved))
          throw new AppError({
            code: 'BAD_REQUEST',
            message: `${options.prefix}targetTypes[${position}]: the variant model retrieves ${model.tailTypes.join(', ')}, not "${type}"`,
            details: { field: `${options.prefix}targetTypes[${position}]`, value: type },
          });
        return resolved;
      }),
    ),
  ];
  const results: UnrankedResult[] = [];
  let knownTotal = 0;
  for (const type of targetTypes) {
    const known =
      head.entity && request.includeKnown ? kgNeighbours(services.graph, head.entity.nodeIndex, type) : [];
    knownTotal += known.length;
    const table = model.tail(type)!;
    const scored = scoreTail(services, table, head, type, ranking);
    const hits = rankTail(services, table, scored, head, known, request, type);
    results.push(...(await toResults(services, head, type, hits, options)));
  }
  const fused = ranking === 'fused' && targetTypes.includes('disease');
  return respond(request, head, targetTypes, knownTotal, rankByStrength(results, targetTypes), {
    ranking: fused ? 'fused' : 'learned',
  });
}

async function retrieveVariants(
  services: Services,
  request: RetrievalRequest,
  options: VariantQueryOptions,
  head: VariantHead,
): Promise<RetrievalResponse> {
  const known = request.includeKnown
    ? kgNeighbours(services.graph, head.entity!.nodeIndex, VARIANT_TYPE)
    : [];
  const table = services.variants.model.variants;
  const scored = scoreTail(services, table, head, VARIANT_TYPE, 'learned');
  const hits = rankTail(services, table, scored, head, known, request, VARIANT_TYPE);
  const results = await toResults(services, head, VARIANT_TYPE, hits, options);
  return respond(request, head, [VARIANT_TYPE], known.length, rankByStrength(results, [VARIANT_TYPE]), {
    ranking: 'learned',
  });
}

/**
 * KG facts first, the strongest GWAS association (−log10 p) first among them, as a geneticist reads
 * a locus list; facts without statistics and predictions keep {@link rankResults}' order.
 */
function rankByStrength(
  results: UnrankedResult[],
  targetTypes: readonly string[],
): RetrievalResponse['results'] {
  const strength = (result: UnrankedResult) => (result.known ? (result.association?.pvalueMlog ?? -1) : -1);
  const ordered = rankResults(results, targetTypes)
    .map((result, position) => ({ result, position }))
    .sort(
      (left, right) =>
        Number(right.result.known) - Number(left.result.known) ||
        strength(right.result) - strength(left.result) ||
        left.position - right.position,
    );
  return ordered.map(({ result }, position) => ({ ...result, rank: position + 1 }));
}

/**
 * KG neighbours of `node` of type `type`. Not stages/known.ts: that reads planned KG relations,
 * and phenotypes have no KG edge to variants (they are reached through diseases).
 */
function kgNeighbours(graph: KgGraph, node: number, type: string): { node: number; relation: string }[] {
  return graph
    .neighbours(node)
    .flatMap((neighbour) => {
      const kind = graph.edgeKinds[neighbour.kind]!;
      return kind.tailType === type ? [{ node: neighbour.node, relation: kind.displayRelation }] : [];
    })
    .filter((item, position, all) => all.findIndex((other) => other.node === item.node) === position);
}

/** A tail table's ranking score per row, and each row's component scores. */
interface ScoredTail {
  ranking: Float32Array;
  components(row: number): HitScores;
}

/**
 * The learned cosine per row, fused (variant → disease, `fused`) with the positional neighbours
 * (other KG variants only), gene proxy and popularity signals, each scaled to [0, 1] per query.
 */
function scoreTail(
  services: Services,
  table: EmbeddingTable,
  head: VariantHead,
  type: string,
  ranking: VariantRanking,
): ScoredTail {
  const learned = table.scores(head.vector);
  const fusion = services.variants.fusion;
  if (ranking !== 'fused' || !fusion || type !== 'disease' || head.type !== VARIANT_TYPE || !head.features)
    return { ranking: learned, components: (row) => ({ ...NO_SCORES, learned: learned[row]! }) };
  const { signals, weights } = fusion;
  const components = {
    learned,
    positional: signals.positional(head.features, head.entity?.nodeIndex),
    geneProxy: signals.geneProxy(head.features.mappedGenes ?? []),
    popularity: signals.popularity,
  };
  const fused = fusedScores(components, weights);
  const scale = {
    positional: unitScale(components.positional),
    geneProxy: unitScale(components.geneProxy),
    prior: unitScale(components.popularity),
  };
  return {
    ranking: fused,
    components: (row) => ({
      ...NO_SCORES,
      learned: learned[row]!,
      positional: components.positional[row]! * scale.positional,
      geneProxy: components.geneProxy[row]! * scale.geneProxy,
      prior: components.popularity[row]! * scale.prior,
      fused: fused[row]!,
    }),
  };
}

/** The top k of `table` by `scored`, then the strongest `maxKnown` KG facts (every KG fact is marked known). */
function rankTail(
  services: Services,
  table: EmbeddingTable,
  scored: ScoredTail,
  head: VariantHead,
  known: readonly { node: number; relation: string }[],
  request: RetrievalRequest,
  type: string,
): Hit[] {
  const headNode = head.entity?.nodeIndex;
  const scores = scored.ranking;
  const rowOf = new Map(Array.from(table.nodeIndices, (node, row) => [node, row]));
  const predicted: number[] = [];
  if (request.includePredicted) {
    const order = Array.from(scores.keys()).sort((a, b) => scores[b]! - scores[a]!);
    for (const row of order) {
      const node = table.nodeIndices[row]!;
      if (node === headNode) continue;
      predicted.push(node);
      if (predicted.length >= request.k) break;
    }
  }
  const association = (node: number) =>
    headNode === undefined ? undefined : services.variants.facts.association(headNode, node);
  const strength = (node: number) => association(node)?.pvalueMlog ?? -1;
  const knownRelation = new Map(known.map((item) => [item.node, item.relation]));
  const strongest = [...known].sort((a, b) => strength(b.node) - strength(a.node)).slice(0, request.maxKnown);
  const predictedSet = new Set(predicted);
  return [...new Set([...predicted, ...strongest.map((item) => item.node)])].map((node) => {
    const row = rowOf.get(node);
    const relation =
      knownRelation.get(node) ?? RELATION_OF[type] ?? RELATION_OF[head.type] ?? 'associated with';
    const facts = knownRelation.has(node) ? association(node) : undefined;
    return {
      nodeIndex: node,
      score: row === undefined ? null : scores[row]!,
      scores: row === undefined ? { ...NO_SCORES } : scored.components(row),
      known: knownRelation.has(node),
      relation,
      predicted: predictedSet.has(node),
      association: facts && withPvalue(facts),
    };
  });
}

/** Hits as retrieval results: names and previews from the store rows, and why each is there. */
async function toResults(
  services: Services,
  head: VariantHead,
  type: string,
  hits: readonly Hit[],
  options: VariantQueryOptions,
): Promise<UnrankedResult[]> {
  const rows = await services.facts.rowsOf(
    type,
    hits.map((hit) => hit.nodeIndex),
  );
  return hits.map((hit) => {
    const node = services.graph.node(hit.nodeIndex);
    const row = rows.get(hit.nodeIndex);
    const id = node?.id ?? row?.nodeId ?? String(hit.nodeIndex);
    const name = node?.name ?? row?.name ?? id;
    return {
      score: hit.score,
      type,
      id,
      name,
      nodeIndex: hit.nodeIndex,
      known: hit.known,
      relation: hit.relation,
      knownRelations: hit.known ? [hit.relation] : [],
      source: hit.predicted ? 'variant-model' : 'kg',
      scores: hit.scores,
      explanation: explain(head, { nodeIndex: hit.nodeIndex, id, name, type }, hit),
      association: hit.association,
      payloadKind: row?.payloadKind ?? null,
      payloadPreview: preview(row?.payload ?? null, options.previewCharacters),
    };
  });
}

/** A KG fact's edge with its GWAS statistics, else the learned model's score. */
function explain(
  head: VariantHead,
  tail: { nodeIndex: number; id: string; name: string; type: string },
  hit: Hit,
): Explanation {
  if (hit.known && head.entity) {
    const gwas = hit.association ? ` (${describeAssociation(hit.association)})` : '';
    return {
      kind: 'kg',
      text: `KG edge: ${head.entity.name} —${hit.relation}→ ${tail.name}${gwas}`,
      relation: hit.relation,
      path: [
        {
          nodeIndex: head.entity.nodeIndex,
          id: head.entity.id,
          name: head.entity.name,
          type: head.entity.type,
        },
        tail,
      ],
    };
  }
  const other = head.type === VARIANT_TYPE ? tail.type : head.type;
  const { learned, fused, positional, geneProxy, prior } = hit.scores;
  const cosine = `learned variant model score ${learned == null ? 'n/a' : learned.toFixed(3)} (cosine in the model's shared variant–${other} space)`;
  if (fused === null || fused === undefined) return { kind: 'variant-model', text: cosine };
  const part = (label: string, value: number | null | undefined) =>
    `${label} ${value == null ? 'n/a' : value.toFixed(2)}`;
  return {
    kind: 'variant-model',
    text: `fused score ${fused.toFixed(3)}: ${cosine}, ${part('positional neighbours', positional)}, ${part('gene proxy', geneProxy)}, ${part('popularity', prior)} (each over the query's top)`,
  };
}

/** `GWAS p = 1e-10, OR/β 1.2, PubMed 20000004`, with whatever the KG has. */
function describeAssociation(association: AssociationFacts): string {
  const parts = [
    association.pvalue === undefined ? undefined : `GWAS p = ${association.pvalue}`,
    association.orBeta === undefined ? undefined : `OR/β ${association.orBeta}`,
    association.pubmedId === undefined ? undefined : `PubMed ${association.pubmedId}`,
  ].filter((part) => part !== undefined);
  return parts.length === 0 ? 'GWAS association' : parts.join(', ');
}

function withPvalue(association: GwasAssociation): AssociationFacts {
  return {
    ...association,
    pvalue:
      association.pvalueMlog === undefined
        ? undefined
        : Number((10 ** -association.pvalueMlog).toPrecision(3)),
  };
}

function respond(
  request: RetrievalRequest,
  head: VariantHead,
  targetTypes: string[],
  knownTotal: number,
  results: RetrievalResponse['results'],
  used: { ranking: VariantRanking },
): RetrievalResponse {
  return {
    query: {
      kind: head.kind,
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
      predictions: request.includePredicted
        ? { available: true, model: 'variant-learned' }
        : { available: false, reason: 'not requested' },
      knownTotal,
      method: 'variant-model',
      variantRanking: used.ranking,
    },
    results,
  };
}
