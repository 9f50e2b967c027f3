// The in-memory VectorStore lives in src/ so that demo indexes can use it too.
export { createMemoryStore, type MemoryStoreOptions } from '../../src/store/memory-store.js';
