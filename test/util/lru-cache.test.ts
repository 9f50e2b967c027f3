import { describe, expect, it } from 'vitest';
import { createLruCache } from '../../src/util/lru-cache.js';

describe('createLruCache', () => {
  it('computes once per key and evicts the least recently used entry beyond capacity', () => {
    const cache = createLruCache<string, number>(2);
    let computed = 0;
    const value = (key: string) => cache.getOrCompute(key, () => (computed++, key.length));
    expect(value('a')).toBe(1);
    expect(value('bb')).toBe(2);
    expect(value('a')).toBe(1); // a is now the most recent
    expect(computed).toBe(2);
    value('ccc'); // evicts bb
    expect(cache.size).toBe(2);
    value('a');
    expect(computed).toBe(3);
    value('bb');
    expect(computed).toBe(4);
  });

  it('forgets deleted keys, and a zero capacity caches nothing', () => {
    const cache = createLruCache<string, number>(1);
    cache.getOrCompute('x', () => 1);
    cache.delete('x');
    expect(cache.getOrCompute('x', () => 2)).toBe(2);
    const none = createLruCache<string, number>(0);
    none.getOrCompute('x', () => 1);
    expect(none.getOrCompute('x', () => 2)).toBe(2);
    expect(() => createLruCache(-1)).toThrow(RangeError);
  });
});
