import { describe, expect, it } from 'vitest';
import {
  estimateMessageTokens,
  estimateTokens,
  evidenceBudget,
  fitEvidence,
} from '../../src/llm/prompt-budget.js';

describe('estimateTokens', () => {
  it('counts 3 characters a token plus 10 %, rounded up', () => {
    expect(estimateTokens('')).toBe(0);
    expect(estimateTokens('abc')).toBe(2); // 1 × 1.1 → 2
    expect(estimateTokens('x'.repeat(300))).toBe(110);
  });

  it('overestimates typical English prose relative to ~4 characters a token', () => {
    const prose =
      'Imatinib inhibits the BCR-ABL tyrosine kinase and is used to treat chronic myeloid leukemia.';
    expect(estimateTokens(prose)).toBeGreaterThan(prose.length / 4);
  });

  it('adds a per-message overhead', () => {
    expect(
      estimateMessageTokens([
        { role: 'user', content: 'abc' },
        { role: 'system', content: '' },
      ]),
    ).toBe(2 + 4 + 4);
  });
});

describe('fitEvidence', () => {
  const item = (id: string, score: number, length: number) => ({ id, score, text: 'x'.repeat(length) });
  const render = (each: { text: string }) => each.text;

  it('keeps the highest scores that fit and reports the rest', () => {
    const items = [item('E3', 0.2, 30), item('E1', 0.9, 30), item('E2', 0.5, 30)];
    const result = fitEvidence(items, 25, render); // 30 chars → 11 tokens each
    expect(result.kept.map((each) => each.id)).toEqual(['E1', 'E2']);
    expect(result.dropped.map((each) => each.id)).toEqual(['E3']);
    expect(result.usedTokens).toBe(22);
  });

  it('skips an item that is too long and keeps smaller lower-scoring ones', () => {
    const result = fitEvidence([item('big', 0.9, 3_000), item('small', 0.1, 3)], 100, render);
    expect(result.kept.map((each) => each.id)).toEqual(['small']);
    expect(result.dropped.map((each) => each.id)).toEqual(['big']);
  });

  it('keeps input order for equal scores and keeps nothing with a zero budget', () => {
    const items = [item('a', 0.5, 3), item('b', 0.5, 3)];
    expect(fitEvidence(items, 100, render).kept.map((each) => each.id)).toEqual(['a', 'b']);
    expect(fitEvidence(items, 0, render).kept).toEqual([]);
  });
});

describe('evidenceBudget', () => {
  it('reserves the answer and the fixed prompt, never below zero', () => {
    const fixedMessages = [{ role: 'system' as const, content: 'x'.repeat(300) }]; // 110 + 4
    expect(evidenceBudget({ contextTokens: 1_000, maxOutputTokens: 200, fixedMessages })).toBe(686);
    expect(evidenceBudget({ contextTokens: 100, maxOutputTokens: 200, fixedMessages })).toBe(0);
  });
});
