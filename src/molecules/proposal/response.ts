import type { ChemToolkit } from '../../chem/toolkit.js';
import type { CandidateEvaluation, CandidateScorer } from '../candidate-scoring.js';
import type { GeneticAlgorithmResult } from '../ga/genetic-algorithm.js';
import type { ProposalResponse, ProposalStats, ValidCandidateOutput } from '../proposal-schema.js';
import type { SeedDrug } from '../seeds.js';
import type { ResolvedTarget } from '../target.js';
import type { CandidatePool, PoolEntry } from './candidate-pool.js';
import type { ProposalRun } from './run-context.js';
import type { StageTimings } from './timed.js';

export interface DepictionSize {
  svgWidth: number;
  svgHeight: number;
}

/** Scores, depicts and describes the picked candidates, rank 1 first. */
export async function describeCandidates(
  input: {
    picked: readonly PoolEntry[];
    scorer: CandidateScorer;
    toolkit: ChemToolkit;
    knownBinders: ReadonlySet<number>;
    size: DepictionSize;
  },
  run: ProposalRun,
): Promise<ValidCandidateOutput[]> {
  const evaluations = await input.scorer.evaluate(input.picked.map((entry) => entry.smiles));
  run.signal?.throwIfAborted();
  return input.picked.flatMap((entry, index) => {
    const evaluation = evaluations[index];
    return evaluation ? [toValidOutput(entry, evaluation, index + 1, input)] : [];
  });
}

function toValidOutput(
  entry: PoolEntry,
  evaluation: CandidateEvaluation,
  rank: number,
  context: { toolkit: ChemToolkit; knownBinders: ReadonlySet<number>; size: DepictionSize },
): ValidCandidateOutput {
  const { profile, scores } = evaluation;
  const depiction = context.toolkit.depict(entry.smiles, {
    width: context.size.svgWidth,
    height: context.size.svgHeight,
  });
  const descriptors = profile.descriptors;
  return {
    rank,
    smiles: entry.smiles,
    valid: true,
    svg: depiction.ok ? depiction.value : '',
    scores,
    properties: {
      molecularWeight: descriptors.molecularWeight,
      cLogP: descriptors.cLogP,
      tpsa: descriptors.tpsa,
      hbd: descriptors.lipinskiHbd,
      hba: descriptors.lipinskiHba,
      rotatableBonds: descriptors.rotatableBonds,
      heavyAtoms: descriptors.heavyAtoms,
    },
    alerts: profile.alerts.map((alert) => ({ id: alert.id, name: alert.name, family: alert.family })),
    scaffold: profile.scaffold,
    nearestKnownDrug: evaluation.nearestKnownDrug
      ? {
          id: evaluation.nearestKnownDrug.id,
          name: evaluation.nearestKnownDrug.name,
          similarity: evaluation.nearestKnownDrug.similarity,
          knownBinder: context.knownBinders.has(evaluation.nearestKnownDrug.nodeIndex),
        }
      : null,
    nearestSeed: evaluation.nearestSeed
      ? {
          id: evaluation.nearestSeed.seed.id,
          name: evaluation.nearestSeed.seed.name,
          similarity: evaluation.nearestSeed.similarity,
        }
      : null,
    provenance: entry.provenance,
  };
}

/** The run's counts: GA products and LLM proposals together, then each source on its own. */
export function buildStats(input: {
  ga: GeneticAlgorithmResult;
  pool: CandidatePool;
  llm: ProposalStats['llm'];
  passing: number;
  returned: number;
  timings: StageTimings;
}): ProposalStats {
  const { ga, pool } = input;
  const { counts } = pool;
  return {
    generated: ga.stats.generated + counts.llmGenerated,
    valid: ga.stats.valid + counts.llmValid,
    invalid: ga.stats.invalid + counts.llmInvalid,
    invalidReasons: mergeCounts(pool.invalidReasons, ga.stats.invalidReasons),
    invalidEchoed: pool.invalidEchoes.length,
    duplicates: ga.stats.duplicates + counts.duplicates,
    seedCopies: ga.stats.seedCopies + counts.seedCopies,
    unique: pool.entries.size + ga.stats.filtered,
    passedFilters: input.passing,
    filterFailures: pool.filterFailures,
    returned: input.returned,
    generationsCompleted: ga.stats.generationsCompleted,
    stoppedEarly: ga.stoppedEarly,
    geneticAlgorithm: {
      generated: ga.stats.generated,
      valid: ga.stats.valid,
      invalid: ga.stats.invalid,
      duplicates: ga.stats.duplicates,
      filtered: ga.stats.filtered,
      unique: ga.stats.unique,
      evaluations: ga.stats.evaluations,
    },
    llm: input.llm,
    timingsMs: input.timings,
  };
}

export function buildResponse(input: {
  run: ProposalRun;
  target: ResolvedTarget;
  seeds: readonly SeedDrug[];
  excluded: number;
  candidates: ProposalResponse['candidates'];
  stats: ProposalStats;
}): ProposalResponse {
  const { run, target } = input;
  const { request } = run;
  return {
    target: {
      kind: target.kind,
      label: target.label,
      entity: target.entity
        ? {
            type: target.entity.type,
            id: target.entity.id,
            name: target.entity.name,
            matched: target.entity.matched,
          }
        : undefined,
      sequenceLength: target.sequenceLength,
      knownBinders: target.knownBinders.size,
    },
    seeds: input.seeds.map((seed) => ({
      id: seed.id,
      name: seed.name,
      smiles: seed.smiles,
      similarity: seed.similarity,
      knownBinder: seed.knownBinder,
    })),
    candidates: input.candidates,
    stats: input.stats,
    settings: {
      n: request.n,
      seed: request.seed,
      seedCount: request.seedCount,
      generations: request.generations,
      population: request.population,
      guidance: run.guidance,
      useLlm: input.stats.llm.status === 'used' || input.stats.llm.status === 'failed',
      timeBudgetMs: request.timeBudgetMs,
      excludedDrugs: input.excluded,
      weights: request.weights,
      filters: request.filters,
    },
  };
}

function mergeCounts(...maps: Readonly<Record<string, number>>[]): Record<string, number> {
  const merged: Record<string, number> = {};
  for (const map of maps)
    for (const [key, value] of Object.entries(map)) if (value > 0) merged[key] = (merged[key] ?? 0) + value;
  return merged;
}
