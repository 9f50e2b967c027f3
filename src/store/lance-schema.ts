import type { Field, Schema } from 'apache-arrow';
import { AppError } from '../errors.js';
import { arrow, float32ListType } from './arrow.js';
import type { VectorColumn } from './vector-store.js';

/** Column names of a node-type table. */
export const nodeColumns = {
  nodeIndex: 'node_index',
  nodeId: 'node_id',
  name: 'name',
  type: 'type',
  source: 'source',
  payloadKind: 'payload_kind',
  payload: 'payload',
  hasVector: 'has_vector',
  vector: 'vector',
  hasProjected: 'has_projected',
  projected: 'projected',
} as const;

/** The flag column that says whether a row's vector column is filled. */
export const flagColumnFor: Record<VectorColumn, string> = {
  vector: nodeColumns.hasVector,
  projected: nodeColumns.hasProjected,
};

/**
 * Schema metadata: the node type is kept in the table so that `listTypes` does not have to
 * invert `tableNameForType`, which is lossy (`gene/protein` and `gene_protein` share a name).
 */
export const schemaMetadataKeys = {
  nodeType: 'biobridge.node_type',
  formatVersion: 'biobridge.table_format',
} as const;
export const TABLE_FORMAT_VERSION = '1';

/**
 * Explicit schema of a node-type table (inference fails on empty batches and all-null columns).
 * `vector` is a nullable fixed-size list: nodes without a vector hold null, which LanceDB's flat
 * search skips and its index training leaves out, so no zero vectors reach cosine math.
 * `dimension` 0 means the type has no encoder: the table holds rows but no vector column.
 */
export function nodeTableSchema(nodeType: string, dimension: number): Schema {
  const fields: Field[] = [
    new arrow.Field(nodeColumns.nodeIndex, new arrow.Int32(), false),
    new arrow.Field(nodeColumns.nodeId, new arrow.Utf8(), false),
    new arrow.Field(nodeColumns.name, new arrow.Utf8(), false),
    new arrow.Field(nodeColumns.type, new arrow.Utf8(), false),
    new arrow.Field(nodeColumns.source, new arrow.Utf8(), false),
    new arrow.Field(nodeColumns.payloadKind, new arrow.Utf8(), false),
    new arrow.Field(nodeColumns.payload, new arrow.Utf8(), true),
    new arrow.Field(nodeColumns.hasVector, new arrow.Bool(), false),
  ];
  if (dimension > 0) fields.push(new arrow.Field(nodeColumns.vector, float32ListType(dimension), true));
  return new arrow.Schema(
    fields,
    new Map([
      [schemaMetadataKeys.nodeType, nodeType],
      [schemaMetadataKeys.formatVersion, TABLE_FORMAT_VERSION],
    ]),
  );
}

/** Columns added by the first `writeProjected`; nullable because LanceDB adds columns as all-null. */
export function projectedFields(dimension: number): Field[] {
  return [
    new arrow.Field(nodeColumns.hasProjected, new arrow.Bool(), true),
    new arrow.Field(nodeColumns.projected, float32ListType(dimension), true),
  ];
}

/** The source schema of the projection merge: key plus the two projected columns. */
export function projectedMergeSchema(dimension: number): Schema {
  return new arrow.Schema([
    new arrow.Field(nodeColumns.nodeIndex, new arrow.Int32(), false),
    ...projectedFields(dimension),
  ]);
}

export interface TableLayout {
  nodeType: string;
  /** 0 when the table has no `vector` column. */
  dimension: number;
  /** null until `writeProjected` added the column. */
  projectedDimension: number | null;
}

/** Reads what a stored table holds from its schema; `table` and `location` only name it in errors. */
export function readTableLayout(schema: Schema, table: string, location: string): TableLayout {
  const nodeType = schema.metadata.get(schemaMetadataKeys.nodeType);
  if (!nodeType)
    throw new AppError({
      code: 'INVALID_INDEX',
      message: `LanceDB table "${table}" in ${location} has no "${schemaMetadataKeys.nodeType}" schema metadata; it was not written by biobridge`,
      details: { table, directory: location },
    });
  return {
    nodeType,
    dimension: listSize(schema, nodeColumns.vector, table, location) ?? 0,
    projectedDimension: listSize(schema, nodeColumns.projected, table, location),
  };
}

function listSize(schema: Schema, column: string, table: string, location: string): number | null {
  const field = schema.fields.find((candidate) => candidate.name === column);
  if (!field) return null;
  if (!arrow.DataType.isFixedSizeList(field.type))
    throw new AppError({
      code: 'INVALID_INDEX',
      message: `column "${column}" of LanceDB table "${table}" in ${location} is ${String(field.type)}, expected a fixed-size list of float32`,
      details: { table, column, directory: location },
    });
  return field.type.listSize;
}
