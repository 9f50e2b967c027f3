/**
 * Seeded pseudo-random numbers (xoshiro128**, seeded through splitmix32) so that a run is
 * reproducible from its seed. Nothing in the GA may call Math.random.
 */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, maxExclusive). */
  int(maxExclusive: number): number;
  pick<T>(items: readonly T[]): T;
  /** Index drawn with probability proportional to its non-negative weight. */
  weightedIndex(weights: readonly number[]): number;
  /** An independent stream derived from this one (for nested procedures). */
  fork(): Random;
}

export function createRandom(seed: number): Random {
  let splitState = seed >>> 0;
  const splitmix32 = (): number => {
    splitState = (splitState + 0x9e3779b9) >>> 0;
    let z = splitState;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  let s0 = splitmix32();
  let s1 = splitmix32();
  let s2 = splitmix32();
  let s3 = splitmix32();
  const rotl = (x: number, k: number): number => ((x << k) | (x >>> (32 - k))) >>> 0;

  const nextUint32 = (): number => {
    const result = Math.imul(rotl(Math.imul(s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (s1 << 9) >>> 0;
    s2 = (s2 ^ s0) >>> 0;
    s3 = (s3 ^ s1) >>> 0;
    s1 = (s1 ^ s2) >>> 0;
    s0 = (s0 ^ s3) >>> 0;
    s2 = (s2 ^ t) >>> 0;
    s3 = rotl(s3, 11);
    return result;
  };

  const random: Random = {
    next: () => nextUint32() / 4294967296,
    int(maxExclusive) {
      if (!Number.isInteger(maxExclusive) || maxExclusive <= 0) {
        throw new RangeError(`int() needs a positive integer bound, got ${maxExclusive}`);
      }
      return Math.floor(random.next() * maxExclusive);
    },
    pick(items) {
      if (items.length === 0) throw new RangeError('pick() from an empty list');
      return items[random.int(items.length)]!;
    },
    weightedIndex(weights) {
      let total = 0;
      for (const weight of weights) total += Math.max(0, weight);
      if (total <= 0) throw new RangeError('weightedIndex() needs a positive total weight');
      let target = random.next() * total;
      for (let index = 0; index < weights.length; index += 1) {
        target -= Math.max(0, weights[index]!);
        if (target < 0) return index;
      }
      return weights.length - 1;
    },
    fork: () => createRandom(nextUint32()),
  };
  return random;
}

/** 32-bit FNV-1a, for turning strings into seeds. */
export function hashString(text: string, seed = 0x811c9dc5): number {
  let hash = seed >>> 0;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}
