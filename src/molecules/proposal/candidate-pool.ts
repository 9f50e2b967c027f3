import type { CandidateScorer } from '../candidate-scoring.js';
import type { InvalidCandidateOutput, Provenance } from '../proposal-schema.js';

export interface PoolEntry {
  smiles: string;
  provenance: Provenance;
}

/**
 * Every distinct valid molecule a run produced (LLM proposals first, then the GA's offspring),
 * with the counts the response reports: invalid echoes and reasons, duplicates, filter failures.
 */
export interface CandidatePool {
  readonly entries: Map<string, PoolEntry>;
  readonly invalidEchoes: InvalidCandidateOutput[];
  readonly invalidReasons: Record<string, number>;
  readonly filterFailures: Record<string, number>;
  readonly counts: {
    llmGenerated: number;
    llmValid: number;
    llmInvalid: number;
    duplicates: number;
    seedCopies: number;
  };
  /** Adds a new molecule; false (and counted) when it is a seed copy or already in the pool. */
  add(entry: PoolEntry, options?: { isSeed?: boolean }): boolean;
  /** Counts an invalid proposal and echoes it while fewer than the cap are echoed. */
  reject(echo: Omit<InvalidCandidateOutput, 'valid' | 'svg' | 'scores'>): void;
  /** Counts each filter (by name) and hard constraint (by request field) a molecule fails. */
  countFilterFailures(smiles: string): void;
}

export function createCandidatePool(scorer: CandidateScorer, maxInvalidEchoed: number): CandidatePool {
  const entries = new Map<string, PoolEntry>();
  const invalidEchoes: InvalidCandidateOutput[] = [];
  const invalidReasons: Record<string, number> = {};
  const filterFailures: Record<string, number> = {};
  const counts = { llmGenerated: 0, llmValid: 0, llmInvalid: 0, duplicates: 0, seedCopies: 0 };
  return {
    entries,
    invalidEchoes,
    invalidReasons,
    filterFailures,
    counts,
    add(entry, options = {}) {
      if (options.isSeed === true) {
        counts.seedCopies += 1;
        counts.duplicates += 1;
        return false;
      }
      if (entries.has(entry.smiles)) {
        counts.duplicates += 1;
        return false;
      }
      entries.set(entry.smiles, entry);
      return true;
    },
    reject(echo) {
      invalidReasons[echo.reasonCode] = (invalidReasons[echo.reasonCode] ?? 0) + 1;
      if (invalidEchoes.length < maxInvalidEchoed)
        invalidEchoes.push({ ...echo, valid: false, svg: null, scores: null });
    },
    countFilterFailures(smiles) {
      const described = scorer.profile(smiles);
      if (!described.ok) return;
      for (const check of described.value.filter.checks)
        if (!check.passed) filterFailures[check.filter] = (filterFailures[check.filter] ?? 0) + 1;
      for (const check of described.value.structural)
        if (!check.met) filterFailures[check.constraint] = (filterFailures[check.constraint] ?? 0) + 1;
    },
  };
}
