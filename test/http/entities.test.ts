import { beforeAll, describe, expect, it } from 'vitest';
import { createEntityRoutes, entityResponseSchema } from '../../src/http/routes/entities.js';
import { buildRetrievalWorld, type RetrievalWorld } from '../retrieval/retrieval-world.js';
import { buildTestApp, jsonOf } from './test-app.js';

let world: RetrievalWorld;
beforeAll(async () => {
  world = await buildRetrievalWorld();
});

const app = () => buildTestApp({ dependencies: { features: [createEntityRoutes(world.retriever)] } }).app;

describe('GET /v1/entities/:type/:id', () => {
  it('returns the entity, its payload and neighbours by relation, for encoded and table-name types', async () => {
    for (const path of ['/v1/entities/gene%2Fprotein/25', '/v1/entities/gene_protein/25']) {
      const response = await app().request(path);
      const body = await jsonOf(response);
      expect(response.status, JSON.stringify(body)).toBe(200);
      expect(entityResponseSchema.safeParse(body).success).toBe(true);
      expect(body.entity).toEqual({
        nodeIndex: 10,
        type: 'gene/protein',
        id: '25',
        name: 'ABL1',
        source: 'NCBI',
      });
      expect(body.payload.kind).toBe('sequence');
      expect(
        body.neighbours.groups.map((group: { relation: string; total: number }) => [
          group.relation,
          group.total,
        ]),
      ).toEqual([
        ['interacts with', 1],
        ['ppi', 1],
        ['associated with', 1],
        ['target', 1],
      ]);
    }
  });

  it('pages groups with limit and offset, and filters by relation', async () => {
    const response = await app().request('/v1/entities/drug/DB00619?limit=1&offset=1&relation=target');
    const body = await jsonOf(response);
    expect(response.status, JSON.stringify(body)).toBe(200);
    expect(body.neighbours.groups).toEqual([
      {
        relation: 'target',
        kgRelation: 'drug_protein',
        tailType: 'gene/protein',
        total: 2,
        offset: 1,
        limit: 1,
        nextOffset: null,
        items: [{ nodeIndex: 11, type: 'gene/protein', id: '3815', name: 'KIT' }],
      },
    ]);
  });

  it.each([
    [
      '/v1/entities/drug/DB00618',
      404,
      /^no drug with id "DB00618".*did you mean .*Imatinib \(drug DB00619\)/,
    ],
    ['/v1/entities/protein/25', 404, /^unknown node type "protein"/],
    ['/v1/entities/drug/DB00619?limit=0', 400, /^query\.limit: Too small/],
    ['/v1/entities/drug/DB00619?page=2', 400, /^query\.page: unknown field$/],
    ['/v1/entities/drug/DB00619?relation=binds', 400, /^query\.relation: unknown relation "binds"/],
  ])('%s → %i', async (path, status, message) => {
    const response = await app().request(path);
    const body = await jsonOf(response);
    expect(response.status, JSON.stringify(body)).toBe(status);
    expect(body.error.message).toMatch(message);
  });

  it('404 for an unknown id lists suggestions', async () => {
    const body = await jsonOf(await app().request('/v1/entities/drug/Imatinb'));
    expect(body.error.details.suggestions[0]).toMatchObject({
      name: 'Imatinib',
      id: 'DB00619',
      type: 'drug',
    });
  });
});
