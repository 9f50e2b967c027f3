import { describe, expect, it } from 'vitest';
import { classifyQuestion, retrievalTargets } from '../../../src/agents/qa/question-intent.js';
import { buildGraph } from '../../retrieval/retrieval-world.js';

const graph = buildGraph();

describe('classifyQuestion', () => {
  it.each([
    ['Which proteins does imatinib target?', ['targets', 'genes']],
    ['What diseases is gene ABL1 associated with?', ['diseases', 'genes']],
    ['What does ABL1 do?', ['function']],
    ['What are the side effects of aspirin?', ['side-effects']],
    ['What is imatinib used for?', ['treatment']],
    ['Which drugs treat CML?', ['treatment', 'drugs']],
    ['Tell me about aspirin', []],
  ])('%s → %j', (question, intents) => {
    expect(classifyQuestion(question)).toEqual(intents);
  });
});

describe('retrievalTargets', () => {
  const targets = (headType: string, question: string) =>
    retrievalTargets(graph, headType, classifyQuestion(question)).map(
      (target) => `${target.tailType}:${target.relations.join('+')}`,
    );

  it('puts what the question asks for first, within what the KG has for the head type', () => {
    expect(targets('drug', 'Which proteins does imatinib target?')).toEqual([
      'gene/protein:target',
      'disease:indication',
      'effect/phenotype:side effect',
    ]);
    expect(targets('gene/protein', 'What diseases is gene ABL1 associated with?')).toEqual([
      'disease:associated with',
      'gene/protein:ppi',
      'biological_process:interacts with',
    ]);
    expect(targets('gene/protein', 'What does ABL1 do?')).toEqual([
      'biological_process:interacts with',
      'disease:associated with',
      'drug:target',
    ]);
    expect(targets('drug', 'What are the side effects of aspirin?')[0]).toBe('effect/phenotype:side effect');
    expect(targets('disease', 'Which drugs treat CML?')).toEqual([
      'drug:indication',
      'gene/protein:associated with',
    ]);
  });

  it('falls back to the head type’s defaults, and to nothing for an unlinked type', () => {
    expect(targets('drug', 'Tell me about aspirin')).toEqual([
      'gene/protein:target',
      'disease:indication',
      'effect/phenotype:side effect',
    ]);
    expect(targets('anatomy', 'Tell me about the liver')).toEqual([]);
  });
});
