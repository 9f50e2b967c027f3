import { AppError } from '../errors.js';
import type { SearchOptions, VectorColumn } from './vector-store.js';

/** Checks shared by every VectorStore so that the LanceDB store and the in-memory fake agree. */

export function assertSearchable(
  type: string,
  query: Float32Array,
  options: SearchOptions,
  column: VectorColumn,
  dimension: number | null,
): void {
  if (!Number.isInteger(options.k) || options.k < 1)
    throw new AppError({
      code: 'BAD_REQUEST',
      message: `k must be a positive integer, got ${options.k}`,
      details: { field: 'k', value: options.k },
    });
  if (dimension === null || dimension === 0)
    throw new AppError({
      code: 'NOT_FOUND',
      message:
        column === 'projected'
          ? `node type "${type}" has no projected vectors; run \`biobridge project\` first`
          : `node type "${type}" has no vectors (no encoder for it); search it by name`,
      details: { type, column },
    });
  if (query.length !== dimension)
    throw new AppError({
      code: 'BAD_REQUEST',
      message: `query has ${query.length} dimensions but the ${column} column of "${type}" has ${dimension}`,
      details: { field: 'query', expected: dimension, actual: query.length, type, column },
    });
  const problem = vectorProblem(query);
  if (problem)
    throw new AppError({
      code: 'BAD_REQUEST',
      message: `query vector ${problem}; cosine similarity is undefined`,
      details: { field: 'query', type, column },
    });
}

/** Why a vector cannot take part in cosine search, or null when it can. */
export function vectorProblem(values: Float32Array): string | null {
  let squares = 0;
  for (let index = 0; index < values.length; index++) {
    const value = values[index]!;
    if (!Number.isFinite(value)) return `has a non-finite value at position ${index}`;
    squares += value * value;
  }
  return squares > 0 ? null : 'is all zeros';
}

export function vectorNorm(values: Float32Array, offset = 0, length = values.length): number {
  let squares = 0;
  for (let index = offset; index < offset + length; index++) squares += values[index]! * values[index]!;
  return Math.sqrt(squares);
}

/** Ranks hits best first; equal scores fall back to node index so that results are stable. */
export function compareHits(
  left: { score: number; nodeIndex: number },
  right: { score: number; nodeIndex: number },
): number {
  return right.score - left.score || left.nodeIndex - right.nodeIndex;
}

export function unknownTypeError(type: string, known: readonly string[], location?: string): AppError {
  return new AppError({
    code: 'NOT_FOUND',
    message: `no table for node type "${type}"${location ? ` in ${location}` : ''}; known types: ${known.join(', ') || '(none)'}`,
    details: { type, ...(location ? { directory: location } : {}) },
  });
}
