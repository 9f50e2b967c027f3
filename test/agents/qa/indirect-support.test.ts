import { describe, expect, it } from 'vitest';
import { indirectSupport, MAX_INDIRECT } from '../../../src/agents/qa/indirect-support.js';
import { parseQuestion } from '../../../src/agents/qa/question-form.js';
import { decide, type ReasonerContext } from '../../../src/agents/qa/reasoner.js';
import { buildQaWorld } from './qa-world.js';

const world = buildQaWorld();
const context: ReasonerContext = { graph: world.graph, facts: world.facts, lookup: world.lookup };
const ask = (text: string, overrides: Partial<ReasonerContext> = {}) =>
  decide({ ...context, ...overrides }, parseQuestion(text));

describe('indirectSupport', () => {
  it("weighs the relation stated for an is_a parent, below a KG fact's threshold", () => {
    // psoriatic arthritis is a psoriasis; psoriasis —associated with→ HLA-B.
    const support = indirectSupport(
      context,
      world.node('psoriatic arthritis'),
      world.node('HLA-B'),
      'associated',
    )!;
    expect(support.score).toBeGreaterThanOrEqual(0.35);
    expect(support.score).toBeLessThanOrEqual(MAX_INDIRECT);
    expect(support.facts[0]).toMatchObject({
      kind: 'indirect',
      source: 'ancestor',
      via: [world.node('psoriasis')],
    });
  });

  it('finds nothing for entities the KG relates no way', () => {
    expect(
      indirectSupport(context, world.node('Marfan syndrome'), world.node('CFTR'), 'associated'),
    ).toBeUndefined();
  });
});

describe('reasoner with indirect evidence', () => {
  it('picks the option with indirect support when no option has a KG fact, and says so', () => {
    const decision = ask('Which gene is associated with psoriatic arthritis? Options: HLA-B, CFTR, SMAD4')!;
    expect(decision.choice).toBe('HLA-B');
    expect(decision.headline).toMatch(/no direct link.*indirect evidence/);
    expect(decision.confidence).toBeLessThan(0.9);
    expect(decision.facts[0]).toMatchObject({ kind: 'indirect' });
  });

  it('judges an unstated statement by its indirect support against the threshold', () => {
    const statement = 'psoriatic arthritis is associated with gene HLA-B';
    expect(ask(statement, { indirectTrueAbove: 0.3 })).toMatchObject({ verdict: true });
    expect(ask(statement, { indirectTrueAbove: 0.3 })!.headline).toMatch(/^True \(indirect\)/);
    expect(ask(statement, { indirectTrueAbove: MAX_INDIRECT + 0.01 })).toMatchObject({ verdict: false });
    expect(ask(statement, { indirect: false, indirectTrueAbove: 0.3 })).toMatchObject({ verdict: false });
  });

  it('cannot see hidden edges: the ablation leaves only indirect evidence', () => {
    const hidden: [number, number][] = [[world.node('psoriasis'), world.node('HLA-B')]];
    const direct = ask('psoriasis is associated with gene HLA-B')!;
    expect(direct).toMatchObject({ verdict: true });
    expect(direct.facts[0]).toMatchObject({ kind: 'edge' });
    const ablated = ask('psoriasis is associated with gene HLA-B', { hidden, indirectTrueAbove: 0.3 })!;
    expect(ablated.facts.every((fact) => fact.kind !== 'edge')).toBe(true);
    // Its ancestor fact is gone with the hidden edge too.
    expect(
      ask('psoriatic arthritis is associated with gene HLA-B', { hidden, indirectTrueAbove: 0.3 }),
    ).toMatchObject({
      verdict: false,
    });
  });
});
