import { z } from 'zod';
import { AppError } from '../errors.js';
import type { KgGraph } from '../kg/graph.js';
import type { VectorStore } from '../store/vector-store.js';
import { noopLogger } from '../util/logger.js';
import { createEntityResolver, type EntityResolver } from './entity-resolver.js';
import {
  retrievalRequestSchema,
  type RetrievalRequest,
  type RetrievalRequestInput,
} from './retrieval-request.js';
import {
  NO_BRIDGE_MESSAGE,
  PAYLOAD_PREVIEW_CHARACTERS,
  type RetrievalResponse,
  type RetrieveOptions,
  type RetrieverDependencies,
} from './retrieval-types.js';
import { addKnownCandidates, knownFacts } from './stages/known.js';
import { describeQuery, mergeTail, rankResults, type UnrankedResult } from './stages/merge.js';
import { planRetrieval } from './stages/plan.js';
import { predict } from './stages/predict.js';
import { createHeadResolver } from './stages/resolve-head.js';
import { createStoreFacts } from './stages/store-facts.js';
import { createStructureIndex } from './structure-index.js';
import { withMoleculeScope } from '../chem/molecule-scope.js';
import { createTransferIndex } from './transfer-index.js';
import { createLigandIndex } from './ligand-index.js';
import { withQueryEncodingCache } from './query-cache.js';
import { answerVariantEntityQuery, answerVariantInputQuery, isVariantInputQuery } from './variant-query.js';

export {
  NO_BRIDGE_MESSAGE,
  PAYLOAD_PREVIEW_CHARACTERS,
  preview,
  type QueryKind,
  type ResolvedQuery,
  type RetrievalResponse,
  type RetrievalResult,
  type RetrievedRelation,
  type RetrievalMethod,
  type HitScores,
  type Explanation,
  type RetrieveOptions,
  type RetrieverDependencies,
  type VariantModelServices,
  type AssociationFacts,
} from './retrieval-types.js';

export interface Retriever {
  retrieve(request: RetrievalRequestInput, options?: RetrieveOptions): Promise<RetrievalResponse>;
  readonly entities: EntityResolver;
  readonly graph: KgGraph;
  readonly store: VectorStore;
  /** Why no bridge predictions can be made at all, or undefined when a bridge is loaded. */
  predictionsUnavailableReason(): string | undefined;
}

/**
 * Cross-modal retrieval in five named stages (src/retrieval/stages/): resolve the head (entity, or a
 * new protein / SMILES / text encoded on the fly) → plan the relations from the KG's edge kinds →
 * predict (transform the head with the bridge into each tail type's space and search the projected
 * column) → add the head's known KG facts → merge into one ranked list. A SNP (`rsid` / `variant`),
 * a KG variant, or a query for variants is answered by the learned variant model instead
 * (variant-query.ts) when the index has one.
 */
export function createRetriever(dependencies: RetrieverDependencies): Retriever {
  const { graph, store, bridge, fusion, ligandModel } = dependencies;
  const logger = dependencies.logger ?? noopLogger;
  const encoderFor = withQueryEncodingCache(dependencies.encoderFor);
  const entities = createEntityResolver(graph, dependencies.lookup);
  const facts = createStoreFacts(store);
  const transfer = createTransferIndex(graph, store);
  const ligands = dependencies.ligands ? createLigandIndex(graph, dependencies.ligands) : undefined;
  const structures = createStructureIndex(graph, store, dependencies.structures);
  const heads = createHeadResolver({ graph, entities, structures, encoderFor });

  const retriever: Retriever = {
    entities,
    graph,
    store,
    predictionsUnavailableReason: () => (bridge ? undefined : NO_BRIDGE_MESSAGE),

    async retrieve(input, options = {}) {
      const prefix = options.fieldPrefix ?? '';
      const signal = options.signal;
      const request = options.validated ? (input as RetrievalRequest) : parseRequest(input);
      const previewCharacters = options.previewCharacters ?? PAYLOAD_PREVIEW_CHARACTERS;
      const variantContext = { graph, entities, facts, variants: dependencies.variants };
      if (isVariantInputQuery(request))
        return answerVariantInputQuery(variantContext, request, { prefix, previewCharacters });
      const head = await heads.resolve(request, prefix);
      // The learned variant model answers a variant entity's queries and variant targets unless a method is asked for.
      const variantAnswer = await answerVariantEntityQuery(variantContext, request, head, {
        prefix,
        previewCharacters,
      });
      if (variantAnswer) return variantAnswer;
      if (request.method === 'learned')
        throw new AppError({
          code: 'BAD_REQUEST',
          message: `${prefix}method: "learned" ranks variant queries (rsid, variant, or a variant entity with the learned variant model loaded); use fused, bridge or transfer`,
          details: { field: `${prefix}method`, value: request.method },
        });
      const plan = planRetrieval(graph, head, request, { prefix, requireType: heads.requireType });
      // Fused by default, with fitted weights where fusion.json covers the task and the documented defaults elsewhere.
      const method =
        request.method ?? (dependencies.fusion ? 'fused' : (options.methodWithoutFusion ?? 'fused'));
      const predictions = await predict(
        { store, facts, bridge, transfer, ligands, ligandModel, fusion, encoderFor },
        head,
        plan.relations,
        request,
        { strict: (options.unavailablePredictions ?? 'throw') === 'throw', signal, method },
      );
      const known = knownFacts(graph, head, plan.relations);

      const results: UnrankedResult[] = [];
      for (const tailType of plan.targetTypes) {
        const predicted = predictions.candidates.get(tailType) ?? new Map<number, never[]>();
        const knownOfTail = known.byTail.get(tailType) ?? new Map<number, Set<string>>();
        const wanted = new Set([...predicted.keys(), ...(request.includeKnown ? knownOfTail.keys() : [])]);
        const rows = await facts.rowsOf(
          tailType,
          [...wanted].sort((left, right) => left - right),
        );
        signal?.throwIfAborted();
        addKnownCandidates(predictions.candidates, tailType, knownOfTail, {
          wanted,
          rows,
          plan: plan.relations,
          transformed: predictions.transformed,
        });
        results.push(
          ...mergeTail(graph, tailType, predictions.candidates.get(tailType) ?? new Map(), knownOfTail, {
            request,
            head,
            method,
            rows,
            previewCharacters,
          }),
        );
      }
      if (predictions.unavailable !== undefined && request.includePredicted)
        logger.info('retrieval without bridge predictions', {
          reason: predictions.unavailable,
          headType: head.type,
        });
      return {
        query: describeQuery(head, request, plan, {
          unavailable: predictions.unavailable,
          knownTotal: known.total,
          method,
          fusion: predictions.fusion,
        }),
        results: rankResults(results, plan.targetTypes),
      };
    },
  };
  // A query SMILES is parsed once per request and shared by its canonical form, its encoding and
  // its ligand fingerprints (molecule-scope.ts). Only SMILES queries enter a scope: its async
  // context costs every awaited promise a little.
  return wrapRetrieve(retriever, (input, options) =>
    typeof input.smiles === 'string'
      ? withMoleculeScope(() => retriever.retrieve(input, options))
      : retriever.retrieve(input, options),
  );
}

/**
 * `retriever` with `retrieve` replaced (e.g. to wait or take a slot first) and every other member
 * passed through, read on each access so that the wrapper never holds a stale part.
 */
export function wrapRetrieve(retriever: Retriever, retrieve: Retriever['retrieve']): Retriever {
  return {
    retrieve,
    get entities() {
      return retriever.entities;
    },
    get graph() {
      return retriever.graph;
    },
    get store() {
      return retriever.store;
    },
    predictionsUnavailableReason: () => retriever.predictionsUnavailableReason(),
  };
}

function parseRequest(input: RetrievalRequestInput): RetrievalRequest {
  const parsed = retrievalRequestSchema.safeParse(input);
  if (!parsed.success)
    throw new AppError({
      code: 'BAD_REQUEST',
      message: `invalid retrieval request: ${z.prettifyError(parsed.error)}`,
      cause: parsed.error,
    });
  return parsed.data;
}
