/**
 * A matrix stored column by column (coordinate j of every row, then coordinate j + 1, …), so the
 * dot products of one query with every row skip the query's zero coordinates whole. Encoder
 * vectors of molecules (folded Morgan counts) have a few dozen non-zero coordinates of 1,024, so a
 * query touches a few percent of the matrix instead of all of it.
 */
export interface ColumnMajorMatrix {
  readonly rows: number;
  readonly dimension: number;
  /** `dimension × rows`: coordinate j of row r at `j * rows + r`. */
  readonly columns: Float32Array;
}

/** The column-major copy of a row-major `rows × dimension` matrix. */
export function toColumnMajor(rowMajor: Float32Array, rows: number, dimension: number): ColumnMajorMatrix {
  if (rowMajor.length !== rows * dimension)
    throw new RangeError(`matrix of ${rowMajor.length} values is not ${rows} × ${dimension}`);
  const columns = new Float32Array(rows * dimension);
  for (let row = 0; row < rows; row++) {
    const offset = row * dimension;
    for (let j = 0; j < dimension; j++) columns[j * rows + row] = rowMajor[offset + j]!;
  }
  return { rows, dimension, columns };
}

/**
 * `out[r] = Σ_j query[j] · row_r[j]` for every row, summed in double precision in ascending j.
 * Coordinates where the query is exactly zero are skipped: their products are ±0, which leave a
 * double sum unchanged, so every result is bit-identical to the dense row-by-row loop over finite
 * values.
 */
export function dotAllRows(
  matrix: ColumnMajorMatrix,
  query: ArrayLike<number>,
  out: Float64Array,
): Float64Array {
  const { rows, dimension, columns } = matrix;
  if (query.length !== dimension)
    throw new RangeError(`query of ${query.length} values for dimension ${dimension}`);
  if (out.length < rows) throw new RangeError(`output of ${out.length} values for ${rows} rows`);
  out.fill(0, 0, rows);
  for (let j = 0; j < dimension; j++) {
    const weight = query[j]!;
    if (weight === 0) continue;
    const offset = j * rows;
    for (let row = 0; row < rows; row++) out[row] = out[row]! + weight * columns[offset + row]!;
  }
  return out;
}
