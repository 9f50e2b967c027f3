import { randomBytes } from 'node:crypto';
import { lstat, mkdir, readdir, readlink, rename, rm, rmdir, symlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { AppError } from '../errors.js';
import { noopLogger, type Logger } from '../util/logger.js';
import { readManifest, type IndexManifest } from './manifest.js';

/**
 * Where `biobridge ingest --out P` writes, and how it replaces what is there.
 *
 * An index at P is a symlink `P -> .P.v-<pid>-<hex>` (a sibling directory). A new build fills
 * `.P.tmp-<pid>-<hex>`, is renamed to a fresh version directory, and a new symlink is renamed over
 * P: rename(2) is atomic, so P names a complete index at every instant, and a kill -9 at any point
 * leaves either the old or the new index there. Only what this tool wrote is ever deleted: P must
 * be absent, an empty directory, or an index (a readable manifest); the previous version is removed
 * only when it is one of P's own version directories.
 */

/** What `--out` holds before a build. */
export type OutputState =
  | { kind: 'absent' }
  | { kind: 'empty-directory' }
  /** An index this tool wrote; `directory` is where its files are (the symlink's target, or P itself). */
  | { kind: 'index'; directory: string; manifest: IndexManifest; linked: boolean };

const HEX = '[0-9a-f]{8}';

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Names of the sibling entries one output path owns: versions, staging, temporary links, legacy leftovers. */
function ownedNames(base: string) {
  const prefix = `^\\.${escapeRegExp(base)}\\.`;
  return {
    /** `.P.v-<pid>-<hex>`, `.P.tmp-<pid>-<hex>`, `.P.link-<pid>-<hex>`. */
    withPid: new RegExp(`${prefix}(v|tmp|link)-(\\d+)-${HEX}$`),
    /** `.P.tmp-<hex>` / `.P.old-<hex>` from the former rename-aside swap. */
    legacy: new RegExp(`${prefix}(tmp|old)-${HEX}$`),
  };
}

/**
 * Checks `--out` before any work and says what is there. Refuses (exit non-zero, nothing touched)
 * a file, a directory with anything but an index in it, and a link to something that is not one.
 */
export async function inspectOutput(outPath: string): Promise<OutputState> {
  const path = resolve(outPath);
  const entry = await lstat(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw refuse(path, `cannot inspect it (${error.code ?? error.message})`, error);
  });
  if (!entry) return { kind: 'absent' };
  if (entry.isSymbolicLink()) {
    const manifest = await readManifest(path).catch(() => undefined);
    if (!manifest) throw refuse(path, 'it is a symbolic link to something that is not a biobridge index');
    return { kind: 'index', directory: resolve(dirname(path), await readlink(path)), manifest, linked: true };
  }
  if (!entry.isDirectory()) throw refuse(path, 'it is a file, not an index directory');
  const names = await readdir(path);
  if (names.length === 0) return { kind: 'empty-directory' };
  const manifest = await readManifest(path).catch(() => undefined);
  if (!manifest)
    throw refuse(
      path,
      `it is a non-empty directory (${names.length} entries) without a biobridge index manifest`,
    );
  return { kind: 'index', directory: path, manifest, linked: false };
}

function refuse(path: string, why: string, cause?: unknown): AppError {
  return new AppError({
    code: 'BAD_REQUEST',
    message: `--out ${path}: refusing to replace it: ${why}. Give a path that is absent, an empty directory, or an index written by \`biobridge ingest\``,
    details: { field: 'out', path },
    cause,
  });
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes what killed builds into `outPath` left behind: staging and version directories of dead
 * processes that P does not point at, and the former swap's `.tmp-`/`.old-` directories.
 * Returns the names removed.
 */
export async function removeStaleBuilds(outPath: string, logger: Logger = noopLogger): Promise<string[]> {
  const path = resolve(outPath);
  const parent = dirname(path);
  const names = ownedNames(basename(path));
  const live = (await readlink(path).catch(() => undefined)) ?? (await restoreInterruptedSwap(path, logger));
  const removed: string[] = [];
  for (const name of await readdir(parent).catch(() => [] as string[])) {
    if (name === live) continue;
    const owned = names.withPid.exec(name);
    const stale = owned ? !isAlive(Number(owned[2])) : names.legacy.test(name);
    if (!stale) continue;
    await rm(join(parent, name), { recursive: true, force: true });
    removed.push(name);
  }
  if (removed.length > 0) logger.info('removed leftovers of an interrupted build', { removed });
  return removed;
}

/**
 * A kill between moving a pre-version index aside and linking P leaves P absent and the old index
 * in a version directory: link P back to the newest such directory that holds an index.
 */
async function restoreInterruptedSwap(path: string, logger: Logger): Promise<string | undefined> {
  if (
    await lstat(path).then(
      () => true,
      () => false,
    )
  )
    return undefined;
  const parent = dirname(path);
  const names = ownedNames(basename(path));
  const candidates: { name: string; modified: number }[] = [];
  for (const name of await readdir(parent).catch(() => [] as string[])) {
    const owned = names.withPid.exec(name);
    if (!owned || owned[1] !== 'v' || isAlive(Number(owned[2]))) continue;
    if (
      !(await readManifest(join(parent, name)).then(
        () => true,
        () => false,
      ))
    )
      continue;
    candidates.push({ name, modified: (await lstat(join(parent, name))).mtimeMs });
  }
  const newest = candidates.sort((a, b) => b.modified - a.modified)[0];
  if (!newest) return undefined;
  await symlink(newest.name, path, 'dir');
  logger.info('restored the index an interrupted build had moved aside', {
    index: path,
    version: newest.name,
  });
  return newest.name;
}

/**
 * Builds a new index version beside `outPath` and publishes it with one atomic symlink rename.
 * `state` is what {@link inspectOutput} found; a throw from `build` leaves P untouched.
 */
export async function publishIndexVersion<T>(
  outPath: string,
  state: OutputState,
  build: (stagingDirectory: string) => Promise<T>,
): Promise<T> {
  const path = resolve(outPath);
  const parent = dirname(path);
  const base = basename(path);
  await mkdir(parent, { recursive: true });
  const tag = () => `${process.pid}-${randomBytes(4).toString('hex')}`;
  const staging = join(parent, `.${base}.tmp-${tag()}`);
  const versionName = `.${base}.v-${tag()}`;
  await mkdir(staging);
  let result: T;
  try {
    result = await build(staging);
    await rename(staging, join(parent, versionName));
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
  const previous = await pointAt(path, parent, base, versionName, state);
  // The version P pointed at before is deleted only when it is one of P's own version directories.
  if (previous && ownedNames(base).withPid.test(basename(previous)) && dirname(previous) === parent)
    await rm(previous, { recursive: true, force: true });
  return result;
}

/**
 * Builds the index straight into `outPath`, for callers that build inside a staging directory of
 * their own (the demo bundle): `state` must be absent or an empty directory; a throw removes it again.
 */
export async function buildInPlace<T>(
  outPath: string,
  state: OutputState,
  build: (directory: string) => Promise<T>,
): Promise<T> {
  const path = resolve(outPath);
  if (state.kind === 'index')
    throw refuse(path, 'an in-place build needs an absent path or an empty directory');
  await mkdir(path, { recursive: true });
  try {
    return await build(path);
  } catch (error) {
    await rm(path, { recursive: true, force: true });
    throw error;
  }
}

/** Points P at `versionName`; returns the directory P named before, if any. */
async function pointAt(
  path: string,
  parent: string,
  base: string,
  versionName: string,
  state: OutputState,
): Promise<string | undefined> {
  let previous = state.kind === 'index' ? state.directory : undefined;
  if (state.kind === 'index' && !state.linked) {
    // A real directory cannot be replaced by a link in one rename: move it aside first. This is
    // the one moment P is absent, once per index written before versions existed; a kill here is
    // repaired by the next run (see removeStaleBuilds).
    previous = join(parent, `.${base}.v-${process.pid}-${randomBytes(4).toString('hex')}`);
    await rename(path, previous);
  } else if (state.kind === 'empty-directory') {
    await rmdir(path);
  }
  const link = join(parent, `.${base}.link-${process.pid}-${randomBytes(4).toString('hex')}`);
  await symlink(versionName, link, 'dir');
  try {
    await rename(link, path);
  } catch (error) {
    await rm(link, { force: true });
    throw error;
  }
  return previous;
}
