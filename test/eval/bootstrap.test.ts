import { describe, expect, it } from 'vitest';
import { bootstrapMean, pairedBootstrap } from '../../src/eval/bootstrap.js';

describe('bootstrapMean', () => {
  it('brackets the mean, narrows with more queries and is seeded', () => {
    const small = Array.from({ length: 20 }, (_, index) => index % 2);
    const large = Array.from({ length: 2000 }, (_, index) => index % 2);
    const a = bootstrapMean(small, { seed: 7 });
    expect(a.estimate).toBe(0.5);
    expect(a.low).toBeLessThan(0.5);
    expect(a.high).toBeGreaterThan(0.5);
    const b = bootstrapMean(large, { seed: 7 });
    expect(b.high - b.low).toBeLessThan((a.high - a.low) / 4);
    expect(bootstrapMean(small, { seed: 7 })).toEqual(a);
  });

  it('a constant sample has a zero-width interval', () => {
    expect(bootstrapMean([0.25, 0.25, 0.25])).toEqual({ estimate: 0.25, low: 0.25, high: 0.25 });
  });
});

describe('pairedBootstrap', () => {
  it('detects a consistent improvement and not a null one', () => {
    const base = Array.from({ length: 200 }, (_, index) => (index % 10) / 10);
    const better = base.map((value) => value + 0.05);
    const clear = pairedBootstrap(better, base);
    expect(clear.estimate).toBeCloseTo(0.05, 10);
    expect(clear.low).toBeGreaterThan(0);
    expect(clear.p).toBeLessThan(0.01);
    const shuffled = base.map((value, index) => (index % 2 ? value + 0.1 : value - 0.1));
    expect(pairedBootstrap(shuffled, base).p).toBeGreaterThan(0.5);
  });

  it('refuses samples of different sizes', () => {
    expect(() => pairedBootstrap([1], [1, 2])).toThrow('paired samples differ in size: 1 and 2');
  });
});
