import { describe, expect, it } from 'vitest';
import { createEntityLinker } from '../../src/linking/entity-linker.js';
import type { NameEntry } from '../../src/store/name-lookup.js';

const entry = (nodeIndex: number, type: string, name: string, id: string): NameEntry => ({
  nodeIndex,
  type,
  name,
  id,
  aliases: [],
});

const linker = createEntityLinker([
  entry(1, 'disease', 'type 2 diabetes mellitus', 'DOID:9352'),
  entry(2, 'effect/phenotype', 'Type II diabetes mellitus', 'HP:0005978'),
  entry(3, 'disease', "Crohn's disease", 'DOID:8778'),
  entry(4, 'disease', 'lung disease', 'DOID:850'),
  entry(5, 'disease', 'Marfan syndrome', 'DOID:14323'),
  entry(6, 'disease', 'irritable bowel syndrome', 'DOID:9778'),
  // Two different names shorten to "long QT": neither gets the short form.
  entry(7, 'disease', 'long QT syndrome', 'DOID:2843'),
  entry(8, 'effect/phenotype', 'long QT disorder', 'HP:0000001'),
  // A node already named by the short form keeps it.
  entry(9, 'disease', 'retinitis pigmentosa', 'DOID:10584'),
  entry(10, 'disease', 'retinitis pigmentosa syndrome', 'DOID:0000001'),
  entry(11, 'gene/protein', 'TNF', '7124'),
]);

const spans = (text: string) =>
  linker.link(text).spans.map((span) => ({
    surface: span.surface,
    ids: span.candidates.map((candidate) => candidate.id),
    score: span.candidates[0]!.score,
    matchedBy: span.candidates[0]!.matchedBy,
  }));

describe('createEntityLinker: names shortened by a generic last word', () => {
  it('links "type 2 diabetes" to the diabetes mellitus nodes, below an exact name', () => {
    expect(spans('Which drugs treat type 2 diabetes?')).toEqual([
      { surface: 'type 2 diabetes', ids: ['DOID:9352', 'HP:0005978'], score: 0.85, matchedBy: 'synonym' },
    ]);
    expect(spans('type II diabetes and TNF')[0]?.ids[0]).toBe('DOID:9352');
  });

  it('still links the full name exactly', () => {
    expect(spans('type 2 diabetes mellitus')[0]).toMatchObject({
      surface: 'type 2 diabetes mellitus',
      score: 1,
    });
  });

  it('drops "disease" only after a possessive eponym', () => {
    expect(spans("patients with Crohn's")[0]).toMatchObject({ ids: ['DOID:8778'], matchedBy: 'synonym' });
    expect(spans('the lung of a smoker')).toEqual([]);
  });

  it('drops "syndrome" or "disorder" after two or more words, not after one plain word', () => {
    expect(spans('irritable bowel in adults')[0]).toMatchObject({ ids: ['DOID:9778'] });
    expect(spans('Marfan patients')).toEqual([]);
  });

  it('leaves a short form that two names share, or that names another node, alone', () => {
    expect(spans('a long QT interval')).toEqual([]);
    expect(spans('retinitis pigmentosa')[0]).toMatchObject({ ids: ['DOID:10584'], score: 1 });
  });

  it('does not correct typos in a short form', () => {
    expect(spans('irritable bowle in adults')).toEqual([]);
  });
});
