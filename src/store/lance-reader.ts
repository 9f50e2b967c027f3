import { stat } from 'node:fs/promises';
import * as lancedb from '@lancedb/lancedb';
import type { Connection, Table, VectorQuery } from '@lancedb/lancedb';
import type { RecordBatch } from 'apache-arrow';
import { AppError } from '../errors.js';
import { noopLogger, type Logger } from '../util/logger.js';
import { forEachVector, type VectorData } from './arrow.js';
import { flagColumnFor, nodeColumns, readTableLayout, type TableLayout } from './lance-schema.js';
import { assertSearchable, compareHits, unknownTypeError } from './vector-checks.js';
import type { VersionedVectorStore } from './vector-files.js';
import type { NodeRow, SearchHit, SearchOptions, TableInfo, VectorColumn } from './vector-store.js';
import type { PayloadKind } from '../kg/types.js';

/**
 * Recall/latency knobs for searches that use an ANN (IVF_HNSW_SQ) index; exact searches ignore
 * them. Defaults were measured on 20k × 1024 vectors (see `eval/bench/store-ann.ts`).
 */
export interface AnnSearchOptions {
  /**
   * HNSW candidate list per query (default 200, raised to 2 × k for large k; LanceDB's own
   * default is 1.5 × k). Higher raises recall and latency: at 20k × 1024, ef 200 gave recall@10
   * ≈ 0.93 on unclustered random vectors and ≈ 1.0 on clustered ones, at ~5 ms a query.
   */
  ef?: number;
  /**
   * Re-rank `k × refineFactor` candidates on the full-precision vectors (default 2). It makes
   * the reported scores exact instead of scalar-quantised and fixes the order of close hits.
   * 0 turns refinement off.
   */
  refineFactor?: number;
  /** IVF partitions probed per query (LanceDB default 20); the writer makes ~1 per 4,096 rows. */
  nprobes?: number;
}

export interface LanceStoreOptions {
  logger?: Logger;
  ann?: AnnSearchOptions;
  /**
   * Largest id list put into one SQL `IN (…)` prefilter (default 20,000; a 19k list cost
   * ~250 ms at 20k rows). Larger allow-lists are searched in chunks and merged; larger
   * exclude-lists are applied by over-fetching `k + |exclude|` hits and filtering them.
   */
  maxFilterListSize?: number;
  /**
   * Allow-lists up to this size are searched exactly even where an ANN index exists (default
   * 10,000): exact search over a candidate subset is cheap, and a narrow prefilter hurts HNSW recall.
   */
  exactCandidateLimit?: number;
  /**
   * LanceDB object-store settings for a remote `directory` (`s3://bucket/prefix/lance`):
   * `aws_endpoint`, `aws_region`, `allow_http`, credentials. Unused for local paths.
   */
  storageOptions?: Record<string, string> | undefined;
  /**
   * The tables to open, when the caller knows them: skips LanceDB's directory listing, which some
   * S3-compatible stores (s3rver) do not answer the way LanceDB expects, and saves a remote LIST.
   */
  tableNames?: readonly string[] | undefined;
}

interface OpenTable {
  name: string;
  table: Table;
  layout: TableLayout;
  info: Promise<TableInfo> | null;
}

const hitColumns = [nodeColumns.nodeIndex, nodeColumns.nodeId, nodeColumns.name, nodeColumns.type];

/**
 * Opens the LanceDB database at `directory` (`<index>/lance`) read-only. Tables are opened once
 * and stay pinned to the version current at open time (LanceDB's default consistency), so a
 * concurrent `writeProjected` never changes what an open store returns; reopen to see it.
 */
export async function openLanceStore(
  directory: string,
  options: LanceStoreOptions = {},
): Promise<VersionedVectorStore> {
  const logger = options.logger ?? noopLogger;
  const maxFilterListSize = options.maxFilterListSize ?? 20_000;
  const exactCandidateLimit = options.exactCandidateLimit ?? 10_000;
  const ef = options.ann?.ef ?? 200;
  const refineFactor = options.ann?.refineFactor ?? 2;

  const remote = /^[a-z][a-z0-9+.-]*:\/\//.test(directory);
  if (!remote) await assertLocalDirectory(directory);

  const { connection: database, tables } = await connectTables(directory, options);
  logger.debug('lance store opened', { directory, tables: tables.size });
  let closed = false;

  const tableFor = (type: string): OpenTable => {
    if (closed) throw new AppError({ code: 'INTERNAL', message: `LanceDB store at ${directory} is closed` });
    const open = tables.get(type);
    if (!open) throw unknownTypeError(type, [...tables.keys()].sort(), directory);
    return open;
  };

  const guarded = <T>(open: OpenTable, action: string, run: () => Promise<T>): Promise<T> =>
    guardedCall(directory, open, action, run);

  const tableInfo = (open: OpenTable): Promise<TableInfo> => {
    open.info ??= guarded(open, 'tableInfo', () => readTableInfo(open)).catch((error: unknown) => {
      open.info = null; // let the next call retry instead of caching the failure
      throw error;
    });
    return open.info;
  };

  const annKnobs = { ef, refineFactor, nprobes: options.ann?.nprobes };
  return {
    async listTypes() {
      return [...tables.keys()].sort();
    },

    async tableInfo(type) {
      return tableInfo(tableFor(type));
    },

    async getRows(type, nodeIndices) {
      const open = tableFor(type);
      if (nodeIndices.length === 0) return [];
      return guarded(open, 'getRows', () => readRows(open, nodeIndices, maxFilterListSize));
    },

    async search(type, query, searchOptions: SearchOptions) {
      const open = tableFor(type);
      const column = searchOptions.column ?? 'vector';
      const dimension = column === 'vector' ? open.layout.dimension : open.layout.projectedDimension;
      assertSearchable(type, query, searchOptions, column, dimension);
      const info = await tableInfo(open);
      const annIndex = column === 'vector' ? info.annIndex : info.projectedAnnIndex === true;
      const filled = column === 'vector' ? info.withVector : info.withProjected;
      const { k, allowIndices, excludeIndices } = searchOptions;

      // LanceDB skips null vectors anyway; the flag filter is a guard that costs a prefilter pass,
      // so it is left out when every row is filled.
      const base = filled < info.rows ? [`${flagColumnFor[column]} = true`] : [];
      const exclude = excludeIndices && excludeIndices.size > 0 ? [...excludeIndices] : [];
      const excludeInSql = exclude.length > 0 && exclude.length <= maxFilterListSize;
      if (excludeInSql) base.push(`NOT (${inList(exclude)})`);
      // An exclude-list too long for SQL is applied afterwards: fetching k + |exclude| hits
      // guarantees k survivors when the search is exact, so that path never uses the ANN index.
      const overFetch = exclude.length > 0 && !excludeInSql;
      const limit = overFetch ? k + exclude.length : k;
      const keep = (hit: SearchHit) => !overFetch || !excludeIndices?.has(hit.nodeIndex);

      return guarded(open, 'search', async () => {
        if (!allowIndices) {
          const exact = searchOptions.exact === true || overFetch;
          const search = { query, column, limit, filters: base, exact, annIndex };
          const hits = await runVectorSearch(open, search, annKnobs);
          return hits.filter(keep).sort(compareHits).slice(0, k);
        }
        const allowed = [...allowIndices];
        if (allowed.length === 0) return [];
        const exact = searchOptions.exact === true || overFetch || allowed.length <= exactCandidateLimit;
        const hits: SearchHit[] = [];
        for (let start = 0; start < allowed.length; start += maxFilterListSize) {
          const chunk = allowed.slice(start, start + maxFilterListSize);
          const filters = [...base, inList(chunk)];
          hits.push(
            ...(await runVectorSearch(open, { query, column, limit, filters, exact, annIndex }, annKnobs)),
          );
        }
        return hits.filter(keep).sort(compareHits).slice(0, k);
      });
    },

    async dataVersion(type) {
      const open = tableFor(type);
      return guarded(open, 'version', () => tableDataVersion(open.table));
    },

    async readVectors(type, column) {
      const open = tableFor(type);
      const dimension = column === 'vector' ? open.layout.dimension : open.layout.projectedDimension;
      if (!dimension)
        return { nodeIndices: new Int32Array(0), vectors: new Float32Array(0), dimension: dimension ?? 0 };
      return guarded(open, 'readVectors', () => readAllVectors(open, column, dimension, directory));
    },

    async close() {
      if (closed) return;
      closed = true;
      for (const open of tables.values()) open.table.close();
      database.close();
    },
  };
}

/**
 * The version the table was pinned to at open (every write makes a new one) and that version's
 * commit time, `<version>@<ISO time>`: a table dropped and written again starts over at version 1.
 */
async function tableDataVersion(table: Table): Promise<string> {
  const version = await table.version();
  const committed = (await table.listVersions()).find((entry) => entry.version === version);
  return committed ? `${version}@${committed.timestamp.toISOString()}` : String(version);
}

/** Connects and opens every table once, keyed by node type; closes what it opened on failure. */
async function connectTables(
  directory: string,
  options: LanceStoreOptions,
): Promise<{ connection: Connection; tables: Map<string, OpenTable> }> {
  let connection: Connection | undefined;
  const tables = new Map<string, OpenTable>();
  try {
    connection = await lancedb.connect(
      directory,
      options.storageOptions ? { storageOptions: options.storageOptions } : {},
    );
    for (const name of options.tableNames ?? (await connection.tableNames())) {
      const table = await connection.openTable(name);
      const layout = readTableLayout(await table.schema(), name, directory);
      const clash = tables.get(layout.nodeType);
      if (clash)
        throw new AppError({
          code: 'INVALID_INDEX',
          message: `LanceDB tables "${clash.name}" and "${name}" in ${directory} both hold node type "${layout.nodeType}"`,
          details: { directory, type: layout.nodeType },
        });
      tables.set(layout.nodeType, { name, table, layout, info: null });
    }
  } catch (error) {
    for (const open of tables.values()) open.table.close();
    connection?.close();
    if (error instanceof AppError) throw error;
    throw new AppError({
      code: 'INVALID_INDEX',
      message: `cannot open the LanceDB database at ${directory}`,
      cause: error,
      details: { directory },
    });
  }
  return { connection, tables };
}

/** Runs a LanceDB call, naming the table when it fails. */
async function guardedCall<T>(
  directory: string,
  open: OpenTable,
  action: string,
  run: () => Promise<T>,
): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError({
      code: 'INVALID_INDEX',
      message: `LanceDB ${action} on table "${open.name}" in ${directory} failed`,
      cause: error,
      details: { directory, table: open.name, type: open.layout.nodeType },
    });
  }
}

async function readTableInfo(open: OpenTable): Promise<TableInfo> {
  const { table, layout } = open;
  const indices = await table.listIndices();
  const indexed = (column: string) => indices.some((index) => index.columns.includes(column));
  return {
    type: layout.nodeType,
    rows: await table.countRows(),
    withVector: layout.dimension > 0 ? await table.countRows(`${nodeColumns.hasVector} = true`) : 0,
    withProjected:
      layout.projectedDimension === null ? 0 : await table.countRows(`${nodeColumns.hasProjected} = true`),
    dimension: layout.dimension,
    projectedDimension: layout.projectedDimension,
    annIndex: indexed(nodeColumns.vector),
    projectedAnnIndex: indexed(nodeColumns.projected),
  };
}

/** One cosine vector search; the ANN knobs apply only when it uses an index. */
async function runVectorSearch(
  open: OpenTable,
  search: {
    query: Float32Array;
    column: VectorColumn;
    limit: number;
    filters: string[];
    exact: boolean;
    annIndex: boolean;
  },
  ann: { ef: number; refineFactor: number; nprobes: number | undefined },
): Promise<SearchHit[]> {
  const { query, column, limit, filters, exact, annIndex } = search;
  let builder: VectorQuery = open.table
    .vectorSearch(query)
    .column(column)
    .distanceType('cosine')
    .select([...hitColumns, '_distance'])
    .limit(limit);
  if (filters.length > 0) builder = builder.where(filters.join(' AND '));
  if (exact) builder = builder.bypassVectorIndex();
  else if (annIndex) {
    builder = builder.ef(Math.max(ann.ef, 2 * limit));
    if (ann.refineFactor > 0) builder = builder.refineFactor(ann.refineFactor);
    if (ann.nprobes !== undefined) builder = builder.nprobes(ann.nprobes);
  }
  const result = await builder.toArrow();
  const hits: SearchHit[] = [];
  for (const batch of result.batches) hits.push(...hitsFromBatch(batch));
  return hits;
}

/** Rows by node index, in the order asked (repeats included), reading `IN` lists of at most `chunkSize`. */
async function readRows(
  open: OpenTable,
  nodeIndices: readonly number[],
  chunkSize: number,
): Promise<NodeRow[]> {
  const columns = [
    nodeColumns.nodeIndex,
    nodeColumns.nodeId,
    nodeColumns.name,
    nodeColumns.type,
    nodeColumns.source,
    nodeColumns.payloadKind,
    nodeColumns.payload,
    ...(open.layout.dimension > 0 ? [nodeColumns.vector] : []),
    ...(open.layout.projectedDimension === null ? [] : [nodeColumns.projected]),
  ];
  const found = new Map<number, NodeRow>();
  const unique = [...new Set(nodeIndices)];
  for (let start = 0; start < unique.length; start += chunkSize) {
    const chunk = unique.slice(start, start + chunkSize);
    const result = await open.table.query().where(inList(chunk)).select(columns).toArrow();
    for (const batch of result.batches) for (const row of rowsFromBatch(batch)) found.set(row.nodeIndex, row);
  }
  const rows: NodeRow[] = [];
  for (const nodeIndex of nodeIndices) {
    const row = found.get(nodeIndex);
    // A copy per position, so that a repeated index gives independent objects.
    if (row) rows.push({ ...row });
  }
  return rows;
}

/** Every filled vector of a column, sorted by node index, streamed into one allocation. */
async function readAllVectors(
  open: OpenTable,
  column: VectorColumn,
  dimension: number,
  directory: string,
): Promise<{ nodeIndices: Int32Array; vectors: Float32Array; dimension: number }> {
  const flag = `${flagColumnFor[column]} = true`;
  // Sized up front from the pinned version, so the column streams into one allocation.
  const expected = await open.table.countRows(flag);
  const nodeIndices = new Int32Array(expected);
  const vectors = new Float32Array(expected * dimension);
  let count = 0;
  let sorted = true;
  const overflow = () =>
    new AppError({
      code: 'INVALID_INDEX',
      message: `table "${open.name}" in ${directory} returned more ${column} rows than the ${expected} it counted`,
      details: { table: open.name, column, directory },
    });
  for await (const batch of open.table.query().where(flag).select([nodeColumns.nodeIndex, column])) {
    const indexColumn = batch.getChild(nodeColumns.nodeIndex)!;
    let chunkStart = 0;
    for (const data of batch.getChild(column)!.data as VectorData[]) {
      forEachVector(data, (row, values) => {
        if (count >= expected) throw overflow();
        const nodeIndex = indexColumn.get(chunkStart + row) as number;
        if (count > 0 && nodeIndex < nodeIndices[count - 1]!) sorted = false;
        nodeIndices[count] = nodeIndex;
        vectors.set(values, count * dimension);
        count++;
      });
      chunkStart += data.length;
    }
  }
  if (count !== expected)
    throw new AppError({
      code: 'INVALID_INDEX',
      message: `table "${open.name}" in ${directory} has ${expected} rows flagged with ${column} but ${count} filled`,
      details: { table: open.name, column, directory },
    });
  if (!sorted) return { ...sortByNodeIndex(nodeIndices, vectors, dimension), dimension };
  return { nodeIndices, vectors, dimension };
}

function inList(nodeIndices: readonly number[]): string {
  return `${nodeColumns.nodeIndex} IN (${nodeIndices.map((value) => Math.trunc(value)).join(',')})`;
}

function hitsFromBatch(batch: RecordBatch): SearchHit[] {
  const nodeIndex = batch.getChild(nodeColumns.nodeIndex)!;
  const nodeId = batch.getChild(nodeColumns.nodeId)!;
  const name = batch.getChild(nodeColumns.name)!;
  const type = batch.getChild(nodeColumns.type)!;
  const distance = batch.getChild('_distance')!;
  const hits: SearchHit[] = [];
  for (let row = 0; row < batch.numRows; row++) {
    hits.push({
      nodeIndex: nodeIndex.get(row) as number,
      nodeId: nodeId.get(row) as string,
      name: name.get(row) as string,
      type: type.get(row) as string,
      // LanceDB's cosine distance is 1 − cos; clamp float noise back into [-1, 1].
      score: Math.max(-1, Math.min(1, 1 - (distance.get(row) as number))),
    });
  }
  return hits;
}

function rowsFromBatch(batch: RecordBatch): NodeRow[] {
  const column = (name: string) => batch.getChild(name);
  const vectorAt = (name: string, row: number): Float32Array | null => {
    const vector = column(name);
    if (!vector || !vector.isValid(row)) return null;
    const values = vector.get(row) as { toArray(): Float32Array } | null;
    return values ? Float32Array.from(values.toArray()) : null;
  };
  const hasProjected = column(nodeColumns.projected) !== null;
  const rows: NodeRow[] = [];
  for (let row = 0; row < batch.numRows; row++) {
    const nodeRow: NodeRow = {
      nodeIndex: column(nodeColumns.nodeIndex)!.get(row) as number,
      nodeId: column(nodeColumns.nodeId)!.get(row) as string,
      name: column(nodeColumns.name)!.get(row) as string,
      type: column(nodeColumns.type)!.get(row) as string,
      source: column(nodeColumns.source)!.get(row) as string,
      payloadKind: column(nodeColumns.payloadKind)!.get(row) as PayloadKind,
      payload: (column(nodeColumns.payload)!.get(row) as string | null) ?? null,
      vector: vectorAt(nodeColumns.vector, row),
    };
    if (hasProjected) nodeRow.projected = vectorAt(nodeColumns.projected, row);
    rows.push(nodeRow);
  }
  return rows;
}

function sortByNodeIndex(
  nodeIndices: Int32Array,
  vectors: Float32Array,
  dimension: number,
): { nodeIndices: Int32Array; vectors: Float32Array } {
  const order = Array.from(nodeIndices.keys()).sort(
    (left, right) => nodeIndices[left]! - nodeIndices[right]!,
  );
  const sortedIndices = new Int32Array(order.length);
  const sortedVectors = new Float32Array(vectors.length);
  order.forEach((from, to) => {
    sortedIndices[to] = nodeIndices[from]!;
    sortedVectors.set(vectors.subarray(from * dimension, (from + 1) * dimension), to * dimension);
  });
  return { nodeIndices: sortedIndices, vectors: sortedVectors };
}

async function assertLocalDirectory(directory: string): Promise<void> {
  const directoryStat = await stat(directory).catch((error: unknown) => {
    throw new AppError({
      code: 'INVALID_INDEX',
      message: `LanceDB directory ${directory} does not exist or cannot be read; build the index first`,
      cause: error,
      details: { directory },
    });
  });
  if (!directoryStat.isDirectory())
    throw new AppError({
      code: 'INVALID_INDEX',
      message: `LanceDB path ${directory} is not a directory`,
      details: { directory },
    });
}
