import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeRow, VectorStore } from '../../src/store/vector-store.js';
import { bruteForce, cosine, makeRows, queryNear } from './store-fixtures.js';
import { rejection } from '../helpers/expect-app-error.js';

/** Builds a store holding exactly `tables`; `cleanup` removes whatever it created. */
export type StoreFactory = (
  tables: Record<string, NodeRow[]>,
) => Promise<{ store: VectorStore; cleanup: () => Promise<void> }>;

export const contractTables = (): Record<string, NodeRow[]> => ({
  'gene/protein': makeRows({
    type: 'gene/protein',
    firstIndex: 1000,
    count: 300,
    dimension: 16,
    seed: 11,
    withoutVectorEvery: 7,
    projectedDimension: 8,
    withoutProjectedEvery: 5,
  }),
  drug: makeRows({
    type: 'drug',
    firstIndex: 5000,
    count: 120,
    dimension: 12,
    seed: 23,
    withoutVectorEvery: 4,
  }),
  pathway: makeRows({
    type: 'pathway',
    firstIndex: 9000,
    count: 10,
    dimension: 4,
    seed: 5,
    withoutVectorEvery: 1,
  }),
});

/** Behaviour every VectorStore must share; run against the in-memory and LanceDB stores. */
export function describeVectorStoreContract(name: string, factory: StoreFactory): void {
  describe(`VectorStore contract: ${name}`, () => {
    const tables = contractTables();
    const genes = tables['gene/protein']!;
    const drugs = tables.drug!;
    let store: VectorStore;
    let cleanup: () => Promise<void>;

    beforeAll(async () => {
      ({ store, cleanup } = await factory(tables));
    });
    afterAll(async () => {
      await store.close();
      await cleanup();
    });

    it('lists the types sorted', async () => {
      expect(await store.listTypes()).toEqual(['drug', 'gene/protein', 'pathway']);
    });

    it('describes each table', async () => {
      expect(await store.tableInfo('gene/protein')).toMatchObject({
        type: 'gene/protein',
        rows: 300,
        withVector: genes.filter((row) => row.vector).length,
        withProjected: genes.filter((row) => row.projected).length,
        dimension: 16,
        projectedDimension: 8,
        annIndex: false,
      });
      expect(await store.tableInfo('drug')).toMatchObject({
        rows: 120,
        withVector: 90,
        withProjected: 0,
        dimension: 12,
        projectedDimension: null,
      });
      expect(await store.tableInfo('pathway')).toMatchObject({ rows: 10, withVector: 0, dimension: 0 });
    });

    it('returns the exact cosine top-k, best first, never rows without a vector', async () => {
      for (const [seed, row] of [
        [1, 1],
        [2, 50],
        [3, 299],
      ] as const) {
        const query = queryNear(genes[row]!.vector!, seed);
        const hits = await store.search('gene/protein', query, { k: 10 });
        const expected = bruteForce(genes, query, 10);
        expect(hits.map((hit) => hit.nodeIndex)).toEqual(expected.map((hit) => hit.nodeIndex));
        hits.forEach((hit, position) => expect(hit.score).toBeCloseTo(expected[position]!.score, 5));
        const byIndex = new Map(genes.map((gene) => [gene.nodeIndex, gene]));
        for (const hit of hits) {
          const source = byIndex.get(hit.nodeIndex)!;
          expect(hit).toMatchObject({ nodeId: source.nodeId, name: source.name, type: 'gene/protein' });
        }
      }
    });

    it('returns every filled row when k exceeds them', async () => {
      const hits = await store.search('drug', drugs[1]!.vector!, { k: 1000 });
      expect(hits).toHaveLength(90);
      expect(hits.every((hit) => drugs.find((row) => row.nodeIndex === hit.nodeIndex)!.vector)).toBe(true);
      expect(hits[0]).toMatchObject({ nodeIndex: drugs[1]!.nodeIndex });
      expect(hits[0]!.score).toBeCloseTo(1, 5);
    });

    it('searches the projected column', async () => {
      const query = queryNear(genes[3]!.projected!, 9);
      const hits = await store.search('gene/protein', query, { k: 7, column: 'projected' });
      const expected = bruteForce(genes, query, 7, 'projected');
      expect(hits.map((hit) => hit.nodeIndex)).toEqual(expected.map((hit) => hit.nodeIndex));
      expect(hits[0]!.score).toBeCloseTo(cosine(genes[3]!.projected!, query), 5);
    });

    it('applies allowIndices before ranking', async () => {
      const allowed = new Set([1000, 1001, 1002, 1010, 1100, 1250, 123456]);
      const query = queryNear(genes[200]!.vector!, 4);
      const hits = await store.search('gene/protein', query, { k: 3, allowIndices: allowed });
      const expected = bruteForce(genes, query, 3, 'vector', (row) => allowed.has(row.nodeIndex));
      expect(hits.map((hit) => hit.nodeIndex)).toEqual(expected.map((hit) => hit.nodeIndex));
      // 1000 has no vector (row 0), so at most 5 of the 7 allowed can match.
      const all = await store.search('gene/protein', query, { k: 50, allowIndices: allowed });
      expect(all.map((hit) => hit.nodeIndex).sort()).toEqual([1001, 1002, 1010, 1100, 1250]);
      expect(await store.search('gene/protein', query, { k: 3, allowIndices: new Set() })).toEqual([]);
    });

    it('applies excludeIndices before ranking', async () => {
      const query = queryNear(genes[20]!.vector!, 6);
      const top = bruteForce(genes, query, 5).map((hit) => hit.nodeIndex);
      const excluded = new Set(top.slice(0, 3));
      const hits = await store.search('gene/protein', query, { k: 5, excludeIndices: excluded });
      const expected = bruteForce(genes, query, 5, 'vector', (row) => !excluded.has(row.nodeIndex));
      expect(hits.map((hit) => hit.nodeIndex)).toEqual(expected.map((hit) => hit.nodeIndex));
      expect(hits.some((hit) => excluded.has(hit.nodeIndex))).toBe(false);
    });

    it('combines allow and exclude lists', async () => {
      const allowed = new Set(genes.slice(100, 160).map((row) => row.nodeIndex));
      const excluded = new Set(genes.slice(100, 130).map((row) => row.nodeIndex));
      const query = queryNear(genes[141]!.vector!, 8);
      const hits = await store.search('gene/protein', query, {
        k: 4,
        allowIndices: allowed,
        excludeIndices: excluded,
      });
      const expected = bruteForce(
        genes,
        query,
        4,
        'vector',
        (row) => allowed.has(row.nodeIndex) && !excluded.has(row.nodeIndex),
      );
      expect(hits.map((hit) => hit.nodeIndex)).toEqual(expected.map((hit) => hit.nodeIndex));
    });

    it('rejects a query of the wrong dimension, naming the field', async () => {
      const error = await rejection(store.search('gene/protein', new Float32Array(15).fill(1), { k: 3 }));
      expect(error.code).toBe('BAD_REQUEST');
      expect(error.details).toMatchObject({ field: 'query', expected: 16, actual: 15 });
      expect(error.message).toContain('15 dimensions');
    });

    it('rejects bad k, a zero query and a missing column', async () => {
      const query = new Float32Array(16).fill(1);
      expect((await rejection(store.search('gene/protein', query, { k: 0 }))).details).toMatchObject({
        field: 'k',
      });
      expect((await rejection(store.search('gene/protein', query, { k: 2.5 }))).code).toBe('BAD_REQUEST');
      const zero = await rejection(store.search('gene/protein', new Float32Array(16), { k: 3 }));
      expect(zero.message).toContain('all zeros');
      const noProjection = await rejection(
        store.search('drug', new Float32Array(12).fill(1), { k: 3, column: 'projected' }),
      );
      expect(noProjection.code).toBe('NOT_FOUND');
      expect(noProjection.message).toContain('biobridge project');
      expect((await rejection(store.search('pathway', new Float32Array(4).fill(1), { k: 3 }))).code).toBe(
        'NOT_FOUND',
      );
    });

    it('rejects an unknown type, naming it', async () => {
      for (const call of [
        store.search('anatomy', new Float32Array(16).fill(1), { k: 1 }),
        store.getRows('anatomy', [1]),
        store.tableInfo('anatomy'),
        store.readVectors('anatomy', 'vector'),
      ]) {
        const error = await rejection(call);
        expect(error.code).toBe('NOT_FOUND');
        expect(error.message).toContain('"anatomy"');
        expect(error.details).toMatchObject({ type: 'anatomy' });
      }
    });

    it('gets rows in request order, skipping missing ones', async () => {
      const rows = await store.getRows('gene/protein', [1005, 999_999, 1000, 1002, 1005]);
      expect(rows.map((row) => row.nodeIndex)).toEqual([1005, 1000, 1002, 1005]);
      const first = rows[0]!;
      const source = genes[5]!;
      expect(first).toMatchObject({
        nodeId: source.nodeId,
        name: source.name,
        type: 'gene/protein',
        source: 'TEST',
        payloadKind: 'text',
        payload: source.payload,
      });
      expect(Array.from(first.vector!)).toEqual(Array.from(source.vector!));
      expect(first.projected).toBeNull(); // row 5 is left unprojected by the fixture
      expect(Array.from(rows[2]!.projected!)).toEqual(Array.from(genes[2]!.projected!));
      expect(rows[1]!.vector).toBeNull();
      expect(rows[1]!.payload).toBeNull();
      expect(await store.getRows('gene/protein', [])).toEqual([]);
    });

    it('reads a whole column as one matrix in node-index order', async () => {
      const raw = await store.readVectors('gene/protein', 'vector');
      const filled = genes.filter((row) => row.vector);
      expect(raw.dimension).toBe(16);
      expect(Array.from(raw.nodeIndices)).toEqual(filled.map((row) => row.nodeIndex));
      expect(raw.vectors).toHaveLength(filled.length * 16);
      expect(Array.from(raw.vectors.subarray(16 * 10, 16 * 11))).toEqual(Array.from(filled[10]!.vector!));

      const projected = await store.readVectors('gene/protein', 'projected');
      const projectedRows = genes.filter((row) => row.projected);
      expect(projected.dimension).toBe(8);
      expect(Array.from(projected.nodeIndices)).toEqual(projectedRows.map((row) => row.nodeIndex));
      expect(Array.from(projected.vectors.subarray(0, 8))).toEqual(Array.from(projectedRows[0]!.projected!));

      const none = await store.readVectors('drug', 'projected');
      expect(none.nodeIndices).toHaveLength(0);
      expect(none.vectors).toHaveLength(0);
    });
  });
}
