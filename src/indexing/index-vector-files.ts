import { join } from 'node:path';
import { openLanceStore } from '../store/lancedb-store.js';
import { writeVectorFiles, type WrittenVectorFile } from '../store/vector-files.js';
import { noopLogger, type Logger } from '../util/logger.js';
import { indexLayout } from './manifest.js';

/**
 * Writes the vector files of the index at `indexDirectory` for its tables as they are now: the last
 * step of whatever wrote the tables (ingest, projection), so the next start reads no column from
 * LanceDB. Opens its own store: one opened before the write is pinned to the older table versions.
 */
export async function writeIndexVectorFiles(
  indexDirectory: string,
  options: { logger?: Logger | undefined } = {},
): Promise<WrittenVectorFile[]> {
  const logger = options.logger ?? noopLogger;
  const store = await openLanceStore(join(indexDirectory, indexLayout.lance), { logger });
  try {
    return await writeVectorFiles(store, { indexDirectory, logger });
  } finally {
    await store.close();
  }
}
