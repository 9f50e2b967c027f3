import type { NodeRow, VectorStore } from '../../store/vector-store.js';

/**
 * Table facts of the index's store, read once: an index does not change under a running service.
 * A failed read is forgotten so the next request tries again.
 */
export interface StoreFacts {
  hasTable(type: string): Promise<boolean>;
  /** Rows of `type` with a filled projected column. */
  projectedRows(type: string): Promise<number>;
  /** Rows by node index, keyed by node index; empty when the type has no table. */
  rowsOf(type: string, nodeIndices: readonly number[]): Promise<Map<number, NodeRow>>;
}

export function createStoreFacts(store: VectorStore): StoreFacts {
  let storeTypes: Promise<Set<string>> | undefined;
  const projected = new Map<string, Promise<number>>();
  const hasTable = async (type: string) => {
    storeTypes ??= store.listTypes().then(
      (types) => new Set(types),
      (error: unknown) => {
        storeTypes = undefined;
        throw error;
      },
    );
    return (await storeTypes).has(type);
  };
  return {
    hasTable,
    projectedRows(type) {
      let rows = projected.get(type);
      if (!rows) {
        rows = store.tableInfo(type).then(
          (info) => info.withProjected,
          (error: unknown) => {
            projected.delete(type);
            throw error;
          },
        );
        projected.set(type, rows);
      }
      return rows;
    },
    async rowsOf(type, nodeIndices) {
      if (nodeIndices.length === 0 || !(await hasTable(type))) return new Map();
      const rows = await store.getRows(type, nodeIndices);
      return new Map(rows.map((row) => [row.nodeIndex, row]));
    },
  };
}
