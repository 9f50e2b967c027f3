import { err, ok, type Result } from '../errors.js';
import type { ChemToolkit } from '../chem/toolkit.js';

/** Why a proposed string is not a usable molecule; the keys of `stats.invalidReasons` for LLM output. */
export type CandidateRejection = 'invalid-smiles' | 'unsupported-molecule' | 'dummy-atoms' | 'no-smiles';

export interface ValidCandidate {
  /** Canonical SMILES of the largest fragment. */
  smiles: string;
  input: string;
  /** Fragments dropped (salts, solvents); 0 for a single molecule. */
  fragmentsRemoved: number;
}

export interface InvalidCandidate {
  code: CandidateRejection;
  /** In words, with RDKit's reason where it gave one. */
  reason: string;
}

/**
 * Parses, sanitises and canonicalises one proposed SMILES with RDKit. Salts and mixtures are
 * reduced to their largest fragment, as for seeds; attachment points (`*`) are refused.
 */
export function validateCandidate(
  toolkit: Pick<ChemToolkit, 'parse'>,
  input: string,
): Result<ValidCandidate, InvalidCandidate> {
  const trimmed = input.trim();
  const parsed = toolkit.parse(trimmed);
  if (!parsed.ok)
    return err({
      code: parsed.error.code === 'UNSUPPORTED_MOLECULE' ? 'unsupported-molecule' : 'invalid-smiles',
      reason: parsed.error.message,
    });
  const { largestFragment, fragmentCount, heavyAtoms } = parsed.value;
  if (heavyAtoms === 0) return err({ code: 'unsupported-molecule', reason: 'has no heavy atoms' });
  if (largestFragment.includes('*'))
    return err({ code: 'dummy-atoms', reason: 'contains attachment points (*), not a whole molecule' });
  return ok({ smiles: largestFragment, input, fragmentsRemoved: fragmentCount - 1 });
}
