import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { retrieveResponseSchema } from '../../src/http/routes/retrieve.js';
import { variantFusionOf } from '../../src/retrieval/variant-fusion-file.js';
import { buildVariantWorld, type VariantWorld } from '../retrieval/variant-world.js';
import { jsonOf, postJson, retrieveTestApp } from './test-app.js';

/**
 * `POST /v1/retrieve` with an rsID when the index has a variant fusion fitted for its model: the
 * fused ranking is the default and returns every component; `method: "learned"` ranks by the
 * learned cosine alone.
 */
let world: VariantWorld;
const WEIGHTS = { positional: 0.5, geneProxy: 0.3, popularity: 0.2 };
beforeAll(async () => {
  const { model } = await buildVariantWorld();
  const fusion = variantFusionOf(model.metadata, WEIGHTS, { queries: 2, hits10: 1, mrr: 1 }, 3);
  await model.dispose();
  world = await buildVariantWorld({ fusion });
});
afterAll(async () => {
  await world.model.dispose();
});

function app() {
  return retrieveTestApp(world.retriever);
}

interface Result {
  nodeIndex: number;
  known: boolean;
  score: number;
  scores: Record<string, number | null | undefined>;
}

async function retrieve(body: Record<string, unknown>) {
  const response = await postJson(app(), '/v1/retrieve', body);
  const json = await jsonOf(response);
  expect(response.status, JSON.stringify(json)).toBe(200);
  const parsed = retrieveResponseSchema.safeParse(json);
  expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
  return json as { query: Record<string, unknown>; results: Result[] };
}

describe('POST /v1/retrieve with a fitted variant fusion', () => {
  it('ranks variant → disease by the fused score by default, with every component in each hit', async () => {
    const body = await retrieve({ rsid: 'rs1004', targetTypes: ['disease'], k: 3, includeKnown: false });
    expect(body.query).toMatchObject({ method: 'variant-model', variantRanking: 'fused' });
    expect(body.results.length).toBe(3);
    for (const result of body.results) {
      const { learned, positional, geneProxy, prior, fused } = result.scores;
      for (const value of [learned, positional, geneProxy, prior, fused]) expect(value).toBeTypeOf('number');
      // The fused score is the learned cosine plus the weighted signals, each already scaled to [0, 1].
      expect(fused).toBeCloseTo(
        learned! +
          WEIGHTS.positional * positional! +
          WEIGHTS.geneProxy * geneProxy! +
          WEIGHTS.popularity * prior!,
        5,
      );
      expect(result.score).toBeCloseTo(fused!, 6);
      for (const value of [positional, geneProxy, prior]) expect(value).toBeGreaterThanOrEqual(0);
      for (const value of [positional, geneProxy, prior]) expect(value).toBeLessThanOrEqual(1);
    }
    const scores = body.results.map((result) => result.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    // rs1004 is a type 2 diabetes variant near TCF7L2: its other chromosome-10 neighbours and its
    // gene both point at type 2 diabetes (node 30), which so gets the top positional and gene score.
    const diabetes = body.results.find((result) => result.nodeIndex === 30)!;
    expect(diabetes.scores).toMatchObject({ positional: 1, geneProxy: 1 });
  });

  it('ranks by the learned cosine alone with method "learned"', async () => {
    const fused = await retrieve({ rsid: 'rs1004', targetTypes: ['disease'], k: 3, includeKnown: false });
    const learned = await retrieve({
      rsid: 'rs1004',
      targetTypes: ['disease'],
      k: 3,
      includeKnown: false,
      method: 'learned',
    });
    expect(learned.query).toMatchObject({ variantRanking: 'learned' });
    for (const result of learned.results) {
      expect(result.scores.fused).toBeNull();
      expect(result.score).toBeCloseTo(result.scores.learned!, 6);
    }
    const byNode = new Map(fused.results.map((result) => [result.nodeIndex, result]));
    for (const result of learned.results)
      expect(byNode.get(result.nodeIndex)!.scores.learned).toBeCloseTo(result.scores.learned!, 6);
    // Type 2 diabetes, which every signal backs, scores higher fused than learned.
    const diabetes = learned.results.find((result) => result.nodeIndex === 30)!;
    expect(byNode.get(30)!.score).toBeGreaterThan(diabetes.score + 0.5);
  });

  it('keeps the learned ranking for phenotypes and genes, and lists the genes and nearby variants the model read', async () => {
    const body = await retrieve({ rsid: 'rs1004', targetTypes: ['gene/protein'], k: 2, includeKnown: false });
    expect(body.query).toMatchObject({ variantRanking: 'learned' });
    expect(body.results.every((result) => result.scores.fused === null)).toBe(true);
    const known = (body.query.variant as { knownFeatures: string[] }).knownFeatures;
    expect(known).toContain('gene:TCF7L2');
    expect(known.some((feature) => feature.startsWith('near:rs'))).toBe(true);
    expect(known).not.toContain('near:rs1004');
  });

  it('refuses a bridge method for an rsid query', async () => {
    const response = await postJson(app(), '/v1/retrieve', { rsid: 'rs1004', method: 'transfer' });
    expect(response.status).toBe(400);
    const body = (await jsonOf(response)) as { error: { message: string } };
    expect(body.error.message).toMatch(/"fused" or "learned"/);
  });
});
