import type { AlertMatch } from '../chem/alerts.js';
import type { ChemError } from '../chem/chem-error.js';
import type { MolecularDescriptors } from '../chem/descriptors.js';
import { evaluateFilters, type FilterOptions, type FilterOutcome } from '../chem/filters.js';
import { createFingerprintLibrary, type Fingerprint } from '../chem/fingerprint.js';
import type { ChemToolkit } from '../chem/toolkit.js';
import type { Bridge } from '../bridge/bridge.js';
import type { Encoder } from '../encoders/encoder.js';
import { err, ok, type Result } from '../errors.js';
import { synthesizability, syntheticAccessibility, type FragmentCorpus } from '../chem/sa-score.js';
import { structuralChecks, type ConstraintCheck, type DesignConstraints } from './constraints.js';
import { createAnchorSimilarity } from './anchor-similarity.js';
import type { KnownDrugLibrary, NearestKnownDrug } from './known-drugs.js';
import { combinedScore, type ScoringWeights } from './scoring-weights.js';
import type { SeedDrug } from './seeds.js';
import { DRUG_TYPE } from './target.js';

/** What RDKit says about a candidate; computed once per SMILES in a run. */
export interface CandidateProfile {
  smiles: string;
  descriptors: MolecularDescriptors;
  qed: number;
  /** Alerts of the families enabled in the filters. */
  alerts: AlertMatch[];
  scaffold: string;
  fingerprint: Fingerprint;
  filter: FilterOutcome;
  /** Ertl–Schuffenhauer-style SA score, 1 (easy) … 10 (hard). */
  saScore: number;
  /** Substructure and novelty constraints, each as met or not. */
  structural: ConstraintCheck[];
  /** The filters and the hard constraints all pass. */
  admissible: boolean;
}

export interface CandidateScores {
  combined: number;
  /** Cosine between the candidate's projected drug vector and the bridged target query. */
  bridge: number;
  /** Max Tanimoto to the reference binders. */
  binderSimilarity: number;
  qed: number;
  saScore: number;
  /** (10 − saScore) / 9. */
  synthesizability: number;
  /** Highest bridge cosine to an anti-target; 0 without anti-targets. */
  antiTarget: number;
  /** 1 − `maxSimilarityToKnownDrugs`. */
  novelty: number;
  maxSimilarityToSeeds: number;
  maxSimilarityToKnownDrugs: number;
  alerts: number;
}

export interface CandidateEvaluation {
  profile: CandidateProfile;
  scores: CandidateScores;
  nearestKnownDrug: NearestKnownDrug | undefined;
  nearestSeed: { seed: SeedDrug; similarity: number } | undefined;
  /** Bridge cosine to each anti-target, in request order. */
  antiTargetCosines: number[];
}

export interface CandidateScorerOptions {
  toolkit: ChemToolkit;
  drugEncoder: Encoder;
  bridge: Bridge;
  /** The bridged target query in the drug space. */
  query: Float32Array;
  seeds: readonly SeedDrug[];
  knownDrugs: KnownDrugLibrary;
  /** Known drugs hidden from this run. */
  exclude: ReadonlySet<number>;
  filters: FilterOptions;
  weights: ScoringWeights;
  constraints: DesignConstraints;
  /**
   * Molecules whose Tanimoto anchors the search (the target's binders, the seeds, near-protein
   * binders), each with a weight in (0, 1]: `binderSimilarity` is the highest weight × Tanimoto.
   */
  referenceBinders: readonly { smiles: string; weight: number }[];
  /** Anti-targets bridged into the drug space, in request order. */
  antiQueries: readonly Float32Array[];
  /** Fragment statistics of the SA score (the index's drugs, hidden ones removed). */
  fragments: FragmentCorpus;
  signal?: AbortSignal | undefined;
}

export interface CandidateScorer {
  profile(smiles: string): Result<CandidateProfile, ChemError>;
  /** The filters and the hard constraints; false for molecules RDKit rejects. */
  passesFilters(smiles: string): boolean;
  /** Bridge cosines to the target, in order; NaN where the drug encoder rejects a molecule. */
  bridgeScores(smiles: readonly string[]): Promise<number[]>;
  /** Full evaluations, in order; undefined where RDKit rejects a molecule. */
  evaluate(smiles: readonly string[]): Promise<(CandidateEvaluation | undefined)[]>;
  /** The genetic algorithm's fitness: the combined score, −∞ for molecules that cannot be scored. */
  fitness(smiles: string[]): Promise<number[]>;
}

/**
 * Scores candidates against one target: bridge cosine (drug encoder → `bridge.project('drug')`
 * → cosine with the query), QED, alerts, Tanimoto to the seeds and to the KG's drugs, and the
 * weighted combination. Everything is memoised by SMILES, since the genetic algorithm, the
 * filters and the final ranking all ask about the same molecules.
 */
export function createCandidateScorer(options: CandidateScorerOptions): CandidateScorer {
  const { toolkit, weights } = options;
  const seedFingerprints = options.seeds.map((seed) => {
    const fingerprint = toolkit.fingerprint(seed.smiles);
    return fingerprint.ok ? fingerprint.value : undefined;
  });
  const usableSeeds = options.seeds.filter((_, index) => seedFingerprints[index] !== undefined);
  const seedLibrary = createFingerprintLibrary(seedFingerprints.filter((value) => value !== undefined));
  const binderSimilarity = createAnchorSimilarity(
    options.referenceBinders.flatMap((anchor) => {
      const fingerprint = toolkit.fingerprint(anchor.smiles);
      return fingerprint.ok ? [{ fingerprint: fingerprint.value, weight: anchor.weight }] : [];
    }),
  );
  const profiles = new Map<string, Result<CandidateProfile, ChemError>>();

  const profile = (smiles: string): Result<CandidateProfile, ChemError> => {
    const cached = profiles.get(smiles);
    if (cached) return cached;
    const computed = computeCandidateProfile(options, smiles);
    profiles.set(smiles, computed);
    return computed;
  };

  const bridgeCosines = createBridgeCosines(options);

  const evaluate = async (smiles: readonly string[]): Promise<(CandidateEvaluation | undefined)[]> => {
    const cosines = await bridgeCosines(smiles);
    return smiles.map((molecule, index) => {
      const described = profile(molecule);
      if (!described.ok) return undefined;
      const { fingerprint } = described.value;
      const nearestKnownDrug = options.knownDrugs.nearest(fingerprint, options.exclude);
      const seedHit = seedLibrary.size > 0 ? seedLibrary.nearest(fingerprint) : undefined;
      const maxSimilarityToKnownDrugs = nearestKnownDrug?.similarity ?? 0;
      const maxSimilarityToSeeds = seedHit?.similarity ?? 0;
      const [bridgeValue = Number.NaN, ...antiTargetCosines] = cosines[index]!;
      const parts = {
        bridge: bridgeValue,
        binderSimilarity: binderSimilarity(fingerprint),
        qed: described.value.qed,
        synthesizability: synthesizability(described.value.saScore),
        novelty: 1 - maxSimilarityToKnownDrugs,
        maxSimilarityToSeeds,
        alerts: described.value.alerts.length,
        antiTarget: antiTargetCosines.length > 0 ? Math.max(...antiTargetCosines) : 0,
      };
      return {
        profile: described.value,
        scores: {
          combined: Number.isFinite(bridgeValue) ? combinedScore(parts, weights) : Number.NaN,
          ...parts,
          saScore: described.value.saScore,
          maxSimilarityToKnownDrugs,
        },
        antiTargetCosines,
        nearestKnownDrug,
        nearestSeed: seedHit
          ? { seed: usableSeeds[seedHit.index]!, similarity: seedHit.similarity }
          : undefined,
      };
    });
  };

  return {
    profile,
    passesFilters(smiles) {
      const described = profile(smiles);
      return described.ok && described.value.admissible;
    },
    async bridgeScores(smiles) {
      return (await bridgeCosines(smiles)).map((values) => values[0] ?? Number.NaN);
    },
    evaluate,
    async fitness(smiles) {
      const evaluations = await evaluate(smiles);
      return evaluations.map((evaluation) =>
        evaluation && Number.isFinite(evaluation.scores.combined)
          ? evaluation.scores.combined
          : Number.NEGATIVE_INFINITY,
      );
    },
  };
}

/** Descriptors, QED, alerts, filters, SA score and structural checks of one molecule. */
function computeCandidateProfile(
  options: CandidateScorerOptions,
  smiles: string,
): Result<CandidateProfile, ChemError> {
  const { toolkit, filters } = options;
  const described = toolkit.profile(smiles);
  if (!described.ok) return described;
  const fingerprint = toolkit.fingerprint(described.value.smiles);
  if (!fingerprint.ok) return err(fingerprint.error);
  const { descriptors, qed, alerts, scaffold } = described.value;
  const filter = evaluateFilters({ descriptors, qed: qed.qed, alerts }, filters);
  const saScore = syntheticAccessibility(
    {
      fingerprint: fingerprint.value,
      descriptors,
    },
    options.fragments,
  );
  const structural = structuralChecks(
    toolkit,
    options.constraints,
    smiles,
    () => options.knownDrugs.nearest(fingerprint.value, options.exclude)?.similarity ?? 0,
  );
  return ok({
    smiles,
    descriptors,
    qed: qed.qed,
    alerts: filter.alerts,
    scaffold,
    fingerprint: fingerprint.value,
    filter,
    saScore,
    structural,
    admissible: filter.passed && structural.every((check) => check.met),
  });
}

/**
 * Per SMILES: bridge cosine to the target, then to each anti-target (NaN where the drug encoder
 * fails); memoised, and encoded/projected in one batch per call.
 */
function createBridgeCosines(
  options: CandidateScorerOptions,
): (smiles: readonly string[]) => Promise<number[][]> {
  const { drugEncoder, bridge } = options;
  const hidden = bridge.metadata.hiddenDim;
  const query = normalized(options.query);
  const antiQueries = options.antiQueries.map(normalized);
  const bridgeCache = new Map<string, number[]>();
  return async (smiles) => {
    const missing = [...new Set(smiles.filter((molecule) => !bridgeCache.has(molecule)))];
    if (missing.length > 0) {
      const outcomes = await drugEncoder.encode(missing);
      options.signal?.throwIfAborted();
      const encoded: { smiles: string; vector: Float32Array }[] = [];
      outcomes.forEach((outcome, index) => {
        if (outcome?.ok) encoded.push({ smiles: missing[index]!, vector: outcome.value });
        else bridgeCache.set(missing[index]!, [Number.NaN, ...antiQueries.map(() => Number.NaN)]);
      });
      if (encoded.length > 0) {
        const dimension = drugEncoder.dimension;
        const matrix = new Float32Array(encoded.length * dimension);
        encoded.forEach((entry, row) => matrix.set(entry.vector, row * dimension));
        const projected = await bridge.project(DRUG_TYPE, matrix, encoded.length);
        options.signal?.throwIfAborted();
        encoded.forEach((entry, row) =>
          bridgeCache.set(
            entry.smiles,
            [query, ...antiQueries].map((unit) => cosineWithUnit(unit, projected, row * hidden, hidden)),
          ),
        );
      }
    }
    return smiles.map((molecule) => bridgeCache.get(molecule)!);
  };
}

function normalized(vector: Float32Array): Float32Array {
  let norm = 0;
  for (const value of vector) norm += value * value;
  norm = Math.sqrt(norm);
  const result = new Float32Array(vector.length);
  if (norm > 0) for (let index = 0; index < vector.length; index++) result[index] = vector[index]! / norm;
  return result;
}

/** Cosine of a unit vector with row `offset` of a row-major matrix; 0 for a zero row. */
function cosineWithUnit(unit: Float32Array, matrix: Float32Array, offset: number, dimension: number): number {
  let dot = 0;
  let norm = 0;
  for (let index = 0; index < dimension; index++) {
    const value = matrix[offset + index]!;
    dot += unit[index]! * value;
    norm += value * value;
  }
  return norm === 0 ? 0 : dot / Math.sqrt(norm);
}
