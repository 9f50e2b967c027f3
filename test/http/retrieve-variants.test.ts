import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConcurrencyLimiter } from '../../src/http/concurrency.js';
import { createRetrieveRoutes, retrieveResponseSchema } from '../../src/http/routes/retrieve.js';
import { buildVariantWorld, type VariantWorld } from '../retrieval/variant-world.js';
import { buildTestApp, jsonOf, postJson } from './test-app.js';

/** `POST /v1/retrieve` with an rsID, over the tiny learned variant model (test/fixtures/variant-model). */
let world: VariantWorld;
beforeAll(async () => {
  world = await buildVariantWorld();
});
afterAll(async () => {
  await world.model.dispose();
});

function app() {
  return buildTestApp({
    dependencies: {
      features: [
        createRetrieveRoutes({
          retriever: world.retriever,
          inferenceLimiter: createConcurrencyLimiter({ maxConcurrent: 2, maxQueued: 4 }),
        }),
      ],
    },
  }).app;
}

describe('POST /v1/retrieve with rsid', () => {
  it('answers a KG rsID with diseases, its KG association carrying GWAS statistics, in the documented shape', async () => {
    const response = await postJson(app(), '/v1/retrieve', {
      rsid: 'rs1004',
      targetTypes: ['disease'],
      k: 2,
    });
    const body = await jsonOf(response);
    expect(response.status, JSON.stringify(body)).toBe(200);
    const parsed = retrieveResponseSchema.safeParse(body);
    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
    expect(body.query).toMatchObject({
      kind: 'variant',
      headType: 'variant',
      method: 'variant-model',
      predictions: { available: true, model: 'variant-learned' },
      variant: { rsid: 'rs1004', inKg: true, embeddedFrom: 'kg-features' },
    });
    expect(body.results[0]).toMatchObject({
      rank: 1,
      name: 'type 2 diabetes mellitus',
      known: true,
      association: { pvalueMlog: 10, pvalue: 1e-10, orBeta: 1.2, pubmedId: '20000004' },
      scores: { bridge: null, transfer: null, prior: null, fused: null },
      explanation: { kind: 'kg', relation: 'associated with' },
    });
    const predicted = body.results.filter((result: { known: boolean }) => !result.known);
    expect(predicted.length).toBeGreaterThan(0);
    for (const result of predicted) {
      expect(result).toMatchObject({ source: 'variant-model', explanation: { kind: 'variant-model' } });
      expect(result.association).toBeUndefined();
    }
  });

  it('404s an rsID the index lacks, sent without features, naming the variant.* fields that would embed it', async () => {
    const response = await postJson(app(), '/v1/retrieve', { rsid: 'rs424242' });
    const body = await jsonOf(response);
    expect(response.status, JSON.stringify(body)).toBe(404);
    expect(body.error.message).toMatch(/^body\.rsid: rs424242 is not a variant of this index/);
    expect(body.error.details).toMatchObject({
      field: 'body.rsid',
      value: 'rs424242',
      fields: [
        'variant.chrom',
        'variant.pos',
        'variant.mappedGenes',
        'variant.context',
        'variant.riskAllele',
      ],
    });
    expect(JSON.stringify(body)).not.toMatch(/\bat .*\.ts:\d+/);
  });
});
