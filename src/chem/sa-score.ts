import type { MolecularDescriptors } from './descriptors.js';
import { bitCount, morganBits, onBits, type Fingerprint } from './fingerprint.js';

/**
 * Synthetic accessibility in the manner of Ertl & Schuffenhauer (J. Cheminform. 2009, 1:8):
 * a fragment score (how common the molecule's ECFP4 environments are among molecules that were
 * made) minus a complexity penalty (size, stereocentres, spiro and bridgehead atoms), mapped to
 * 1 (easy) … 10 (hard) with the original's constants. The original's macrocycle term is left
 * out: a ring-size SMARTS match costs a quarter of a molecule's profile inside the GA's loop.
 *
 * No fragment table is shipped: fragment frequencies are counted from a corpus the caller owns,
 * the index's own drugs (`countFragments`), so nothing licensed is copied. The environments are
 * the 2048-bit folded Morgan bits, so collisions merge rare environments with common ones and
 * the score is coarser than the original's hashed, unfolded counts.
 */
export interface FragmentCorpus {
  /** Molecules in which each bit is set. */
  counts: Uint32Array;
  molecules: number;
}

/** A fragment seen in this share of the corpus contributes 0; ten times more common +1, rarer < 0. */
const REFERENCE_FREQUENCY = 0.01;
/** Contribution of a fragment the corpus never shows, and the cap for very common ones. */
const UNSEEN_CONTRIBUTION = -4;
const MAX_CONTRIBUTION = 1.5;
/** sascorer.py's bounds of the raw score, mapped to 10 and 1. */
const RAW_MIN = -4;
const RAW_MAX = 2.5;

export function countFragments(fingerprints: Iterable<Fingerprint>): FragmentCorpus {
  const counts = new Uint32Array(morganBits);
  let molecules = 0;
  for (const fingerprint of fingerprints) {
    molecules += 1;
    for (const bit of onBits(fingerprint)) counts[bit] = (counts[bit] ?? 0) + 1;
  }
  return { counts, molecules };
}

/** The corpus less some of its molecules (a benchmark's hidden drugs must not teach the score). */
export function withoutFragments(corpus: FragmentCorpus, removed: Iterable<Fingerprint>): FragmentCorpus {
  const counts = corpus.counts.slice();
  let molecules = corpus.molecules;
  for (const fingerprint of removed) {
    molecules -= 1;
    for (const bit of onBits(fingerprint)) counts[bit] = Math.max(0, (counts[bit] ?? 0) - 1);
  }
  return { counts, molecules: Math.max(0, molecules) };
}

export interface SaSubject {
  fingerprint: Fingerprint;
  descriptors: Pick<MolecularDescriptors, 'heavyAtoms' | 'stereocenters' | 'spiroAtoms' | 'bridgeheadAtoms'>;
}

/** SA score, 1 (easy to make) … 10 (hard). An empty corpus scores every fragment as unseen. */
export function syntheticAccessibility(subject: SaSubject, corpus: FragmentCorpus): number {
  const bits = onBits(subject.fingerprint);
  const reference = Math.max(1, corpus.molecules) * REFERENCE_FREQUENCY;
  let fragmentSum = 0;
  for (const bit of bits) {
    const count = corpus.counts[bit] ?? 0;
    fragmentSum +=
      count === 0
        ? UNSEEN_CONTRIBUTION
        : Math.min(MAX_CONTRIBUTION, Math.max(UNSEEN_CONTRIBUTION, Math.log10(count / reference)));
  }
  const fragmentScore = bits.length === 0 ? 0 : fragmentSum / bits.length;

  const { heavyAtoms, stereocenters, spiroAtoms, bridgeheadAtoms } = subject.descriptors;
  const complexity =
    heavyAtoms ** 1.005 -
    heavyAtoms +
    Math.log10(stereocenters + 1) +
    Math.log10(spiroAtoms + 1) +
    Math.log10(bridgeheadAtoms + 1);
  // Symmetric molecules set few bits for their size and are easier than their size suggests.
  const onCount = bitCount(subject.fingerprint);
  const symmetry = heavyAtoms > onCount && onCount > 0 ? Math.log(heavyAtoms / onCount) * 0.5 : 0;

  const raw = fragmentScore - complexity + symmetry;
  let score = 11 - ((raw - RAW_MIN + 1) / (RAW_MAX - RAW_MIN)) * 9;
  if (score > 8) score = 8 + Math.log(score + 1 - 9);
  return Math.min(10, Math.max(1, score));
}

/** The fitness term: 1 for SA 1 (easy), 0 for SA 10. */
export function synthesizability(saScore: number): number {
  return (10 - saScore) / 9;
}
