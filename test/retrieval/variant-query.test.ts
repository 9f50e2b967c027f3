import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VariantModel } from '../../src/encoders/variant-learned.js';
import { AppError } from '../../src/errors.js';
import type { Retriever } from '../../src/retrieval/retriever.js';
import { buildVariantWorld } from './variant-world.js';

describe('variant retrieval with the learned variant model', () => {
  let model: VariantModel;
  let retriever: Retriever;
  let withoutModel: Retriever;

  beforeAll(async () => {
    ({ model, retriever, withoutModel } = await buildVariantWorld());
  });
  afterAll(async () => {
    await model.dispose();
  });

  it('retrieves diseases, phenotypes and genes for a KG rsID, KG associations carrying GWAS statistics', async () => {
    const response = await retriever.retrieve({ rsid: 'rs1004', k: 3 });
    expect(response.query).toMatchObject({
      kind: 'variant',
      headType: 'variant',
      predictions: { available: true, model: 'variant-learned' },
    });
    expect(response.query.variant).toMatchObject({ rsid: 'rs1004', inKg: true, embeddedFrom: 'kg-features' });
    expect(new Set(response.results.map((result) => result.type))).toEqual(
      new Set(['disease', 'effect/phenotype', 'gene/protein']),
    );
    const diabetes = response.results.find((result) => result.nodeIndex === 30)!;
    expect(diabetes).toMatchObject({
      known: true,
      relation: 'associated with',
      name: 'type 2 diabetes mellitus',
    });
    expect(diabetes.association).toEqual({
      pvalueMlog: 10,
      pvalue: 1e-10,
      orBeta: 1.2,
      pubmedId: '20000004',
    });
    const predictedOnly = response.results.filter((result) => !result.known);
    expect(
      predictedOnly.every((result) => result.association === undefined && result.source === 'variant-model'),
    ).toBe(true);
    expect(response.results.map((result) => result.rank)).toEqual(response.results.map((_, i) => i + 1));
    expect(response.query.method).toBe('variant-model');
  });

  it("fills the staged retriever's result fields: the learned component score only, a KG or model explanation, KG facts first", async () => {
    const response = await retriever.retrieve({ rsid: 'rs1004', targetTypes: ['disease'], k: 3 });
    // Without variant-fusion.json the learned cosine ranks alone: it is the only component set.
    expect(response.query.variantRanking).toBe('learned');
    for (const result of response.results) {
      const { learned, ...others } = result.scores;
      expect(learned).toBeTypeOf('number');
      expect(Object.values(others).every((score) => score === null || score === undefined)).toBe(true);
    }
    const diabetes = response.results.find((result) => result.nodeIndex === 30)!;
    expect(diabetes.explanation).toMatchObject({
      kind: 'kg',
      relation: 'associated with',
      text: 'KG edge: rs1004 —associated with→ type 2 diabetes mellitus (GWAS p = 1e-10, OR/β 1.2, PubMed 20000004)',
    });
    const predicted = response.results.filter((result) => !result.known);
    expect(predicted.length).toBeGreaterThan(0);
    for (const result of predicted)
      expect(result.explanation).toEqual({
        kind: 'variant-model',
        text: `learned variant model score ${result.score!.toFixed(3)} (cosine in the model's shared variant–disease space)`,
      });
    expect(response.results[0]!.known).toBe(true);
    expect(diabetes.payloadPreview).toBe('type 2 diabetes mellitus.');
  });

  it('leaves entity queries with an explicit method to the staged retriever, and refuses a method for rsid queries', async () => {
    const staged = await retriever.retrieve({
      entity: { type: 'disease', name: 'type 2 diabetes mellitus' },
      targetTypes: ['variant'],
      method: 'transfer',
      includePredicted: false,
    });
    expect(staged.query.method).toBe('transfer');
    expect(staged.results.every((result) => result.source === 'kg' && result.association === undefined)).toBe(
      true,
    );
    const error = await retriever
      .retrieve({ rsid: 'rs1004', method: 'bridge' }, { fieldPrefix: 'body.' })
      .catch((caught: unknown) => caught);
    expect((error as AppError).status).toBe(400);
    expect((error as AppError).message).toMatch(
      /^body\.method: rsid \/ variant queries are ranked by the learned variant model/,
    );
  });

  it('embeds a variant the index lacks from supplied features', async () => {
    const response = await retriever.retrieve({
      rsid: 'rs999999',
      variant: { chrom: '10', pos: 112_951_500, mappedGenes: ['TCF7L2'], context: 'intron' },
      targetTypes: ['disease'],
      k: 3,
    });
    expect(response.query.variant).toMatchObject({
      rsid: 'rs999999',
      inKg: false,
      embeddedFrom: 'request-features',
    });
    expect(response.query.variant!.knownFeatures).toContain('gene:TCF7L2');
    expect(response.results).toHaveLength(3);
    expect(response.results.every((result) => !result.known && result.score !== null)).toBe(true);
  });

  it('answers an unknown rsID without features with a 404 naming the fields that would embed it', async () => {
    const error = await retriever
      .retrieve({ rsid: 'rs424242' }, { fieldPrefix: 'body.' })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).status).toBe(404);
    expect((error as AppError).message).toMatch(
      /^body\.rsid: rs424242 is not a variant of this index.*variant: \{ chrom, pos, mappedGenes/,
    );
    expect((error as AppError).details).toMatchObject({
      fields: expect.arrayContaining(['variant.chrom', 'variant.pos', 'variant.mappedGenes']),
    });
  });

  it('refuses features the model knows nothing about (422)', async () => {
    const error = await retriever
      .retrieve({ variant: { mappedGenes: ['NOTAGENE'] } })
      .catch((caught: unknown) => caught);
    expect((error as AppError).status).toBe(422);
  });

  it('retrieves variants for a disease, KG associations strongest first among the known', async () => {
    const response = await retriever.retrieve({
      entity: { type: 'disease', name: 'type 2 diabetes mellitus' },
      targetTypes: ['variant'],
      k: 2,
    });
    expect(response.query).toMatchObject({ kind: 'entity', headType: 'disease', targetTypes: ['variant'] });
    const known = response.results.filter((result) => result.known);
    expect(known.map((result) => result.nodeIndex).sort()).toEqual([100, 102, 104, 106, 108, 110]);
    expect(known.every((result) => result.association?.pvalueMlog !== undefined)).toBe(true);
    expect(response.results.every((result) => result.type === 'variant' && result.score !== null)).toBe(true);
  });

  it('marks predicted KG facts known even beyond maxKnown, and adds only the strongest maxKnown facts', async () => {
    const response = await retriever.retrieve({
      entity: { type: 'disease', name: 'type 2 diabetes mellitus' },
      targetTypes: ['variant'],
      k: 12,
      maxKnown: 1,
    });
    expect(response.results).toHaveLength(12);
    const known = response.results.filter((result) => result.known).map((result) => result.nodeIndex);
    expect(known.sort()).toEqual([100, 102, 104, 106, 108, 110]);
    const capped = await retriever.retrieve({
      entity: { type: 'disease', name: 'type 2 diabetes mellitus' },
      targetTypes: ['variant'],
      maxKnown: 1,
      includePredicted: false,
    });
    expect(
      capped.results.map((result) => [result.nodeIndex, result.source, result.association?.pvalueMlog]),
    ).toEqual([[110, 'kg', 16]]);
    expect(capped.query.knownTotal).toBe(6);
  });

  it('says that rsid queries need the learned model when the index has none (503)', async () => {
    const error = await withoutModel.retrieve({ rsid: 'rs1004' }).catch((caught: unknown) => caught);
    expect((error as AppError).status).toBe(503);
    expect((error as AppError).message).toMatch(/no learned variant model/);
  });

  it('rejects an rsid next to another query field', async () => {
    await expect(retriever.retrieve({ rsid: 'rs1004', text: 'diabetes' })).rejects.toThrow(
      /give exactly one of/,
    );
  });
});
