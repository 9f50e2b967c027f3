import { beforeAll, describe, expect, it } from 'vitest';
import { createConcurrencyLimiter } from '../../src/http/concurrency.js';
import { createEntityRoutes } from '../../src/http/routes/entities.js';
import { createRetrieveRoutes, retrieveResponseSchema } from '../../src/http/routes/retrieve.js';
import type { Retriever } from '../../src/retrieval/retriever.js';
import {
  buildRetrievalWorld,
  PROTEIN_MAX_RESIDUES,
  type RetrievalWorld,
} from '../retrieval/retrieval-world.js';
import { buildTestApp, jsonOf, postJson } from './test-app.js';

let world: RetrievalWorld;
beforeAll(async () => {
  world = await buildRetrievalWorld();
});

function appWith(
  retriever: Retriever = world.retriever,
  limiter = createConcurrencyLimiter({ maxConcurrent: 2, maxQueued: 4 }),
) {
  return buildTestApp({
    dependencies: {
      features: [
        createRetrieveRoutes({ retriever, inferenceLimiter: limiter }),
        createEntityRoutes(retriever),
      ],
    },
  }).app;
}

describe('POST /v1/retrieve', () => {
  it('returns the resolved query and ranked results with known marks', async () => {
    const response = await postJson(appWith(), '/v1/retrieve', {
      entity: { type: 'drug', name: 'imatinib' },
      targetTypes: ['gene/protein'],
      method: 'bridge',
      k: 3,
    });
    const body = await jsonOf(response);
    expect(response.status, JSON.stringify(body)).toBe(200);
    expect(retrieveResponseSchema.safeParse(body).success).toBe(true);
    expect(body.query).toMatchObject({ kind: 'entity', headType: 'drug', entity: { id: 'DB00619' }, k: 3 });
    expect(
      body.results.map((result: { name: string; known: boolean; source: string }) => [
        result.name,
        result.known,
        result.source,
      ]),
    ).toEqual([
      ['ABL1', true, 'bridge'],
      ['KIT', true, 'kg'],
      ['PTGS2', false, 'bridge'],
      ['PTGS1', false, 'bridge'],
    ]);
  });

  it('includePredicted: false answers without a bridge; method bridge without one is a 503 that says why', async () => {
    const app = appWith(world.retrieverWithoutBridge);
    const facts = await postJson(app, '/v1/retrieve', {
      entity: 'Aspirin',
      targetTypes: ['gene/protein'],
      includePredicted: false,
    });
    expect(facts.status).toBe(200);
    expect((await jsonOf(facts)).results.map((result: { name: string }) => result.name)).toEqual([
      'PTGS1',
      'PTGS2',
    ]);
    const predicted = await postJson(app, '/v1/retrieve', {
      entity: 'Aspirin',
      targetTypes: ['gene/protein'],
      method: 'bridge',
    });
    expect(predicted.status).toBe(503);
    expect((await jsonOf(predicted)).error).toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringContaining('no trained bridge is loaded'),
    });
  });

  it.each([
    [
      { smiles: 'C1CC(', targetTypes: ['gene/protein'] },
      422,
      /^body\.smiles: RDKit cannot parse SMILES "C1CC\("/,
    ],
    [{ protein: 'MKTJ1', targetTypes: ['drug'] }, 422, /^body\.protein: invalid residue "1" at position 5/],
    [
      { protein: 'M'.repeat(PROTEIN_MAX_RESIDUES + 1), targetTypes: ['drug'] },
      422,
      /^body\.protein: sequence has 301 residues, more than the limit of 300$/,
    ],
    [
      { entity: 'imatinb', targetTypes: ['gene/protein'] },
      404,
      /^no entity named "imatinb".*did you mean Imatinib \(drug DB00619\)\?$/,
    ],
    [{ entity: 'Imatinib', targetTypes: ['gene/protein'], bogus: true }, 400, /^body\.bogus: unknown field$/],
    [{ entity: { id: 'DB00619', colour: 'red' } }, 400, /^body\.entity\.colour: unknown field$/],
    [{ entity: 'Imatinib', k: 0 }, 400, /^body\.k: Too small/],
    [
      { smiles: 'CCO', text: 'ethanol' },
      400,
      /^body\.text: give exactly one of protein, smiles, text, entity, rsid\/variant \(got smiles and text\)$/,
    ],
    [
      { entity: 'Imatinib', targetTypes: ['protein'] },
      400,
      /^body\.targetTypes\[0\]: unknown node type "protein"/,
    ],
    [
      { entity: 'Imatinib', targetTypes: ['gene/protein'], relations: ['ppi'] },
      400,
      /^body\.relations: none of "ppi" joins drug to gene\/protein/,
    ],
  ])('%j → %i', async (body, status, message) => {
    const response = await postJson(appWith(), '/v1/retrieve', body);
    const json = await jsonOf(response);
    expect(response.status, JSON.stringify(json)).toBe(status);
    expect(json.error.message).toMatch(message);
    expect(json.error.requestId).toMatch(/^req_/);
  });

  it('404s carry the suggestions as details', async () => {
    const response = await postJson(appWith(), '/v1/retrieve', { entity: { type: 'drug', id: 'DB00618' } });
    expect(response.status).toBe(404);
    const { error } = await jsonOf(response);
    expect(error.details.field).toBe('body.entity.id');
    expect(error.details.suggestions.map((suggestion: { name: string }) => suggestion.name)).toContain(
      'Imatinib',
    );
  });

  it('runs under the shared inference limiter: busy means 503 with Retry-After', async () => {
    const limiter = createConcurrencyLimiter({ maxConcurrent: 1, maxQueued: 0, retryAfterSeconds: 3 });
    const release = await limiter.acquire();
    try {
      const response = await postJson(appWith(world.retriever, limiter), '/v1/retrieve', { smiles: 'CCO' });
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('3');
    } finally {
      release();
    }
    expect(limiter.active).toBe(0);
  });

  it('is documented in the OpenAPI document', async () => {
    const document = await jsonOf(await appWith().request('/openapi.json'));
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/v1/retrieve', '/v1/entities/{type}/{id}']),
    );
    expect(
      document.paths['/v1/retrieve'].post.requestBody.content['application/json'].schema.properties,
    ).toHaveProperty('smiles');
  });
});
