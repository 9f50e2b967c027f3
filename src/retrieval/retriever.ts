import { z } from 'zod';
import type { Bridge } from '../bridge/bridge.js';
import type { Encoder } from '../encoders/encoder.js';
import { AppError } from '../errors.js';
import type { KgGraph } from '../kg/graph.js';
import type { PayloadKind } from '../kg/types.js';
import type { NameLookup } from '../store/name-lookup.js';
import type { NodeRow, VectorStore } from '../store/vector-store.js';
import { noopLogger, type Logger } from '../util/logger.js';
import { createEntityResolver, type EntityResolver, type ResolvedEntity } from './entity-resolver.js';
import { encodeQueryInput } from './query-encoding.js';
import { planRelations, tailTypesOf, type PlannedRelation } from './relation-plan.js';
import { createStructureIndex } from './structure-index.js';
import { answerVariantQuery, type VariantModelServices } from './variant-query.js';
import {
  retrievalRequestSchema,
  type RetrievalRequest,
  type RetrievalRequestInput,
} from './retrieval-request.js';

export interface RetrieverDependencies {
  graph: KgGraph;
  store: VectorStore;
  lookup: NameLookup;
  /** The index's encoder for a node type; undefined for types searchable by name only. */
  encoderFor(type: string): Encoder | undefined;
  /** Undefined until a bridge is trained: KG facts still work, predictions are `UNAVAILABLE`. */
  bridge: Bridge | undefined;
  /** Learned variant model and its inputs; rsid / variant queries are refused without it. */
  variants?: VariantModelServices | undefined;
  logger?: Logger;
}

export type QueryKind = 'protein' | 'smiles' | 'text' | 'entity' | 'variant';

export interface RetrievedRelation {
  headType: string;
  relation: string;
  tailType: string;
  /** PrimeKG `relation` values behind it, e.g. `drug_protein`. */
  kgRelations: string[];
}

/** The request as resolved: what was searched, from which head type, over which relations. */
export interface ResolvedQuery {
  kind: QueryKind;
  headType: string;
  /** The KG entity an `entity` query resolved to, with the name or id that matched. */
  entity?: (ResolvedEntity & { matched?: string | undefined }) | undefined;
  /** First characters of a protein, SMILES or text input. */
  inputPreview?: string;
  targetTypes: string[];
  relations: RetrievedRelation[];
  k: number;
  maxKnown: number;
  includeKnown: boolean;
  includePredicted: boolean;
  /** How a variant head was embedded (variant queries only). */
  variant?: { rsid?: string | undefined; inKg: boolean; embeddedFrom: 'kg-features' | 'request-features'; knownFeatures: string[] } | undefined;
  /** Whether predictions were made (by the bridge, or the learned variant model), and why not. */
  predictions: { available: true; model?: 'variant-learned' } | { available: false; reason: string };
  /** KG facts found for the entity over the planned relations, before `maxKnown`. */
  knownTotal: number;
}

export interface RetrievalResult {
  rank: number;
  /** Cosine similarity in the tail type's projected space; null when the bridge cannot score it. */
  score: number | null;
  type: string;
  id: string;
  name: string;
  nodeIndex: number;
  /** The KG has an edge from the query entity to this one over one of the queried relations. */
  known: boolean;
  /** The relation `score` refers to: the best-scoring KG relation when known, else the best predicted one. */
  relation: string;
  /** Every queried relation under which the KG links the query entity to this one. */
  knownRelations: string[];
  /** `bridge` (or `variant-model`) when ranked in the top k, `kg` when it is only a KG neighbour. */
  source: 'bridge' | 'variant-model' | 'kg';
  /** GWAS statistics of a KG variant–disease association; KG facts only, never a prediction. */
  association?: { pvalueMlog?: number | undefined; pvalue?: number | undefined; orBeta?: number | undefined; pubmedId?: string | undefined } | undefined;
  /** What the payload is (`sequence`, `smiles`, `text`…); null when the store has no row for it. */
  payloadKind: PayloadKind | null;
  /** First ~80 characters of the sequence, SMILES or definition. */
  payloadPreview: string | null;
}

export interface RetrievalResponse {
  query: ResolvedQuery;
  results: RetrievalResult[];
}

export interface RetrieveOptions {
  signal?: AbortSignal;
  /** Prefix for field names in errors: `body.` for the HTTP API, `attachments.` for chat attachments. */
  fieldPrefix?: string;
  /**
   * `throw` (default): predictions that cannot be made are an error (`UNAVAILABLE` without a bridge,
   * `UNPROCESSABLE` for an entity without a vector). `skip`: return KG facts and say why in
   * `query.predictions` (the QA agent degrades this way).
   */
  unavailablePredictions?: 'throw' | 'skip';
  /** Length of `payloadPreview` in characters; default {@link PAYLOAD_PREVIEW_CHARACTERS}. */
  previewCharacters?: number;
}

export interface Retriever {
  retrieve(request: RetrievalRequestInput, options?: RetrieveOptions): Promise<RetrievalResponse>;
  readonly entities: EntityResolver;
  readonly graph: KgGraph;
  readonly store: VectorStore;
  /** Why no bridge predictions can be made at all, or undefined when a bridge is loaded. */
  predictionsUnavailableReason(): string | undefined;
}

export const PAYLOAD_PREVIEW_CHARACTERS = 80;
export const NO_BRIDGE_MESSAGE =
  'bridge predictions are unavailable: no trained bridge is loaded (train one and run `biobridge project`); KG facts still work with includePredicted: false';

/** Text types tried, in order, when a text query names no `textType`. */
const TEXT_TYPE_PREFERENCE = ['disease', 'biological_process', 'effect/phenotype', 'molecular_function'];

interface Head {
  kind: QueryKind;
  type: string;
  entity?: ResolvedEntity & { matched?: string };
  input?: { value: string; field: string };
}

interface Candidate {
  relation: string;
  score: number | null;
  fromBridge: boolean;
  known: boolean;
}

/**
 * Cross-modal retrieval: resolve the query (entity, or a new protein / SMILES / text encoded on the
 * fly), plan the relations from the KG's edge kinds, transform the head vector with the bridge into
 * each tail type's space and search the projected column, then mark and add KG facts.
 */
export function createRetriever(dependencies: RetrieverDependencies): Retriever {
  const { graph, store, bridge } = dependencies;
  const logger = dependencies.logger ?? noopLogger;
  const entities = createEntityResolver(graph, dependencies.lookup);
  const structures = createStructureIndex(graph, store);
  // An index does not change under a running service, so table facts are read once.
  let storeTypes: Promise<Set<string>> | undefined;
  const projectedRows = new Map<string, Promise<number>>();
  const hasTable = async (type: string) => {
    storeTypes ??= store.listTypes().then(
      (types) => new Set(types),
      (error: unknown) => {
        storeTypes = undefined;
        throw error;
      },
    );
    return (await storeTypes).has(type);
  };

  const rowsOf = async (type: string, nodeIndices: readonly number[]): Promise<Map<number, NodeRow>> => {
    if (nodeIndices.length === 0 || !(await hasTable(type))) return new Map();
    const rows = await store.getRows(type, nodeIndices);
    return new Map(rows.map((row) => [row.nodeIndex, row]));
  };

  /** Why the bridge cannot map `headType` to `tailType`, or undefined when it can. */
  const bridgeProblem = async (headType: string, tailType: string): Promise<string | undefined> => {
    if (!bridge) return NO_BRIDGE_MESSAGE;
    const projected = new Set(bridge.metadata.nodeTypes.map((entry) => entry.name));
    for (const type of [headType, tailType])
      if (!projected.has(type))
        return `bridge predictions are unavailable: the bridge has no projection for ${type} (it projects ${[...projected].join(', ')})`;
    if (!(await hasTable(tailType)))
      return `bridge predictions are unavailable: the index has no ${tailType} table to search`;
    let withProjected = projectedRows.get(tailType);
    if (!withProjected) {
      withProjected = store.tableInfo(tailType).then(
        (info) => info.withProjected,
        (error: unknown) => {
          projectedRows.delete(tailType);
          throw error;
        },
      );
      projectedRows.set(tailType, withProjected);
    }
    if ((await withProjected) === 0)
      return `bridge predictions are unavailable: no ${tailType} row has a projected vector (run \`biobridge project\`)`;
    return undefined;
  };

  const resolveHead = (request: RetrievalRequest, prefix: string): Head => {
    if (request.protein !== undefined)
      return {
        kind: 'protein',
        type: 'gene/protein',
        input: { value: request.protein, field: `${prefix}protein` },
      };
    if (request.smiles !== undefined)
      return { kind: 'smiles', type: 'drug', input: { value: request.smiles, field: `${prefix}smiles` } };
    if (request.text !== undefined)
      return {
        kind: 'text',
        type: chooseTextType(request, prefix),
        input: { value: request.text, field: `${prefix}text` },
      };
    const reference = request.entity!;
    const entity =
      typeof reference === 'string'
        ? entities.byName(reference, undefined, `${prefix}entity`)
        : reference.id !== undefined
          ? entities.byId(reference.type, reference.id, `${prefix}entity.id`)
          : entities.byName(
              reference.name!,
              reference.type === undefined
                ? undefined
                : [requireType(reference.type, `${prefix}entity.type`)],
              `${prefix}entity.name`,
            );
    return { kind: 'entity', type: entity.type, entity };
  };

  const requireType = (type: string, field: string): string => {
    const resolved = entities.nodeType(type);
    if (resolved === undefined)
      throw new AppError({
        code: 'BAD_REQUEST',
        message: `${field}: unknown node type "${type}"; known types: ${graph.registry.nodeTypes.join(', ')}`,
        details: { field, value: type },
      });
    return resolved;
  };

  const chooseTextType = (request: RetrievalRequest, prefix: string): string => {
    const field = `${prefix}textType`;
    const hasTextEncoder = (type: string) => dependencies.encoderFor(type)?.modality === 'text';
    if (request.textType !== undefined) {
      const type = requireType(request.textType, field);
      if (!hasTextEncoder(type))
        throw new AppError({
          code: 'BAD_REQUEST',
          message: `${field}: ${type} has no text encoder in this index; text types: ${graph.registry.nodeTypes.filter(hasTextEncoder).join(', ') || 'none'}`,
          details: { field, value: type },
        });
      return type;
    }
    const candidates = [
      ...TEXT_TYPE_PREFERENCE,
      ...graph.registry.nodeTypes.filter((type) => !TEXT_TYPE_PREFERENCE.includes(type)),
    ].filter(hasTextEncoder);
    const targets = request.targetTypes?.map((type, position) =>
      requireType(type, `${prefix}targetTypes[${position}]`),
    );
    const linked = candidates.find((type) => {
      const tails = tailTypesOf(graph, type);
      return targets === undefined ? tails.length > 0 : targets.every((target) => tails.includes(target));
    });
    const chosen = linked ?? candidates[0];
    if (chosen === undefined)
      throw new AppError({
        code: 'UNAVAILABLE',
        message: `${prefix}text: this index has no text encoder, so free text cannot be searched`,
        details: { field: `${prefix}text` },
      });
    return chosen;
  };

  const headVector = async (head: Head, signal: AbortSignal | undefined): Promise<Float32Array | string> => {
    if (head.input)
      return encodeQueryInput(dependencies.encoderFor, {
        type: head.type,
        input: head.input.value,
        field: head.input.field,
      });
    const entity = head.entity!;
    const [row] = (await hasTable(entity.type)) ? await store.getRows(entity.type, [entity.nodeIndex]) : [];
    signal?.throwIfAborted();
    if (row?.vector) return row.vector;
    return `${entity.name} (${entity.type} ${entity.id}) has no encoded ${row?.payloadKind ?? 'payload'} in this index, so the bridge cannot rank from it; KG facts still work with includePredicted: false`;
  };

  return {
    entities,
    graph,
    store,
    predictionsUnavailableReason: () => (bridge ? undefined : NO_BRIDGE_MESSAGE),

    async retrieve(input, options = {}) {
      const prefix = options.fieldPrefix ?? '';
      const previewCharacters = options.previewCharacters ?? PAYLOAD_PREVIEW_CHARACTERS;
      const signal = options.signal;
      const parsed = retrievalRequestSchema.safeParse(input);
      if (!parsed.success)
        throw new AppError({
          code: 'BAD_REQUEST',
          message: `invalid retrieval request: ${z.prettifyError(parsed.error)}`,
          cause: parsed.error,
        });
      const request = parsed.data;
      const variantAnswer = await answerVariantQuery(
        { graph, store, entities, variants: dependencies.variants },
        request,
        { prefix, previewCharacters },
      );
      if (variantAnswer) return variantAnswer;
      const head = resolveHead(request, prefix);
      if (head.input && (head.kind === 'smiles' || head.kind === 'protein')) {
        // A structure that is a KG entity's brings that entity's KG facts along.
        const linked = await structures.find(head.kind === 'smiles' ? 'drug' : 'gene/protein', head.input.value);
        if (linked) head.entity = { ...linked, matched: head.kind === 'smiles' ? 'canonical SMILES' : 'sequence' };
      }
      const targetTypes = request.targetTypes
        ? [
            ...new Set(
              request.targetTypes.map((type, position) =>
                requireType(type, `${prefix}targetTypes[${position}]`),
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
      const plan = planRelations(graph, head.type, targetTypes, {
        relations: request.relations,
        fieldPrefix: prefix,
      });
      if (!request.includePredicted && !head.entity)
        throw new AppError({
          code: 'BAD_REQUEST',
          message: `${prefix}includePredicted: a ${head.kind} query has no KG facts (it is not a KG entity), so it needs bridge predictions`,
          details: { field: `${prefix}includePredicted` },
        });
      const strict = (options.unavailablePredictions ?? 'throw') === 'throw';

      // Encoding first: a bad input is worth reporting even when no bridge could use it.
      const needVector = request.includePredicted || (head.entity !== undefined && bridge !== undefined);
      const vector = needVector ? await headVector(head, signal) : undefined;
      signal?.throwIfAborted();

      let unavailable: string | undefined = typeof vector === 'string' ? vector : undefined;
      if (unavailable === undefined && vector !== undefined)
        for (const entry of plan) {
          unavailable = await bridgeProblem(head.type, entry.tailType);
          if (unavailable !== undefined) break;
        }
      if (unavailable !== undefined && request.includePredicted && strict)
        throw new AppError({
          code: typeof vector === 'string' ? 'UNPROCESSABLE' : 'UNAVAILABLE',
          message: unavailable,
          details: { headType: head.type },
        });

      const transformed = new Map<PlannedRelation, Float32Array>();
      if (unavailable === undefined && vector instanceof Float32Array)
        for (const entry of plan) {
          transformed.set(
            entry,
            await bridge!.transform({
              headType: head.type,
              relation: entry.relation,
              tailType: entry.tailType,
              vectors: vector,
              rows: 1,
            }),
          );
          signal?.throwIfAborted();
        }

      const byTail = new Map<string, Map<number, Candidate[]>>();
      const candidatesOf = (tailType: string, nodeIndex: number): Candidate[] => {
        let perTail = byTail.get(tailType);
        if (!perTail) byTail.set(tailType, (perTail = new Map()));
        let list = perTail.get(nodeIndex);
        if (!list) perTail.set(nodeIndex, (list = []));
        return list;
      };

      if (request.includePredicted)
        for (const [entry, query] of transformed) {
          const exclude =
            head.entity && entry.tailType === head.type ? new Set([head.entity.nodeIndex]) : undefined;
          const hits = await store.search(entry.tailType, query, {
            k: request.k,
            column: 'projected',
            ...(exclude ? { excludeIndices: exclude } : {}),
          });
          for (const hit of hits)
            candidatesOf(entry.tailType, hit.nodeIndex).push({
              relation: entry.relation,
              score: hit.score,
              fromBridge: true,
              known: false,
            });
          signal?.throwIfAborted();
        }

      const knownByTail = head.entity
        ? knownNeighbours(graph, head.entity.nodeIndex, plan)
        : new Map<string, Map<number, Set<string>>>();
      let knownTotal = 0;
      for (const perTail of knownByTail.values()) knownTotal += perTail.size;

      const results: Omit<RetrievalResult, 'rank'>[] = [];
      for (const tailType of targetTypes) {
        const predicted = byTail.get(tailType) ?? new Map<number, Candidate[]>();
        const known = knownByTail.get(tailType) ?? new Map<number, Set<string>>();
        // The request schema makes includeKnown true whenever includePredicted is false.
        const addKnown = request.includeKnown;
        const wanted = new Set([...predicted.keys(), ...(addKnown ? known.keys() : [])]);
        const rows = await rowsOf(
          tailType,
          [...wanted].sort((left, right) => left - right),
        );
        signal?.throwIfAborted();

        // Score KG facts the bridge did not rank, from their stored projections.
        for (const [nodeIndex, relations] of known) {
          if (!wanted.has(nodeIndex)) continue;
          const list = candidatesOf(tailType, nodeIndex);
          for (const relation of relations) {
            const entry = plan.find((each) => each.tailType === tailType && each.relation === relation)!;
            const query = transformed.get(entry);
            const projected = rows.get(nodeIndex)?.projected;
            const fromBridge = list.find(
              (candidate) => candidate.relation === relation && candidate.fromBridge,
            );
            if (fromBridge) fromBridge.known = true;
            else
              list.push({
                relation,
                score: query && projected ? cosine(query, projected) : null,
                fromBridge: false,
                known: true,
              });
          }
        }

        const merged = [...(byTail.get(tailType) ?? new Map<number, Candidate[]>())].map(
          ([nodeIndex, list]) => mergeCandidates(nodeIndex, list, known.get(nodeIndex), graph),
        );
        const bridgeRanked = merged
          .filter((result) => result.source === 'bridge')
          .sort(compareResults)
          .slice(0, request.k);
        const ranked = new Set(bridgeRanked.map((result) => result.nodeIndex));
        const knownOnly = addKnown
          ? merged
              .filter((result) => !ranked.has(result.nodeIndex) && result.known)
              .sort(compareResults)
              .slice(0, request.maxKnown)
          : [];
        const selected = [
          ...(request.includePredicted ? bridgeRanked : []),
          ...knownOnly.map((result) => ({ ...result, source: 'kg' as const })),
        ];
        for (const result of selected) {
          const node = graph.node(result.nodeIndex);
          const row = rows.get(result.nodeIndex);
          results.push({
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
            payloadPreview: preview(row?.payload ?? null, previewCharacters),
          });
        }
      }

      // KG facts first (they are established), then predictions; each by bridge score.
      results.sort(
        (left, right) =>
          Number(right.known) - Number(left.known) ||
          compareScores(left.score, right.score) ||
          targetTypes.indexOf(left.type) - targetTypes.indexOf(right.type) ||
          left.nodeIndex - right.nodeIndex,
      );
      if (unavailable !== undefined && request.includePredicted)
        logger.info('retrieval without bridge predictions', { reason: unavailable, headType: head.type });

      return {
        query: {
          kind: head.kind,
          headType: head.type,
          ...(head.entity ? { entity: head.entity } : {}),
          ...(head.input ? { inputPreview: preview(head.input.value)! } : {}),
          targetTypes,
          relations: plan.map(({ headType, relation, tailType, kgRelations }) => ({
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
          knownTotal,
        },
        results: results.map((result, position) => ({ rank: position + 1, ...result })),
      };
    },
  };
}

/** Per tail type: each KG neighbour of `nodeIndex` over the planned relations, with those relations. */
function knownNeighbours(
  graph: KgGraph,
  nodeIndex: number,
  plan: readonly PlannedRelation[],
): Map<string, Map<number, Set<string>>> {
  const relationOfKind = new Map<number, PlannedRelation>();
  for (const entry of plan) for (const kindId of entry.kindIds) relationOfKind.set(kindId, entry);
  const byTail = new Map<string, Map<number, Set<string>>>();
  for (const neighbour of graph.neighbours(nodeIndex)) {
    const entry = relationOfKind.get(neighbour.kind);
    if (!entry) continue;
    let perTail = byTail.get(entry.tailType);
    if (!perTail) byTail.set(entry.tailType, (perTail = new Map()));
    let relations = perTail.get(neighbour.node);
    if (!relations) perTail.set(neighbour.node, (relations = new Set()));
    relations.add(entry.relation);
  }
  return byTail;
}

interface MergedResult {
  nodeIndex: number;
  score: number | null;
  relation: string;
  known: boolean;
  knownRelations: string[];
  source: 'bridge' | 'kg';
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

function cosine(left: Float32Array, right: Float32Array): number | null {
  if (left.length !== right.length) return null;
  let dot = 0;
  let leftNorm = 0;
  let rightNorm = 0;
  for (let index = 0; index < left.length; index++) {
    dot += left[index]! * right[index]!;
    leftNorm += left[index]! * left[index]!;
    rightNorm += right[index]! * right[index]!;
  }
  if (leftNorm === 0 || rightNorm === 0) return null;
  return dot / Math.sqrt(leftNorm * rightNorm);
}

/** The first `length` characters, whitespace collapsed, `…` when cut. */
export function preview(payload: string | null, length = PAYLOAD_PREVIEW_CHARACTERS): string | null {
  if (payload === null) return null;
  const flat = payload.replace(/\s+/g, ' ').trim();
  const characters = [...flat];
  return characters.length <= length ? flat : `${characters.slice(0, length).join('')}…`;
}
