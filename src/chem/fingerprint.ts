/**
 * Bit fingerprints as RDKit packs them (`get_morgan_fp_as_uint8array`): bit `i` lives in byte
 * `i >> 3` at position `i & 7`, least significant first. Similarity works on 32-bit words.
 */
export type Fingerprint = Uint8Array;

export const morganRadius = 2;
export const morganBits = 2048;

export function popcount32(value: number): number {
  let v = value - ((value >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** Views the bytes as words without copying when the buffer allows it. */
export function fingerprintWords(fingerprint: Fingerprint): Uint32Array {
  if (fingerprint.byteLength % 4 !== 0) {
    throw new RangeError(`fingerprint length ${fingerprint.byteLength} bytes is not a multiple of 4`);
  }
  if (fingerprint.byteOffset % 4 === 0) {
    return new Uint32Array(fingerprint.buffer, fingerprint.byteOffset, fingerprint.byteLength / 4);
  }
  return new Uint32Array(fingerprint.slice().buffer);
}

export function bitCount(fingerprint: Fingerprint): number {
  const words = fingerprintWords(fingerprint);
  let count = 0;
  for (let i = 0; i < words.length; i += 1) count += popcount32(words[i]!);
  return count;
}

/** Indices of the set bits, ascending (the `GetOnBits` of RDKit). */
export function onBits(fingerprint: Fingerprint): number[] {
  const bits: number[] = [];
  for (let byte = 0; byte < fingerprint.length; byte += 1) {
    const value = fingerprint[byte]!;
    if (value === 0) continue;
    for (let bit = 0; bit < 8; bit += 1) if (value & (1 << bit)) bits.push(byte * 8 + bit);
  }
  return bits;
}

/**
 * |A ∧ B| / |A ∨ B|. Two empty fingerprints score 0, as in RDKit's `TanimotoSimilarity`.
 */
export function tanimoto(a: Fingerprint, b: Fingerprint): number {
  if (a.byteLength !== b.byteLength) {
    throw new RangeError(`fingerprints differ in length: ${a.byteLength} and ${b.byteLength} bytes`);
  }
  const wordsA = fingerprintWords(a);
  const wordsB = fingerprintWords(b);
  let both = 0;
  let either = 0;
  for (let i = 0; i < wordsA.length; i += 1) {
    const x = wordsA[i]!;
    const y = wordsB[i]!;
    both += popcount32(x & y);
    either += popcount32(x | y);
  }
  return either === 0 ? 0 : both / either;
}

/**
 * Fingerprints packed into one word array with their bit counts precomputed, so that one query
 * against thousands costs one AND-popcount per word: |A ∧ B| / (|A| + |B| − |A ∧ B|).
 */
export interface FingerprintLibrary {
  readonly size: number;
  readonly wordsPerFingerprint: number;
  /** Similarity of `query` to every member, in insertion order. */
  similarities(query: Fingerprint): Float64Array;
  /** Highest similarity and the member that has it; `index` is -1 for an empty library. */
  nearest(query: Fingerprint): { index: number; similarity: number };
  /** The `k` most similar members, best first; ties keep insertion order. */
  top(query: Fingerprint, k: number): { index: number; similarity: number }[];
}

export function createFingerprintLibrary(fingerprints: readonly Fingerprint[]): FingerprintLibrary {
  const first = fingerprints[0];
  const byteLength = first?.byteLength ?? morganBits / 8;
  const wordsPerFingerprint = byteLength / 4;
  if (!Number.isInteger(wordsPerFingerprint)) {
    throw new RangeError(`fingerprint length ${byteLength} bytes is not a multiple of 4`);
  }
  const words = new Uint32Array(fingerprints.length * wordsPerFingerprint);
  const counts = new Uint16Array(fingerprints.length);
  fingerprints.forEach((fingerprint, index) => {
    if (fingerprint.byteLength !== byteLength) {
      throw new RangeError(
        `fingerprint ${index} has ${fingerprint.byteLength} bytes; the library holds ${byteLength}-byte fingerprints`,
      );
    }
    const source = fingerprintWords(fingerprint);
    words.set(source, index * wordsPerFingerprint);
    let count = 0;
    for (let i = 0; i < source.length; i += 1) count += popcount32(source[i]!);
    counts[index] = count;
  });

  const prepare = (query: Fingerprint): { queryWords: Uint32Array; queryCount: number } => {
    if (query.byteLength !== byteLength) {
      throw new RangeError(
        `query has ${query.byteLength} bytes; the library holds ${byteLength}-byte fingerprints`,
      );
    }
    const queryWords = fingerprintWords(query);
    let queryCount = 0;
    for (let i = 0; i < queryWords.length; i += 1) queryCount += popcount32(queryWords[i]!);
    return { queryWords, queryCount };
  };

  const similarityAt = (queryWords: Uint32Array, queryCount: number, member: number): number => {
    const offset = member * wordsPerFingerprint;
    let both = 0;
    for (let i = 0; i < wordsPerFingerprint; i += 1) both += popcount32(queryWords[i]! & words[offset + i]!);
    const either = queryCount + counts[member]! - both;
    return either === 0 ? 0 : both / either;
  };

  return {
    size: fingerprints.length,
    wordsPerFingerprint,
    similarities(query) {
      const { queryWords, queryCount } = prepare(query);
      const result = new Float64Array(fingerprints.length);
      for (let member = 0; member < fingerprints.length; member += 1) {
        result[member] = similarityAt(queryWords, queryCount, member);
      }
      return result;
    },
    nearest(query) {
      const { queryWords, queryCount } = prepare(query);
      let index = -1;
      let similarity = 0;
      for (let member = 0; member < fingerprints.length; member += 1) {
        const value = similarityAt(queryWords, queryCount, member);
        if (index === -1 || value > similarity) {
          index = member;
          similarity = value;
        }
      }
      return { index, similarity };
    },
    top(query, k) {
      const all = this.similarities(query);
      const order = Array.from(all.keys()).sort((x, y) => all[y]! - all[x]! || x - y);
      return order.slice(0, Math.max(0, k)).map((index) => ({ index, similarity: all[index]! }));
    },
  };
}

/** Highest Tanimoto similarity of `query` to any library member; 0 for an empty library. */
export function maxTanimoto(
  query: Fingerprint,
  library: FingerprintLibrary | readonly Fingerprint[],
): number {
  const packed = isLibrary(library) ? library : createFingerprintLibrary(library);
  return packed.size === 0 ? 0 : packed.nearest(query).similarity;
}

function isLibrary(value: FingerprintLibrary | readonly Fingerprint[]): value is FingerprintLibrary {
  return typeof (value as FingerprintLibrary).nearest === 'function';
}
