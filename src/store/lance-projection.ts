import type { Table } from '@lancedb/lancedb';
import { AppError } from '../errors.js';
import type { Logger } from '../util/logger.js';
import { arrow, boolData, fixedSizeListData, int32Data, recordBatchFromColumns } from './arrow.js';
import { nodeColumns, projectedFields, projectedMergeSchema, type TableLayout } from './lance-schema.js';
import { vectorProblem } from './vector-checks.js';

/** Where a projection goes: one open table of `type`, named `name`, in `directory`. */
export interface ProjectionTarget {
  table: Table;
  name: string;
  type: string;
  directory: string;
}

/** The projected column of every stored row: `values` row-major, `filled` where a vector was given. */
export interface PlacedProjection {
  stored: Int32Array;
  values: Float32Array;
  filled: boolean[];
}

export function checkProjectionInput(
  type: string,
  nodeIndices: Int32Array,
  vectors: Float32Array,
  dimension: number,
): void {
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
}

/** Lays the given vectors out in the table's row order, refusing unknown, repeated or bad rows. */
export async function placeProjection(
  { table, name, type, directory }: ProjectionTarget,
  nodeIndices: Int32Array,
  vectors: Float32Array,
  dimension: number,
): Promise<PlacedProjection> {
  const stored = await readNodeIndices(table);
  const positionOf = new Map<number, number>();
  stored.forEach((nodeIndex, position) => positionOf.set(nodeIndex, position));
  const values = new Float32Array(stored.length * dimension);
  const filled = new Array<boolean>(stored.length).fill(false);
  for (let row = 0; row < nodeIndices.length; row++) {
    const nodeIndex = nodeIndices[row]!;
    const position = positionOf.get(nodeIndex);
    const fail = (message: string): never => {
      throw new AppError({
        code: 'BAD_REQUEST',
        message,
        details: { type, nodeIndex, field: 'vectors', row },
      });
    };
    if (position === undefined)
      fail(`node index ${nodeIndex} (row ${row}) is not in table "${name}" of ${directory}`);
    if (filled[position!]) fail(`node index ${nodeIndex} appears twice (second at row ${row})`);
    const vector = vectors.subarray(row * dimension, (row + 1) * dimension);
    const problem = vectorProblem(vector);
    if (problem) fail(`projected vector of node ${nodeIndex} (row ${row}) ${problem}`);
    values.set(vector, position! * dimension);
    filled[position!] = true;
  }
  return { stored, values, filled };
}

/**
 * Atomicity: the projection lands as one merge-insert commit (a new table version) that rewrites
 * only the projected columns, keyed on node_index. LanceDB never deletes the files of the previous
 * version here, so a crash before the commit leaves that version as the latest, and readers pinned
 * to it keep reading it. Building a whole table aside and swapping directories would need two
 * renames and rewrite the raw vectors too. Only a change of dimension drops the old columns first
 * (readers then briefly see no projection, never a mix of two bridges). Returns the new version.
 */
export async function commitProjection(
  { table, name }: ProjectionTarget,
  layout: TableLayout,
  { stored, values, filled }: PlacedProjection,
  dimension: number,
  logger: Logger,
): Promise<number> {
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
  const merged = await table
    .mergeInsert(nodeColumns.nodeIndex)
    .whenMatchedUpdateAll()
    .execute(new arrow.Table(mergeSchema, [source]));
  return merged.version;
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
