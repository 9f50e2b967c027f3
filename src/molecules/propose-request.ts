import { z } from 'zod';
import { filterOptionsSchema } from '../chem/filters.js';
import { designConstraintsSchema } from './constraints.js';
import { proposeTargetSchema } from './propose-target.js';
import { scoringWeightsSchema } from './scoring-weights.js';

export { proposeTargetSchema, type ProposeTarget, type TargetKind } from './propose-target.js';

/**
 * A molecule proposal request. Defaults keep a run to a few seconds on a laptop CPU: 8 seeds,
 * a population of 40 bred for 8 generations (≈ 320 new molecules scored), 10 results.
 */
export const proposeRequestSchema = z.strictObject({
  target: proposeTargetSchema,
  n: z.number().int().min(1).max(100).default(10).describe('Candidates to return'),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 32 - 1)
    .default(0)
    .describe('PRNG seed: the same request and seed give the same candidates (LLM output aside)'),
  seedCount: z
    .number()
    .int()
    .min(1)
    .max(50)
    .default(8)
    .describe('Known drugs nearest to the bridged target that seed the search'),
  seedRanking: z
    .enum(['fused', 'bridge'])
    .default('fused')
    .describe(
      "How seeds are ranked: `fused` (the service's protein → drug retrieval: bridge + nearest-protein transfer + popularity) or `bridge` (bridge cosine alone)",
    ),
  generations: z.number().int().min(0).max(100).default(8).describe('Genetic algorithm generations'),
  population: z.number().int().min(4).max(500).default(40).describe('Genetic algorithm population size'),
  filters: filterOptionsSchema
    .default(filterOptionsSchema.parse({}))
    .describe(
      'Drug-likeness filters; defaults: Lipinski and Veber rules, no structural alerts. `{}` switches a range off',
    ),
  weights: scoringWeightsSchema
    .default(scoringWeightsSchema.parse({}))
    .describe('Weights of the combined score'),
  constraints: designConstraintsSchema
    .default(designConstraintsSchema.parse({}))
    .describe('Substructures to keep and avoid, a novelty bound and anti-targets; see each field'),
  exploitGenerations: z
    .number()
    .int()
    .min(0)
    .max(100)
    .default(1)
    .describe(
      'Generations that first mutate every seed in turn (exploit) before selection and crossover explore',
    ),
  analoguesPerSeed: z
    .number()
    .int()
    .min(1)
    .max(20)
    .default(1)
    .describe('One-edit analogues bred from each seed (and reference binder) in each exploit generation'),
  analogueSlots: z
    .number()
    .int()
    .min(0)
    .max(100)
    .default(0)
    .describe(
      "Returned slots reserved for the best one-edit analogue (by the combined score) of as many different seeds, before the rest are picked by score; trades novelty for closeness to the seeds' chemistry (guided runs only)",
    ),
  drugLikeCores: z
    .number()
    .int()
    .min(0)
    .max(20)
    .default(0)
    .describe(
      'Drug-like cores cut, with the first generation, out of each seed or reference binder that fails the filters (cofactors, nucleotides, peptides), so that its chemistry can still be returned and grown from; 0 switches this off',
    ),
  lineageMemory: z
    .boolean()
    .default(true)
    .describe(
      'Pick at most one candidate per seed lineage (and per scaffold) before any lineage gets a second',
    ),
  anchorDecay: z
    .number()
    .min(0)
    .max(1)
    .default(0.5)
    .describe(
      'Seeds and near-protein binders are ranked by consensus (mean Tanimoto to the others); the least central one counts 1 − anchorDecay in binderSimilarity, the most central 1 (0: all equal)',
    ),
  referenceProteins: z
    .number()
    .int()
    .min(0)
    .max(50)
    .default(5)
    .describe('Proteins nearest to the target whose known binders anchor the search (0: none)'),
  useLlm: z
    .boolean()
    .optional()
    .describe(
      'Ask the LLM for proposals too. Omitted: when one is configured; true: 503 without one; false: never',
    ),
  llmProposals: z.number().int().min(1).max(50).default(10).describe('Molecules asked of the LLM'),
  llmSeedsSearch: z.boolean().default(true).describe('Valid LLM proposals also seed the genetic algorithm'),
  excludeDrugs: z
    .array(z.string().trim().min(1).max(200))
    .max(10_000)
    .default([])
    .describe(
      'Drug ids kept out of the run: not used as seeds, not compared against (benchmarks hide known binders this way)',
    ),
  timeBudgetMs: z
    .number()
    .int()
    .min(100)
    .max(600_000)
    .default(60_000)
    .describe('The search stops breeding when this is spent and returns what it has (`stats.stoppedEarly`)'),
});
export type ProposeRequest = z.infer<typeof proposeRequestSchema>;
export type ProposeRequestInput = z.input<typeof proposeRequestSchema>;
