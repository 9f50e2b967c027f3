/** Compressed sparse row matrix: row `i` holds columns `columns[rowStarts[i] .. rowStarts[i+1])`. */
export interface CsrMatrix {
  rows: number;
  columns: number;
  rowStarts: Int32Array;
  columnIndices: Int32Array;
  values: Float32Array;
}

/** Accumulates rows one at a time; each row's entries must have distinct columns. */
export class CsrBuilder {
  private readonly rowStarts: number[] = [0];
  private columnIndices: Int32Array;
  private values: Float32Array;
  private size = 0;

  constructor(
    readonly columns: number,
    initialCapacity = 1 << 16,
  ) {
    this.columnIndices = new Int32Array(initialCapacity);
    this.values = new Float32Array(initialCapacity);
  }

  /** Appends a row; entries are stored sorted by column so that products sum in a fixed order. */
  addRow(columns: ArrayLike<number>, values: ArrayLike<number>): void {
    const order = Array.from({ length: columns.length }, (_, index) => index).sort(
      (left, right) => columns[left]! - columns[right]!,
    );
    this.reserve(this.size + columns.length);
    for (const index of order) {
      this.columnIndices[this.size] = columns[index]!;
      this.values[this.size] = values[index]!;
      this.size += 1;
    }
    this.rowStarts.push(this.size);
  }

  build(): CsrMatrix {
    return {
      rows: this.rowStarts.length - 1,
      columns: this.columns,
      rowStarts: Int32Array.from(this.rowStarts),
      columnIndices: this.columnIndices.slice(0, this.size),
      values: this.values.slice(0, this.size),
    };
  }

  private reserve(capacity: number): void {
    if (capacity <= this.columnIndices.length) return;
    const grown = Math.max(capacity, this.columnIndices.length * 2);
    const columnIndices = new Int32Array(grown);
    columnIndices.set(this.columnIndices);
    const values = new Float32Array(grown);
    values.set(this.values);
    this.columnIndices = columnIndices;
    this.values = values;
  }
}

/** `X · M` for dense row-major `M` (columns(X) × width); returns rows(X) × width, row-major. */
export function multiplyDense(matrix: CsrMatrix, dense: Float64Array, width: number): Float64Array {
  return accumulateProduct(matrix, dense, width, false);
}

/** `Xᵀ · M` for dense row-major `M` (rows(X) × width); returns columns(X) × width, row-major. */
export function multiplyTransposedDense(matrix: CsrMatrix, dense: Float64Array, width: number): Float64Array {
  return accumulateProduct(matrix, dense, width, true);
}

/**
 * One walk over the stored entries serves both products: entry (row, column, value) adds
 * `value · M[column]` to result row `row` (`X · M`), or `value · M[row]` to result row `column` (`Xᵀ · M`).
 */
function accumulateProduct(
  matrix: CsrMatrix,
  dense: Float64Array,
  width: number,
  transposed: boolean,
): Float64Array {
  const result = new Float64Array((transposed ? matrix.columns : matrix.rows) * width);
  const { rowStarts, columnIndices, values } = matrix;
  for (let row = 0; row < matrix.rows; row++) {
    const rowOffset = row * width;
    for (let entry = rowStarts[row]!; entry < rowStarts[row + 1]!; entry++) {
      const value = values[entry]!;
      const columnOffset = columnIndices[entry]! * width;
      const target = transposed ? columnOffset : rowOffset;
      const source = transposed ? rowOffset : columnOffset;
      for (let column = 0; column < width; column++)
        result[target + column]! += value * dense[source + column]!;
    }
  }
  return result;
}
