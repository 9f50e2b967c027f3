import type { LlmClient } from '../../llm/llm-client.js';
import type { PromptLibrary } from '../../llm/prompts.js';
import type { ChemToolkit } from '../../chem/toolkit.js';
import type { Logger } from '../../util/logger.js';
import { validateCandidate } from '../candidate-validation.js';
import { requestLlmProposals, type RawProposal } from '../llm-proposals.js';
import type { ProposalStats, Provenance } from '../proposal-schema.js';
import type { SeedDrug } from '../seeds.js';
import type { ResolvedTarget } from '../target.js';
import type { CandidatePool } from './candidate-pool.js';
import type { ProposalRun } from './run-context.js';

export interface LlmStageDependencies {
  /** Both undefined when no LLM is configured. */
  llm: LlmClient | undefined;
  prompts: PromptLibrary | undefined;
  toolkit: ChemToolkit;
  logger: Logger;
  timeoutMs: number;
  temperature: number;
}

export interface LlmStageResult {
  stats: ProposalStats['llm'];
  /** Valid new LLM proposals, which may seed the genetic algorithm. */
  llmSeeds: { id: string; smiles: string }[];
}

/**
 * Asks the LLM (when configured and not refused) for molecules near the seeds, validates each
 * with RDKit, echoes the invalid ones with the reason and adds the valid ones to the pool with
 * their provenance. A failed call is reported in the stats, not thrown: the GA still runs.
 */
export async function collectLlmProposals(
  dependencies: LlmStageDependencies,
  run: ProposalRun,
  input: {
    target: ResolvedTarget;
    seeds: readonly SeedDrug[];
    seedCanonical: ReadonlySet<string>;
    pool: CandidatePool;
  },
): Promise<LlmStageResult> {
  const { request, signal } = run;
  const { llm, prompts } = dependencies;
  const useLlm = request.useLlm !== false && llm !== undefined && prompts !== undefined;
  const status = request.useLlm === false ? 'not-requested' : useLlm ? 'used' : 'not-configured';
  if (!useLlm) return { stats: { status, proposed: 0, valid: 0 }, llmSeeds: [] };

  const { seeds, pool } = input;
  const outcome = await requestLlmProposals(
    { llm, prompts },
    {
      target: input.target.label,
      seeds: seeds.map((seed) => ({
        smiles: seed.smiles,
        name: seed.name,
        similarity: seed.similarity,
        knownBinder: seed.knownBinder,
      })),
      count: request.llmProposals,
      timeoutMs: Math.min(dependencies.timeoutMs, Math.max(1, run.deadline - run.now())),
      temperature: dependencies.temperature,
      signal,
    },
  );
  signal?.throwIfAborted();
  if (outcome.status === 'failed') {
    dependencies.logger.warn('LLM proposals failed; continuing with the genetic algorithm', {
      reason: outcome.reason,
    });
    return {
      stats: { status: 'failed', model: outcome.model, reason: outcome.reason, proposed: 0, valid: 0 },
      llmSeeds: [],
    };
  }
  const llmSeeds: LlmStageResult['llmSeeds'] = [];
  outcome.proposals.forEach((proposal, position) => {
    pool.counts.llmGenerated += 1;
    const provenance = llmProvenance(proposal, seeds);
    const rejected = (reasonCode: string, reason: string) => {
      pool.counts.llmInvalid += 1;
      pool.reject({ smiles: proposal.smiles, reasonCode, reason, provenance });
    };
    if (proposal.problem === 'no-smiles') return rejected('no-smiles', 'the item has no SMILES string');
    const validated = validateCandidate(dependencies.toolkit, proposal.smiles);
    if (!validated.ok) return rejected(validated.error.code, validated.error.reason);
    pool.counts.llmValid += 1;
    const smiles = validated.value.smiles;
    if (pool.add({ smiles, provenance }, { isSeed: input.seedCanonical.has(smiles) }))
      llmSeeds.push({ id: `llm-${position + 1}`, smiles });
  });
  return {
    stats: {
      status: 'used',
      model: outcome.model,
      format: outcome.format,
      proposed: pool.counts.llmGenerated,
      valid: pool.counts.llmValid,
      usage: outcome.usage,
    },
    llmSeeds,
  };
}

function llmProvenance(proposal: RawProposal, seeds: readonly SeedDrug[]): Provenance {
  const seed = proposal.seed === undefined ? undefined : seeds[proposal.seed - 1];
  return {
    source: 'llm',
    operation: 'llm',
    operations: ['llm'],
    generation: null,
    seed: seed ? { kind: 'drug', id: seed.id, name: seed.name, smiles: seed.smiles } : null,
    parents: seed ? [{ id: `seed:${seed.id}`, smiles: seed.smiles }] : [],
    rationale: proposal.rationale,
  };
}
