import { describe, expect, it } from 'vitest';
import {
  bitCount,
  createFingerprintLibrary,
  maxTanimoto,
  onBits,
  popcount32,
  tanimoto,
  type Fingerprint,
} from '../../src/chem/fingerprint.js';

function fingerprintWithBits(bits: number[], bytes = 8): Fingerprint {
  const fingerprint = new Uint8Array(bytes);
  for (const bit of bits) fingerprint[bit >> 3]! |= 1 << (bit & 7);
  return fingerprint;
}

describe('popcount and bits', () => {
  it('counts bits of 32-bit words', () => {
    expect(popcount32(0)).toBe(0);
    expect(popcount32(0xffffffff)).toBe(32);
    expect(popcount32(0x80000001)).toBe(2);
    expect(popcount32(0x0f0f0f0f)).toBe(16);
  });

  it('reads set bits least significant first, as RDKit packs them', () => {
    const fingerprint = fingerprintWithBits([0, 9, 63]);
    expect(Array.from(fingerprint)).toEqual([1, 2, 0, 0, 0, 0, 0, 128]);
    expect(onBits(fingerprint)).toEqual([0, 9, 63]);
    expect(bitCount(fingerprint)).toBe(3);
  });
});

describe('tanimoto', () => {
  it('is |A∧B| / |A∨B|', () => {
    const a = fingerprintWithBits([1, 2, 3, 40]);
    const b = fingerprintWithBits([2, 3, 40, 50, 60]);
    expect(tanimoto(a, b)).toBeCloseTo(3 / 6, 12);
    expect(tanimoto(a, a)).toBe(1);
    expect(tanimoto(a, fingerprintWithBits([10]))).toBe(0);
    expect(tanimoto(new Uint8Array(8), new Uint8Array(8))).toBe(0);
  });

  it('works on views that are not word aligned', () => {
    const buffer = new Uint8Array(9);
    buffer.set(fingerprintWithBits([1, 2, 3]), 1);
    const unaligned = buffer.subarray(1);
    expect(unaligned.byteOffset % 4).toBe(1);
    expect(tanimoto(unaligned, fingerprintWithBits([1, 2]))).toBeCloseTo(2 / 3, 12);
  });

  it('refuses fingerprints of different lengths', () => {
    expect(() => tanimoto(new Uint8Array(8), new Uint8Array(16))).toThrow(
      'fingerprints differ in length: 8 and 16 bytes',
    );
  });
});

describe('fingerprint library', () => {
  const members = [
    fingerprintWithBits([1, 2, 3]),
    fingerprintWithBits([1, 2, 3, 4, 5, 6]),
    fingerprintWithBits([40, 41]),
  ];

  it('agrees with pairwise tanimoto and finds the nearest member', () => {
    const library = createFingerprintLibrary(members);
    const query = fingerprintWithBits([1, 2, 3, 4]);
    expect(Array.from(library.similarities(query))).toEqual(members.map((member) => tanimoto(query, member)));
    expect(library.nearest(query)).toEqual({ index: 0, similarity: 0.75 });
    expect(library.top(query, 2)).toEqual([
      { index: 0, similarity: 0.75 },
      { index: 1, similarity: 4 / 6 },
    ]);
    expect(maxTanimoto(query, library)).toBe(0.75);
    expect(maxTanimoto(query, members)).toBe(0.75);
  });

  it('handles an empty library and rejects mismatched members', () => {
    const empty = createFingerprintLibrary([]);
    expect(empty.nearest(new Uint8Array(256))).toEqual({ index: -1, similarity: 0 });
    expect(maxTanimoto(new Uint8Array(256), [])).toBe(0);
    expect(() => createFingerprintLibrary([new Uint8Array(8), new Uint8Array(12)])).toThrow(
      'fingerprint 1 has 12 bytes; the library holds 8-byte fingerprints',
    );
  });
});
