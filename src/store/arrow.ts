import { createRequire } from 'node:module';
import type * as ArrowModule from 'apache-arrow';
import type { Data, FixedSizeList, Float32, RecordBatch, Schema } from 'apache-arrow';

/**
 * apache-arrow ships separate CommonJS and ESM builds. `@lancedb/lancedb` is CommonJS and checks
 * `instanceof Schema`/`Field` (e.g. in `addColumns`), so an ESM import here would hand it objects
 * of the other build and fail with "Missing field `valueSql`". Loading the CommonJS build keeps
 * one copy of every Arrow class in the process.
 */
export const arrow = createRequire(import.meta.url)('apache-arrow') as typeof ArrowModule;

export type VectorData = Data<FixedSizeList<Float32>>;

export function float32ListType(dimension: number): FixedSizeList<Float32> {
  return new arrow.FixedSizeList(dimension, new arrow.Field('item', new arrow.Float32(), true));
}

/**
 * A nullable fixed-size-list column from a row-major matrix. Rows with `valid[i] === false` are
 * null; their slots in `values` are ignored (callers leave them zero).
 */
export function fixedSizeListData(
  values: Float32Array,
  dimension: number,
  rows: number,
  valid?: ArrayLike<boolean>,
): VectorData {
  const child = arrow.makeData({ type: new arrow.Float32(), length: rows * dimension, data: values });
  const type = float32ListType(dimension);
  if (!valid) return arrow.makeData({ type, length: rows, nullCount: 0, child });
  const bitmap = new Uint8Array(Math.ceil(rows / 8));
  let nullCount = 0;
  for (let row = 0; row < rows; row++) {
    if (valid[row]) bitmap[row >> 3]! |= 1 << (row & 7);
    else nullCount++;
  }
  return arrow.makeData({ type, length: rows, nullCount, nullBitmap: bitmap, child });
}

/** Assembles a record batch from one `Data` per schema field, in schema order. */
export function recordBatchFromColumns(
  schema: Schema,
  columns: Readonly<Record<string, Data>>,
  rows: number,
): RecordBatch {
  const children = schema.fields.map((field) => {
    const column = columns[field.name];
    if (!column) throw new Error(`record batch is missing column "${field.name}"`);
    return column;
  });
  const struct = arrow.makeData({
    type: new arrow.Struct(schema.fields),
    length: rows,
    nullCount: 0,
    children,
  });
  return new arrow.RecordBatch(schema, struct);
}

export function utf8Data(values: readonly (string | null)[]): Data {
  return buildData(new arrow.Utf8(), values);
}

export function boolData(values: readonly (boolean | null)[]): Data {
  return buildData(new arrow.Bool(), values);
}

export function int32Data(values: Int32Array): Data {
  return arrow.makeData({ type: new arrow.Int32(), length: values.length, data: values });
}

/** `vectorFromArray` may split large inputs into chunks; a record batch column needs one `Data`. */
function buildData<T extends ArrowModule.DataType>(
  type: T,
  values: readonly (T['TValue'] | null)[],
): Data<T> {
  const builder = arrow.makeBuilder<T, null>({ type, nullValues: [null] });
  for (const value of values) builder.append(value);
  // apache-arrow types `flush()` as Data<any>; the builder was made for T.
  // eslint-disable-next-line @typescript-eslint/no-unsafe-return
  return builder.finish().flush();
}

/**
 * Calls `visit(row, values)` for every non-null row of a fixed-size-list column chunk.
 * `values` is a view into Arrow's buffer: copy it if it must outlive the batch.
 */
export function forEachVector(data: VectorData, visit: (row: number, values: Float32Array) => void): void {
  const dimension = data.type.listSize;
  const child = data.children[0];
  if (!child) return;
  // Slicing a fixed-size list in arrow-js subarrays the child buffer, so row 0 starts at 0.
  const values = child.values as Float32Array;
  for (let row = 0; row < data.length; row++) {
    if (data.nullCount > 0 && !data.getValid(row)) continue;
    visit(row, values.subarray(row * dimension, (row + 1) * dimension));
  }
}
