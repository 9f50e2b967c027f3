import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  featurizeVariant,
  splitMappedGenes,
  variantTokens,
  type VariantFeatureValues,
} from '../../src/encoders/variant-features.js';
import { hasVariantModel, loadVariantModel, type VariantModel } from '../../src/encoders/variant-learned.js';
import type { IndexManifest } from '../../src/indexing/manifest.js';
import { variantModelMismatch } from '../../src/indexing/variant-inputs.js';

// Written by `python3 train/fixtures/make_tiny_variant_model.py test/fixtures/variant-model`.
const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'variant-model');
const expected = JSON.parse(readFileSync(join(FIXTURE, 'expected.json'), 'utf8')) as {
  genes: Record<string, number[]>;
  cases: { features: VariantFeatureValues; kgGroups: Record<string, number>[]; embedding: number[] }[];
};

describe('variant features', () => {
  it('splits GWAS Catalog mapped genes: flanking pairs, lists, hyphenated symbols', () => {
    expect(splitMappedGenes('IRGM - ZNF300')).toEqual(['IRGM', 'ZNF300']);
    expect(splitMappedGenes('HLA-DRB1, HLA-DQA1;HLA-DRB1')).toEqual(['HLA-DRB1', 'HLA-DQA1']);
    expect(splitMappedGenes('  ')).toEqual([]);
  });

  it('tokenises chromosome, both position bins, genes, contexts and allele', () => {
    expect(
      variantTokens({
        chrom: 'chr10',
        pos: 112_998_590,
        mappedGenes: ['tcf7l2'],
        context: 'intron;intron;missense',
        riskAllele: 't',
      }),
    ).toEqual([
      ['chr:10'],
      ['bin1000000:10:112'],
      ['bin100000:10:1129'],
      ['gene:TCF7L2'],
      ['ctx:intron', 'ctx:missense'],
      ['allele:T'],
    ]);
    expect(variantTokens({ pos: 5, riskAllele: 'SNP haplotype' })).toEqual([
      [],
      [],
      [],
      [],
      [],
      ['allele:?'],
    ]);
  });

  it('gives each group weight 1 over its known tokens and appends the gene vector', () => {
    const vocabulary = new Map(
      ['chr:1', 'gene:A', 'gene:B', 'near:7', 'near:8'].map((token, column) => [token, column]),
    );
    const row = featurizeVariant(
      { chrom: '1', mappedGenes: ['A', 'B', 'UNKNOWN'] },
      vocabulary,
      Float32Array.of(0.5, -0.5),
      2,
      [
        new Map([
          ['near:7', 3],
          ['near:8', 1],
          ['near:9', 4],
        ]),
      ],
    );
    expect([...row]).toEqual([1, 0.5, 0.5, 0.75, 0.25, 0.5, -0.5]);
    expect(() => featurizeVariant({}, vocabulary, Float32Array.of(1), 2)).toThrow(/gene vector has 1 values/);
  });
});

describe('learned variant model (tiny fixture)', () => {
  let model: VariantModel;
  beforeAll(async () => {
    model = await loadVariantModel(FIXTURE);
  });
  afterAll(async () => {
    await model.dispose();
  });

  it('loads the tables and the KG features the trainer wrote', async () => {
    expect(await hasVariantModel(FIXTURE)).toBe(true);
    expect(await hasVariantModel(join(FIXTURE, 'variants'))).toBe(false);
    expect([...model.tailTypes].sort()).toEqual(['disease', 'effect/phenotype', 'gene/protein']);
    expect(model.tail('disease')!.rows).toBe(3);
    expect(model.variants.rows).toBe(12);
    expect(model.featuresOfRsid('RS1000')?.nodeIndex).toBe(100);
    expect(model.referenceVariants().map((row) => row.nodeIndex)).not.toContain(model.metadata.split.test[0]);
  });

  it('embeds features as PyTorch does (TypeScript featuriser + ONNX)', async () => {
    const genes = async (symbols: readonly string[]) => {
      const vectors = symbols.flatMap((symbol) => (expected.genes[symbol] ? [expected.genes[symbol]] : []));
      if (vectors.length === 0) return undefined;
      return Float32Array.from(
        vectors[0]!,
        (_, i) => vectors.reduce((sum, vector) => sum + vector[i]!, 0) / vectors.length,
      );
    };
    for (const testCase of expected.cases) {
      const [embedding] = await model.embed([testCase.features], {
        genes,
        kgGroups: () => testCase.kgGroups.map((group) => new Map(Object.entries(group))),
      });
      expect(embedding).toHaveLength(testCase.embedding.length);
      testCase.embedding.forEach((value, i) => expect(embedding![i]).toBeCloseTo(value, 5));
    }
  });

  it('is refused for an index whose encoders differ from those it was trained on', () => {
    const encoders: Record<string, { configHash: string }> = {
      disease: { configHash: 'text-hash' },
      'effect/phenotype': { configHash: 'text-hash' },
      'gene/protein': { configHash: 'gene-hash' },
    };
    const manifest = { encoders } as unknown as IndexManifest;
    expect(variantModelMismatch(model, manifest)).toBeUndefined();
    encoders['gene/protein'] = { configHash: 'another-encoder' };
    expect(variantModelMismatch(model, manifest)).toMatch(
      /gene\/protein vectors of encoder gene-hash, the index has another-enco/,
    );
  });

  it('scores unit-length tails by cosine', async () => {
    const diseases = model.tail('disease')!;
    const first = diseases.vectorOf(diseases.nodeIndices[0]!)!;
    const scores = diseases.scores(first);
    expect(scores[0]).toBeCloseTo(1, 5);
    for (const score of scores) expect(score).toBeLessThanOrEqual(1.00001);
  });
});
