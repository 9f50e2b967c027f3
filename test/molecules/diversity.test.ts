import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRdkitToolkit, type ChemToolkit } from '../../src/chem/toolkit.js';
import { createScaffoldKey, pickDiverse } from '../../src/molecules/diversity.js';

let toolkit: ChemToolkit;
beforeAll(async () => {
  toolkit = await createRdkitToolkit();
});
afterAll(() => toolkit.dispose());

const candidates = [
  { smiles: 'Cc1ccccc1', score: 0.9 },
  { smiles: 'Clc1ccccc1', score: 0.8 },
  { smiles: 'c1ccc(-c2ccncc2)cc1', score: 0.7 },
  { smiles: 'CC1CCNCC1', score: 0.6 },
  { smiles: 'Nc1ccc(-c2ccncc2)cc1', score: 0.5 },
  { smiles: 'CCCO', score: 0.4 },
  { smiles: 'CCCCN', score: 0.3 },
];

describe('pickDiverse', () => {
  it('takes the best of each scaffold first', () => {
    const scaffold = createScaffoldKey(toolkit);
    const picked = pickDiverse(candidates, {
      count: 4,
      scaffold: (c) => scaffold(c.smiles),
      score: (c) => c.score,
    });
    expect(picked.map((c) => c.smiles)).toEqual(['Cc1ccccc1', 'c1ccc(-c2ccncc2)cc1', 'CC1CCNCC1', 'CCCO']);
  });

  it('tops up from shared scaffolds, in rank order, when too few are distinct', () => {
    const scaffold = createScaffoldKey(toolkit);
    const picked = pickDiverse(candidates, { count: 6, scaffold: (c) => scaffold(c.smiles) });
    expect(picked.map((c) => c.smiles)).toEqual([
      'Cc1ccccc1',
      'Clc1ccccc1',
      'c1ccc(-c2ccncc2)cc1',
      'CC1CCNCC1',
      'Nc1ccc(-c2ccncc2)cc1',
      'CCCO',
    ]);
    expect(pickDiverse(candidates, { count: 0, scaffold: () => 'x' })).toEqual([]);
    expect(pickDiverse(candidates, { count: 100, scaffold: () => 'x' })).toHaveLength(candidates.length);
  });

  it('with a series memory, gives each series a slot before any series gets a second', () => {
    const items = [
      { id: 'a1', series: 'a', score: 0.9 },
      { id: 'a2', series: 'a', score: 0.8 },
      { id: 'a3', series: 'a', score: 0.7 },
      { id: 'b1', series: 'b', score: 0.6 },
      { id: 'c1', series: 'c', score: 0.5 },
      { id: 'c2', series: 'c', score: 0.4 },
    ];
    const pick = (count: number) =>
      pickDiverse(items, { count, scaffold: (item) => item.id, series: (item) => item.series }).map(
        (item) => item.id,
      );
    // Rank order is kept in the result; the third slot goes to the best second of a series.
    expect(pick(3)).toEqual(['a1', 'b1', 'c1']);
    expect(pick(4)).toEqual(['a1', 'a2', 'b1', 'c1']);
    // Scaffolds still bind in the series pass: b1 shares a1's scaffold, so c1 comes first.
    expect(
      pickDiverse(items, {
        count: 2,
        scaffold: (item) => (item.id === 'b1' ? 'a1' : item.id),
        series: (item) => item.series,
      }).map((item) => item.id),
    ).toEqual(['a1', 'c1']);
  });

  it('fills reserved slots first with the best eligible item of distinct series', () => {
    const items = [
      { id: 'x1', series: 'x', analogue: false },
      { id: 'a1', series: 'a', analogue: true },
      { id: 'a2', series: 'a', analogue: true },
      { id: 'y1', series: 'y', analogue: false },
      { id: 'b1', series: 'b', analogue: true },
      { id: 'c1', series: 'c', analogue: true },
    ];
    const pick = (count: number, reserved: number) =>
      pickDiverse(items, {
        count,
        scaffold: (item) => item.id,
        series: (item) => item.series,
        reserved: { count: reserved, eligible: (item) => item.analogue, series: (item) => item.series },
      }).map((item) => item.id);
    // Without reservation the top 3 by rank are x1, a1, y1; two reserved slots take a1 and b1
    // (one per series, a2 is a's second), the last slot goes to the best of the rest.
    expect(pick(3, 0)).toEqual(['x1', 'a1', 'y1']);
    expect(pick(3, 2)).toEqual(['x1', 'a1', 'b1']);
    expect(pick(3, 3)).toEqual(['a1', 'b1', 'c1']);
    // More reserved slots than the count never exceed it.
    expect(pick(2, 5)).toEqual(['a1', 'b1']);
  });

  it('ranks by score when asked, keeping input order on ties', () => {
    const items = [
      { id: 'a', score: 1 },
      { id: 'b', score: 3 },
      { id: 'c', score: 3 },
    ];
    expect(
      pickDiverse(items, { count: 2, scaffold: (item) => item.id, score: (item) => item.score }).map(
        (i) => i.id,
      ),
    ).toEqual(['b', 'c']);
  });
});

describe('createScaffoldKey', () => {
  it('memoises and keys invalid SMILES apart', () => {
    let calls = 0;
    const key = createScaffoldKey({
      scaffold: (smiles) => {
        calls += 1;
        return smiles === 'bad'
          ? { ok: false, error: { code: 'INVALID_SMILES', message: 'no', input: smiles } }
          : { ok: true, value: 'c1ccccc1' };
      },
    });
    expect(key('Cc1ccccc1')).toBe('c1ccccc1');
    expect(key('Cc1ccccc1')).toBe('c1ccccc1');
    expect(key('bad')).toBe('invalid:bad');
    expect(calls).toBe(2);
  });
});
