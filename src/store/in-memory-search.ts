import { noopLogger, type Logger } from '../util/logger.js';
import { createSimdKernels, type SimdKernels } from '../util/simd-kernels.js';
import { assertSearchable, compareHits } from './vector-checks.js';
import type {
  NodeRow,
  SearchHit,
  SearchOptions,
  TableInfo,
  VectorColumn,
  VectorStore,
} from './vector-store.js';

/** Largest column matrix (bytes) held in memory; larger columns are searched by the store itself. */
export const DEFAULT_IN_MEMORY_SEARCH_BYTES = 512 * 1024 * 1024;

/** Id and name of a node, as the store's rows have them (from the KG node table). */
export type DescribeNode = (nodeIndex: number) => { nodeId: string; name: string } | undefined;

export interface InMemorySearchOptions {
  /** Fills hit ids and names without a row read; without it hits are completed by `getRows`. */
  describe?: DescribeNode | undefined;
  /** Columns whose matrix is larger than this stay on disk and use the store's own (ANN) search. */
  maxColumnBytes?: number | undefined;
  logger?: Logger | undefined;
}

/**
 * A column loaded once: unit-length rows, so a dot product is the cosine similarity. The rows live
 * in the memory of the column's own SIMD kernels (with room for a query and one score per row).
 */
interface LoadedColumn {
  nodeIndices: Int32Array;
  dimension: number;
  positions: Map<number, number>;
  kernels: SimdKernels;
  /** Offsets in the kernels' memory: the row-major matrix, the query, the scores (float64). */
  matrixAt: number;
  queryAt: number;
  scoresAt: number;
}

/**
 * A {@link VectorStore} that answers cosine top-k from memory: every searched column is read once,
 * normalised and scanned with a dot-product kernel and partial selection, instead of a LanceDB scan
 * per query (which re-reads the vectors from disk). Rows fetched by `getRows` are kept, so the hits
 * of later queries cost no disk reads either. Scores and tie order are those of the store:
 * cosine similarity, then ascending node index.
 *
 * The wrapped store must not change underneath (indexes are rebuilt aside and reopened).
 */
export function withInMemorySearch(store: VectorStore, options: InMemorySearchOptions = {}): VectorStore {
  const maxColumnBytes = options.maxColumnBytes ?? DEFAULT_IN_MEMORY_SEARCH_BYTES;
  const logger = options.logger ?? noopLogger;
  const infos = new Map<string, Promise<TableInfo>>();
  const columns = new Map<string, Promise<LoadedColumn>>();
  const rowCache = new Map<string, Map<number, NodeRow>>();

  const infoOf = (type: string): Promise<TableInfo> => {
    let info = infos.get(type);
    if (!info) {
      info = store.tableInfo(type);
      infos.set(type, info);
      info.catch(() => infos.delete(type));
    }
    return info;
  };

  const columnOf = (type: string, column: VectorColumn): Promise<LoadedColumn> => {
    const key = `${type}\u0000${column}`;
    let loaded = columns.get(key);
    if (!loaded) {
      loaded = loadColumn(store, type, column, logger);
      columns.set(key, loaded);
      loaded.catch(() => columns.delete(key));
    }
    return loaded;
  };

  const wrapped: VectorStore = {
    listTypes: () => store.listTypes(),
    tableInfo: (type) => infoOf(type),
    readVectors: (type, column) => store.readVectors(type, column),
    close: () => store.close(),

    async getRows(type, nodeIndices) {
      let cache = rowCache.get(type);
      if (!cache) {
        cache = new Map();
        rowCache.set(type, cache);
      }
      const missing = [...new Set(nodeIndices.filter((nodeIndex) => !cache.has(nodeIndex)))];
      if (missing.length > 0)
        for (const row of await store.getRows(type, missing)) cache.set(row.nodeIndex, row);
      const rows: NodeRow[] = [];
      for (const nodeIndex of nodeIndices) {
        const row = cache.get(nodeIndex);
        // A copy per position: callers may change what they get.
        if (row) rows.push({ ...row });
      }
      return rows;
    },

    async search(type, query, searchOptions) {
      const column = searchOptions.column ?? 'vector';
      const info = await infoOf(type);
      const dimension = column === 'vector' ? info.dimension : info.projectedDimension;
      assertSearchable(type, query, searchOptions, column, dimension);
      const filled = column === 'vector' ? info.withVector : info.withProjected;
      if (filled * (dimension ?? 0) * 4 > maxColumnBytes) return store.search(type, query, searchOptions);
      const ranked = topK(await columnOf(type, column), query, searchOptions);
      return describeHits(ranked, type, options.describe ?? (await describeFromRows(wrapped, type, ranked)));
    },
  };
  return wrapped;
}

function describeHits(
  ranked: readonly { score: number; nodeIndex: number }[],
  type: string,
  describe: DescribeNode,
): SearchHit[] {
  return ranked.map(({ score, nodeIndex }) => {
    const node = describe(nodeIndex);
    return { nodeIndex, nodeId: node?.nodeId ?? '', name: node?.name ?? '', type, score };
  });
}

async function describeFromRows(
  store: VectorStore,
  type: string,
  ranked: readonly { nodeIndex: number }[],
): Promise<DescribeNode> {
  const rows = await store.getRows(
    type,
    ranked.map((hit) => hit.nodeIndex),
  );
  const byIndex = new Map(rows.map((row) => [row.nodeIndex, row]));
  return (nodeIndex) => byIndex.get(nodeIndex);
}

async function loadColumn(
  store: VectorStore,
  type: string,
  column: VectorColumn,
  logger: Logger,
): Promise<LoadedColumn> {
  const started = performance.now();
  const { nodeIndices, vectors, dimension } = await store.readVectors(type, column);
  const positions = new Map<number, number>();
  for (let row = 0; row < nodeIndices.length; row++) {
    positions.set(nodeIndices[row]!, row);
    normalizeRow(vectors, row * dimension, dimension);
  }
  const kernels = createSimdKernels();
  const matrixAt = kernels.allocate(vectors.byteLength);
  const queryAt = kernels.allocate(dimension * 4);
  const scoresAt = kernels.allocate(nodeIndices.length * 8);
  kernels.f32(matrixAt, vectors.length).set(vectors);
  logger.debug('vector column loaded into memory', {
    type,
    column,
    rows: nodeIndices.length,
    dimension,
    ms: Math.round(performance.now() - started),
  });
  return { nodeIndices, dimension, positions, kernels, matrixAt, queryAt, scoresAt };
}

function normalizeRow(vectors: Float32Array, offset: number, dimension: number): void {
  let sum = 0;
  for (let index = offset; index < offset + dimension; index++) sum += vectors[index]! * vectors[index]!;
  const norm = Math.sqrt(sum);
  if (norm > 0) for (let index = offset; index < offset + dimension; index++) vectors[index]! /= norm;
}

/** Cosine top-k over the loaded rows that pass the allow/exclude filters. */
function topK(
  loaded: LoadedColumn,
  query: Float32Array,
  options: SearchOptions,
): { score: number; nodeIndex: number }[] {
  const { dimension, nodeIndices, positions, kernels, matrixAt, queryAt, scoresAt } = loaded;
  const unit = kernels.f32(queryAt, dimension);
  unit.set(query);
  normalizeRow(unit, 0, dimension);
  const selection = new TopKSelection(options.k);
  const exclude = options.excludeIndices;
  const rowBytes = dimension * 4;
  if (options.allowIndices) {
    const scores = kernels.f64(scoresAt, nodeIndices.length);
    for (const nodeIndex of options.allowIndices) {
      const row = positions.get(nodeIndex);
      if (row === undefined || exclude?.has(nodeIndex)) continue;
      kernels.dotRows(matrixAt + row * rowBytes, 1, dimension, queryAt, scoresAt + row * 8);
      selection.offer(scores[row]!, nodeIndex);
    }
    return selection.sorted();
  }
  kernels.dotRows(matrixAt, nodeIndices.length, dimension, queryAt, scoresAt);
  const scores = kernels.f64(scoresAt, nodeIndices.length);
  for (let row = 0; row < nodeIndices.length; row++) {
    const nodeIndex = nodeIndices[row]!;
    if (!exclude?.has(nodeIndex)) selection.offer(scores[row]!, nodeIndex);
  }
  return selection.sorted();
}

/**
 * The k best (score, nodeIndex) pairs seen, kept in a binary min-heap whose root is the worst
 * kept pair under {@link compareHits}: O(n log k) over n offers.
 */
export class TopKSelection {
  private readonly scores: Float64Array;
  private readonly indices: Int32Array;
  private size = 0;

  constructor(private readonly k: number) {
    this.scores = new Float64Array(k);
    this.indices = new Int32Array(k);
  }

  offer(score: number, nodeIndex: number): void {
    if (Number.isNaN(score)) return;
    if (this.size < this.k) {
      this.scores[this.size] = score;
      this.indices[this.size] = nodeIndex;
      this.siftUp(this.size++);
    } else if (this.better(score, nodeIndex, 0)) {
      this.scores[0] = score;
      this.indices[0] = nodeIndex;
      this.siftDown(0);
    }
  }

  sorted(): { score: number; nodeIndex: number }[] {
    const result: { score: number; nodeIndex: number }[] = [];
    for (let slot = 0; slot < this.size; slot++)
      result.push({ score: this.scores[slot]!, nodeIndex: this.indices[slot]! });
    return result.sort(compareHits);
  }

  /** Whether (score, nodeIndex) ranks before the pair in `slot`. */
  private better(score: number, nodeIndex: number, slot: number): boolean {
    const other = this.scores[slot]!;
    return score > other || (score === other && nodeIndex < this.indices[slot]!);
  }

  private siftUp(slot: number): void {
    while (slot > 0) {
      const parent = (slot - 1) >> 1;
      if (!this.better(this.scores[parent]!, this.indices[parent]!, slot)) break;
      this.swap(slot, parent);
      slot = parent;
    }
  }

  private siftDown(slot: number): void {
    for (;;) {
      const left = 2 * slot + 1;
      const right = left + 1;
      let worst = slot;
      if (left < this.size && this.better(this.scores[worst]!, this.indices[worst]!, left)) worst = left;
      if (right < this.size && this.better(this.scores[worst]!, this.indices[worst]!, right)) worst = right;
      if (worst === slot) return;
      this.swap(slot, worst);
      slot = worst;
    }
  }

  private swap(first: number, second: number): void {
    const score = this.scores[first]!;
    const index = this.indices[first]!;
    this.scores[first] = this.scores[second]!;
    this.indices[first] = this.indices[second]!;
    this.scores[second] = score;
    this.indices[second] = index;
  }
}
