import { describe, expect, it } from 'vitest';
import { createEntityLinker } from '../../src/linking/entity-linker.js';
import type { LinkOptions } from '../../src/linking/types.js';
import { linkingEntries } from './linking-fixtures.js';

const linker = createEntityLinker(linkingEntries);

/** [surface, top candidate id, matchedBy] of every span. */
const links = (text: string, options?: LinkOptions) =>
  linker
    .link(text, options)
    .spans.map((span) => [span.surface, span.candidates[0]?.id, span.candidates[0]?.matchedBy]);
const topId = (text: string, options?: LinkOptions) => linker.link(text, options).spans[0]?.candidates[0]?.id;

describe('createEntityLinker: normalisation', () => {
  it.each([
    ["Crohn's disease", 'exact'],
    ["crohn's disease", 'exact'],
    ['Crohn’s disease', 'normalized'],
    ['Crohns disease', 'normalized'],
    ['Crohn disease', 'normalized'],
    ['crohns-disease', 'normalized'],
    ['CROHN DISEASE', 'normalized'],
  ])('apostrophes, case and hyphens: %s', (text, matchedBy) => {
    expect(links(`Does ${text} respond to metronidazole?`)[0]).toEqual([text, 'DOID:8778', matchedBy]);
  });

  it('folds diacritics both ways', () => {
    expect(topId('Sjogren syndrome')).toBe('DOID:12894');
    expect(topId('Sjögren syndrome')).toBe('DOID:12894');
  });

  it.each([
    ['TNF-α', 'TNF'],
    ['TNF alpha', 'TNF'],
    ['TNF-alpha', 'TNF'],
    ['IL-1β', 'IL1B'],
    ['IL1 beta', 'IL1B'],
  ])('reads Greek letters the way gene symbols spell them: %s', (text, symbol) => {
    const span = linker.link(`levels of ${text} rise`).spans[0]!;
    expect(span.surface).toBe(text);
    expect(span.candidates[0]?.name).toBe(symbol);
  });

  it('does not lift a lower-case Greek spelling onto an exact-case symbol', () => {
    expect(links('tnf-α levels')).toEqual([]);
  });

  it.each([['type II diabetes mellitus'], ['type 2 diabetes mellitus'], ['Type II Diabetes Mellitus']])(
    'roman numerals and "type N": %s',
    (text) => {
      const span = linker.link(`drugs for ${text}`).spans[0]!;
      expect(span.surface).toBe(text);
      expect(span.candidates.map((candidate) => candidate.id).sort()).toEqual(['DOID:9352', 'HP:0005978']);
    },
  );

  it('drops "type" before a numeral: "2 diabetes mellitus" and "diabetes mellitus type 2" link too', () => {
    expect(topId('2 diabetes mellitus')).toBe('DOID:9352');
    expect(links('diabetes mellitus type 2 and obesity')[0]?.[0]).toBe('diabetes mellitus type 2');
    expect(topId('mucopolysaccharidosis 2')).toBe('DOID:12799');
    expect(topId('mucopolysaccharidosis type II')).toBe('DOID:12799');
  });

  it('singular and plural', () => {
    expect(links('breast cancers and allergies')).toEqual([
      ['breast cancers', 'DOID:1612', 'normalized'],
      ['allergies', 'DOID:1205', 'normalized'],
    ]);
  });

  it('word order, for names of a few words', () => {
    expect(links('Pakistani type spondyloepimetaphyseal dysplasia')[0]).toEqual([
      'Pakistani type spondyloepimetaphyseal dysplasia',
      'DOID:0070001',
      'normalized',
    ]);
    expect(links('leukemia myeloid chronic')[0]?.[1]).toBe('DOID:8552');
  });

  it('never matches words joined by "and" in another order', () => {
    expect(links('cancer and breast')).toEqual([['cancer', 'DOID:162', 'exact']]);
  });

  it('a name without its parenthetical is a synonym', () => {
    expect(links('mitochondrial complex V deficiency')[0]).toEqual([
      'mitochondrial complex V deficiency',
      'DOID:0070002',
      'synonym',
    ]);
  });

  it('typos within one or two edits match fuzzily, with a lower score', () => {
    const span = linker.link('imatnib for chronic myelod leukemia').spans;
    expect(span.map((item) => [item.surface, item.candidates[0]?.id, item.candidates[0]?.matchedBy])).toEqual(
      [
        ['imatnib', 'DB00619', 'fuzzy'],
        ['chronic myelod leukemia', 'DOID:8552', 'fuzzy'],
      ],
    );
    for (const item of span) expect(item.candidates[0]!.score).toBeLessThan(0.85);
    expect(linker.link('imatnib', { fuzzy: false }).spans).toEqual([]);
  });

  it('short words are never corrected (one edit from too many others)', () => {
    expect(links('the cat sat')).toEqual([]);
  });
});

describe('createEntityLinker: spans', () => {
  it('reports offsets into the text', () => {
    const text = 'Is imatinib used for breast cancer?';
    for (const span of linker.link(text).spans) expect(text.slice(span.start, span.end)).toBe(span.surface);
  });

  it('prefers the longest span: "breast cancer" over "cancer"', () => {
    expect(links('risk of breast cancer in carriers')).toEqual([['breast cancer', 'DOID:1612', 'exact']]);
  });

  it('keeps exact-case rules for short symbols: CAT only as written', () => {
    expect(links('CAT activity')).toEqual([['CAT', '847', 'exact']]);
    expect(links('a cat')).toEqual([]);
  });

  it('does not cross sentence ends', () => {
    expect(links('It is breast. Cancer is common')).toEqual([['Cancer', 'DOID:162', 'exact']]);
  });

  it('returns nothing for empty or name-free text', () => {
    expect(linker.link('')).toEqual({ text: '', spans: [], ambiguous: false, unlinked: [] });
    expect(linker.link('what is going on here?').spans).toEqual([]);
  });
});

describe('createEntityLinker: generic one-word nodes', () => {
  it('does not link "syndrome" inside a syndrome name the KG lacks, and reports the phrase', () => {
    for (const text of ['KLEEFSTRA SYNDROME 1', 'enhanced S-cone syndrome', 'Kleefstra syndrome type 1']) {
      const result = linker.link(`What is ${text}?`);
      expect(result.spans, text).toEqual([]);
      expect(
        result.unlinked.map((span) => [span.surface, span.head]),
        text,
      ).toEqual([[text, 'syndrome']]);
    }
  });

  it('still links a generic node used alone', () => {
    expect(links('Which drugs treat cancer?')).toEqual([['cancer', 'DOID:162', 'exact']]);
    expect(linker.link('Which drugs treat cancer?').unlinked).toEqual([]);
  });

  it('does not link a generic node used as a class noun ("which syndrome")', () => {
    expect(links('Which syndrome is caused by SMAD4?')).toEqual([['SMAD4', '4089', 'exact']]);
  });

  it('a longer known name wins over its generic head', () => {
    expect(links('Marfan syndrome and syndrome X')).toEqual([['Marfan syndrome', 'DOID:14323', 'exact']]);
  });
});

describe('createEntityLinker: ambiguity and type preference', () => {
  it('reports a disease and a phenotype of the same name as ambiguous, disease first', () => {
    const result = linker.link("metronidazole treats Crohn's disease");
    expect(result.ambiguous).toBe(true);
    const span = result.spans[1]!;
    expect(span.ambiguous).toBe(true);
    expect(span.candidates.map((candidate) => candidate.type)).toEqual(['disease', 'effect/phenotype']);
  });

  it('reports a gene symbol that is also a phenotype abbreviation as ambiguous', () => {
    const span = linker.link('PAH levels').spans[0]!;
    expect(span.ambiguous).toBe(true);
    expect(span.candidates.map((candidate) => candidate.id).sort()).toEqual(['5053', 'HP:0002092']);
  });

  it('a neighbouring word resolves it: "gene PAH", "PAH gene"', () => {
    for (const text of ['Gene PAH is associated with phenylketonuria', 'the PAH gene']) {
      const span = linker.link(text).spans.find((item) => item.surface === 'PAH')!;
      expect(span.ambiguous, text).toBe(false);
      expect(span.candidates[0]?.type, text).toBe('gene/protein');
    }
  });

  it('a caller preference resolves it', () => {
    const span = linker.link('PAH', { preferTypes: ['effect/phenotype'] }).spans[0]!;
    expect(span.ambiguous).toBe(false);
    expect(span.candidates[0]?.id).toBe('HP:0002092');
  });

  it('a preference never lifts a much worse match over an exact one', () => {
    expect(topId('imatinib', { preferTypes: ['gene/protein'] })).toBe('DB00619');
  });

  it('a type filter keeps only those types', () => {
    const span = linker.link("Crohn's disease", { types: ['effect/phenotype'] }).spans[0]!;
    expect(span.candidates.map((candidate) => candidate.id)).toEqual(['HP:0100280']);
    expect(span.ambiguous).toBe(false);
  });

  it('limits candidates per span', () => {
    expect(linker.link("Crohn's disease", { maxCandidates: 1 }).spans[0]!.candidates).toHaveLength(1);
  });
});

describe('createEntityLinker: identifiers', () => {
  it.each([
    ['DOID:8778', 'DOID:8778', 'id'],
    ['doid:8778', 'DOID:8778', 'id'],
    ['DOID 8778', 'DOID:8778', 'id'],
    ['HP:0100280', 'HP:0100280', 'id'],
    ['GO:0006915', 'GO:0006915', 'id'],
    ['DB00619', 'DB00619', 'id'],
    ['P04637', '7157', 'id'],
    ['rs7903146', 'rs7903146', 'exact'],
  ])('%s', (text, id, matchedBy) => {
    expect(links(`what about ${text}?`)).toEqual([[text, id, matchedBy]]);
  });

  it('links an Entrez id only after a cue', () => {
    expect(links('Entrez gene 7157 and NCBIGene:4089')).toEqual([
      ['7157', '7157', 'id'],
      ['NCBIGene:4089', '4089', 'id'],
    ]);
    expect(links('there are 7157 patients')).toEqual([]);
    expect(links('gene id: 7157')).toEqual([['7157', '7157', 'id']]);
  });
});

describe('createEntityLinker: resolve', () => {
  it('resolves a whole string as one name', () => {
    expect(linker.resolve('crohns disease').map((candidate) => candidate.id)).toEqual([
      'DOID:8778',
      'HP:0100280',
    ]);
    expect(linker.resolve('HLA-B')[0]?.id).toBe('3106');
    expect(linker.resolve('  ')).toEqual([]);
    expect(linker.resolve('breast cancer risk')).toEqual([]);
  });

  it('resolves a bare Entrez id only when a gene is expected', () => {
    expect(linker.resolve('7157')).toEqual([]);
    expect(linker.resolve('7157', { types: ['gene/protein'] })[0]?.name).toBe('TP53');
  });
});

describe('createEntityLinker: spelling variants', () => {
  it('reads British spellings as American ones', () => {
    expect(links('chronic myeloid leukaemia')).toEqual([
      ['chronic myeloid leukaemia', 'DOID:8552', 'normalized'],
    ]);
  });
});

describe('createEntityLinker: acronyms derived from names', () => {
  it('links an acronym written in capitals to the name it abbreviates, as a synonym', () => {
    expect(topId('Is metformin used for T2D?')).toBe('DOID:9352');
    const span = linker.link('patients with T2DM').spans[0]!;
    expect(span.candidates[0]).toMatchObject({ id: 'DOID:9352', matchedBy: 'synonym' });
    expect(span.candidates[0]!.score).toBeLessThan(0.9);
    // Not in lower case: "t2d" is not written as an acronym.
    expect(linker.link('t2d').spans).toEqual([]);
  });

  it('keeps an exact gene symbol over an acronym', () => {
    expect(topId('CAT activity')).toBe('847');
  });
});
