import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRdkitToolkit, type ChemToolkit } from '../../../src/chem/toolkit.js';
import {
  runGeneticAlgorithm,
  type GeneticAlgorithmResult,
} from '../../../src/molecules/ga/genetic-algorithm.js';
import { createTanimotoScore, randomScore, type ScoreFunction } from '../../../src/molecules/ga/scores.js';

const celecoxib = 'Cc1ccc(-c2cc(C(F)(F)F)nn2-c2ccc(S(N)(=O)=O)cc2)cc1';
// Common drugs that share little with celecoxib (best seed Tanimoto 0.12).
const unrelatedSeeds = [
  { id: 'aspirin', smiles: 'CC(=O)Oc1ccccc1C(=O)O' },
  { id: 'caffeine', smiles: 'Cn1c(=O)c2c(ncn2C)n(C)c1=O' },
  { id: 'ibuprofen', smiles: 'CC(C)Cc1ccc(C(C)C(=O)O)cc1' },
  { id: 'paracetamol', smiles: 'CC(=O)Nc1ccc(O)cc1' },
  { id: 'metformin', smiles: 'CN(C)C(=N)NC(=N)N' },
];

let toolkit: ChemToolkit;
let towardsCelecoxib: ScoreFunction;
beforeAll(async () => {
  toolkit = await createRdkitToolkit();
  towardsCelecoxib = createTanimotoScore(toolkit, [celecoxib]);
});
afterAll(() => toolkit.dispose());

const withoutTime = (result: GeneticAlgorithmResult) => ({
  ...result,
  stats: { ...result.stats, timeMs: 0 },
  history: result.history.map((summary) => ({ ...summary, stats: { ...summary.stats, timeMs: 0 } })),
});

describe('runGeneticAlgorithm', () => {
  it('is deterministic for a seed', async () => {
    const run = (seed: number) =>
      runGeneticAlgorithm({
        seeds: unrelatedSeeds,
        score: towardsCelecoxib,
        seed,
        populationSize: 16,
        generations: 3,
      });
    const first = await run(7);
    const second = await run(7);
    expect(withoutTime(second)).toEqual(withoutTime(first));
    const other = await run(8);
    expect(other.candidates.map((c) => c.smiles)).not.toEqual(first.candidates.map((c) => c.smiles));
  });

  it('optimises: beats its seeds and the same GA driven by random scores', async () => {
    const settings = { seeds: unrelatedSeeds, seed: 1, populationSize: 40, generations: 10 };
    const guided = await runGeneticAlgorithm({ ...settings, score: towardsCelecoxib });
    const unguided = await runGeneticAlgorithm({ ...settings, score: randomScore(1) });
    const seedBest = guided.history[0]!.bestScore;
    const unguidedBest = Math.max(
      ...(await towardsCelecoxib(unguided.candidates.map((candidate) => candidate.smiles))),
    );
    expect(seedBest).toBeCloseTo(0.121, 3);
    expect(guided.best.score).toBeGreaterThan(seedBest + 0.15);
    expect(guided.best.score).toBeGreaterThan(unguidedBest + 0.1);
    // Elitism: the best score never drops from one generation to the next.
    const bests = guided.history.map((summary) => summary.bestScore);
    for (let i = 1; i < bests.length; i += 1) expect(bests[i]).toBeGreaterThanOrEqual(bests[i - 1]!);
  });

  it('exploits first: every seed has a mutant in an exploit generation, none without it', async () => {
    // Celecoxib's Tanimoto ranks aspirin and ibuprofen far above metformin, so tournaments
    // rarely breed from metformin; an exploit generation mutates each seed in turn instead.
    const settings = {
      seeds: unrelatedSeeds,
      score: towardsCelecoxib,
      seed: 5,
      populationSize: 5,
      generations: 1,
    };
    const exploit = await runGeneticAlgorithm({ ...settings, exploitGenerations: 1 });
    const parentsOf = (result: GeneticAlgorithmResult) =>
      new Set(result.evaluated.filter((c) => c.generation === 1).flatMap((c) => c.parents));
    expect([...parentsOf(exploit)].sort()).toEqual(unrelatedSeeds.map((seed) => `seed:${seed.id}`).sort());
    for (const child of exploit.evaluated.filter((c) => c.generation === 1)) {
      expect(child.operations).toHaveLength(1);
      expect(child.operations[0]).not.toBe('crossover');
    }
    // analoguesPerMember breeds that many one-edit analogues of each member in an exploit generation.
    const three = await runGeneticAlgorithm({ ...settings, exploitGenerations: 1, analoguesPerMember: 3 });
    const firstGeneration = three.evaluated.filter((c) => c.generation === 1);
    expect(firstGeneration.length).toBeGreaterThan(unrelatedSeeds.length);
    expect(firstGeneration.length).toBeLessThanOrEqual(3 * unrelatedSeeds.length);
    expect(firstGeneration.every((c) => c.operations.length === 1 && c.parents.length === 1)).toBe(true);
    const explore = await runGeneticAlgorithm(settings);
    expect(explore.evaluated.some((c) => c.generation === 1 && c.operations.includes('crossover'))).toBe(
      true,
    );
  });

  it('keeps candidates unique, canonical and traceable to their seeds', async () => {
    const result = await runGeneticAlgorithm({
      seeds: unrelatedSeeds,
      score: towardsCelecoxib,
      seed: 3,
      populationSize: 20,
      generations: 4,
    });
    const smiles = result.candidates.map((candidate) => candidate.smiles);
    expect(new Set(smiles).size).toBe(smiles.length);
    for (const candidate of result.candidates) {
      const canonical = toolkit.canonicalize(candidate.smiles);
      expect(canonical.ok && canonical.value).toBe(candidate.smiles);
      expect(unrelatedSeeds.map((seed) => seed.id)).toContain(candidate.seedId);
      if (candidate.operation === 'seed') {
        expect(candidate.parents).toEqual([]);
        continue;
      }
      expect(candidate.generation).toBeGreaterThan(0);
      expect(candidate.parents.length).toBe(candidate.operations[0] === 'crossover' ? 2 : 1);
      expect(candidate.parentSmiles).toHaveLength(candidate.parents.length);
      expect(candidate.operation).toBe(candidate.operations[candidate.operations.length - 1]);
      expect(candidate.operation).toMatch(/^(crossover|mutation:[a-z-]+)$/);
    }
    const scores = result.candidates.map((candidate) => candidate.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(result.best).toBe(result.candidates[0]);
  });

  it('accounts for every product', async () => {
    const progress: number[] = [];
    const result = await runGeneticAlgorithm({
      seeds: unrelatedSeeds,
      score: randomScore(5),
      seed: 5,
      populationSize: 20,
      generations: 3,
      onProgress: (summary) => progress.push(summary.generation),
    });
    const { stats } = result;
    expect(progress).toEqual([0, 1, 2, 3]);
    expect(stats.generated).toBe(stats.valid + stats.invalid);
    expect(Object.values(stats.invalidReasons).reduce((a, b) => a + b, 0)).toBe(stats.invalid);
    expect(stats.unique + stats.duplicates + stats.filtered).toBeLessThanOrEqual(stats.valid);
    expect(stats.evaluations).toBe(unrelatedSeeds.length + stats.unique);
    expect(stats.unique).toBe(60);
    expect(stats.generationsCompleted).toBe(3);
    expect(stats.timeMs).toBeGreaterThan(0);
  });

  it('honours the filter and the size limit', async () => {
    const result = await runGeneticAlgorithm({
      seeds: unrelatedSeeds,
      score: towardsCelecoxib,
      seed: 2,
      populationSize: 20,
      generations: 3,
      maxHeavyAtoms: 16,
      filter: (smiles) => !smiles.includes('S'),
    });
    expect(result.stats.filtered).toBeGreaterThan(0);
    for (const candidate of result.candidates.filter((c) => c.operation !== 'seed')) {
      expect(candidate.smiles).not.toContain('S');
      const descriptors = toolkit.descriptors(candidate.smiles);
      expect(descriptors.ok && descriptors.value.heavyAtoms).toBeLessThanOrEqual(16);
    }
  });

  it('strips salts from seeds, drops duplicates and reports unusable ones', async () => {
    const result = await runGeneticAlgorithm({
      seeds: [
        { id: 'salt', smiles: 'CC(=O)Oc1ccccc1C(=O)[O-].[Na+]' },
        { id: 'same', smiles: 'CC(=O)Oc1ccccc1C(=O)[O-]' },
        { id: 'broken', smiles: 'C1CC' },
      ],
      score: randomScore(1),
      seed: 1,
      populationSize: 5,
      generations: 0,
    });
    expect(result.candidates.map((candidate) => candidate.id)).toEqual(['seed:salt']);
    expect(result.candidates[0]!.smiles).toBe('CC(=O)Oc1ccccc1C(=O)[O-]');
    expect(result.rejectedSeeds).toEqual([
      { id: 'broken', smiles: 'C1CC', reason: 'RDKit cannot parse the SMILES' },
    ]);
  });

  it('fails clearly without usable seeds, on bad settings and on a broken score function', async () => {
    await expect(
      runGeneticAlgorithm({ seeds: [{ id: 'x', smiles: 'C(' }], score: randomScore(1), seed: 1 }),
    ).rejects.toMatchObject({
      code: 'UNPROCESSABLE',
      message: 'no usable seed molecule among 1: x (RDKit cannot parse the SMILES)',
    });
    await expect(
      runGeneticAlgorithm({ seeds: unrelatedSeeds, score: randomScore(1), seed: 1, crossoverRate: 2 }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(
      runGeneticAlgorithm({ seeds: unrelatedSeeds, score: async () => [1], seed: 1 }),
    ).rejects.toThrow('score function returned 1 values for 5 molecules');
  });

  it('stops when aborted', async () => {
    const controller = new AbortController();
    const run = runGeneticAlgorithm({
      seeds: unrelatedSeeds,
      score: randomScore(1),
      seed: 1,
      populationSize: 10,
      generations: 50,
      signal: controller.signal,
      onProgress: (summary) => {
        if (summary.generation === 2) controller.abort(new Error('client went away'));
      },
    });
    await expect(run).rejects.toThrow('client went away');
  });
});

describe('scores', () => {
  it('randomScore depends on the molecule and seed only', async () => {
    const score = randomScore(4);
    const [a, b] = await score(['CCO', 'CCN']);
    expect(await score(['CCN', 'CCO'])).toEqual([b, a]);
    expect(await randomScore(5)(['CCO'])).not.toEqual([a]);
    expect(a).toBeGreaterThanOrEqual(0);
    expect(a).toBeLessThan(1);
  });

  it('createTanimotoScore takes the best target and scores invalid SMILES 0', async () => {
    const score = createTanimotoScore(toolkit, ['CC(=O)Oc1ccccc1C(=O)O', 'CCO']);
    const [aspirin, ethanol, invalid] = await score(['CC(=O)Oc1ccccc1C(=O)O', 'OCC', 'C(']);
    expect(aspirin).toBe(1);
    expect(ethanol).toBe(1);
    expect(invalid).toBe(0);
    expect(() => createTanimotoScore(toolkit, ['C('])).toThrow(/targets: invalid SMILES/);
  });
});
