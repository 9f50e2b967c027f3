import { join } from 'node:path';
import { z } from 'zod';
import { readOptionalIndexJson, writeIndexJson } from '../util/index-json.js';

/**
 * The fused ranking: a linear model over per-candidate features,
 *   fused = w.bridge · bridge cosine + w.transfer · transfer / max(transfer) + w.prior · prior
 *           + w.ligand · ligand / max(ligand),
 * with `prior` = log(1 + training degree) / log(1 + max degree) for the relation, `transfer`
 * the similarity-weighted votes of the query's nearest known heads, and `ligand` (drug heads
 * only, when the index has ligand fingerprints) the multi-fingerprint ligand-similarity votes of
 * ligand-index.ts. The weights are chosen per task
 * (head type, relation, tail type) on validation queries by exhaustive search over a grid that
 * contains the pure baselines (transfer alone, prior alone, bridge alone), so on validation the fused
 * ranking is never worse than any of them; a weight of 0 on the bridge is a legitimate outcome.
 */
export const FUSION_FILE = 'fusion.json';

export const fusionWeightsSchema = z.object({
  bridge: z.number(),
  transfer: z.number(),
  prior: z.number(),
  /** Absent (0) in models fitted without ligand fingerprints. */
  ligand: z.number().optional(),
  /** The ligand-target model's scores in [0, 1] (ligand-model.ts); absent (0) without one. */
  ligandModel: z.number().optional(),
});
export type FusionWeights = z.infer<typeof fusionWeightsSchema>;

/**
 * Weights used where no fusion.json covers a task (an index that was ingested, maybe trained, but
 * never fitted), declared once here. Drug heads of an index with ligand fingerprints get the
 * weights `fit-fusion` chose on the **validation** drugs of the unseen-drug split of
 * `../shared/kg` (2026-12-07, cpu-preset bridge, 1 epoch; README "Ligand similarity"): drug →
 * protein 0.3 / 0 / 0.003 / 1, drug → disease (and any other drug tail) 0.03 / 0.3 / 0 / 1.
 * Every other task ranks by NN transfer with popularity breaking ties. The bridge weight is 0
 * when the index has no trained bridge. With a ligand-target model, drug → protein adds it at
 * weight 1 (validation drugs of the unseen-drug split: ligand similarity + model MRR 0.616 vs
 * 0.581 without, Hits@10 0.724 vs 0.729; README "Ligand-target model"). With the kernel head
 * (2026-12-08) the same weights score 0.625 / 0.741 on validation and the model alone 0.644 / 0.739;
 * `fit-fusion` chooses per index.
 */
export const DEFAULT_FUSION_WEIGHTS = {
  drugToProteinWithLigandModel: { bridge: 0.3, transfer: 0, prior: 0.003, ligand: 1, ligandModel: 1 },
  drugToProteinWithLigands: { bridge: 0.3, transfer: 0, prior: 0.003, ligand: 1 },
  drugWithLigands: { bridge: 0.03, transfer: 0.3, prior: 0, ligand: 1 },
  transfer: { bridge: 0, transfer: 1, prior: 0.03 },
} as const satisfies Record<string, FusionWeights>;

/** Where a task's weights came from: the index's fusion.json, or {@link DEFAULT_FUSION_WEIGHTS}. */
export type FusionWeightsSource = 'fitted' | 'default';

/** Which weights ranked one relation of a query (reported in the response). */
export interface FusionWeightsUsed {
  relation: string;
  tailType: string;
  source: FusionWeightsSource;
  weights: FusionWeights;
}

/** The weights of one task: fitted when fusion.json covers it, else the documented defaults. */
export function fusionWeightsFor(
  fusion: FusionModel | undefined,
  task: { headType: string; relation: string; tailType: string },
  available: { bridge: boolean; ligands: boolean; ligandModel?: boolean | undefined },
): { weights: FusionWeights; source: FusionWeightsSource } {
  const key = fusionKey(task.headType, task.relation, task.tailType);
  const fitted = fusion?.tasks.find(
    (entry) => fusionKey(entry.headType, entry.relation, entry.tailType) === key,
  );
  if (fitted) return { weights: fitted.weights, source: 'fitted' };
  const defaults =
    task.headType === 'drug' && available.ligands
      ? task.tailType === 'gene/protein'
        ? available.ligandModel
          ? DEFAULT_FUSION_WEIGHTS.drugToProteinWithLigandModel
          : DEFAULT_FUSION_WEIGHTS.drugToProteinWithLigands
        : DEFAULT_FUSION_WEIGHTS.drugWithLigands
      : DEFAULT_FUSION_WEIGHTS.transfer;
  return {
    weights: { ...defaults, bridge: available.bridge ? defaults.bridge : 0 },
    source: 'default',
  };
}

const fitSummarySchema = z.object({ queries: z.number(), mrr: z.number(), hitsAt10: z.number() });

export const fusionModelSchema = z.object({
  format: z.literal('biobridge-fusion'),
  formatVersion: z.literal(1),
  createdAt: z.string(),
  split: z.string(),
  /** Bridge the bridge weights were fitted with; a different bridge makes them meaningless. */
  bridgeId: z.string().nullable(),
  /** Ligand-target model the `ligandModel` weights were fitted with (its id); absent: none. */
  ligandModelId: z.string().nullable().optional(),
  /**
   * The served model (`<index>/ligand-model/`, trained on every KG drug with the same recipe) that
   * the fitted `ligandModel` weights stand for at query time; absent: `ligandModelId` itself.
   */
  servedLigandModelId: z.string().nullable().optional(),
  neighbours: z.number().int().positive(),
  tasks: z.array(
    z.object({
      headType: z.string(),
      relation: z.string(),
      tailType: z.string(),
      weights: fusionWeightsSchema,
      validation: z.object({
        fused: fitSummarySchema,
        bridge: fitSummarySchema.nullable(),
        transfer: fitSummarySchema,
        prior: fitSummarySchema,
        ligand: fitSummarySchema.nullable().optional(),
        ligandModel: fitSummarySchema.nullable().optional(),
      }),
    }),
  ),
});
export type FusionModel = z.infer<typeof fusionModelSchema>;

/** Per-candidate features of one query; `bridge` undefined when no bridge scores the task. */
export interface CandidateFeatures {
  bridge: Float32Array | undefined;
  transfer: Float32Array;
  /** Already scaled to [0, 1]. */
  prior: Float32Array;
  /** Ligand-similarity votes; undefined when the task's heads are not molecules. */
  ligand?: Float32Array | undefined;
  /** Ligand-target model scores; undefined without a model covering the task. */
  ligandModel?: Float32Array | undefined;
}

export function fuse(features: CandidateFeatures, weights: FusionWeights, out: Float32Array): Float32Array {
  const transferScale = scaleToMax(features.transfer, weights.transfer);
  const bridgeWeight = features.bridge ? weights.bridge : 0;
  const ligand = features.ligand;
  const ligandScale = ligand ? scaleToMax(ligand, weights.ligand ?? 0) : 0;
  const model = features.ligandModel;
  const modelScale = model ? scaleToMax(model, weights.ligandModel ?? 0) : 0;
  for (let index = 0; index < out.length; index++)
    out[index] =
      transferScale * features.transfer[index]! +
      weights.prior * features.prior[index]! +
      (bridgeWeight === 0 ? 0 : bridgeWeight * features.bridge![index]!) +
      (ligandScale === 0 ? 0 : ligandScale * ligand![index]!) +
      (modelScale === 0 ? 0 : modelScale * model![index]!);
  return out;
}

/** weight / max(values), or 0 when every value is 0: the feature divided by the query's top value. */
function scaleToMax(values: Float32Array, weight: number): number {
  let max = 0;
  for (const value of values) if (value > max) max = value;
  return max > 0 ? weight / max : 0;
}

/** log(1 + degree) / log(1 + max degree): the popularity prior as a [0, 1] feature. */
export function priorFromDegrees(degrees: ArrayLike<number>): Float32Array {
  let max = 0;
  for (let index = 0; index < degrees.length; index++) max = Math.max(max, degrees[index]!);
  const scale = max > 0 ? 1 / Math.log1p(max) : 0;
  return Float32Array.from(degrees, (degree) => Math.log1p(degree) * scale);
}

const BRIDGE_GRID = [0, 0.01, 0.03, 0.1, 0.3, 1, 3];
const PRIOR_GRID = [0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];

/** Transfer / ligand pairs tried when the task has ligand votes (ligand alone is among them). */
const TRANSFER_LIGAND_GRID: readonly [number, number][] = [
  [1, 0],
  [0, 0],
  [0, 1],
  [0.3, 1],
  [1, 1],
];

/** Weights of the ligand-target model tried when the task has one (0: the fusion without it). */
const LIGAND_MODEL_GRID = [0, 0.3, 1, 3];

/** Every weighting tried by {@link fitFusion}; the pure baselines are among them. */
export function fusionGrid(
  withBridge: boolean,
  withLigand = false,
  withLigandModel = false,
): FusionWeights[] {
  const grid: FusionWeights[] = [];
  const pairs = withLigand ? TRANSFER_LIGAND_GRID : TRANSFER_LIGAND_GRID.slice(0, 2);
  for (const ligandModel of withLigandModel ? LIGAND_MODEL_GRID : [0])
    for (const [transfer, ligand] of pairs)
      for (const bridge of withBridge ? BRIDGE_GRID : [0])
        for (const prior of PRIOR_GRID) {
          if (transfer === 0 && bridge === 0 && prior === 0 && ligand === 0 && ligandModel === 0) continue;
          const weights: FusionWeights = withLigand
            ? { bridge, transfer, prior, ligand }
            : { bridge, transfer, prior };
          if (withLigandModel) weights.ligandModel = ligandModel;
          grid.push(weights);
        }
  // The model alone (no prior, no votes) is a baseline the fit must be able to pick.
  if (withLigandModel) grid.push({ bridge: 0, transfer: 0, prior: 0, ligand: 0, ligandModel: 1 });
  return grid;
}

export interface FitQuery {
  features: CandidateFeatures;
  /** Candidate positions of the true tails. */
  positives: readonly number[];
}

export interface FitSummary {
  queries: number;
  mrr: number;
  hitsAt10: number;
}

/** MRR and Hits@10 of a weighting over the queries (ties ranked at the mean of their positions). */
export function evaluateWeights(queries: readonly FitQuery[], weights: FusionWeights): FitSummary {
  let reciprocal = 0;
  let hits = 0;
  const first = queries[0];
  const scores = new Float32Array(first ? first.features.prior.length : 0);
  for (const query of queries) {
    fuse(query.features, weights, scores);
    const rank = firstRank(scores, query.positives);
    reciprocal += 1 / rank;
    if (rank <= 10) hits++;
  }
  const n = queries.length;
  return { queries: n, mrr: n ? reciprocal / n : 0, hitsAt10: n ? hits / n : 0 };
}

/** The grid weighting with the best validation MRR + Hits@10 (earlier grid points win ties). */
export function fitFusion(queries: readonly FitQuery[]): { weights: FusionWeights; summary: FitSummary } {
  const withBridge = queries.some((query) => query.features.bridge !== undefined);
  const withLigand = queries.some((query) => query.features.ligand !== undefined);
  const withLigandModel = queries.some((query) => query.features.ligandModel !== undefined);
  let best: { weights: FusionWeights; summary: FitSummary } | undefined;
  for (const weights of fusionGrid(withBridge, withLigand, withLigandModel)) {
    const summary = evaluateWeights(queries, weights);
    if (!best || summary.mrr + summary.hitsAt10 > best.summary.mrr + best.summary.hitsAt10)
      best = { weights, summary };
  }
  return (
    best ?? { weights: { bridge: 0, transfer: 1, prior: 0.01 }, summary: { queries: 0, mrr: 0, hitsAt10: 0 } }
  );
}

function firstRank(scores: Float32Array, positives: readonly number[]): number {
  let best = -Infinity;
  for (const position of positives) best = Math.max(best, scores[position] ?? -Infinity);
  let greater = 0;
  let equal = 0;
  for (const score of scores) {
    if (score > best) greater++;
    else if (score === best) equal++;
  }
  return 1 + greater + (equal - 1) / 2;
}

export function fusionKey(headType: string, relation: string, tailType: string): string {
  return `${headType}\u0000${relation}\u0000${tailType}`;
}

/** The index's fusion model, or undefined when none was fitted. */
export async function readFusionModel(indexDirectory: string): Promise<FusionModel | undefined> {
  return readOptionalIndexJson(join(indexDirectory, FUSION_FILE), fusionModelSchema);
}

export async function writeFusionModel(indexDirectory: string, model: FusionModel): Promise<string> {
  return writeIndexJson(join(indexDirectory, FUSION_FILE), model);
}
