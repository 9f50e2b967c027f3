import { endianness } from 'node:os';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describeError } from '../errors.js';
import { writeFileAtomic } from '../util/atomic.js';
import { noopLogger, type Logger } from '../util/logger.js';
import type { VectorColumn, VectorStore } from './vector-store.js';

/**
 * Vector files: each vector column a search or the transfer index reads whole, kept beside the
 * LanceDB table as one raw file (`<index>/vectors/<type>.<column>.f32`) that a start-up reads in
 * one go instead of decoding it from LanceDB's Arrow batches (≈ 0.3–0.8 CPU-s of a cold start on
 * the shared index). The file records the table version it was read from: a re-projected or
 * re-ingested table has another version, so a stale file is never used; it is rewritten instead.
 *
 * Layout (little-endian): u32 header length · header JSON padded with spaces to a multiple of
 * 4 bytes · `rows` int32 node indices (ascending) · `rows × dimension` float32 values, row-major,
 * as LanceDB holds them (not normalised: callers normalise as before, so rankings are bit-identical).
 */
export const VECTOR_FILES_DIRECTORY = 'vectors';

const FORMAT = 'biobridge-vectors';
const FORMAT_VERSION = 1;

export interface VectorFileHeader {
  format: typeof FORMAT;
  formatVersion: typeof FORMAT_VERSION;
  type: string;
  column: VectorColumn;
  /** The store's `dataVersion` of the table when the file was written. */
  tableVersion: string;
  rows: number;
  dimension: number;
}

export interface VectorMatrix {
  nodeIndices: Int32Array;
  vectors: Float32Array;
  dimension: number;
}

/** A store whose tables can say which version of their contents they show (LanceDB's table version). */
export interface VersionedVectorStore extends VectorStore {
  /** Changes whenever the table's rows change; stable for an open store. */
  dataVersion(type: string): Promise<string>;
}

export function vectorFilePath(indexDirectory: string, type: string, column: VectorColumn): string {
  return join(indexDirectory, VECTOR_FILES_DIRECTORY, `${encodeURIComponent(type)}.${column}.f32`);
}

/** The bytes of a vector file (the matrix is copied: callers may change theirs afterwards). */
export function encodeVectorFile(
  header: Omit<VectorFileHeader, 'format' | 'formatVersion' | 'rows' | 'dimension'>,
  matrix: VectorMatrix,
): Uint8Array {
  const { nodeIndices, vectors, dimension } = matrix;
  const full: VectorFileHeader = {
    format: FORMAT,
    formatVersion: FORMAT_VERSION,
    ...header,
    rows: nodeIndices.length,
    dimension,
  };
  let json = JSON.stringify(full);
  json += ' '.repeat((4 - (Buffer.byteLength(json) % 4)) % 4);
  const headerBytes = Buffer.from(json, 'utf8');
  const indicesAt = 4 + headerBytes.length;
  const vectorsAt = indicesAt + nodeIndices.byteLength;
  const bytes = new Uint8Array(vectorsAt + vectors.byteLength);
  new DataView(bytes.buffer).setUint32(0, headerBytes.length, true);
  bytes.set(headerBytes, 4);
  bytes.set(new Uint8Array(nodeIndices.buffer, nodeIndices.byteOffset, nodeIndices.byteLength), indicesAt);
  bytes.set(new Uint8Array(vectors.buffer, vectors.byteOffset, vectors.byteLength), vectorsAt);
  return bytes;
}

/** Why a vector file cannot be used (the caller reads LanceDB instead and rewrites it). */
export class VectorFileError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
    readonly stale = false,
  ) {
    super(`${path}: ${reason}`);
    this.name = 'VectorFileError';
  }
}

/**
 * Decodes a vector file written for `expected`; throws a {@link VectorFileError} naming the file
 * when it is truncated, malformed or written for another table version.
 */
export function decodeVectorFile(
  path: string,
  bytes: Uint8Array,
  expected: { type: string; column: VectorColumn; tableVersion: string },
): VectorMatrix {
  const fail = (reason: string) => new VectorFileError(path, reason);
  if (bytes.byteLength < 4) throw fail('shorter than its header');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(0, true);
  if (headerLength % 4 !== 0 || 4 + headerLength > bytes.byteLength)
    throw fail(`header length ${headerLength} does not fit the file's ${bytes.byteLength} bytes`);
  let header: Partial<VectorFileHeader>;
  try {
    header = JSON.parse(
      Buffer.from(bytes.buffer, bytes.byteOffset + 4, headerLength).toString('utf8'),
    ) as Partial<VectorFileHeader>;
  } catch {
    throw fail('header is not JSON');
  }
  if (header.format !== FORMAT || header.formatVersion !== FORMAT_VERSION)
    throw fail(`not a ${FORMAT} file of version ${FORMAT_VERSION}`);
  if (header.type !== expected.type || header.column !== expected.column)
    throw fail(`holds ${header.type}.${header.column}, expected ${expected.type}.${expected.column}`);
  if (header.tableVersion !== expected.tableVersion)
    throw new VectorFileError(
      path,
      `written for table version ${header.tableVersion}, the table is at ${expected.tableVersion}`,
      true,
    );
  const { rows, dimension } = header;
  if (!Number.isInteger(rows) || rows! < 0 || !Number.isInteger(dimension) || dimension! < 0)
    throw fail(`rows ${rows} and dimension ${dimension} are not non-negative integers`);
  const indicesAt = 4 + headerLength;
  const size = indicesAt + rows! * 4 + rows! * dimension! * 4;
  if (bytes.byteLength !== size)
    throw fail(`${bytes.byteLength} bytes; ${rows} rows × ${dimension} values need ${size}`);
  // The values are a view when the bytes are 4-byte aligned (a fresh file buffer is), else a copy.
  const aligned = (bytes.byteOffset + indicesAt) % 4 === 0 ? bytes : bytes.slice();
  // A copy (rows × 4 bytes): callers keep the indices after copying the values elsewhere, and a
  // view would keep the whole file's buffer alive with them.
  const nodeIndices = new Int32Array(aligned.buffer, aligned.byteOffset + indicesAt, rows).slice();
  for (let row = 1; row < rows!; row++)
    if (nodeIndices[row]! <= nodeIndices[row - 1]!)
      throw fail(`node indices are not ascending at row ${row}`);
  const vectors = new Float32Array(
    aligned.buffer,
    aligned.byteOffset + indicesAt + rows! * 4,
    rows! * dimension!,
  );
  return { nodeIndices, vectors, dimension: dimension! };
}

/**
 * `store`, whose `readVectors` reads the column's vector file when one was written for the
 * table's current version, and otherwise reads LanceDB (logging why) and writes the file for the
 * next start (atomically, in the background; a read-only index is logged and left alone).
 */
export function withVectorFiles(
  store: VersionedVectorStore,
  options: { indexDirectory: string; logger?: Logger | undefined },
): VectorStore {
  const logger = options.logger ?? noopLogger;
  const writes = new Set<Promise<void>>();
  const bigEndian = endianness() !== 'LE';

  const writeInBackground = (path: string, bytes: Uint8Array) => {
    const write = writeFileAtomic(path, bytes)
      .then(() => logger.info('vector file written for the next start', { file: path }))
      .catch((error: unknown) =>
        logger.warn('vector file not written: the next start reads LanceDB again', {
          file: path,
          error: describeError(error),
        }),
      )
      .finally(() => writes.delete(write));
    writes.add(write);
  };

  return {
    ...store,
    async readVectors(type, column) {
      if (bigEndian) return store.readVectors(type, column);
      const tableVersion = await store.dataVersion(type);
      const path = vectorFilePath(options.indexDirectory, type, column);
      const expected = { type, column, tableVersion };
      try {
        return decodeVectorFile(path, await readFile(path), expected);
      } catch (error) {
        logFallback(logger, path, error);
      }
      const matrix = await store.readVectors(type, column);
      writeInBackground(path, encodeVectorFile(expected, matrix));
      return matrix;
    },
    async close() {
      await Promise.all(writes);
      await store.close();
    },
  };
}

function logFallback(logger: Logger, path: string, error: unknown): void {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR')
    logger.info('no vector file yet: reading the column from LanceDB and writing it', { file: path });
  else if (error instanceof VectorFileError && error.stale)
    logger.info('vector file is stale: reading the column from LanceDB and rewriting it', {
      file: path,
      reason: error.reason,
    });
  else
    logger.warn('vector file unusable: reading the column from LanceDB and rewriting it', {
      file: path,
      error: describeError(error),
    });
}
