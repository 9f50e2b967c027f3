import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { RDKitModule } from '../../chem/rdkit.js';
import type { CandidateScorer } from '../candidate-scoring.js';
import {
  runGeneticAlgorithm,
  type GeneticAlgorithmResult,
  type GeneticCandidate,
} from '../ga/genetic-algorithm.js';
import { randomScore } from '../ga/scores.js';
import type { Provenance } from '../proposal-schema.js';
import type { SeedDrug } from '../seeds.js';
import type { CandidatePool } from './candidate-pool.js';
import type { ProposalRun } from './run-context.js';

type SeedInfo = NonNullable<Provenance['seed']>;

/** A known molecule the search starts from besides the retrieved seeds. */
export interface SearchSeed {
  id: string;
  name: string;
  smiles: string;
}

/**
 * Breeds from the seeds (and the LLM's valid proposals when `llmSeedsSearch`) with the genetic
 * algorithm, under the request's filters and time budget, and adds every new offspring to the
 * pool with its lineage. The fitness is the scorer's combined score, or for the unguided control
 * a seeded random score.
 */
export async function searchWithGeneticAlgorithm(
  run: ProposalRun,
  input: {
    seeds: readonly SeedDrug[];
    extraSeeds: readonly SearchSeed[];
    llmSeeds: readonly { id: string; smiles: string }[];
    scorer: CandidateScorer;
    pool: CandidatePool;
    rdkit: RDKitModule | undefined;
  },
): Promise<GeneticAlgorithmResult> {
  const { request, signal } = run;
  const { scorer, pool } = input;
  let filterRejections = 0;
  const control = randomScore(request.seed);
  const ga = await runGeneticAlgorithm({
    seeds: [
      ...input.seeds.map((seed) => ({ id: seed.id, smiles: seed.smiles })),
      ...input.extraSeeds.map((seed) => ({ id: seed.id, smiles: seed.smiles })),
      ...(request.llmSeedsSearch ? input.llmSeeds : []),
    ],
    score: async (smiles) => {
      // Scoring can be all synchronous work (RDKit, an in-process store), so the event loop gets a
      // turn once per generation: without it a cancelled request would not notice until the end.
      await yieldToEventLoop();
      signal?.throwIfAborted();
      return run.guidance === 'bridge' ? scorer.fitness(smiles) : control(smiles);
    },
    seed: request.seed,
    populationSize: request.population,
    generations: request.generations,
    exploitGenerations: request.exploitGenerations,
    analoguesPerMember: request.analoguesPerSeed,
    coresPerSeed: request.drugLikeCores,
    filter: (smiles) => {
      if (scorer.passesFilters(smiles)) return true;
      filterRejections += 1;
      pool.countFilterFailures(smiles);
      return false;
    },
    shouldStop: () => run.now() >= run.deadline,
    onProgress: (summary) =>
      run.onProgress?.({
        generation: summary.generation,
        generations: request.generations,
        bestScore: summary.bestScore,
        meanScore: summary.meanScore,
        evaluated: summary.stats.evaluations,
      }),
    signal,
    rdkit: input.rdkit,
  });
  const seedInfo = new Map<string, SeedInfo>([
    ...input.seeds.map(
      (seed) => [seed.id, { kind: 'drug', id: seed.id, name: seed.name, smiles: seed.smiles }] as const,
    ),
    ...input.extraSeeds.map(
      (seed) => [seed.id, { kind: 'drug', id: seed.id, name: seed.name, smiles: seed.smiles }] as const,
    ),
    ...input.llmSeeds.map(
      (seed) => [seed.id, { kind: 'llm', id: seed.id, name: null, smiles: seed.smiles }] as const,
    ),
  ]);
  for (const candidate of ga.evaluated)
    if (candidate.generation > 0)
      pool.add({ smiles: candidate.smiles, provenance: gaProvenance(candidate, seedInfo) });
  const outsideSizeLimits = ga.stats.filtered - filterRejections;
  if (outsideSizeLimits > 0) pool.filterFailures['sizeLimits'] = outsideSizeLimits;
  return ga;
}

function gaProvenance(candidate: GeneticCandidate, seedInfo: ReadonlyMap<string, SeedInfo>): Provenance {
  return {
    source: 'genetic-algorithm',
    operation: candidate.operation,
    operations: [...candidate.operations],
    generation: candidate.generation,
    seed: seedInfo.get(candidate.seedId) ?? null,
    parents: candidate.parents.map((id, index) => ({ id, smiles: candidate.parentSmiles[index] ?? '' })),
  };
}
