import { describe, expect, it } from 'vitest';
import {
  editDistance,
  editSimilarity,
  foldGreek,
  normalizeKey,
  trigrams,
} from '../../src/store/text-normalize.js';

describe('foldGreek', () => {
  it('spells out Greek letters of either case and the micro sign', () => {
    expect(foldGreek('TNF-α')).toBe('TNF-alpha');
    expect(foldGreek('IFN-Γ')).toBe('IFN-gamma');
    expect(foldGreek('µ-opioid, κB, ς')).toBe('mu-opioid, kappaB, sigma');
    expect(foldGreek('plain')).toBe('plain');
  });
});

describe('normalizeKey', () => {
  it('drops case, accents, punctuation and whitespace', () => {
    expect(normalizeKey("Alzheimer's disease")).toBe('alzheimersdisease');
    expect(normalizeKey('alzheimers  disease')).toBe('alzheimersdisease');
    expect(normalizeKey('TNF‐α')).toBe('tnfalpha');
    expect(normalizeKey('Sjögren syndrome')).toBe('sjogrensyndrome');
    expect(normalizeKey('DOID:1612')).toBe('doid1612');
    expect(normalizeKey(' -- ')).toBe('');
  });
});

describe('trigrams', () => {
  it('pads the key and drops repeats', () => {
    expect(trigrams('abc')).toEqual(['\u0002ab', 'abc', 'bc\u0003']);
    expect(trigrams('aaaa')).toEqual(['\u0002aa', 'aaa', 'aa\u0003']);
    expect(trigrams('a')).toEqual(['\u0002a\u0003']);
  });
});

describe('editDistance', () => {
  it('counts insertions, deletions, substitutions and adjacent transpositions', () => {
    expect(editDistance('imatinib', 'imatinb')).toBe(1);
    expect(editDistance('imatinib', 'imatnib')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
  });

  it('stops early past the limit', () => {
    expect(editDistance('kitten', 'sitting', 1)).toBe(2);
    expect(editDistance('a', 'abcdef', 2)).toBe(3);
    expect(editDistance('kitten', 'sitting', 3)).toBe(3);
  });

  it('gives a similarity in [0, 1]', () => {
    expect(editSimilarity('imatinib', 'imatinb')).toBeCloseTo(0.875, 6);
    expect(editSimilarity('', '')).toBe(1);
    expect(editSimilarity('abc', 'xyz')).toBe(0);
  });
});
