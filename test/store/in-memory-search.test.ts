import { describe, expect, it } from 'vitest';
import { TopKSelection, withInMemorySearch } from '../../src/store/in-memory-search.js';
import { createMemoryStore } from '../../src/store/memory-store.js';
import type { VectorStore } from '../../src/store/vector-store.js';
import { contractTables, describeVectorStoreContract } from './vector-store.contract.js';
import { bruteForce, queryNear } from './store-fixtures.js';

describeVectorStoreContract('in-memory search over the memory store', async (tables) => ({
  store: withInMemorySearch(createMemoryStore(tables)),
  cleanup: async () => {},
}));

describeVectorStoreContract('in-memory search with names from a describe function', async (tables) => {
  const names = new Map(
    Object.values(tables).flatMap((rows) => rows.map((row) => [row.nodeIndex, row] as const)),
  );
  return {
    store: withInMemorySearch(createMemoryStore(tables), { describe: (nodeIndex) => names.get(nodeIndex) }),
    cleanup: async () => {},
  };
});

/** Counts the calls that reach the wrapped store. */
function counted(store: VectorStore) {
  const calls = { readVectors: 0, search: 0, getRows: 0 };
  const wrapped: VectorStore = {
    ...store,
    readVectors: (type, column) => (calls.readVectors++, store.readVectors(type, column)),
    search: (type, query, options) => (calls.search++, store.search(type, query, options)),
    getRows: (type, indices) => (calls.getRows++, store.getRows(type, indices)),
  };
  return { calls, store: wrapped };
}

describe('withInMemorySearch', () => {
  it('reads a column once, then answers every query from memory with the store’s ranking', async () => {
    const tables = contractTables();
    const inner = counted(createMemoryStore(tables));
    const store = withInMemorySearch(inner.store);
    const proteins = tables['gene/protein']!.filter((row) => row.vector);
    for (let seed = 0; seed < 5; seed++) {
      const query = queryNear(proteins[seed * 13]!.vector!, seed);
      const hits = await store.search('gene/protein', query, { k: 7 });
      const expected = bruteForce(proteins, query, 7);
      expect(hits.map((hit) => hit.nodeIndex)).toEqual(expected.map((hit) => hit.nodeIndex));
    }
    expect(inner.calls.readVectors).toBe(1);
    expect(inner.calls.search).toBe(0);
  });

  it('leaves columns above the memory bound to the store', async () => {
    const inner = counted(createMemoryStore(contractTables()));
    const store = withInMemorySearch(inner.store, { maxColumnBytes: 0 });
    await store.search('drug', new Float32Array(12).fill(1), { k: 3 });
    expect(inner.calls).toMatchObject({ readVectors: 0, search: 1 });
  });

  it('keeps fetched rows and hands out independent copies', async () => {
    const inner = counted(createMemoryStore(contractTables()));
    const store = withInMemorySearch(inner.store);
    const [first] = await store.getRows('drug', [5001]);
    first!.name = 'changed';
    const again = await store.getRows('drug', [5001, 5001]);
    expect(again[0]!.name).not.toBe('changed');
    expect(again[0]).not.toBe(again[1]);
    expect(inner.calls.getRows).toBe(1);
  });
});

describe('TopKSelection', () => {
  it('keeps the k best, ties broken by ascending node index, NaN ignored', () => {
    const selection = new TopKSelection(3);
    const offers: [number, number][] = [
      [0.5, 9],
      [0.9, 4],
      [Number.NaN, 1],
      [0.5, 2],
      [0.1, 3],
      [0.9, 7],
      [0.5, 1],
    ];
    for (const [score, nodeIndex] of offers) selection.offer(score, nodeIndex);
    expect(selection.sorted()).toEqual([
      { score: 0.9, nodeIndex: 4 },
      { score: 0.9, nodeIndex: 7 },
      { score: 0.5, nodeIndex: 1 },
    ]);
  });

  it('agrees with a full sort on random input', () => {
    let state = 17;
    const random = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
    const offers = Array.from({ length: 500 }, (_, nodeIndex) => ({
      score: Math.round(random() * 50) / 50,
      nodeIndex,
    }));
    const selection = new TopKSelection(25);
    for (const { score, nodeIndex } of offers) selection.offer(score, nodeIndex);
    const expected = [...offers].sort((a, b) => b.score - a.score || a.nodeIndex - b.nodeIndex).slice(0, 25);
    expect(selection.sorted()).toEqual(expected);
  });
});
