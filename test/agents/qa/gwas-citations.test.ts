import { describe, expect, it } from 'vitest';
import { factText } from '../../../src/agents/qa/decision-answer.js';
import { parseQuestion } from '../../../src/agents/qa/question-form.js';
import { decide } from '../../../src/agents/qa/reasoner.js';
import { KgFacts } from '../../../src/kg/kg-facts.js';
import { buildQaWorld } from './qa-world.js';

/** Variant answers cite the GWAS study (PubMed id) next to −log10 p, for direct facts and GWAS paths. */
const world = buildQaWorld();
const facts = new KgFacts(
  [
    { head: 40, tail: 16, relation: 'variant_disease', pvalueMlog: 12.5, pubmedId: '30000012' },
    { head: 41, tail: 10, relation: 'variant_disease', pvalueMlog: 35 },
    { head: 41, tail: 16, relation: 'variant_disease', pvalueMlog: 60, pubmedId: '30000060' },
  ],
  [],
);
const ask = (text: string) =>
  decide({ graph: world.graph, facts, lookup: world.lookup }, parseQuestion(text, undefined))!;

describe('GWAS citations in variant answers', () => {
  it('lists the strongest association first with its PubMed id, and leaves the id out where the KG has none', () => {
    const decision = ask('Which diseases is rs7903146 associated with?');
    expect(decision.items).toEqual(["Crohn's disease", 'psoriasis']);
    expect(decision.facts.map((fact) => factText(world.graph, fact))).toEqual([
      "rs7903146 —associated with→ Crohn's disease (GWAS −log10 p 60.0, PubMed 30000060)",
      'rs7903146 —associated with→ psoriasis (GWAS −log10 p 35.0)',
    ]);
  });

  it('cites the study of a GWAS path and of a true/false verdict', () => {
    expect(ask("Is rs2476601 associated with Crohn's disease?")).toMatchObject({ verdict: true });
    expect(ask("Is rs2476601 associated with Crohn's disease?").facts[0]).toMatchObject({
      pvalueMlog: 12.5,
      pubmedId: '30000012',
    });
    const path = ask("Which gene is associated with Crohn's disease? Options: SHTN1, SLC14A2, CFTR")
      .facts[0]!;
    expect(path).toMatchObject({ kind: 'gwas-path', pubmedId: '30000012' });
    expect(factText(world.graph, path)).toMatch(/\(GWAS −log10 p 12\.5, PubMed 30000012\)$/);
  });
});
