import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

/**
 * Fresh temporary directories for the tests of the calling suite, all removed after it: call at the top of a
 * `describe` (or of a file); the function it returns makes one directory named `prefix` + `label` + random.
 */
export function useTemporaryDirectories(prefix: string): (label?: string) => Promise<string> {
  const directories: string[] = [];
  afterAll(async () => {
    for (const directory of directories.splice(0)) await rm(directory, { recursive: true, force: true });
  });
  return async (label = '') => {
    const directory = await mkdtemp(join(tmpdir(), `${prefix}${label}`));
    directories.push(directory);
    return directory;
  };
}
