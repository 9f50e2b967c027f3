import { z } from 'zod';
import { AppError } from '../../errors.js';
import { loadRDKit, type RDKitModule } from '../../chem/rdkit.js';
import { countSmilesAtoms, maxSupportedAtoms } from '../../chem/smiles-atoms.js';
import { createMoleculeEditor, type RejectionReason } from './molecule-editor.js';
import {
  defaultMutationWeights,
  mutationKinds,
  type GeneticOperation,
  type MutationKind,
} from './operators.js';
import { createRandom, type Random } from './random.js';

/**
 * Numeric settings of a run, shared with request validation. `mutationRate` is the chance that
 * a crossover child is mutated as well; children not made by crossover are always mutations,
 * so no child is a plain copy.
 */
export const geneticAlgorithmSettingsSchema = z
  .object({
    populationSize: z.number().int().min(2).max(5000).default(100),
    generations: z.number().int().min(0).max(1000).default(20),
    /** Defaults to `populationSize`. */
    offspringPerGeneration: z.number().int().min(1).max(20000).optional(),
    mutationRate: z.number().min(0).max(1).default(0.5),
    crossoverRate: z.number().min(0).max(1).default(0.5),
    /** At most 120, so that a crossover of two maximal parents stays within what RDKit handles. */
    maxHeavyAtoms: z.number().int().min(1).max(120).default(50),
    minHeavyAtoms: z.number().int().min(1).max(120).default(5),
    selection: z.enum(['tournament', 'rank-roulette']).default('tournament'),
    tournamentSize: z.number().int().min(1).max(100).default(3),
    /** Attempts allowed per wanted child before a generation settles for fewer. */
    maxAttemptsPerChild: z.number().int().min(1).max(1000).default(10),
    mutationWeights: z.partialRecord(z.enum(mutationKinds), z.number().min(0)).default({}),
    /**
     * Generations bred by exploitation first: single mutations of every population member in
     * turn (no tournament, no crossover), so each seed gets close analogues before selection and
     * crossover explore. Without it the fittest few seeds take every tournament and the others,
     * possibly the ones nearest the real binders, leave no offspring.
     */
    exploitGenerations: z.number().int().min(0).max(1000).default(0),
    /**
     * Offspring an exploit generation breeds per population member (one-edit analogues of each
     * in turn), when that is more than `offspringPerGeneration`: one analogue per seed is a single draw, and
     * the closest analogue of the best seed is what keeps a run from falling behind its seeds.
     */
    analoguesPerMember: z.number().int().min(1).max(50).default(1),
    /**
     * Drug-like cores bred, with the first generation, from each seed that `filter` refuses
     * (cofactors, nucleotides, peptides: anchors whose one-edit analogues fail the filters as
     * well, so their lineage would otherwise leave nothing): the largest pieces of the seed, cut
     * at acyclic single bonds one after another (a beam of the largest), that pass `filter`.
     */
    coresPerSeed: z.number().int().min(0).max(20).default(0),
  })
  .strict()
  .refine((settings) => settings.minHeavyAtoms <= settings.maxHeavyAtoms, {
    message: 'minHeavyAtoms must not exceed maxHeavyAtoms',
  });
export type GeneticAlgorithmSettings = z.input<typeof geneticAlgorithmSettingsSchema>;

export interface GeneticAlgorithmSeed {
  smiles: string;
  id: string;
}

export interface GenerationSummary {
  generation: number;
  bestScore: number;
  meanScore: number;
  populationSize: number;
  /** Molecules scored in this generation. */
  newMolecules: number;
  stats: GeneticAlgorithmStats;
}

export interface GeneticAlgorithmOptions extends GeneticAlgorithmSettings {
  seeds: readonly GeneticAlgorithmSeed[];
  /** Scores a batch (one call per generation); higher is better. Non-finite scores rank last. */
  score: (smiles: string[]) => Promise<number[]>;
  /** PRNG seed: same seed, seeds and score give the same run. */
  seed: number;
  /** Offspring for which this returns false are dropped before scoring. */
  filter?: (smiles: string) => boolean | Promise<boolean>;
  /** SMARTS that disqualify an offspring; defaults to `defaultForbiddenSmarts`. */
  forbiddenSmarts?: readonly string[];
  signal?: AbortSignal | undefined;
  /**
   * Polled before each generation and while breeding; when it returns true the run scores the
   * offspring it has, stops and reports `stoppedEarly` (a time budget, unlike `signal`, keeps the
   * results). Runs that stop early are reproducible only up to where they stopped.
   */
  shouldStop?: () => boolean;
  onProgress?: (summary: GenerationSummary) => void;
  rdkit?: RDKitModule | undefined;
  /** Test seam for `timeMs`. */
  now?: () => number;
}

export interface GeneticCandidate {
  /** `seed:<id>` for seeds, `g<generation>-<n>` for offspring. */
  id: string;
  /** Canonical SMILES. */
  smiles: string;
  score: number;
  generation: number;
  /** The last operation applied. */
  operation: GeneticOperation;
  /** Every operation that made it from its parents, in order (crossover, then a mutation). */
  operations: GeneticOperation[];
  /** Parent ids. */
  parents: string[];
  parentSmiles: string[];
  /** The seed its lineage starts from (for crossover, the parent that gave more atoms). */
  seedId: string;
}

export interface GeneticAlgorithmStats {
  /** Products the operators made, before any check. */
  generated: number;
  /** Products RDKit sanitised that passed the chemistry checks. */
  valid: number;
  /** Products rejected: `invalid` by RDKit, or disconnected, radical or matching a forbidden SMARTS. */
  invalid: number;
  invalidReasons: Record<RejectionReason, number>;
  /** Valid products already seen in this run. */
  duplicates: number;
  /** Of `duplicates`, those that recreated a seed. */
  seedCopies: number;
  /** Valid new products outside the size limits or refused by `filter`. */
  filtered: number;
  /** New molecules admitted and scored. */
  unique: number;
  /** Operator attempts that found no site to act on. */
  noSite: number;
  /** Molecules passed to `score` (seeds included). */
  evaluations: number;
  generationsCompleted: number;
  timeMs: number;
}

export interface GeneticAlgorithmResult {
  /** The final population, best first. */
  candidates: GeneticCandidate[];
  best: GeneticCandidate;
  /** Generation 0 is the seed population. */
  history: GenerationSummary[];
  stats: GeneticAlgorithmStats;
  /** Seeds that could not be used, with RDKit's reason. */
  rejectedSeeds: { id: string; smiles: string; reason: string }[];
  /** Every molecule scored in the run (seeds first), in the order scored. */
  evaluated: GeneticCandidate[];
  /** `shouldStop` ended the run before `generations` were completed. */
  stoppedEarly: boolean;
}

/**
 * A graph-based genetic algorithm over RDKit molecules: (μ + λ) survival of the fittest unique
 * molecules, parents by tournament or rank roulette, children by crossover at acyclic bonds and
 * by reaction-SMARTS mutations (see operators.ts). Every child is canonicalised and deduplicated
 * against all molecules seen in the run, so the population never holds two copies.
 */
export async function runGeneticAlgorithm(options: GeneticAlgorithmOptions): Promise<GeneticAlgorithmResult> {
  const settings = parseSettings(options);
  const now = options.now ?? (() => performance.now());
  const started = now();
  const rdkit = options.rdkit ?? (await loadRDKit());
  const random = createRandom(options.seed);
  const editor = createMoleculeEditor(
    rdkit,
    options.forbiddenSmarts ? { forbiddenSmarts: options.forbiddenSmarts } : {},
  );
  const stats = emptyStats();
  const snapshot = (): GeneticAlgorithmStats => ({
    ...stats,
    invalidReasons: { ...stats.invalidReasons },
    timeMs: now() - started,
  });
  const scoreBatch = createBatchScorer(options, stats);

  try {
    options.signal?.throwIfAborted();
    const { seen, rejectedSeeds, seedMolecules } = usableSeeds(rdkit, options.seeds);
    const seedScores = await scoreBatch(seedMolecules.map((seed) => seed.smiles));
    const seedSmiles = new Set(seedMolecules.map((seed) => seed.smiles));
    const seedCandidates: GeneticCandidate[] = seedMolecules.map((seed, index) => ({
      id: `seed:${seed.id}`,
      smiles: seed.smiles,
      score: seedScores[index]!,
      generation: 0,
      operation: 'seed',
      operations: ['seed'],
      parents: [],
      parentSmiles: [],
      seedId: seed.id,
    }));
    const evaluated: GeneticCandidate[] = [...seedCandidates];
    let population: GeneticCandidate[] = rank([...seedCandidates]).slice(0, settings.populationSize);
    let stoppedEarly = false;
    const history: GenerationSummary[] = [summarize(0, population, population.length, snapshot())];
    options.onProgress?.(history[0]!);
    const breeder = createBreeder({ settings, editor, random, stats, population: () => population });
    const generationContext = { settings, options, stats, seen, seedSmiles, breeder };

    for (let generation = 1; generation <= settings.generations; generation += 1) {
      options.signal?.throwIfAborted();
      if (options.shouldStop?.()) {
        stoppedEarly = true;
        break;
      }
      const bred = await breedGeneration(generationContext, generation);
      stoppedEarly = bred.stoppedEarly;
      // After the first generation's mutants, so that switching cores on leaves those as they were.
      const cores =
        generation === 1
          ? await drugLikeCores({ settings, options, stats, seen, editor }, seedCandidates)
          : [];
      const offspring = [...bred.offspring, ...cores];
      const scores = await scoreBatch(offspring.map((child) => child.smiles));
      const scored = offspring.map((child, index) => ({ ...child, score: scores[index]! }));
      evaluated.push(...scored);
      population = rank([...population, ...scored]).slice(0, settings.populationSize);
      stats.generationsCompleted = generation;
      const summary = summarize(generation, population, scored.length, snapshot());
      history.push(summary);
      options.onProgress?.(summary);
      if (stoppedEarly) break;
    }

    const final = snapshot();
    return {
      candidates: population,
      best: population[0]!,
      history,
      stats: final,
      rejectedSeeds,
      evaluated,
      stoppedEarly,
    };
  } finally {
    editor.dispose();
  }
}

type ParsedSettings = z.output<typeof geneticAlgorithmSettingsSchema>;

function parseSettings(options: GeneticAlgorithmOptions): ParsedSettings {
  const parsedSettings = geneticAlgorithmSettingsSchema.safeParse(pickSettings(options));
  if (!parsedSettings.success) {
    throw new AppError({
      code: 'BAD_REQUEST',
      message: `invalid genetic algorithm settings: ${z.prettifyError(parsedSettings.error)}`,
    });
  }
  return parsedSettings.data;
}

function emptyStats(): GeneticAlgorithmStats {
  return {
    generated: 0,
    valid: 0,
    invalid: 0,
    invalidReasons: { invalid: 0, 'too-large': 0, disconnected: 0, radical: 0, unreasonable: 0 },
    duplicates: 0,
    seedCopies: 0,
    filtered: 0,
    unique: 0,
    noSite: 0,
    evaluations: 0,
    generationsCompleted: 0,
    timeMs: 0,
  };
}

/** Calls `score` on a batch, checks its length, counts the evaluations and ranks non-finite scores last. */
function createBatchScorer(
  options: GeneticAlgorithmOptions,
  stats: GeneticAlgorithmStats,
): (smiles: string[]) => Promise<number[]> {
  return async (smiles) => {
    if (smiles.length === 0) return [];
    const scores = await options.score(smiles);
    options.signal?.throwIfAborted();
    if (!Array.isArray(scores) || scores.length !== smiles.length) {
      throw new AppError({
        code: 'INTERNAL',
        message: `score function returned ${Array.isArray(scores) ? scores.length : typeof scores} values for ${smiles.length} molecules`,
      });
    }
    stats.evaluations += smiles.length;
    return scores.map((score) => (Number.isFinite(score) ? score : Number.NEGATIVE_INFINITY));
  };
}

/** Canonical, deduplicated seeds and the rejected ones; 422 when none is usable. */
function usableSeeds(rdkit: RDKitModule, seeds: readonly GeneticAlgorithmSeed[]) {
  const seen = new Set<string>();
  const rejectedSeeds: GeneticAlgorithmResult['rejectedSeeds'] = [];
  const seedMolecules: { id: string; smiles: string }[] = [];
  for (const seed of seeds) {
    const canonical = canonicalSeed(rdkit, seed.smiles);
    if (!canonical.ok) {
      rejectedSeeds.push({ id: seed.id, smiles: seed.smiles, reason: canonical.reason });
    } else if (!seen.has(canonical.smiles)) {
      seen.add(canonical.smiles);
      seedMolecules.push({ id: seed.id, smiles: canonical.smiles });
    }
  }
  if (seedMolecules.length === 0) {
    throw new AppError({
      code: 'UNPROCESSABLE',
      message: `no usable seed molecule among ${seeds.length}${rejectedSeeds.length ? `: ${rejectedSeeds.map((s) => `${s.id} (${s.reason})`).join('; ')}` : ''}`,
      details: { rejectedSeeds },
    });
  }
  return { seen, rejectedSeeds, seedMolecules };
}

interface BredChild {
  smiles: string;
  heavyAtoms: number;
  operations: GeneticOperation[];
  parents: GeneticCandidate[];
  seedId: string;
}

interface Breeder {
  /** Starts a generation: exploiting ones mutate every member in turn. */
  startGeneration(exploiting: boolean): void;
  populationSize(): number;
  breed(): BredChild | undefined;
}

/** Parent selection and the operators, counting generated, valid, invalid and no-site products. */
function createBreeder(context: {
  settings: ParsedSettings;
  editor: ReturnType<typeof createMoleculeEditor>;
  random: Random;
  stats: GeneticAlgorithmStats;
  population: () => GeneticCandidate[];
}): Breeder {
  const { settings, editor, random, stats } = context;
  const weights: Record<MutationKind, number> = { ...defaultMutationWeights, ...settings.mutationWeights };
  const select = (): GeneticCandidate =>
    settings.selection === 'tournament'
      ? tournament(context.population(), settings.tournamentSize, random)
      : rankRoulette(context.population(), random);

  const admit = (product: string | null): { smiles: string; heavyAtoms: number } | undefined => {
    stats.generated += 1;
    const sanitized = product === null ? undefined : editor.sanitize(product);
    if (!sanitized?.ok) {
      stats.invalid += 1;
      stats.invalidReasons[sanitized?.error ?? 'invalid'] += 1;
      return undefined;
    }
    stats.valid += 1;
    return sanitized.value;
  };

  let exploiting = false;
  let turn = 0;
  /**
   * One child: a crossover of two selected parents (then, with `mutationRate`, a mutation), or
   * else a mutation of one. `undefined` when the product was invalid or no operator applied.
   */
  const breed = (): BredChild | undefined => {
    const population = context.population();
    const first = exploiting ? population[turn++ % population.length]! : select();
    if (!exploiting && population.length >= 2 && random.next() < settings.crossoverRate) {
      let second = select();
      for (let retry = 0; retry < 3 && second.smiles === first.smiles; retry += 1) second = select();
      const crossed =
        second.smiles === first.smiles ? undefined : editor.crossover(first.smiles, second.smiles, random);
      if (crossed) {
        const [fromFirst, fromSecond] = crossed.contributions ?? [1, 0];
        const lineage = {
          parents: [first, second],
          seedId: fromSecond > fromFirst ? second.seedId : first.seedId,
        };
        const child = admit(crossed.product);
        if (!child) return undefined;
        const mutated =
          random.next() < settings.mutationRate ? editor.mutate(child.smiles, random, weights) : undefined;
        if (!mutated) return { ...child, ...lineage, operations: ['crossover'] };
        const mutant = admit(mutated.product);
        return mutant && { ...mutant, ...lineage, operations: ['crossover', mutated.operation] };
      }
    }
    const mutated = editor.mutate(first.smiles, random, weights);
    if (!mutated) {
      stats.noSite += 1;
      return undefined;
    }
    const mutant = admit(mutated.product);
    return mutant && { ...mutant, parents: [first], seedId: first.seedId, operations: [mutated.operation] };
  };

  return {
    startGeneration(exploit) {
      exploiting = exploit;
      turn = 0;
    },
    populationSize: () => context.population().length,
    breed,
  };
}

/**
 * Breeds one generation's new, admissible offspring (deduplicated against every molecule seen,
 * within the size limits and `filter`), within the attempt budget; stops early on `shouldStop`.
 */
async function breedGeneration(
  context: {
    settings: ParsedSettings;
    options: GeneticAlgorithmOptions;
    stats: GeneticAlgorithmStats;
    seen: Set<string>;
    seedSmiles: ReadonlySet<string>;
    breeder: Breeder;
  },
  generation: number,
): Promise<{ offspring: Omit<GeneticCandidate, 'score'>[]; stoppedEarly: boolean }> {
  const { settings, options, stats, seen, seedSmiles, breeder } = context;
  const exploiting = generation <= settings.exploitGenerations;
  const base = settings.offspringPerGeneration ?? settings.populationSize;
  const offspringPerGeneration = exploiting
    ? Math.max(base, breeder.populationSize() * settings.analoguesPerMember)
    : base;
  const offspring: Omit<GeneticCandidate, 'score'>[] = [];
  let stoppedEarly = false;
  breeder.startGeneration(exploiting);
  const budget = offspringPerGeneration * settings.maxAttemptsPerChild;
  for (let attempt = 0; attempt < budget && offspring.length < offspringPerGeneration; attempt += 1) {
    if (attempt % 8 === 7 && options.shouldStop?.()) {
      stoppedEarly = true;
      break;
    }
    const child = breeder.breed();
    if (!child) continue;
    if (seen.has(child.smiles)) {
      stats.duplicates += 1;
      if (seedSmiles.has(child.smiles)) stats.seedCopies += 1;
      continue;
    }
    seen.add(child.smiles);
    const { heavyAtoms } = child;
    if (
      heavyAtoms > settings.maxHeavyAtoms ||
      heavyAtoms < settings.minHeavyAtoms ||
      (options.filter && !(await options.filter(child.smiles)))
    ) {
      stats.filtered += 1;
      continue;
    }
    stats.unique += 1;
    offspring.push({
      id: `g${generation}-${offspring.length}`,
      smiles: child.smiles,
      generation,
      operation: child.operations[child.operations.length - 1]!,
      operations: child.operations,
      parents: child.parents.map((parent) => parent.id),
      parentSmiles: child.parents.map((parent) => parent.smiles),
      seedId: child.seedId,
    });
  }
  return { offspring, stoppedEarly };
}

/** Beam width and depth of the core search, and the most products it sanitises per seed. */
const coreBeam = 6;
const coreDepth = 6;
const coreBudgetPerSeed = 240;

type CoreContext = {
  settings: ParsedSettings;
  options: GeneticAlgorithmOptions;
  stats: GeneticAlgorithmStats;
  seen: Set<string>;
  editor: ReturnType<typeof createMoleculeEditor>;
};

/**
 * `coresPerSeed` drug-like cores of each seed that `filter` refuses (see the setting), as
 * first-generation offspring, largest first; molecules already seen in the run are skipped.
 */
async function drugLikeCores(
  context: CoreContext,
  seeds: readonly GeneticCandidate[],
): Promise<Omit<GeneticCandidate, 'score'>[]> {
  const { settings, options, stats, seen } = context;
  const filter = options.filter;
  if (settings.coresPerSeed === 0 || !filter) return [];
  const cores: Omit<GeneticCandidate, 'score'>[] = [];
  for (const seed of seeds) {
    options.signal?.throwIfAborted();
    if (options.shouldStop?.()) break;
    if (await filter(seed.smiles)) continue;
    const fresh = (await coresOf(context, seed.smiles, filter)).filter((core) => !seen.has(core));
    for (const core of fresh.slice(0, settings.coresPerSeed)) {
      seen.add(core);
      stats.unique += 1;
      cores.push({
        id: `g1-core${cores.length}`,
        smiles: core,
        generation: 1,
        operation: 'core',
        operations: ['core'],
        parents: [seed.id],
        parentSmiles: [seed.smiles],
        seedId: seed.seedId,
      });
    }
  }
  return cores;
}

/**
 * The pieces of one molecule that pass `filter`, largest first: a beam search that cuts one
 * acyclic single bond at a time and keeps the largest products; a piece `filter` accepts is not
 * cut further, since every further cut only takes more of the molecule away.
 */
async function coresOf(
  context: CoreContext,
  smiles: string,
  filter: (smiles: string) => boolean | Promise<boolean>,
): Promise<string[]> {
  const { settings, editor } = context;
  const bySize = (a: { smiles: string; heavyAtoms: number }, b: { smiles: string; heavyAtoms: number }) =>
    b.heavyAtoms - a.heavyAtoms || (a.smiles < b.smiles ? -1 : a.smiles > b.smiles ? 1 : 0);
  const found: { smiles: string; heavyAtoms: number }[] = [];
  const visited = new Set<string>([smiles]);
  let beam = [smiles];
  let budget = coreBudgetPerSeed;
  for (let depth = 0; depth < coreDepth && beam.length > 0 && budget > 0; depth += 1) {
    const next: { smiles: string; heavyAtoms: number }[] = [];
    for (const parent of beam)
      for (const product of editor.trims(parent)) {
        if (budget-- <= 0) break;
        const sanitized = editor.sanitize(product);
        if (!sanitized.ok || visited.has(sanitized.value.smiles)) continue;
        visited.add(sanitized.value.smiles);
        const { heavyAtoms } = sanitized.value;
        if (heavyAtoms < settings.minHeavyAtoms) continue;
        const passes = heavyAtoms <= settings.maxHeavyAtoms && (await filter(sanitized.value.smiles));
        (passes ? found : next).push(sanitized.value);
      }
    beam = next
      .sort(bySize)
      .slice(0, coreBeam)
      .map((entry) => entry.smiles);
  }
  return found.sort(bySize).map((entry) => entry.smiles);
}

function pickSettings(options: GeneticAlgorithmOptions): Record<string, unknown> {
  const keys = Object.keys(geneticAlgorithmSettingsSchema.shape) as (keyof GeneticAlgorithmSettings)[];
  const picked: Record<string, unknown> = {};
  for (const key of keys) if (options[key] !== undefined) picked[key] = options[key];
  return picked;
}

/** Best first; ties go to the earlier generation, then to the smaller SMILES, so order is stable. */
function rank(candidates: GeneticCandidate[]): GeneticCandidate[] {
  return candidates.sort(
    (a, b) =>
      b.score - a.score ||
      a.generation - b.generation ||
      (a.smiles < b.smiles ? -1 : a.smiles > b.smiles ? 1 : 0),
  );
}

function tournament(population: readonly GeneticCandidate[], size: number, random: Random): GeneticCandidate {
  // The population is ranked, so the lowest index drawn is the fittest contestant.
  let best = random.int(population.length);
  for (let round = 1; round < size; round += 1) best = Math.min(best, random.int(population.length));
  return population[best]!;
}

function rankRoulette(population: readonly GeneticCandidate[], random: Random): GeneticCandidate {
  return population[random.weightedIndex(population.map((_, index) => population.length - index))]!;
}

function summarize(
  generation: number,
  population: readonly GeneticCandidate[],
  newMolecules: number,
  stats: GeneticAlgorithmStats,
): GenerationSummary {
  const finite = population.map((candidate) => candidate.score).filter(Number.isFinite);
  return {
    generation,
    bestScore: population[0]?.score ?? Number.NEGATIVE_INFINITY,
    meanScore: finite.length
      ? finite.reduce((sum, value) => sum + value, 0) / finite.length
      : Number.NEGATIVE_INFINITY,
    populationSize: population.length,
    newMolecules,
    stats,
  };
}

/** Seeds are taken as given (no forbidden-motif check), reduced to their largest fragment. */
function canonicalSeed(
  rdkit: RDKitModule,
  smiles: string,
): { ok: true; smiles: string } | { ok: false; reason: string } {
  if (smiles.trim() === '' || /\s/.test(smiles)) return { ok: false, reason: 'empty or contains whitespace' };
  if (countSmilesAtoms(smiles) > maxSupportedAtoms)
    return { ok: false, reason: `more than ${maxSupportedAtoms} atoms` };
  const mol = rdkit.get_mol(smiles);
  if (!mol || !mol.is_valid()) {
    mol?.delete();
    return { ok: false, reason: 'RDKit cannot parse the SMILES' };
  }
  let canonical: string;
  try {
    canonical = mol.get_smiles();
  } finally {
    mol.delete();
  }
  if (canonical.includes('*')) return { ok: false, reason: 'contains dummy atoms' };
  const fragments = canonical
    .split('.')
    .map((fragment) => ({ fragment, heavy: heavyAtomCount(rdkit, fragment) }));
  const largest = fragments.reduce((best, next) => (next.heavy > best.heavy ? next : best));
  if (largest.heavy === 0) return { ok: false, reason: 'has no heavy atoms' };
  if (fragments.length === 1) return { ok: true, smiles: canonical };
  const fragment = rdkit.get_mol(largest.fragment);
  if (!fragment) return { ok: false, reason: 'RDKit cannot parse its largest fragment' };
  try {
    return { ok: true, smiles: fragment.get_smiles() };
  } finally {
    fragment.delete();
  }
}

function heavyAtomCount(rdkit: RDKitModule, smiles: string): number {
  const mol = rdkit.get_mol(smiles);
  if (!mol) return 0;
  try {
    return mol.get_num_atoms(true);
  } finally {
    mol.delete();
  }
}
