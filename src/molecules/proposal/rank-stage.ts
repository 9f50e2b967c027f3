import type { CandidateScorer } from '../candidate-scoring.js';
import { pickDiverse } from '../diversity.js';
import { randomScore } from '../ga/scores.js';
import type { CandidatePool, PoolEntry } from './candidate-pool.js';
import type { SeedDrug } from '../seeds.js';
import type { ProposalRun } from './run-context.js';

export interface RankStageResult {
  /** The returned candidates, best first. */
  picked: PoolEntry[];
  /** Pool molecules that passed the filters. */
  passing: number;
}

/**
 * Filters the pool, ranks it by the combined score (the control: by its random score) and
 * picks the top `n` with at most one molecule per Murcko scaffold until scaffolds run out.
 */
export async function rankCandidates(
  run: ProposalRun,
  input: { pool: CandidatePool; scorer: CandidateScorer; seeds: readonly Pick<SeedDrug, 'id'>[] },
): Promise<RankStageResult> {
  const { pool, scorer } = input;
  const passing: PoolEntry[] = [];
  for (const entry of pool.entries.values()) {
    if (scorer.passesFilters(entry.smiles)) passing.push(entry);
    else if (entry.provenance.source === 'llm') pool.countFilterFailures(entry.smiles);
  }
  const smiles = passing.map((entry) => entry.smiles);
  const values =
    run.guidance === 'bridge'
      ? (await scorer.evaluate(smiles)).map((evaluation) => evaluation?.scores.combined)
      : await randomScore(run.request.seed)(smiles);
  const ranked = rankBy(passing, values);
  const scaffolds = new Map<string, string>();
  const scaffoldOf = (entry: PoolEntry): string => {
    let key = scaffolds.get(entry.smiles);
    if (key === undefined) {
      const described = scorer.profile(entry.smiles);
      key = described.ok ? described.value.scaffold : `invalid:${entry.smiles}`;
      scaffolds.set(entry.smiles, key);
    }
    return key;
  };
  // Guided runs remember lineages too (one candidate per seed first), so that each seed's best
  // analogue is returned rather than several of the one seed the objective happens to favour.
  const lineage = (entry: PoolEntry): string => entry.provenance.seed?.smiles ?? entry.smiles;
  const guided = run.guidance === 'bridge';
  const seedIds = new Set(input.seeds.map((seed) => seed.id));
  const picked = pickDiverse(ranked, {
    count: run.request.n,
    scaffold: scaffoldOf,
    series: guided && run.request.lineageMemory ? lineage : undefined,
    reserved: guided
      ? {
          count: run.request.analogueSlots,
          eligible: (entry) => isSeedAnalogue(entry, seedIds),
          series: lineage,
        }
      : undefined,
  });
  run.signal?.throwIfAborted();
  return { picked, passing: passing.length };
}

/** One edit away from one of the retrieved seeds: a first-generation mutant of the seed itself. */
function isSeedAnalogue(entry: PoolEntry, seedIds: ReadonlySet<string>): boolean {
  const { provenance } = entry;
  return (
    provenance.source === 'genetic-algorithm' &&
    provenance.generation === 1 &&
    provenance.operations.length === 1 &&
    provenance.operation.startsWith('mutation:') &&
    provenance.seed !== null &&
    seedIds.has(provenance.seed.id)
  );
}

/** Best first by `values[i]` (missing or non-finite last), ties by SMILES so that order is stable. */
function rankBy<T extends { smiles: string }>(
  items: readonly T[],
  values: readonly (number | undefined)[],
): T[] {
  const keyed = items.map((item, index) => {
    const score = values[index];
    return { item, score: score !== undefined && Number.isFinite(score) ? score : Number.NEGATIVE_INFINITY };
  });
  keyed.sort(
    (left, right) =>
      (right.score === left.score ? 0 : right.score > left.score ? 1 : -1) ||
      (left.item.smiles < right.item.smiles ? -1 : left.item.smiles > right.item.smiles ? 1 : 0),
  );
  return keyed.map((entry) => entry.item);
}
