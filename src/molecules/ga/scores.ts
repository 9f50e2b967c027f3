import { chemErrorToAppError } from '../../chem/chem-error.js';
import type { ChemToolkit } from '../../chem/toolkit.js';
import { createFingerprintLibrary, type Fingerprint } from '../../chem/fingerprint.js';
import { createRandom, hashString } from './random.js';

/** The GA's fitness: higher is better, one value per SMILES, in order. */
export type ScoreFunction = (smiles: string[]) => Promise<number[]>;

/**
 * The unguided control: a uniform score in [0, 1) that depends only on the molecule and the
 * seed, not on call order, so that a control run is as reproducible as a guided one.
 */
export function randomScore(seed: number): ScoreFunction {
  return async (smiles) => smiles.map((molecule) => createRandom(hashString(molecule, seed >>> 0)).next());
}

/**
 * Highest Morgan Tanimoto similarity to any of `targets`: a stand-in objective for tests and
 * benchmarks (rediscover a hidden molecule), and the shape a similarity constraint would take.
 * Unparsable SMILES score 0.
 */
export function createTanimotoScore(
  toolkit: Pick<ChemToolkit, 'fingerprint'>,
  targets: readonly string[],
): ScoreFunction {
  const fingerprints: Fingerprint[] = targets.map((target) => {
    const fingerprint = toolkit.fingerprint(target);
    if (!fingerprint.ok) throw chemErrorToAppError(fingerprint.error, 'targets');
    return fingerprint.value;
  });
  const library = createFingerprintLibrary(fingerprints);
  return async (smiles) =>
    smiles.map((molecule) => {
      const fingerprint = toolkit.fingerprint(molecule);
      return fingerprint.ok ? library.nearest(fingerprint.value).similarity : 0;
    });
}
