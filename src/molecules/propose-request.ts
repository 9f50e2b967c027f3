import { z } from 'zod';
import { filterOptionsSchema } from '../chem/filters.js';
import { entityReferenceSchema, MAX_PROTEIN_CHARACTERS } from '../retrieval/retrieval-request.js';
import { scoringWeightsSchema } from './scoring-weights.js';

const targetFields = ['sequence', 'gene', 'uniprot', 'entity'] as const;
export type TargetKind = (typeof targetFields)[number];

/** The protein to design for: exactly one of a sequence, a gene symbol, a UniProt accession or a KG entity. */
export const proposeTargetSchema = z
  .strictObject({
    sequence: z
      .string()
      .min(1)
      .max(MAX_PROTEIN_CHARACTERS)
      .optional()
      .describe("Amino-acid sequence, encoded with the index's protein encoder"),
    gene: z.string().trim().min(1).max(200).optional().describe('Gene symbol or protein name, e.g. `ABL1`'),
    uniprot: z.string().trim().min(1).max(50).optional().describe('UniProt accession, e.g. `P00519`'),
    entity: entityReferenceSchema
      .optional()
      .describe('A gene/protein node: `{type, id}` (e.g. `{"type": "gene/protein", "id": "25"}`) or a name'),
  })
  .superRefine((value, context) => {
    const given = targetFields.filter((field) => value[field] !== undefined);
    if (given.length !== 1)
      context.addIssue({
        code: 'custom',
        path: given.length > 1 ? [given[1]!] : [],
        message: `give exactly one of ${targetFields.join(', ')}${given.length > 1 ? ` (got ${given.join(' and ')})` : ''}`,
      });
  });
export type ProposeTarget = z.infer<typeof proposeTargetSchema>;

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
