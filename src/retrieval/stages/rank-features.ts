import { cosineOfSameLength } from '../../encoders/vector-math.js';
import type { FusionWeights } from '../fusion.js';
import type { LigandQuery } from '../ligand-index.js';
import type { LigandModel } from '../ligand-model.js';
import { topIndices } from '../transfer-votes.js';
import type { TransferVoter } from '../transfer-index.js';
import type { PlannedRelation } from '../relation-plan.js';
import type { Candidate, Head, RetrievalMethod } from '../retrieval-types.js';
import type { PredictDependencies } from './predict-dependencies.js';

/** Candidates beyond k drawn from each source (bridge search, popularity) before fusing. */
const POOL_PER_SOURCE = 50;

/**
 * Ranks one relation's tails by transfer or by the fused score. The pool is every tail a similar
 * known head votes for, the bridge's top hits and the most popular tails; outside it every
 * component is low, so the pool's top k is the full ranking's top k up to bridge-only outliers.
 */
export async function rankByFeatures(
  dependencies: PredictDependencies,
  head: Head,
  entry: PlannedRelation,
  options: {
    vector: Float32Array;
    transformed: Float32Array | undefined;
    weights: FusionWeights;
    method: Exclude<RetrievalMethod, 'bridge'>;
    k: number;
    signal: AbortSignal | undefined;
  },
): Promise<{ nodeIndex: number; candidate: Candidate }[]> {
  const { weights, transformed, k } = options;
  const transfer = await dependencies.transfer.score(head.type, entry, options.vector, {
    excludeNode: head.entity?.nodeIndex,
  });
  const molecule = await ligandQuery(dependencies, head, weights);
  const ligand =
    molecule && (weights.ligand ?? 0) > 0 ? await dependencies.ligands!.score(entry, molecule) : undefined;
  const model =
    molecule && (weights.ligandModel ?? 0) > 0
      ? await ligandModelScores(dependencies, head, entry, molecule)
      : undefined;
  const exclude = head.entity && entry.tailType === head.type ? head.entity.nodeIndex : undefined;
  const pool = new Set<number>(transfer.votes.keys());
  for (const tail of ligand?.keys() ?? []) pool.add(tail);
  for (const tail of model?.top(k + POOL_PER_SOURCE) ?? []) pool.add(tail);
  for (const tail of transfer.topPrior(k + POOL_PER_SOURCE)) pool.add(tail);
  const bridgeScores = new Map<number, number>();
  if (transformed) {
    const hits = await dependencies.store.search(entry.tailType, transformed, {
      k: k + POOL_PER_SOURCE,
      column: 'projected',
      ...(exclude === undefined ? {} : { excludeIndices: new Set([exclude]) }),
    });
    for (const hit of hits) {
      bridgeScores.set(hit.nodeIndex, hit.score);
      pool.add(hit.nodeIndex);
    }
    // The bridge's score of tails found by the other sources matters only when it is weighted.
    const missing = [...pool].filter((tail) => !bridgeScores.has(tail));
    if (weights.bridge > 0 && missing.length > 0) {
      const rows = await dependencies.facts.rowsOf(
        entry.tailType,
        missing.sort((left, right) => left - right),
      );
      for (const [tail, row] of rows)
        if (row.projected) bridgeScores.set(tail, cosineOfSameLength(transformed, row.projected) ?? 0);
    }
  }
  options.signal?.throwIfAborted();
  if (exclude !== undefined) pool.delete(exclude);

  const maxVotes = maxScore(transfer.votes);
  const maxLigand = ligand ? maxScore(ligand) : 0;
  const scored = [...pool].map((tail) => {
    const votes = transfer.votes.get(tail);
    const transferScore = votes && maxVotes > 0 ? votes.score / maxVotes : 0;
    const ligandEntry = ligand?.get(tail);
    const ligandScore = ligand ? (ligandEntry && maxLigand > 0 ? ligandEntry.score / maxLigand : 0) : null;
    const probability = model?.probabilities.get(tail) ?? 0;
    const modelScore = model ? (model.max > 0 ? probability / model.max : 0) : null;
    const prior = transfer.prior(tail);
    const bridge = bridgeScores.get(tail) ?? null;
    const modelPart = modelScore === null ? 0 : (weights.ligandModel ?? 0) * modelScore;
    const votePart =
      weights.transfer * transferScore + (ligandScore === null ? 0 : (weights.ligand ?? 0) * ligandScore);
    const fused =
      votePart + weights.prior * prior + (bridge === null ? 0 : weights.bridge * bridge) + modelPart;
    // The model explains the hit when it adds more than the similar drugs' votes.
    const explainedByModel = modelPart > 0 && modelPart >= votePart;
    return {
      tail,
      transferScore,
      ligandScore,
      modelScore,
      probability,
      explainedByModel,
      prior,
      bridge,
      fused,
      transferVoters: votes?.voters,
      ligandVoters: ligandEntry?.voters,
    };
  });
  const rankScore = (item: (typeof scored)[number]) =>
    options.method === 'transfer' ? item.transferScore : item.fused;
  const ranked = scored
    .filter((item) => options.method !== 'transfer' || item.transferScore > 0)
    .sort(
      (left, right) =>
        rankScore(right) - rankScore(left) || right.prior - left.prior || left.tail - right.tail,
    )
    .slice(0, k);
  return ranked.map((item) => ({
    nodeIndex: item.tail,
    candidate: candidateOf(entry.relation, item, rankScore(item), options.method),
  }));
}

interface ScoredTail {
  transferScore: number;
  ligandScore: number | null;
  modelScore: number | null;
  probability: number;
  explainedByModel: boolean;
  prior: number;
  bridge: number | null;
  fused: number;
  transferVoters: readonly TransferVoter[] | undefined;
  ligandVoters: readonly TransferVoter[] | undefined;
}

/** A ranked tail as the merge stage reads it: every component score, its voters, and the model's say. */
function candidateOf(
  relation: string,
  item: ScoredTail,
  score: number,
  method: Exclude<RetrievalMethod, 'bridge'>,
): Candidate {
  return {
    relation,
    score,
    fromBridge: true,
    known: false,
    scores: {
      bridge: item.bridge,
      transfer: item.transferScore,
      prior: item.prior,
      fused: item.fused,
      ligand: item.ligandScore ?? undefined,
      ligandModel: item.modelScore ?? undefined,
    },
    // Merged here, for the k ranked tails only: nothing reads the other tails' voters.
    voters: mergeVoters(item.transferVoters ?? [], item.ligandVoters ?? []).slice(0, 5),
    ligandModelScore: method === 'fused' && item.explainedByModel ? item.probability : undefined,
  };
}

/**
 * The molecule behind a SMILES or KG-drug head, with its fingerprint computed once for ligand
 * similarity and the ligand-target model; undefined for other heads, without fingerprints, or when
 * neither component is weighted.
 */
async function ligandQuery(
  dependencies: PredictDependencies,
  head: Head,
  weights: FusionWeights,
): Promise<LigandQuery | undefined> {
  const ligands = dependencies.ligands;
  if (!ligands || ((weights.ligand ?? 0) <= 0 && (weights.ligandModel ?? 0) <= 0)) return undefined;
  let query: LigandQuery | undefined;
  if (head.kind === 'smiles' && head.input)
    query = { smiles: head.input.value, nodeIndex: head.entity?.nodeIndex };
  else if (head.entity && !head.input) query = { nodeIndex: head.entity.nodeIndex };
  if (!query) return undefined;
  const fingerprint = await ligands.fingerprint(query);
  return fingerprint ? { ...query, fingerprint } : undefined;
}

/** The ligand-target model's score in [0, 1] per tail, when the model covers this head type and relation. */
async function ligandModelScores(
  dependencies: PredictDependencies,
  head: Head,
  entry: PlannedRelation,
  molecule: LigandQuery,
): Promise<
  { probabilities: Pick<Map<number, number>, 'get'>; max: number; top(count: number): number[] } | undefined
> {
  const model = dependencies.ligandModel;
  const { meta } = model ?? {};
  if (!model || !meta || !molecule.fingerprint) return undefined;
  if (meta.headType !== head.type || meta.relation !== entry.relation || meta.tailType !== entry.tailType)
    return undefined;
  // The kernel head's input is the similarity scan that ligand voting makes of the same query.
  const kernelSimilarities = model.kernel
    ? await dependencies.ligands?.kernelSimilarities(model.kernel, molecule)
    : undefined;
  const output = await model.predict(molecule.fingerprint, 1, { kernelSimilarities });
  const columns = outputColumnsOf(model);
  let max = 0;
  for (let column = 0; column < output.length; column++) max = Math.max(max, output[column]!);
  return {
    probabilities: {
      get: (tail) => {
        const column = columns.get(tail);
        return column === undefined ? undefined : output[column];
      },
    },
    max,
    // Largest first, ties in column order (as a stable sort of the columns by score).
    top: (count) => topIndices(output, count).map((column) => model.tails[column]!),
  };
}

/** Tail node index → output column of a ligand model, built once per model. */
const outputColumns = new WeakMap<LigandModel, Map<number, number>>();
function outputColumnsOf(model: LigandModel): Map<number, number> {
  let columns = outputColumns.get(model);
  if (!columns) {
    columns = new Map();
    for (let column = 0; column < model.tails.length; column++) columns.set(model.tails[column]!, column);
    outputColumns.set(model, columns);
  }
  return columns;
}

function maxScore(votes: ReadonlyMap<number, { score: number }>): number {
  let max = 0;
  for (const { score } of votes.values()) max = Math.max(max, score);
  return max;
}

/** Transfer and ligand voters, each drug once at its higher similarity, most similar first. */
function mergeVoters(transfer: readonly TransferVoter[], ligand: readonly TransferVoter[]): TransferVoter[] {
  const best = new Map<number, TransferVoter>();
  for (const voter of [...transfer, ...ligand]) {
    const seen = best.get(voter.nodeIndex);
    if (!seen || voter.similarity > seen.similarity) best.set(voter.nodeIndex, voter);
  }
  return [...best.values()].sort((left, right) => right.similarity - left.similarity);
}
