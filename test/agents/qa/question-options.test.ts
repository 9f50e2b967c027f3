import { describe, expect, it } from 'vitest';
import { parseQuestion } from '../../../src/agents/qa/question-form.js';
import { extractOptions, linkerOptionNames, splitOptions } from '../../../src/agents/qa/question-options.js';
import { createEntityLinker } from '../../../src/linking/entity-linker.js';
import type { NameEntry } from '../../../src/store/name-lookup.js';

/**
 * Nodes as the shared KG and its name table have them: genes by symbol with their NCBI gene_info
 * full names (org.Hs.eg.db 3.16, joined by Entrez id) as mined synonyms, DOID and HPO names that
 * carry commas, and the plain names those names start with.
 */
const FULL_NAMES: [number, string, string, string][] = [
  [1, '53916', 'RAB4B', 'RAB4B, member RAS oncogene family'],
  [2, '226', 'ALDOA', 'aldolase, fructose-bisphosphate A'],
  [3, '3106', 'HLA-B', 'major histocompatibility complex, class I, B'],
  [4, '5290', 'PIK3CA', 'phosphatidylinositol-4,5-bisphosphate 3-kinase catalytic subunit alpha'],
  [5, '7157', 'TP53', 'tumor protein p53'],
  [6, '3605', 'IL17A', 'interleukin 17A'],
  [7, '4162', 'MCAM', 'melanoma cell adhesion molecule'],
  [8, '1956', 'EGFR', 'epidermal growth factor receptor'],
  [9, '23671', 'TMEFF2', 'transmembrane protein with EGF like and two follistatin like domains 2'],
  [10, '1081', 'CGA', 'glycoprotein hormones, alpha polypeptide'],
  [11, '11041', 'B4GAT1', 'beta-1,4-glucuronyltransferase 1'],
];
const KG_NAMES: [number, string, string, string][] = [
  [20, 'DOID:0050812', 'disease', 'spondyloepimetaphyseal dysplasia, Pakistani type'],
  [21, 'DOID:0080028', 'disease', 'spondyloepimetaphyseal dysplasia, Strudwick type'],
  [22, 'DOID:0060030', 'disease', 'autoimmune disease of eyes, ear, nose and throat'],
  [23, 'DOID:0080057', 'disease', 'spondyloepimetaphyseal dysplasia'],
  [24, 'DOID:1612', 'disease', 'breast cancer'],
  [25, 'DOID:9352', 'disease', 'type 2 diabetes mellitus'],
  [30, 'HP:0000033', 'effect/phenotype', 'Ambiguous genitalia, male'],
  [31, 'HP:0000062', 'effect/phenotype', 'Ambiguous genitalia'],
  [32, 'HP:0000061', 'effect/phenotype', 'Ambiguous genitalia, female'],
  [40, 'DB00945', 'drug', 'Aspirin'],
  [41, 'DB01050', 'drug', 'Ibuprofen'],
  [42, 'DB00331', 'drug', 'Metformin'],
  [50, 'UBERON:0000079', 'anatomy', 'male reproductive system'],
];
const ENTRIES: NameEntry[] = [
  ...FULL_NAMES.map(([nodeIndex, id, symbol, fullName]) => ({
    nodeIndex,
    id,
    type: 'gene/protein',
    name: symbol,
    aliases: [],
    synonyms: [{ text: fullName, source: 'gene-info:full-name' }],
  })),
  ...KG_NAMES.map(([nodeIndex, id, type, name]) => ({ nodeIndex, id, type, name, aliases: [] })),
];
const names = linkerOptionNames(createEntityLinker(ENTRIES));

describe('option lists: names that contain a comma', () => {
  it.each([
    [
      'Out of the given list, which Gene is associated with type 2 diabetes mellitus. Given list is: IL17A, RAB4B, member RAS oncogene family, TP53, MCAM',
      ['IL17A', 'RAB4B, member RAS oncogene family', 'TP53', 'MCAM'],
    ],
    [
      'Which gene is associated with breast cancer? Options: aldolase, fructose-bisphosphate A, EGFR, major histocompatibility complex, class I, B, MCAM',
      ['aldolase, fructose-bisphosphate A', 'EGFR', 'major histocompatibility complex, class I, B', 'MCAM'],
    ],
    [
      'Which disease is associated with EGFR? Given list is: breast cancer, spondyloepimetaphyseal dysplasia, Pakistani type, type 2 diabetes mellitus',
      ['breast cancer', 'spondyloepimetaphyseal dysplasia, Pakistani type', 'type 2 diabetes mellitus'],
    ],
    [
      'Which disease is linked to TP53? Choices: autoimmune disease of eyes, ear, nose and throat, breast cancer',
      ['autoimmune disease of eyes, ear, nose and throat', 'breast cancer'],
    ],
    [
      'Which phenotype goes with RAB4B? Options: Ambiguous genitalia, male, breast cancer',
      ['Ambiguous genitalia, male', 'breast cancer'],
    ],
    [
      'Which gene is associated with breast cancer? Given list is: TP53, phosphatidylinositol-4,5-bisphosphate 3-kinase catalytic subunit alpha, MCAM',
      ['TP53', 'phosphatidylinositol-4,5-bisphosphate 3-kinase catalytic subunit alpha', 'MCAM'],
    ],
    [
      'Which gene is associated with breast cancer? Given list is: CGA, glycoprotein hormones, alpha polypeptide, beta-1,4-glucuronyltransferase 1, transmembrane protein with EGF like and two follistatin like domains 2',
      [
        'CGA',
        'glycoprotein hormones, alpha polypeptide',
        'beta-1,4-glucuronyltransferase 1',
        'transmembrane protein with EGF like and two follistatin like domains 2',
      ],
    ],
  ])('keeps a KG name with commas as one option: %s', (text, options) => {
    expect(extractOptions(text, names)?.options).toEqual(options);
  });

  it('needs the names: the text alone splits at every comma', () => {
    expect(
      extractOptions('Given list is: IL17A, RAB4B, member RAS oncogene family, TP53', undefined)?.options,
    ).toEqual(['IL17A', 'RAB4B', 'member RAS oncogene family', 'TP53']);
  });

  it('a question parsed with the names keeps the full name as one option', () => {
    const parsed = parseQuestion(
      'Out of the given list, which Gene is associated with breast cancer. Given list is: tumor protein p53, RAB4B, member RAS oncogene family, EGFR',
      undefined,
      names,
    );
    expect(parsed).toMatchObject({
      form: 'multiple-choice',
      options: ['tumor protein p53', 'RAB4B, member RAS oncogene family', 'EGFR'],
      answerType: 'gene/protein',
    });
  });

  it('joins pieces that each name something only when told the option count', () => {
    // "Ambiguous genitalia" and "Ambiguous genitalia, female" are both names: three options read
    // as three, two as a joined name and one.
    const list = 'Ambiguous genitalia, female, breast cancer';
    expect(splitOptions(list, names)).toEqual(['Ambiguous genitalia, female', 'breast cancer']);
    expect(splitOptions('Ambiguous genitalia, breast cancer, Aspirin', names, 3)).toEqual([
      'Ambiguous genitalia',
      'breast cancer',
      'Aspirin',
    ]);
    expect(splitOptions('RAB4B, member RAS oncogene family, TP53', names, 3)).toEqual([
      'RAB4B',
      'member RAS oncogene family',
      'TP53',
    ]);
  });
});

describe('option lists: ordinary lists read the same with the names', () => {
  it.each([
    ['Given list is: SHTN1, HLA-B, TP53, EGFR, MCAM', ['SHTN1', 'HLA-B', 'TP53', 'EGFR', 'MCAM']],
    [
      'Which drug treats type 2 diabetes mellitus? Options: Aspirin, Ibuprofen, and Metformin',
      ['Aspirin', 'Ibuprofen', 'Metformin'],
    ],
    ['Which gene is linked to breast cancer: TP53, EGFR and MCAM?', ['TP53', 'EGFR', 'MCAM']],
    [
      'Which drug treats type 2 diabetes mellitus? Aspirin / Ibuprofen / Metformin',
      ['Aspirin', 'Ibuprofen', 'Metformin'],
    ],
    ['Which gene is linked to breast cancer: TP53 or EGFR?', ['TP53', 'EGFR']],
    [
      'Which gene is linked to breast cancer? (a) TP53 (b) RAB4B, member RAS oncogene family (c) EGFR',
      ['TP53', 'RAB4B, member RAS oncogene family', 'EGFR'],
    ],
    [
      'Which drug treats type 2 diabetes mellitus? Options: Aspirin; Ibuprofen; Metformin',
      ['Aspirin', 'Ibuprofen', 'Metformin'],
    ],
    [
      'Which disease is linked to TP53? Options: breast cancer, Ambiguous genitalia, type 2 diabetes mellitus',
      ['breast cancer', 'Ambiguous genitalia', 'type 2 diabetes mellitus'],
    ],
  ])('%s', (text, options) => {
    expect(extractOptions(text, names)?.options).toEqual(options);
    expect(extractOptions(text)?.options).toEqual(options);
  });
});
