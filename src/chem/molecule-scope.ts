import { AsyncLocalStorage } from 'node:async_hooks';
import type { RDKitModule, RDKitMol } from './rdkit.js';

/**
 * One RDKit parse per SMILES per request. A new SMILES in `/v1/retrieve` is read by three
 * independent consumers (the structure index's canonical form, the Morgan encoder, the ligand
 * fingerprints), each behind its own cache; each used to parse it again. Inside
 * `withMoleculeScope`, `holdMolecule` parses a SMILES on first use and lends that molecule to
 * later holders; the scope deletes every molecule it parsed exactly once, when its work settles.
 * The scope travels with the async context (AsyncLocalStorage) rather than as a parameter, so the
 * consumers' interfaces (Encoder in particular) stay as they are. Outside a scope, or after it
 * ended (work it started may outlive it), each holder parses and deletes its own molecule.
 */
export interface HeldMolecule {
  readonly mol: RDKitMol;
  /** Deletes the molecule unless the scope owns it; call exactly once. */
  release(): void;
}

interface MoleculeScope {
  /** Valid molecules parsed in this scope, by the exact string given to `get_mol`. */
  molecules: Map<string, { rdkit: RDKitModule; mol: RDKitMol }>;
  ended: boolean;
}

const scopes = new AsyncLocalStorage<MoleculeScope>();
/** Results computed on a scope's molecules (`memoize`), dropped with the molecule. */
const memos = new WeakMap<RDKitMol, Map<string, unknown>>();

/** Parses of this process, counted for tests (a shared molecule must be parsed once). */
let parses = 0;
export const moleculeParseCount = (): number => parses;

/** Runs `work` in a fresh scope; the molecules parsed in it are deleted once it settles. */
export async function withMoleculeScope<T>(work: () => Promise<T>): Promise<T> {
  const scope: MoleculeScope = { molecules: new Map(), ended: false };
  try {
    return await scopes.run(scope, work);
  } finally {
    scope.ended = true;
    for (const { mol } of scope.molecules.values()) {
      memos.delete(mol);
      mol.delete();
    }
    scope.molecules.clear();
  }
}

/**
 * RDKit's valid parse of `smiles` (`get_mol`, then `is_valid`), or undefined when it fails; the
 * failure is never remembered, so RDKit's error log holds its reason right after this call.
 */
export function holdMolecule(rdkit: RDKitModule, smiles: string): HeldMolecule | undefined {
  const scope = scopes.getStore();
  const shared = scope && !scope.ended ? scope.molecules.get(smiles) : undefined;
  if (shared && shared.rdkit === rdkit) return { mol: shared.mol, release: () => undefined };
  parses++;
  const mol = rdkit.get_mol(smiles);
  if (!mol) return undefined;
  if (!mol.is_valid()) {
    mol.delete();
    return undefined;
  }
  if (scope && !scope.ended && !shared) {
    scope.molecules.set(smiles, { rdkit, mol });
    memos.set(mol, new Map());
    return { mol, release: () => undefined };
  }
  return { mol, release: () => mol.delete() };
}

/**
 * `compute()`, remembered under `key` while `mol` is a scope's molecule, so two consumers asking
 * for the same fingerprint of one request's molecule compute it once. Results are shared: callers
 * must not modify them. Outside a scope it simply computes.
 */
export function memoize<T>(mol: RDKitMol, key: string, compute: () => T): T {
  const memo = memos.get(mol);
  if (!memo) return compute();
  if (!memo.has(key)) memo.set(key, compute());
  return memo.get(key) as T;
}

/**
 * RDKit's count-simulated Morgan fingerprint (4 bits per folded slot), as a byte array. The same
 * call serves the Morgan encoder and the ligand fingerprint's first part, so a request computes it
 * once.
 */
export function morganCountSimulationBits(
  mol: RDKitMol,
  options: { radius: number; nBits: number; useChirality: boolean },
): Uint8Array {
  const details = JSON.stringify({
    radius: options.radius,
    nBits: options.nBits,
    useChirality: options.useChirality,
    useCountSimulation: true,
  });
  return memoize(mol, `morgan ${details}`, () => mol.get_morgan_fp_as_uint8array(details) as Uint8Array);
}
