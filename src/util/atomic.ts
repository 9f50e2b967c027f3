import { mkdir, rename, rm, writeFile, stat } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';

/** Writes a file next to its destination, then renames it into place. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = join(dirname(path), `.${basename(path)}.tmp-${randomBytes(4).toString('hex')}`);
  try {
    await writeFile(temporary, data);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/**
 * Builds a directory aside and swaps it in: `build` fills a fresh staging directory, which
 * replaces `target` only when it resolves. A crash or throw leaves the previous `target` intact.
 */
export async function buildDirectoryAtomic<T>(
  target: string,
  build: (stagingDirectory: string) => Promise<T>,
): Promise<T> {
  const parent = dirname(target);
  await mkdir(parent, { recursive: true });
  const suffix = randomBytes(4).toString('hex');
  const staging = join(parent, `.${basename(target)}.tmp-${suffix}`);
  const retired = join(parent, `.${basename(target)}.old-${suffix}`);
  await mkdir(staging, { recursive: true });
  let result: T;
  try {
    result = await build(staging);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
  const hadPrevious = await exists(target);
  if (hadPrevious) await rename(target, retired);
  try {
    await rename(staging, target);
  } catch (error) {
    if (hadPrevious) await rename(retired, target);
    throw error;
  }
  if (hadPrevious) await rm(retired, { recursive: true, force: true });
  return result;
}

export async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
