import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { retrieveResponseSchema } from '../../src/http/routes/retrieve.js';
import { buildVariantWorld, type VariantWorld } from '../retrieval/variant-world.js';
import { jsonOf, postJson, retrieveTestApp } from './test-app.js';

/** `POST /v1/retrieve` with an rsID, over the tiny learned variant model (test/fixtures/variant-model). */
let world: VariantWorld;
beforeAll(async () => {
  world = await buildVariantWorld();
});
afterAll(async () => {
  await world.model.dispose();
});

function app() {
  return retrieveTestApp(world.retriever);
}

/** POSTs `request` to /v1/retrieve and returns the JSON body, expecting `status` (the body shows when it differs). */
async function retrieve(request: unknown, status = 200) {
  const response = await postJson(app(), '/v1/retrieve', request);
  const body = await jsonOf(response);
  expect(response.status, JSON.stringify(body)).toBe(status);
  return body;
}

describe('POST /v1/retrieve with rsid', () => {
  it('answers a KG rsID with diseases, its KG association carrying GWAS statistics, in the documented shape', async () => {
    const body = await retrieve({
      rsid: 'rs1004',
      targetTypes: ['disease'],
      k: 2,
    });
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

  it('answers a KG rsID with diseases, phenotypes and genes, KG facts marked apart from predictions', async () => {
    const body = await retrieve({ rsid: 'rs1004', k: 3 });
    expect(retrieveResponseSchema.safeParse(body).success).toBe(true);
    expect(new Set(body.results.map((result: { type: string }) => result.type))).toEqual(
      new Set(['disease', 'effect/phenotype', 'gene/protein']),
    );
    const gene = body.results.find((result: { name: string }) => result.name === 'TCF7L2');
    expect(gene, JSON.stringify(body.results)).toMatchObject({
      type: 'gene/protein',
      known: true,
      relation: 'maps to',
      explanation: { kind: 'kg' },
    });
    for (const result of body.results) {
      if (result.known) expect(result.explanation.kind).toBe('kg');
      else {
        expect(result).toMatchObject({ source: 'variant-model', explanation: { kind: 'variant-model' } });
        expect(result.association).toBeUndefined();
      }
      if (result.type !== 'disease') expect(result.association).toBeUndefined();
    }
  });

  it('embeds `variant: {chrom, pos, mappedGenes}` the index lacks and returns diseases, phenotypes and genes as predictions', async () => {
    const body = await retrieve({
      variant: { chrom: 'chr10', pos: 112_951_500, mappedGenes: ['TCF7L2'], riskAllele: 'T' },
      k: 2,
    });
    expect(retrieveResponseSchema.safeParse(body).success).toBe(true);
    expect(body.query).toMatchObject({
      kind: 'variant',
      method: 'variant-model',
      variant: { inKg: false, embeddedFrom: 'request-features' },
    });
    expect(body.query.variant.knownFeatures).toContain('gene:TCF7L2');
    expect(new Set(body.results.map((result: { type: string }) => result.type))).toEqual(
      new Set(['disease', 'effect/phenotype', 'gene/protein']),
    );
    for (const result of body.results)
      expect(result).toMatchObject({ known: false, source: 'variant-model', score: expect.any(Number) });
    const diseases = body.results.filter((result: { type: string }) => result.type === 'disease');
    expect(diseases[0].name, 'a TCF7L2 variant on chromosome 10 ranks type 2 diabetes first').toBe(
      'type 2 diabetes mellitus',
    );
  });

  it('retrieves the variants of a disease, known associations with their GWAS statistics, strongest first', async () => {
    const body = await retrieve({
      entity: { type: 'disease', name: 'type 2 diabetes mellitus' },
      targetTypes: ['variant'],
      k: 8,
    });
    expect(retrieveResponseSchema.safeParse(body).success).toBe(true);
    const known = body.results.filter((result: { known: boolean }) => result.known);
    expect(known.map((result: { name: string }) => result.name)).toEqual([
      'rs1010',
      'rs1008',
      'rs1006',
      'rs1004',
      'rs1002',
      'rs1000',
    ]);
    expect(known[0].association).toEqual({
      pvalueMlog: 16,
      pvalue: 1e-16,
      orBeta: 1.2,
      pubmedId: '20000010',
    });
    const predicted = body.results.filter((result: { known: boolean }) => !result.known);
    expect(predicted.length).toBeGreaterThan(0);
    for (const result of predicted)
      expect(result).toMatchObject({
        type: 'variant',
        source: 'variant-model',
        explanation: { kind: 'variant-model' },
      });
  });

  it('retrieves the variants of a gene', async () => {
    const body = await retrieve({
      entity: { type: 'gene/protein', name: 'HLA-DRB1' },
      targetTypes: ['variant'],
      k: 3,
    });
    expect(body.query).toMatchObject({ kind: 'entity', headType: 'gene/protein', targetTypes: ['variant'] });
    expect(body.results.every((result: { type: string }) => result.type === 'variant')).toBe(true);
    const known = body.results.filter((result: { known: boolean }) => result.known);
    expect(known.length, JSON.stringify(body.results)).toBeGreaterThan(0);
    for (const result of known)
      expect(result).toMatchObject({ relation: 'maps to', explanation: { kind: 'kg' } });
    expect(
      body.results.filter((result: { source: string }) => result.source === 'variant-model'),
    ).toHaveLength(3);
  });

  it('422s features the model knows nothing about, and 400s an rsid next to another query field', async () => {
    const unknown = await postJson(app(), '/v1/retrieve', { variant: { mappedGenes: ['NOTAGENE'] } });
    const unknownBody = await jsonOf(unknown);
    expect(unknown.status, JSON.stringify(unknownBody)).toBe(422);
    expect(unknownBody.error.message).toMatch(/variant/);
    const both = await postJson(app(), '/v1/retrieve', { rsid: 'rs1004', text: 'diabetes' });
    const bothBody = await jsonOf(both);
    expect(both.status, JSON.stringify(bothBody)).toBe(400);
    expect(bothBody.error.message).toMatch(/give exactly one of/);
  });

  it('404s an rsID the index lacks, sent without features, naming the variant.* fields that would embed it', async () => {
    const body = await retrieve({ rsid: 'rs424242' }, 404);
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
