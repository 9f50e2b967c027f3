import { describe, expect, it } from 'vitest';
import {
  expandFactors,
  gaussianGenerator,
  orthonormalizeColumns,
  symmetricEigen,
  truncatedSvd,
} from '../../src/encoders/randomized-svd.js';
import {
  CsrBuilder,
  type CsrMatrix,
  multiplyDense,
  multiplyTransposedDense,
} from '../../src/encoders/sparse-matrix.js';

function randomSparse(
  rows: number,
  columns: number,
  density: number,
  seed: number,
): { matrix: CsrMatrix; dense: Float64Array } {
  const random = gaussianGenerator(seed);
  const builder = new CsrBuilder(columns);
  const dense = new Float64Array(rows * columns);
  for (let row = 0; row < rows; row++) {
    const indices: number[] = [];
    const values: number[] = [];
    for (let column = columns - 1; column >= 0; column--) {
      if (Math.abs(random()) < density) {
        const value = Math.fround(random());
        indices.push(column);
        values.push(value);
        dense[row * columns + column] = value;
      }
    }
    builder.addRow(indices, values);
  }
  return { matrix: builder.build(), dense };
}

/** Exact singular values and right vectors from the eigen-decomposition of XᵀX. */
function exactSvd(dense: Float64Array, rows: number, columns: number) {
  const gram = new Float64Array(columns * columns);
  for (let row = 0; row < rows; row++) {
    for (let left = 0; left < columns; left++) {
      for (let right = 0; right < columns; right++) {
        gram[left * columns + right]! += dense[row * columns + left]! * dense[row * columns + right]!;
      }
    }
  }
  const { values, vectors } = symmetricEigen(gram, columns);
  return { singularValues: [...values].map((value) => Math.sqrt(Math.max(value, 0))), vectors };
}

describe('sparse products', () => {
  it('match the dense products', () => {
    const { matrix, dense } = randomSparse(6, 5, 0.6, 3);
    const right = Float64Array.from({ length: 5 * 2 }, (_, index) => index - 4);
    const product = multiplyDense(matrix, right, 2);
    const left = Float64Array.from({ length: 6 * 2 }, (_, index) => (index % 3) - 1);
    const transposed = multiplyTransposedDense(matrix, left, 2);
    for (let row = 0; row < 6; row++) {
      for (let column = 0; column < 2; column++) {
        let sum = 0;
        for (let inner = 0; inner < 5; inner++) sum += dense[row * 5 + inner]! * right[inner * 2 + column]!;
        expect(product[row * 2 + column]).toBeCloseTo(sum, 12);
      }
    }
    for (let row = 0; row < 5; row++) {
      for (let column = 0; column < 2; column++) {
        let sum = 0;
        for (let inner = 0; inner < 6; inner++) sum += dense[inner * 5 + row]! * left[inner * 2 + column]!;
        expect(transposed[row * 2 + column]).toBeCloseTo(sum, 12);
      }
    }
  });
});

describe('symmetricEigen', () => {
  it('decomposes a symmetric matrix: A v = λ v, λ descending', () => {
    const size = 9;
    const random = gaussianGenerator(7);
    const matrix = new Float64Array(size * size);
    for (let row = 0; row < size; row++) {
      for (let column = 0; column <= row; column++) {
        const value = random();
        matrix[row * size + column] = value;
        matrix[column * size + row] = value;
      }
    }
    const { values, vectors } = symmetricEigen(matrix, size);
    for (let index = 1; index < size; index++) expect(values[index]!).toBeLessThanOrEqual(values[index - 1]!);
    for (let k = 0; k < size; k++) {
      for (let row = 0; row < size; row++) {
        let sum = 0;
        for (let column = 0; column < size; column++)
          sum += matrix[row * size + column]! * vectors[column * size + k]!;
        expect(sum).toBeCloseTo(values[k]! * vectors[row * size + k]!, 10);
      }
    }
  });
});

describe('orthonormalizeColumns', () => {
  it('returns orthonormal columns spanning the input', () => {
    const rows = 40;
    const width = 6;
    const random = gaussianGenerator(11);
    const input = Float64Array.from({ length: rows * width }, () => random());
    const basis = orthonormalizeColumns(input, rows, width);
    for (let left = 0; left < width; left++) {
      for (let right = 0; right < width; right++) {
        let dot = 0;
        for (let row = 0; row < rows; row++) dot += basis[row * width + left]! * basis[row * width + right]!;
        expect(dot).toBeCloseTo(left === right ? 1 : 0, 10);
      }
    }
  });
});

describe('truncatedSvd', () => {
  for (const [rows, columns] of [
    [60, 30],
    [30, 60],
  ] as const) {
    it(`is exact when the sketch spans the smaller space (${rows}×${columns})`, () => {
      const { matrix, dense } = randomSparse(rows, columns, 0.4, rows);
      const rank = 4;
      const svd = truncatedSvd(matrix, { rank, oversample: 100, seed: 5 });
      expect(svd.width).toBe(30);
      const exact = exactSvd(dense, rows, columns);
      const vectors = expandFactors(svd.columnFactors, svd.columnMixing, svd.width, rank);
      for (let component = 0; component < rank; component++) {
        expect(svd.singularValues[component]).toBeCloseTo(exact.singularValues[component]!, 8);
        let alignment = 0;
        let sum = 0;
        for (let column = 0; column < columns; column++) {
          alignment += vectors[column * rank + component]! * exact.vectors[column * columns + component]!;
          sum += vectors[column * rank + component]!;
        }
        expect(Math.abs(alignment)).toBeCloseTo(1, 8);
        expect(sum).toBeGreaterThan(0);
      }
      // U Σ = X V: the row factors give the rows' latent coordinates.
      const latent = expandFactors(svd.rowFactors, svd.rowMixing, svd.width, rank);
      const projected = multiplyDense(matrix, vectors, rank);
      for (let index = 0; index < rows * rank; index++)
        expect(latent[index]).toBeCloseTo(projected[index]!, 8);
    });

    // A flat random spectrum is the hard case for a randomized method; a sketch of 24 of 30
    // directions with 3 power iterations still gets the top singular values to ~1e-5.
    it(`approximates the top singular values with a partial sketch (${rows}×${columns})`, () => {
      const { matrix, dense } = randomSparse(rows, columns, 0.4, rows);
      const svd = truncatedSvd(matrix, { rank: 4, oversample: 20, powerIterations: 3, seed: 5 });
      expect(svd.width).toBe(24);
      const exact = exactSvd(dense, rows, columns);
      for (let component = 0; component < 4; component++) {
        expect(svd.singularValues[component]).toBeCloseTo(exact.singularValues[component]!, 4);
      }
    });
  }

  it('is deterministic for a seed', () => {
    const { matrix } = randomSparse(50, 40, 0.3, 1);
    const first = truncatedSvd(matrix, { rank: 5, seed: 9 });
    const second = truncatedSvd(matrix, { rank: 5, seed: 9 });
    expect(Buffer.from(first.columnMixing.buffer).equals(Buffer.from(second.columnMixing.buffer))).toBe(true);
    expect(Buffer.from(first.columnFactors.buffer).equals(Buffer.from(second.columnFactors.buffer))).toBe(
      true,
    );
  });

  it('returns zero singular values beyond the rank of the matrix', () => {
    const builder = new CsrBuilder(5);
    builder.addRow([0, 1], [1, 1]);
    builder.addRow([0, 1], [2, 2]);
    builder.addRow([3], [1]);
    const svd = truncatedSvd(builder.build(), { rank: 4 });
    expect(svd.singularValues[0]).toBeCloseTo(Math.sqrt(10), 10);
    expect(svd.singularValues[1]).toBeCloseTo(1, 10);
    expect(svd.singularValues[2]).toBe(0);
    expect(svd.singularValues[3]).toBe(0);
  });
});
