import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as lancedb from '@lancedb/lancedb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createLanceStoreWriter,
  openLanceStore,
  type LanceStoreWriterOptions,
} from '../../src/store/lancedb-store.js';
import { createMemoryLogger } from '../../src/util/logger.js';
import type { NodeRow, VectorStore } from '../../src/store/vector-store.js';
import { describeVectorStoreContract } from './vector-store.contract.js';
import { bruteForce, clusteredVectors, makeRows, queryNear } from './store-fixtures.js';
import { rejection } from '../helpers/expect-app-error.js';

const temporaryDirectories: string[] = [];
async function temporaryDirectory(): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'biobridge-lance-'));
  temporaryDirectories.push(directory);
  return directory;
}
afterAll(async () => {
  await Promise.all(temporaryDirectories.map((directory) => rm(directory, { recursive: true, force: true })));
});

/** Writes `tables` as the index build would: raw rows streamed in batches, projections after. */
async function writeTables(
  directory: string,
  tables: Record<string, NodeRow[]>,
  options: LanceStoreWriterOptions = {},
): Promise<void> {
  const writer = await createLanceStoreWriter(directory, { rowsPerCommit: 64, ...options });
  try {
    for (const [type, rows] of Object.entries(tables)) {
      const dimension = rows.find((row) => row.vector)?.vector?.length ?? 0;
      await writer.writeNodeTable(type, inBatches(rows, 50), { dimension });
      const projected = rows.filter((row) => row.projected);
      if (projected.length === 0) continue;
      const projectedDimension = projected[0]!.projected!.length;
      const vectors = new Float32Array(projected.length * projectedDimension);
      projected.forEach((row, position) => vectors.set(row.projected!, position * projectedDimension));
      await writer.writeProjected(
        type,
        Int32Array.from(projected.map((row) => row.nodeIndex)),
        vectors,
        projectedDimension,
      );
    }
  } finally {
    await writer.close();
  }
}

async function* inBatches(rows: NodeRow[], size: number): AsyncGenerator<NodeRow[]> {
  for (let start = 0; start < rows.length; start += size) yield rows.slice(start, start + size);
}

describeVectorStoreContract('lancedb', async (tables) => {
  const directory = join(await temporaryDirectory(), 'lance');
  await writeTables(directory, tables);
  return { store: await openLanceStore(directory), cleanup: async () => {} };
});

describeVectorStoreContract(
  'lancedb with tiny SQL lists (chunked allow, over-fetched exclude)',
  async (tables) => {
    const directory = join(await temporaryDirectory(), 'lance');
    await writeTables(directory, tables);
    return { store: await openLanceStore(directory, { maxFilterListSize: 2 }), cleanup: async () => {} };
  },
);

describe('LanceDB writer', () => {
  it('streams batches into an explicit schema with null vectors for rows without one', async () => {
    const directory = join(await temporaryDirectory(), 'lance');
    const rows = makeRows({
      type: 'gene/protein',
      firstIndex: 10,
      count: 130,
      dimension: 8,
      seed: 3,
      withoutVectorEvery: 3,
    });
    const logger = createMemoryLogger();
    const writer = await createLanceStoreWriter(directory, { rowsPerCommit: 40, logger });
    const written = await writer.writeNodeTable('gene/protein', inBatches(rows, 25), { dimension: 8 });
    await writer.close();
    expect(written).toEqual({
      type: 'gene/protein',
      table: 'gene_protein',
      rows: 130,
      withVector: 86,
      annIndex: false,
    });

    const connection = await lancedb.connect(directory);
    expect(await connection.tableNames()).toEqual(['gene_protein']);
    const table = await connection.openTable('gene_protein');
    const schema = await table.schema();
    expect(schema.fields.map((field) => `${field.name}:${String(field.type)}:${field.nullable}`)).toEqual([
      'node_index:Int32:false',
      'node_id:Utf8:false',
      'name:Utf8:false',
      'type:Utf8:false',
      'source:Utf8:false',
      'payload_kind:Utf8:false',
      'payload:Utf8:true',
      'has_vector:Bool:false',
      'vector:FixedSizeList[8]<Float32>:true',
    ]);
    expect(schema.metadata.get('biobridge.node_type')).toBe('gene/protein');
    expect(await table.countRows('has_vector = false')).toBe(44);
    expect(await table.countRows('vector IS NULL')).toBe(44);
    // 130 rows at 40 per commit: 4 appends after the empty create, then the node_index btree.
    expect(await table.version()).toBeGreaterThanOrEqual(5);
    expect((await table.listIndices()).map((index) => index.name)).toEqual(['node_index_idx']);
    table.close();
    connection.close();
  });

  it('accepts a plain iterable and a type without an encoder (no vector column)', async () => {
    const directory = join(await temporaryDirectory(), 'lance');
    const rows = makeRows({
      type: 'pathway',
      firstIndex: 0,
      count: 5,
      dimension: 4,
      seed: 1,
      withoutVectorEvery: 1,
    });
    const writer = await createLanceStoreWriter(directory);
    await writer.writeNodeTable('pathway', [rows.slice(0, 2), rows.slice(2)], { dimension: 0 });
    await writer.close();
    const store = await openLanceStore(directory);
    expect(await store.tableInfo('pathway')).toMatchObject({ rows: 5, dimension: 0, withVector: 0 });
    expect((await store.getRows('pathway', [3]))[0]).toMatchObject({ name: 'pathway 3', vector: null });
    await store.close();
  });

  it('rejects bad rows, naming the node and the field', async () => {
    const directory = join(await temporaryDirectory(), 'lance');
    const writer = await createLanceStoreWriter(directory);
    const rows = makeRows({ type: 'drug', firstIndex: 0, count: 4, dimension: 4, seed: 1 });
    const wrongDimension = rows.map((row) => ({ ...row }));
    wrongDimension[2] = { ...wrongDimension[2]!, vector: new Float32Array(3).fill(1) };
    const error = await rejection(writer.writeNodeTable('drug', [wrongDimension], { dimension: 4 }));
    expect(error.message).toContain('node 2');
    expect(error.details).toMatchObject({ field: 'vector', nodeIndex: 2, type: 'drug' });

    const duplicate = [...rows, { ...rows[1]! }];
    expect(
      (await rejection(writer.writeNodeTable('drug', [duplicate], { dimension: 4 }))).details,
    ).toMatchObject({
      field: 'nodeIndex',
      nodeIndex: 1,
    });
    const nan = rows.map((row) => ({ ...row }));
    nan[0] = { ...nan[0]!, vector: Float32Array.from([1, Number.NaN, 0, 0]) };
    expect((await rejection(writer.writeNodeTable('drug', [nan], { dimension: 4 }))).message).toContain(
      'non-finite',
    );
    expect(
      (await rejection(writer.writeNodeTable('disease', [rows], { dimension: 4 }))).details,
    ).toMatchObject({
      field: 'type',
    });
    await writer.close();
    // Failed writes leave no half-written table behind.
    const connection = await lancedb.connect(directory);
    expect(await connection.tableNames()).toEqual([]);
    connection.close();
  });

  it('writes an empty table that searches to nothing', async () => {
    const directory = join(await temporaryDirectory(), 'lance');
    const writer = await createLanceStoreWriter(directory);
    expect(await writer.writeNodeTable('exposure', [], { dimension: 4 })).toMatchObject({
      rows: 0,
      withVector: 0,
    });
    await writer.close();
    const store = await openLanceStore(directory);
    expect(await store.tableInfo('exposure')).toMatchObject({ rows: 0, dimension: 4, annIndex: false });
    expect(await store.search('exposure', Float32Array.from([1, 0, 0, 0]), { k: 5 })).toEqual([]);
    expect((await store.readVectors('exposure', 'vector')).nodeIndices).toHaveLength(0);
    await store.close();
  });

  it('builds an IVF_HNSW_SQ index above the threshold with recall@10 ≥ 0.9 against exact search', async () => {
    const directory = join(await temporaryDirectory(), 'lance');
    const count = 5000;
    const dimension = 64;
    const vectors = clusteredVectors(count, dimension, { seed: 42, clusters: 50, spread: 0.7 });
    const rows: NodeRow[] = Array.from({ length: count }, (_, row) => ({
      nodeIndex: row,
      nodeId: `G${row}`,
      name: `gene ${row}`,
      type: 'gene/protein',
      source: 'TEST',
      payloadKind: 'sequence',
      payload: null,
      vector: row % 10 === 9 ? null : vectors.slice(row * dimension, (row + 1) * dimension),
    }));
    const writer = await createLanceStoreWriter(directory, { annThreshold: 1000, rowsPerCommit: 2000 });
    const written = await writer.writeNodeTable('gene/protein', [rows], { dimension });
    await writer.close();
    expect(written).toMatchObject({ withVector: 4500, annIndex: true });

    const store = await openLanceStore(directory);
    expect(await store.tableInfo('gene/protein')).toMatchObject({ annIndex: true, withVector: 4500 });
    let overlap = 0;
    const queries = 40;
    for (let query = 0; query < queries; query++) {
      const near = (query * 113) % 4000;
      const vector = queryNear(rows[near]!.vector ?? rows[near + 1]!.vector!, query, 0.5);
      const ann = await store.search('gene/protein', vector, { k: 10 });
      const exact = await store.search('gene/protein', vector, { k: 10, exact: true });
      const expected = bruteForce(rows, vector, 10);
      expect(exact.map((hit) => hit.nodeIndex)).toEqual(expected.map((hit) => hit.nodeIndex));
      const truth = new Set(exact.map((hit) => hit.nodeIndex));
      overlap += ann.filter((hit) => truth.has(hit.nodeIndex)).length;
      expect(ann.some((hit) => hit.nodeIndex % 10 === 9)).toBe(false);
    }
    expect(overlap / (10 * queries)).toBeGreaterThanOrEqual(0.9);
    await store.close();
  });
});

describe('LanceDB re-projection', () => {
  const type = 'drug';
  const rows = makeRows({
    type,
    firstIndex: 100,
    count: 200,
    dimension: 8,
    seed: 17,
    withoutVectorEvery: 10,
  });
  const withVector = rows.filter((row) => row.vector);
  let directory: string;

  const projection = (seed: number, dimension: number, keep: (row: NodeRow) => boolean) => {
    const chosen = withVector.filter(keep);
    const vectors = clusteredVectors(chosen.length, dimension, { seed });
    return { nodeIndices: Int32Array.from(chosen.map((row) => row.nodeIndex)), vectors };
  };
  const first = projection(1, 6, () => true);
  const second = projection(2, 6, (row) => row.nodeIndex % 2 === 0);

  beforeAll(async () => {
    directory = join(await temporaryDirectory(), 'lance');
    const writer = await createLanceStoreWriter(directory);
    await writer.writeNodeTable(type, [rows], { dimension: 8 });
    await writer.writeProjected(type, first.nodeIndices, first.vectors, 6);
    await writer.close();
  });

  it('replaces the column in one commit while open readers keep their version', async () => {
    const before = await openLanceStore(directory);
    const probe = first.nodeIndices[3]!;
    const firstVector = first.vectors.slice(3 * 6, 4 * 6);
    expect(Array.from((await before.getRows(type, [probe]))[0]!.projected!)).toEqual(Array.from(firstVector));

    const writer = await createLanceStoreWriter(directory);
    const written = await writer.writeProjected(type, second.nodeIndices, second.vectors, 6);
    await writer.close();
    expect(written).toMatchObject({
      withProjected: second.nodeIndices.length,
      dimension: 6,
      annIndex: false,
    });

    // The reader opened before still sees the first projection, all of it.
    expect(await before.tableInfo(type)).toMatchObject({ withProjected: first.nodeIndices.length });
    expect(Array.from((await before.getRows(type, [probe]))[0]!.projected!)).toEqual(Array.from(firstVector));
    const oldHits = await before.search(type, firstVector, { k: 1, column: 'projected' });
    expect(oldHits[0]).toMatchObject({ nodeIndex: probe });
    expect(oldHits[0]!.score).toBeCloseTo(1, 5);
    expect((await before.readVectors(type, 'projected')).nodeIndices).toHaveLength(first.nodeIndices.length);
    await before.close();

    // A new reader sees the second projection only: rows left out of it were cleared.
    const after = await openLanceStore(directory);
    expect(await after.tableInfo(type)).toMatchObject({
      withProjected: second.nodeIndices.length,
      projectedDimension: 6,
      withVector: withVector.length,
    });
    const read = await after.readVectors(type, 'projected');
    expect(Array.from(read.nodeIndices)).toEqual(Array.from(second.nodeIndices));
    expect(Array.from(read.vectors)).toEqual(Array.from(second.vectors));
    const odd = withVector.find((row) => row.nodeIndex % 2 === 1)!;
    const [oddRow] = await after.getRows(type, [odd.nodeIndex]);
    expect(oddRow!.projected).toBeNull();
    expect(Array.from(oddRow!.vector!)).toEqual(Array.from(odd.vector!));
    const newHits = await after.search(type, second.vectors.slice(0, 6), { k: 1, column: 'projected' });
    expect(newHits[0]).toMatchObject({ nodeIndex: second.nodeIndices[0] });
    await after.close();
  });

  it('leaves the previous projection in place when a write is rejected', async () => {
    const writer = await createLanceStoreWriter(directory);
    const nodeIndices = Int32Array.from([100, 101, 99_999]);
    const unknown = await rejection(
      writer.writeProjected(type, nodeIndices, new Float32Array(18).fill(1), 6),
    );
    expect(unknown.code).toBe('BAD_REQUEST');
    expect(unknown.message).toContain('99999');
    const twice = await rejection(
      writer.writeProjected(type, Int32Array.from([102, 102]), new Float32Array(12).fill(1), 6),
    );
    expect(twice.message).toContain('twice');
    const short = await rejection(
      writer.writeProjected(type, Int32Array.from([102]), new Float32Array(5), 6),
    );
    expect(short.details).toMatchObject({ field: 'vectors' });
    const missing = await rejection(
      writer.writeProjected('disease', Int32Array.from([1]), new Float32Array(6), 6),
    );
    expect(missing.code).toBe('NOT_FOUND');
    expect(missing.message).toContain(directory);
    await writer.close();

    const store = await openLanceStore(directory);
    expect(await store.tableInfo(type)).toMatchObject({ withProjected: second.nodeIndices.length });
    await store.close();
  });

  it('switches to a new projected dimension', async () => {
    const third = projection(3, 4, () => true);
    const writer = await createLanceStoreWriter(directory);
    await writer.writeProjected(type, third.nodeIndices, third.vectors, 4);
    await writer.close();
    const store = await openLanceStore(directory);
    expect(await store.tableInfo(type)).toMatchObject({
      projectedDimension: 4,
      withProjected: withVector.length,
    });
    const hits = await store.search(type, third.vectors.slice(4, 8), { k: 2, column: 'projected' });
    expect(hits[0]).toMatchObject({ nodeIndex: third.nodeIndices[1] });
    await store.close();
  });

  it('builds and drops the projected ANN index with the threshold', async () => {
    const writer = await createLanceStoreWriter(directory, { annThreshold: 100 });
    const all = projection(4, 4, () => true);
    expect((await writer.writeProjected(type, all.nodeIndices, all.vectors, 4)).annIndex).toBe(true);
    let store = await openLanceStore(directory);
    expect(await store.tableInfo(type)).toMatchObject({ projectedAnnIndex: true, annIndex: false });
    await store.close();
    const few = projection(5, 4, (row) => row.nodeIndex < 150);
    expect((await writer.writeProjected(type, few.nodeIndices, few.vectors, 4)).annIndex).toBe(false);
    await writer.close();
    store = await openLanceStore(directory);
    expect(await store.tableInfo(type)).toMatchObject({
      projectedAnnIndex: false,
      withProjected: few.nodeIndices.length,
    });
    await store.close();
  });
});

describe('openLanceStore', () => {
  it('fails on a missing directory, naming it', async () => {
    const directory = join(await temporaryDirectory(), 'nope', 'lance');
    const error = await rejection(openLanceStore(directory));
    expect(error.code).toBe('INVALID_INDEX');
    expect(error.message).toContain(directory);
    expect(error.details).toMatchObject({ directory });
  });

  it('fails on a file in place of the directory', async () => {
    const path = join(await temporaryDirectory(), 'lance');
    await writeFile(path, 'not a database');
    expect((await rejection(openLanceStore(path))).message).toContain('not a directory');
  });

  it('names the directory when a type is unknown, and refuses calls after close', async () => {
    const directory = join(await temporaryDirectory(), 'lance');
    await writeTables(directory, {
      drug: makeRows({ type: 'drug', firstIndex: 0, count: 3, dimension: 4, seed: 1 }),
    });
    const store: VectorStore = await openLanceStore(directory);
    const error = await rejection(store.tableInfo('disease'));
    expect(error.code).toBe('NOT_FOUND');
    expect(error.message).toContain(directory);
    expect(error.message).toContain('known types: drug');
    await store.close();
    await expect(store.tableInfo('drug')).rejects.toThrow(/closed/);
  });

  it('rejects a table that biobridge did not write', async () => {
    const directory = join(await temporaryDirectory(), 'lance');
    const connection = await lancedb.connect(directory);
    await connection.createTable('stranger', [{ x: 1 }]);
    connection.close();
    const error = await rejection(openLanceStore(directory));
    expect(error.code).toBe('INVALID_INDEX');
    expect(error.message).toContain('"stranger"');
  });
});
