import { mkdir, readFile, readdir } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { AppError } from '../errors.js';
import { writeFileAtomic } from '../util/atomic.js';
import type { ObjectStore } from './object-store.js';

/**
 * An {@link ObjectStore} on a local directory (`file:///srv/indexes/x`): the same versioned
 * layout as on S3, for one machine, shared volumes and tests. Puts are atomic renames, so a
 * reader never sees half an object, as on S3.
 */
export function createFsObjectStore(rootDirectory: string): ObjectStore {
  const root = resolve(rootDirectory);
  const pathOf = (key: string) => {
    const path = resolve(root, key);
    if (path !== root && !path.startsWith(root + sep))
      throw new AppError({ code: 'BAD_REQUEST', message: `object key ${key} leaves the store's root` });
    return path;
  };
  return {
    location: `file://${root}`,
    async get(key) {
      try {
        return new Uint8Array(await readFile(pathOf(key)));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    },
    async put(key, body) {
      await writeFileAtomic(pathOf(key), body);
    },
    async list(prefix) {
      const start = pathOf(prefix);
      await mkdir(root, { recursive: true });
      const entries = await readdir(start, { recursive: true, withFileTypes: true }).catch(
        (error: NodeJS.ErrnoException) => {
          if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return [];
          throw error;
        },
      );
      return entries
        .filter((entry) => entry.isFile() && !entry.name.includes('.tmp-'))
        .map((entry) => relative(root, join(entry.parentPath, entry.name)).split(sep).join('/'));
    },
  };
}
