import { describe, expect, it } from 'vitest';
import { decisionEvidence } from '../../../src/agents/qa/decision-answer.js';
import { buildDefinitionMentions } from '../../../src/agents/qa/definition-mentions.js';
import { parseQuestion } from '../../../src/agents/qa/question-form.js';
import { decide, type ReasonerContext } from '../../../src/agents/qa/reasoner.js';
import { buildQaWorld } from './qa-world.js';

const world = buildQaWorld();
const { node } = world;
const definitions = buildDefinitionMentions(
  world.graph,
  new Map([
    // No KG edge between Marfan syndrome and SHTN1: the definition is the only evidence.
    [
      node('Marfan syndrome'),
      'Marfan syndrome. A connective tissue disease caused by mutation in the SHTN1 gene.',
    ],
    // Restates the KG edge juvenile polyposis syndrome —associated with→ SMAD4.
    [node('juvenile polyposis syndrome'), 'A polyposis caused by mutations in the SMAD4 gene.'],
    // CFTR is named, but the KG's own gene for psoriasis (HLA-B) must still win.
    [node('psoriasis'), 'A skin disease; variants of the genes HLA-C and CFTR were reported.'],
    // Symbols without the word "gene" nearby, or not in upper case, are not mentions.
    [node('popliteal pterygium syndrome'), 'Abnormal electroretinogram (TNF) and reduced ifng expression.'],
  ]),
);
const context: ReasonerContext = {
  graph: world.graph,
  facts: world.facts,
  lookup: world.lookup,
  definitions,
};
const ask = (text: string, overrides: Partial<ReasonerContext> = {}) =>
  decide({ ...context, ...overrides }, parseQuestion(text));

describe('definition mentions', () => {
  it('finds gene symbols named next to the word "gene", both ways', () => {
    expect(definitions.genesOf(node('Marfan syndrome'))).toEqual([node('SHTN1')]);
    expect(definitions.diseasesOf(node('SHTN1'))).toEqual([node('Marfan syndrome')]);
    expect(definitions.genesOf(node('psoriasis'))).toEqual([node('CFTR')]);
  });

  it('ignores symbols without "gene" nearby and lower-case words', () => {
    expect(definitions.genesOf(node('popliteal pterygium syndrome'))).toEqual([]);
  });
});

describe('reasoner: definition evidence', () => {
  it('judges a gene–disease statement true from a definition when the KG has no edge', () => {
    const decision = ask('Marfan syndrome associates Gene SHTN1')!;
    expect(decision.verdict).toBe(true);
    expect(decision.facts[0]).toMatchObject({ kind: 'definition', weight: 0.55 });
    expect(decision.headline).toMatch(/^True: the Disease Ontology definition states that/);
    const [evidence] = decisionEvidence(world.graph, decision);
    expect(evidence!.text).toBe('DO definition of Marfan syndrome mentions SHTN1');
    expect(evidence!.source).toMatch(/definition/);
  });

  it('is not evidence without definitions (closed world: false)', () => {
    expect(ask('Marfan syndrome associates Gene SHTN1', { definitions: undefined })!.verdict).toBe(false);
  });

  it('works from the gene side too', () => {
    expect(ask('SHTN1 is associated with Marfan syndrome')!.verdict).toBe(true);
  });

  it('picks the option a definition names when no option has a KG fact', () => {
    const decision = ask('Which gene is associated with Marfan syndrome? Options: CFTR, SHTN1, TNF')!;
    expect(decision.choice).toBe('SHTN1');
    expect(decision.headline).toMatch(/the Disease Ontology definition links it to Marfan syndrome/);
  });

  it('ranks a KG edge above a definition mention', () => {
    expect(ask('Which gene is associated with psoriasis? Options: CFTR, HLA-B')!.choice).toBe('HLA-B');
  });

  it('adds no definition fact where the KG states the edge', () => {
    const decision = ask('Juvenile polyposis syndrome associates Gene SMAD4')!;
    expect(decision.verdict).toBe(true);
    expect(decision.facts.map((fact) => fact.kind)).toEqual(['edge']);
  });
});
