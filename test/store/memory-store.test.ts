import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.js';
import { createMemoryStore } from '../../src/store/memory-store.js';
import { describeVectorStoreContract } from './vector-store.contract.js';
import { makeRows } from './store-fixtures.js';

describeVectorStoreContract('memory', async (tables) => ({
  store: createMemoryStore(tables),
  cleanup: async () => {},
}));

describe('createMemoryStore', () => {
  it('rejects rows whose vectors disagree on dimension, naming the row', () => {
    const rows = makeRows({ type: 'drug', firstIndex: 0, count: 3, dimension: 4, seed: 1 });
    rows[2]!.vector = new Float32Array(5).fill(1);
    expect(() => createMemoryStore({ drug: rows })).toThrow(
      /row 2 of type "drug": vector has 5 dimensions, expected 4/,
    );
  });

  it('rejects a node index used by two types and a row filed under the wrong type', () => {
    const drugs = makeRows({ type: 'drug', firstIndex: 0, count: 2, dimension: 4, seed: 1 });
    const genes = makeRows({ type: 'gene/protein', firstIndex: 1, count: 2, dimension: 4, seed: 2 });
    expect(() => createMemoryStore({ drug: drugs, 'gene/protein': genes })).toThrow(/already used in "drug"/);
    expect(() => createMemoryStore({ disease: drugs })).toThrow(AppError);
  });

  it('takes dimensions from options when no row has a vector', async () => {
    const rows = makeRows({
      type: 'drug',
      firstIndex: 0,
      count: 2,
      dimension: 4,
      seed: 1,
      withoutVectorEvery: 1,
    });
    const store = createMemoryStore({ drug: rows }, { dimensions: { drug: { vector: 4, projected: 2 } } });
    expect(await store.tableInfo('drug')).toMatchObject({
      dimension: 4,
      projectedDimension: 2,
      withVector: 0,
    });
    expect(await store.search('drug', new Float32Array(4).fill(1), { k: 3 })).toEqual([]);
  });

  it('does not share row objects with the caller', async () => {
    const rows = makeRows({ type: 'drug', firstIndex: 0, count: 2, dimension: 4, seed: 1 });
    const store = createMemoryStore({ drug: rows });
    const [fetched] = await store.getRows('drug', [0]);
    fetched!.name = 'changed';
    expect((await store.getRows('drug', [0]))[0]!.name).toBe('drug 0');
  });

  it('refuses calls after close', async () => {
    const store = createMemoryStore({
      drug: makeRows({ type: 'drug', firstIndex: 0, count: 1, dimension: 2, seed: 1 }),
    });
    await store.close();
    await expect(store.tableInfo('drug')).rejects.toThrow(/closed/);
  });
});
