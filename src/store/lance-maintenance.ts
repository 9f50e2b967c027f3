import * as lancedb from '@lancedb/lancedb';
import { noopLogger, type Logger } from '../util/logger.js';

/**
 * Compacts every table and deletes the versions older than now. Each re-projection keeps the
 * previous version on disk (readers opened earlier stay pinned to it), so run this only when no
 * server has the index open: bundling the demo, or after `biobridge project` on an offline index.
 */
export async function compactLanceDatabase(
  directory: string,
  options: { logger?: Logger } = {},
): Promise<{ tables: number; bytesRemoved: number }> {
  const logger = options.logger ?? noopLogger;
  const connection = await lancedb.connect(directory);
  let bytesRemoved = 0;
  const names = await connection.tableNames();
  try {
    for (const name of names) {
      const table = await connection.openTable(name);
      try {
        const stats = await table.optimize({ cleanupOlderThan: new Date(), deleteUnverified: true });
        bytesRemoved += stats.prune.bytesRemoved;
        logger.debug('table compacted', { table: name, bytesRemoved: stats.prune.bytesRemoved });
      } finally {
        table.close();
      }
    }
  } finally {
    connection.close();
  }
  return { tables: names.length, bytesRemoved };
}
