import { describe, expect, it } from 'vitest';
import { characterTrigrams, textTerms, tokenizeText } from '../../src/encoders/text-tokenizer.js';

describe('tokenizeText', () => {
  it('keeps biomedical tokens whole and adds the parts of hyphenated compounds', () => {
    expect(tokenizeText('IL-6 binds the TP53 promoter; 5-HT2A and COVID-19 at 2.5 mg')).toEqual({
      words: ['il-6', 'binds', 'tp53', 'promoter', '5-ht2a', 'covid-19', '2.5', 'mg'],
      parts: ['il', '6', '5', 'ht2a', 'covid', '19'],
    });
  });

  it('is Unicode-aware: NFKC, lower case, accented and Greek letters', () => {
    expect(tokenizeText('Sjögren Syndrome: α-Synuclein ＴＮＦ').words).toEqual([
      'sjögren',
      'syndrome',
      'α-synuclein',
      'tnf',
    ]);
  });

  it('drops stop words before forming bigrams', () => {
    const terms = textTerms(tokenizeText('regulation of the insulin receptor'));
    expect(terms).toEqual(['regulation', 'insulin', 'receptor', 'regulation insulin', 'insulin receptor']);
  });

  it('finds nothing in punctuation-only text', () => {
    expect(tokenizeText(' -- ;; !! ')).toEqual({ words: [], parts: [] });
  });
});

describe('characterTrigrams', () => {
  it('marks word boundaries', () => {
    expect(characterTrigrams('il-6')).toEqual(['<il', 'il-', 'l-6', '-6>']);
    expect(characterTrigrams('a')).toEqual(['<a>']);
  });
});
