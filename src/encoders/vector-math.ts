/** Scales `values` in place to unit L2 norm; leaves an all-zero vector as it is. Returns the norm. */
export function normalizeInPlace(values: Float64Array | Float32Array): number {
  let sum = 0;
  for (let index = 0; index < values.length; index++) {
    const value = values[index]!;
    sum += value * value;
  }
  const norm = Math.sqrt(sum);
  if (norm > 0) for (let index = 0; index < values.length; index++) values[index]! /= norm;
  return norm;
}

export function dot(left: ArrayLike<number>, right: ArrayLike<number>): number {
  let sum = 0;
  const length = Math.min(left.length, right.length);
  for (let index = 0; index < length; index++) sum += left[index]! * right[index]!;
  return sum;
}

export function cosineSimilarity(left: ArrayLike<number>, right: ArrayLike<number>): number {
  const denominator = Math.sqrt(dot(left, left) * dot(right, right));
  return denominator === 0 ? 0 : dot(left, right) / denominator;
}

/** Cosine similarity of two vectors of one length; undefined when the lengths differ or either is all zeros. */
export function cosineOfSameLength(left: ArrayLike<number>, right: ArrayLike<number>): number | undefined {
  if (left.length !== right.length) return undefined;
  const denominator = Math.sqrt(dot(left, left) * dot(right, right));
  return denominator === 0 ? undefined : dot(left, right) / denominator;
}

/**
 * 32-bit FNV-1a over UTF-16 code units: a fixed, platform-independent hash for feature hashing
 * (changing it changes every saved vector, so it is part of each encoder's `version`).
 */
export function fnv1a(text: string, seed = 0x811c9dc5): number {
  let hash = seed >>> 0;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** Integer mixer (murmur3 finaliser) for hashing small integers such as k-mer indices. */
export function mixInteger(value: number): number {
  let hash = value >>> 0;
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b) >>> 0;
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35) >>> 0;
  hash ^= hash >>> 16;
  return hash >>> 0;
}
