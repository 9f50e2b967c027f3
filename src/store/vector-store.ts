import type { PayloadKind } from '../kg/types.js';

/** Which vector column a search runs over. */
export type VectorColumn = 'vector' | 'projected';

/** One row of a node-type table. */
export interface NodeRow {
  /** PrimeKG `node_index`; unique across all tables of an index. */
  nodeIndex: number;
  nodeId: string;
  name: string;
  type: string;
  source: string;
  payloadKind: PayloadKind;
  /** Sequence, SMILES or text that the encoder read; null when the node has no payload. */
  payload: string | null;
  /** Raw unimodal encoder output; null for nodes left out of vector search (see README policy). */
  vector: Float32Array | null;
  /** Bridge projection of `vector` (filled by `biobridge project`). */
  projected?: Float32Array | null;
}

export interface SearchHit {
  nodeIndex: number;
  nodeId: string;
  name: string;
  type: string;
  /** Cosine similarity in [-1, 1]. */
  score: number;
}

export interface SearchOptions {
  k: number;
  column?: VectorColumn;
  /** Only these node indices (e.g. a candidate subset); applied before ranking. */
  allowIndices?: ReadonlySet<number>;
  /** Exclude these node indices. */
  excludeIndices?: ReadonlySet<number>;
  /** Compare against every row even where an ANN index exists (ground truth, small tables). */
  exact?: boolean;
}

export interface TableInfo {
  type: string;
  rows: number;
  withVector: number;
  withProjected: number;
  dimension: number;
  projectedDimension: number | null;
  annIndex: boolean;
  /** Whether the `projected` column has an ANN index (absent: unknown or not applicable). */
  projectedAnnIndex?: boolean;
}

/**
 * The vector store behind retrieval: one table per node type, holding payloads and vectors.
 * The LanceDB implementation lives in `lancedb-store.ts`; `memory-store.ts` is the test fake.
 */
export interface VectorStore {
  listTypes(): Promise<string[]>;
  tableInfo(type: string): Promise<TableInfo>;
  /** Rows by node index (any order in, same order out; missing indices are skipped). */
  getRows(type: string, nodeIndices: readonly number[]): Promise<NodeRow[]>;
  /** Cosine search over rows that have the column filled. */
  search(type: string, query: Float32Array, options: SearchOptions): Promise<SearchHit[]>;
  /** All filled vectors of a column as one row-major matrix, with their node indices (ascending). */
  readVectors(
    type: string,
    column: VectorColumn,
  ): Promise<{ nodeIndices: Int32Array; vectors: Float32Array; dimension: number }>;
  close(): Promise<void>;
}
