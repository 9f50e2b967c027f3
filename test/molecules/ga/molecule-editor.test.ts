import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRDKit, type RDKitModule } from '../../../src/chem/rdkit.js';
import { hasRingClosure } from '../../../src/chem/smiles-atoms.js';
import { createMoleculeEditor, type MoleculeEditor } from '../../../src/molecules/ga/molecule-editor.js';
import { mutationKinds, type MutationKind } from '../../../src/molecules/ga/operators.js';
import { createRandom } from '../../../src/molecules/ga/random.js';

let rdkit: RDKitModule;
let editor: MoleculeEditor;
beforeAll(async () => {
  rdkit = await loadRDKit();
  editor = createMoleculeEditor(rdkit);
});
afterAll(() => editor.dispose());

const only = (kind: MutationKind) =>
  Object.fromEntries(mutationKinds.map((k) => [k, k === kind ? 1 : 0])) as Record<MutationKind, number>;

function canonical(smiles: string): string {
  const mol = rdkit.get_mol(smiles);
  if (!mol) throw new Error(`cannot parse ${smiles}`);
  try {
    return mol.get_smiles();
  } finally {
    mol.delete();
  }
}

describe('mutations', () => {
  // A parent with a site for every kind: aromatic and aliphatic rings, a chain, an acid, an amine.
  const parent = 'CCCCC(=O)Nc1ccc(C2CCNCC2)cc1';

  it.each(mutationKinds.filter((kind) => kind !== 'close-ring'))(
    '%s yields valid, changed molecules',
    (kind) => {
      const random = createRandom(11);
      const products = new Set<string>();
      for (let i = 0; i < 15; i += 1) {
        const edit = editor.mutate(parent, random, only(kind));
        expect(edit?.operation).toBe(`mutation:${kind}`);
        const sanitized = edit?.product ? editor.sanitize(edit.product) : undefined;
        if (sanitized?.ok) products.add(sanitized.value.smiles);
      }
      expect(products.size).toBeGreaterThan(0);
      expect(products.has(canonical(parent))).toBe(false);
    },
  );

  it('close-ring forms five- and six-membered rings on chains', () => {
    const random = createRandom(5);
    const edit = editor.mutate('CCCCCCCO', random, only('close-ring'));
    expect(edit?.operation).toBe('mutation:close-ring');
    const sanitized = editor.sanitize(edit!.product!);
    expect(sanitized.ok && hasRingClosure(sanitized.value.smiles)).toBe(true);
  });

  it('makes specific, chemically sensible edits', () => {
    const random = createRandom(1);
    const seen = (smiles: string, kind: MutationKind, tries = 60) => {
      const out = new Set<string>();
      for (let i = 0; i < tries; i += 1) {
        const edit = editor.mutate(smiles, random, only(kind));
        const sanitized = edit?.product ? editor.sanitize(edit.product) : undefined;
        if (sanitized?.ok) out.add(sanitized.value.smiles);
      }
      return out;
    };
    expect(seen('c1ccccc1', 'change-atom')).toContain('c1ccncc1');
    expect(seen('Cc1ccccc1', 'remove-atom')).toContain('c1ccccc1');
    expect(seen('CCO', 'add-atom')).toContain('CC(C)O');
    expect(seen('Cc1ccccc1', 'add-group')).toContain(canonical('Cc1ccccc1C(F)(F)F'));
    expect(seen('Cc1ccccc1', 'add-ring')).toContain(canonical('Cc1ccccc1-c1ccncc1'));
    expect(seen('CCC(=O)OC', 'change-bond-order')).toContain('C=CC(=O)OC');
    expect(seen('CCCOC', 'insert-atom')).toContain('CCCCOC');
    expect(seen('c1ccc(C2CCCCC2)cc1', 'remove-ring')).toEqual(new Set(['c1ccccc1', 'C1CCCCC1']));
    expect(seen('CC1CCNCC1', 'open-ring').size).toBeGreaterThan(0);
  });

  it('reports no site when no kind applies', () => {
    expect(editor.mutate('[He]', createRandom(1))).toBeUndefined();
  });
});

describe('crossover', () => {
  it('joins a fragment of each parent at acyclic single bonds', () => {
    const random = createRandom(2);
    const first = 'c1ccccc1CCOC';
    const second = 'O=C(O)c1ccncc1';
    const children = new Set<string>();
    for (let i = 0; i < 200; i += 1) {
      const edit = editor.crossover(first, second, random);
      expect(edit?.operation).toBe('crossover');
      const [fromFirst, fromSecond] = edit!.contributions!;
      const sanitized = edit?.product ? editor.sanitize(edit.product) : undefined;
      if (sanitized?.ok) {
        children.add(sanitized.value.smiles);
        expect(sanitized.value.heavyAtoms).toBe(fromFirst + fromSecond);
      }
    }
    expect(children).toContain(canonical('c1ccccc1CCc1ccncc1'));
  });

  it('has nothing to cut in a bare ring', () => {
    expect(editor.crossover('c1ccccc1', 'CCO', createRandom(1))).toBeUndefined();
  });
});

describe('sanitize', () => {
  it.each([
    ['c1cccc1', 'invalid'],
    ['CCO.O', 'disconnected'],
    ['[1*]CC', 'disconnected'],
    ['[CH2]C', 'radical'],
    ['C=C=CC', 'unreasonable'],
    ['C1=CC1', 'unreasonable'],
    ['COOC', 'unreasonable'],
    ['C1CCCCCCCCC1', 'unreasonable'],
    ['C'.repeat(251), 'too-large'],
  ])('rejects %s as %s', (smiles, reason) => {
    expect(editor.sanitize(smiles)).toEqual({ ok: false, error: reason });
  });

  it('canonicalises what it accepts, keeping sulfonyl groups', () => {
    expect(editor.sanitize('OC(=O)c1ccccc1OC(C)=O')).toEqual({
      ok: true,
      value: { smiles: 'CC(=O)Oc1ccccc1C(=O)O', heavyAtoms: 13 },
    });
    expect(editor.sanitize('NS(=O)(=O)c1ccccc1').ok).toBe(true);
  });
});
