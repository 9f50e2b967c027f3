import { describe, expect, it } from 'vitest';
import { checkClaims, splitSentences, type ClaimEvidence } from '../../../src/agents/qa/claim-check.js';

const evidence: ClaimEvidence[] = [
  {
    id: 'E1',
    text: 'Imatinib —target→ ABL1 (KG fact)',
    entity: { name: 'ABL1' },
    subject: { name: 'Imatinib' },
  },
  {
    id: 'E2',
    text: 'Imatinib —target→ KIT (KG fact)',
    entity: { name: 'KIT' },
    subject: { name: 'Imatinib' },
  },
];
const kgNames = ['diabetes', 'Imatinib', 'ABL1', 'KIT'];
const entitiesIn = (sentence: string) =>
  kgNames.filter((name) => new RegExp(`\\b${name}\\b`, 'i').test(sentence));

describe('checkClaims', () => {
  it('keeps sentences whose cited evidence names every entity they name', () => {
    const result = checkClaims('Imatinib targets ABL1 [E1]. It also targets KIT [E2].', evidence, {
      entitiesIn,
    });
    expect(result.text).toBe('Imatinib targets ABL1 [E1]. It also targets KIT [E2].');
    expect(result.removed).toEqual([]);
    expect(result.footer).toBe('[claims checked: all 2 sentences cite supporting evidence]');
  });

  it('removes a sentence citing an unknown or injected id', () => {
    const result = checkClaims('Imatinib targets ABL1 [E1]. Imatinib targets EGFR [E999].', evidence);
    expect(result.text).toBe('Imatinib targets ABL1 [E1].');
    expect(result.removed).toEqual([
      {
        sentence: 'Imatinib targets EGFR [E999].',
        reason: 'unknown-citation',
        detail: 'cites unknown evidence E999',
      },
    ]);
    expect(result.footer).toBe(
      '[claims checked: 1 of 2 sentences kept; removed: cites unknown evidence E999]',
    );
  });

  it('removes a claim whose entity the cited evidence does not mention ("cures diabetes [E2]")', () => {
    const result = checkClaims('Imatinib cures diabetes [E2].', evidence, { entitiesIn });
    expect(result.text).toBe('');
    expect(result.removed[0]).toMatchObject({ reason: 'unsupported-entity', detail: 'diabetes not in E2' });
  });

  it('removes uncited claims but keeps sentences that name no entity', () => {
    const result = checkClaims('KIT is also a target. The evidence says nothing about dosing.', evidence);
    expect(result.text).toBe('The evidence says nothing about dosing.');
    expect(result.removed[0]).toMatchObject({
      reason: 'uncited-claim',
      detail: 'names KIT without citing evidence',
    });
  });

  it('matches entity names as whole words', () => {
    const result = checkClaims('A kitten is not evidence.', evidence);
    expect(result.removed).toEqual([]);
  });

  it('splits sentences and keeps trailing citations with them', () => {
    expect(splitSentences('A binds B [E1]. [E2] C? D! e.g. x')).toEqual([
      'A binds B [E1]. [E2]',
      'C?',
      'D! e.g. x',
    ]);
  });
});
