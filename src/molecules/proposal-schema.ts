import { z } from 'zod';
import { alertFamilySchema } from '../chem/alerts.js';
import { filterOptionsSchema } from '../chem/filters.js';
import { scoringWeightsSchema } from './scoring-weights.js';

/**
 * The response of a molecule proposal run, as a schema: the HTTP route documents it in
 * `/openapi.json`, and tests check real responses against it.
 */

const drugReferenceSchema = z.object({
  id: z.string(),
  name: z.string(),
  similarity: z.number().describe('Morgan (radius 2, 2048 bits) Tanimoto similarity'),
});

export const candidateScoresSchema = z.object({
  combined: z.number().describe('Weighted sum; see `settings.weights`'),
  bridge: z.number().describe("Cosine of the candidate's projected drug vector with the bridged target"),
  qed: z.number(),
  novelty: z.number().describe('1 − maxSimilarityToKnownDrugs'),
  maxSimilarityToSeeds: z.number(),
  maxSimilarityToKnownDrugs: z
    .number()
    .describe('Highest Tanimoto to a KG drug (excluded drugs not counted)'),
  alerts: z.number().int().describe('Structural alerts of the enabled families'),
});
export type CandidateScoresOutput = z.infer<typeof candidateScoresSchema>;

export const provenanceSchema = z.object({
  source: z.enum(['genetic-algorithm', 'llm']),
  /** The last operation: `crossover`, `mutation:<kind>` or `llm`. */
  operation: z.string(),
  operations: z.array(z.string()).describe('Every operation from the parents, in order'),
  generation: z.number().int().nullable().describe('GA generation; null for LLM proposals'),
  seed: z
    .object({
      kind: z.enum(['drug', 'llm']),
      id: z.string(),
      name: z.string().nullable(),
      smiles: z.string(),
    })
    .nullable()
    .describe('The seed the lineage starts from: a KG drug or an LLM proposal that seeded the search'),
  parents: z.array(z.object({ id: z.string(), smiles: z.string() })),
  rationale: z.string().optional().describe("The LLM's one-line reason"),
});
export type Provenance = z.infer<typeof provenanceSchema>;

export const validCandidateSchema = z.object({
  rank: z.number().int(),
  smiles: z.string().describe('RDKit canonical SMILES'),
  valid: z.literal(true),
  svg: z.string().describe('2D depiction (SVG markup)'),
  scores: candidateScoresSchema,
  properties: z.object({
    molecularWeight: z.number(),
    cLogP: z.number(),
    tpsa: z.number(),
    hbd: z.number().int(),
    hba: z.number().int(),
    rotatableBonds: z.number().int(),
    heavyAtoms: z.number().int(),
  }),
  alerts: z.array(z.object({ id: z.string(), name: z.string(), family: alertFamilySchema })),
  scaffold: z.string().describe("Bemis–Murcko framework; '' for acyclic molecules"),
  nearestKnownDrug: drugReferenceSchema.extend({ knownBinder: z.boolean() }).nullable(),
  nearestSeed: drugReferenceSchema.nullable(),
  provenance: provenanceSchema,
});
export type ValidCandidateOutput = z.infer<typeof validCandidateSchema>;

export const invalidCandidateSchema = z.object({
  smiles: z.string().describe('The string as proposed'),
  valid: z.literal(false),
  reasonCode: z.string(),
  reason: z.string(),
  svg: z.null(),
  scores: z.null(),
  provenance: provenanceSchema,
});
export type InvalidCandidateOutput = z.infer<typeof invalidCandidateSchema>;

export const seedOutputSchema = z.object({
  id: z.string(),
  name: z.string(),
  smiles: z.string(),
  similarity: z.number().describe('Cosine of the drug with the bridged target'),
  knownBinder: z.boolean().describe('The KG has a target edge between this drug and the target'),
});

const stageTimingsSchema = z.object({
  target: z.number(),
  seeds: z.number(),
  knownDrugs: z.number(),
  llm: z.number(),
  search: z.number(),
  ranking: z.number(),
  response: z.number().describe('Scoring, depicting and describing the returned candidates'),
  total: z.number(),
});

export const proposalStatsSchema = z.object({
  generated: z.number().int().describe('Molecules produced: GA operator products plus LLM proposals'),
  valid: z.number().int(),
  invalid: z.number().int(),
  invalidReasons: z.record(z.string(), z.number().int()),
  invalidEchoed: z.number().int().describe('Invalid candidates included in `candidates` (capped)'),
  duplicates: z.number().int().describe('Valid molecules already produced in the run (seed copies included)'),
  seedCopies: z.number().int(),
  unique: z.number().int().describe('Distinct new valid molecules'),
  passedFilters: z.number().int(),
  filterFailures: z.record(z.string(), z.number().int()).describe('Failed checks by filter name'),
  returned: z.number().int(),
  generationsCompleted: z.number().int(),
  stoppedEarly: z.boolean().describe('The time budget ended the search early'),
  geneticAlgorithm: z.object({
    generated: z.number().int(),
    valid: z.number().int(),
    invalid: z.number().int(),
    duplicates: z.number().int(),
    filtered: z.number().int(),
    unique: z.number().int(),
    evaluations: z.number().int(),
  }),
  llm: z.object({
    status: z.enum(['used', 'not-requested', 'not-configured', 'failed']),
    model: z.string().optional(),
    reason: z.string().optional(),
    format: z.string().optional(),
    proposed: z.number().int(),
    valid: z.number().int(),
    usage: z.object({ promptTokens: z.number().int(), completionTokens: z.number().int() }).optional(),
  }),
  timingsMs: stageTimingsSchema,
});
export type ProposalStats = z.infer<typeof proposalStatsSchema>;

export const proposalResponseSchema = z.object({
  target: z.object({
    kind: z.enum(['sequence', 'gene', 'uniprot', 'entity']),
    label: z.string(),
    entity: z
      .object({ type: z.string(), id: z.string(), name: z.string(), matched: z.string().optional() })
      .optional(),
    sequenceLength: z.number().int().optional(),
    knownBinders: z.number().int().describe('KG drugs with a target edge to it (excluded ones included)'),
  }),
  seeds: z.array(seedOutputSchema),
  candidates: z
    .array(z.discriminatedUnion('valid', [validCandidateSchema, invalidCandidateSchema]))
    .describe('Valid candidates by rank, then up to 20 invalid ones with the reason'),
  stats: proposalStatsSchema,
  settings: z.object({
    n: z.number().int(),
    seed: z.number().int(),
    seedCount: z.number().int(),
    generations: z.number().int(),
    population: z.number().int(),
    guidance: z.enum(['bridge', 'random']),
    useLlm: z.boolean(),
    timeBudgetMs: z.number().int(),
    excludedDrugs: z.number().int(),
    weights: scoringWeightsSchema,
    filters: filterOptionsSchema,
  }),
});
export type ProposalResponse = z.infer<typeof proposalResponseSchema>;
