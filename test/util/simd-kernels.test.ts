import { describe, expect, it } from 'vitest';
import { popcount32 } from '../../src/chem/fingerprint.js';
import { createSimdKernels } from '../../src/util/simd-kernels.js';
import { mulberry32 } from '../../src/util/random.js';

/** The JavaScript dot product the SIMD kernel replaces (four double sums, tail into the first). */
function referenceDot(matrix: Float32Array, offset: number, query: Float32Array, dimension: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let index = 0;
  for (; index + 3 < dimension; index += 4) {
    s0 += matrix[offset + index]! * query[index]!;
    s1 += matrix[offset + index + 1]! * query[index + 1]!;
    s2 += matrix[offset + index + 2]! * query[index + 2]!;
    s3 += matrix[offset + index + 3]! * query[index + 3]!;
  }
  for (; index < dimension; index++) s0 += matrix[offset + index]! * query[index]!;
  return s0 + s1 + s2 + s3;
}

describe('createSimdKernels', () => {
  const random = mulberry32(7);

  it.each([
    [300, 256],
    [41, 7],
    [3, 1],
    [5, 1024],
    [0, 16],
  ])('dotRows over %i × %i is bit-identical to the double-precision JavaScript loop', (rows, dimension) => {
    const kernels = createSimdKernels();
    const matrix = Float32Array.from({ length: rows * dimension }, () => random() * 2 - 1);
    const query = Float32Array.from({ length: dimension }, () => random() * 2 - 1);
    const matrixAt = kernels.allocate(matrix.byteLength);
    const queryAt = kernels.allocate(query.byteLength);
    const outAt = kernels.allocate(rows * 8);
    kernels.f32(matrixAt, matrix.length).set(matrix);
    kernels.f32(queryAt, dimension).set(query);
    kernels.dotRows(matrixAt, rows, dimension, queryAt, outAt);
    const expected = Array.from({ length: rows }, (_, row) =>
      referenceDot(matrix, row * dimension, query, dimension),
    );
    expect(Array.from(kernels.f64(outAt, rows))).toEqual(expected);
  });

  it.each([4815, 6, 1])('andPopcount adds popcount(word & column[i]) to %i counts', (length) => {
    const kernels = createSimdKernels();
    const column = Uint32Array.from({ length }, () => Math.floor(random() * 2 ** 32));
    const word = 0xf0f0_1337;
    const columnAt = kernels.allocate(length * 4);
    const countsAt = kernels.allocate(length * 4);
    kernels.u32(columnAt, length).set(column);
    kernels.u32(countsAt, length).fill(5);
    kernels.andPopcount(columnAt, length, word, countsAt);
    expect(Array.from(kernels.u32(countsAt, length))).toEqual(
      Array.from(column, (value) => 5 + popcount32(word & value)),
    );
  });

  it('grows its memory for large allocations and keeps earlier data', () => {
    const kernels = createSimdKernels();
    const first = kernels.allocate(8);
    kernels.f64(first, 1)[0] = 42;
    const second = kernels.allocate(3 * 65_536);
    expect(second % 16).toBe(0);
    expect(kernels.bytes().byteLength).toBeGreaterThanOrEqual(second + 3 * 65_536);
    expect(kernels.f64(first, 1)[0]).toBe(42);
  });
});
