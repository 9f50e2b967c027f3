import { describe, expect, it } from 'vitest';
import { linkCandidates } from '../../../src/agents/qa/phrase-linking.js';
import { createEntityLinker } from '../../../src/linking/entity-linker.js';
import { createNameLookup, type NameEntry } from '../../../src/store/name-lookup.js';

/** Names as DO/HPO/pathway sources write them, including a pathway named with its acronym. */
const ENTRIES: NameEntry[] = [
  [1, 'DOID:332', 'disease', 'amyotrophic lateral sclerosis'],
  [2, 'WP2447', 'pathway', 'Amyotrophic lateral sclerosis (ALS)'],
  [3, 'DOID:2377', 'disease', 'multiple sclerosis'],
  [4, 'DOID:8712', 'disease', 'neurofibromatosis'],
  [5, 'DOID:2531', 'disease', 'hematologic cancer'],
  [6, 'DOID:10608', 'disease', 'celiac disease'],
  [7, 'DOID:13250', 'disease', 'diarrhea'],
  [8, 'DOID:5041', 'disease', 'esophageal cancer'],
  [9, 'DOID:2508', 'disease', "Takayasu's arteritis"],
  [10, 'DOID:9352', 'disease', 'type 2 diabetes mellitus'],
  [11, '4771', 'gene/protein', 'NF2'],
  [12, 'DOID:9744', 'disease', 'type 1 diabetes mellitus'],
  [13, 'HP:0100651', 'effect/phenotype', 'Type I diabetes mellitus'],
].map(([nodeIndex, id, type, name]) => ({
  nodeIndex: nodeIndex as number,
  id: id as string,
  type: type as string,
  name: name as string,
  aliases: [],
}));
const lookup = createNameLookup(ENTRIES, { typePriority: ['drug', 'gene/protein', 'disease'] });
const linker = createEntityLinker(ENTRIES);
const names = (phrase: string, type?: string) =>
  linkCandidates(lookup, phrase, type, linker).map((candidate) => candidate.name);

describe('linkCandidates: names as outside sets write them', () => {
  it.each([
    ['amyotrophic lateral sclerosis (ALS)', 'amyotrophic lateral sclerosis'],
    ['Amyotrophic Lateral Sclerosis (ALS)', 'amyotrophic lateral sclerosis'],
    ['multiple sclerosis (MS)', 'multiple sclerosis'],
    ['multiple sclerosis (relapsing-remitting)', 'multiple sclerosis'],
  ])('a name with an aside in parentheses reads as the name first: %s', (phrase, name) => {
    expect(names(phrase)[0]).toBe(name);
  });

  it('keeps the whole text as another reading when a node has it as its name', () => {
    expect(names('Amyotrophic lateral sclerosis (ALS)')).toContain('Amyotrophic lateral sclerosis (ALS)');
  });

  it.each([
    ['haematological cancer', 'hematologic cancer'],
    ['hematological cancer', 'hematologic cancer'],
    ['coeliac disease', 'celiac disease'],
    ['diarrhoea', 'diarrhea'],
    ['oesophageal cancer', 'esophageal cancer'],
    ['Takayasu arteritis', "Takayasu's arteritis"],
    ['Takayasus arteritis', "Takayasu's arteritis"],
    ['type II diabetes', 'type 2 diabetes mellitus'],
    ['Type 2 Diabetes', 'type 2 diabetes mellitus'],
  ])('British spellings, -ological, possessives and numerals: %s', (phrase, name) => {
    expect(names(phrase)[0]).toBe(name);
  });

  it.each(['type I diabetes mellitus', 'Type 1 diabetes mellitus', 'type 1 diabetes'])(
    'offers both readings when the numeral is written two ways by two sources: %s',
    (phrase) => {
      expect(names(phrase)).toEqual(expect.arrayContaining(['type 1 diabetes mellitus']));
      expect(names(phrase, 'disease')[0]).toBe('type 1 diabetes mellitus');
    },
  );

  it.each([
    'neurofibromatosis 2',
    'neurofibromatosis type II',
    'Neurofibromatosis type 2',
    'neurofibromatosis II',
  ])('never drops a subtype number to reach the general name: %s', (phrase) => {
    expect(names(phrase, 'disease')).not.toContain('neurofibromatosis');
  });
});
