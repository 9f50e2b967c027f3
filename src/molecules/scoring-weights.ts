import { z } from 'zod';

/**
 * Weights of the combined score that drives the genetic algorithm and ranks candidates:
 *
 *   combined = bridge · cos(candidate, bridged target)
 *            + binderSimilarity · max Tanimoto to the reference binders
 *            + qed · QED
 *            + synthesizability · (10 − SA) / 9
 *            + novelty · (1 − max Tanimoto to KG drugs)
 *            + seedSimilarity · max Tanimoto to the seeds
 *            − alertPenalty · min(alerts, 3)
 *            − antiTarget · max(0, max cos(candidate, bridged anti-target))
 *
 * Each term is switched off (ablated) by a weight of 0. Why these defaults: the bridge cosine
 * alone rewards drifting: a GA finds molecules whose projected vector points at the target while
 * their chemistry leaves every binder behind, so the target's evidence is also carried by
 * Tanimoto to the reference binders (the target's known binders, the seeds the bridge retrieved,
 * and the binders of the proteins nearest to it), which keeps the search where binders are.
 * QED and synthesizability keep it drug-like and makeable. Novelty is 0 by default because it
 * pushes away from the binders; use `constraints.maxSimilarityToKnownDrugs` to demand novelty.
 * Alerts count only the families enabled in the filters; at most three are penalised.
 */
export const scoringWeightsSchema = z.strictObject({
  bridge: z.number().min(0).max(100).default(0.5).describe('Weight of the bridge cosine (−1..1)'),
  binderSimilarity: z
    .number()
    .min(0)
    .max(100)
    .default(1)
    .describe(
      'Weight of max Tanimoto to the reference binders (target binders, seeds, near-protein binders)',
    ),
  qed: z.number().min(0).max(100).default(0.25).describe('Weight of QED (0..1)'),
  synthesizability: z
    .number()
    .min(0)
    .max(100)
    .default(0.25)
    .describe('Weight of (10 − SA score) / 9, SA in the manner of Ertl–Schuffenhauer'),
  novelty: z.number().min(0).max(100).default(0).describe('Weight of 1 − max Tanimoto to KG drugs'),
  seedSimilarity: z.number().min(0).max(100).default(0).describe('Weight of max Tanimoto to the seeds'),
  alertPenalty: z
    .number()
    .min(0)
    .max(100)
    .default(0.1)
    .describe('Subtracted per structural alert (at most 3)'),
  antiTarget: z
    .number()
    .min(0)
    .max(100)
    .default(1)
    .describe('Weight of the highest positive bridge cosine to an anti-target (subtracted)'),
});
export type ScoringWeights = z.infer<typeof scoringWeightsSchema>;
export type ScoringWeightsInput = z.input<typeof scoringWeightsSchema>;

export const MAX_PENALISED_ALERTS = 3;

export interface ScoreParts {
  bridge: number;
  binderSimilarity: number;
  qed: number;
  /** (10 − SA) / 9. */
  synthesizability: number;
  novelty: number;
  maxSimilarityToSeeds: number;
  alerts: number;
  /** Highest bridge cosine to an anti-target; 0 without anti-targets. */
  antiTarget: number;
}

export function combinedScore(parts: ScoreParts, weights: ScoringWeights): number {
  return (
    weights.bridge * parts.bridge +
    weights.binderSimilarity * parts.binderSimilarity +
    weights.qed * parts.qed +
    weights.synthesizability * parts.synthesizability +
    weights.novelty * parts.novelty +
    weights.seedSimilarity * parts.maxSimilarityToSeeds -
    weights.alertPenalty * Math.min(parts.alerts, MAX_PENALISED_ALERTS) -
    weights.antiTarget * Math.max(0, parts.antiTarget)
  );
}
