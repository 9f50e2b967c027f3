import { cosineSimilarity } from '../../src/encoders/vector-math.js';
import type { NodeRow } from '../../src/store/vector-store.js';
import { mulberry32 } from '../../src/util/random.js';

/** Deterministic PRNG (mulberry32) so that fixtures and expected rankings never drift. */
export const createRandom = mulberry32;

export function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(random() + 1e-12)) * Math.cos(2 * Math.PI * random());
}

/** `count` vectors around `clusters` random centres (clustered like real embeddings). */
export function clusteredVectors(
  count: number,
  dimension: number,
  options: { seed: number; clusters?: number; spread?: number },
): Float32Array {
  const random = createRandom(options.seed);
  const clusters = options.clusters ?? 16;
  const spread = options.spread ?? 0.6;
  const centres = Array.from({ length: clusters }, () =>
    Float32Array.from({ length: dimension }, () => gaussian(random)),
  );
  const values = new Float32Array(count * dimension);
  for (let row = 0; row < count; row++) {
    const centre = centres[row % clusters]!;
    for (let column = 0; column < dimension; column++)
      values[row * dimension + column] = centre[column]! + spread * gaussian(random);
  }
  return values;
}

export interface FixtureOptions {
  type: string;
  firstIndex: number;
  count: number;
  dimension: number;
  seed: number;
  /** Every n-th row has no vector (and no payload when also divisible by 2n). */
  withoutVectorEvery?: number;
  projectedDimension?: number;
  /** Every n-th row has no projection (only when `projectedDimension` is set). */
  withoutProjectedEvery?: number;
}

export function makeRows(options: FixtureOptions): NodeRow[] {
  const vectors = clusteredVectors(options.count, options.dimension, { seed: options.seed });
  const projected = options.projectedDimension
    ? clusteredVectors(options.count, options.projectedDimension, { seed: options.seed + 1 })
    : null;
  const gap = options.withoutVectorEvery ?? 0;
  const projectedGap = options.withoutProjectedEvery ?? 0;
  return Array.from({ length: options.count }, (_, row): NodeRow => {
    const nodeIndex = options.firstIndex + row;
    const hasVector = gap === 0 || row % gap !== 0;
    const result: NodeRow = {
      nodeIndex,
      nodeId: `${options.type.toUpperCase()}:${nodeIndex}`,
      name: `${options.type} ${nodeIndex}`,
      type: options.type,
      source: 'TEST',
      payloadKind: 'text',
      payload: gap > 0 && row % (2 * gap) === 0 ? null : `payload of ${nodeIndex}`,
      vector: hasVector ? vectors.slice(row * options.dimension, (row + 1) * options.dimension) : null,
    };
    if (projected && options.projectedDimension) {
      const dimension = options.projectedDimension;
      result.projected =
        projectedGap > 0 && row % projectedGap === 0
          ? null
          : projected.slice(row * dimension, (row + 1) * dimension);
    }
    return result;
  });
}

/** Cosine similarity: the score a store must report for a row, and the order of brute force. */
export const cosine = cosineSimilarity;

/** Exact top-k by cosine over `rows`, for comparison with a store. */
export function bruteForce(
  rows: readonly NodeRow[],
  query: Float32Array,
  k: number,
  column: 'vector' | 'projected' = 'vector',
  keep: (row: NodeRow) => boolean = () => true,
): { nodeIndex: number; score: number }[] {
  return rows
    .filter((row) => row[column] && keep(row))
    .map((row) => ({ nodeIndex: row.nodeIndex, score: cosine(row[column]!, query) }))
    .sort((left, right) => right.score - left.score || left.nodeIndex - right.nodeIndex)
    .slice(0, k);
}

/** A query near row `row`'s vector, so that rankings have a clear head and a long tail. */
export function queryNear(vector: Float32Array, seed: number, noise = 0.3): Float32Array {
  const random = createRandom(seed);
  return vector.map((value) => value + noise * gaussian(random));
}
