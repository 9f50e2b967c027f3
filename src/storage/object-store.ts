/**
 * The narrow boundary to object storage that remote indexes need: whole-object get/put, list by
 * prefix. Keys are `/`-separated and relative to the store's root (bucket + prefix). Objects are
 * small enough (index files, at most a few hundred MB) to move whole; LanceDB reads its own tables
 * through its own object-store client (`s3://` URI + storage options).
 */
export interface ObjectStore {
  /** Where the store points, for messages and logs (`s3://bucket/prefix`); never holds secrets. */
  readonly location: string;
  /** The object's bytes, or undefined when there is no such key. */
  get(key: string, options?: { signal?: AbortSignal | undefined }): Promise<Uint8Array | undefined>;
  put(key: string, body: Uint8Array): Promise<void>;
  /** Every key under `prefix` (relative to the store's root), in no particular order. */
  list(prefix: string): Promise<string[]>;
}

/** Joins key parts with single slashes, dropping empty parts and stray slashes at the ends. */
export function joinKey(...parts: string[]): string {
  return parts
    .flatMap((part) => part.split('/'))
    .filter((part) => part !== '')
    .join('/');
}
