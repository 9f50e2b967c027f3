import { describe, expect, it } from 'vitest';
import { parseSeed, seedGeneSymbols } from '../../scripts/demo/seed.js';

const drugsHeader = 'drugbank_id,name,drug_class,smiles,targets,indications,source';
const diseasesHeader = 'disease_id,name,genes,definition,source';
const diseases = `${diseasesHeader}\nDOID:8552,chronic myeloid leukemia,ABL1;BCR,"A leukaemia, driven by BCR-ABL1.",OMIM\n`;

describe('parseSeed', () => {
  it('parses lists and cross-references', () => {
    const result = parseSeed(
      `${drugsHeader}\nDB00619,Imatinib,kinase inhibitor,CC,ABL1; KIT,chronic myeloid leukemia,label\n`,
      diseases,
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.drugs[0]?.targets).toEqual(['ABL1', 'KIT']);
    expect(result.value.diseases[0]?.definition).toBe('A leukaemia, driven by BCR-ABL1.');
    expect(seedGeneSymbols(result.value)).toEqual(['ABL1', 'BCR', 'KIT']);
  });

  it.each([
    ['a bad DrugBank id', `${drugsHeader}\nDB619,Imatinib,k,CC,ABL1,,label\n`, 'drugs.csv:2:', 'drugbank_id'],
    [
      'an unknown indication',
      `${drugsHeader}\nDB00619,Imatinib,k,CC,ABL1,leukaemia,label\n`,
      'drugs.csv:2:',
      'leukaemia',
    ],
    [
      'a duplicate id',
      `${drugsHeader}\nDB00619,A,k,CC,ABL1,,l\nDB00619,B,k,CC,KIT,,l\n`,
      'drugs.csv:3:',
      'duplicate drugbank_id',
    ],
    ['a SMILES with a space', `${drugsHeader}\nDB00619,A,k,C C,ABL1,,l\n`, 'drugs.csv:2:', 'smiles'],
    [
      'a drug without edges',
      `${drugsHeader}\nDB00619,A,k,CC,,,l\n`,
      'drugs.csv:2:',
      'neither targets nor indications',
    ],
  ])('rejects %s, naming file, line and field', (_case, drugs, location, fragment) => {
    const result = parseSeed(drugs, diseases);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('INVALID_INPUT_FILE');
    expect(result.error.message).toContain(location);
    expect(result.error.message).toContain(fragment);
  });

  it('rejects a disease id that is neither a DOID nor name-based', () => {
    const result = parseSeed(`${drugsHeader}\n`, `${diseasesHeader}\nMONDO:1,x,,def,s\n`);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).toMatch(/^diseases\.csv:2: .*disease_id/s);
  });
});
