import * as lancedb from '@lancedb/lancedb';
import type { Connection, Table } from '@lancedb/lancedb';
import type { Schema } from 'apache-arrow';
import { AppError } from '../errors.js';
import type { Logger } from '../util/logger.js';
import type { Progress } from '../util/progress.js';
import {
  arrow,
  boolData,
  fixedSizeListData,
  int32Data,
  recordBatchFromColumns,
  utf8Data,
  type VectorData,
} from './arrow.js';
import type { AnnIndexBuilder } from './lance-ann-index.js';
import { nodeColumns, nodeTableSchema } from './lance-schema.js';
import { vectorProblem } from './vector-checks.js';
import type { NodeRow } from './vector-store.js';

export interface NodeTableTarget {
  connection: Connection;
  directory: string;
  /** The LanceDB table name of `type`, checked for clashes by the caller. */
  name: string;
  type: string;
  /** Vector dimension of the type's encoder; 0 for types without one (no vector column). */
  dimension: number;
}

export interface NodeTableWriting {
  rowsPerCommit: number;
  buildAnnIndex: AnnIndexBuilder;
  logger: Logger;
  progress?: Progress | undefined;
}

export interface StreamedRows {
  rows: number;
  withVector: number;
}

/** (Re)creates the table, streams the rows into it and indexes it; a failed write drops the table. */
export async function writeNodeTableRows(
  target: NodeTableTarget,
  batches: AsyncIterable<NodeRow[]> | Iterable<NodeRow[]>,
  writing: NodeTableWriting,
): Promise<StreamedRows & { annIndex: boolean }> {
  const { connection, directory, name, type, dimension } = target;
  const schema = nodeTableSchema(type, dimension);
  if ((await connection.tableNames()).includes(name)) {
    writing.logger.warn('replacing existing table', { table: name, directory });
    await connection.dropTable(name);
  }
  const table = await connection.createEmptyTable(name, schema);
  try {
    const streamed = await streamRows(table, schema, target, batches, writing);
    // Speeds up getRows/IN filters, and lets the projection merge update columns in place
    // instead of rewriting every row (measured 86 ms vs 3.6 s at 20k × 1024).
    if (streamed.rows > 0) await table.createIndex(nodeColumns.nodeIndex, { config: lancedb.Index.btree() });
    const annIndex = dimension > 0 && (await writing.buildAnnIndex(table, 'vector', streamed.withVector));
    return { ...streamed, annIndex };
  } catch (error) {
    // A half-written table must not pass for a complete one on the next open.
    table.close();
    await connection
      .dropTable(name)
      .catch((dropError: unknown) =>
        writing.logger.warn('could not drop the partial table', { table: name, error: String(dropError) }),
      );
    throw error;
  } finally {
    if (table.isOpen()) table.close();
  }
}

/** Checks every row and commits them `rowsPerCommit` at a time. */
async function streamRows(
  table: Table,
  schema: Schema,
  { type, dimension }: NodeTableTarget,
  batches: AsyncIterable<NodeRow[]> | Iterable<NodeRow[]>,
  { rowsPerCommit, progress }: NodeTableWriting,
): Promise<StreamedRows> {
  const seen = new Set<number>();
  let pending: NodeRow[] = [];
  let rows = 0;
  let withVector = 0;
  const flush = async () => {
    if (pending.length === 0) return;
    await table.add(new arrow.Table(schema, [nodeRowBatch(schema, pending, dimension)]));
    progress?.tick(pending.length);
    pending = [];
  };
  for await (const batch of batches) {
    for (const row of batch) {
      checkNodeRow(row, type, dimension, seen);
      if (row.vector) withVector++;
      pending.push(row);
      rows++;
      if (pending.length >= rowsPerCommit) await flush();
    }
  }
  await flush();
  return { rows, withVector };
}

function nodeRowBatch(schema: Schema, rows: readonly NodeRow[], dimension: number) {
  const nodeIndices = new Int32Array(rows.length);
  const values = new Float32Array(rows.length * dimension);
  const hasVector = rows.map((row) => row.vector !== null);
  rows.forEach((row, position) => {
    nodeIndices[position] = row.nodeIndex;
    if (row.vector) values.set(row.vector, position * dimension);
  });
  const columns: Record<string, ReturnType<typeof utf8Data> | VectorData> = {
    [nodeColumns.nodeIndex]: int32Data(nodeIndices),
    [nodeColumns.nodeId]: utf8Data(rows.map((row) => row.nodeId)),
    [nodeColumns.name]: utf8Data(rows.map((row) => row.name)),
    [nodeColumns.type]: utf8Data(rows.map((row) => row.type)),
    [nodeColumns.source]: utf8Data(rows.map((row) => row.source)),
    [nodeColumns.payloadKind]: utf8Data(rows.map((row) => row.payloadKind)),
    [nodeColumns.payload]: utf8Data(rows.map((row) => row.payload)),
    [nodeColumns.hasVector]: boolData(hasVector),
  };
  if (dimension > 0)
    columns[nodeColumns.vector] = fixedSizeListData(values, dimension, rows.length, hasVector);
  return recordBatchFromColumns(schema, columns, rows.length);
}

function checkNodeRow(row: NodeRow, type: string, dimension: number, seen: Set<number>): void {
  const fail = (message: string, field: string): never => {
    throw new AppError({
      code: 'BAD_REQUEST',
      message: `row for node ${row.nodeIndex} ("${row.name}") of type "${type}": ${message}`,
      details: { type, nodeIndex: row.nodeIndex, field },
    });
  };
  if (!Number.isInteger(row.nodeIndex) || row.nodeIndex < 0 || row.nodeIndex > 0x7fffffff)
    fail('node index must be an integer in [0, 2^31)', 'nodeIndex');
  if (seen.has(row.nodeIndex)) fail('node index appears twice', 'nodeIndex');
  seen.add(row.nodeIndex);
  if (row.type !== type) fail(`row has type "${row.type}"`, 'type');
  if (!row.vector) return;
  if (row.vector.length !== dimension)
    fail(`vector has ${row.vector.length} dimensions, expected ${dimension}`, 'vector');
  const problem = vectorProblem(row.vector);
  if (problem) fail(`vector ${problem}`, 'vector');
}
