import { describe, expect, it } from 'vitest';
import {
  createNameLookup,
  nameEntrySchema,
  requiresExactCase,
  type NameEntry,
} from '../../src/store/name-lookup.js';
import { normalizeKey } from '../../src/store/text-normalize.js';

const entries: NameEntry[] = [
  {
    nodeIndex: 1,
    type: 'gene/protein',
    name: 'TP53',
    id: '7157',
    aliases: ['P04637', 'p53', 'tumor protein p53'],
  },
  { nodeIndex: 2, type: 'gene/protein', name: 'TP63', id: '8626', aliases: ['Q9H3D4'] },
  { nodeIndex: 3, type: 'gene/protein', name: 'TNF', id: '7124', aliases: ['P01375', 'TNF-alpha', 'TNFA'] },
  { nodeIndex: 4, type: 'gene/protein', name: 'CAT', id: '847', aliases: ['P04040'] },
  { nodeIndex: 5, type: 'gene/protein', name: 'SET', id: '6418', aliases: [] },
  { nodeIndex: 6, type: 'gene/protein', name: 'MET', id: '4233', aliases: [] },
  { nodeIndex: 7, type: 'gene/protein', name: 'IMPACT', id: '55364', aliases: [] },
  { nodeIndex: 8, type: 'gene/protein', name: 'ABL1', id: '25', aliases: ['P00519'] },
  { nodeIndex: 9, type: 'gene/protein', name: 'EGFR', id: '1956', aliases: ['P00533'] },
  { nodeIndex: 20, type: 'drug', name: 'Imatinib', id: 'DB00619', aliases: ['Gleevec', 'STI-571'] },
  { nodeIndex: 21, type: 'drug', name: 'Acetylsalicylic acid', id: 'DB00945', aliases: ['Aspirin'] },
  { nodeIndex: 22, type: 'drug', name: 'Imatinib mesylate', id: 'DB99999', aliases: [] },
  { nodeIndex: 30, type: 'disease', name: "Alzheimer's disease", id: 'DOID:10652', aliases: [] },
  { nodeIndex: 31, type: 'disease', name: 'breast cancer', id: 'DOID:1612', aliases: [] },
  { nodeIndex: 32, type: 'disease', name: 'cancer', id: 'DOID:162', aliases: [] },
  { nodeIndex: 33, type: 'disease', name: 'asthma', id: 'DOID:2841', aliases: [] },
  { nodeIndex: 34, type: 'disease', name: 'type 2 diabetes mellitus', id: 'DOID:9352', aliases: [] },
  { nodeIndex: 35, type: 'disease', name: "Parkinson's disease", id: 'DOID:14330', aliases: [] },
  { nodeIndex: 40, type: 'effect/phenotype', name: 'Asthma', id: 'HP:0002099', aliases: [] },
  { nodeIndex: 41, type: 'effect/phenotype', name: 'Breast carcinoma', id: 'HP:0003002', aliases: [] },
  { nodeIndex: 50, type: 'cellular_component', name: 'cell', id: 'GO:0005623', aliases: [] },
  { nodeIndex: 51, type: 'molecular_function', name: 'binding', id: 'GO:0005488', aliases: [] },
  { nodeIndex: 60, type: 'variant', name: 'rs429358', id: 'rs429358', aliases: ['APOE ε4 allele'] },
  { nodeIndex: 70, type: 'pathway', name: 'Apoptosis', id: 'REACT_578', aliases: [] },
  {
    nodeIndex: 71,
    type: 'biological_process',
    name: 'apoptotic process',
    id: 'GO:0006915',
    aliases: ['Apoptosis'],
  },
];

const index = createNameLookup(entries);
const first = (query: string, options?: Parameters<typeof index.lookup>[1]) =>
  index.lookup(query, options)[0];

describe('createNameLookup', () => {
  it('counts entries, surfaces and normalized keys', () => {
    expect(index.size.entries).toBe(entries.length);
    // names + ids + aliases, minus the variant whose id equals its name
    const surfaces = entries.reduce((sum, entry) => sum + 2 + entry.aliases.length, 0) - 1;
    expect(index.size.surfaces).toBe(surfaces);
    // Two merges ("Asthma"/"asthma", "Apoptosis" twice) and two possessive keys cancel out.
    const strings = entries.flatMap((entry) => [entry.name, entry.id, ...entry.aliases]);
    const keys = new Set(strings.map(normalizeKey));
    for (const text of strings) if (text.includes("'s")) keys.add(normalizeKey(text.replace("'s", '')));
    expect(index.size.keys).toBe(keys.size);
    expect(keys.size).toBe(surfaces);
  });

  it('validates entries with its schema', () => {
    expect(nameEntrySchema.safeParse(entries[0]).success).toBe(true);
    expect(nameEntrySchema.safeParse({ ...entries[0], nodeIndex: -1 }).success).toBe(false);
  });
});

describe('lookup', () => {
  it('finds a synonym mined at ingest, below the score of a name', () => {
    const withSynonyms = createNameLookup([
      ...entries,
      {
        nodeIndex: 23,
        type: 'drug',
        name: 'Atorvastatin',
        id: 'DB01076',
        aliases: [],
        synonyms: [{ text: 'Lipitor', source: 'drug-description:also-known-as' }],
      },
    ]);
    expect(withSynonyms.lookup('Lipitor')[0]).toMatchObject({
      nodeIndex: 23,
      matched: 'Lipitor',
      matchKind: 'exact',
      score: 0.9,
    });
    expect(withSynonyms.lookup('lipitor')[0]).toMatchObject({ nodeIndex: 23, score: 0.855 });
    expect(withSynonyms.lookup('Atorvastatin')[0]).toMatchObject({ nodeIndex: 23, score: 1 });
    expect(index.lookup('Lipitor', { fuzzy: 'never' })).toEqual([]);
  });

  it('finds exact names with score 1', () => {
    expect(first('TP53')).toEqual({
      nodeIndex: 1,
      type: 'gene/protein',
      name: 'TP53',
      id: '7157',
      matched: 'TP53',
      matchKind: 'exact',
      score: 1,
    });
  });

  it('ranks exact over case-insensitive matches', () => {
    expect(first('tp53')).toMatchObject({ nodeIndex: 1, matchKind: 'case-insensitive', score: 0.95 });
    const asthma = index.lookup('asthma');
    expect(asthma.map((candidate) => [candidate.nodeIndex, candidate.matchKind])).toEqual([
      [33, 'exact'],
      [40, 'case-insensitive'],
    ]);
    expect(index.lookup('Asthma').map((candidate) => candidate.nodeIndex)).toEqual([40, 33]);
  });

  it('folds punctuation, whitespace, apostrophes and Greek letters', () => {
    for (const query of ['TNF alpha', 'TNFα', 'tnf ALPHA', 'TNF‐α']) {
      expect(first(query), query).toMatchObject({
        nodeIndex: 3,
        matchKind: 'normalized',
        matched: 'TNF-alpha',
        score: 0.9,
      });
    }
    expect(first('alzheimers disease')).toMatchObject({ nodeIndex: 30, matchKind: 'normalized' });
    expect(first('Parkinson disease')).toMatchObject({ nodeIndex: 35, matchKind: 'normalized' });
    expect(first('parkinsons disease')).toMatchObject({ nodeIndex: 35, matchKind: 'normalized' });
    expect(first('APOE e4 allele')).toBeUndefined();
    expect(first('APOE epsilon 4 allele')).toMatchObject({ nodeIndex: 60, matchKind: 'normalized' });
  });

  it('finds typos by trigram candidates and edit similarity', () => {
    const imatinib = first('imatinb');
    expect(imatinib).toMatchObject({ nodeIndex: 20, matchKind: 'fuzzy', matched: 'Imatinib' });
    expect(imatinib!.score).toBeCloseTo(0.85 * (1 - 1 / 8), 6);
    expect(first('imatnib')).toMatchObject({ nodeIndex: 20, matchKind: 'fuzzy' }); // transposition
    expect(first('Alzheimers desease')).toMatchObject({ nodeIndex: 30, matchKind: 'fuzzy' });
    expect(first('gleevac')).toMatchObject({ nodeIndex: 20, matchKind: 'fuzzy', matched: 'Gleevec' });
    expect(index.lookup('zzzzqqqq')).toEqual([]);
  });

  it('tries fuzzy matches only as a fallback unless asked', () => {
    expect(index.lookup('TP53').map((candidate) => candidate.nodeIndex)).toEqual([1]);
    const always = index.lookup('TP53', { fuzzy: 'always' });
    expect(always.map((candidate) => [candidate.nodeIndex, candidate.matchKind])).toEqual([
      [1, 'exact'],
      [2, 'fuzzy'],
    ]);
    expect(always[1]!.score).toBeCloseTo(0.85 * 0.75, 6);
    expect(first('TP35')).toMatchObject({ nodeIndex: 1, matchKind: 'fuzzy' });
    expect(index.lookup('EGFR1', { fuzzy: 'always' }).map((candidate) => candidate.nodeIndex)).toEqual([9]);
    expect(index.lookup('imatinb', { fuzzy: 'never' })).toEqual([]);
    expect(index.lookup('imatinb', { minFuzzySimilarity: 0.9 })).toEqual([]);
  });

  it('leaves short keys out of fuzzy matching', () => {
    expect(index.lookup('TP5')).toEqual([]);
  });

  it('matches ids and aliases', () => {
    expect(first('P04637')).toMatchObject({ nodeIndex: 1, matchKind: 'exact', matched: 'P04637' });
    expect(first('DB00619')).toMatchObject({ nodeIndex: 20, matchKind: 'exact', matched: 'DB00619' });
    expect(first('db00619')).toMatchObject({ nodeIndex: 20, matchKind: 'case-insensitive' });
    expect(first('aspirin')).toMatchObject({
      nodeIndex: 21,
      matched: 'Aspirin',
      name: 'Acetylsalicylic acid',
    });
    expect(first('DOID:1612')).toMatchObject({ nodeIndex: 31 });
    expect(first('rs429358')).toMatchObject({ nodeIndex: 60, matchKind: 'exact' });
    expect(first('STI571')).toMatchObject({ nodeIndex: 20, matchKind: 'normalized' });
  });

  it('filters by type', () => {
    expect(
      index.lookup('asthma', { types: ['effect/phenotype'] }).map((candidate) => candidate.nodeIndex),
    ).toEqual([40]);
    expect(index.lookup('TP53', { types: ['drug'] })).toEqual([]);
    expect(index.lookup('imatinb', { types: ['disease'] })).toEqual([]);
  });

  it('breaks ties deterministically: name before alias, then shorter name, then type priority', () => {
    // "Apoptosis" is the pathway's name and an alias of the GO process.
    expect(index.lookup('Apoptosis').map((candidate) => candidate.nodeIndex)).toEqual([70, 71]);
    const twins = createNameLookup(
      [
        { nodeIndex: 9, type: 'effect/phenotype', name: 'Fever', id: 'HP:1', aliases: [] },
        { nodeIndex: 3, type: 'disease', name: 'Fever', id: 'DOID:1', aliases: [] },
        { nodeIndex: 5, type: 'disease', name: 'Fever', id: 'DOID:2', aliases: [] },
      ],
      { typePriority: ['effect/phenotype'] },
    );
    expect(twins.lookup('Fever').map((candidate) => candidate.nodeIndex)).toEqual([9, 3, 5]);
    const plain = createNameLookup([
      { nodeIndex: 9, type: 'effect/phenotype', name: 'Fever', id: 'HP:1', aliases: [] },
      { nodeIndex: 3, type: 'disease', name: 'Fever', id: 'DOID:1', aliases: [] },
    ]);
    expect(plain.lookup('Fever').map((candidate) => candidate.nodeIndex)).toEqual([3, 9]);
  });

  it('honours the limit and ignores blank queries', () => {
    expect(index.lookup('asthma', { limit: 1 })).toHaveLength(1);
    expect(index.lookup('   ')).toEqual([]);
    expect(first('  TP53 ')).toMatchObject({ nodeIndex: 1, matchKind: 'exact' });
  });
});

describe('findMentions', () => {
  const mentions = (text: string, options?: Parameters<typeof index.findMentions>[1]) =>
    index.findMentions(text, options).map((mention) => [mention.text, mention.candidates[0]?.nodeIndex]);

  it('links a drug in a question and reports offsets', () => {
    const question = 'Which proteins does imatinib target?';
    const found = index.findMentions(question);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ text: 'imatinib', start: 20, end: 28 });
    expect(question.slice(found[0]!.start, found[0]!.end)).toBe('imatinib');
    expect(found[0]!.candidates[0]).toMatchObject({ nodeIndex: 20, matchKind: 'case-insensitive' });
  });

  it('prefers the longest match and skips generic words', () => {
    expect(mentions('What is the role of TP53 in breast cancer?')).toEqual([
      ['TP53', 1],
      ['breast cancer', 31],
    ]);
    expect(mentions('Does imatinib mesylate bind ABL1?')).toEqual([
      ['imatinib mesylate', 22],
      ['ABL1', 8],
    ]);
    expect(mentions('What is the cell binding of the protein?')).toEqual([]);
    expect(mentions('Drugs for type 2 diabetes mellitus')).toEqual([['type 2 diabetes mellitus', 34]]);
  });

  it('matches gene symbols that are English words only in capitals', () => {
    expect(mentions('Does CAT interact with SET, MET or IMPACT?')).toEqual([
      ['CAT', 4],
      ['SET', 5],
      ['MET', 6],
      ['IMPACT', 7],
    ]);
    expect(mentions('The cat met the set; what impact? Met Cat Impact')).toEqual([]);
    expect(requiresExactCase('IMPACT')).toBe(true);
    expect(requiresExactCase('EGFR')).toBe(false);
    expect(requiresExactCase('TP53')).toBe(false);
    expect(requiresExactCase('Imatinib')).toBe(false);
  });

  it('matches longer symbols case-insensitively and normalized names', () => {
    expect(mentions('is egfr or tp53 linked to TNF-α?')).toEqual([
      ['egfr', 9],
      ['tp53', 1],
      ['TNF-α', 3],
    ]);
    expect(mentions("Is TNF alpha raised in Alzheimer's disease?")).toEqual([
      ['TNF alpha', 3],
      ["Alzheimer's disease", 30],
    ]);
  });

  it('matches a name written without its possessive', () => {
    expect(mentions('Which genes are associated with Parkinson disease?')).toEqual([
      ['Parkinson disease', 35],
    ]);
  });

  it('finds ids but not bare numbers', () => {
    expect(mentions('What about rs429358 and DOID:1612, or DB00619?')).toEqual([
      ['rs429358', 60],
      ['DOID:1612', 31],
      ['DB00619', 20],
    ]);
    expect(mentions('Name 7157 or 25 genes')).toEqual([]);
  });

  it('filters by type and keeps ambiguous candidates', () => {
    expect(mentions('imatinib for asthma and TP53', { types: ['drug'] })).toEqual([['imatinib', 20]]);
    const asthma = index.findMentions('is asthma inherited?')[0]!;
    expect(asthma.candidates.map((candidate) => candidate.nodeIndex)).toEqual([33, 40]);
    expect(
      index.findMentions('is asthma inherited?', { candidatesPerMention: 1 })[0]!.candidates,
    ).toHaveLength(1);
  });

  it('respects maxNgram', () => {
    expect(mentions('Drugs for type 2 diabetes mellitus', { maxNgram: 3 })).toEqual([]);
  });
});

describe('names from last-resort sources (gene alias symbols)', () => {
  // PSEN1's NCBI alias symbols include AD3, which a disease's own definition also abbreviates.
  const withAliasSymbols = createNameLookup([
    ...entries,
    {
      nodeIndex: 40,
      type: 'gene/protein',
      name: 'PSEN1',
      id: '5663',
      aliases: ['P49768'],
      synonyms: [
        { text: 'presenilin 1', source: 'gene-info:full-name' },
        { text: 'AD3', source: 'gene-info:alias-symbol' },
        { text: 'S182', source: 'gene-info:alias-symbol' },
      ],
    },
    {
      nodeIndex: 41,
      type: 'disease',
      name: 'Alzheimer disease 3',
      id: '11913',
      aliases: [],
      synonyms: [{ text: 'AD3', source: 'text:abbreviation' }],
    },
  ]);

  it('never lets an alias symbol win over a KG synonym of the same text', () => {
    const [mention] = withAliasSymbols.findMentions('Which drugs are used for AD3?');
    expect(mention).toMatchObject({ text: 'AD3' });
    expect(mention!.candidates.map((candidate) => candidate.nodeIndex)).toEqual([41]);
    expect(withAliasSymbols.lookup('AD3').map((candidate) => candidate.nodeIndex)).toEqual([41, 40]);
  });

  it('still links an alias symbol no KG name has, as written only', () => {
    const [mention] = withAliasSymbols.findMentions('Is S182 expressed in the brain?');
    expect(mention).toMatchObject({ text: 'S182', candidates: [{ nodeIndex: 40, matched: 'S182' }] });
    expect(withAliasSymbols.findMentions('Is s182 expressed in the brain?')).toEqual([]);
  });

  it('keeps alias symbols out of typo correction', () => {
    expect(withAliasSymbols.lookup('S183', { minFuzzySimilarity: 0.7 })).toEqual([]);
    expect(withAliasSymbols.lookup('PSEN2', { minFuzzySimilarity: 0.7 })[0]).toMatchObject({ nodeIndex: 40 });
  });
});
