import { cpus, loadavg, platform } from 'node:os';
import { createFingerprintLibrary, type Fingerprint } from '../chem/fingerprint.js';
import { evaluateFilters, filterOptionsSchema } from '../chem/filters.js';
import {
  countFragments,
  syntheticAccessibility,
  withoutFragments,
  type FragmentCorpus,
} from '../chem/sa-score.js';
import type { ChemToolkit } from '../chem/toolkit.js';
import type { KgGraph } from '../kg/graph.js';
import { createRandom } from '../molecules/ga/random.js';
import type { MoleculeProposer } from '../molecules/propose.js';
import type { z } from 'zod';
import { proposeRequestSchema, type ProposeRequestInput } from '../molecules/propose-request.js';
import type { ProposalResponse } from '../molecules/proposal-schema.js';
import {
  scoringWeightsSchema,
  type ScoringWeights,
  type ScoringWeightsInput,
} from '../molecules/scoring-weights.js';
import { DRUG_TYPE, knownBindersOf, PROTEIN_TYPE } from '../molecules/target.js';
import type { VectorStore } from '../store/vector-store.js';
import { noopLogger, type Logger } from '../util/logger.js';
import { bootstrapMeanCi, signTest, wilcoxonSignedRank } from './paired-statistics.js';
import type { SplitData } from './training-data.js';

export { signTest } from './paired-statistics.js';

/**
 * Target-guided molecule design on held-out proteins: can the generator, seeded only with drugs
 * that are NOT known binders of the target, get close to the target's real drugs?
 *
 * For each held-out protein (a seeded split of the bridge's training) with at least one `target`
 * drug that has a SMILES, every known binder of that protein is hidden from the run (not a seed,
 * not a reference binder, not compared against, not counted in the SA fragment statistics), and
 * each arm's top-N molecules are measured (see `ARM_DEFINITIONS`). The headline metric is the
 * best Morgan Tanimoto of the top N to any hidden true drug, compared per target between arms.
 */
export const MOLECULE_ARMS = [
  'guided',
  'no-bridge',
  'no-binders',
  'no-qed',
  'no-sa',
  'no-alerts',
  'guided-novel',
  'control-novel',
  'control',
  'guided-cores',
  'control-cores',
  'seeds',
  'drug-like-seeds',
  'binders',
  'random-drugs',
] as const;
export type MoleculeArm = (typeof MOLECULE_ARMS)[number];

type ArmDefinition =
  | {
      kind: 'generate';
      guidance: 'bridge' | 'random';
      ablate?: keyof ScoringWeights;
      /** A hard cap on Tanimoto to every KG drug the run can see (`constraints.maxSimilarityToKnownDrugs`). */
      noveltyCap?: number;
      /** Drug-like cores per seed that fails the filters (the request's `drugLikeCores`), over the run's setting. */
      drugLikeCores?: number;
      description: string;
    }
  | { kind: 'seeds' | 'drug-like-seeds' | 'binders' | 'random-drugs'; description: string };

/**
 * The novelty cap of the `*-novel` arms: every molecule they return has Tanimoto ≤ 0.4 to every
 * KG drug the run could see, i.e. novelty ≥ 0.6 (the bar), enforced during the search.
 */
export const NOVEL_ARM_CAP = 0.4;

/** `drugLikeCores` of the `*-cores` arms. */
export const CORES_ARM_COUNT = 2;

/**
 * Arms run on the seeded subset of `ablationTargets` only: the ablations and the novelty-capped
 * pair, which answer secondary questions at a fraction of the CPU time.
 */
export function isSubsetArm(arm: MoleculeArm): boolean {
  const definition = ARM_DEFINITIONS[arm];
  return (
    definition.kind === 'generate' && (definition.ablate !== undefined || definition.noveltyCap !== undefined)
  );
}

/** What each arm is; ablations set one weight of the guided objective to 0. */
export const ARM_DEFINITIONS: Readonly<Record<MoleculeArm, ArmDefinition>> = {
  guided: { kind: 'generate', guidance: 'bridge', description: 'the GA on the full objective' },
  'no-bridge': {
    kind: 'generate',
    guidance: 'bridge',
    ablate: 'bridge',
    description: 'guided without the bridge cosine',
  },
  'no-binders': {
    kind: 'generate',
    guidance: 'bridge',
    ablate: 'binderSimilarity',
    description: 'guided without Tanimoto to the reference binders',
  },
  'no-qed': { kind: 'generate', guidance: 'bridge', ablate: 'qed', description: 'guided without QED' },
  'no-sa': {
    kind: 'generate',
    guidance: 'bridge',
    ablate: 'synthesizability',
    description: 'guided without SA',
  },
  'no-alerts': {
    kind: 'generate',
    guidance: 'bridge',
    ablate: 'alertPenalty',
    description: 'guided without the alert penalty',
  },
  'guided-novel': {
    kind: 'generate',
    guidance: 'bridge',
    noveltyCap: NOVEL_ARM_CAP,
    description: 'guided, with Tanimoto ≤ 0.4 to every visible KG drug as a hard constraint',
  },
  'control-novel': {
    kind: 'generate',
    guidance: 'random',
    noveltyCap: NOVEL_ARM_CAP,
    description: 'the unguided control under the same novelty constraint',
  },
  control: {
    kind: 'generate',
    guidance: 'random',
    description: 'the same GA, seeds and filters with a seeded random fitness and ranking',
  },
  'guided-cores': {
    kind: 'generate',
    guidance: 'bridge',
    drugLikeCores: CORES_ARM_COUNT,
    description: `guided, with ${CORES_ARM_COUNT} drug-like cores cut out of each seed and reference binder that fails the filters`,
  },
  'control-cores': {
    kind: 'generate',
    guidance: 'random',
    drugLikeCores: CORES_ARM_COUNT,
    description: 'the unguided control with the same drug-like cores',
  },
  seeds: { kind: 'seeds', description: 'the drugs the bridge retrieves as seeds, as they are' },
  'drug-like-seeds': {
    kind: 'drug-like-seeds',
    description:
      'the seeds that pass the default drug-likeness filters the candidates must pass (often fewer than N: cofactors and peptides fail them)',
  },
  binders: { kind: 'binders', description: 'the known binders of the nearest proteins, as they are' },
  'random-drugs': {
    kind: 'random-drugs',
    description: 'N KG drugs drawn at random (seeded), hidden ones aside',
  },
};

/**
 * Search settings a benchmark may set for every generating arm (decided on validation targets):
 * seed ranking, anchor weights, the exploit schedule, lineage memory, near proteins, seed count.
 */
export const benchmarkRequestSchema = proposeRequestSchema
  .pick({
    seedRanking: true,
    anchorDecay: true,
    exploitGenerations: true,
    analoguesPerSeed: true,
    analogueSlots: true,
    drugLikeCores: true,
    lineageMemory: true,
    referenceProteins: true,
    seedCount: true,
  })
  .partial();
export type BenchmarkRequest = z.input<typeof benchmarkRequestSchema>;

export interface BenchmarkDrug {
  nodeIndex: number;
  id: string;
  name: string;
  smiles: string;
}

export interface MoleculeBenchmarkTarget {
  nodeIndex: number;
  id: string;
  name: string;
  /** Known binders with a SMILES: hidden from the run, compared against afterwards. */
  trueDrugs: BenchmarkDrug[];
  /** Every known binder (with or without SMILES), all excluded from the run. */
  excludedDrugIds: string[];
}

export interface ArmMetrics {
  /** Molecules measured (top N). */
  molecules: number;
  /** valid / generated (1 for drug arms). */
  validity: number;
  /** distinct new valid / valid (1 for drug arms). */
  uniqueness: number;
  /** Mean over the molecules of 1 − max Tanimoto to the KG drugs the run could see (0 for drug arms). */
  novelty: number;
  /** Share of the molecules whose max Tanimoto to any KG drug the run could see is below 0.4. */
  novelShare: number;
  meanQed: number;
  /** Mean SA score (1 easy … 10 hard). */
  meanSa: number;
  /** Share of molecules with at least one structural alert. */
  alertRate: number;
  /** Distinct Murcko scaffolds / molecules. */
  scaffoldDiversity: number;
  /** Highest Tanimoto of any molecule to any hidden true drug. */
  bestTanimotoToTrue: number;
  /** Mean over molecules of their highest Tanimoto to a hidden true drug. */
  meanTanimotoToTrue: number;
  timeMs: number;
}

export interface TargetResult {
  target: { nodeIndex: number; id: string; name: string; trueDrugs: number; excludedDrugs: number };
  arms: Partial<Record<MoleculeArm, ArmMetrics>>;
  /** Seeds retrieved that are known binders (0 unless exclusion failed). */
  knownBinderSeeds: number;
}

/** Per-target metrics averaged over targets (`molecules` aside), with a CI and hit rates. */
export type ArmSummary = Omit<ArmMetrics, 'molecules'> & {
  targets: number;
  /** Bootstrap 95 % CI of the mean best Tanimoto over targets. */
  bestTanimotoCi: [number, number];
  /** Share of targets whose best Tanimoto to a true drug reaches 0.4 / 0.6. */
  'hit@0.4': number;
  'hit@0.6': number;
};

/** The per-target metrics a summary averages. */
const AVERAGED_METRICS = [
  'validity',
  'uniqueness',
  'novelty',
  'novelShare',
  'meanQed',
  'meanSa',
  'alertRate',
  'scaffoldDiversity',
  'bestTanimotoToTrue',
  'meanTanimotoToTrue',
  'timeMs',
] as const satisfies readonly Exclude<keyof ArmMetrics, 'molecules'>[];

export interface PairedComparison {
  arm: MoleculeArm;
  baseline: MoleculeArm;
  metric: 'bestTanimotoToTrue';
  wins: number;
  losses: number;
  ties: number;
  meanDifference: number;
  /** Bootstrap 95 % CI of the mean per-target difference. */
  ci: [number, number];
  /** Two-sided Wilcoxon signed-rank test. */
  pValue: number;
  /** Two-sided exact sign test, for reference. */
  signTestP: number;
  /** hit@0.4 of the arm minus the baseline's, with a bootstrap 95 % CI over targets. */
  hitDifference: number;
  hitCi: [number, number];
}

export interface MoleculeReport {
  benchmark: 'molecules';
  createdAt: string;
  index: string;
  split: { name: string; kind: string; seed: number };
  config: {
    /** Targets measured; fewer than `requestedTargets` when the run hit `stopAfterMs`. */
    targets: number;
    requestedTargets?: number | undefined;
    candidateTargets: number;
    n: number;
    seedCount: number;
    generations: number;
    population: number;
    seed: number;
    timeBudgetMs: number;
    /** Targets the ablation arms ran on (a seeded subset when fewer than `targets`). */
    ablationTargets: number;
    /** Targets' selection rule, when the CLI recorded it. */
    selection?: { minTrueDrugs: number; validationTargets: number; role: 'test' | 'validation' } | undefined;
    /** Weights of the guided arm; ablations zero one of them. */
    weights: ScoringWeights;
    /** Propose-request settings of every run, as given (defaults otherwise). */
    request?: BenchmarkRequest | undefined;
    arms: MoleculeArm[];
  };
  bridge: { id: string | undefined; hiddenDim: number } | null;
  /** Where it ran; the load average matters on a shared machine, where wall times depend on it. */
  machine?: { cpu: string; cores: number; platform: string; node: string; loadAverage: number[] } | undefined;
  summary: Partial<Record<MoleculeArm, ArmSummary>>;
  comparisons: PairedComparison[];
  /** One sentence on whether guidance beat the control, from the paired comparison. */
  verdict: string;
  details: TargetResult[];
  durationMs: number;
}

export interface SelectTargetsOptions {
  graph: KgGraph;
  store: VectorStore;
  split: Pick<SplitData, 'heldOutNodes'>;
  /** How many targets to sample; all when undefined. */
  count?: number;
  seed?: number;
  /** Only proteins with at least this many known drugs with a SMILES (default 1). */
  minTrueDrugs?: number | undefined;
  /**
   * The first `validationTargets` candidates of the seeded shuffle are the validation set (weights
   * are tuned there); `test` targets are drawn from the rest only, so the two never overlap.
   */
  validationTargets?: number | undefined;
  role?: 'test' | 'validation' | undefined;
}

/**
 * Held-out proteins of the split that have an encoded sequence and at least one `target` drug
 * with a SMILES, sampled reproducibly from `seed` (sorted by node index when all are taken).
 */
export async function selectHeldOutTargets(
  options: SelectTargetsOptions,
): Promise<{ targets: MoleculeBenchmarkTarget[]; candidates: number; drugs: BenchmarkDrug[] }> {
  const { graph, store } = options;
  const types = await store.listTypes();
  if (!types.includes(PROTEIN_TYPE) || !types.includes(DRUG_TYPE))
    return { targets: [], candidates: 0, drugs: [] };
  const proteinVectors = new Set((await store.readVectors(PROTEIN_TYPE, 'vector')).nodeIndices);
  const drugIndices = Array.from((await store.readVectors(DRUG_TYPE, 'vector')).nodeIndices);
  const drugs = new Map<number, BenchmarkDrug>();
  for (const row of await store.getRows(DRUG_TYPE, drugIndices))
    if (row.payload !== null && row.payloadKind === 'smiles')
      drugs.set(row.nodeIndex, {
        nodeIndex: row.nodeIndex,
        id: row.nodeId,
        name: row.name,
        smiles: row.payload,
      });

  const candidates: MoleculeBenchmarkTarget[] = [];
  for (const nodeIndex of [...options.split.heldOutNodes].sort((left, right) => left - right)) {
    if (graph.typeOf(nodeIndex) !== PROTEIN_TYPE || !proteinVectors.has(nodeIndex)) continue;
    const binders = [...knownBindersOf(graph, nodeIndex)].sort((left, right) => left - right);
    const trueDrugs = binders.flatMap((drug) => {
      const known = drugs.get(drug);
      return known ? [known] : [];
    });
    if (trueDrugs.length === 0) continue;
    const node = graph.node(nodeIndex)!;
    candidates.push({
      nodeIndex,
      id: node.id,
      name: node.name,
      trueDrugs,
      excludedDrugIds: binders.map((drug) => graph.node(drug)?.id ?? String(drug)),
    });
  }
  const drugList = [...drugs.values()];
  const eligible = candidates.filter((target) => target.trueDrugs.length >= (options.minTrueDrugs ?? 1));
  const random = createRandom(options.seed ?? 0);
  const shuffled = [...eligible];
  for (let index = shuffled.length - 1; index > 0; index -= 1) {
    const other = random.int(index + 1);
    [shuffled[index], shuffled[other]] = [shuffled[other]!, shuffled[index]!];
  }
  const validationCount = Math.min(options.validationTargets ?? 0, shuffled.length);
  const pool =
    options.role === 'validation' ? shuffled.slice(0, validationCount) : shuffled.slice(validationCount);
  return {
    targets: pool
      .slice(0, options.count ?? pool.length)
      .sort((left, right) => left.nodeIndex - right.nodeIndex),
    candidates: pool.length,
    drugs: drugList,
  };
}

export interface MoleculeBenchmarkOptions {
  proposer: MoleculeProposer;
  toolkit: ChemToolkit;
  targets: readonly MoleculeBenchmarkTarget[];
  /** Every KG drug with a SMILES (the `random-drugs` arm and SA statistics of drug arms). */
  drugs?: readonly BenchmarkDrug[] | undefined;
  /** Molecules measured per arm (top N); also the number of seeds, so that `seeds` is the same size. */
  n?: number | undefined;
  generations?: number | undefined;
  population?: number | undefined;
  seed?: number | undefined;
  timeBudgetMs?: number | undefined;
  /** Score weights of the guided arm (ablations zero one each); defaults otherwise. */
  weights?: ScoringWeightsInput | undefined;
  /** Propose-request settings of every run (`seedCount` defaults to `n`). */
  request?: BenchmarkRequest | undefined;
  arms?: readonly MoleculeArm[] | undefined;
  /** Ablation arms run on a seeded subset of this many targets; all when undefined or 0. */
  ablationTargets?: number | undefined;
  /** Finished targets from an earlier run with the same settings (skipped), and a sink for new ones. */
  checkpoint?: BenchmarkCheckpoint | undefined;
  /**
   * Wall-clock milliseconds after which no new target is started; the report then covers the
   * targets finished so far (and says so). A rerun with the checkpoint goes on from there.
   */
  stopAfterMs?: number | undefined;
  /** Written into the report. */
  selection?: MoleculeReport['config']['selection'];
  index?: string | undefined;
  split?: { name: string; kind: string; seed: number } | undefined;
  candidateTargets?: number | undefined;
  bridge?: { id: string | undefined; hiddenDim: number } | null | undefined;
  signal?: AbortSignal | undefined;
  logger?: Logger | undefined;
  now?: (() => number) | undefined;
}

interface TargetContext {
  target: MoleculeBenchmarkTarget;
  request: ProposeRequestInput;
  similarityToTrue: (smiles: string) => number;
  /** SA of a KG drug, with this target's hidden drugs out of the fragment statistics. */
  saOf: (smiles: string) => number;
  hidden: ReadonlySet<string>;
}

export async function runMoleculeBenchmark(options: MoleculeBenchmarkOptions): Promise<MoleculeReport> {
  const logger = options.logger ?? noopLogger;
  const now = options.now ?? (() => performance.now());
  const started = now();
  const n = options.n ?? 10;
  const generations = options.generations ?? 8;
  const population = options.population ?? 40;
  const seed = options.seed ?? 0;
  const timeBudgetMs = options.timeBudgetMs ?? 120_000;
  const arms = [...(options.arms ?? MOLECULE_ARMS)];
  const weights = scoringWeightsSchema.parse(options.weights ?? {});
  const { toolkit } = options;
  const drugs = options.drugs ?? [];
  const drugFingerprints = new Map<string, Fingerprint>();
  for (const drug of drugs) {
    const fingerprint = toolkit.fingerprint(drug.smiles);
    if (fingerprint.ok) drugFingerprints.set(drug.id, fingerprint.value);
  }
  const corpus = countFragments(drugFingerprints.values());

  const ablationSubset = seededSubset(options.targets, options.ablationTargets, seed);
  const request = options.request ?? {};
  const settings = { toolkit, n, seed, generations, population, timeBudgetMs, weights, request };
  const details: TargetResult[] = [];
  let measuredMs = 0;
  let measured = 0;
  for (const [position, target] of options.targets.entries()) {
    options.signal?.throwIfAborted();
    if (options.stopAfterMs !== undefined && now() - started > options.stopAfterMs) {
      logger.warn('molecule benchmark stopped at its time limit', {
        finished: details.length,
        of: options.targets.length,
      });
      break;
    }
    const resumed = options.checkpoint?.done.get(target.nodeIndex);
    if (resumed) {
      details.push(resumed);
      continue;
    }
    const targetStarted = now();
    const context = targetContext(target, corpus, drugFingerprints, settings);
    const targetArms = arms.filter((arm) => !isSubsetArm(arm) || ablationSubset.has(target.nodeIndex));
    const result = await evaluateTarget(context, targetArms, { ...options, drugs, n, seed, weights, now });
    details.push(result);
    await options.checkpoint?.save(result);
    measuredMs += now() - targetStarted;
    measured += 1;
    const left = options.targets.length - position - 1;
    logger.info('molecule benchmark target done', {
      target: `${target.name} (${position + 1}/${options.targets.length})`,
      etaMinutes: ((left * measuredMs) / measured / 60_000).toFixed(1),
      ...Object.fromEntries(
        Object.entries(result.arms).map(([arm, metrics]) => [arm, metrics.bestTanimotoToTrue.toFixed(3)]),
      ),
    });
  }

  const summary: MoleculeReport['summary'] = {};
  for (const arm of arms) {
    const perTarget = details.flatMap((detail) => (detail.arms[arm] ? [detail.arms[arm]] : []));
    if (perTarget.length > 0) summary[arm] = summarizeArm(perTarget, seed);
  }
  const comparisons = pairedComparisons(details, arms, seed);

  return {
    benchmark: 'molecules',
    createdAt: new Date().toISOString(),
    index: options.index ?? '',
    split: options.split ?? { name: 'given', kind: 'given', seed: 0 },
    config: {
      targets: details.length,
      requestedTargets: options.targets.length,
      candidateTargets: options.candidateTargets ?? options.targets.length,
      n,
      seedCount: n,
      generations,
      population,
      seed,
      timeBudgetMs,
      ablationTargets: details.filter((detail) => ablationSubset.has(detail.target.nodeIndex)).length,
      selection: options.selection,
      weights,
      request,
      arms,
    },
    bridge: options.bridge ?? null,
    machine: describeMachine(),
    summary,
    comparisons,
    verdict: verdictOf(comparisons.find((each) => each.arm === 'guided' && each.baseline === 'control')),
    details,
    durationMs: now() - started,
  };
}

/** Finished targets of an earlier run (by node index) and where new ones are recorded. */
export interface BenchmarkCheckpoint {
  done: ReadonlyMap<number, TargetResult>;
  save(result: TargetResult): Promise<void>;
}

/** Node indices of a seeded sample of `count` targets; every target when `count` is 0 or undefined. */
function seededSubset(
  targets: readonly MoleculeBenchmarkTarget[],
  count: number | undefined,
  seed: number,
): Set<number> {
  const indices = targets.map((target) => target.nodeIndex);
  if (!count || count >= indices.length) return new Set(indices);
  const random = createRandom(seed + 7919);
  for (let index = indices.length - 1; index > 0; index -= 1) {
    const other = random.int(index + 1);
    [indices[index], indices[other]] = [indices[other]!, indices[index]!];
  }
  return new Set(indices.slice(0, count));
}

/**
 * The pairs the report compares: guided against every other arm, the control against the seeds,
 * each capped or cores arm against its control, and guided with cores against the baselines.
 */
function pairedComparisons(
  details: readonly TargetResult[],
  arms: readonly MoleculeArm[],
  seed: number,
): PairedComparison[] {
  const comparisons: PairedComparison[] = [];
  for (const baseline of arms)
    if (baseline !== 'guided' && arms.includes('guided'))
      comparisons.push(compare(details, 'guided', baseline, seed));
  if (arms.includes('control') && arms.includes('seeds'))
    comparisons.push(compare(details, 'control', 'seeds', seed));
  if (arms.includes('guided-novel') && arms.includes('control-novel'))
    comparisons.push(compare(details, 'guided-novel', 'control-novel', seed));
  if (arms.includes('guided-cores'))
    for (const baseline of ['control-cores', 'control', 'seeds', 'drug-like-seeds'] as const)
      if (arms.includes(baseline)) comparisons.push(compare(details, 'guided-cores', baseline, seed));
  return comparisons;
}

/** Runs each arm on one target and measures its top N against the hidden drugs. */
async function evaluateTarget(
  context: TargetContext,
  arms: readonly MoleculeArm[],
  options: Pick<MoleculeBenchmarkOptions, 'proposer' | 'toolkit' | 'signal'> & {
    drugs: readonly BenchmarkDrug[];
    n: number;
    seed: number;
    weights: ScoringWeights;
    now: () => number;
  },
): Promise<TargetResult> {
  const { target } = context;
  const { toolkit, now, proposer, signal } = options;
  const result: TargetResult = {
    target: {
      nodeIndex: target.nodeIndex,
      id: target.id,
      name: target.name,
      trueDrugs: target.trueDrugs.length,
      excludedDrugs: target.excludedDrugIds.length,
    },
    arms: {},
    knownBinderSeeds: 0,
  };
  let retrieval: ProposalResponse | undefined;
  const retrieve = async () =>
    (retrieval ??= await proposer.propose({ ...context.request, generations: 0 }, { signal }));
  for (const arm of arms) {
    const armStarted = now();
    const definition = ARM_DEFINITIONS[arm];
    if (definition.kind === 'generate') {
      const armWeights = definition.ablate ? { ...options.weights, [definition.ablate]: 0 } : options.weights;
      const constraints =
        definition.noveltyCap === undefined
          ? undefined
          : { maxSimilarityToKnownDrugs: definition.noveltyCap };
      const drugLikeCores = definition.drugLikeCores ?? context.request.drugLikeCores;
      const response = await proposer.propose(
        { ...context.request, weights: armWeights, constraints, drugLikeCores },
        { guidance: definition.guidance, signal },
      );
      result.arms[arm] = candidateMetrics(response, context, toolkit, now() - armStarted);
    } else {
      const smiles =
        definition.kind === 'random-drugs'
          ? randomDrugs(options.drugs, context.hidden, options.n, options.seed + target.nodeIndex)
          : definition.kind === 'seeds'
            ? (await retrieve()).seeds.slice(0, options.n).map((each) => each.smiles)
            : definition.kind === 'drug-like-seeds'
              ? drugLike(
                  toolkit,
                  (await retrieve()).seeds.slice(0, options.n).map((each) => each.smiles),
                )
              : (await retrieve()).referenceBinders.slice(0, options.n).map((each) => each.smiles);
      result.arms[arm] = drugMetrics(smiles, context, toolkit, now() - armStarted);
    }
  }
  if (arms.includes('seeds') || arms.includes('binders'))
    result.knownBinderSeeds = (await retrieve()).seeds.filter((each) => each.knownBinder).length;
  return result;
}

function targetContext(
  target: MoleculeBenchmarkTarget,
  corpus: FragmentCorpus,
  drugFingerprints: ReadonlyMap<string, Fingerprint>,
  settings: {
    toolkit: ChemToolkit;
    n: number;
    seed: number;
    generations: number;
    population: number;
    timeBudgetMs: number;
    weights: ScoringWeights;
    request: BenchmarkRequest;
  },
): TargetContext {
  const { toolkit } = settings;
  const trueLibrary = createFingerprintLibrary(
    target.trueDrugs.flatMap((drug) => {
      const fingerprint = toolkit.fingerprint(drug.smiles);
      return fingerprint.ok ? [fingerprint.value] : [];
    }),
  );
  const hidden = new Set(target.excludedDrugIds);
  const fragments = withoutFragments(
    corpus,
    [...hidden].flatMap((id) => {
      const fingerprint = drugFingerprints.get(id);
      return fingerprint ? [fingerprint] : [];
    }),
  );
  return {
    target,
    hidden,
    request: {
      target: { entity: { type: PROTEIN_TYPE, id: target.id } },
      n: settings.n,
      seed: settings.seed,
      seedCount: settings.n,
      ...settings.request,
      generations: settings.generations,
      population: settings.population,
      useLlm: false,
      excludeDrugs: target.excludedDrugIds,
      timeBudgetMs: settings.timeBudgetMs,
      weights: settings.weights,
    },
    similarityToTrue: (smiles) => {
      const fingerprint = toolkit.fingerprint(smiles);
      return fingerprint.ok && trueLibrary.size > 0 ? trueLibrary.nearest(fingerprint.value).similarity : 0;
    },
    saOf: (smiles) => {
      const profile = toolkit.profile(smiles);
      const fingerprint = toolkit.fingerprint(smiles);
      return profile.ok && fingerprint.ok
        ? syntheticAccessibility(
            { fingerprint: fingerprint.value, descriptors: profile.value.descriptors },
            fragments,
          )
        : Number.NaN;
    },
  };
}

/** The molecules that pass the proposer's default filters (Lipinski, Veber, no structural alert). */
function drugLike(toolkit: ChemToolkit, smiles: readonly string[]): string[] {
  const filters = filterOptionsSchema.parse({});
  return smiles.filter((each) => {
    const profile = toolkit.profile(each);
    return (
      profile.ok &&
      evaluateFilters(
        { descriptors: profile.value.descriptors, qed: profile.value.qed.qed, alerts: profile.value.alerts },
        filters,
      ).passed
    );
  });
}

function randomDrugs(
  drugs: readonly BenchmarkDrug[],
  hidden: ReadonlySet<string>,
  count: number,
  seed: number,
): string[] {
  const visible = drugs.filter((drug) => !hidden.has(drug.id));
  const random = createRandom(seed);
  const picked = new Set<number>();
  while (picked.size < Math.min(count, visible.length)) picked.add(random.int(visible.length));
  return [...picked].map((index) => visible[index]!.smiles);
}

function candidateMetrics(
  response: ProposalResponse,
  context: TargetContext,
  toolkit: ChemToolkit,
  timeMs: number,
): ArmMetrics {
  const valid = response.candidates.flatMap((candidate) => (candidate.valid ? [candidate] : []));
  const { stats } = response;
  const toTrue = valid.map((candidate) => context.similarityToTrue(candidate.smiles));
  return {
    molecules: valid.length,
    validity: stats.generated === 0 ? 0 : stats.valid / stats.generated,
    uniqueness: stats.valid === 0 ? 0 : stats.unique / stats.valid,
    novelty: mean(valid.map((candidate) => candidate.scores.novelty)),
    novelShare: mean(valid.map((candidate) => (candidate.scores.novelty > 1 - NOVEL_BELOW ? 1 : 0))),
    meanQed: mean(valid.map((candidate) => candidate.scores.qed)),
    meanSa: mean(valid.map((candidate) => candidate.scores.saScore)),
    alertRate: mean(valid.map((candidate) => (candidate.scores.alerts > 0 ? 1 : 0))),
    scaffoldDiversity: scaffoldDiversity(
      valid.map((candidate) => candidate.smiles),
      toolkit,
    ),
    bestTanimotoToTrue: toTrue.length > 0 ? Math.max(...toTrue) : 0,
    meanTanimotoToTrue: mean(toTrue),
    timeMs,
  };
}

function drugMetrics(
  smiles: readonly string[],
  context: TargetContext,
  toolkit: ChemToolkit,
  timeMs: number,
): ArmMetrics {
  const profiles = smiles.map((each) => toolkit.profile(each));
  const toTrue = smiles.map((each) => context.similarityToTrue(each));
  return {
    molecules: smiles.length,
    validity: 1,
    uniqueness: 1,
    novelty: 0,
    novelShare: 0,
    meanQed: mean(profiles.flatMap((profile) => (profile.ok ? [profile.value.qed.qed] : []))),
    meanSa: mean(smiles.map((each) => context.saOf(each))),
    alertRate: mean(
      profiles.flatMap((profile) => (profile.ok ? [profile.value.alerts.length > 0 ? 1 : 0] : [])),
    ),
    scaffoldDiversity: scaffoldDiversity(smiles, toolkit),
    bestTanimotoToTrue: toTrue.length > 0 ? Math.max(...toTrue) : 0,
    meanTanimotoToTrue: mean(toTrue),
    timeMs,
  };
}

function scaffoldDiversity(smiles: readonly string[], toolkit: ChemToolkit): number {
  if (smiles.length === 0) return 0;
  const scaffolds = new Set(
    smiles.map((each) => {
      const scaffold = toolkit.scaffold(each);
      return scaffold.ok ? scaffold.value : `invalid:${each}`;
    }),
  );
  return scaffolds.size / smiles.length;
}

function summarizeArm(perTarget: readonly ArmMetrics[], seed: number): ArmSummary {
  const averages = Object.fromEntries(
    // `?? 0`: checkpoints written before a metric existed lack it.
    AVERAGED_METRICS.map((metric) => [metric, mean(perTarget.map((m) => m[metric] ?? 0))]),
  ) as Record<(typeof AVERAGED_METRICS)[number], number>;
  const best = perTarget.map((m) => m.bestTanimotoToTrue);
  return {
    targets: perTarget.length,
    ...averages,
    bestTanimotoCi: bootstrapMeanCi(best, 2000, seed),
    'hit@0.4': mean(best.map((value) => (value >= 0.4 ? 1 : 0))),
    'hit@0.6': mean(best.map((value) => (value >= 0.6 ? 1 : 0))),
  };
}

/** A molecule is novel when its max Tanimoto to every KG drug the run could see is below this. */
export const NOVEL_BELOW = 0.4;

/** Differences below this are ties: Tanimoto values are ratios of small counts. */
const TIE_TOLERANCE = 1e-9;

/**
 * The paired comparison of `arm` in one report with `baseline` in another, over the targets both
 * measured (by node index): for an arm added in a later run on the same targets and settings.
 */
export function compareAcrossReports(
  left: Pick<MoleculeReport, 'details'>,
  arm: MoleculeArm,
  right: Pick<MoleculeReport, 'details'>,
  baseline: MoleculeArm,
  seed = 0,
): PairedComparison {
  const rightArms = new Map(right.details.map((detail) => [detail.target.nodeIndex, detail.arms]));
  const pairs = left.details.flatMap((detail): [ArmMetrics, ArmMetrics][] => {
    const own = detail.arms[arm];
    const other = rightArms.get(detail.target.nodeIndex)?.[baseline];
    return own && other ? [[own, other]] : [];
  });
  return comparePairs(pairs, arm, baseline, seed);
}

function compare(
  details: readonly TargetResult[],
  arm: MoleculeArm,
  baseline: MoleculeArm,
  seed: number,
): PairedComparison {
  const pairs = details.flatMap((detail): [ArmMetrics, ArmMetrics][] => {
    const left = detail.arms[arm];
    const right = detail.arms[baseline];
    return left && right ? [[left, right]] : [];
  });
  return comparePairs(pairs, arm, baseline, seed);
}

/** Per-target pairs (arm, baseline): wins, the mean difference with its CI, Wilcoxon and sign tests. */
function comparePairs(
  pairs: readonly (readonly [ArmMetrics, ArmMetrics])[],
  arm: MoleculeArm,
  baseline: MoleculeArm,
  seed: number,
): PairedComparison {
  let wins = 0;
  let losses = 0;
  let ties = 0;
  const differences: number[] = [];
  const hitDifferences: number[] = [];
  for (const [left, right] of pairs) {
    const difference = left.bestTanimotoToTrue - right.bestTanimotoToTrue;
    differences.push(difference);
    hitDifferences.push((left.bestTanimotoToTrue >= 0.4 ? 1 : 0) - (right.bestTanimotoToTrue >= 0.4 ? 1 : 0));
    if (difference > TIE_TOLERANCE) wins += 1;
    else if (difference < -TIE_TOLERANCE) losses += 1;
    else ties += 1;
  }
  return {
    arm,
    baseline,
    metric: 'bestTanimotoToTrue',
    wins,
    losses,
    ties,
    meanDifference: mean(differences),
    ci: bootstrapMeanCi(differences, 2000, seed),
    pValue: wilcoxonSignedRank(differences, TIE_TOLERANCE).pValue,
    signTestP: signTest(wins, losses),
    hitDifference: mean(hitDifferences),
    hitCi: bootstrapMeanCi(hitDifferences, 2000, seed + 1),
  };
}

function verdictOf(comparison: PairedComparison | undefined): string {
  if (!comparison) return 'guidance was not compared with the control (an arm was left out)';
  const { wins, losses, ties, meanDifference, pValue, ci } = comparison;
  const counts = `${wins} wins, ${losses} losses, ${ties} ties; mean difference ${meanDifference >= 0 ? '+' : ''}${meanDifference.toFixed(3)} (95 % CI ${ci[0].toFixed(3)} to ${ci[1].toFixed(3)}); Wilcoxon p = ${pValue.toPrecision(2)}`;
  if (wins + losses + ties === 0) return 'no target was evaluated';
  if (pValue < 0.05 && meanDifference > 0)
    return `bridge guidance beats the unguided control on best Tanimoto to the held-out drugs (${counts})`;
  if (pValue < 0.05 && meanDifference < 0)
    return `bridge guidance does worse than the unguided control on best Tanimoto to the held-out drugs (${counts})`;
  return `no significant difference between bridge guidance and the unguided control on best Tanimoto to the held-out drugs (${counts})`;
}

function mean(values: readonly number[]): number {
  const finite = values.filter(Number.isFinite);
  return finite.length === 0 ? 0 : finite.reduce((sum, value) => sum + value, 0) / finite.length;
}

function describeMachine(): NonNullable<MoleculeReport['machine']> {
  const cores = cpus();
  return {
    cpu: cores[0]?.model.trim() ?? 'unknown',
    cores: cores.length,
    platform: platform(),
    node: process.version,
    loadAverage: loadavg().map((value) => Math.round(value * 100) / 100),
  };
}
