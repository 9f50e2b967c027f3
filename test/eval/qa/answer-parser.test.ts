import { describe, expect, it } from 'vitest';
import { parseAnswer } from '../../../src/eval/qa/answer-parser.js';

const options = ['SHTN1', 'HLA-B', 'HLA', 'BTBD9'];

describe('parseAnswer', () => {
  it.each([
    ['True: the knowledge graph states that X is associated with Y.', true],
    ['False.\nEvidence: none', false],
    ['Answer: yes', true],
    ['No, it does not.', false],
    ['**Answer:** False', false],
    ['Based on the evidence, the statement is true.', true],
    ['The knowledge graph cannot say.', undefined],
  ] as const)('verdict of %j is %s', (text, verdict) => {
    expect(parseAnswer(text).verdict).toBe(verdict);
  });

  it.each([
    ['Answer: HLA-B (the knowledge graph links it to psoriasis).', 'HLA-B'],
    ['HLA is the answer', 'HLA'],
    ['The answer is (b).', 'HLA-B'],
    ['b', 'HLA-B'],
    ['Answer: BTBD9\nHLA-B is also linked.', 'BTBD9'],
    ['None of these genes.', undefined],
  ] as const)('choice of %j is %s', (text, choice) => {
    expect(parseAnswer(text, { options }).choice).toBe(choice);
  });

  it('does not read an option inside a longer name', () => {
    expect(
      parseAnswer('HLA-B is associated with both.', { options: ['HLA', 'SHTN1'] }).choice,
    ).toBeUndefined();
  });

  it.each([
    ['iii', 'C3'],
    ['ii) B2', 'B2'],
    ['(v)', 'E5'],
    ['i.', 'A1'],
    ['c', 'C3'],
  ] as const)('reads the roman or letter label %j', (text, choice) => {
    expect(parseAnswer(text, { options: ['A1', 'B2', 'C3', 'D4', 'E5'] }).choice).toBe(choice);
  });

  it('reads "i" as the ninth letter when there are nine options or more', () => {
    const many = ['o1', 'o2', 'o3', 'o4', 'o5', 'o6', 'o7', 'o8', 'o9'];
    expect(parseAnswer('i', { options: many }).choice).toBe('o9');
  });
});
