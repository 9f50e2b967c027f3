import { describe, expect, it } from 'vitest';
import { openIndex } from '../../src/indexing/open-index.js';
import { dotAllRows, toColumnMajor } from '../../src/retrieval/column-dot.js';

/** The row-by-row loop the column-major kernel replaces. */
function referenceDots(
  rowMajor: Float32Array,
  rows: number,
  dimension: number,
  query: Float32Array,
): number[] {
  return Array.from({ length: rows }, (_, row) => {
    let sum = 0;
    for (let j = 0; j < dimension; j++) sum += query[j]! * rowMajor[row * dimension + j]!;
    return sum;
  });
}

describe('dotAllRows over a column-major matrix', () => {
  it('gives bit-identical dot products for sparse Morgan queries on the demo drugs', async () => {
    const index = await openIndex('indexes/demo');
    try {
      const { vectors, dimension, nodeIndices } = await index.store.readVectors('drug', 'vector');
      const rows = nodeIndices.length;
      const matrix = toColumnMajor(vectors, rows, dimension);
      for (const row of [0, Math.floor(rows / 2), rows - 1]) {
        const query = vectors.slice(row * dimension, (row + 1) * dimension);
        expect(query.filter((value) => value === 0).length).toBeGreaterThan(dimension / 2); // sparse
        const dots = dotAllRows(matrix, query, new Float64Array(rows));
        expect(Array.from(dots)).toEqual(referenceDots(vectors, rows, dimension, query));
      }
    } finally {
      await index.close();
    }
  });

  it('handles dense queries and checks shapes', () => {
    const rowMajor = Float32Array.from([1, 2, 3, 4, 5, 6]);
    const matrix = toColumnMajor(rowMajor, 2, 3);
    expect(Array.from(matrix.columns)).toEqual([1, 4, 2, 5, 3, 6]);
    expect(Array.from(dotAllRows(matrix, [1, -1, 0.5], new Float64Array(2)))).toEqual(
      referenceDots(rowMajor, 2, 3, Float32Array.from([1, -1, 0.5])),
    );
    expect(() => toColumnMajor(rowMajor, 4, 2)).toThrow(RangeError);
    expect(() => dotAllRows(matrix, [1, 2], new Float64Array(2))).toThrow(RangeError);
  });
});
