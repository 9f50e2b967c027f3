import { beforeAll, describe, expect, it } from 'vitest';
import { loadRDKit, type RDKitModule } from '../../src/chem/rdkit.js';
import { loadEncoder } from '../../src/encoders/create-encoder.js';
import type { Encoder } from '../../src/encoders/encoder.js';
import { canonicalSmiles, createMoleculeMorganEncoder } from '../../src/encoders/molecule-morgan.js';
import { bytesOf, cosineSimilarity, l2Norm, vectorOf } from './helpers.js';
import { useTemporaryDirectories } from '../helpers/temporary-directories.js';
import { ASPIRIN, IMATINIB } from '../fixtures/molecules.js';

const NILOTINIB = 'Cc1cn(-c2cc(NC(=O)c3ccc(C)c(Nc4nccc(-c5cccnc5)n4)c3)cc(C(F)(F)F)c2)cn1';
const SUCROSE = 'OC[C@H]1O[C@@](CO)(O[C@H]2O[C@H](CO)[C@@H](O)[C@H](O)[C@H]2O)[C@@H](O)[C@@H]1O';

describe('molecule-morgan encoder', () => {
  let rdkit: RDKitModule;
  let encoder: Encoder;
  const temporaryDirectory = useTemporaryDirectories('molecule-morgan-');

  beforeAll(async () => {
    rdkit = await loadRDKit();
    encoder = await createMoleculeMorganEncoder({}, { rdkit });
  });

  it('gives unit-length 1024-dimensional count vectors', async () => {
    expect(encoder.dimension).toBe(1024);
    expect(encoder.modality).toBe('molecule');
    const vector = vectorOf((await encoder.encode([IMATINIB]))[0]);
    expect(vector.length).toBe(1024);
    expect(l2Norm(vector)).toBeCloseTo(1, 5);
    // Counts, not bits: log1p-scaled levels 1, 2, 4, 8 appear with different magnitudes.
    const distinct = new Set([...vector].filter((value) => value > 0).map((value) => value.toFixed(6)));
    expect(distinct.size).toBeGreaterThan(1);
  });

  it('decodes RDKit count simulation into per-environment counts', async () => {
    const small = await createMoleculeMorganEncoder({ radius: 1, size: 256 }, { rdkit });
    const relative = async (smiles: string): Promise<number[]> => {
      const values = [...vectorOf((await small.encode([smiles]))[0])].filter((value) => value > 0);
      const smallest = Math.min(...values);
      return values.map((value) => value / smallest).sort((left, right) => left - right);
    };
    // Ethane: CH3 twice at radius 0, one (non-redundant) radius-1 environment.
    expect(await relative('CC')).toEqual([1, expect.closeTo(Math.log1p(2) / Math.log1p(1), 5)]);
    // Decane: radius 0 CH3 ×2 and CH2 ×8; radius 1 CH3–CH2 ×2, CH3–CH2–CH2 ×2, CH2–CH2–CH2 ×6.
    // Counts read back as 2, 2, 2, ≥4 and ≥8 (the simulation's bounds are 1, 2, 4, 8).
    const base = Math.log1p(2);
    expect(await relative('CCCCCCCCCC')).toEqual([
      1,
      1,
      1,
      expect.closeTo(Math.log1p(4) / base, 5),
      expect.closeTo(Math.log1p(8) / base, 5),
    ]);
  });

  it('is deterministic and does not depend on how the SMILES is written', async () => {
    const [first, reordered] = await encoder.encode([ASPIRIN, 'OC(=O)c1ccccc1OC(C)=O']);
    const [again] = await (await createMoleculeMorganEncoder({}, { rdkit })).encode([ASPIRIN]);
    expect(bytesOf(vectorOf(first)).equals(bytesOf(vectorOf(reordered)))).toBe(true);
    expect(bytesOf(vectorOf(first)).equals(bytesOf(vectorOf(again)))).toBe(true);
  });

  it('puts two kinase inhibitors closer to each other than to a sugar', async () => {
    const [imatinib, nilotinib, sucrose] = (await encoder.encode([IMATINIB, NILOTINIB, SUCROSE])).map(
      vectorOf,
    );
    const inhibitors = cosineSimilarity(imatinib!, nilotinib!);
    expect(inhibitors).toBeGreaterThan(0.4);
    expect(cosineSimilarity(imatinib!, sucrose!)).toBeLessThan(inhibitors / 3);
  });

  it('fails invalid items with RDKit reasons and encodes the others', async () => {
    const outcomes = await encoder.encode([ASPIRIN, 'C1CC(', 'c1cccc1', '   ', 'CC(C)(C)(C)(C)C', IMATINIB]);
    expect(vectorOf(outcomes[0]).length).toBe(1024);
    expect(outcomes[1]).toMatchObject({ ok: false, error: { code: 'INVALID_SMILES' } });
    expect(!outcomes[1]!.ok && outcomes[1]!.error.message).toMatch(
      /^RDKit cannot parse SMILES "C1CC\(": SMILES Parse Error: syntax error while parsing: C1CC\( \(around character 5\)$/,
    );
    expect(!outcomes[2]!.ok && outcomes[2]!.error.message).toContain("Can't kekulize mol");
    expect(outcomes[3]).toEqual({ ok: false, error: { code: 'EMPTY', message: 'empty SMILES' } });
    expect(!outcomes[4]!.ok && outcomes[4]!.error.message).toContain('Explicit valence for atom # 1 C, 6');
    expect(vectorOf(outcomes[5]).length).toBe(1024);
  });

  it('canonicalSmiles returns RDKit canonical SMILES or the failure', async () => {
    expect(await canonicalSmiles('OC(=O)c1ccccc1OC(C)=O', { rdkit })).toEqual({ ok: true, value: ASPIRIN });
    expect(await canonicalSmiles('C1CC(', { rdkit })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_SMILES' },
    });
    expect(await canonicalSmiles('', { rdkit })).toMatchObject({ ok: false, error: { code: 'EMPTY' } });
  });

  it('honours size and radius, capped at 1024, and hashes its options', async () => {
    const small = await createMoleculeMorganEncoder({ size: 256, radius: 3 }, { rdkit });
    expect(small.dimension).toBe(256);
    expect(vectorOf((await small.encode([IMATINIB]))[0]).length).toBe(256);
    await expect(createMoleculeMorganEncoder({ size: 2048 }, { rdkit })).rejects.toThrow();
    const base = encoder.describe().configHash;
    expect((await createMoleculeMorganEncoder({ radius: 3 }, { rdkit })).describe().configHash).not.toBe(
      base,
    );
    expect(
      (await createMoleculeMorganEncoder({ useChirality: true }, { rdkit })).describe().configHash,
    ).not.toBe(base);
    expect((await createMoleculeMorganEncoder({ radius: 2 }, { rdkit })).describe().configHash).toBe(base);
    expect(encoder.describe().provenance).toEqual({ rdkit: rdkit.version() });
  });

  it('round-trips through save and loadEncoder with identical bytes', async () => {
    const directory = await temporaryDirectory();
    await encoder.save(directory);
    const restored = await loadEncoder(directory, { rdkit });
    expect(restored.describe()).toEqual(encoder.describe());
    const [before] = await encoder.encode([NILOTINIB]);
    const [after] = await restored.encode([NILOTINIB]);
    expect(bytesOf(vectorOf(after)).equals(bytesOf(vectorOf(before)))).toBe(true);
  });
});

describe('molecule-morgan size guard', () => {
  it('refuses molecules too large for RDKit MinimalLib without touching RDKit, and keeps working', async () => {
    const encoder = await createMoleculeMorganEncoder({ size: 64 });
    const [huge, small] = await encoder.encode(['C'.repeat(700), 'CCO']);
    expect(huge?.ok).toBe(false);
    if (huge && !huge.ok) {
      expect(huge.error.code).toBe('TOO_LONG');
      expect(huge.error.message).toContain('700 atoms');
    }
    expect(small?.ok).toBe(true);
  });
});
