import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Every file under `directory` (following a link at the top) by relative path, with its size and sha256:
 * compare two snapshots to prove a directory was left untouched.
 */
export async function snapshotDirectory(directory: string): Promise<Record<string, string>> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true });
  const snapshot: Record<string, string> = {};
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    const bytes = await readFile(path);
    snapshot[path.slice(directory.length + 1)] =
      `${bytes.byteLength}:${createHash('sha256').update(bytes).digest('hex')}`;
  }
  return snapshot;
}
