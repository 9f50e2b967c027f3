import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  alertFamilies,
  createAlertMatcher,
  loadStructuralAlerts,
  parseStructuralAlertFile,
  type AlertMatcher,
  type StructuralAlert,
} from '../../src/chem/alerts.js';
import { loadRDKit, type RDKitModule } from '../../src/chem/rdkit.js';

let rdkit: RDKitModule;
let alerts: StructuralAlert[];
let matcher: AlertMatcher;

beforeAll(async () => {
  rdkit = await loadRDKit();
  alerts = await loadStructuralAlerts();
  const created = createAlertMatcher(rdkit, alerts);
  if (!created.ok) throw created.error;
  matcher = created.value;
});
afterAll(() => matcher.dispose());

function matchIds(smiles: string, families?: Parameters<AlertMatcher['match']>[1]): string[] {
  const mol = rdkit.get_mol(smiles);
  if (!mol) throw new Error(`cannot parse ${smiles}`);
  try {
    return matcher.match(mol, families).map((match) => match.id);
  } finally {
    mol.delete();
  }
}

describe('the bundled alert file', () => {
  it('covers every family with a source per entry', () => {
    expect(alerts.length).toBeGreaterThanOrEqual(40);
    for (const family of alertFamilies) expect(alerts.some((alert) => alert.family === family)).toBe(true);
    for (const alert of alerts) {
      expect(alert.source).toMatch(
        alert.family === 'BRENK'
          ? /Brenk et al\., ChemMedChem 2008/
          : /Baell & Holloway, J\. Med\. Chem\. 2010/,
      );
      if (alert.family !== 'BRENK') expect(alert.painsClass).toMatch(/^\w+\(\d+\)$/);
    }
  });

  it('has positive and negative examples for most entries', () => {
    const withBoth = alerts.filter(
      (alert) => (alert.examples?.matches.length ?? 0) > 0 && (alert.examples?.nonMatches.length ?? 0) > 0,
    );
    expect(withBoth.length).toBeGreaterThanOrEqual(12);
  });

  it.each([
    'pains-ene-rhodanine',
    'pains-catechol',
    'pains-quinone',
    'brenk-aldehyde',
    'brenk-michael-acceptor',
    'brenk-nitro',
  ])('includes %s', (id) => {
    expect(alerts.some((alert) => alert.id === id)).toBe(true);
  });

  it('every SMARTS matches its examples and only them', () => {
    const failures: string[] = [];
    for (const alert of alerts) {
      for (const smiles of alert.examples?.matches ?? []) {
        if (!matchIds(smiles).includes(alert.id)) failures.push(`${alert.id} misses ${smiles}`);
      }
      for (const smiles of alert.examples?.nonMatches ?? []) {
        if (matchIds(smiles).includes(alert.id)) failures.push(`${alert.id} wrongly matches ${smiles}`);
      }
    }
    expect(failures).toEqual([]);
  });
});

describe('matching', () => {
  it('flags classic PAINS and Brenk groups and leaves clean drugs alone', () => {
    expect(matchIds('S=C1SC(=Cc2ccccc2)C(=O)N1')).toContain('pains-ene-rhodanine');
    expect(matchIds('Oc1ccc(CCN)cc1O')).toContain('pains-catechol');
    expect(matchIds('CC(C)Cc1ccc(C(C)C(=O)O)cc1')).toEqual([]);
    expect(matchIds('Cc1ccc(-c2cc(C(F)(F)F)nn2-c2ccc(S(N)(=O)=O)cc2)cc1')).toEqual([]);
  });

  it('reports names, families and matched atoms, and filters by family', () => {
    const mol = rdkit.get_mol('O=Cc1ccccc1O');
    if (!mol) throw new Error('parse');
    try {
      expect(matcher.match(mol)).toEqual([
        {
          id: 'brenk-aldehyde',
          name: 'aldehyde',
          family: 'BRENK',
          source: alerts.find((a) => a.id === 'brenk-aldehyde')!.source,
          atoms: [1, 0, 2],
        },
      ]);
    } finally {
      mol.delete();
    }
    expect(matchIds('Oc1ccccc1O', ['BRENK'])).toEqual([]);
    expect(matchIds('Oc1ccccc1O', ['PAINS_B'])).toEqual(['pains-catechol']);
  });
});

describe('validation', () => {
  const valid = { id: 'x-one', name: 'one', family: 'BRENK', smarts: 'C=O', source: 'somewhere' };

  it('names the entry and field that is wrong', () => {
    const result = parseStructuralAlertFile(
      { version: 1, description: 'd', alerts: [valid, { ...valid, id: 'x-two', family: 'PAINS_D' }] },
      'alerts.json',
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('INVALID_INPUT_FILE');
    expect(result.error.message).toMatch(
      /^invalid structural alert file alerts\.json: alerts\[1\] "x-two" family: Invalid option/,
    );
  });

  it('rejects duplicate ids and unknown fields', () => {
    const duplicate = parseStructuralAlertFile(
      { version: 1, description: 'd', alerts: [valid, valid] },
      'a.json',
    );
    expect(duplicate.ok || duplicate.error.message).toBe(
      'invalid structural alert file a.json: alerts[1] "x-one" id: duplicate id (first used by alerts[0])',
    );
    const extra = parseStructuralAlertFile(
      { version: 1, description: 'd', alerts: [{ ...valid, smiles: 'C' }] },
      'a.json',
    );
    expect(extra.ok || extra.error.message).toMatch(/alerts\[0\] "x-one": Unrecognized key: "smiles"/);
  });

  it('fails at compile time on SMARTS RDKit cannot parse, naming the entry', () => {
    const result = createAlertMatcher(rdkit, [{ ...valid, id: 'x-bad', smarts: 'C(=O' } as StructuralAlert]);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.message).toBe(
      'structural alert alerts[0] "x-bad": SMARTS C(=O does not parse: SMARTS Parse Error: extra open parentheses while parsing: C(=O',
    );
  });

  it('reports unreadable and malformed files', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'alerts-'));
    await expect(loadStructuralAlerts(join(directory, 'missing.json'))).rejects.toMatchObject({
      code: 'INVALID_INPUT_FILE',
    });
    const broken = join(directory, 'broken.json');
    await writeFile(broken, '{ not json');
    await expect(loadStructuralAlerts(broken)).rejects.toThrow(
      `structural alert file ${broken} is not valid JSON`,
    );
  });
});
