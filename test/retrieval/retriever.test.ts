import { beforeAll, describe, expect, it } from 'vitest';
import type { RetrievalResponse } from '../../src/retrieval/retriever.js';
import { NO_BRIDGE_MESSAGE } from '../../src/retrieval/retriever.js';
import { createFakeBridge } from '../fakes/fake-bridge.js';
import {
  buildRetrievalWorld,
  PROTEIN_MAX_RESIDUES,
  sequenceFor,
  SMILES,
  type RetrievalWorld,
} from './retrieval-world.js';
import { rejection } from '../helpers/expect-app-error.js';
import type { RetrievalRequestInput } from '../../src/retrieval/retrieval-request.js';

/** Most queries here: the bridge alone, into proteins. */
const BRIDGE_TO_PROTEINS = {
  method: 'bridge',
  targetTypes: ['gene/protein'],
} satisfies RetrievalRequestInput;

let world: RetrievalWorld;
beforeAll(async () => {
  world = await buildRetrievalWorld();
});

function cosine(left: Float32Array, right: Float32Array): number {
  let dot = 0;
  let leftNorm = 0;
  let rightNorm = 0;
  for (let index = 0; index < left.length; index++) {
    dot += left[index]! * right[index]!;
    leftNorm += left[index]! ** 2;
    rightNorm += right[index]! ** 2;
  }
  return dot / Math.sqrt(leftNorm * rightNorm);
}

/** Scores of every row of `tailType` against the bridge's transform of the head's stored vector, best first. */
async function expectedScores(headType: string, headIndex: number, relation: string, tailType: string) {
  const [head] = await world.store.getRows(headType, [headIndex]);
  const query = await world.bridge.transform({
    headType,
    relation,
    tailType,
    vectors: head!.vector!,
    rows: 1,
  });
  const { nodeIndices } = await world.store.readVectors(tailType, 'projected');
  const rows = await world.store.getRows(tailType, Array.from(nodeIndices));
  return rows
    .map((row) => ({ name: row.name, score: cosine(query, row.projected!) }))
    .sort((left, right) => right.score - left.score);
}

const summary = (response: RetrievalResponse) =>
  response.results.map((result) => [result.rank, result.name, result.relation, result.known, result.source]);

describe('retrieve: entity queries', () => {
  it('ranks with the bridge, marks KG targets known and adds the ones the bridge missed', async () => {
    const response = await world.retriever.retrieve({
      ...BRIDGE_TO_PROTEINS,
      entity: { type: 'drug', name: 'imatinib' },
      k: 3,
    });
    const expected = await expectedScores('drug', 20, 'target', 'gene/protein');
    const top3 = expected.slice(0, 3).map((entry) => entry.name);
    expect(response.query).toMatchObject({
      kind: 'entity',
      headType: 'drug',
      entity: { nodeIndex: 20, id: 'DB00619', name: 'Imatinib', matched: 'Imatinib' },
      relations: [
        { headType: 'drug', relation: 'target', tailType: 'gene/protein', kgRelations: ['drug_protein'] },
      ],
      predictions: { available: true },
      knownTotal: 2,
    });
    // KG facts first (ABL1, and KIT which the bridge's top 3 missed), then predictions; each by score.
    const byScore = (left: string, right: string) =>
      expected.find((entry) => entry.name === right)!.score -
      expected.find((entry) => entry.name === left)!.score;
    expect(response.results.map((result) => result.name)).toEqual([
      ...['ABL1', 'KIT'].sort(byScore),
      ...top3.filter((name) => name !== 'ABL1').sort(byScore),
    ]);
    expect(top3).toContain('ABL1');
    expect(top3).not.toContain('KIT');
    for (const result of response.results) {
      expect(result.score).toBeCloseTo(expected.find((entry) => entry.name === result.name)!.score, 5);
      expect(result.known).toBe(result.name === 'ABL1' || result.name === 'KIT');
      expect(result.knownRelations).toEqual(result.known ? ['target'] : []);
      expect(result.source).toBe(result.name === 'KIT' ? 'kg' : 'bridge');
      expect(result.payloadKind).toBe('sequence');
      expect(result.payloadPreview).toMatch(/^M[A-Z]{59}$/);
    }
    expect(response.results.map((result) => result.rank)).toEqual([1, 2, 3, 4]);
  });

  it('uses the stored vector of a KG entity and never encodes it again', async () => {
    const encoder = world.encoders.get('drug')!;
    const encode = encoder.encode.bind(encoder);
    let calls = 0;
    encoder.encode = async (inputs) => {
      calls += 1;
      return encode(inputs);
    };
    try {
      await world.retriever.retrieve({
        entity: { type: 'drug', id: 'DB00619' },
        targetTypes: ['gene/protein'],
      });
    } finally {
      encoder.encode = encode;
    }
    expect(calls).toBe(0);
  });

  it('includeKnown: false returns the bridge top k only, still marking known ones', async () => {
    const response = await world.retriever.retrieve({
      ...BRIDGE_TO_PROTEINS,
      entity: 'Gleevec',
      k: 3,
      includeKnown: false,
    });
    expect(response.results).toHaveLength(3);
    expect(response.results.every((result) => result.source === 'bridge')).toBe(true);
    expect(response.results.find((result) => result.name === 'ABL1')?.known).toBe(true);
    expect(response.results.find((result) => result.name === 'KIT')).toBeUndefined();
  });

  it('includePredicted: false returns only KG facts, scored by the bridge when it can', async () => {
    world.bridge.calls.length = 0;
    const response = await world.retriever.retrieve({
      entity: { type: 'drug', id: 'DB00619' },
      targetTypes: ['gene/protein', 'disease'],
      includePredicted: false,
    });
    // One transform per relation, only to score the facts; no search.
    expect(world.bridge.calls.map((call) => call.kind === 'transform' && call.relation)).toEqual([
      'target',
      'indication',
    ]);
    expect(response.query.predictions).toEqual({ available: false, reason: 'not requested' });
    expect(
      response.results.map((result) => [result.name, result.relation, result.known, result.source]),
    ).toEqual(
      expect.arrayContaining([
        ['ABL1', 'target', true, 'kg'],
        ['KIT', 'target', true, 'kg'],
        ['chronic myeloid leukemia', 'indication', true, 'kg'],
      ]),
    );
    expect(response.results).toHaveLength(3);
    const expected = await expectedScores('drug', 20, 'indication', 'disease');
    const leukemia = response.results.find((result) => result.type === 'disease')!;
    expect(leukemia.score).toBeCloseTo(expected.find((entry) => entry.name === leukemia.name)!.score, 5);
    expect(leukemia.payloadPreview).toBe('A myeloproliferative neoplasm with the BCR-ABL1 fusion gene.');
  });

  it('without a bridge, KG facts still work (unscored) and predictions are UNAVAILABLE', async () => {
    const facts = await world.retrieverWithoutBridge.retrieve({
      entity: { type: 'drug', id: 'DB00619' },
      targetTypes: ['gene/protein'],
      includePredicted: false,
    });
    expect(facts.results.map((result) => [result.rank, result.name, result.score, result.known])).toEqual([
      [1, 'ABL1', null, true],
      [2, 'KIT', null, true],
    ]);
    const error = await rejection(
      world.retrieverWithoutBridge.retrieve({
        ...BRIDGE_TO_PROTEINS,
        entity: { type: 'drug', id: 'DB00619' },
      }),
    );
    expect(error.code).toBe('UNAVAILABLE');
    expect(error.message).toBe(NO_BRIDGE_MESSAGE);
    expect(world.retrieverWithoutBridge.predictionsUnavailableReason()).toBe(NO_BRIDGE_MESSAGE);
    expect(world.retriever.predictionsUnavailableReason()).toBeUndefined();
  });

  it('predictions need a projection for both types in the bridge', async () => {
    const partial = world.retrieverWith({
      bridge: createFakeBridge({ types: { 'gene/protein': 444, drug: 64 }, hiddenDim: 8 }),
    });
    const error = await rejection(
      partial.retrieve({ method: 'bridge', entity: 'Imatinib', targetTypes: ['disease'] }),
    );
    expect(error.code).toBe('UNAVAILABLE');
    expect(error.message).toBe(
      'bridge predictions are unavailable: the bridge has no projection for disease (it projects gene/protein, drug)',
    );
    const proteins = await partial.retrieve({ ...BRIDGE_TO_PROTEINS, entity: 'Imatinib', k: 1 });
    expect(proteins.query.predictions).toEqual({ available: true });
  });

  it('skip mode returns KG facts with the reason instead of failing', async () => {
    const response = await world.retrieverWithoutBridge.retrieve(
      { ...BRIDGE_TO_PROTEINS, entity: { type: 'drug', id: 'DB00619' } },
      { unavailablePredictions: 'skip' },
    );
    expect(response.query.predictions).toEqual({ available: false, reason: NO_BRIDGE_MESSAGE });
    expect(response.results.map((result) => result.name)).toEqual(['ABL1', 'KIT']);
  });

  it('an entity without a vector cannot be the head of a prediction (422), but has KG facts', async () => {
    const error = await rejection(world.retriever.retrieve({ entity: 'TP53', targetTypes: ['disease'] }));
    expect(error.code).toBe('UNPROCESSABLE');
    expect(error.message).toMatch(/^TP53 \(gene\/protein 7157\) has no encoded sequence in this index/);
    const facts = await world.retriever.retrieve(
      { entity: 'TP53', targetTypes: ['disease'] },
      { unavailablePredictions: 'skip' },
    );
    expect(summary(facts)).toEqual([[1, 'lung cancer', 'associated with', true, 'kg']]);
    expect(facts.results[0]!.score).toBeNull();
  });

  it('default relations: drug→protein uses target; asked-for enzyme adds CYP3A4 under enzyme', async () => {
    world.bridge.calls.length = 0;
    const narrow = await world.retriever.retrieve({
      entity: 'Imatinib',
      targetTypes: ['gene/protein'],
      k: 7,
    });
    expect(narrow.query.relations.map((relation) => relation.relation)).toEqual(['target']);
    expect(narrow.results.find((result) => result.name === 'CYP3A4')).toMatchObject({
      known: false,
      relation: 'target',
    });

    const wide = await world.retriever.retrieve({
      entity: 'Imatinib',
      targetTypes: ['gene/protein'],
      relations: ['target', 'enzyme'],
      k: 7,
    });
    expect(wide.query.relations.map((relation) => relation.relation)).toEqual(['target', 'enzyme']);
    expect(wide.results.find((result) => result.name === 'CYP3A4')).toMatchObject({
      known: true,
      relation: 'enzyme',
      knownRelations: ['enzyme'],
    });
    expect(wide.results.find((result) => result.name === 'ABL1')).toMatchObject({
      known: true,
      relation: 'target',
    });
    // One result per entity even though two relations ranked every protein.
    expect(new Set(wide.results.map((result) => result.nodeIndex)).size).toBe(wide.results.length);
    expect(
      world.bridge.calls
        .filter((call) => call.kind === 'transform')
        .map((call) => call.kind === 'transform' && call.relation),
    ).toEqual(['target', 'target', 'enzyme']);
  });

  it('without targetTypes, retrieves every type the KG links the head to', async () => {
    const response = await world.retriever.retrieve({ entity: 'ABL1', k: 1 });
    expect(response.query.targetTypes).toEqual(['biological_process', 'gene/protein', 'disease', 'drug']);
    expect(response.query.relations.map((relation) => `${relation.relation}→${relation.tailType}`)).toEqual([
      'interacts with→biological_process',
      'ppi→gene/protein',
      'associated with→disease',
      'target→drug',
    ]);
    expect(
      response.results
        .filter((result) => result.known)
        .map((result) => result.name)
        .sort(),
    ).toEqual(['Imatinib', 'KIT', 'chronic myeloid leukemia', 'protein phosphorylation']);
  });

  it('never returns the query entity itself for same-type relations', async () => {
    const response = await world.retriever.retrieve({ entity: 'ABL1', targetTypes: ['gene/protein'], k: 10 });
    expect(response.results.map((result) => result.name)).not.toContain('ABL1');
    expect(response.results).toHaveLength(5);
    expect(response.results.find((result) => result.name === 'KIT')).toMatchObject({
      known: true,
      relation: 'ppi',
    });
  });

  it('accepts table names for types and is deterministic', async () => {
    const request = { entity: { type: 'gene_protein', id: '25' }, targetTypes: ['biological_process'] };
    const first = await world.retriever.retrieve(request);
    const second = await world.retriever.retrieve(request);
    expect(first.query.entity?.name).toBe('ABL1');
    expect(second).toEqual(first);
  });
});

describe('retrieve: new inputs', () => {
  it('encodes a SMILES on the fly; nothing is known for a molecule outside the KG', async () => {
    const response = await world.retriever.retrieve({
      ...BRIDGE_TO_PROTEINS,
      smiles: 'CC(=O)Nc1ccc(O)cc1',
      k: 2,
    });
    expect(response.query).toMatchObject({
      kind: 'smiles',
      headType: 'drug',
      inputPreview: 'CC(=O)Nc1ccc(O)cc1',
      knownTotal: 0,
    });
    expect(response.results).toHaveLength(2);
    expect(response.results.every((result) => !result.known && result.source === 'bridge')).toBe(true);
    expect(response.results[0]!.score!).toBeGreaterThanOrEqual(response.results[1]!.score!);
  });

  it('links a SMILES that is a KG drug to it: same ranking, and its KG facts come along', async () => {
    const fromSmiles = await world.retriever.retrieve({
      smiles: SMILES[20]!,
      targetTypes: ['gene/protein'],
      k: 3,
      includeKnown: false,
    });
    expect(fromSmiles.query).toMatchObject({
      kind: 'smiles',
      entity: { id: 'DB00619', name: 'Imatinib', matched: 'canonical SMILES' },
      knownTotal: 2,
    });
    const fromEntity = await world.retriever.retrieve({
      entity: 'Imatinib',
      targetTypes: ['gene/protein'],
      k: 3,
      includeKnown: false,
    });
    expect(fromSmiles.results.map((result) => [result.name, result.score])).toEqual(
      fromEntity.results.map((result) => [result.name, result.score]),
    );
  });

  it('links a sequence identical to a KG protein (whitespace and case aside) to it', async () => {
    const sequence = sequenceFor(10)
      .toLowerCase()
      .replace(/(.{10})/g, '$1 ');
    const response = await world.retriever.retrieve({ protein: sequence, targetTypes: ['drug'], k: 2 });
    expect(response.query).toMatchObject({ kind: 'protein', entity: { nodeIndex: 10, matched: 'sequence' } });
    expect(response.results.filter((result) => result.known).map((result) => result.name)).toContain(
      'Imatinib',
    );
  });

  it('encodes protein sequences and text', async () => {
    const protein = await world.retriever.retrieve({
      protein: 'MKT AYIAKQRQISFVKSHFSRQ',
      targetTypes: ['drug'],
      k: 2,
    });
    expect(protein.query).toMatchObject({ kind: 'protein', headType: 'gene/protein' });
    expect(protein.results.map((result) => result.type)).toEqual(['drug', 'drug']);

    const text = await world.retriever.retrieve({
      text: 'leukemia with BCR-ABL1',
      targetTypes: ['gene/protein'],
    });
    expect(text.query).toMatchObject({ kind: 'text', headType: 'disease' });
    const process = await world.retriever.retrieve({
      text: 'adding phosphate to proteins',
      textType: 'biological_process',
      targetTypes: ['gene/protein'],
      k: 1,
    });
    expect(process.query.headType).toBe('biological_process');
    expect(process.query.relations[0]!.relation).toBe('interacts with');
  });

  it('an invalid SMILES is UNPROCESSABLE naming the field and RDKit’s reason', async () => {
    const error = await rejection(
      world.retriever.retrieve({ smiles: 'C1CC(', targetTypes: ['gene/protein'] }, { fieldPrefix: 'body.' }),
    );
    expect(error.code).toBe('UNPROCESSABLE');
    expect(error.message).toMatch(/^body\.smiles: RDKit cannot parse SMILES "C1CC\("/);
    expect(error.details).toEqual({ field: 'body.smiles', reason: 'INVALID_SMILES' });
  });

  it('bad protein letters and over-long sequences are UNPROCESSABLE', async () => {
    const letters = await rejection(world.retriever.retrieve({ protein: 'MKT1AY', targetTypes: ['drug'] }));
    expect(letters.code).toBe('UNPROCESSABLE');
    expect(letters.message).toBe(
      'protein: invalid residue "1" at position 4: expected one of the 20 standard amino acids or the ambiguity codes B, Z, J, X, U, O',
    );
    const long = await rejection(
      world.retriever.retrieve({ protein: 'A'.repeat(PROTEIN_MAX_RESIDUES + 1), targetTypes: ['drug'] }),
    );
    expect(long.code).toBe('UNPROCESSABLE');
    expect(long.message).toBe(
      `protein: sequence has 301 residues, more than the limit of ${PROTEIN_MAX_RESIDUES}`,
    );
    expect(long.details).toEqual({ field: 'protein', reason: 'TOO_LONG' });
  });

  it('a bad input is reported even when no bridge could use it', async () => {
    const error = await rejection(
      world.retrieverWithoutBridge.retrieve({ smiles: 'not a smiles', targetTypes: ['gene/protein'] }),
    );
    expect(error.code).toBe('UNPROCESSABLE');
  });

  it('a new input needs predictions', async () => {
    const error = await rejection(
      world.retriever.retrieve({ smiles: 'CCO', targetTypes: ['gene/protein'], includePredicted: false }),
    );
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.message).toBe(
      'includePredicted: a smiles query has no KG facts (it is not a KG entity), so it needs bridge predictions',
    );
  });
});

describe('retrieve: request errors', () => {
  it('an unknown entity is NOT_FOUND with suggestions from the lookup', async () => {
    const byName = await rejection(
      world.retriever.retrieve({ entity: 'imatinb', targetTypes: ['gene/protein'] }),
    );
    expect(byName.code).toBe('NOT_FOUND');
    expect(byName.message).toBe(
      'no entity named "imatinb" in the knowledge graph; did you mean Imatinib (drug DB00619)?',
    );
    expect(byName.details).toMatchObject({
      field: 'entity',
      suggestions: [{ type: 'drug', id: 'DB00619', name: 'Imatinib' }],
    });
    const byId = await rejection(
      world.retriever.retrieve(
        { entity: { type: 'drug', id: 'DB00618' }, targetTypes: ['gene/protein'] },
        { fieldPrefix: 'body.' },
      ),
    );
    expect(byId.code).toBe('NOT_FOUND');
    expect(byId.details).toMatchObject({ field: 'body.entity.id', value: 'DB00618' });
    expect((byId.details!['suggestions'] as { id: string }[]).map((suggestion) => suggestion.id)).toContain(
      'DB00619',
    );
  });

  it('unknown types and relations, and relations that do not apply, are BAD_REQUEST', async () => {
    const cases: [Parameters<typeof world.retriever.retrieve>[0], string][] = [
      [{ entity: 'Imatinib', targetTypes: ['protein'] }, 'targetTypes[0]: unknown node type "protein"'],
      [
        { entity: 'Imatinib', targetTypes: ['gene/protein'], relations: ['binds'] },
        'relations[0]: unknown relation "binds"',
      ],
      [
        { entity: 'Imatinib', targetTypes: ['gene/protein'], relations: ['indication'] },
        'relations: none of "indication" joins drug to gene/protein in the knowledge graph; it has "target", "enzyme"',
      ],
      [
        { entity: 'Imatinib', targetTypes: ['gene/protein', 'disease'], relations: ['target', 'ppi'] },
        'relations: none of "target", "ppi" joins drug to disease',
      ],
      [
        { entity: 'Imatinib', targetTypes: ['biological_process'] },
        'targetTypes: the knowledge graph has no relation from drug to biological_process; drug links to gene/protein, disease, effect/phenotype',
      ],
      [{ entity: 'Imatinib', smiles: 'CCO' }, 'give exactly one of protein, smiles, text, entity'],
      [
        { text: 'x', textType: 'drug', targetTypes: ['gene/protein'] },
        'textType: drug has no text encoder in this index',
      ],
    ];
    for (const [request, message] of cases) {
      const error = await rejection(world.retriever.retrieve(request));
      expect(error.code, message).toBe('BAD_REQUEST');
      expect(error.message).toContain(message);
    }
  });

  it('stops when the signal aborts', async () => {
    const controller = new AbortController();
    controller.abort(new Error('client went away'));
    await expect(
      world.retriever.retrieve(
        { smiles: 'CCO', targetTypes: ['gene/protein'] },
        { signal: controller.signal },
      ),
    ).rejects.toThrow('client went away');
  });
});
