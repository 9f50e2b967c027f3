import { describe, expect, it } from 'vitest';
import { runGeneticAlgorithm } from '../../../src/molecules/ga/genetic-algorithm.js';
import { randomScore } from '../../../src/molecules/ga/scores.js';

const seeds = [
  { id: 'aspirin', smiles: 'CC(=O)Oc1ccccc1C(=O)O' },
  { id: 'paracetamol', smiles: 'CC(=O)Nc1ccc(O)cc1' },
  { id: 'ibuprofen', smiles: 'CC(C)Cc1ccc(C(C)C(=O)O)cc1' },
];

describe('runGeneticAlgorithm: archive, seed copies and early stops', () => {
  it('returns every scored molecule, seeds first, and counts recreated seeds among duplicates', async () => {
    const result = await runGeneticAlgorithm({
      seeds,
      score: randomScore(5),
      seed: 5,
      populationSize: 10,
      generations: 3,
    });
    expect(result.stoppedEarly).toBe(false);
    expect(result.evaluated.slice(0, 3).map((candidate) => candidate.id)).toEqual([
      'seed:aspirin',
      'seed:paracetamol',
      'seed:ibuprofen',
    ]);
    expect(result.evaluated).toHaveLength(result.stats.evaluations);
    expect(new Set(result.evaluated.map((candidate) => candidate.smiles)).size).toBe(result.evaluated.length);
    const generations = result.evaluated.map((candidate) => candidate.generation);
    expect(generations).toEqual([...generations].sort((left, right) => left - right));
    for (const candidate of result.candidates) expect(result.evaluated).toContainEqual(candidate);
    expect(result.stats.seedCopies).toBeLessThanOrEqual(result.stats.duplicates);
  });

  it('stops when shouldStop says so, keeping what it has', async () => {
    let polls = 0;
    const result = await runGeneticAlgorithm({
      seeds,
      score: randomScore(5),
      seed: 5,
      populationSize: 50,
      generations: 50,
      // Polled before generation 1 and every 8 breeding attempts: the third poll, at attempt 16,
      // stops generation 1 long before its 50 children.
      shouldStop: () => (polls += 1) > 2,
    });
    expect(result.stoppedEarly).toBe(true);
    expect(result.stats.generationsCompleted).toBe(1);
    expect(result.history).toHaveLength(2);
    expect(result.evaluated.length).toBeGreaterThan(3);
    expect(result.evaluated.length).toBeLessThanOrEqual(3 + 16);

    const immediately = await runGeneticAlgorithm({
      seeds,
      score: randomScore(5),
      seed: 5,
      populationSize: 10,
      generations: 50,
      shouldStop: () => true,
    });
    expect(immediately.stoppedEarly).toBe(true);
    expect(immediately.stats.generationsCompleted).toBe(0);
    expect(immediately.evaluated).toHaveLength(3);
  });
});
