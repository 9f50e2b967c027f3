import { describe, expect, it } from 'vitest';
import {
  abbreviates,
  definedAbbreviations,
  drugDescriptionSynonyms,
  infectionForm,
} from '../../src/kg/synonym-text.js';

// Descriptions below are (parts of) DrugBank descriptions as drug_text.csv.gz carries them.
const texts = (name: string, description: string) =>
  drugDescriptionSynonyms(name, description).map((synonym) => `${synonym.text} | ${synonym.source}`);

type Case = [drug: string, description: string, synonyms: string[]];

const brandNames: Case[] = [
  [
    'Esmolol',
    'Esmolol (trade name Brevibloc) is a cardioselective beta1 receptor blocker with rapid onset.',
    ['Brevibloc | drug-description:brand-name'],
  ],
  [
    'Flunisolide',
    'Flunisolide (marketed as AeroBid, Nasalide, Nasarel) is a corticosteroid often prescribed as treatment for allergic rhinitis.',
    [
      'AeroBid | drug-description:brand-name',
      'Nasalide | drug-description:brand-name',
      'Nasarel | drug-description:brand-name',
    ],
  ],
  [
    'Calcitriol',
    'Calcitriol is the active form of vitamin D. Calcitriol is marketed under various trade names including Rocaltrol (Roche), Calcijex (Abbott) and Decostriol (Mibe, Jesalis).',
    [
      'Rocaltrol | drug-description:brand-name',
      'Calcijex | drug-description:brand-name',
      'Decostriol | drug-description:brand-name',
    ],
  ],
  [
    'Pregabalin',
    'Pregabalin is marketed by Pfizer under the trade name Lyrica.',
    ['Lyrica | drug-description:brand-name'],
  ],
  [
    'Raltitrexed',
    'Raltitrexed (brand name Tomudex&reg;) is a chemotherapy drug manufactured AstraZeneca Company.',
    ['Tomudex | drug-description:brand-name'],
  ],
  [
    'Bromhexine',
    'Bromhexine is not available in the United States. It is marketed under the trade name Bisolvon(R) in Germany, England, Belgium, France.',
    ['Bisolvon | drug-description:brand-name'],
  ],
];
const alsoKnownAs: Case[] = [
  [
    'Thiamine',
    'Thiamine or thiamin, also known as vitamin B1, is a colorless compound with the chemical formula C12H17N4OS.',
    ['vitamin B1 | drug-description:also-known-as', 'thiamin | drug-description:also-known-as'],
  ],
  [
    'Vasopressin',
    'Antidiuretic hormone, also known as vasopressin, is a nine amino acid peptide secreted from the posterior pituitary.',
    ['Antidiuretic hormone | drug-description:also-known-as'],
  ],
  [
    'Bortezomib',
    'Bortezomib (originally PS-341 and marketed as Velcade by Millennium Pharmaceuticals) is the first therapeutic proteasome inhibitor.',
    ['Velcade | drug-description:brand-name', 'PS-341 | drug-description:also-known-as'],
  ],
  [
    'Lepirudin',
    'Lepirudin is identical to natural hirudin. Bayer ceased the production of lepirudin (Refludan) effective May 31, 2012.',
    ['Refludan | drug-description:also-known-as'],
  ],
];
const notTheDrug: Case[] = [
  // The "also known as" names the receptor, not the drug.
  [
    'Basiliximab',
    'A recombinant chimeric monoclonal antibody that functions as an immunosuppressive agent, specifically binding to and blocking the interleukin-2 receptor a-chain (IL-2R alpha, also known as CD25 antigen) on the surface of activated T-lymphocytes.',
    [],
  ],
  ['Cinacalcet', 'Cinacalcet (INN) is a drug that acts as a calcimimetic.', []],
  // "LMWH" abbreviates "low molecular weight heparin", not the drug "Heparin".
  ['Heparin', 'Heparin is an anticoagulant; low molecular weight heparin (LMWH) is a fraction of it.', []],
  ['Cetuximab', 'Epidermal growth factor receptor binding FAB.', []],
];

describe.each([
  ['reads brand and trade names in each way descriptions write them', brandNames],
  [
    'reads "also known as", "X or Y" openings, earlier codes and a name in parentheses after the drug',
    alsoKnownAs,
  ],
  ['ignores names given for something else, naming authorities and prose', notTheDrug],
] as const)('drugDescriptionSynonyms %s', (_behaviour, cases) => {
  it.each(cases)('%s', (drug, description, synonyms) => {
    expect(texts(drug, description)).toEqual(synonyms);
  });
});

describe('definedAbbreviations and abbreviates', () => {
  it('offers the phrases before a parenthesised abbreviation, shortest first', () => {
    const [found] = definedAbbreviations(
      'The orally administered drug is intended to treat amyotrophic lateral sclerosis (ALS).',
    );
    expect(found?.abbreviation).toBe('ALS');
    expect(found?.longForms.slice(0, 4)).toEqual([
      'sclerosis',
      'lateral sclerosis',
      'amyotrophic lateral sclerosis',
      'treat amyotrophic lateral sclerosis',
    ]);
    expect(definedAbbreviations('a reduction in bone mineral density (BMD) and (x) or (Ab)')).toHaveLength(1);
  });

  it('accepts a long form that starts with the first letter and holds the rest in order', () => {
    expect(abbreviates('ALS', 'amyotrophic lateral sclerosis')).toBe(true);
    expect(abbreviates('HIV-1', 'Human Immunodeficiency Virus Type 1')).toBe(true);
    expect(abbreviates('CSF', 'cerebrospinal fluid')).toBe(true);
    expect(abbreviates('CSF', 'abnormality of the cerebrospinal fluid')).toBe(false);
    expect(abbreviates('ALS', 'sclerosis')).toBe(false);
    expect(abbreviates('MS', 'amyotrophic lateral sclerosis')).toBe(false);
  });
});

describe('infectionForm', () => {
  it('says a DO "infectious disease" name as an infection', () => {
    expect(infectionForm('Human immunodeficiency virus infectious disease')).toBe(
      'Human immunodeficiency virus infection',
    );
    expect(infectionForm('viral infectious disease')).toBe('viral infection');
    expect(infectionForm('infectious disease')).toBeUndefined();
    expect(infectionForm('tuberculosis')).toBeUndefined();
  });
});
