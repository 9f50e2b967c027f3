import { beforeAll, describe, expect, it } from 'vitest';
import {
  LIGAND_FINGERPRINT_BYTES,
  LIGAND_FINGERPRINT_PARTS,
  createLigandFingerprintLibrary,
  ligandFingerprint,
} from '../../src/chem/ligand-fingerprint.js';
import { popcount32 } from '../../src/chem/fingerprint.js';
import { loadRDKit, type RDKitModule } from '../../src/chem/rdkit.js';
import { readLigandFingerprints } from '../../src/retrieval/ligand-fingerprints.js';
import { ASPIRIN } from '../fixtures/molecules.js';

const SALICYLIC_ACID = 'O=C(O)c1ccccc1O';
const CAFFEINE = 'Cn1cnc2c1c(=O)n(C)c(=O)n2C';

let rdkit: RDKitModule;
beforeAll(async () => {
  rdkit = await loadRDKit();
}, 30_000);

function packedOf(smiles: readonly string[]): Uint8Array {
  const packed = new Uint8Array(smiles.length * LIGAND_FINGERPRINT_BYTES);
  smiles.forEach((value, row) =>
    packed.set(ligandFingerprint(rdkit, value)!, row * LIGAND_FINGERPRINT_BYTES),
  );
  return packed;
}

describe('ligandFingerprint', () => {
  it('packs the five fingerprints of a molecule into one word-aligned array', () => {
    const fingerprint = ligandFingerprint(rdkit, ASPIRIN)!;
    expect(fingerprint.byteLength).toBe(LIGAND_FINGERPRINT_BYTES);
    expect(LIGAND_FINGERPRINT_BYTES % 4).toBe(0);
    expect(fingerprint.some((byte) => byte !== 0)).toBe(true);
  });

  it('returns undefined for a SMILES RDKit cannot parse', () => {
    expect(ligandFingerprint(rdkit, 'C1CC(')).toBeUndefined();
  });
});

describe('createLigandFingerprintLibrary', () => {
  it('scores a member 1 against itself and a close analogue above an unrelated molecule', () => {
    const library = createLigandFingerprintLibrary(packedOf([ASPIRIN, SALICYLIC_ACID, CAFFEINE]), 3);
    const similarities = library.similarities(ligandFingerprint(rdkit, ASPIRIN)!, new Float32Array(3));
    expect(similarities[0]).toBeCloseTo(1, 6);
    expect(similarities[1]!).toBeGreaterThan(similarities[2]!);
    expect(similarities[2]!).toBeGreaterThanOrEqual(0);
    expect(similarities[1]!).toBeLessThan(1);
  });

  it('rejects a byte array that does not hold the stated number of members', () => {
    expect(() => createLigandFingerprintLibrary(new Uint8Array(10), 1)).toThrow(/ligand fingerprints/);
  });

  it('matches the member-by-member mean Tanimoto exactly on the demo index drugs', async () => {
    const stored = (await readLigandFingerprints('indexes/demo'))!;
    const size = stored.nodes.length;
    const partWords = LIGAND_FINGERPRINT_PARTS.map((part) => part.bytes / 4);
    const wordsOf = (bytes: Uint8Array) => new Uint32Array(bytes.slice().buffer);
    // The plain loop: per member, per part, |A ∧ B| / (|A| + |B| − |A ∧ B|), averaged over parts.
    const reference = (query: Uint8Array) => {
      const queryWords = wordsOf(query);
      return Array.from({ length: size }, (_, member) => {
        const memberWords = wordsOf(stored.fingerprint(member));
        let word = 0;
        let sum = 0;
        for (const length of partWords) {
          let both = 0;
          let queryCount = 0;
          let memberCount = 0;
          for (const end = word + length; word < end; word++) {
            both += popcount32(queryWords[word]! & memberWords[word]!);
            queryCount += popcount32(queryWords[word]!);
            memberCount += popcount32(memberWords[word]!);
          }
          const either = queryCount + memberCount - both;
          if (either > 0) sum += both / either;
        }
        return Math.fround(sum / partWords.length);
      });
    };
    for (const query of [
      stored.fingerprint(0),
      stored.fingerprint(size - 1),
      ligandFingerprint(rdkit, CAFFEINE)!,
    ])
      expect(Array.from(stored.library.similarities(query, new Float32Array(size)))).toEqual(
        reference(query),
      );
  });
});
