import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMoleculeFilter, evaluateFilters, filterOptionsSchema } from '../../src/chem/filters.js';
import { createRdkitToolkit, type ChemToolkit } from '../../src/chem/toolkit.js';

let toolkit: ChemToolkit;
beforeAll(async () => {
  toolkit = await createRdkitToolkit();
});
afterAll(() => toolkit.dispose());

function subject(smiles: string) {
  const profile = toolkit.profile(smiles);
  if (!profile.ok) throw new Error(profile.error.message);
  return { ...profile.value, qed: profile.value.qed.qed };
}

describe('filterOptionsSchema', () => {
  it('defaults to Lipinski and Veber limits, no QED floor, no alerts', () => {
    expect(filterOptionsSchema.parse({})).toEqual({
      molecularWeight: { max: 500 },
      cLogP: { max: 5 },
      tpsa: { max: 140 },
      hbd: { max: 5 },
      hba: { max: 10 },
      rotatableBonds: { max: 10 },
      heavyAtoms: {},
      formalCharge: {},
      minQed: 0,
      maxAlerts: 0,
      alertFamilies: ['PAINS_A', 'PAINS_B', 'PAINS_C', 'BRENK'],
    });
  });

  it('rejects inverted ranges, unknown keys and unknown families', () => {
    expect(filterOptionsSchema.safeParse({ molecularWeight: { min: 400, max: 300 } }).success).toBe(false);
    expect(filterOptionsSchema.safeParse({ logP: { max: 3 } }).success).toBe(false);
    expect(filterOptionsSchema.safeParse({ alertFamilies: ['PAINS_Z'] }).success).toBe(false);
    expect(filterOptionsSchema.safeParse({ minQed: 1.5 }).success).toBe(false);
  });
});

describe('evaluateFilters', () => {
  it('passes celecoxib under the defaults, reporting every check', () => {
    const outcome = evaluateFilters(
      subject('Cc1ccc(-c2cc(C(F)(F)F)nn2-c2ccc(S(N)(=O)=O)cc2)cc1'),
      filterOptionsSchema.parse({}),
    );
    expect(outcome.passed).toBe(true);
    expect(outcome.checks.map((check) => check.filter)).toEqual([
      'molecularWeight',
      'cLogP',
      'tpsa',
      'hbd',
      'hba',
      'rotatableBonds',
      'heavyAtoms',
      'formalCharge',
      'qed',
      'alerts',
    ]);
    expect(outcome.checks.find((check) => check.filter === 'molecularWeight')?.value).toBeCloseTo(381.379, 3);
  });

  it('fails with reasons per filter', () => {
    // Aspirin carries a phenyl ester (Brenk); a 600 Da floor and a QED floor fail it too.
    const outcome = evaluateFilters(
      subject('CC(=O)Oc1ccccc1C(=O)O'),
      filterOptionsSchema.parse({ molecularWeight: { min: 200 }, minQed: 0.6 }),
    );
    expect(outcome.passed).toBe(false);
    expect(outcome.checks.filter((check) => !check.passed).map((check) => check.reason)).toEqual([
      'molecular weight 180.16 < 200',
      'QED 0.550 < 0.6',
      '1 structural alert (phenyl ester) > 0 allowed',
    ]);
    expect(outcome.alerts.map((alert) => alert.id)).toEqual(['brenk-phenol-ester']);
  });

  it('lets families be switched off and alerts be tolerated', () => {
    const aspirin = subject('CC(=O)Oc1ccccc1C(=O)O');
    expect(
      evaluateFilters(
        aspirin,
        filterOptionsSchema.parse({ alertFamilies: ['PAINS_A', 'PAINS_B', 'PAINS_C'] }),
      ).passed,
    ).toBe(true);
    expect(evaluateFilters(aspirin, filterOptionsSchema.parse({ maxAlerts: 1 })).passed).toBe(true);
  });

  it('applies Lipinski counts (N+O, NH+OH) and Veber limits', () => {
    const imatinib = subject('Cc1ccc(NC(=O)c2ccc(CN3CCN(C)CC3)cc2)cc1Nc1nccc(-c2cccnc2)n1');
    const outcome = evaluateFilters(
      imatinib,
      filterOptionsSchema.parse({ hba: { max: 7 }, rotatableBonds: { max: 6 } }),
    );
    expect(outcome.checks.filter((check) => !check.passed).map((check) => check.reason)).toEqual([
      'H-bond acceptors (N+O) 8 > 7',
      'rotatable bonds 7 > 6',
    ]);
  });
});

describe('createMoleculeFilter', () => {
  it('accepts passing molecules and rejects failing and invalid ones', () => {
    const filter = createMoleculeFilter(toolkit, filterOptionsSchema.parse({}));
    expect(filter('CC(C)Cc1ccc(C(C)C(=O)O)cc1')).toBe(true);
    expect(filter('O=Cc1ccccc1')).toBe(false);
    expect(filter('CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC(=O)O')).toBe(false);
    expect(filter('C(C')).toBe(false);
  });
});
