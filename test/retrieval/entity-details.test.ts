import { beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.js';
import { describeEntity } from '../../src/retrieval/entity-details.js';
import { buildRetrievalWorld, sequenceFor, type RetrievalWorld } from './retrieval-world.js';

let world: RetrievalWorld;
beforeAll(async () => {
  world = await buildRetrievalWorld();
});

const page = { limit: 20, offset: 0 };

describe('describeEntity', () => {
  it('returns the entity, its payload and its neighbours grouped by relation', async () => {
    const details = await describeEntity(world.retriever, 'gene/protein', '25', page);
    expect(details.entity).toEqual({
      nodeIndex: 10,
      type: 'gene/protein',
      id: '25',
      name: 'ABL1',
      source: 'NCBI',
    });
    expect(details.payload).toEqual({ kind: 'sequence', value: sequenceFor(10) });
    expect(details.vectors).toEqual({ encoded: true, projected: true });
    expect(details.neighbours.total).toBe(4);
    expect(
      details.neighbours.groups.map((group) => [
        group.relation,
        group.kgRelation,
        group.tailType,
        group.total,
        group.items.map((item) => item.name),
      ]),
    ).toEqual([
      ['interacts with', 'bioprocess_protein', 'biological_process', 1, ['protein phosphorylation']],
      ['ppi', 'protein_protein', 'gene/protein', 1, ['KIT']],
      ['associated with', 'disease_protein', 'disease', 1, ['chronic myeloid leukemia']],
      ['target', 'drug_protein', 'drug', 1, ['Imatinib']],
    ]);
  });

  it('accepts table names, pages every group and filters by relation', async () => {
    const first = await describeEntity(world.retriever, 'drug', 'DB00619', {
      limit: 1,
      offset: 0,
      relation: 'target',
    });
    expect(first.neighbours.groups).toHaveLength(1);
    expect(first.neighbours.groups[0]).toMatchObject({
      relation: 'target',
      total: 2,
      offset: 0,
      limit: 1,
      nextOffset: 1,
      items: [{ name: 'ABL1', id: '25', nodeIndex: 10, type: 'gene/protein' }],
    });
    const second = await describeEntity(world.retriever, 'drug', 'DB00619', {
      limit: 1,
      offset: 1,
      relation: 'drug_protein',
    });
    expect(
      second.neighbours.groups.map((group) => [
        group.relation,
        group.nextOffset,
        group.items.map((item) => item.name),
      ]),
    ).toEqual([
      ['target', null, ['KIT']],
      ['enzyme', null, []],
    ]);
    const byTable = await describeEntity(world.retriever, 'gene_protein', '7157', page);
    expect(byTable.entity.name).toBe('TP53');
    expect(byTable.payload).toBeNull();
    expect(byTable.vectors).toEqual({ encoded: false, projected: false });
  });

  it('unknown types and ids are NOT_FOUND; ids come with suggestions', async () => {
    await expect(describeEntity(world.retriever, 'protein', '25', page)).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringContaining('unknown node type "protein"'),
    });
    const error = await describeEntity(world.retriever, 'drug', 'Imatinb', page).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({
      code: 'NOT_FOUND',
      message: 'no drug with id "Imatinb" in the knowledge graph; did you mean Imatinib (drug DB00619)?',
      details: {
        field: 'id',
        value: 'Imatinb',
        suggestions: [{ name: 'Imatinib', id: 'DB00619', type: 'drug' }],
      },
    });
    await expect(
      describeEntity(world.retriever, 'drug', 'DB00619', { ...page, relation: 'binds' }),
    ).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
  });
});
