import { beforeAll, describe, expect, it } from 'vitest';
import {
  LIGAND_FINGERPRINT_BYTES,
  createLigandFingerprintLibrary,
  ligandFingerprint,
} from '../../src/chem/ligand-fingerprint.js';
import { loadRDKit, type RDKitModule } from '../../src/chem/rdkit.js';

const ASPIRIN = 'CC(=O)Oc1ccccc1C(=O)O';
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
});
