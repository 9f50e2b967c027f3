import rdkitPackage, { type MainModule, type Mol } from '@rdkit/rdkit';

// The package is CommonJS whose typings declare an ES default export: under NodeNext the default
// import is the `module.exports` object, which is itself the factory (and also has `.default`).
const initRDKitModule = rdkitPackage as unknown as (options?: unknown) => Promise<MainModule>;

export type RDKitModule = MainModule;
export type RDKitMol = Mol;

let loading: Promise<RDKitModule> | undefined;

/**
 * Loads RDKit MinimalLib (WebAssembly) once per process. Every module that needs chemistry
 * shares this instance: the WASM heap is large and initialisation takes ~0.3 s.
 */
export function loadRDKit(): Promise<RDKitModule> {
  loading ??= initRDKitModule();
  return loading;
}

/**
 * Runs `use` on a parsed molecule and frees it afterwards: RDKit objects live on the WASM heap
 * and leak unless `delete()` is called. Returns `undefined` when RDKit cannot parse `smiles`.
 */
export function withMol<T>(rdkit: RDKitModule, smiles: string, use: (mol: RDKitMol) => T): T | undefined {
  const mol = rdkit.get_mol(smiles);
  if (!mol) return undefined;
  try {
    if (!mol.is_valid()) return undefined;
    return use(mol);
  } finally {
    mol.delete();
  }
}
