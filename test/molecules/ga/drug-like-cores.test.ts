import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateFilters, filterOptionsSchema } from '../../../src/chem/filters.js';
import { createRdkitToolkit, type ChemToolkit } from '../../../src/chem/toolkit.js';
import { runGeneticAlgorithm } from '../../../src/molecules/ga/genetic-algorithm.js';
import { randomScore } from '../../../src/molecules/ga/scores.js';

// ATP fails Lipinski and Veber (HBA, HBD, TPSA) and carries phosphate alerts, as does every
// one-edit analogue of it; ibuprofen passes every default filter.
const atp = 'Nc1ncnc2c1ncn2C1OC(COP(=O)(O)OP(=O)(O)OP(=O)(O)O)C(O)C1O';
const ibuprofen = 'CC(C)Cc1ccc(C(C)C(=O)O)cc1';

let toolkit: ChemToolkit;
let passesDefaults: (smiles: string) => boolean;
beforeAll(async () => {
  toolkit = await createRdkitToolkit();
  const filters = filterOptionsSchema.parse({});
  passesDefaults = (smiles) => {
    const profile = toolkit.profile(smiles);
    if (!profile.ok) return false;
    const { descriptors, qed, alerts } = profile.value;
    return evaluateFilters({ descriptors, qed: qed.qed, alerts }, filters).passed;
  };
});
afterAll(() => toolkit.dispose());

const run = (coresPerSeed: number) =>
  runGeneticAlgorithm({
    seeds: [
      { id: 'atp', smiles: atp },
      { id: 'ibuprofen', smiles: ibuprofen },
    ],
    score: randomScore(3),
    seed: 3,
    populationSize: 8,
    generations: 1,
    exploitGenerations: 1,
    filter: passesDefaults,
    coresPerSeed,
  });

describe('drug-like cores of seeds that fail the filters', () => {
  it('cuts pieces of the failing seed that pass the filters, and none of a passing seed', async () => {
    expect(passesDefaults(atp)).toBe(false);
    expect(passesDefaults(ibuprofen)).toBe(true);
    const result = await run(3);
    const cores = result.evaluated.filter((candidate) => candidate.operation === 'core');
    expect(cores.length).toBeGreaterThan(0);
    expect(cores.length).toBeLessThanOrEqual(3);
    for (const core of cores) {
      expect(core.seedId).toBe('atp');
      expect(core.generation).toBe(1);
      expect(core.parents).toEqual(['seed:atp']);
      // Every core passes the filters and is a substructure of ATP (a piece cut out of it).
      expect(passesDefaults(core.smiles)).toBe(true);
      const match = toolkit.matchSubstructure(atp, core.smiles);
      expect(match.ok && match.value.length > 0).toBe(true);
    }
    // Largest first: the adenine nucleoside is kept whole (adenosine, 19 heavy atoms, passes).
    const canonicalAdenosine = toolkit.canonicalize('Nc1ncnc2c1ncn2C1OC(CO)C(O)C1O');
    expect(canonicalAdenosine.ok).toBe(true);
    if (canonicalAdenosine.ok) expect(cores.map((core) => core.smiles)).toContain(canonicalAdenosine.value);
  });

  it('is off by default, and off leaves the run as it was', async () => {
    const off = await run(0);
    expect(off.evaluated.some((candidate) => candidate.operation === 'core')).toBe(false);
    const on = await run(2);
    const withoutCores = on.evaluated.filter((candidate) => candidate.operation !== 'core');
    // The mutants of generation 1 are the same molecules; only the cores are added.
    expect(withoutCores.map((candidate) => candidate.smiles)).toEqual(
      off.evaluated.map((candidate) => candidate.smiles),
    );
  });
});
