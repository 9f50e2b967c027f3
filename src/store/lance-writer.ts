import { mkdir } from 'node:fs/promises';
import * as lancedb from '@lancedb/lancedb';
import type { Connection, Table } from '@lancedb/lancedb';
import type { Schema } from 'apache-arrow';
import { AppError } from '../errors.js';
import { tableNameForType } from '../kg/registry.js';
import { noopLogger, type Logger } from '../util/logger.js';
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
import {
  nodeColumns,
  nodeTableSchema,
  projectedFields,
  projectedMergeSchema,
  readTableLayout,
} from './lance-schema.js';
import { vectorProblem } from './vector-checks.js';
import type { NodeRow, VectorColumn } from './vector-store.js';

/** Rows with a filled vector from which a table gets an ANN index. */
export const DEFAULT_ANN_THRESHOLD = 50_000;

export interface AnnIndexOptions {
  /**
   * Rows per IVF partition of the IVF_HNSW_SQ index (default 4,096): fewer partitions build
   * larger HNSW graphs. With the default `nprobes` of 20 a query visits every partition of
   * tables up to ~80k rows, so recall comes from the graph search (`ef`), not from probing.
   */
  rowsPerPartition?: number;
  /** HNSW neighbours per node (LanceDB default 20): higher is better recall, larger index. */
  m?: number;
  /** HNSW candidate list while building (LanceDB default 300). */
  efConstruction?: number;
}

export interface LanceStoreWriterOptions {
  logger?: Logger;
  /** Build an ANN index on a column once this many rows have it filled (default 50,000); below, search is exact. */
  annThreshold?: number;
  annIndex?: AnnIndexOptions;
  /**
   * Rows per LanceDB commit (and fragment) while streaming a table (default 4,096). Bounds memory
   * per commit, and several fragments let a flat scan use every core (20k × 1024 as one fragment
   * searched in ~60 ms, as five in ~25 ms, on 2 cores).
   */
  rowsPerCommit?: number;
}

export interface WriteNodeTableOptions {
  /** Vector dimension of the type's encoder; 0 for types without one (no vector column). */
  dimension: number;
  progress?: Progress;
}

export interface WrittenTable {
  type: string;
  table: string;
  rows: number;
  withVector: number;
  annIndex: boolean;
}

export interface WrittenProjection {
  type: string;
  table: string;
  withProjected: number;
  dimension: number;
  annIndex: boolean;
  /** Table version after the projection commit. */
  version: number;
}

export interface LanceStoreWriter {
  /**
   * (Re)creates the table of `type` from streamed batches, then indexes it. Replacing an existing
   * table is not atomic; build whole index directories with `buildDirectoryAtomic`.
   */
  writeNodeTable(
    type: string,
    batches: AsyncIterable<NodeRow[]> | Iterable<NodeRow[]>,
    options: WriteNodeTableOptions,
  ): Promise<WrittenTable>;
  /**
   * Replaces the whole `projected` column of `type` in one commit: rows in `nodeIndices` get the
   * matching row of `vectors` (row-major, `dimension` wide), every other row is cleared.
   */
  writeProjected(
    type: string,
    nodeIndices: Int32Array,
    vectors: Float32Array,
    dimension: number,
  ): Promise<WrittenProjection>;
  close(): Promise<void>;
}

/**
 * Writes node-type tables into the LanceDB database at `directory` (`<index>/lance`, see
 * `indexLayout.lance`), creating it when missing.
 */
export async function createLanceStoreWriter(
  directory: string,
  options: LanceStoreWriterOptions = {},
): Promise<LanceStoreWriter> {
  const logger = options.logger ?? noopLogger;
  const annThreshold = options.annThreshold ?? DEFAULT_ANN_THRESHOLD;
  const rowsPerCommit = options.rowsPerCommit ?? 4_096;
  if (!Number.isInteger(rowsPerCommit) || rowsPerCommit < 1)
    throw new AppError({
      code: 'INVALID_CONFIG',
      message: `rowsPerCommit must be a positive integer, got ${rowsPerCommit}`,
      details: { field: 'rowsPerCommit' },
    });
  await mkdir(directory, { recursive: true });
  const connection = await lancedb.connect(directory);
  const writtenTypes = new Map<string, string>();

  const buildAnnIndex = async (table: Table, column: VectorColumn, filled: number): Promise<boolean> => {
    if (filled < annThreshold) return false;
    const started = performance.now();
    const rowsPerPartition = options.annIndex?.rowsPerPartition ?? 4_096;
    await table.createIndex(column, {
      replace: true,
      config: lancedb.Index.hnswSq({
        distanceType: 'cosine',
        numPartitions: Math.max(1, Math.round(filled / rowsPerPartition)),
        ...(options.annIndex?.m === undefined ? {} : { m: options.annIndex.m }),
        ...(options.annIndex?.efConstruction === undefined
          ? {}
          : { efConstruction: options.annIndex.efConstruction }),
      }),
    });
    logger.info('ann index built', {
      table: table.name,
      column,
      rows: filled,
      ms: Math.round(performance.now() - started),
    });
    return true;
  };

  return {
    async writeNodeTable(type, batches, writeOptions) {
      const name = tableNameForType(type);
      const { dimension } = writeOptions;
      if (!name)
        throw new AppError({
          code: 'BAD_REQUEST',
          message: `node type "${type}" gives an empty table name`,
          details: { field: 'type', value: type },
        });
      if (!Number.isInteger(dimension) || dimension < 0)
        throw new AppError({
          code: 'BAD_REQUEST',
          message: `dimension must be a non-negative integer, got ${dimension}`,
          details: { field: 'dimension', type },
        });
      const clash = writtenTypes.get(name);
      if (clash !== undefined && clash !== type)
        throw new AppError({
          code: 'BAD_REQUEST',
          message: `node types "${clash}" and "${type}" both map to LanceDB table "${name}"`,
          details: { field: 'type', table: name },
        });
      writtenTypes.set(name, type);

      const schema = nodeTableSchema(type, dimension);
      if ((await connection.tableNames()).includes(name)) {
        logger.warn('replacing existing table', { table: name, directory });
        await connection.dropTable(name);
      }
      const table = await connection.createEmptyTable(name, schema);
      const seen = new Set<number>();
      let pending: NodeRow[] = [];
      let rows = 0;
      let withVector = 0;
      const flush = async () => {
        if (pending.length === 0) return;
        await table.add(new arrow.Table(schema, [nodeRowBatch(schema, pending, dimension)]));
        writeOptions.progress?.tick(pending.length);
        pending = [];
      };
      try {
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
        // Speeds up getRows/IN filters, and lets the projection merge update columns in place
        // instead of rewriting every row (measured 86 ms vs 3.6 s at 20k × 1024).
        if (rows > 0) await table.createIndex(nodeColumns.nodeIndex, { config: lancedb.Index.btree() });
        const annIndex = dimension > 0 && (await buildAnnIndex(table, 'vector', withVector));
        logger.info('node table written', { type, table: name, rows, withVector, annIndex });
        return { type, table: name, rows, withVector, annIndex };
      } catch (error) {
        // A half-written table must not pass for a complete one on the next open.
        table.close();
        await connection
          .dropTable(name)
          .catch((dropError: unknown) =>
            logger.warn('could not drop the partial table', { table: name, error: String(dropError) }),
          );
        throw error;
      } finally {
        if (table.isOpen()) table.close();
      }
    },

    async writeProjected(type, nodeIndices, vectors, dimension) {
      const name = tableNameForType(type);
      if (!Number.isInteger(dimension) || dimension < 1)
        throw new AppError({
          code: 'BAD_REQUEST',
          message: `projected dimension must be a positive integer, got ${dimension}`,
          details: { field: 'dimension', type },
        });
      if (vectors.length !== nodeIndices.length * dimension)
        throw new AppError({
          code: 'BAD_REQUEST',
          message: `vectors hold ${vectors.length} values, expected ${nodeIndices.length} × ${dimension}`,
          details: { field: 'vectors', type },
        });
      const table = await openExisting(connection, name, type, directory);
      try {
        const layout = readTableLayout(await table.schema(), name, directory);
        const stored = await readNodeIndices(table);
        const positionOf = new Map<number, number>();
        stored.forEach((nodeIndex, position) => positionOf.set(nodeIndex, position));

        const values = new Float32Array(stored.length * dimension);
        const filled = new Array<boolean>(stored.length).fill(false);
        for (let row = 0; row < nodeIndices.length; row++) {
          const nodeIndex = nodeIndices[row]!;
          const position = positionOf.get(nodeIndex);
          const where = { type, nodeIndex, field: 'vectors', row };
          if (position === undefined)
            throw new AppError({
              code: 'BAD_REQUEST',
              message: `node index ${nodeIndex} (row ${row}) is not in table "${name}" of ${directory}`,
              details: where,
            });
          if (filled[position])
            throw new AppError({
              code: 'BAD_REQUEST',
              message: `node index ${nodeIndex} appears twice (second at row ${row})`,
              details: where,
            });
          const vector = vectors.subarray(row * dimension, (row + 1) * dimension);
          const problem = vectorProblem(vector);
          if (problem)
            throw new AppError({
              code: 'BAD_REQUEST',
              message: `projected vector of node ${nodeIndex} (row ${row}) ${problem}`,
              details: where,
            });
          values.set(vector, position * dimension);
          filled[position] = true;
        }

        // Atomicity: the projection lands as one merge-insert commit (a new table version) that
        // rewrites only the projected columns, keyed on node_index. LanceDB never deletes the
        // files of the previous version here, so a crash before the commit leaves that version
        // as the latest, and readers pinned to it keep reading it. Building a whole table aside
        // and swapping directories would need two renames and rewrite the raw vectors too.
        // Only a change of dimension drops the old columns first (readers then briefly see no
        // projection, never a mix of two bridges).
        if (layout.projectedDimension !== null && layout.projectedDimension !== dimension) {
          logger.warn('projected dimension changed; dropping the old column', {
            table: name,
            from: layout.projectedDimension,
            to: dimension,
          });
          await table.dropColumns([nodeColumns.projected, nodeColumns.hasProjected]);
        }
        if (layout.projectedDimension !== dimension)
          await table.addColumns(new arrow.Schema(projectedFields(dimension)));

        const mergeSchema = projectedMergeSchema(dimension);
        const source = recordBatchFromColumns(
          mergeSchema,
          {
            [nodeColumns.nodeIndex]: int32Data(stored),
            [nodeColumns.hasProjected]: boolData(filled),
            [nodeColumns.projected]: fixedSizeListData(values, dimension, stored.length, filled),
          },
          stored.length,
        );
        const started = performance.now();
        const merged = await table
          .mergeInsert(nodeColumns.nodeIndex)
          .whenMatchedUpdateAll()
          .execute(new arrow.Table(mergeSchema, [source]));
        logger.info('projection committed', {
          table: name,
          rows: nodeIndices.length,
          version: merged.version,
          ms: Math.round(performance.now() - started),
        });
        // The merge leaves the node_index btree without coverage of the rewritten fragments.
        await table.createIndex(nodeColumns.nodeIndex, { config: lancedb.Index.btree(), replace: true });
        // LanceDB drops the rewritten fragments from the projected index (so it never serves
        // stale vectors); rebuild it, and the raw-vector index should the merge have rewritten rows.
        const annIndex = await buildAnnIndex(table, 'projected', nodeIndices.length);
        const indices = await table.listIndices();
        const projectedIndex = indices.find((index) => index.columns.includes(nodeColumns.projected));
        if (!annIndex && projectedIndex) await table.dropIndex(projectedIndex.name);
        const vectorIndex = indices.find((index) => index.columns.includes(nodeColumns.vector));
        if (vectorIndex && (vectorIndex.numUnindexedRows ?? 0) > 0)
          await buildAnnIndex(table, 'vector', await table.countRows(`${nodeColumns.hasVector} = true`));
        return {
          type,
          table: name,
          withProjected: nodeIndices.length,
          dimension,
          annIndex,
          version: await table.version(),
        };
      } finally {
        table.close();
      }
    },

    async close() {
      connection.close();
    },
  };
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

async function openExisting(
  connection: Connection,
  name: string,
  type: string,
  directory: string,
): Promise<Table> {
  if (!(await connection.tableNames()).includes(name))
    throw new AppError({
      code: 'NOT_FOUND',
      message: `no table "${name}" for node type "${type}" in ${directory}; write the node table first`,
      details: { type, table: name, directory },
    });
  return connection.openTable(name);
}

async function readNodeIndices(table: Table): Promise<Int32Array> {
  const chunks: Int32Array[] = [];
  let total = 0;
  for await (const batch of table.query().select([nodeColumns.nodeIndex])) {
    const column = batch.getChild(nodeColumns.nodeIndex);
    if (!column) continue;
    const values = Int32Array.from(column.toArray() as Int32Array);
    chunks.push(values);
    total += values.length;
  }
  const all = new Int32Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    all.set(chunk, offset);
    offset += chunk.length;
  }
  return all;
}
