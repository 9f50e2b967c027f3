import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tanimoto, type Fingerprint } from '../../src/chem/fingerprint.js';
import { consensusWeights } from '../../src/molecules/anchor-similarity.js';
import { buildMoleculeWorld, type MoleculeWorld } from './molecule-world.js';

let world: MoleculeWorld;
beforeAll(async () => {
  world = await buildMoleculeWorld('fake');
});
afterAll(() => world?.toolkit.dispose());

const fingerprintOf = (smiles: string): Fingerprint => {
  const fingerprint = world.toolkit.fingerprint(smiles);
  if (!fingerprint.ok) throw new Error(`RDKit rejected ${smiles}`);
  return fingerprint.value;
};

describe('consensusWeights', () => {
  const imatinib = 'Cc1ccc(NC(=O)c2ccc(CN3CCN(C)CC3)cc2)cc1Nc1nccc(-c2cccnc2)n1';
  const nilotinib = 'Cc1cn(-c2cc(NC(=O)c3ccc(C)c(Nc4nccc(-c5cccnc5)n4)c3)cc(C(F)(F)F)c2)cn1';
  const desmethyl = 'Cc1ccc(NC(=O)c2ccc(CN3CCNCC3)cc2)cc1Nc1nccc(-c2cccnc2)n1';
  const caffeine = 'Cn1c(=O)c2c(ncn2C)n(C)c1=O';

  it('gives the most central anchor 1 and the outlier 1 − decay, in consensus order', () => {
    const fingerprints = [caffeine, imatinib, nilotinib, desmethyl].map(fingerprintOf);
    const weights = consensusWeights(fingerprints, 0.6);
    // Imatinib is closest on average to the others (its desmethyl analogue and nilotinib).
    expect(weights[1]).toBe(1);
    expect(weights[0]).toBeCloseTo(0.4, 10);
    const consensus = fingerprints.map(
      (fingerprint, index) =>
        fingerprints.reduce(
          (sum, other, otherIndex) => sum + (otherIndex === index ? 0 : tanimoto(fingerprint, other)),
          0,
        ) / 3,
    );
    const byConsensus = [0, 1, 2, 3].sort((left, right) => consensus[right]! - consensus[left]!);
    expect(byConsensus.map((index) => weights[index])).toEqual(
      [1, 1 - 0.2, 1 - 0.4, 1 - 0.6].map((value) => expect.closeTo(value, 10)),
    );
  });

  it('weights every anchor 1 with no decay, and an anchor without a fingerprint lowest', () => {
    const fingerprints = [imatinib, nilotinib].map(fingerprintOf);
    expect(consensusWeights(fingerprints, 0)).toEqual([1, 1]);
    expect(consensusWeights([fingerprints[0], undefined, fingerprints[1]], 0.5)).toEqual([1, 0.5, 0.75]);
  });
});

describe('binderSimilarity with weighted anchors', () => {
  it('is the highest consensus weight × Tanimoto over the seeds and near-protein binders', async () => {
    const response = await world.proposer().propose({
      target: { gene: 'ABL1' },
      // The target's own binders would be anchors of weight 1; hiding them leaves only weighted ones.
      excludeDrugs: ['DB00619', 'DB04868', 'DB01254'],
      seedCount: 4,
      generations: 2,
      population: 8,
      anchorDecay: 0.8,
      n: 5,
      filters: {},
    });
    const anchors = [
      ...response.seeds.map((seed) => seed.smiles),
      ...response.referenceBinders.map((binder) => binder.smiles),
    ];
    const anchorPrints = anchors.map(fingerprintOf);
    const weights = consensusWeights(anchorPrints, 0.8);
    expect(new Set(weights).size).toBeGreaterThan(1);
    const valid = response.candidates.filter((candidate) => candidate.valid);
    expect(valid.length).toBeGreaterThan(0);
    for (const candidate of valid) {
      const fingerprint = fingerprintOf(candidate.smiles);
      const expected = Math.max(
        ...anchorPrints.map((anchor, index) => weights[index]! * tanimoto(fingerprint, anchor)),
      );
      expect(candidate.scores.binderSimilarity).toBeCloseTo(expected, 10);
    }
  });
});
