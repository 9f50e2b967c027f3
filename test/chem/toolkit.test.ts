import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chemErrorToAppError } from '../../src/chem/chem-error.js';
import { tanimoto } from '../../src/chem/fingerprint.js';
import { createRdkitToolkit, type ChemToolkit } from '../../src/chem/toolkit.js';
import { ASPIRIN, IBUPROFEN, IMATINIB } from '../fixtures/molecules.js';

// Expected values below were computed with RDKit 2022.09.3 (Debian python3-rdkit):
// Descriptors.MolWt, rdMolDescriptors.CalcTPSA/CalcNumHBD/CalcNumHBA, Lipinski.NOCount/NHOHCount,
// MurckoScaffold.GetScaffoldForMol (re-canonicalised here) and DataStructs.TanimotoSimilarity on Morgan(2, 2048) bits.
const caffeine = 'Cn1c(=O)c2c(ncn2C)n(C)c1=O';

let toolkit: ChemToolkit;
beforeAll(async () => {
  toolkit = await createRdkitToolkit();
});
afterAll(() => toolkit.dispose());

function value<V>(result: { ok: true; value: V } | { ok: false; error: { message: string } }): V {
  if (!result.ok) throw new Error(`expected success, got ${result.error.message}`);
  return result.value;
}

describe('parse', () => {
  it.each([
    ['CC(C', 'SMILES Parse Error: extra open parentheses while parsing: CC(C', 2],
    ['CC)C', 'SMILES Parse Error: extra close parentheses while parsing: CC)C', 2],
    ['C1CC', "SMILES Parse Error: unclosed ring for input: 'C1CC'", undefined],
    ['c1cccc1', "Can't kekulize mol.  Unkekulized atoms: 0 1 2 3 4", undefined],
    ['CN(C)(C)C', 'Explicit valence for atom # 1 N, 4, is greater than permitted', undefined],
    ['C(C)(C)(C)(C)C', 'Explicit valence for atom # 0 C, 5, is greater than permitted', undefined],
  ])('rejects %s with RDKit reason', (smiles, message, position) => {
    const result = toolkit.parse(smiles);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('INVALID_SMILES');
    expect(result.error.message).toBe(message);
    expect(result.error.input).toBe(smiles);
    expect(result.error.position).toBe(position);
  });

  it('rejects empty input, whitespace and non-SMILES formats before RDKit sees them', () => {
    expect(toolkit.parse('')).toMatchObject({ ok: false, error: { message: 'empty SMILES' } });
    // RDKit would read "c1ccccc1 benzene" as benzene named "benzene".
    expect(toolkit.parse('c1ccccc1 benzene')).toMatchObject({
      ok: false,
      error: { message: 'SMILES must not contain whitespace', position: 8 },
    });
    expect(toolkit.parse('{"molecules":[]}')).toMatchObject({
      ok: false,
      error: { message: 'expected SMILES, not JSON' },
    });
  });

  it('refuses molecules too large for MinimalLib instead of crashing it', () => {
    // A 700-carbon chain traps the WASM module and breaks every later call.
    const result = toolkit.parse('C'.repeat(700));
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'UNSUPPORTED_MOLECULE', message: 'SMILES has 700 atoms; at most 250 are supported' },
    });
    expect(value(toolkit.canonicalize('C'.repeat(250)))).toHaveLength(250);
    expect(toolkit.matchSubstructure('CCO', 'C'.repeat(1001))).toMatchObject({
      ok: false,
      error: { code: 'INVALID_SMARTS', message: 'SMARTS longer than 1000 characters' },
    });
    expect(value(toolkit.canonicalize('OCC'))).toBe('CCO');
  });

  it('canonicalises, and canonical SMILES are fixed points', () => {
    const inputs = [
      'OC(=O)c1ccccc1OC(C)=O',
      'C1=CC=CC=C1',
      'N1C=CC=C1',
      'C[C@@H](O)N',
      'O=C(O)/C=C/c1ccccc1',
    ];
    for (const input of inputs) {
      const canonical = value(toolkit.canonicalize(input));
      expect(value(toolkit.canonicalize(canonical))).toBe(canonical);
    }
    expect(value(toolkit.canonicalize('OC(=O)c1ccccc1OC(C)=O'))).toBe(ASPIRIN);
    expect(value(toolkit.canonicalize('C1=CC=CC=C1'))).toBe('c1ccccc1');
    expect(value(toolkit.canonicalize('N1C=CC=C1'))).toBe('c1cc[nH]c1');
    expect(value(toolkit.canonicalize('C[C@@H](O)N'))).toBe('C[C@H](N)O');
  });

  it('reports fragments and keeps the largest', () => {
    const parsed = value(toolkit.parse('[Na+].CC(=O)[O-].O'));
    expect(parsed).toEqual({
      input: '[Na+].CC(=O)[O-].O',
      canonical: 'CC(=O)[O-].O.[Na+]',
      largestFragment: 'CC(=O)[O-]',
      fragmentCount: 3,
      heavyAtoms: 6,
    });
    expect(value(toolkit.parse('Cl.CN1CCC[C@H]1c1cccnc1')).largestFragment).toBe('CN1CCC[C@H]1c1cccnc1');
  });

  it('lifts a ChemError into a 422 AppError naming the field', () => {
    const result = toolkit.parse('CC(C');
    if (result.ok) throw new Error('expected failure');
    const error = chemErrorToAppError(result.error, 'seeds[0].smiles');
    expect(error.status).toBe(422);
    expect(error.message).toBe(
      'seeds[0].smiles: invalid SMILES "CC(C": SMILES Parse Error: extra open parentheses while parsing: CC(C',
    );
    expect(error.details).toEqual({
      reason: 'INVALID_SMILES',
      input: 'CC(C',
      field: 'seeds[0].smiles',
      position: 2,
    });
  });
});

describe('identifiers', () => {
  it('computes standard InChI and InChIKey', () => {
    expect(value(toolkit.identifiers(ASPIRIN))).toEqual({
      canonical: ASPIRIN,
      inchi: 'InChI=1S/C9H8O4/c1-6(10)13-8-5-3-2-4-7(8)9(11)12/h2-5H,1H3,(H,11,12)',
      inchiKey: 'BSYNRYMUTXBXSQ-UHFFFAOYSA-N',
    });
    expect(value(toolkit.identifiers(caffeine)).inchiKey).toBe('RYYVLZVUVIJVGH-UHFFFAOYSA-N');
  });
});

describe('descriptors', () => {
  // RDKit's values: continuous ones as [value, decimal digits compared], counts exactly.
  it.each([
    {
      molecule: 'aspirin, with both H-bond conventions',
      smiles: ASPIRIN,
      close: { molecularWeight: [180.159, 3], exactMass: [180.0423, 4], cLogP: [1.3101, 4], tpsa: [63.6, 2] },
      counts: {
        lipinskiHbd: 1,
        lipinskiHba: 4,
        hbd: 1,
        hba: 3,
        rotatableBonds: 2,
        rings: 1,
        aromaticRings: 1,
        heavyAtoms: 13,
        formalCharge: 0,
      },
    },
    {
      molecule: 'imatinib',
      smiles: IMATINIB,
      close: { molecularWeight: [493.615, 3], cLogP: [4.5903, 4], tpsa: [86.28, 2] },
      counts: { lipinskiHbd: 2, lipinskiHba: 8, hbd: 2, hba: 7, rotatableBonds: 7, aromaticRings: 4 },
    },
  ])('matches RDKit for $molecule', ({ smiles, close, counts }) => {
    const descriptors = value(toolkit.descriptors(smiles));
    for (const [field, [expected, digits]] of Object.entries(close))
      expect(descriptors[field as keyof typeof descriptors], field).toBeCloseTo(expected!, digits);
    expect(descriptors).toMatchObject(counts);
  });

  it('sums formal charges', () => {
    expect(value(toolkit.descriptors('C[N+](C)(C)C.[O-]C(=O)C.[O-]C(=O)C')).formalCharge).toBe(-1);
  });
});

describe('fingerprints', () => {
  it('is 2048 bits, identical molecules score 1', () => {
    const fingerprint = value(toolkit.fingerprint(ASPIRIN));
    expect(fingerprint.byteLength).toBe(256);
    expect(tanimoto(fingerprint, value(toolkit.fingerprint('OC(=O)c1ccccc1OC(C)=O')))).toBe(1);
  });

  it('reproduces RDKit similarities to aspirin and their order', () => {
    const reference = value(toolkit.fingerprint(ASPIRIN));
    const similarity = (smiles: string) => tanimoto(reference, value(toolkit.fingerprint(smiles)));
    const salicylicAcid = similarity('OC(=O)c1ccccc1O');
    const paracetamol = similarity('CC(=O)Nc1ccc(O)cc1');
    const ibuprofenSimilarity = similarity(IBUPROFEN);
    const caffeineSimilarity = similarity(caffeine);
    expect(salicylicAcid).toBeCloseTo(0.4483, 4);
    expect(paracetamol).toBeCloseTo(0.2222, 4);
    expect(ibuprofenSimilarity).toBeCloseTo(0.1951, 4);
    expect(caffeineSimilarity).toBeCloseTo(0.0889, 4);
    expect(salicylicAcid).toBeGreaterThan(paracetamol);
    expect(paracetamol).toBeGreaterThan(ibuprofenSimilarity);
    expect(ibuprofenSimilarity).toBeGreaterThan(caffeineSimilarity);
  });
});

describe('scaffold', () => {
  it.each([
    ['ibuprofen', IBUPROFEN, 'c1ccccc1'],
    ['aspirin', ASPIRIN, 'c1ccccc1'],
    // Five rings; the amide C=O sits on a linker and stays, both methyls go.
    ['imatinib', IMATINIB, 'O=C(Nc1cccc(Nc2nccc(-c3cccnc3)n2)c1)c1ccc(CN2CCNCC2)cc1'],
    // Exocyclic C=O on rings stays; N-methyls become N-H.
    ['caffeine', caffeine, 'O=c1[nH]c(=O)c2[nH]cnc2[nH]1'],
    [
      'paroxetine (stereo kept)',
      'Fc1ccc([C@@H]2CCNC[C@H]2COc2ccc3c(c2)OCO3)cc1',
      'c1ccc([C@@H]2CCNC[C@H]2COc2ccc3c(c2)OCO3)cc1',
    ],
    ['clomipramine', 'CN(C)CCCN1c2ccccc2CCc2ccc(Cl)cc21', 'c1ccc2c(c1)CCc1ccccc1N2'],
    [
      'nicotine salt (stereo kept: no neighbour removed)',
      'Cl.CN1CCC[C@H]1c1cccnc1',
      'c1cncc([C@@H]2CCCN2)c1',
    ],
    ['fluorene', 'c1ccc2c(c1)Cc1ccccc1-2', 'c1ccc2c(c1)Cc1ccccc1-2'],
    ['spiro', 'CC1(C)CC2(CCNCC2)C1', 'C1CC2(C1)CCNCC2'],
    ['stilbene linker', 'Cc1ccc(/C=C/c2ccccc2)cc1', 'C(=C/c1ccccc1)\\c1ccccc1'],
    ['exocyclic alkene kept', 'O=C1CCC(=Cc2ccccc2)C1', 'O=C1CCC(=Cc2ccccc2)C1'],
    ['hexane', 'CCCCCC', ''],
  ])('%s', (_name, smiles, expected) => {
    // RDKit versions differ in how they write the same stereo SMILES; compare canonical forms.
    expect(value(toolkit.scaffold(smiles))).toBe(
      expected === '' ? '' : value(toolkit.canonicalize(expected)),
    );
  });
});

describe('substructure and depiction', () => {
  it('matches SMARTS and reports atoms and bonds', () => {
    const matches = value(toolkit.matchSubstructure(ASPIRIN, 'C(=O)[OX2H1]'));
    expect(matches).toEqual([{ atoms: [10, 11, 12], bonds: [10, 11] }]);
    expect(value(toolkit.matchSubstructure(ASPIRIN, '[#7]'))).toEqual([]);
    expect(value(toolkit.matchSubstructure(ASPIRIN, 'c1ccccc1'))).toHaveLength(1);
  });

  it('rejects bad SMARTS with RDKit reason', () => {
    expect(toolkit.matchSubstructure(ASPIRIN, 'C(C')).toMatchObject({
      ok: false,
      error: {
        code: 'INVALID_SMARTS',
        message: 'SMARTS Parse Error: extra open parentheses while parsing: C(C',
        position: 1,
      },
    });
    expect(toolkit.matchSubstructure('C(C', 'C')).toMatchObject({
      ok: false,
      error: { code: 'INVALID_SMILES' },
    });
  });

  it('draws SVG at the requested size, with highlights', () => {
    const svg = value(toolkit.depict(ASPIRIN, { width: 250, height: 200 }));
    expect(svg).toContain('<svg');
    expect(svg).toContain("width='250px'");
    const highlighted = value(toolkit.depict(ASPIRIN, { highlightSmarts: 'C(=O)O' }));
    expect(highlighted).toContain('<svg');
    expect(highlighted).not.toBe(value(toolkit.depict(ASPIRIN)));
    expect(toolkit.depict(ASPIRIN, { highlightSmarts: '[' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_SMARTS' },
    });
  });
});

describe('profile', () => {
  it('profiles the largest fragment: descriptors, QED, alerts, scaffold', () => {
    const profile = value(toolkit.profile(`${ASPIRIN}.[Na+]`));
    expect(profile.smiles).toBe(ASPIRIN);
    expect(profile.descriptors.heavyAtoms).toBe(13);
    expect(profile.qed.qed).toBeCloseTo(0.5501, 4);
    expect(profile.alerts.map((alert) => alert.id)).toEqual(['brenk-phenol-ester']);
    expect(profile.scaffold).toBe('c1ccccc1');
  });

  it('returns the parse error for invalid input', () => {
    expect(toolkit.profile('c1cccc1')).toMatchObject({ ok: false, error: { code: 'INVALID_SMILES' } });
  });
});
