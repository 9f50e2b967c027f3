import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
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
import { createCandidateScorer, type CandidateEvaluation } from './candidate-scoring.js';
import { validateCandidate } from './candidate-validation.js';
import { createScaffoldKey, pickDiverse } from './diversity.js';
import { runGeneticAlgorithm, type GeneticCandidate } from './ga/genetic-algorithm.js';
import { randomScore } from './ga/scores.js';
import { loadKnownDrugLibrary, type KnownDrugLibrary } from './known-drugs.js';
import { requestLlmProposals, type RawProposal } from './llm-proposals.js';
import { proposeRequestSchema, type ProposeRequest, type ProposeRequestInput } from './propose-request.js';
import type {
  InvalidCandidateOutput,
  ProposalResponse,
  ProposalStats,
  Provenance,
  ValidCandidateOutput,
} from './proposal-schema.js';
import { findSeedDrugs, type SeedDrug } from './seeds.js';
import { DRUG_TYPE, PROTEIN_TYPE, resolveTarget, TARGET_RELATION } from './target.js';

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
  retriever: Pick<Retriever, 'entities' | 'graph' | 'store'>;
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

export interface ProposeOptions {
  signal?: AbortSignal;
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

export interface ProposeProgress {
  generation: number;
  generations: number;
  bestScore: number;
  meanScore: number;
  /** Molecules scored so far in the run. */
  evaluated: number;
}

export interface MoleculeProposer {
  propose(request: ProposeRequestInput, options?: ProposeOptions): Promise<ProposalResponse>;
}

interface PoolEntry {
  smiles: string;
  provenance: Provenance;
}

type Timings = ProposalStats['timingsMs'];

/**
 * Target-guided molecule proposal: resolve the protein, bridge it into the drug space
 * (protein −target→ drug), take the nearest known drugs as seeds, generate with the genetic
 * algorithm (and the LLM when configured), validate, filter, score and rank with scaffold
 * diversity. Same request and seed, same candidates (the LLM's output aside).
 */
export function createMoleculeProposer(dependencies: MoleculeProposerDependencies): MoleculeProposer {
  const settings = proposerSettingsSchema.parse(dependencies.settings ?? {});
  const logger = dependencies.logger ?? noopLogger;
  const now = dependencies.now ?? (() => performance.now());
  const { retriever, toolkit } = dependencies;
  const { store, graph, entities } = retriever;
  let knownDrugs: Promise<KnownDrugLibrary> | undefined;
  let projectedDrugs: Promise<number> | undefined;

  const loadKnownDrugs = (): Promise<KnownDrugLibrary> => {
    knownDrugs ??= loadKnownDrugLibrary(store, toolkit, DRUG_TYPE).catch((error: unknown) => {
      knownDrugs = undefined;
      throw error;
    });
    return knownDrugs;
  };

  const unavailable = (message: string) =>
    new AppError({ code: 'UNAVAILABLE', message: `molecule proposals are unavailable: ${message}` });

  /** The bridge and drug encoder, or 503 saying what is missing. */
  const requireModels = async (): Promise<{ bridge: Bridge; drugEncoder: Encoder }> => {
    const bridge = dependencies.bridge;
    if (!bridge)
      throw unavailable(
        'no trained bridge is loaded (train one with `biobridge train` and run `biobridge project`)',
      );
    const projected = new Set(bridge.metadata.nodeTypes.map((entry) => entry.name));
    for (const type of [PROTEIN_TYPE, DRUG_TYPE])
      if (!projected.has(type))
        throw unavailable(
          `the bridge has no projection for ${type} (it projects ${[...projected].join(', ')})`,
        );
    if (!bridge.metadata.registry.relations.includes(TARGET_RELATION))
      throw unavailable(`the bridge does not know the relation "${TARGET_RELATION}"`);
    const drugEncoder = dependencies.encoderFor(DRUG_TYPE);
    if (!drugEncoder) throw unavailable('this index has no drug encoder, so new molecules cannot be scored');
    projectedDrugs ??= (async () =>
      (await store.listTypes()).includes(DRUG_TYPE)
        ? (await store.tableInfo(DRUG_TYPE)).withProjected
        : 0)().catch((error: unknown) => {
      projectedDrugs = undefined;
      throw error;
    });
    if ((await projectedDrugs) === 0)
      throw unavailable('no drug in the index has a projected vector (run `biobridge project`)');
    return { bridge, drugEncoder };
  };

  const resolveExcluded = (ids: readonly string[], prefix: string): Set<number> => {
    const excluded = new Set<number>();
    ids.forEach((id, position) =>
      excluded.add(entities.byId(DRUG_TYPE, id, `${prefix}excludeDrugs[${position}]`).nodeIndex),
    );
    return excluded;
  };

  return {
    async propose(input, options = {}) {
      const started = now();
      const timings: Timings = {
        target: 0,
        seeds: 0,
        knownDrugs: 0,
        llm: 0,
        search: 0,
        ranking: 0,
        total: 0,
      };
      const prefix = options.fieldPrefix ?? '';
      const signal = options.signal;
      const guidance = options.guidance ?? 'bridge';
      const parsed = proposeRequestSchema.safeParse(input);
      if (!parsed.success)
        throw new AppError({
          code: 'BAD_REQUEST',
          message: `invalid molecule proposal request: ${z.prettifyError(parsed.error)}`,
          cause: parsed.error,
        });
      const request: ProposeRequest = parsed.data;
      const deadline = started + request.timeBudgetMs;
      const llmConfigured = dependencies.llm !== undefined && dependencies.prompts !== undefined;
      if (request.useLlm === true && !llmConfigured)
        throw new AppError({
          code: 'UNAVAILABLE',
          message: `${prefix}useLlm: no LLM is configured (set OPENAI_BASE_URL and OPENAI_MODEL), or leave useLlm out to use the genetic algorithm alone`,
          details: { field: `${prefix}useLlm` },
        });
      const useLlm = request.useLlm !== false && llmConfigured;

      let stage = now();
      const target = await resolveTarget(
        { graph, store, entities, encoderFor: dependencies.encoderFor },
        request.target,
        prefix,
      );
      signal?.throwIfAborted();
      timings.target = now() - stage;

      const { bridge, drugEncoder } = await requireModels();
      const excluded = resolveExcluded(request.excludeDrugs, prefix);

      stage = now();
      const query = await bridge.transform({
        headType: PROTEIN_TYPE,
        relation: TARGET_RELATION,
        tailType: DRUG_TYPE,
        vectors: target.vector,
        rows: 1,
      });
      const seeds = await findSeedDrugs(store, query, {
        count: request.seedCount,
        exclude: excluded,
        knownBinders: target.knownBinders,
      });
      signal?.throwIfAborted();
      if (seeds.length === 0)
        throw new AppError({
          code: 'UNPROCESSABLE',
          message: `no seed drug is left for ${target.label}: every drug with a projected vector is excluded`,
          details: { field: `${prefix}excludeDrugs` },
        });
      timings.seeds = now() - stage;

      stage = now();
      const library = await loadKnownDrugs();
      signal?.throwIfAborted();
      timings.knownDrugs = now() - stage;

      const scorer = createCandidateScorer({
        toolkit,
        drugEncoder,
        bridge,
        query,
        seeds,
        knownDrugs: library,
        exclude: excluded,
        filters: request.filters,
        weights: request.weights,
        ...(signal ? { signal } : {}),
      });
      const seedCanonical = new Map<string, SeedDrug>();
      for (const seed of seeds) {
        const canonical = validateCandidate(toolkit, seed.smiles);
        if (canonical.ok) seedCanonical.set(canonical.value.smiles, seed);
      }

      const pool = new Map<string, PoolEntry>();
      const invalidEchoes: InvalidCandidateOutput[] = [];
      const invalidReasons: Record<string, number> = {};
      const filterFailures: Record<string, number> = {};
      const countFilterFailures = (smiles: string) => {
        const described = scorer.profile(smiles);
        if (!described.ok) return;
        for (const check of described.value.filter.checks)
          if (!check.passed) filterFailures[check.filter] = (filterFailures[check.filter] ?? 0) + 1;
      };
      const counts = { llmGenerated: 0, llmValid: 0, llmInvalid: 0, duplicates: 0, seedCopies: 0 };

      // LLM proposals first, so that valid ones can seed the genetic algorithm.
      let llmStats: ProposalStats['llm'] = {
        status: request.useLlm === false ? 'not-requested' : useLlm ? 'used' : 'not-configured',
        proposed: 0,
        valid: 0,
      };
      const llmSeeds: { id: string; smiles: string }[] = [];
      if (useLlm) {
        stage = now();
        const outcome = await requestLlmProposals(
          { llm: dependencies.llm!, prompts: dependencies.prompts! },
          {
            target: target.label,
            seeds: seeds.map((seed) => ({
              smiles: seed.smiles,
              name: seed.name,
              similarity: seed.similarity,
              knownBinder: seed.knownBinder,
            })),
            count: request.llmProposals,
            timeoutMs: Math.min(settings.llmTimeoutMs, Math.max(1, deadline - now())),
            temperature: settings.llmTemperature,
            ...(signal ? { signal } : {}),
          },
        );
        signal?.throwIfAborted();
        if (outcome.status === 'failed') {
          llmStats = {
            status: 'failed',
            model: outcome.model,
            reason: outcome.reason,
            proposed: 0,
            valid: 0,
          };
          logger.warn('LLM proposals failed; continuing with the genetic algorithm', {
            reason: outcome.reason,
          });
        } else {
          outcome.proposals.forEach((proposal, position) => {
            counts.llmGenerated += 1;
            const provenance = llmProvenance(proposal, seeds);
            const rejected = (code: string, reason: string) => {
              counts.llmInvalid += 1;
              invalidReasons[code] = (invalidReasons[code] ?? 0) + 1;
              if (invalidEchoes.length < settings.maxInvalidEchoed)
                invalidEchoes.push({
                  smiles: proposal.smiles,
                  valid: false,
                  reasonCode: code,
                  reason,
                  svg: null,
                  scores: null,
                  provenance,
                });
            };
            if (proposal.problem === 'no-smiles')
              return rejected('no-smiles', 'the item has no SMILES string');
            const validated = validateCandidate(toolkit, proposal.smiles);
            if (!validated.ok) return rejected(validated.error.code, validated.error.reason);
            counts.llmValid += 1;
            const smiles = validated.value.smiles;
            if (seedCanonical.has(smiles)) {
              counts.seedCopies += 1;
              counts.duplicates += 1;
            } else if (pool.has(smiles)) {
              counts.duplicates += 1;
            } else {
              pool.set(smiles, { smiles, provenance });
              llmSeeds.push({ id: `llm-${position + 1}`, smiles });
            }
          });
          llmStats = {
            status: 'used',
            model: outcome.model,
            format: outcome.format,
            proposed: counts.llmGenerated,
            valid: counts.llmValid,
            usage: outcome.usage,
          };
        }
        timings.llm = now() - stage;
      }

      stage = now();
      let filterRejections = 0;
      const control = randomScore(request.seed);
      const ga = await runGeneticAlgorithm({
        seeds: [
          ...seeds.map((seed) => ({ id: seed.id, smiles: seed.smiles })),
          ...(request.llmSeedsSearch ? llmSeeds : []),
        ],
        score: async (smiles) => {
          // Scoring can be all synchronous work (RDKit, an in-process store), so the event loop gets a
          // turn once per generation: without it a cancelled request would not notice until the end.
          await yieldToEventLoop();
          signal?.throwIfAborted();
          return guidance === 'bridge' ? scorer.fitness(smiles) : control(smiles);
        },
        seed: request.seed,
        populationSize: request.population,
        generations: request.generations,
        filter: (smiles) => {
          if (scorer.passesFilters(smiles)) return true;
          filterRejections += 1;
          countFilterFailures(smiles);
          return false;
        },
        shouldStop: () => now() >= deadline,
        onProgress: (summary) =>
          options.onProgress?.({
            generation: summary.generation,
            generations: request.generations,
            bestScore: summary.bestScore,
            meanScore: summary.meanScore,
            evaluated: summary.stats.evaluations,
          }),
        ...(signal ? { signal } : {}),
        ...(dependencies.rdkit ? { rdkit: dependencies.rdkit } : {}),
      });
      const seedInfo = new Map<string, NonNullable<Provenance['seed']>>([
        ...seeds.map(
          (seed) =>
            [seed.id, { kind: 'drug' as const, id: seed.id, name: seed.name, smiles: seed.smiles }] as const,
        ),
        ...llmSeeds.map(
          (seed) =>
            [seed.id, { kind: 'llm' as const, id: seed.id, name: null, smiles: seed.smiles }] as const,
        ),
      ]);
      for (const candidate of ga.evaluated) {
        if (candidate.generation === 0) continue;
        if (pool.has(candidate.smiles)) {
          counts.duplicates += 1;
          continue;
        }
        pool.set(candidate.smiles, {
          smiles: candidate.smiles,
          provenance: gaProvenance(candidate, seedInfo),
        });
      }
      const outsideSizeLimits = ga.stats.filtered - filterRejections;
      if (outsideSizeLimits > 0) filterFailures['sizeLimits'] = outsideSizeLimits;
      timings.search = now() - stage;

      stage = now();
      const entries = [...pool.values()];
      const passing: PoolEntry[] = [];
      for (const entry of entries) {
        if (scorer.passesFilters(entry.smiles)) passing.push(entry);
        else if (entry.provenance.source === 'llm') countFilterFailures(entry.smiles);
      }
      let ranked: PoolEntry[];
      if (guidance === 'bridge') {
        const evaluations = await scorer.evaluate(passing.map((entry) => entry.smiles));
        const combined = new Map(
          passing.map((entry, index) => [entry.smiles, evaluations[index]?.scores.combined]),
        );
        ranked = rankBy(passing, (entry) => combined.get(entry.smiles));
      } else {
        const randomValues = await control(passing.map((entry) => entry.smiles));
        const bySmiles = new Map(passing.map((entry, index) => [entry.smiles, randomValues[index]]));
        ranked = rankBy(passing, (entry) => bySmiles.get(entry.smiles));
      }
      const scaffoldKey = createScaffoldKey({
        scaffold: (smiles) => {
          const described = scorer.profile(smiles);
          return described.ok ? { ok: true, value: described.value.scaffold } : described;
        },
      });
      const picked = pickDiverse(ranked, {
        count: request.n,
        scaffold: (entry) => scaffoldKey(entry.smiles),
      });
      const evaluations = await scorer.evaluate(picked.map((entry) => entry.smiles));
      signal?.throwIfAborted();
      const valid: ValidCandidateOutput[] = picked.flatMap((entry, index) => {
        const evaluation = evaluations[index];
        return evaluation ? [toValidOutput(entry, evaluation, index + 1, target.knownBinders)] : [];
      });
      timings.ranking = now() - stage;
      timings.total = now() - started;

      const stats: ProposalStats = {
        generated: ga.stats.generated + counts.llmGenerated,
        valid: ga.stats.valid + counts.llmValid,
        invalid: ga.stats.invalid + counts.llmInvalid,
        invalidReasons: mergeCounts(invalidReasons, ga.stats.invalidReasons),
        invalidEchoed: invalidEchoes.length,
        duplicates: ga.stats.duplicates + counts.duplicates,
        seedCopies: ga.stats.seedCopies + counts.seedCopies,
        unique: pool.size + ga.stats.filtered,
        passedFilters: passing.length,
        filterFailures,
        returned: valid.length,
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
        llm: llmStats,
        timingsMs: roundTimings(timings),
      };
      logger.info('molecules proposed', {
        target: target.label,
        returned: stats.returned,
        generated: stats.generated,
        passedFilters: stats.passedFilters,
        guidance,
        totalMs: stats.timingsMs.total,
      });

      return {
        target: {
          kind: target.kind,
          label: target.label,
          ...(target.entity
            ? {
                entity: {
                  type: target.entity.type,
                  id: target.entity.id,
                  name: target.entity.name,
                  ...(target.entity.matched === undefined ? {} : { matched: target.entity.matched }),
                },
              }
            : {}),
          ...(target.sequenceLength === undefined ? {} : { sequenceLength: target.sequenceLength }),
          knownBinders: target.knownBinders.size,
        },
        seeds: seeds.map((seed) => ({
          id: seed.id,
          name: seed.name,
          smiles: seed.smiles,
          similarity: seed.similarity,
          knownBinder: seed.knownBinder,
        })),
        candidates: [...valid, ...invalidEchoes],
        stats,
        settings: {
          n: request.n,
          seed: request.seed,
          seedCount: request.seedCount,
          generations: request.generations,
          population: request.population,
          guidance,
          useLlm,
          timeBudgetMs: request.timeBudgetMs,
          excludedDrugs: excluded.size,
          weights: request.weights,
          filters: request.filters,
        },
      };
    },
  };

  function toValidOutput(
    entry: PoolEntry,
    evaluation: CandidateEvaluation,
    rank: number,
    knownBinders: ReadonlySet<number>,
  ): ValidCandidateOutput {
    const { profile, scores } = evaluation;
    const depiction = toolkit.depict(entry.smiles, { width: settings.svgWidth, height: settings.svgHeight });
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
            knownBinder: knownBinders.has(evaluation.nearestKnownDrug.nodeIndex),
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
    ...(proposal.rationale === undefined ? {} : { rationale: proposal.rationale }),
  };
}

function gaProvenance(
  candidate: GeneticCandidate,
  seedInfo: ReadonlyMap<string, NonNullable<Provenance['seed']>>,
): Provenance {
  return {
    source: 'genetic-algorithm',
    operation: candidate.operation,
    operations: [...candidate.operations],
    generation: candidate.generation,
    seed: seedInfo.get(candidate.seedId) ?? null,
    parents: candidate.parents.map((id, index) => ({ id, smiles: candidate.parentSmiles[index] ?? '' })),
  };
}

/** Best first by `value` (missing or non-finite last), ties by SMILES so that order is stable. */
function rankBy<T extends { smiles: string }>(
  items: readonly T[],
  value: (item: T) => number | undefined,
): T[] {
  const keyed = items.map((item) => {
    const score = value(item);
    return { item, score: score !== undefined && Number.isFinite(score) ? score : Number.NEGATIVE_INFINITY };
  });
  keyed.sort(
    (left, right) =>
      (right.score === left.score ? 0 : right.score > left.score ? 1 : -1) ||
      (left.item.smiles < right.item.smiles ? -1 : left.item.smiles > right.item.smiles ? 1 : 0),
  );
  return keyed.map((entry) => entry.item);
}

function mergeCounts(...maps: Readonly<Record<string, number>>[]): Record<string, number> {
  const merged: Record<string, number> = {};
  for (const map of maps)
    for (const [key, value] of Object.entries(map)) if (value > 0) merged[key] = (merged[key] ?? 0) + value;
  return merged;
}

function roundTimings(timings: Timings): Timings {
  const rounded = { ...timings };
  for (const key of Object.keys(rounded) as (keyof Timings)[])
    rounded[key] = Math.round(rounded[key] * 10) / 10;
  return rounded;
}
