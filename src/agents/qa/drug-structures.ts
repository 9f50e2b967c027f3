import type { LigandFingerprints } from '../../retrieval/ligand-fingerprints.js';
import { createLruCache } from '../../util/lru-cache.js';

/**
 * Structural similarity between KG drugs (mean Tanimoto over the index's five ligand
 * fingerprints, `ligands/`): the QA evidence model's "drugs like this one treat the disease"
 * (`structureNear` in `pair-evidence.ts`). Fingerprints are molecule structure only, never KG
 * edges, so the ablation cannot leak through them. One drug's similarities to every fingerprinted
 * drug are computed at once (~5,000 members, about a millisecond) and kept for the
 * {@link CACHED_DRUGS} most recent drugs: a multiple-choice question reads each option once per
 * subject.
 */
export interface DrugStructures {
  /** Mean Tanimoto of the two drugs, in [0, 1]; undefined when either has no fingerprint. */
  similarity(drug: number, other: number): number | undefined;
}

const CACHED_DRUGS = 64;

export function drugStructuresFrom(ligands: LigandFingerprints): DrugStructures {
  const cache = createLruCache<number, Float32Array | undefined>(CACHED_DRUGS);
  const similaritiesOf = (drug: number) =>
    cache.getOrCompute(drug, () => {
      const row = ligands.rowOf(drug);
      if (row === undefined) return undefined;
      return ligands.library.similarities(ligands.fingerprint(row), new Float32Array(ligands.library.size));
    });
  return {
    similarity(drug, other) {
      const row = ligands.rowOf(other);
      if (row === undefined) return undefined;
      return similaritiesOf(drug)?.[row];
    },
  };
}
