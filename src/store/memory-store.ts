import { AppError } from '../errors.js';
import {
  assertSearchable,
  compareHits,
  unknownTypeError,
  vectorNorm,
  vectorProblem,
} from './vector-checks.js';
import type {
  NodeRow,
  SearchHit,
  SearchOptions,
  TableInfo,
  VectorColumn,
  VectorStore,
} from './vector-store.js';

export interface MemoryStoreOptions {
  /**
   * Column dimensions per type. Without an entry a dimension is taken from the first filled
   * vector; a column with no filled vector and no entry does not exist (dimension 0 / null).
   */
  dimensions?: Readonly<Record<string, { vector?: number; projected?: number }>>;
}

interface MemoryTable {
  type: string;
  rows: NodeRow[];
  byIndex: Map<number, NodeRow>;
  dimension: number;
  projectedDimension: number | null;
}

/**
 * Exact in-memory VectorStore with the LanceDB store's semantics (shared contract tests):
 * cosine score, rows without the column filled are never hits, filters apply before ranking.
 * Meant for tests of other layers and for tiny demo indexes.
 */
export function createMemoryStore(
  tables: Readonly<Record<string, readonly NodeRow[]>>,
  options: MemoryStoreOptions = {},
): VectorStore {
  const byType = new Map<string, MemoryTable>();
  const seen = new Map<number, string>();
  for (const [type, rows] of Object.entries(tables)) {
    const configured = options.dimensions?.[type];
    const dimension = configured?.vector ?? firstLength(rows, 'vector') ?? 0;
    const projectedDimension = configured?.projected ?? firstLength(rows, 'projected');
    const table: MemoryTable = { type, rows: [], byIndex: new Map(), dimension, projectedDimension };
    for (const row of rows) {
      checkRow(row, table, seen);
      const copy: NodeRow = { ...row };
      table.rows.push(copy);
      table.byIndex.set(row.nodeIndex, copy);
    }
    byType.set(type, table);
  }
  let closed = false;

  const open = (type: string): MemoryTable => {
    if (closed) throw new AppError({ code: 'INTERNAL', message: 'memory store is closed' });
    const table = byType.get(type);
    if (!table) throw unknownTypeError(type, [...byType.keys()].sort());
    return table;
  };

  return {
    async listTypes() {
      return [...byType.keys()].sort();
    },

    async tableInfo(type): Promise<TableInfo> {
      const table = open(type);
      return {
        type,
        rows: table.rows.length,
        withVector: table.rows.filter((row) => row.vector).length,
        withProjected: table.rows.filter((row) => row.projected).length,
        dimension: table.dimension,
        projectedDimension: table.projectedDimension,
        annIndex: false,
        projectedAnnIndex: false,
      };
    },

    async getRows(type, nodeIndices) {
      const table = open(type);
      const rows: NodeRow[] = [];
      for (const nodeIndex of nodeIndices) {
        const row = table.byIndex.get(nodeIndex);
        if (row) rows.push({ ...row });
      }
      return rows;
    },

    async search(type, query, searchOptions: SearchOptions): Promise<SearchHit[]> {
      const table = open(type);
      const column = searchOptions.column ?? 'vector';
      assertSearchable(type, query, searchOptions, column, dimensionOf(table, column));
      const queryNorm = vectorNorm(query);
      const hits: SearchHit[] = [];
      for (const row of table.rows) {
        const values = row[column];
        if (!values) continue;
        if (searchOptions.allowIndices && !searchOptions.allowIndices.has(row.nodeIndex)) continue;
        if (searchOptions.excludeIndices?.has(row.nodeIndex)) continue;
        let dot = 0;
        for (let index = 0; index < values.length; index++) dot += values[index]! * query[index]!;
        hits.push({
          nodeIndex: row.nodeIndex,
          nodeId: row.nodeId,
          name: row.name,
          type: row.type,
          score: dot / (queryNorm * vectorNorm(values)),
        });
      }
      return hits.sort(compareHits).slice(0, searchOptions.k);
    },

    async readVectors(type, column: VectorColumn) {
      const table = open(type);
      const dimension = dimensionOf(table, column) ?? 0;
      const filled = table.rows
        .filter((row) => row[column])
        .sort((left, right) => left.nodeIndex - right.nodeIndex);
      const nodeIndices = new Int32Array(filled.length);
      const vectors = new Float32Array(filled.length * dimension);
      filled.forEach((row, position) => {
        nodeIndices[position] = row.nodeIndex;
        vectors.set(row[column]!, position * dimension);
      });
      return { nodeIndices, vectors, dimension };
    },

    async close() {
      closed = true;
    },
  };
}

function dimensionOf(table: MemoryTable, column: VectorColumn): number | null {
  return column === 'vector' ? table.dimension : table.projectedDimension;
}

function firstLength(rows: readonly NodeRow[], column: VectorColumn): number | null {
  for (const row of rows) {
    const values = row[column];
    if (values) return values.length;
  }
  return null;
}

function checkRow(row: NodeRow, table: MemoryTable, seen: Map<number, string>): void {
  const fail = (message: string, field: string): never => {
    throw new AppError({
      code: 'INVALID_INDEX',
      message: `memory store row ${row.nodeIndex} of type "${table.type}": ${message}`,
      details: { type: table.type, nodeIndex: row.nodeIndex, field },
    });
  };
  if (row.type !== table.type) fail(`row has type "${row.type}"`, 'type');
  const previous = seen.get(row.nodeIndex);
  if (previous !== undefined) fail(`node index already used in "${previous}"`, 'nodeIndex');
  seen.set(row.nodeIndex, table.type);
  for (const column of ['vector', 'projected'] as const) {
    const values = row[column];
    if (!values) continue;
    const expected = dimensionOf(table, column);
    if (values.length !== expected)
      fail(`${column} has ${values.length} dimensions, expected ${expected}`, column);
    const problem = vectorProblem(values);
    if (problem) fail(`${column} ${problem}`, column);
  }
}
