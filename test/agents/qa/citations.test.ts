import { describe, expect, it } from 'vitest';
import { checkCitations, citedIds, sentencesOf } from '../../../src/agents/qa/citations.js';

describe('citedIds', () => {
  it('reads single, grouped and ranged citations in order of first use', () => {
    expect(citedIds('ABL1 [E2] and KIT [E1, E3]; PDGFRA [E3][E4]. See [E5-E6] and [E7; E2].')).toEqual([
      'E2',
      'E1',
      'E3',
      'E4',
      'E5',
      'E6',
      'E7',
    ]);
  });

  it('ignores brackets that are not only ids', () => {
    expect(citedIds('[see E1] [E0] [e1] [E1a] [1] []')).toEqual([]);
  });
});

describe('checkCitations', () => {
  it('separates valid from unknown ids and counts uncited sentences', () => {
    const text =
      'Imatinib targets ABL1 [E1]. It also binds KIT [E9]. The evidence does not mention dosing.\n- PDGFRA [E2]';
    expect(sentencesOf(text)).toEqual([
      'Imatinib targets ABL1 [E1].',
      'It also binds KIT [E9].',
      'The evidence does not mention dosing.',
      'PDGFRA [E2]',
    ]);
    expect(checkCitations(text, ['E1', 'E2', 'E3'])).toEqual({
      valid: ['E1', 'E2'],
      unknown: ['E9'],
      sentences: 4,
      uncitedSentences: 1,
    });
  });

  it('handles an empty answer', () => {
    expect(checkCitations('', ['E1'])).toEqual({ valid: [], unknown: [], sentences: 0, uncitedSentences: 0 });
  });
});
