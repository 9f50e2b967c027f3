import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConcurrencyLimiter } from '../../src/http/concurrency.js';
import { createMoleculeRoutes } from '../../src/http/routes/molecules.js';
import type { MoleculeProposer } from '../../src/molecules/propose.js';
import { proposalResponseSchema } from '../../src/molecules/proposal-schema.js';
import { buildMoleculeWorld, type MoleculeWorld } from '../molecules/molecule-world.js';
import { buildTestApp, jsonOf, postJson } from './test-app.js';

let world: MoleculeWorld;
beforeAll(async () => {
  world = await buildMoleculeWorld('fake');
});
afterAll(() => world?.toolkit.dispose());

function appWith(proposer: MoleculeProposer = world.proposer()) {
  const limiter = createConcurrencyLimiter({ maxConcurrent: 1, maxQueued: 2 });
  return buildTestApp({
    dependencies: {
      features: [createMoleculeRoutes({ proposer, inferenceLimiter: limiter })],
    },
  }).app;
}

const path = '/v1/molecules/propose';

describe('POST /v1/molecules/propose', () => {
  it('returns ranked candidates with SVG, scores, provenance, seeds and stats', async () => {
    const response = await postJson(appWith(), path, {
      target: { gene: 'ABL1' },
      n: 4,
      generations: 2,
      population: 8,
      seed: 1,
    });
    const body = await jsonOf(response);
    expect(response.status, JSON.stringify(body).slice(0, 500)).toBe(200);
    const parsed = proposalResponseSchema.safeParse(body);
    expect(parsed.success, parsed.success ? '' : parsed.error.message).toBe(true);
    expect(body.target).toMatchObject({ kind: 'gene', entity: { id: '25', name: 'ABL1' }, knownBinders: 3 });
    expect(body.candidates).toHaveLength(4);
    for (const candidate of body.candidates) {
      expect(candidate).toMatchObject({ valid: true, provenance: { source: 'genetic-algorithm' } });
      expect(candidate.svg).toContain('<svg');
    }
    expect(body.seeds.filter((seed: { knownBinder: boolean }) => seed.knownBinder)).toHaveLength(3);
    expect(body.stats).toMatchObject({
      returned: 4,
      generationsCompleted: 2,
      llm: { status: 'not-configured' },
    });
  });

  it('404 with suggestions for an unknown target', async () => {
    const response = await postJson(appWith(), path, { target: { gene: 'ABL11' } });
    const body = await jsonOf(response);
    expect(response.status, JSON.stringify(body)).toBe(404);
    expect(body.error).toMatchObject({
      code: 'NOT_FOUND',
      details: { field: 'body.target.gene', suggestions: [expect.objectContaining({ name: 'ABL1' })] },
    });
  });

  it('422 for a sequence the protein encoder rejects', async () => {
    const response = await postJson(appWith(), path, { target: { sequence: 'MKTAYIAKQR1' } });
    const body = await jsonOf(response);
    expect(response.status, JSON.stringify(body)).toBe(422);
    expect(body.error).toMatchObject({ code: 'UNPROCESSABLE', details: { field: 'body.target.sequence' } });
  });

  it('503 without a bridge', async () => {
    const response = await postJson(appWith(world.proposer({ bridge: undefined })), path, {
      target: { gene: 'ABL1' },
    });
    const body = await jsonOf(response);
    expect(response.status, JSON.stringify(body)).toBe(503);
    expect(body.error.message).toContain('no trained bridge is loaded');
  });

  it('400 for unknown fields, two targets and out-of-range numbers, naming each field', async () => {
    const cases: [unknown, string][] = [
      [{ target: { gene: 'ABL1' }, temperature: 1 }, 'body.temperature: unknown field'],
      [
        { target: { gene: 'ABL1', uniprot: 'P00519' } },
        'body.target.uniprot: give exactly one of sequence, gene, uniprot, entity',
      ],
      [{ target: {} }, 'body.target: give exactly one of sequence, gene, uniprot, entity'],
      [{ target: { gene: 'ABL1' }, n: 1000 }, 'body.n: Too big'],
      [{ target: { gene: 'ABL1' }, filters: { minQed: 2 } }, 'body.filters.minQed: Too big'],
      [{ target: { gene: 'ABL1' }, weights: { bridge: -1 } }, 'body.weights.bridge: Too small'],
      [{ n: 3 }, 'body.target'],
    ];
    for (const [request, message] of cases) {
      const response = await postJson(appWith(), path, request);
      const body = await jsonOf(response);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(body.error.code).toBe('BAD_REQUEST');
      expect(body.error.message).toContain(message);
    }
  });

  it('is documented in /openapi.json with its request and response schemas', async () => {
    const response = await appWith().request('/openapi.json');
    const document = await jsonOf(response);
    const operation = document.paths['/v1/molecules/propose'].post;
    expect(Object.keys(operation.responses).sort()).toEqual([
      '200',
      '400',
      '404',
      '413',
      '422',
      '500',
      '503',
    ]);
    expect(Object.keys(operation.requestBody.content['application/json'].schema.properties)).toContain(
      'target',
    );
  });
});
