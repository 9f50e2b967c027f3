import { describe, expect, it } from 'vitest';
import { loadRDKit } from '../../src/chem/rdkit.js';
import { UNIQUE_SMILES_VARIANTS, uniqueSmiles } from '../../eval/bench/load.js';

/** RDKit's WebAssembly start plus ~200 parses, on a machine other jobs keep busy. */
const RDKIT_TIMEOUT_MS = 90_000;

describe("the load test's new molecules (uniqueSmiles)", () => {
  it('are distinct strings across the variants and past them, so no query cache ever hits', () => {
    const count = 3 * UNIQUE_SMILES_VARIANTS;
    const seen = new Set<string>();
    for (let n = 0; n < count; n++) seen.add(uniqueSmiles(n));
    expect(seen.size).toBe(count);
  });

  it(
    'parse, and stay drug-sized across a run (12–40 heavy atoms), unlike an ever longer chain',
    async () => {
      const rdkit = await loadRDKit();
      const sizes: number[] = [];
      for (let n = 0; n < 2 * UNIQUE_SMILES_VARIANTS; n += 197) {
        const molecule = rdkit.get_mol(uniqueSmiles(n));
        expect(molecule?.is_valid(), uniqueSmiles(n)).toBe(true);
        sizes.push((JSON.parse(molecule!.get_descriptors()) as { NumHeavyAtoms: number }).NumHeavyAtoms);
        molecule!.delete();
      }
      expect(Math.min(...sizes)).toBeGreaterThanOrEqual(12);
      expect(Math.max(...sizes)).toBeLessThanOrEqual(40);
    },
    RDKIT_TIMEOUT_MS,
  );
});
