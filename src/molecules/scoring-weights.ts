import { z } from 'zod';

/**
 * Weights of the combined score that ranks candidates and drives the genetic algorithm:
 *
 *   combined = bridge · cos(candidate, target query)
 *            + qed · QED
 *            + novelty · (1 − max Tanimoto to KG drugs)
 *            + seedSimilarity · max Tanimoto to the seeds
 *            − alertPenalty · min(alerts, 3)
 *
 * The bridge term dominates by default: the cosine lives in [−1, 1] and separates binders from
 * non-binders by a few tenths after training, while QED (0..1) and novelty only break near-ties.
 * `seedSimilarity` keeps the search near the seeds (0: off). Alerts count only the families
 * enabled in the request's filters; at most three are penalised, so one bad scaffold cannot
 * swamp the ranking when `maxAlerts` lets alerts through.
 */
export const scoringWeightsSchema = z.strictObject({
  bridge: z.number().min(0).max(100).default(1).describe('Weight of the bridge cosine (−1..1)'),
  qed: z.number().min(0).max(100).default(0.25).describe('Weight of QED (0..1)'),
  novelty: z.number().min(0).max(100).default(0.1).describe('Weight of 1 − max Tanimoto to KG drugs'),
  seedSimilarity: z.number().min(0).max(100).default(0).describe('Weight of max Tanimoto to the seeds'),
  alertPenalty: z
    .number()
    .min(0)
    .max(100)
    .default(0.1)
    .describe('Subtracted per structural alert (at most 3)'),
});
export type ScoringWeights = z.infer<typeof scoringWeightsSchema>;
export type ScoringWeightsInput = z.input<typeof scoringWeightsSchema>;

export const MAX_PENALISED_ALERTS = 3;

export interface ScoreParts {
  bridge: number;
  qed: number;
  novelty: number;
  maxSimilarityToSeeds: number;
  alerts: number;
}

export function combinedScore(parts: ScoreParts, weights: ScoringWeights): number {
  return (
    weights.bridge * parts.bridge +
    weights.qed * parts.qed +
    weights.novelty * parts.novelty +
    weights.seedSimilarity * parts.maxSimilarityToSeeds -
    weights.alertPenalty * Math.min(parts.alerts, MAX_PENALISED_ALERTS)
  );
}
