import { beforeAll, describe, expect, it } from 'vitest';
import { buildEvidence, numberEvidence, orderEvidence } from '../../src/retrieval/evidence.js';
import type { RetrievalResponse, RetrievalResult } from '../../src/retrieval/retriever.js';
import { buildRetrievalWorld, INJECTION, type RetrievalWorld } from './retrieval-world.js';

let world: RetrievalWorld;
beforeAll(async () => {
  world = await buildRetrievalWorld();
});

const imatinib = { type: 'drug', id: 'DB00619', name: 'Imatinib' };

function result(
  overrides: Partial<RetrievalResult> & Pick<RetrievalResult, 'name' | 'score' | 'known'>,
): RetrievalResult {
  return {
    rank: 0,
    type: 'gene/protein',
    id: overrides.name,
    nodeIndex: overrides.name.length,
    relation: 'target',
    knownRelations: overrides.known ? ['target'] : [],
    source: 'bridge',
    scores: { bridge: overrides.score, transfer: null, prior: null, fused: null },
    explanation: { kind: 'bridge', text: 'bridge score' },
    payloadKind: 'sequence',
    payloadPreview: 'MSEQ',
    ...overrides,
  };
}

function response(results: RetrievalResult[]): Pick<RetrievalResponse, 'query' | 'results'> {
  return {
    query: {
      kind: 'entity',
      headType: 'drug',
      targetTypes: ['gene/protein', 'disease'],
      relations: [
        { headType: 'drug', relation: 'target', tailType: 'gene/protein', kgRelations: ['drug_protein'] },
        { headType: 'drug', relation: 'indication', tailType: 'disease', kgRelations: ['indication'] },
      ],
      k: 5,
      maxKnown: 5,
      includeKnown: true,
      includePredicted: true,
      predictions: { available: true },
      knownTotal: 2,
      method: 'bridge',
    },
    results,
  };
}

describe('buildEvidence', () => {
  it('puts KG facts first, then predictions, each by score, and numbers them E1…', () => {
    const evidence = buildEvidence([
      {
        subject: imatinib,
        response: response([
          result({ name: 'PTGS2', score: 0.9, known: false }),
          result({ name: 'KIT', score: null, known: true, source: 'kg' }),
          result({ name: 'ABL1', score: 0.5, known: true }),
          result({ name: 'PTGS1', score: 0.7, known: false }),
        ]),
      },
    ]);
    expect(evidence.map((item) => [item.id, item.entity.name, item.kind, item.score])).toEqual([
      ['E1', 'KIT', 'kg-fact', 1],
      ['E2', 'ABL1', 'kg-fact', 0.5],
      ['E3', 'PTGS2', 'bridge-prediction', 0.9],
      ['E4', 'PTGS1', 'bridge-prediction', 0.7],
    ]);
    expect(evidence[1]).toEqual({
      id: 'E2',
      entity: { type: 'gene/protein', id: 'ABL1', name: 'ABL1' },
      subject: imatinib,
      relation: 'target',
      score: 0.5,
      kind: 'kg-fact',
      source: 'KG: drug_protein',
      text: 'Imatinib —target→ ABL1 (gene/protein ABL1; KG fact)',
    });
    expect(evidence[2]).toMatchObject({
      source: 'bridge: drug→gene/protein via target',
      text: 'Imatinib —target→ PTGS2 (gene/protein PTGS2; bridge prediction, score 0.900)',
    });
  });

  it('orders by priority within a kind, and cuts to maxItems before numbering', () => {
    const sources = [
      {
        subject: imatinib,
        response: response([
          result({ name: 'ABL1', score: 0.2, known: true }),
          result({
            name: 'leukemia',
            type: 'disease',
            relation: 'indication',
            score: 0.9,
            known: true,
            payloadKind: 'text',
            payloadPreview: 'A cancer of the blood.',
          }),
        ]),
      },
    ];
    const diseasesFirst = buildEvidence(sources, {
      priority: (item) => (item.type === 'disease' ? 0 : 1),
      maxItems: 1,
    });
    expect(diseasesFirst).toHaveLength(1);
    expect(diseasesFirst[0]).toMatchObject({
      id: 'E1',
      source: 'KG: indication',
      text: 'Imatinib —indication→ leukemia (disease leukemia; KG fact); disease definition: "A cancer of the blood."',
    });
    const proteinsFirst = orderEvidence(sources, { priority: (item) => (item.type === 'disease' ? 1 : 0) });
    expect(numberEvidence(proteinsFirst).map((item) => [item.id, item.entity.name])).toEqual([
      ['E1', 'ABL1'],
      ['E2', 'leukemia'],
    ]);
  });

  it('keeps KG definition text as data in the statement, from a real retrieval', async () => {
    const retrieved = await world.retriever.retrieve({
      entity: 'ABL1',
      targetTypes: ['biological_process'],
      k: 1,
    });
    const abl1 = { type: 'gene/protein', id: '25', name: 'ABL1' };
    const evidence = buildEvidence([{ subject: abl1, response: retrieved }]);
    expect(evidence[0]).toMatchObject({ kind: 'kg-fact', entity: { name: 'protein phosphorylation' } });
    // The default preview stops at 80 characters: only the start of the injected text is carried.
    expect(evidence[0]!.text).toBe(
      `ABL1 —interacts with→ protein phosphorylation (biological_process GO:0006468; KG fact); biological_process definition: "${`Introducing a phosphate group into a protein. ${INJECTION}`.slice(0, 80)}…"`,
    );
  });
});

describe('buildEvidence over several subjects', () => {
  it('keeps subject order among equal scores and reports each subject', async () => {
    const imatinibResponse = await world.retriever.retrieve({
      entity: 'Imatinib',
      targetTypes: ['gene/protein'],
      includePredicted: false,
    });
    const aspirinResponse = await world.retriever.retrieve({
      entity: 'Aspirin',
      targetTypes: ['gene/protein'],
      includePredicted: false,
    });
    const evidence = buildEvidence([
      { subject: imatinib, response: imatinibResponse },
      { subject: { type: 'drug', id: 'DB00945', name: 'Aspirin' }, response: aspirinResponse },
    ]);
    expect(evidence.every((item) => item.kind === 'kg-fact')).toBe(true);
    expect(evidence.map((item) => `${item.subject.name}→${item.entity.name}`).sort()).toEqual([
      'Aspirin→PTGS1',
      'Aspirin→PTGS2',
      'Imatinib→ABL1',
      'Imatinib→KIT',
    ]);
    const scores = evidence.map((item) => item.score);
    expect(scores).toEqual([...scores].sort((left, right) => right - left));
  });
});
