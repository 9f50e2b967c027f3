import { z } from 'zod';
import type { Bridge } from '../bridge/bridge.js';
import type { RDKitModule } from '../chem/rdkit.js';
import type { ChemToolkit } from '../chem/toolkit.js';
import type { Encoder } from '../encoders/encoder.js';
import { AppError } from '../errors.js';
import type { LlmClient } from '../llm/llm-client.js';
import type { PromptLibrary } from '../llm/prompts.js';
import type { Retriever } from '../retrieval/retriever.js';
import { noopLogger, type Logger } from '../util/logger.js';
import { createCandidateScorer } from './candidate-scoring.js';
import { validateCandidate } from './candidate-validation.js';
import { validateConstraintSmarts } from './constraints.js';
import { createCandidatePool } from './proposal/candidate-pool.js';
import { gatherAnchors, type AnchorStageResult } from './proposal/anchor-stage.js';
import { collectLlmProposals } from './proposal/llm-stage.js';
import { rankCandidates } from './proposal/rank-stage.js';
import { createProposerResources } from './proposal/resources.js';
import { buildResponse, buildStats, describeCandidates } from './proposal/response.js';
import type { ProposalRun, ProposeProgress } from './proposal/run-context.js';
import { searchWithGeneticAlgorithm, type SearchSeed } from './proposal/search-stage.js';
import { retrieveSeeds } from './proposal/seed-stage.js';
import { createStageTimer } from './proposal/timed.js';
import { proposeRequestSchema, type ProposeRequestInput } from './propose-request.js';
import type { ProposalResponse } from './proposal-schema.js';
import type { KnownDrugLibrary } from './known-drugs.js';
import type { ReferenceBinder } from './reference-binders.js';
import type { SeedDrug } from './seeds.js';
import { resolveTarget, type ResolvedTarget } from './target.js';

/** Service-wide settings of the proposer, with their defaults. */
export const proposerSettingsSchema = z.object({
  /** Invalid candidates echoed in a response; all are counted in `stats`. */
  maxInvalidEchoed: z.number().int().min(0).default(20),
  /** Per LLM call; the request's time budget caps it further. */
  llmTimeoutMs: z.number().int().positive().default(60_000),
  /** Some variety is wanted from proposals; 0 would make the LLM repeat the seeds' closest analogues. */
  llmTemperature: z.number().min(0).max(2).default(0.7),
  svgWidth: z.number().int().min(50).max(2000).default(300),
  svgHeight: z.number().int().min(50).max(2000).default(220),
});
export type ProposerSettings = z.input<typeof proposerSettingsSchema>;

export interface MoleculeProposerDependencies {
  /** Entity resolution, the KG (known binders) and the store (seeds, known drugs). */
  retriever: Pick<Retriever, 'entities' | 'graph' | 'store' | 'retrieve'>;
  encoderFor(type: string): Encoder | undefined;
  /** Undefined until a bridge is trained: proposals are then `UNAVAILABLE` (503). */
  bridge: Bridge | undefined;
  toolkit: ChemToolkit;
  /** Undefined when no LLM is configured; proposals then come from the genetic algorithm alone. */
  llm?: LlmClient | undefined;
  prompts?: PromptLibrary | undefined;
  logger?: Logger;
  rdkit?: RDKitModule;
  settings?: ProposerSettings;
  /** Test seam for stage timings and the time budget (milliseconds). */
  now?: () => number;
}

export type { ProposeProgress };

export interface ProposeOptions {
  signal?: AbortSignal | undefined;
  /**
   * `bridge` (default): the genetic algorithm maximises the combined score and candidates are
   * ranked by it. `random`: the unguided control of the benchmark: the same algorithm and
   * filters with a seeded random fitness, and candidates ranked by that same random score.
   */
  guidance?: 'bridge' | 'random';
  /** Prefix of field names in errors: `body.` for the HTTP API. */
  fieldPrefix?: string;
  /** Called after each genetic-algorithm generation (the SSE variant of the route streams these). */
  onProgress?: ((progress: ProposeProgress) => void) | undefined;
}

export interface MoleculeProposer {
  propose(request: ProposeRequestInput, options?: ProposeOptions): Promise<ProposalResponse>;
}

/**
 * Target-guided molecule proposal, as a list of named stages: resolve the target, retrieve seeds
 * (bridge the protein into the drug space, take the nearest known drugs), ask the LLM when
 * configured, breed with the genetic algorithm, rank with scaffold diversity, describe the
 * response. Each stage is timed into `stats.timingsMs`. Same request and seed, same candidates
 * (the LLM's output aside).
 */
export function createMoleculeProposer(dependencies: MoleculeProposerDependencies): MoleculeProposer {
  const settings = proposerSettingsSchema.parse(dependencies.settings ?? {});
  const logger = dependencies.logger ?? noopLogger;
  const now = dependencies.now ?? (() => performance.now());
  const { retriever, toolkit } = dependencies;
  const { store, graph, entities } = retriever;
  const resources = createProposerResources({
    store,
    toolkit,
    bridge: dependencies.bridge,
    encoderFor: dependencies.encoderFor,
  });

  const llmDependencies = llmStageDependencies(dependencies, settings, logger);

  return {
    async propose(input, options = {}) {
      const { timed, finish } = createStageTimer(now);
      const run = startRun(dependencies, now, input, options);
      const target = await timed('target', () => resolveRunTarget(dependencies, run));
      const { bridge, drugEncoder } = await resources.requireModels();
      const { query, seeds, excluded } = await timed('seeds', () =>
        retrieveSeeds({ store, entities, bridge, retriever }, run, target),
      );
      const anchors = await timed('seeds', () =>
        gatherAnchors({ toolkit, graph, store, entities, bridge, encoderFor: dependencies.encoderFor }, run, {
          target,
          seeds,
          excluded,
        }),
      );
      const knownDrugs = await timed('knownDrugs', async () => {
        const library = await resources.loadKnownDrugs();
        run.signal?.throwIfAborted();
        return library;
      });
      const scorer = createCandidateScorer({
        ...scoringInputs(run, anchors, knownDrugs, excluded),
        toolkit,
        drugEncoder,
        bridge,
        query,
        seeds,
      });
      const pool = createCandidatePool(scorer, settings.maxInvalidEchoed);
      const seedCanonical = canonicalSeeds(toolkit, seeds);

      // LLM proposals first, so that valid ones can seed the genetic algorithm.
      const llm = await timed('llm', () =>
        collectLlmProposals(llmDependencies, run, { target, seeds, seedCanonical, pool }),
      );
      const ga = await timed('search', () =>
        searchWithGeneticAlgorithm(run, {
          seeds,
          extraSeeds: searchSeeds(toolkit, run, anchors.referenceBinders),
          llmSeeds: llm.llmSeeds,
          scorer,
          pool,
          rdkit: dependencies.rdkit,
        }),
      );
      const { picked, passing } = await timed('ranking', () => rankCandidates(run, { pool, scorer, seeds }));
      const valid = await timed('response', () =>
        describeCandidates(
          {
            picked,
            scorer,
            toolkit,
            knownBinders: target.knownBinders,
            size: settings,
            filters: run.request.filters,
            antiTargets: anchors.antiTargets.map((anti) => anti.label),
          },
          run,
        ),
      );
      const stats = buildStats({
        ga,
        pool,
        llm: llm.stats,
        passing,
        returned: valid.length,
        timings: finish(),
      });
      logger.info('molecules proposed', {
        target: target.label,
        returned: stats.returned,
        generated: stats.generated,
        guidance: run.guidance,
        totalMs: stats.timingsMs.total,
      });
      return buildResponse({
        run,
        target,
        seeds,
        excluded: excluded.size,
        referenceBinders: anchors.referenceBinders,
        candidates: [...valid, ...pool.invalidEchoes],
        stats,
      });
    },
  };
}

/** Validates the request (400 naming the field) and fixes the run's controls. */
function startRun(
  dependencies: MoleculeProposerDependencies,
  now: () => number,
  input: ProposeRequestInput,
  options: ProposeOptions,
): ProposalRun {
  const { toolkit } = dependencies;
  const prefix = options.fieldPrefix ?? '';
  const parsed = proposeRequestSchema.safeParse(input);
  if (!parsed.success)
    throw new AppError({
      code: 'BAD_REQUEST',
      message: `invalid molecule proposal request: ${z.prettifyError(parsed.error)}`,
      cause: parsed.error,
    });
  const request = parsed.data;
  const llmConfigured = dependencies.llm !== undefined && dependencies.prompts !== undefined;
  if (request.useLlm === true && !llmConfigured)
    throw new AppError({
      code: 'UNAVAILABLE',
      message: `${prefix}useLlm: no LLM is configured (set OPENAI_BASE_URL and OPENAI_MODEL), or leave useLlm out to use the genetic algorithm alone`,
      details: { field: `${prefix}useLlm` },
    });
  validateConstraintSmarts(toolkit, request.constraints, prefix);
  return {
    request,
    prefix,
    signal: options.signal,
    guidance: options.guidance ?? 'bridge',
    onProgress: options.onProgress,
    deadline: now() + request.timeBudgetMs,
    now,
  };
}

/**
 * Molecules the GA starts from besides the retrieved seeds: the reference binders, and the
 * substructure to keep when it is a molecule (SMILES), so that offspring can grow from it.
 */
function searchSeeds(
  toolkit: ChemToolkit,
  run: ProposalRun,
  referenceBinders: readonly ReferenceBinder[],
): SearchSeed[] {
  const extra: SearchSeed[] = referenceBinders.map((binder) => ({
    id: binder.id,
    name: binder.name,
    smiles: binder.smiles,
  }));
  const keep = run.request.constraints.keepSubstructure;
  if (keep !== undefined) {
    const molecule = validateCandidate(toolkit, keep);
    if (molecule.ok)
      extra.push({
        id: 'keepSubstructure',
        name: 'the substructure to keep',
        smiles: molecule.value.smiles,
      });
  }
  return extra;
}

async function resolveRunTarget(
  dependencies: MoleculeProposerDependencies,
  run: ProposalRun,
): Promise<ResolvedTarget> {
  const { graph, store, entities } = dependencies.retriever;
  const resolved = await resolveTarget(
    { graph, store, entities, encoderFor: dependencies.encoderFor },
    run.request.target,
    run.prefix,
  );
  run.signal?.throwIfAborted();
  return resolved;
}

/** What the scorer reads from the request and the anchors: the objective's and constraints' inputs. */
function scoringInputs(
  run: ProposalRun,
  anchors: AnchorStageResult,
  knownDrugs: KnownDrugLibrary,
  excluded: ReadonlySet<number>,
) {
  return {
    knownDrugs,
    exclude: excluded,
    filters: run.request.filters,
    weights: run.request.weights,
    constraints: run.request.constraints,
    referenceBinders: anchors.anchors,
    antiQueries: anchors.antiTargets.map((anti) => anti.query),
    fragments: knownDrugs.fragments(excluded),
    signal: run.signal,
  };
}

function canonicalSeeds(toolkit: ChemToolkit, seeds: readonly SeedDrug[]): Set<string> {
  const canonical = new Set<string>();
  for (const seed of seeds) {
    const validated = validateCandidate(toolkit, seed.smiles);
    if (validated.ok) canonical.add(validated.value.smiles);
  }
  return canonical;
}

/** What the LLM stage needs: the client and prompts (either may be missing), and its settings. */
function llmStageDependencies(
  dependencies: MoleculeProposerDependencies,
  settings: z.output<typeof proposerSettingsSchema>,
  logger: Logger,
) {
  return {
    llm: dependencies.llm,
    prompts: dependencies.prompts,
    toolkit: dependencies.toolkit,
    logger,
    timeoutMs: settings.llmTimeoutMs,
    temperature: settings.llmTemperature,
  };
}
