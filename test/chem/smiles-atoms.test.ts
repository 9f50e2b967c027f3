import { describe, expect, it } from 'vitest';
import { countSmilesAtoms, hasRingClosure } from '../../src/chem/smiles-atoms.js';

describe('countSmilesAtoms', () => {
  it('counts atoms, optionally without dummies and explicit hydrogens', () => {
    expect(countSmilesAtoms('[1*]C(=O)c1ccccc1', { heavyOnly: true })).toBe(8);
    expect(countSmilesAtoms('[1*]C(=O)c1ccccc1')).toBe(9);
    expect(countSmilesAtoms('[H]OC(Cl)Br', { heavyOnly: true })).toBe(4);
    expect(countSmilesAtoms('C[NH3+].[2H]O[Hg]', { heavyOnly: true })).toBe(4);
    expect(countSmilesAtoms('ClCBr')).toBe(3);
  });
});

describe('hasRingClosure', () => {
  it('sees ring closures outside brackets only', () => {
    expect(hasRingClosure('[13CH3]C')).toBe(false);
    expect(hasRingClosure('C1CC1')).toBe(true);
    expect(hasRingClosure('C%10CC%10')).toBe(true);
  });
});
