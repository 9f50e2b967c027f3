/**
 * Graph edits of the genetic algorithm as RDKit reaction SMARTS, in the spirit of Jensen's
 * graph-based GA (Chem. Sci. 2019, 10, 3567): each rule rewrites one site; the product is then
 * sanitised and canonicalised, and dropped (and counted) when RDKit rejects it.
 *
 * Rules see molecules in RDKit's aromatic form: `c`/`n` address aromatic atoms and `-`, `=`
 * only match non-aromatic bonds, so bond edits never break an aromatic ring half-way.
 */
export const mutationKinds = [
  'change-atom',
  'change-bond-order',
  'add-atom',
  'add-group',
  'insert-atom',
  'remove-atom',
  'add-ring',
  'remove-ring',
  'open-ring',
  'close-ring',
  'replace-fragment',
] as const;
export type MutationKind = (typeof mutationKinds)[number];
export type MutationOperation = `mutation:${MutationKind}`;
/**
 * `core`: a drug-like core of a seed that fails the filters, cut out of it at acyclic single bonds
 * (see `coresPerSeed` in genetic-algorithm.ts).
 */
export type GeneticOperation = 'seed' | 'crossover' | 'core' | MutationOperation;

/** Relative frequency of each mutation kind; kinds without a site in a molecule are skipped. */
export const defaultMutationWeights: Readonly<Record<MutationKind, number>> = {
  'change-atom': 3,
  'change-bond-order': 1,
  'add-atom': 2,
  'add-group': 2,
  'insert-atom': 1.5,
  'remove-atom': 2,
  'add-ring': 1.5,
  'remove-ring': 1,
  'open-ring': 0.5,
  'close-ring': 0.5,
  'replace-fragment': 2,
};

/** Kinds implemented by one reaction SMARTS each; the others cut acyclic bonds (see editor). */
export type ReactionMutationKind = Exclude<MutationKind, 'remove-ring' | 'replace-fragment'>;

export const mutationReactions: Readonly<Record<ReactionMutationKind, readonly string[]>> = {
  'change-atom': [
    '[CX4;!H0:1]>>[N:1]',
    '[CX4;H2,H3:1]>>[O:1]',
    '[CX4;H2:1]>>[S:1]',
    '[NX3;!a;!$(N=*):1]>>[C:1]',
    '[NX3;!a;H1,H2:1]>>[O:1]',
    '[OX2;!a:1]>>[C:1]',
    '[OX2;!a:1]>>[N:1]',
    '[SX2;!a:1]>>[O:1]',
    '[c;H1:1]>>[n:1]',
    '[nX2:1]>>[c:1]',
    '[s:1]>>[o:1]',
    '[o:1]>>[s:1]',
    '[F:1]>>[Cl:1]',
    '[Cl:1]>>[F:1]',
    '[F,Cl,Br:1]>>[C:1]',
  ],
  'change-bond-order': [
    '[C;!a;!H0:1]-[C;!a;!H0:2]>>[*:1]=[*:2]',
    '[C;!a;!H0:1]-[N;!a;!H0:2]>>[*:1]=[*:2]',
    '[C;!a;!H0:1]-[O;H1:2]>>[*:1]=[*:2]',
    '[C;!a:1]=[C;!a:2]>>[*:1]-[*:2]',
    '[C;!a:1]=[N;!a:2]>>[*:1]-[*:2]',
    '[C;!a:1]=[O:2]>>[*:1]-[*:2]',
  ],
  'add-atom': [
    '[#6;!H0:1]>>[*:1]-C',
    '[#7;!H0:1]>>[*:1]-C',
    '[#6;!H0:1]>>[*:1]-N',
    '[#6;!H0:1]>>[*:1]-O',
    '[#6;!H0:1]>>[*:1]-F',
    '[#6;!H0:1]>>[*:1]-Cl',
    '[#6;!a;H2:1]>>[*:1]=O',
  ],
  'add-group': [
    '[#6;!H0:1]>>[*:1]-C#N',
    '[#6;!H0:1]>>[*:1]-O-C',
    '[#6;!H0:1]>>[*:1]-C(-F)(-F)-F',
    '[#6;!H0:1]>>[*:1]-C(=O)-N',
    '[#6;!H0:1]>>[*:1]-S(=O)(=O)-C',
    '[#6;!H0:1]>>[*:1]-N-C(=O)-C',
    '[#6;!H0:1]>>[*:1]-C(=O)-O',
    '[#7;!H0:1]>>[*:1]-C(=O)-C',
  ],
  'insert-atom': [
    '[*:1]-;!@[*:2]>>[*:1]-C-[*:2]',
    '[*:1]-;!@[*:2]>>[*:1]-N-[*:2]',
    '[*:1]-;!@[*:2]>>[*:1]-O-[*:2]',
    '[C;!a:1]-;@[C;!a:2]>>[*:1]-C-[*:2]',
  ],
  'remove-atom': ['[*:1]-[!#1;D1]>>[*:1]', '[*:1]=[!#1;D1]>>[*:1]', '[*:1]-[!#1;!R;D2]-[*:3]>>[*:1]-[*:3]'],
  'add-ring': [
    '[#6;!H0:1]>>[*:1]-c1ccccc1',
    '[#6;!H0:1]>>[*:1]-c1ccncc1',
    '[#6;!H0:1]>>[*:1]-c1cccnc1',
    '[#6;!H0:1]>>[*:1]-c1ccccn1',
    '[#6;!H0:1]>>[*:1]-c1cccs1',
    '[#6;!H0:1]>>[*:1]-C1CC1',
    '[#6;!H0:1]>>[*:1]-C1CCCCC1',
    '[#6;!H0:1]>>[*:1]-N1CCOCC1',
    '[#6;!H0:1]>>[*:1]-N1CCNCC1',
    '[#7;!H0:1]>>[*:1]-c1ccccc1',
  ],
  'open-ring': ['[*;!a:1]-;@[*;!a:2]>>([*:1].[*:2])'],
  'close-ring': [
    '[*;!R;!H0:1]~[*;!R:2]~[*;!R:3]~[*;!R:4]~[*;!R;!H0:5]>>[*:1]1~[*:2]~[*:3]~[*:4]~[*:5]1',
    '[*;!R;!H0:1]~[*;!R:2]~[*;!R:3]~[*;!R:4]~[*;!R:5]~[*;!R;!H0:6]>>[*:1]1~[*:2]~[*:3]~[*:4]~[*:5]~[*:6]1',
  ],
};

/**
 * Cuts one acyclic single bond between heavy atoms and caps both ends with an isotope-1
 * dummy, for crossover, ring removal and fragment replacement; `molzip` rejoins the dummies.
 */
export const cutReaction = '[!#0;!#1:1]-;!@[!#0;!#1:2]>>[*:1]-[1*].[1*]-[*:2]';

/** Substituents that `replace-fragment` swaps in, attached through `[1*]`. */
export const substituentLibrary: readonly string[] = [
  '[1*]C',
  '[1*]CC',
  '[1*]C(C)C',
  '[1*]F',
  '[1*]Cl',
  '[1*]O',
  '[1*]N',
  '[1*]NC',
  '[1*]N(C)C',
  '[1*]C#N',
  '[1*]OC',
  '[1*]C(F)(F)F',
  '[1*]C(N)=O',
  '[1*]C(=O)O',
  '[1*]C(C)=O',
  '[1*]NC(C)=O',
  '[1*]S(C)(=O)=O',
  '[1*]S(N)(=O)=O',
  '[1*]c1ccccc1',
  '[1*]c1ccc(F)cc1',
  '[1*]c1ccncc1',
  '[1*]c1cccnc1',
  '[1*]c1cccs1',
  '[1*]c1ccco1',
  '[1*]c1cn[nH]c1',
  '[1*]C1CC1',
  '[1*]C1CCCCC1',
  '[1*]N1CCOCC1',
  '[1*]N1CCNCC1',
  '[1*]N1CCCC1',
];

/**
 * Offspring matching any of these are discarded as chemically unreasonable even though RDKit
 * accepts them: cumulated double bonds, triple bonds and double bonds in small rings,
 * macrocycles, O–O bonds and halogens on heteroatoms.
 */
export const defaultForbiddenSmarts: readonly string[] = [
  '*=[#6,#7;+0]=*',
  '*#@*',
  '[r3,r4]=[r3,r4]',
  '[r{9-}]',
  '[#8]~[#8]',
  '[F,Cl,Br,I]~[!#6]',
];
