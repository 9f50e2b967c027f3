import type { KgGraph } from '../kg/graph.js';
import type { VectorStore } from '../store/vector-store.js';
import { dotAllRows, toColumnMajor, type ColumnMajorMatrix } from './column-dot.js';
import type { PlannedRelation } from './relation-plan.js';
import { topIndices } from './transfer-votes.js';

/** Neighbours that vote in nearest-neighbour transfer (the benchmark's default k). */
export const TRANSFER_NEIGHBOURS = 20;

export interface TransferVoter {
  nodeIndex: number;
  similarity: number;
}

/** Transfer votes and the popularity prior of one query over one planned relation. */
export interface TransferScores {
  /** Tail node index → summed similarity of the voters that link to it. */
  votes: Map<number, { score: number; voters: TransferVoter[] }>;
  /** Tail node index → log(1 + KG degree over the relation) / log(1 + max degree), in [0, 1]. */
  prior(tail: number): number;
  /** The tails with the highest prior, best first (candidates for a prior-weighted ranking). */
  topPrior(count: number): number[];
}

/**
 * A structure index over the KG's known heads for nearest-neighbour transfer at query time: the
 * raw encoder vectors of every head with an edge over a relation (Morgan counts for drugs, k-mer
 * profiles for proteins, TF-IDF for text), normalised once per process and searched exactly.
 * The query's own node is never its own voter.
 */
export interface TransferIndex {
  score(
    headType: string,
    relation: PlannedRelation,
    query: Float32Array,
    options?: { neighbours?: number | undefined; excludeNode?: number | undefined },
  ): Promise<TransferScores>;
}

interface Library {
  nodes: Int32Array;
  /** The voters' unit vectors, column-major: a sparse query (Morgan counts) reads only its non-zero columns. */
  vectors: ColumnMajorMatrix;
  links: number[][];
  degree: Map<number, number>;
  maxDegree: number;
  byPrior: number[];
}

export function createTransferIndex(graph: KgGraph, store: VectorStore): TransferIndex {
  const vectorsOf = new Map<
    string,
    Promise<{ nodeIndices: Int32Array; vectors: Float32Array; dimension: number }>
  >();
  const libraries = new Map<string, Promise<Library>>();

  const readVectors = (type: string) => {
    let pending = vectorsOf.get(type);
    if (!pending) {
      pending = store.readVectors(type, 'vector').then((read) => {
        normalizeRows(read.vectors, read.dimension);
        return read;
      });
      pending.catch(() => vectorsOf.delete(type));
      vectorsOf.set(type, pending);
    }
    return pending;
  };

  const buildLibrary = async (headType: string, relation: PlannedRelation): Promise<Library> => {
    const { nodeIndices, vectors, dimension } = await readVectors(headType);
    const kinds = new Set(relation.kindIds);
    const nodes: number[] = [];
    const rows: number[] = [];
    const links: number[][] = [];
    const degree = new Map<number, number>();
    nodeIndices.forEach((node, row) => {
      const tails = graph
        .neighbours(node)
        .filter((neighbour) => kinds.has(neighbour.kind))
        .map((neighbour) => neighbour.node);
      if (tails.length === 0) return;
      const distinct = [...new Set(tails)];
      nodes.push(node);
      rows.push(row);
      links.push(distinct);
      for (const tail of distinct) degree.set(tail, (degree.get(tail) ?? 0) + 1);
    });
    const library = new Float32Array(rows.length * dimension);
    rows.forEach((row, position) =>
      library.set(vectors.subarray(row * dimension, (row + 1) * dimension), position * dimension),
    );
    const maxDegree = Math.max(0, ...degree.values());
    const byPrior = [...degree.keys()].sort(
      (left, right) => degree.get(right)! - degree.get(left)! || left - right,
    );
    return {
      nodes: Int32Array.from(nodes),
      vectors: toColumnMajor(library, rows.length, dimension),
      links,
      degree,
      maxDegree,
      byPrior,
    };
  };

  const libraryFor = (headType: string, relation: PlannedRelation) => {
    const key = `${headType}\u0000${relation.relation}\u0000${relation.tailType}`;
    let pending = libraries.get(key);
    if (!pending) {
      pending = buildLibrary(headType, relation);
      pending.catch(() => libraries.delete(key));
      libraries.set(key, pending);
    }
    return pending;
  };

  return {
    async score(headType, relation, query, options = {}) {
      const library = await libraryFor(headType, relation);
      const count = library.nodes.length;
      const similarities = new Float32Array(count);
      if (query.length === library.vectors.dimension) {
        const normalized = normalizeRows(Float32Array.from(query), library.vectors.dimension);
        const dots = dotAllRows(library.vectors, normalized, new Float64Array(count));
        for (let row = 0; row < count; row++)
          similarities[row] = library.nodes[row] === options.excludeNode ? -Infinity : dots[row]!;
      }
      const neighbours = options.neighbours ?? TRANSFER_NEIGHBOURS;
      // Votes are summed per tail by position in a sparse map (tails are node indices, not positions).
      const votes = new Map<number, { score: number; voters: TransferVoter[] }>();
      for (const neighbour of topIndices(similarities, neighbours)) {
        const similarity = similarities[neighbour]!;
        if (!(similarity > 0)) continue;
        for (const tail of library.links[neighbour]!) {
          let entry = votes.get(tail);
          if (!entry) votes.set(tail, (entry = { score: 0, voters: [] }));
          entry.score += similarity;
          entry.voters.push({ nodeIndex: library.nodes[neighbour]!, similarity });
        }
      }
      const scale = library.maxDegree > 0 ? 1 / Math.log1p(library.maxDegree) : 0;
      return {
        votes,
        prior: (tail) => Math.log1p(library.degree.get(tail) ?? 0) * scale,
        topPrior: (topCount) => library.byPrior.slice(0, topCount),
      };
    },
  };
}

function normalizeRows(matrix: Float32Array, dimension: number): Float32Array {
  for (let offset = 0; offset < matrix.length; offset += dimension) {
    let norm = 0;
    for (let j = 0; j < dimension; j++) norm += matrix[offset + j]! ** 2;
    if (norm === 0) continue;
    const scale = 1 / Math.sqrt(norm);
    for (let j = 0; j < dimension; j++) matrix[offset + j] = matrix[offset + j]! * scale;
  }
  return matrix;
}
