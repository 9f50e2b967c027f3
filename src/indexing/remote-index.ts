import { randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { ObjectStorageConfig } from '../config/object-storage.js';
import { AppError } from '../errors.js';
import { createFsObjectStore } from '../storage/fs-object-store.js';
import { joinKey, type ObjectStore } from '../storage/object-store.js';
import { createS3ObjectStore, parseS3Location } from '../storage/s3-object-store.js';
import { noopLogger, type Logger } from '../util/logger.js';
import { VECTOR_FILES_DIRECTORY } from '../store/vector-files.js';
import { indexLayout, readManifest } from './manifest.js';

/**
 * Index versions in object storage (`s3://bucket/prefix`, or `file:///dir` on one machine):
 *
 *   <prefix>/versions/<id>/…                 the index's files, immutable once written
 *   <prefix>/versions/<id>/index-files.json  its file list, written after the files
 *   <prefix>/CURRENT                         {"version": "<id>", …}: written last, one PUT
 *
 * One writer publishes; a reader that sees CURRENT sees a complete version, because S3 PUTs are
 * atomic and strongly read-after-write consistent. Old versions stay (replicas may still be on
 * them); delete them by prefix once no replica serves them.
 */
export const remoteIndexLayout = {
  pointer: 'CURRENT',
  versions: 'versions',
  fileList: 'index-files.json',
} as const;

const versionIdPattern = /^\d{8}T\d{9}Z-[0-9a-f]{8}$/;

export const indexPointerSchema = z.object({
  version: z.string().regex(versionIdPattern),
  name: z.string(),
  publishedAt: z.string(),
});
export type IndexPointer = z.infer<typeof indexPointerSchema>;

const fileListSchema = z.object({
  version: z.string().regex(versionIdPattern),
  files: z.array(z.object({ path: z.string().min(1), bytes: z.number().int().nonnegative() })),
});
type FileList = z.infer<typeof fileListSchema>;

/** `s3://…` and `file://…` name versioned index stores; anything else is a local index directory. */
export function isRemoteIndexLocation(location: string): boolean {
  return location.startsWith('s3://') || location.startsWith('file://');
}

export function openIndexObjectStore(location: string, storage: ObjectStorageConfig): ObjectStore {
  if (location.startsWith('s3://')) return createS3ObjectStore(location, storage.s3);
  if (location.startsWith('file://')) return createFsObjectStore(fileURLToPath(location));
  throw new AppError({
    code: 'BAD_REQUEST',
    message: `${location} is not an index store location: expected s3://<bucket>/<prefix> or file:///<dir>`,
  });
}

export function newVersionId(now = new Date()): string {
  return `${now.toISOString().replace(/[-:.]/g, '')}-${randomBytes(4).toString('hex')}`;
}

export interface PublishResult {
  pointer: IndexPointer;
  location: string;
  files: number;
  bytes: number;
  durationMs: number;
}

/**
 * Uploads the index at `indexDirectory` as a new immutable version, then moves CURRENT to it.
 * The directory must hold an index (its manifest is checked first, before any upload).
 */
export async function publishIndex(
  store: ObjectStore,
  indexDirectory: string,
  options: { logger?: Logger | undefined; concurrency?: number | undefined } = {},
): Promise<PublishResult> {
  const logger = options.logger ?? noopLogger;
  const started = performance.now();
  const root = await realpath(resolve(indexDirectory));
  const manifest = await readManifest(root);
  const version = newVersionId();
  const files = await listFiles(root);
  const prefix = joinKey(remoteIndexLayout.versions, version);
  logger.info('publishing index version', { location: store.location, version, files: files.length });
  await forEachConcurrently(files, options.concurrency ?? 4, async (file) => {
    await store.put(joinKey(prefix, file.path), new Uint8Array(await readFile(join(root, file.path))));
  });
  const fileList: FileList = { version, files };
  await store.put(joinKey(prefix, remoteIndexLayout.fileList), encodeJson(fileList));
  const pointer: IndexPointer = { version, name: manifest.name, publishedAt: new Date().toISOString() };
  await store.put(remoteIndexLayout.pointer, encodeJson(pointer));
  const bytes = files.reduce((sum, file) => sum + file.bytes, 0);
  const durationMs = Math.round(performance.now() - started);
  logger.info('index version published', { location: store.location, version, bytes, durationMs });
  return { pointer, location: store.location, files: files.length, bytes, durationMs };
}

/** The version CURRENT names, or undefined when nothing was published there yet. */
export async function readIndexPointer(
  store: ObjectStore,
  signal?: AbortSignal,
): Promise<IndexPointer | undefined> {
  const body = await store.get(remoteIndexLayout.pointer, { signal });
  if (!body) return undefined;
  return parseStoredJson(body, indexPointerSchema, `${store.location}/${remoteIndexLayout.pointer}`);
}

export interface FetchedVersion {
  /** Local directory with the version's files (all but `lance/` when LanceDB reads it remotely). */
  directory: string;
  /** LanceDB tables of the version, read from its file list. */
  tableNames: string[];
}

/**
 * Downloads a version's files into `<cacheDirectory>/<version>` (staged, then renamed, so a
 * directory there is always complete) and reuses one that is already there. `lance/` is skipped
 * when `skipLance`: LanceDB then reads the tables from the store itself.
 */
export async function fetchIndexVersion(
  store: ObjectStore,
  version: string,
  cacheDirectory: string,
  options: { skipLance: boolean; concurrency?: number | undefined; signal?: AbortSignal | undefined },
): Promise<FetchedVersion> {
  const prefix = joinKey(remoteIndexLayout.versions, version);
  const listKey = joinKey(prefix, remoteIndexLayout.fileList);
  const listBody = await store.get(listKey, { signal: options.signal });
  if (!listBody)
    throw new AppError({
      code: 'INVALID_INDEX',
      message: `${store.location}: version ${version} has no ${remoteIndexLayout.fileList} (an interrupted publish?)`,
    });
  const list = parseStoredJson(listBody, fileListSchema, `${store.location}/${listKey}`);
  const tableNames = lanceTableNames(list);
  const target = join(cacheDirectory, version);
  if (await isComplete(target)) return { directory: target, tableNames };
  await mkdir(cacheDirectory, { recursive: true });
  const staging = join(cacheDirectory, `.${version}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    const wanted = list.files.filter(
      (file) => !(options.skipLance && file.path.startsWith(`${indexLayout.lance}/`)),
    );
    await forEachConcurrently(wanted, options.concurrency ?? 4, async (file) => {
      const path = resolve(staging, file.path);
      if (!path.startsWith(staging + sep))
        throw new AppError({
          code: 'INVALID_INDEX',
          message: `${listKey}: file ${file.path} leaves the version`,
        });
      const body = await store.get(joinKey(prefix, file.path), { signal: options.signal });
      if (!body || body.byteLength !== file.bytes)
        throw new AppError({
          code: 'INVALID_INDEX',
          message: `${store.location}: ${prefix}/${file.path} is ${body ? `${body.byteLength} bytes, expected ${file.bytes}` : 'missing'}`,
        });
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, body);
    });
    await writeFile(join(staging, remoteIndexLayout.fileList), encodeJson(list));
    await rename(staging, target).catch(async (error: NodeJS.ErrnoException) => {
      // Another process sharing the cache finished the same version first: use its copy.
      if (!(await isComplete(target))) throw error;
      await rm(staging, { recursive: true, force: true });
    });
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
  return { directory: target, tableNames };
}

/**
 * Where LanceDB reads a version's tables, with its object-store settings. For `file://` stores
 * the tables are plain local directories.
 */
export function lanceLocationOf(
  location: string,
  version: string,
  storage: ObjectStorageConfig,
): { uri: string; storageOptions: Record<string, string> | undefined } {
  const sub = joinKey(remoteIndexLayout.versions, version, indexLayout.lance);
  if (location.startsWith('file://'))
    return { uri: join(fileURLToPath(location), sub), storageOptions: undefined };
  const { bucket, prefix } = parseS3Location(location);
  const { s3 } = storage;
  const options: Record<string, string> = { aws_region: s3.region };
  if (s3.endpoint) options.aws_endpoint = s3.endpoint;
  if (s3.allowHttp) options.allow_http = 'true';
  if (s3.credentials) {
    options.aws_access_key_id = s3.credentials.accessKeyId;
    options.aws_secret_access_key = s3.credentials.secretAccessKey.reveal();
    const token = s3.credentials.sessionToken?.reveal();
    if (token) options.aws_session_token = token;
  } else {
    options.aws_skip_signature = 'true';
  }
  return { uri: `s3://${bucket}/${joinKey(prefix, sub)}`, storageOptions: options };
}

/** The default cache: one folder per store location under the system's temporary directory. */
export function defaultIndexCacheDirectory(location: string): string {
  const safe = location.replace(/[^a-zA-Z0-9._-]+/g, '_').slice(-120);
  return join(tmpdir(), 'biobridge-index-cache', safe);
}

/** Removes cached versions beyond the `keep` newest ones, never one in `inUse`. */
export async function pruneIndexCache(
  cacheDirectory: string,
  inUse: ReadonlySet<string>,
  keep = 3,
): Promise<string[]> {
  const names = (await readdir(cacheDirectory).catch(() => [] as string[])).filter((name) =>
    versionIdPattern.test(name),
  );
  const stale = names
    .sort()
    .reverse()
    .slice(keep)
    .filter((name) => !inUse.has(name));
  for (const name of stale) await rm(join(cacheDirectory, name), { recursive: true, force: true });
  return stale;
}

function lanceTableNames(list: FileList): string[] {
  const names = new Set<string>();
  for (const file of list.files) {
    const match = /^lance\/([^/]+)\.lance\//.exec(file.path);
    if (match) names.add(match[1]!);
  }
  return [...names].sort();
}

async function isComplete(directory: string): Promise<boolean> {
  return stat(join(directory, remoteIndexLayout.fileList)).then(
    () => true,
    () => false,
  );
}

async function listFiles(root: string): Promise<FileList['files']> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const files: FileList['files'] = [];
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    // Vector files are each replica's own cache of its LanceDB columns (vector-files.ts), written while serving.
    if (relative(root, path).split(sep)[0] === VECTOR_FILES_DIRECTORY) continue;
    files.push({ path: relative(root, path).split(sep).join('/'), bytes: (await stat(path)).size });
  }
  return files.sort((a, b) => a.path.localeCompare(b.path));
}

function encodeJson(value: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(value, null, 2) + '\n');
}

function parseStoredJson<T>(body: Uint8Array, schema: z.ZodType<T>, what: string): T {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(body));
  } catch (error) {
    throw new AppError({ code: 'INVALID_INDEX', message: `${what} is not valid JSON`, cause: error });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success)
    throw new AppError({
      code: 'INVALID_INDEX',
      message: `${what} does not match the remote index format:\n${z.prettifyError(parsed.error)}`,
    });
  return parsed.data;
}

/** Runs `task` over `items` with at most `limit` at once; the first failure rejects. */
async function forEachConcurrently<T>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await task(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
