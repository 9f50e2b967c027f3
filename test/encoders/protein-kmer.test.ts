import { describe, expect, it } from 'vitest';
import { createProteinKmerEncoder } from '../../src/encoders/protein-kmer.js';
import { loadEncoder } from '../../src/encoders/create-encoder.js';
import { bytesOf, cosineSimilarity, l2Norm, vectorOf } from './helpers.js';
import { useTemporaryDirectories } from '../helpers/temporary-directories.js';

// Human insulin B chain and ubiquitin (unrelated), plus a one-residue mutant of the insulin chain.
const INSULIN_B = 'FVNQHLCGSHLVEALYLVCGERGFFYTPKT';
const INSULIN_B_MUTANT = 'FVNQHLCGSHLVEALYLVCGERGFFYTPET';
const UBIQUITIN = 'MQIFVKTLTGKTITLEVEPSDTIENVKAKIQDKEGIPPDQQRLIFAGKQLEDGRTLSDYNIQKESTLHLVLRLRGG';

describe('protein-kmer encoder', () => {
  const temporaryDirectory = useTemporaryDirectories('protein-kmer-');

  it('has 1024 dimensions by default and unit-length vectors', async () => {
    const encoder = createProteinKmerEncoder();
    expect(encoder.dimension).toBe(1024);
    expect(encoder.modality).toBe('protein');
    const vector = vectorOf((await encoder.encode([UBIQUITIN]))[0]);
    expect(vector).toBeInstanceOf(Float32Array);
    expect(vector.length).toBe(1024);
    expect(l2Norm(vector)).toBeCloseTo(1, 5);
  });

  it('is deterministic: same input, same bytes, also across instances and batch positions', async () => {
    const first = await createProteinKmerEncoder().encode([INSULIN_B, UBIQUITIN]);
    const second = await createProteinKmerEncoder().encode([UBIQUITIN, 'KK', INSULIN_B]);
    expect(bytesOf(vectorOf(first[0])).equals(bytesOf(vectorOf(second[2])))).toBe(true);
    expect(bytesOf(vectorOf(first[1])).equals(bytesOf(vectorOf(second[0])))).toBe(true);
  });

  it('puts a point mutant closer than an unrelated protein', async () => {
    const [insulin, mutant, ubiquitin] = (
      await createProteinKmerEncoder().encode([INSULIN_B, INSULIN_B_MUTANT, UBIQUITIN])
    ).map(vectorOf);
    const toMutant = cosineSimilarity(insulin!, mutant!);
    const toUnrelated = cosineSimilarity(insulin!, ubiquitin!);
    expect(toMutant).toBeGreaterThan(0.9);
    expect(toUnrelated).toBeLessThan(0.6);
  });

  it('ignores case and whitespace', async () => {
    const encoder = createProteinKmerEncoder();
    const [plain, messy] = await encoder.encode([INSULIN_B, ` fvnqhlcgsh LVEALYLVCG\nergffytpkt `]);
    expect(bytesOf(vectorOf(plain)).equals(bytesOf(vectorOf(messy)))).toBe(true);
  });

  it('reports per-item failures and still encodes the rest of the batch', async () => {
    const encoder = createProteinKmerEncoder({ maxResidues: 50 });
    const outcomes = await encoder.encode([INSULIN_B, 'MKT1AY', '', UBIQUITIN, 'MKXBZJUO']);
    expect(vectorOf(outcomes[0]).length).toBe(1024);
    expect(outcomes[1]).toEqual({
      ok: false,
      error: {
        code: 'INVALID_SEQUENCE',
        message:
          'invalid residue "1" at position 4: expected one of the 20 standard amino acids or the ambiguity codes B, Z, J, X, U, O',
      },
    });
    expect(outcomes[2]).toEqual({ ok: false, error: { code: 'EMPTY', message: 'empty protein sequence' } });
    expect(outcomes[3]).toEqual({
      ok: false,
      error: { code: 'TOO_LONG', message: 'sequence has 76 residues, more than the limit of 50' },
    });
    expect(l2Norm(vectorOf(outcomes[4]))).toBeCloseTo(1, 5);
  });

  it('sizes the vector from kmerBuckets and rejects sizes over 1024', () => {
    expect(createProteinKmerEncoder({ kmerBuckets: 100 }).dimension).toBe(20 + 400 + 100 + 8);
    expect(() => createProteinKmerEncoder({ kmerBuckets: 597 })).toThrow();
  });

  it('changes configHash when an option changes, not otherwise', () => {
    const base = createProteinKmerEncoder().describe().configHash;
    expect(createProteinKmerEncoder({}).describe().configHash).toBe(base);
    expect(createProteinKmerEncoder({ kmerBuckets: 500 }).describe().configHash).not.toBe(base);
    expect(createProteinKmerEncoder({ blockWeights: { global: 1 } }).describe().configHash).not.toBe(base);
    expect(createProteinKmerEncoder({ maxResidues: 1000 }).describe().configHash).not.toBe(base);
  });

  it('round-trips through save and loadEncoder with identical bytes', async () => {
    const directory = await temporaryDirectory();
    const encoder = createProteinKmerEncoder({ kmerBuckets: 300 });
    await encoder.save(directory);
    const restored = await loadEncoder(directory);
    expect(restored.describe()).toEqual(encoder.describe());
    const [before] = await encoder.encode([UBIQUITIN]);
    const [after] = await restored.encode([UBIQUITIN]);
    expect(bytesOf(vectorOf(after)).equals(bytesOf(vectorOf(before)))).toBe(true);
  });
});
