import { AppError } from '../../errors.js';
import { encodeQueryInput } from '../query-encoding.js';
import type { PlannedRelation } from '../relation-plan.js';
import { fusionWeightsFor, type FusionWeightsUsed } from '../fusion.js';
import type { RetrievalRequest } from '../retrieval-request.js';
import {
  candidatesOf,
  NO_BRIDGE_MESSAGE,
  type CandidatesByTail,
  type Head,
  type RetrievalMethod,
} from '../retrieval-types.js';
import type { PredictDependencies } from './predict-dependencies.js';
import { rankByFeatures } from './rank-features.js';

export type { PredictDependencies };

export interface Predictions {
  /** Why no bridge predictions were made; undefined when they were (or none were needed). */
  unavailable: string | undefined;
  /** The head vector transformed by the bridge, per planned relation. */
  transformed: Map<PlannedRelation, Float32Array>;
  /** The method's top-k hits per tail type. */
  candidates: CandidatesByTail;
  /** Why the bridge could not score (transfer and fusion go on without it). */
  bridgeUnavailable: string | undefined;
  /** The fused ranking's weights per planned relation; empty for other methods. */
  fusion: FusionWeightsUsed[];
}

/**
 * Stage 3 of retrieval: encode the head (or read its vector), transform it with the bridge into
 * each tail type's projected space and search that column.
 */
export async function predict(
  dependencies: PredictDependencies,
  head: Head,
  plan: readonly PlannedRelation[],
  request: RetrievalRequest,
  options: { strict: boolean; signal: AbortSignal | undefined; method: RetrievalMethod },
): Promise<Predictions> {
  const { bridge, store } = dependencies;
  const { signal, method } = options;
  // Encoding first: a bad input is worth reporting even when no bridge could use it.
  const needVector = request.includePredicted || (head.entity !== undefined && bridge !== undefined);
  const vector = needVector ? await headVector(dependencies, head, signal) : undefined;
  signal?.throwIfAborted();

  let unavailable: string | undefined = typeof vector === 'string' ? vector : undefined;
  if (unavailable === undefined && vector !== undefined)
    for (const entry of plan) {
      unavailable = await bridgeProblem(dependencies, head.type, entry.tailType);
      if (unavailable !== undefined) break;
    }
  // Transfer and fusion rank without a bridge; only a missing head vector stops them.
  const blocking = method === 'bridge' || typeof vector === 'string' ? unavailable : undefined;
  if (blocking !== undefined && request.includePredicted && options.strict)
    throw new AppError({
      code: typeof vector === 'string' ? 'UNPROCESSABLE' : 'UNAVAILABLE',
      message: blocking,
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

  const candidates: CandidatesByTail = new Map();
  const fusion: FusionWeightsUsed[] = [];
  if (request.includePredicted && method !== 'bridge' && vector instanceof Float32Array) {
    for (const entry of plan) {
      const chosen =
        method === 'transfer'
          ? undefined
          : fusionWeightsFor(
              dependencies.fusion,
              { headType: head.type, relation: entry.relation, tailType: entry.tailType },
              {
                bridge: transformed.has(entry),
                ligands: dependencies.ligands !== undefined,
                ligandModel: dependencies.ligandModel !== undefined,
              },
            );
      if (chosen) fusion.push({ relation: entry.relation, tailType: entry.tailType, ...chosen });
      const ranked = await rankByFeatures(dependencies, head, entry, {
        vector,
        transformed: transformed.get(entry),
        weights: chosen?.weights ?? { bridge: 0, transfer: 1, prior: 0 },
        method,
        k: request.k,
        signal,
      });
      for (const hit of ranked) candidatesOf(candidates, entry.tailType, hit.nodeIndex).push(hit.candidate);
    }
    return { unavailable: undefined, transformed, candidates, bridgeUnavailable: unavailable, fusion };
  }
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
        candidatesOf(candidates, entry.tailType, hit.nodeIndex).push({
          relation: entry.relation,
          score: hit.score,
          fromBridge: true,
          known: false,
          scores: { bridge: hit.score, transfer: null, prior: null, fused: null },
        });
      signal?.throwIfAborted();
    }
  return { unavailable, transformed, candidates, bridgeUnavailable: unavailable, fusion };
}

/** The head's raw vector, or why it has none. */
async function headVector(
  dependencies: PredictDependencies,
  head: Head,
  signal: AbortSignal | undefined,
): Promise<Float32Array | string> {
  if (head.input)
    return encodeQueryInput(dependencies.encoderFor, {
      type: head.type,
      input: head.input.value,
      field: head.input.field,
    });
  const entity = head.entity!;
  const [row] = (await dependencies.facts.hasTable(entity.type))
    ? await dependencies.store.getRows(entity.type, [entity.nodeIndex])
    : [];
  signal?.throwIfAborted();
  if (row?.vector) return row.vector;
  return `${entity.name} (${entity.type} ${entity.id}) has no encoded ${row?.payloadKind ?? 'payload'} in this index, so the bridge cannot rank from it; KG facts still work with includePredicted: false`;
}

/** Why the bridge cannot map `headType` to `tailType`, or undefined when it can. */
async function bridgeProblem(
  dependencies: PredictDependencies,
  headType: string,
  tailType: string,
): Promise<string | undefined> {
  const { bridge, facts } = dependencies;
  if (!bridge) return NO_BRIDGE_MESSAGE;
  const projected = new Set(bridge.metadata.nodeTypes.map((entry) => entry.name));
  for (const type of [headType, tailType])
    if (!projected.has(type))
      return `bridge predictions are unavailable: the bridge has no projection for ${type} (it projects ${[...projected].join(', ')})`;
  if (!(await facts.hasTable(tailType)))
    return `bridge predictions are unavailable: the index has no ${tailType} table to search`;
  if ((await facts.projectedRows(tailType)) === 0)
    return `bridge predictions are unavailable: no ${tailType} row has a projected vector (run \`biobridge project\`)`;
  return undefined;
}
