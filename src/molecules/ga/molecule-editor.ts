import { AppError, err, ok, type Result } from '../../errors.js';
import { rdkitErrorLog } from '../../chem/rdkit-log.js';
import { countSmilesAtoms, hasRingClosure, maxSupportedAtoms } from '../../chem/smiles-atoms.js';
import type { RDKitModule, RDKitMol } from '../../chem/rdkit.js';
import {
  cutReaction,
  defaultForbiddenSmarts,
  defaultMutationWeights,
  mutationKinds,
  mutationReactions,
  substituentLibrary,
  type GeneticOperation,
  type MutationKind,
  type ReactionMutationKind,
} from './operators.js';
import type { Random } from './random.js';

/** One edit: the raw product (not yet sanitised), or `null` when RDKit could not even write it. */
export interface EditResult {
  operation: GeneticOperation;
  product: string | null;
  /** Crossover only: heavy atoms taken from the first and the second parent. */
  contributions?: [number, number];
}

/** `too-large`: more atoms than RDKit MinimalLib handles safely (see smiles-atoms.ts). */
export type RejectionReason = 'invalid' | 'too-large' | 'disconnected' | 'radical' | 'unreasonable';

export interface SanitizedMolecule {
  smiles: string;
  heavyAtoms: number;
}

export interface MoleculeEditor {
  /** A random applicable mutation; `undefined` when no kind has a site in the molecule. */
  mutate(
    smiles: string,
    random: Random,
    weights?: Readonly<Record<MutationKind, number>>,
  ): EditResult | undefined;
  /** Joins a fragment of each parent, cut at acyclic single bonds; `undefined` when one has no such bond. */
  crossover(first: string, second: string, random: Random): EditResult | undefined;
  /**
   * Both sides of every acyclic single-bond cut of a molecule, each capped with a hydrogen (raw
   * products, to sanitise): the molecule with one side chain or ring system taken off.
   */
  trims(smiles: string): string[];
  /** Sanitises and canonicalises a product, refusing fragments, radicals and forbidden motifs. */
  sanitize(product: string): Result<SanitizedMolecule, RejectionReason>;
  dispose(): void;
}

export interface MoleculeEditorOptions {
  forbiddenSmarts?: readonly string[];
  /** How many parents' bond cuts to remember; parents recur across generations. */
  cutCacheSize?: number;
  /** Largest side chain `replace-fragment` swaps out (heavy atoms). */
  maxReplacedFragment?: number;
}

interface Cut {
  /** The side with more heavy atoms, capped with `[1*]`. */
  large: string;
  small: string;
  largeHeavy: number;
  smallHeavy: number;
  smallHasRing: boolean;
}

/** RDKit products enumerate every match; beyond this many a site is chosen among the first. */
const maxProducts = 500;
const zipDetails = JSON.stringify({ Label: 'Isotope' });

export function createMoleculeEditor(
  rdkit: RDKitModule,
  options: MoleculeEditorOptions = {},
): MoleculeEditor {
  const log = rdkitErrorLog(rdkit);
  const cacheSize = options.cutCacheSize ?? 4096;
  const maxReplaced = options.maxReplacedFragment ?? 6;
  const forbidden = compileForbidden(rdkit, options.forbiddenSmarts ?? defaultForbiddenSmarts);
  const reactions = createReactionRunner(rdkit);
  const runReaction = reactions.run;
  const zip = (first: string, second: string) => zipFragments(rdkit, first, second);
  const cutCache = new Map<string, Cut[]>();

  const withParsed = <T>(smiles: string, use: (mol: RDKitMol) => T): T | undefined => {
    log.clear();
    const mol = rdkit.get_mol(smiles);
    if (!mol) return undefined;
    try {
      return mol.is_valid() ? use(mol) : undefined;
    } finally {
      mol.delete();
    }
  };

  const cutsOf = createCutFinder(withParsed, reactions.run, cacheSize, cutCache);

  const reactionMutation = (
    kind: ReactionMutationKind,
    smiles: string,
    random: Random,
  ): string | null | undefined =>
    withParsed(smiles, (mol) => {
      const rules = shuffled(mutationReactions[kind], random);
      for (const rule of rules) {
        const [products] = runReaction(mol, rule, (count) => random.int(count));
        if (products === undefined) continue;
        return products.length === 1 ? products[0]! : null;
      }
      return undefined;
    });

  const cutMutation = (
    kind: 'remove-ring' | 'replace-fragment',
    smiles: string,
    random: Random,
  ): string | null | undefined => {
    const cuts = cutsOf(smiles);
    if (kind === 'remove-ring') {
      // Keep the larger side and drop a ring-bearing smaller one; on a tie either may go.
      const kept: string[] = [];
      for (const cut of cuts) {
        if (cut.smallHasRing && cut.largeHeavy >= 3) kept.push(cut.large);
        if (cut.largeHeavy === cut.smallHeavy && hasRingClosure(cut.large) && cut.smallHeavy >= 3)
          kept.push(cut.small);
      }
      // The explicit H caps the cut; RDKit folds it back into an implicit hydrogen on reading.
      return kept.length === 0 ? undefined : random.pick(kept).replace('[1*]', '[H]');
    }
    const options = cuts.filter((cut) => cut.smallHeavy <= maxReplaced);
    if (options.length === 0) return undefined;
    return zip(random.pick(options).large, random.pick(substituentLibrary));
  };

  const applyKind = (kind: MutationKind, smiles: string, random: Random): string | null | undefined =>
    kind === 'remove-ring' || kind === 'replace-fragment'
      ? cutMutation(kind, smiles, random)
      : reactionMutation(kind, smiles, random);

  return {
    mutate(smiles, random, weights = defaultMutationWeights) {
      const kinds = mutationKinds.filter((kind) => weights[kind] > 0);
      while (kinds.length > 0) {
        const index = random.weightedIndex(kinds.map((kind) => weights[kind]));
        const kind = kinds[index]!;
        kinds.splice(index, 1);
        const product = applyKind(kind, smiles, random);
        if (product !== undefined) return { operation: `mutation:${kind}`, product };
      }
      return undefined;
    },
    crossover(first, second, random) {
      const cutsFirst = cutsOf(first);
      const cutsSecond = cutsOf(second);
      if (cutsFirst.length === 0 || cutsSecond.length === 0) return undefined;
      const cutFirst = random.pick(cutsFirst);
      const cutSecond = random.pick(cutsSecond);
      const [fragmentFirst, heavyFirst] =
        random.next() < 0.5 ? [cutFirst.large, cutFirst.largeHeavy] : [cutFirst.small, cutFirst.smallHeavy];
      const [fragmentSecond, heavySecond] =
        random.next() < 0.5
          ? [cutSecond.large, cutSecond.largeHeavy]
          : [cutSecond.small, cutSecond.smallHeavy];
      return {
        operation: 'crossover',
        product: zip(fragmentFirst, fragmentSecond),
        contributions: [heavyFirst, heavySecond],
      };
    },
    trims: (smiles) => cutsOf(smiles).flatMap(cappedSides),
    sanitize: (product) => sanitizeProduct(rdkit, log, forbidden, product),
    dispose() {
      reactions.dispose();
      for (const query of forbidden) query.delete();
      forbidden.length = 0;
      cutCache.clear();
    },
  };
}

/** Both sides of a cut, the cut capped with a hydrogen (RDKit folds it into an implicit one). */
function cappedSides(cut: Cut): string[] {
  return [cut.large, cut.small].map((side) => side.replace('[1*]', '[H]'));
}

/** All acyclic single-bond cuts of a molecule, each bond once; the last `cacheSize` are remembered. */
function createCutFinder(
  withParsed: <T>(smiles: string, use: (mol: RDKitMol) => T) => T | undefined,
  runReaction: ReactionRunner['run'],
  cacheSize: number,
  cutCache: Map<string, Cut[]>,
): (smiles: string) => Cut[] {
  return (smiles) => {
    const cached = cutCache.get(smiles);
    if (cached) {
      cutCache.delete(smiles);
      cutCache.set(smiles, cached);
      return cached;
    }
    const cuts =
      withParsed(smiles, (mol) => {
        const found: Cut[] = [];
        const seen = new Set<string>();
        for (const sides of runReaction(mol, cutReaction, () => 'all')) {
          if (sides.length !== 2 || sides[0] == null || sides[1] == null) continue;
          const [a, b] = sides as [string, string];
          const key = a < b ? `${a}>${b}` : `${b}>${a}`;
          if (seen.has(key)) continue;
          seen.add(key);
          const heavyA = countSmilesAtoms(a, { heavyOnly: true });
          const heavyB = countSmilesAtoms(b, { heavyOnly: true });
          const [large, small, largeHeavy, smallHeavy] =
            heavyA >= heavyB ? [a, b, heavyA, heavyB] : [b, a, heavyB, heavyA];
          found.push({ large, small, largeHeavy, smallHeavy, smallHasRing: hasRingClosure(small) });
        }
        return found;
      }) ?? [];
    cutCache.set(smiles, cuts);
    if (cutCache.size > cacheSize) cutCache.delete(cutCache.keys().next().value!);
    return cuts;
  };
}

/** Compiles the forbidden-substructure SMARTS; frees those already compiled if one does not parse. */
function compileForbidden(rdkit: RDKitModule, smartsList: readonly string[]): RDKitMol[] {
  const forbidden: RDKitMol[] = [];
  for (const smarts of smartsList) {
    const query = rdkit.get_qmol(smarts);
    if (!query) {
      for (const compiled of forbidden) compiled.delete();
      throw new AppError({
        code: 'BAD_REQUEST',
        message: `forbidden SMARTS ${smarts} does not parse`,
        details: { smarts },
      });
    }
    forbidden.push(query);
  }
  return forbidden;
}

type ReactionRunner = ReturnType<typeof createReactionRunner>;
type Reaction = NonNullable<ReturnType<RDKitModule['get_rxn']>>;

/** Compiled reactions, cached by SMARTS, and the runner that applies them. */
function createReactionRunner(rdkit: RDKitModule) {
  const reactions = new Map<string, Reaction>();
  const reaction = (smarts: string) => {
    let compiled = reactions.get(smarts);
    if (!compiled) {
      const created = rdkit.get_rxn(smarts);
      if (!created)
        throw new AppError({ code: 'INTERNAL', message: `reaction SMARTS ${smarts} does not parse` });
      compiled = created;
      reactions.set(smarts, compiled);
    }
    return compiled;
  };
  /**
   * Runs a one-reactant reaction and returns the SMILES of the product sets that `keep` selects
   * (writing SMILES is the costly part, so unselected sets are only freed). Each returned list
   * and molecule is a separate WASM handle: deleting only the outer list leaks them all.
   */
  const run = (
    mol: RDKitMol,
    smarts: string,
    keep: (count: number) => number | 'all',
  ): (string | null)[][] => {
    const reactants = new rdkit.MolList();
    reactants.append(mol);
    const products = reaction(smarts).run_reactants(reactants, maxProducts);
    const sets: (string | null)[][] = [];
    try {
      const count = products.size();
      const chosen = count === 0 ? 'all' : keep(count);
      for (let index = 0; index < count; index += 1) {
        const set = products.get(index);
        if (!set) continue;
        const write = chosen === 'all' || chosen === index;
        const smiles: (string | null)[] = [];
        try {
          for (let part = 0; part < set.size(); part += 1) {
            const product = set.at(part);
            if (!product) {
              smiles.push(null);
              continue;
            }
            try {
              if (write) smiles.push(product.get_smiles());
            } catch {
              // An unsanitisable product cannot always be written; it counts as invalid.
              smiles.push(null);
            } finally {
              product.delete();
            }
          }
        } finally {
          set.delete();
        }
        if (write) sets.push(smiles);
      }
    } finally {
      products.delete();
      reactants.delete();
    }
    return sets;
  };
  return {
    run,
    dispose() {
      for (const compiled of reactions.values()) compiled.delete();
      reactions.clear();
    },
  };
}

function zipFragments(rdkit: RDKitModule, first: string, second: string): string | null {
  if (countSmilesAtoms(first) + countSmilesAtoms(second) > maxSupportedAtoms) return null;
  const a = rdkit.get_mol(first);
  const b = rdkit.get_mol(second);
  try {
    if (!a || !b) return null;
    const joined = rdkit.molzip(a, b, zipDetails);
    if (!joined) return null;
    try {
      return joined.get_smiles();
    } finally {
      joined.delete();
    }
  } finally {
    a?.delete();
    b?.delete();
  }
}

/** Parses, checks and canonicalises a product: single fragment, no forbidden substructure, no radical. */
function sanitizeProduct(
  rdkit: RDKitModule,
  log: ReturnType<typeof rdkitErrorLog>,
  forbidden: readonly RDKitMol[],
  product: string,
): Result<SanitizedMolecule, RejectionReason> {
  if (countSmilesAtoms(product) > maxSupportedAtoms) return err('too-large');
  log.clear();
  const mol = rdkit.get_mol(product);
  if (!mol) return err('invalid');
  try {
    if (!mol.is_valid()) return err('invalid');
    const smiles = mol.get_smiles();
    if (smiles.includes('.') || smiles.includes('*')) return err('disconnected');
    for (const query of forbidden) if (mol.get_substruct_match(query) !== '{}') return err('unreasonable');
    // Radicals can only sit on bracket atoms; skip the JSON round trip otherwise.
    if (smiles.includes('[') && hasRadical(mol)) return err('radical');
    return ok({ smiles, heavyAtoms: mol.get_num_atoms(true) });
  } finally {
    mol.delete();
  }
}

function hasRadical(mol: RDKitMol): boolean {
  const json = JSON.parse(mol.get_json()) as { molecules: { atoms: { nRad?: number }[] }[] };
  return json.molecules.some((molecule) => molecule.atoms.some((atom) => (atom.nRad ?? 0) > 0));
}

function shuffled<T>(items: readonly T[], random: Random): T[] {
  const copy = items.slice();
  for (let i = copy.length - 1; i > 0; i -= 1) {
    const j = random.int(i + 1);
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}
