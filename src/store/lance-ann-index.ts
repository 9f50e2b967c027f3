import * as lancedb from '@lancedb/lancedb';
import type { Table } from '@lancedb/lancedb';
import { definedFields } from '../util/defined-fields.js';
import type { Logger } from '../util/logger.js';
import { nodeColumns } from './lance-schema.js';
import type { VectorColumn } from './vector-store.js';

/** Rows with a filled vector from which a table gets an ANN index. */
export const DEFAULT_ANN_THRESHOLD = 50_000;

export interface AnnIndexOptions {
  /**
   * Rows per IVF partition of the IVF_HNSW_SQ index (default 4,096): fewer partitions build
   * larger HNSW graphs. With the default `nprobes` of 20 a query visits every partition of
   * tables up to ~80k rows, so recall comes from the graph search (`ef`), not from probing.
   */
  rowsPerPartition?: number | undefined;
  /** HNSW neighbours per node (LanceDB default 20): higher is better recall, larger index. */
  m?: number | undefined;
  /** HNSW candidate list while building (LanceDB default 300). */
  efConstruction?: number | undefined;
}

/** Builds a table's ANN index on `column` once `filled` rows have a vector; true when it did. */
export type AnnIndexBuilder = (table: Table, column: VectorColumn, filled: number) => Promise<boolean>;

export function createAnnIndexBuilder(
  annThreshold: number,
  options: AnnIndexOptions,
  logger: Logger,
): AnnIndexBuilder {
  return async (table, column, filled) => {
    if (filled < annThreshold) return false;
    const started = performance.now();
    await table.createIndex(column, {
      replace: true,
      config: lancedb.Index.hnswSq({
        distanceType: 'cosine',
        numPartitions: Math.max(1, Math.round(filled / (options.rowsPerPartition ?? 4_096))),
        ...definedFields({ m: options.m, efConstruction: options.efConstruction }),
      }),
    });
    logger.info('ann index built', {
      table: table.name,
      column,
      rows: filled,
      ms: Math.round(performance.now() - started),
    });
    return true;
  };
}

/**
 * After a projection merge: the node_index btree lacks the rewritten fragments, and LanceDB drops
 * them from the projected index (so it never serves stale vectors). Rebuilds both, and the
 * raw-vector index should the merge have rewritten rows. True when the projected column has an ANN index.
 */
export async function reindexAfterMerge(
  table: Table,
  withProjected: number,
  buildAnnIndex: AnnIndexBuilder,
): Promise<boolean> {
  await table.createIndex(nodeColumns.nodeIndex, { config: lancedb.Index.btree(), replace: true });
  const annIndex = await buildAnnIndex(table, 'projected', withProjected);
  const indices = await table.listIndices();
  const projectedIndex = indices.find((index) => index.columns.includes(nodeColumns.projected));
  if (!annIndex && projectedIndex) await table.dropIndex(projectedIndex.name);
  const vectorIndex = indices.find((index) => index.columns.includes(nodeColumns.vector));
  if (vectorIndex && (vectorIndex.numUnindexedRows ?? 0) > 0)
    await buildAnnIndex(table, 'vector', await table.countRows(`${nodeColumns.hasVector} = true`));
  return annIndex;
}
