import { describe, expect, it } from 'vitest';
import { createRandom, hashString } from '../../../src/molecules/ga/random.js';

describe('createRandom', () => {
  it('repeats its sequence for a seed and differs between seeds', () => {
    const draw = (seed: number) => {
      const random = createRandom(seed);
      return Array.from({ length: 5 }, () => random.next());
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
  });

  it('is uniform enough on [0, 1)', () => {
    const random = createRandom(7);
    const buckets = new Array<number>(10).fill(0);
    for (let i = 0; i < 20_000; i += 1) {
      const value = random.next();
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThan(1);
      buckets[Math.floor(value * 10)]! += 1;
    }
    for (const count of buckets) expect(Math.abs(count - 2000)).toBeLessThan(200);
  });

  it('draws integers, picks and weighted indices in range and in proportion', () => {
    const random = createRandom(3);
    const counts = [0, 0, 0];
    for (let i = 0; i < 10_000; i += 1) counts[random.weightedIndex([1, 0, 3])]! += 1;
    expect(counts[1]).toBe(0);
    expect(counts[2]! / counts[0]!).toBeGreaterThan(2.6);
    expect(counts[2]! / counts[0]!).toBeLessThan(3.4);
    for (let i = 0; i < 100; i += 1) expect(['a', 'b']).toContain(random.pick(['a', 'b']));
    expect(() => random.int(0)).toThrow('int() needs a positive integer bound, got 0');
    expect(() => random.pick([])).toThrow('pick() from an empty list');
    expect(() => random.weightedIndex([0, 0])).toThrow('weightedIndex() needs a positive total weight');
  });

  it('forks reproducible independent streams', () => {
    const a = createRandom(9).fork();
    const b = createRandom(9).fork();
    expect(a.next()).toBe(b.next());
  });
});

describe('hashString', () => {
  it('is FNV-1a', () => {
    expect(hashString('')).toBe(0x811c9dc5);
    expect(hashString('a')).toBe(0xe40c292c);
    expect(hashString('foobar')).toBe(0xbf9cf968);
  });
});
