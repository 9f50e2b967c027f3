import { describe, expect, it } from 'vitest';
import { parseQuestion } from '../../../src/agents/qa/question-form.js';
import { decide, type ReasonerContext } from '../../../src/agents/qa/reasoner.js';
import { KgFacts } from '../../../src/kg/kg-facts.js';
import { buildQaWorld } from './qa-world.js';

const world = buildQaWorld();
const context: ReasonerContext = { graph: world.graph, facts: world.facts, lookup: world.lookup };
const ask = (text: string, options?: string[], overrides: Partial<ReasonerContext> = {}) =>
  decide({ ...context, ...overrides }, parseQuestion(text, options));

describe('reasoner: multiple choice', () => {
  it('picks the option the KG links to every subject and cites the facts', () => {
    const decision = ask(
      "Out of the given list, which Gene is associated with psoriasis and Takayasu's arteritis. Given list is: SHTN1, HLA-B, SLC14A2",
    )!;
    expect(decision).toMatchObject({ form: 'multiple-choice', choice: 'HLA-B', confidence: 0.9 });
    expect(decision.headline).toMatch(/^Answer: HLA-B /);
    expect(decision.facts.map((fact) => [fact.head, fact.tail].sort())).toEqual(
      expect.arrayContaining([[world.node('HLA-B'), world.node('psoriasis')].sort()]),
    );
    expect(decision.facts.length).toBeLessThanOrEqual(5);
  });

  it('prefers a direct fact for more subjects over a GWAS path for one', () => {
    // SLC14A2 reaches Crohn's disease only through a GWAS variant; no option has a direct fact.
    const decision = ask("Which gene is associated with Crohn's disease? Options: SHTN1, SLC14A2, CFTR")!;
    expect(decision.choice).toBe('SLC14A2');
    expect(decision.facts[0]).toMatchObject({ kind: 'gwas-path', pvalueMlog: 12.5 });
  });

  it('uses facts about more specific terms (is_a descendants)', () => {
    // TNF is associated with psoriatic arthritis, a kind of psoriasis.
    expect(ask('Which gene is linked to psoriasis? Options: TNF, CFTR')!.choice).toBe('TNF');
  });

  it('takes the options from the request field', () => {
    expect(ask("Which drug treats Crohn's disease?", ['Metronidazole', 'Mesalazine'])!.choice).toBe(
      'Mesalazine',
    );
  });

  it('picks the least linked option for a negated question', () => {
    expect(ask('Which gene is not associated with psoriasis? Options: HLA-B, CFTR, IFNG')!.choice).toBe(
      'CFTR',
    );
  });

  it('says when no option is in the KG, and names duplicates', () => {
    const none = ask('Which gene is associated with psoriasis? Options: FOO1, BAR2')!;
    expect(none.choice).toBeUndefined();
    expect(none.undetermined).toMatch(/no option/);
    expect(none.headline).toMatch(/^Cannot determine/);
    const duplicate = ask('Which gene is associated with psoriasis? Options: HLA-B, hla-b, CFTR')!;
    expect(duplicate.choice).toBe('HLA-B');
    expect(duplicate.note).toMatch(/same entity: "HLA-B", "hla-b"/);
  });

  it('falls back to a weak prior and says so when the KG separates nothing', () => {
    const decision = ask('Which gene is associated with Marfan syndrome? Options: SHTN1, HLA-B, CFTR')!;
    expect(decision.choice).toBe('HLA-B');
    expect(decision.confidence).toBeLessThan(0.5);
    expect(decision.headline).toMatch(/does not separate the options/);
  });
});

describe('reasoner: true/false', () => {
  it.each([
    ['Juvenile polyposis syndrome associates Gene SMAD4', true],
    ['juvenile polyposis syndrome is not associated with gene SMAD4', false],
    ['Juvenile polyposis syndrome associates Gene CFTR', false],
    ['Juvenile polyposis syndrome is not associated with Gene CFTR', true],
    ["Mesalazine treats Crohn's disease", true],
    ["metronidazole treats crohn's disease", false],
    ['cystic fibrosis is a respiratory system disorder', true],
    ['Cystic fibrosis is a type of lung disease', true],
    ['respiratory system disease is a kind of cystic fibrosis', false],
    ['psoriasis is not a respiratory system disease', true],
    ['Disease ontology identifier for Marfan syndrome is DOID:14323', true],
    ['Disease ontology identifier for Marfan syndrome is DOID:0060055', false],
    ['DOID:0060055 is not the disease ontology identifier of Marfan syndrome', true],
  ] as const)('%s → %s', (text, verdict) => {
    const decision = ask(text)!;
    expect(decision.verdict, decision.headline).toBe(verdict);
    expect(decision.headline.startsWith(verdict ? 'True' : 'False')).toBe(true);
  });

  it('reads an ambiguous name the way the relation needs (disease, not phenotype)', () => {
    const decision = ask("Crohn's disease is treated with Prednisone")!;
    expect(decision.verdict).toBe(true);
    expect(decision.linked.map((link) => link.type)).toContain('disease');
  });

  it('never links a numbered name to the name without its number', () => {
    const decision = ask('Psoriasis 2 is associated with Gene HLA-B')!;
    expect(decision.linked.map((link) => link.name)).toEqual(['HLA-B']);
    expect(decision.headline).toMatch(/"Psoriasis 2" not found/);
  });

  it('needs the ontology directions for is_a: without them a parent-child edge is weaker, undirected evidence', () => {
    const undirected = ask('cystic fibrosis is a lung disease', undefined, { facts: KgFacts.empty() })!;
    expect(undirected.verdict).toBe(true);
    expect(undirected.confidence).toBeLessThan(ask('cystic fibrosis is a lung disease')!.confidence);
  });

  it('closed world judges an entity the KG lacks false, weakly; the undetermined policy says it cannot', () => {
    const closed = ask('Kleefstra syndrome 1 is associated with Gene SMAD4')!;
    expect(closed).toMatchObject({ verdict: false, confidence: 0.5 });
    expect(closed.headline).toMatch(/"Kleefstra syndrome 1" not found/);
    const open = ask('Kleefstra syndrome 1 is associated with Gene SMAD4', undefined, {
      unsupported: 'undetermined',
    })!;
    expect(open.verdict).toBeUndefined();
    expect(open.undetermined).toMatch(/not found/);
    const unstated = ask('Juvenile polyposis syndrome associates Gene CFTR', undefined, {
      unsupported: 'undetermined',
    })!;
    expect(unstated.verdict).toBeUndefined();
  });
});

describe('reasoner: lists and identifiers', () => {
  it('lists the intersection of the subjects, best supported first', () => {
    const decision = ask("Which genes are associated with psoriasis and Takayasu's arteritis?")!;
    expect(decision).toMatchObject({ form: 'list', items: ['HLA-B'] });
    expect(ask("Which drugs treat Crohn's disease?")!.items?.sort()).toEqual(['Mesalazine', 'Prednisone']);
  });

  it('answers what an identifier is', () => {
    expect(ask('What is the disease ontology identifier of Marfan syndrome?')).toMatchObject({
      choice: 'DOID:14323',
      headline: 'The identifier of Marfan syndrome is DOID:14323.',
    });
  });

  it('leaves free-form questions and unlinked list subjects to retrieval', () => {
    expect(ask('What does HLA-B do?')).toBeUndefined();
    expect(ask('What are its side effects?')).toBeUndefined();
  });
});

describe('reasoner: variant questions', () => {
  it('lists the diseases of a variant, the strongest GWAS association first, genes left out', () => {
    for (const question of [
      'Which diseases is rs7903146 associated with?',
      'What diseases are associated with rs7903146?',
      'List the diseases linked to rs7903146',
    ]) {
      const decision = ask(question)!;
      // Both scores saturate; −log10 p 60 (Crohn's) beats 35 (psoriasis). TNF is a gene the variant maps to.
      expect(decision, question).toMatchObject({ form: 'list', items: ["Crohn's disease", 'psoriasis'] });
      expect(decision.facts.map((fact) => fact.pvalueMlog)).toEqual([60, 35]);
    }
  });

  it('finds the variant associated with every named disease, citing a fact for each', () => {
    const decision = ask("Which variant is associated with Crohn's disease and psoriasis?")!;
    expect(decision).toMatchObject({ form: 'list', items: ['rs7903146'] });
    expect(decision.facts.map((fact) => [fact.head, fact.tail])).toEqual([
      [world.node("Crohn's disease", 'disease'), world.node('rs7903146')],
      [world.node('psoriasis'), world.node('rs7903146')],
    ]);
    expect(ask("Which variants are associated with Crohn's disease?")!.items).toEqual([
      'rs7903146',
      'rs2476601',
    ]);
  });

  it('judges "is rsN associated with X?" from the GWAS facts', () => {
    expect(ask('Is rs7903146 associated with psoriasis?')).toMatchObject({
      form: 'true-false',
      verdict: true,
    });
    // Direct facts only: in this tiny KG every pair shares neighbours, which indirect evidence would weigh.
    expect(ask('Is rs2476601 associated with psoriasis?', undefined, { indirect: false })).toMatchObject({
      form: 'true-false',
      verdict: false,
    });
    expect(ask("rs2476601 is associated with Crohn's disease")!.facts[0]).toMatchObject({ pvalueMlog: 12.5 });
  });
});
