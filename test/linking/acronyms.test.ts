import { describe, expect, it } from 'vitest';
import { collectAcronyms, initialsOf, parenthesisedAbbreviations } from '../../src/linking/acronyms.js';

describe('initialsOf', () => {
  it('takes the initials of multi-word names, with numbers, roman "type" numerals and hyphens', () => {
    expect(initialsOf('chronic obstructive pulmonary disease')).toBe('COPD');
    expect(initialsOf('type 2 diabetes')).toBe('T2D');
    expect(initialsOf('type II diabetes mellitus')).toBe('T2DM');
    expect(initialsOf('non-small cell lung carcinoma')).toBe('NSCLC');
    expect(initialsOf("Alzheimer's disease")).toBe('AD');
    expect(initialsOf('disease of the lung')).toBe('DL');
  });

  it('makes none for one word, too long names or too few letters', () => {
    expect(initialsOf('psoriasis')).toBeUndefined();
    expect(initialsOf('a b c d e f g h')).toBeUndefined();
    expect(initialsOf('type 1')).toBeUndefined();
  });

  it('reads abbreviations written in parentheses', () => {
    expect(parenthesisedAbbreviations('amyotrophic lateral sclerosis (ALS) type 1')).toEqual(['ALS']);
    expect(parenthesisedAbbreviations('syndrome (with deafness)')).toEqual([]);
  });
});

describe('collectAcronyms', () => {
  const source = (entry: number, name: string, prominence = 0) => ({
    entry,
    names: [name],
    nameKey: name.toLowerCase(),
    prominence,
  });

  it('never takes a text that already names a node (a gene symbol wins)', () => {
    const acronyms = collectAcronyms([source(0, 'cat allergy test')], (text) => text === 'CAT');
    expect(acronyms.has('CAT')).toBe(false);
  });

  it('gives a shared acronym to the dominant name, or to each of a few contenders (ambiguous)', () => {
    const dominant = collectAcronyms(
      [source(0, 'cystic fibrosis', 900), source(1, 'cardiac fibroma', 20), source(2, 'Cystic fibrosis', 5)],
      () => false,
    );
    // The phenotype of the same name goes with the disease; cardiac fibroma is too little known to contend.
    expect(dominant.get('CF')).toEqual([0, 2]);
    const ambiguous = collectAcronyms(
      [source(0, 'multiple sclerosis', 300), source(1, 'myelodysplastic syndrome', 250)],
      () => false,
    );
    expect(ambiguous.get('MS')).toEqual([0, 1]);
  });

  it('drops an acronym more than three names share about equally', () => {
    const names = ['renal agenesis', 'reactive arthritis', 'rheumatoid arthritis', 'retrograde amnesia'];
    const acronyms = collectAcronyms(
      names.map((name, entry) => source(entry, name, 10)),
      () => false,
    );
    expect(acronyms.has('RA')).toBe(false);
  });

  it('counts what it kept and dropped, per acronym text', () => {
    const counts = { unique: 0, ambiguous: 0, droppedAmbiguous: 0, droppedTaken: 0 };
    const names = ['renal agenesis', 'reactive arthritis', 'rheumatoid arthritis', 'retrograde amnesia'];
    collectAcronyms(
      [
        ...names.map((name, entry) => source(entry, name, 10)),
        source(4, 'multiple sclerosis', 300),
        source(5, 'myelodysplastic syndrome', 250),
        source(6, 'chronic obstructive pulmonary disease', 50),
        source(7, 'cat allergy test'),
      ],
      (text) => text === 'CAT',
      counts,
    );
    expect(counts).toEqual({ unique: 1, ambiguous: 1, droppedAmbiguous: 1, droppedTaken: 1 });
  });
});
