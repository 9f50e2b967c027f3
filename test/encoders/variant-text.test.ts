import { describe, expect, it } from 'vitest';
import { loadEncoder } from '../../src/encoders/create-encoder.js';
import { fitTextEncoder } from '../../src/encoders/text-tfidf.js';
import {
  createVariantTextEncoder,
  describeVariant,
  variantInputToText,
} from '../../src/encoders/variant-text.js';
import { TEXT_CORPUS } from '../fixtures/encoders/text-corpus.js';
import { bytesOf, cosineSimilarity, vectorOf } from './helpers.js';
import { useTemporaryDirectories } from '../helpers/temporary-directories.js';

describe('describeVariant', () => {
  it('describes intergenic variants by their flanking genes', () => {
    expect(
      describeVariant({
        rsid: 'rs1000113',
        chrom: '5',
        pos: '150860514',
        mapped_gene: 'IRGM - ZNF300',
        context: 'intergenic',
        risk_allele: 'T',
      }),
    ).toBe('rs1000113 intergenic variant near IRGM and ZNF300 on chromosome 5, risk allele T');
  });

  it('describes genic variants, dedupes consequences and drops an unknown allele', () => {
    expect(
      describeVariant({
        rsid: 'rs1190596',
        chrom: '14',
        mapped_gene: 'HSP90AA1',
        context: 'intron;intron',
        risk_allele: '?',
      }),
    ).toBe('rs1190596 intron variant in HSP90AA1 on chromosome 14');
    expect(
      describeVariant({
        rsid: 'rs1',
        chrom: '23',
        mapped_gene: 'F8',
        context: 'missense;nearGene-5',
        risk_allele: 'c',
      }),
    ).toBe('rs1 missense variant and upstream gene variant in F8 on chromosome X, risk allele C');
  });

  it('copes with missing fields', () => {
    expect(describeVariant({ rsid: 'rs42' })).toBe('rs42 variant');
    expect(describeVariant({ rsid: 'rs7', mapped_gene: 'APOE', pos: 123 })).toBe('rs7 variant near APOE');
    expect(() => describeVariant({ rsid: '' })).toThrow();
  });
});

describe('variantInputToText', () => {
  it('describes JSON feature objects and passes free text through', () => {
    expect(variantInputToText('{"rsid":"rs9","mapped_gene":"TP53","context":"intron","chrom":"17"}')).toEqual(
      {
        ok: true,
        value: 'rs9 intron variant in TP53 on chromosome 17',
      },
    );
    expect(variantInputToText('  variant near IRGM ')).toEqual({ ok: true, value: 'variant near IRGM' });
    expect(variantInputToText('{"rsid": 5}')).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(variantInputToText('{not json')).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(variantInputToText(' ')).toEqual({
      ok: false,
      error: { code: 'EMPTY', message: 'empty variant input' },
    });
  });
});

describe('variant-text encoder', () => {
  const text = fitTextEncoder(
    [
      ...TEXT_CORPUS,
      'intron variant in INS on chromosome 11',
      'intergenic variant near INS and IGF2 on chromosome 11',
    ],
    { dimension: 16, trigramBuckets: 256 },
  );
  const encoder = createVariantTextEncoder(text);
  const temporaryDirectory = useTemporaryDirectories('variant-text-');

  it('encodes through its text encoder, with the text encoder dimension', async () => {
    expect(encoder.modality).toBe('variant');
    expect(encoder.dimension).toBe(16);
    const features = { rsid: 'rs689', chrom: '11', mapped_gene: 'INS', context: 'intron', risk_allele: 'A' };
    const [fromJson] = await encoder.encode([JSON.stringify(features)]);
    const [direct] = await text.encode([describeVariant(features)]);
    const [fromFeatures] = await encoder.encodeFeatures([features]);
    expect(bytesOf(vectorOf(fromJson)).equals(bytesOf(vectorOf(direct)))).toBe(true);
    expect(bytesOf(vectorOf(fromFeatures)).equals(bytesOf(vectorOf(direct)))).toBe(true);
  });

  it('keeps per-item failures in place and encodes the rest', async () => {
    const outcomes = await encoder.encode([
      '{"rsid":"rs1","mapped_gene":"INS"}',
      '{"chrom":"1"}',
      '',
      'insulin gene variant',
    ]);
    expect(vectorOf(outcomes[0]).length).toBe(16);
    expect(outcomes[1]).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(outcomes[2]).toMatchObject({ ok: false, error: { code: 'EMPTY' } });
    expect(vectorOf(outcomes[3]).length).toBe(16);
  });

  it('places variants of the same gene closer than variants elsewhere', async () => {
    const [insIntron, insNear, heart] = (
      await encoder.encodeFeatures([
        { rsid: 'rs1', mapped_gene: 'INS', context: 'intron', chrom: '11' },
        { rsid: 'rs2', mapped_gene: 'INS - IGF2', context: 'intergenic', chrom: '11' },
        { rsid: 'rs3', mapped_gene: 'MYH7', context: 'missense', chrom: '14' },
      ])
    ).map(vectorOf);
    expect(cosineSimilarity(insIntron!, insNear!)).toBeGreaterThan(cosineSimilarity(insIntron!, heart!));
  });

  it('hashes the text encoder into its configHash and round-trips through loadEncoder', async () => {
    const other = createVariantTextEncoder(
      fitTextEncoder(TEXT_CORPUS, { dimension: 16, trigramBuckets: 128 }),
    );
    expect(other.describe().configHash).not.toBe(encoder.describe().configHash);
    const directory = await temporaryDirectory();
    await encoder.save(directory);
    const restored = await loadEncoder(directory);
    expect(restored.describe()).toEqual(encoder.describe());
    const input = '{"rsid":"rs5","mapped_gene":"IGF2","context":"UTR-3","chrom":"11"}';
    const [before, after] = [await encoder.encode([input]), await restored.encode([input])];
    expect(bytesOf(vectorOf(after[0])).equals(bytesOf(vectorOf(before[0])))).toBe(true);
  });
});
