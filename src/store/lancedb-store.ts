/**
 * LanceDB-backed VectorStore: one database under `<index>/lance` (`indexLayout.lance`), one
 * table per node type named by `tableNameForType`. Writing lives in `lance-writer.ts`,
 * reading in `lance-reader.ts`, the table schema in `lance-schema.ts`.
 */
export {
  createLanceStoreWriter,
  DEFAULT_ANN_THRESHOLD,
  type AnnIndexOptions,
  type LanceStoreWriter,
  type LanceStoreWriterOptions,
  type WriteNodeTableOptions,
  type WrittenProjection,
  type WrittenTable,
} from './lance-writer.js';
export { openLanceStore, type AnnSearchOptions, type LanceStoreOptions } from './lance-reader.js';
export { nodeColumns, nodeTableSchema } from './lance-schema.js';
