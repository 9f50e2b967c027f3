import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadEncoder } from '../../src/encoders/create-encoder.js';
import { fitTextEncoder } from '../../src/encoders/text-tfidf.js';
import { createMemoryLogger } from '../../src/util/logger.js';
import { TEXT_CORPUS } from '../fixtures/encoders/text-corpus.js';
import { bytesOf, cosineSimilarity, l2Norm, vectorOf } from './helpers.js';
import { useTemporaryDirectories } from '../helpers/temporary-directories.js';

const OPTIONS = { dimension: 16, trigramBuckets: 512 } as const;

describe('text-tfidf encoder', () => {
  const encoder = fitTextEncoder(TEXT_CORPUS, OPTIONS);
  const temporaryDirectory = useTemporaryDirectories('text-tfidf-');

  it('fits a vocabulary of unigrams and bigrams that pass minDf', () => {
    expect(encoder.vocabulary).toContain('insulin');
    expect(encoder.vocabulary).toContain('insulin resistance');
    expect(encoder.vocabulary).toContain('il-6');
    expect(encoder.vocabulary).toContain('mitochondrial inner');
    // Appears in one document only.
    expect(encoder.vocabulary).not.toContain('glucagon');
    expect(encoder.vocabulary).not.toContain('the');
  });

  it('gives unit-length float32 vectors of the configured dimension', async () => {
    expect(encoder.dimension).toBe(16);
    expect(encoder.modality).toBe('text');
    const vector = vectorOf((await encoder.encode(['insulin receptor signaling']))[0]);
    expect(vector).toBeInstanceOf(Float32Array);
    expect(vector.length).toBe(16);
    expect(l2Norm(vector)).toBeCloseTo(1, 5);
  });

  it('has dimension 256 by default and at most 1024', () => {
    const large = fitTextEncoder(TEXT_CORPUS, { trigramBuckets: 64 });
    expect(large.dimension).toBe(256);
    expect(() => fitTextEncoder(TEXT_CORPUS, { dimension: 1025 })).toThrow();
  });

  it('puts texts on the same topic closer than texts on different topics', async () => {
    const [diabetes, insulin, heart] = (
      await encoder.encode([
        'diabetes with insulin resistance',
        'insulin receptor signaling',
        'heart muscle contraction',
      ])
    ).map(vectorOf);
    expect(cosineSimilarity(diabetes!, insulin!)).toBeGreaterThan(cosineSimilarity(diabetes!, heart!) + 0.2);
  });

  it('places misspelled, out-of-vocabulary words near the right topic through character trigrams', async () => {
    const [misspelled, insulin, heart] = (
      await encoder.encode(['insulinn resistanse', 'insulin resistance', 'heart muscle contraction'])
    ).map(vectorOf);
    expect(cosineSimilarity(misspelled!, insulin!)).toBeGreaterThan(0.5);
    expect(cosineSimilarity(misspelled!, insulin!)).toBeGreaterThan(cosineSimilarity(misspelled!, heart!));
  });

  it('is deterministic: refitting gives the same vectors, byte for byte', async () => {
    const again = fitTextEncoder(TEXT_CORPUS, OPTIONS);
    const inputs = ['tumor suppressor TP53', 'IL-6 inflammation'];
    const [first, second] = [await encoder.encode(inputs), await again.encode(inputs)];
    for (let index = 0; index < inputs.length; index++) {
      expect(bytesOf(vectorOf(first[index])).equals(bytesOf(vectorOf(second[index])))).toBe(true);
    }
    expect(again.describe().configHash).toBe(encoder.describe().configHash);
  });

  it('fails only empty or letterless items and encodes the rest', async () => {
    const outcomes = await encoder.encode(['kinase inhibitor', '', '   ', '-- !!', 'zzqx']);
    expect(vectorOf(outcomes[0]).length).toBe(16);
    expect(outcomes[1]).toEqual({ ok: false, error: { code: 'EMPTY', message: 'empty text' } });
    expect(outcomes[2]).toEqual({ ok: false, error: { code: 'EMPTY', message: 'empty text' } });
    expect(outcomes[3]).toEqual({
      ok: false,
      error: { code: 'EMPTY', message: 'text has no letters or digits' },
    });
    // Unseen word: encoded through its trigrams (a zero vector only if none of them was ever seen).
    expect(vectorOf(outcomes[4]).length).toBe(16);
  });

  it('changes configHash with options and with the corpus', () => {
    const base = encoder.describe().configHash;
    expect(fitTextEncoder(TEXT_CORPUS, { ...OPTIONS, minDf: 3 }).describe().configHash).not.toBe(base);
    expect(fitTextEncoder(TEXT_CORPUS, { ...OPTIONS, seed: 7 }).describe().configHash).not.toBe(base);
    expect(fitTextEncoder(TEXT_CORPUS.slice(1), OPTIONS).describe().configHash).not.toBe(base);
  });

  it('saves vocabulary, idf and components, and loads back bit-identical', async () => {
    const directory = await temporaryDirectory();
    await encoder.save(directory);
    const description = JSON.parse(await readFile(join(directory, 'encoder.json'), 'utf8'));
    expect(description).toMatchObject({
      kind: 'text-tfidf',
      version: 1,
      modality: 'text',
      dimension: 16,
      artifacts: ['components.f32', 'idf.f32', 'vocabulary.json'],
      configHash: encoder.describe().configHash,
    });
    const restored = await loadEncoder(directory);
    expect(restored.describe()).toEqual(encoder.describe());
    const inputs = ['mitochondrial DNA mutation', 'unseen wordz', 'IL-6 receptor'];
    const [before, after] = [await encoder.encode(inputs), await restored.encode(inputs)];
    for (let index = 0; index < inputs.length; index++) {
      expect(bytesOf(vectorOf(after[index])).equals(bytesOf(vectorOf(before[index])))).toBe(true);
    }
  });

  it('refuses to load edited artifacts, naming the file', async () => {
    const directory = await temporaryDirectory();
    await encoder.save(directory);
    const idfPath = join(directory, 'idf.f32');
    const bytes = await readFile(idfPath);
    bytes[0] = bytes[0]! ^ 0xff;
    await writeFile(idfPath, bytes);
    await expect(loadEncoder(directory)).rejects.toMatchObject({
      code: 'INVALID_INDEX',
      message: expect.stringContaining(`configHash mismatch in ${join(directory, 'encoder.json')}`),
    });
  });

  it('logs fit statistics and rejects a corpus without repeated terms', () => {
    const logger = createMemoryLogger();
    fitTextEncoder(TEXT_CORPUS, OPTIONS, { logger });
    expect(logger.lines[0]).toMatchObject({ level: 'info', message: 'fitted text encoder' });
    expect(logger.lines[0]!.fields).toMatchObject({ documents: TEXT_CORPUS.length, dimension: 16 });
    expect(() => fitTextEncoder(['alpha beta', 'gamma delta'], {})).toThrow(
      /none of the 6 terms in 2 documents/,
    );
  });
});
