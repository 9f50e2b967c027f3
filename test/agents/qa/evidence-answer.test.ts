import { describe, expect, it } from 'vitest';
import { evidenceOnlyAnswer, relationPhrase } from '../../../src/agents/qa/evidence-answer.js';
import type { Evidence } from '../../../src/retrieval/evidence.js';

const imatinib = { type: 'drug', id: 'DB00619', name: 'Imatinib' };

function item(id: string, name: string, kind: Evidence['kind'], overrides: Partial<Evidence> = {}): Evidence {
  return {
    id,
    entity: { type: 'gene/protein', id: name, name },
    subject: imatinib,
    relation: 'target',
    score: kind === 'kg-fact' ? 1 : 0.8123,
    kind,
    source: kind === 'kg-fact' ? 'KG: drug_protein' : 'bridge: drug→gene/protein via target',
    text: '',
    ...overrides,
  };
}

describe('evidenceOnlyAnswer', () => {
  it('states KG facts per relation, then predictions marked as such, citing every item', () => {
    const sentences = evidenceOnlyAnswer([
      item('E1', 'ABL1', 'kg-fact'),
      item('E2', 'KIT', 'kg-fact'),
      item('E3', 'PDGFRA', 'kg-fact'),
      item('E4', 'chronic myeloid leukemia', 'kg-fact', {
        relation: 'indication',
        entity: { type: 'disease', id: '8552', name: 'chronic myeloid leukemia' },
      }),
      item('E5', 'PTGS2', 'bridge-prediction'),
      item('E6', 'PTGS1', 'bridge-prediction', { score: 0.5 }),
    ]);
    expect(sentences).toEqual([
      'Imatinib (drug) targets ABL1 [E1], KIT [E2] and PDGFRA [E3] according to the knowledge graph.',
      'Imatinib (drug) is indicated for chronic myeloid leukemia [E4] according to the knowledge graph.',
      'The bridge model also predicts gene/protein candidates for "target" of Imatinib: PTGS2 [E5] (score 0.81) and PTGS1 [E6] (score 0.50); these are predictions, not established facts.',
    ]);
  });

  it('groups by subject, and says when there is nothing', () => {
    const attached = { type: 'drug', id: 'attachment:smiles', name: 'the attached molecule' };
    expect(
      evidenceOnlyAnswer([item('E1', 'ABL1', 'bridge-prediction', { subject: attached, score: 0.25 })]),
    ).toEqual([
      'The bridge model predicts gene/protein candidates for "target" of the attached molecule: ABL1 [E1] (score 0.25); these are predictions, not established facts.',
    ]);
    expect(evidenceOnlyAnswer([])).toEqual(['No evidence was found for this question.']);
  });
});

describe('relationPhrase', () => {
  it('reads relations from the subject’s side', () => {
    expect(relationPhrase('drug', 'target', 'gene/protein')).toBe('targets');
    expect(relationPhrase('gene/protein', 'target', 'drug')).toBe('is targeted by');
    expect(relationPhrase('gene/protein', 'interacts with', 'biological_process')).toBe('is involved in');
    expect(relationPhrase('disease', 'associated with', 'gene/protein')).toBe('is associated with');
    expect(relationPhrase('exposure', 'linked to', 'disease')).toBe('is linked to');
    expect(relationPhrase('drug', 'made up', 'disease')).toBe('is linked by "made up" to');
  });
});
