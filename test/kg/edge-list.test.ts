import { describe, expect, it } from 'vitest';
import { EdgeListBuilder, hashEdge } from '../../src/kg/edge-list.js';
import { NodeTable, NodeTableBuilder } from '../../src/kg/node-table.js';

describe('EdgeListBuilder', () => {
  it('keeps the first of each (kind, head, tail) and grows past its first capacity', () => {
    const edges = new EdgeListBuilder(4);
    let added = 0;
    for (let round = 0; round < 3; round++)
      for (let head = 0; head < 100; head++)
        for (let kind = 0; kind < 3; kind++) if (edges.add(kind, head, (head * 7) % 100)) added++;
    expect(added).toBe(300);
    expect(edges.count).toBe(300);
    expect(edges.has(2, 99, 93)).toBe(true);
    expect(edges.has(2, 93, 99)).toBe(false);
    expect(edges.has(3, 99, 93)).toBe(false);
    const built = edges.build();
    expect(built.heads.length).toBe(300);
    expect(Array.from(built.heads.slice(0, 4))).toEqual([0, 0, 0, 1]);
    expect(Array.from(built.kinds.slice(0, 4))).toEqual([0, 1, 2, 0]);
    expect(Array.from(built.tails.slice(0, 4))).toEqual([0, 0, 0, 7]);
  });

  it('handles node indices whose products would overflow a float key', () => {
    const edges = new EdgeListBuilder();
    const big = 2 ** 31 - 1;
    expect(edges.add(65_535, big, big - 1)).toBe(true);
    expect(edges.add(65_535, big - 1, big)).toBe(true);
    expect(edges.add(65_535, big, big - 1)).toBe(false);
    expect(edges.count).toBe(2);
  });

  it('spreads sequential keys across the low bits', () => {
    const buckets = new Set<number>();
    for (let head = 0; head < 4096; head++) buckets.add(hashEdge(0, head, head + 1) & 4095);
    expect(buckets.size).toBeGreaterThan(2400);
  });
});

describe('NodeTable', () => {
  it('sorts nodes by index and looks them up densely or sparsely', () => {
    const builder = new NodeTableBuilder();
    builder.add(30, 'c', 2, 'C', 'S1', 4);
    builder.add(10, 'a', 1, 'A', 'S2', 2);
    builder.add(20, 'b', 1, 'B', 'S1', 3);
    const dense = builder.build();
    expect(Array.from(dense.indices)).toEqual([10, 20, 30]);
    expect(dense.ids).toEqual(['a', 'b', 'c']);
    expect(dense.positionOf(20)).toBe(1);
    expect(dense.positionOf(21)).toBe(-1);
    expect(dense.positionOf(-1)).toBe(-1);
    expect(dense.sourceAt(0)).toBe('S2');

    const sparse = twoNodes(Int32Array.of(3, 2_000_000_000), Uint16Array.of(0, 1));
    expect(sparse.positionOf(2_000_000_000)).toBe(1);
    expect(sparse.positionOf(4)).toBe(-1);
  });

  it('rejects unsorted or repeated indices', () => {
    expect(() => twoNodes(Int32Array.of(5, 5), Uint16Array.of(0, 0))).toThrow(
      'node indices must be unique and ascending; 5 follows 5',
    );
  });
});

/** Nodes x and y (names X, Y, source S) at the given indices and type ids. */
function twoNodes(indices: Int32Array, types: Uint16Array): NodeTable {
  return new NodeTable({
    indices,
    ids: ['x', 'y'],
    names: ['X', 'Y'],
    types,
    sources: Uint16Array.of(0, 0),
    sourceNames: ['S'],
  });
}
