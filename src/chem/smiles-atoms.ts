/**
 * RDKit MinimalLib (2026.09 WASM) traps with "memory access out of bounds" on molecules of
 * roughly 600 atoms and more (a 650-carbon chain fails in get_smiles, 100 benzene rings in
 * get_descriptors), and every later call on the module then fails too. Inputs are therefore
 * counted before RDKit sees them; 250 atoms leaves a wide margin and covers drug-like and
 * peptide-sized molecules.
 */
export const maxSupportedAtoms = 250;

/** Longest SMARTS accepted from callers. */
export const maxSmartsLength = 1000;

const atomToken = /\[[^\]]*\]|Br|Cl|[BCNOPSFIbcnops*]/g;

/**
 * Atoms written in a SMILES, without parsing it: bracket atoms, organic-subset symbols and `*`.
 * With `heavyOnly`, dummies (`*`, `[1*]`) and explicit hydrogens (`[H]`, `[2H]`) are left out.
 */
export function countSmilesAtoms(smiles: string, options: { heavyOnly?: boolean } = {}): number {
  let count = 0;
  for (const token of smiles.match(atomToken) ?? []) {
    if (options.heavyOnly && (token.includes('*') || /^\[\d*H[^a-z]*\]$/.test(token))) continue;
    count += 1;
  }
  return count;
}

/** Ring-closure digits only appear outside brackets, so any left after removing brackets mean a ring. */
export function hasRingClosure(smiles: string): boolean {
  return /[0-9%]/.test(smiles.replace(/\[[^\]]*\]/g, ''));
}
