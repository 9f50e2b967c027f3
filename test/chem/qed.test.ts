import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { qedAlertSmarts } from '../../src/chem/qed-alerts.js';
import {
  asymmetricDoubleSigmoid,
  createQedCalculator,
  qedAdsParameters,
  qedFromProperties,
  qedWeights,
  type QedCalculator,
  type QedProperties,
} from '../../src/chem/qed.js';
import { loadRDKit, type RDKitModule } from '../../src/chem/rdkit.js';

// Famotidine: the property values asserted by RDKit's own rdkit/Chem/UnitTestQED.py.
const famotidineSmiles = 'N=C(CCSCc1csc(N=C(N)N)n1)NS(N)(=O)=O';
const famotidine: QedProperties = {
  molecularWeight: 337.456,
  alogP: -0.55833,
  hbondAcceptors: 6,
  hbondDonors: 5,
  polarSurfaceArea: 173.33,
  rotatableBonds: 7,
  aromaticRings: 1,
  alerts: 3,
};

let rdkit: RDKitModule;
let calculator: QedCalculator;
beforeAll(async () => {
  rdkit = await loadRDKit();
  calculator = createQedCalculator(rdkit);
});
afterAll(() => calculator.dispose());

function qedOf(smiles: string) {
  const mol = rdkit.get_mol(smiles);
  if (!mol) throw new Error(`cannot parse ${smiles}`);
  try {
    return calculator.qed(mol);
  } finally {
    mol.delete();
  }
}

describe('QED from properties', () => {
  it('reproduces the RDKit doctest value for famotidine from its properties', () => {
    // rdkit/Chem/QED.py doctest: qed(famotidine) == 0.253...
    expect(qedFromProperties(famotidine).qed).toBeCloseTo(0.2531, 4);
  });

  it('penalises alerts and leaves the other properties alone', () => {
    const clean = qedFromProperties({ ...famotidine, alerts: 0 });
    const flagged = qedFromProperties({ ...famotidine, alerts: 3 });
    expect(clean.qed).toBeGreaterThan(flagged.qed);
    expect(clean.desirability.molecularWeight).toBe(flagged.desirability.molecularWeight);
    expect(flagged.desirability.alerts).toBeLessThan(clean.desirability.alerts);
  });

  it('has desirability functions that peak inside the drug-like range', () => {
    const weight = (x: number) => asymmetricDoubleSigmoid(x, qedAdsParameters.molecularWeight);
    expect(weight(300)).toBeGreaterThan(weight(150));
    expect(weight(300)).toBeGreaterThan(weight(600));
    expect(weight(300)).toBeCloseTo(1, 1);
    const rotatable = (x: number) => asymmetricDoubleSigmoid(x, qedAdsParameters.rotatableBonds);
    for (let n = 3; n < 15; n += 1) expect(rotatable(n + 1)).toBeLessThan(rotatable(n));
  });

  it('uses the published weight sets', () => {
    expect(Object.values(qedWeights.mean).reduce((a, b) => a + b, 0)).toBeCloseTo(3.92, 10);
    const mean = qedFromProperties(famotidine, qedWeights.mean).qed;
    const unweighted = qedFromProperties(famotidine, qedWeights.none).qed;
    expect(unweighted).not.toBeCloseTo(mean, 3);
  });
});

describe('QED from molecules', () => {
  it('computes the famotidine properties RDKit asserts', () => {
    const { properties } = qedOf(famotidineSmiles);
    expect(properties.molecularWeight).toBeCloseTo(famotidine.molecularWeight, 3);
    expect(properties.alogP).toBeCloseTo(famotidine.alogP, 5);
    expect(properties.polarSurfaceArea).toBeCloseTo(famotidine.polarSurfaceArea, 2);
    expect(properties).toMatchObject({
      hbondAcceptors: 6,
      hbondDonors: 5,
      rotatableBonds: 7,
      aromaticRings: 1,
      alerts: 3,
    });
  });

  it.each([
    // rdkit/Chem/UnitTestQED.py test_examples (3 decimals) and the QED.py doctest (cimetidine).
    ['paroxetine', 'c1cc2OCOc2cc1OCC1CNCCC1c1ccc(F)cc1', 0.934],
    ['leflunomide', 'C1=NOC(C)=C1C(=O)Nc1ccc(cc1)C(F)(F)F', 0.911],
    ['clomipramine', 'CN(C)CCCN1c2ccccc2CCc2ccc(Cl)cc21', 0.818],
    ['tegaserod', 'CCCCCNC(=N)NN=CC1=CNc2ccc(CO)cc21', 0.235],
    ['cimetidine', 'CNC(=NCCSCc1nc[nH]c1C)NC#N', 0.2347],
    // RDKit 2022.09.3 QED.qed, run for this test.
    ['aspirin', 'CC(=O)Oc1ccccc1C(=O)O', 0.5501],
    ['caffeine', 'Cn1c(=O)c2c(ncn2C)n(C)c1=O', 0.5385],
    ['imatinib', 'Cc1ccc(NC(=O)c2ccc(CN3CCN(C)CC3)cc2)cc1Nc1nccc(-c2cccnc2)n1', 0.3894],
    ['ibuprofen', 'CC(C)Cc1ccc(C(C)C(=O)O)cc1', 0.8216],
    ['fluorene (AROM counts the CH2 ring)', 'c1ccc2c(c1)Cc1ccccc1-2', 0.4806],
  ])('%s', (_name, smiles, expected) => {
    expect(Math.abs(qedOf(smiles).qed - expected)).toBeLessThan(0.001);
  });

  it('counts aromatic rings the QED way', () => {
    expect(qedOf('c1ccc2c(c1)Cc1ccccc1-2').properties.aromaticRings).toBe(3);
    expect(qedOf('C1CCCCC1c1ccccc1').properties.aromaticRings).toBe(1);
    expect(qedOf('CCCCOCCCC').properties.aromaticRings).toBe(0);
  });

  it('has RDKit’s 116 alert patterns', () => {
    expect(qedAlertSmarts).toHaveLength(116);
  });
});
