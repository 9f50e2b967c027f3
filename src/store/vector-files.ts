import { endianness } from 'node:os';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as zlib from 'node:zlib';
import { describeError } from '../errors.js';
import { writeFileAtomic } from '../util/atomic.js';
import { noopLogger, type Logger } from '../util/logger.js';
import type { VectorColumn, VectorStore } from './vector-store.js';

/**
 * Vector files: each vector column a search or the transfer index reads whole, kept beside the
 * LanceDB table as one raw file (`<index>/vectors/<type>.<column>.f32`) that a start-up reads in
 * one go instead of decoding it from LanceDB's Arrow batches (≈ 0.3–0.8 CPU-s of a cold start on
 * the shared index). The file records the table version it was read from, with that version's
 * commit time: a re-projected or re-ingested table has another version, and a table dropped and
 * written again (which restarts at version 1) another commit time, so a stale file is never used;
 * it is rewritten instead.
 * `ingest` and `project`/`train` write the files of every column they leave behind
 * ({@link writeVectorFiles}), so a fresh index starts from them, read-only or not.
 *
 * Layout (little-endian): u32 header length · header JSON padded with spaces to a multiple of
 * 4 bytes · `rows` int32 node indices (ascending) · `rows × dimension` float32 values, row-major,
 * as LanceDB holds them (not normalised: callers normalise as before, so rankings are bit-identical).
 * The header's `crc32` covers the indices and values: CRC-32 catches every flipped bit and burst
 * up to 32 bits, and costs ≈ 12 ms on the largest shared-KG column (72 MB; sha256 ≈ 45 ms), so it
 * is checked on every read rather than deferred.
 */
export const VECTOR_FILES_DIRECTORY = 'vectors';

const FORMAT = 'biobridge-vectors';
const FORMAT_VERSION = 2;

export interface VectorFileHeader {
  format: typeof FORMAT;
  formatVersion: typeof FORMAT_VERSION;
  type: string;
  column: VectorColumn;
  /** The store's `dataVersion` of the table when the file was written (LanceDB: `<version>@<commit time>`). */
  tableVersion: string;
  rows: number;
  dimension: number;
  /** CRC-32 of the bytes after the header (node indices, then values). */
  crc32: number;
}

export interface VectorMatrix {
  nodeIndices: Int32Array;
  vectors: Float32Array;
  dimension: number;
}

/** A store whose tables can say which version of their contents they show (LanceDB's table version). */
export interface VersionedVectorStore extends VectorStore {
  /** Changes whenever the table's rows change, also when the table is dropped and written again; stable for an open store. */
  dataVersion(type: string): Promise<string>;
}

export function vectorFilePath(indexDirectory: string, type: string, column: VectorColumn): string {
  return join(indexDirectory, VECTOR_FILES_DIRECTORY, `${encodeURIComponent(type)}.${column}.f32`);
}

/** The bytes of a vector file (the matrix is copied: callers may change theirs afterwards). */
export function encodeVectorFile(
  header: Omit<VectorFileHeader, 'format' | 'formatVersion' | 'rows' | 'dimension' | 'crc32'>,
  matrix: VectorMatrix,
): Uint8Array {
  const { nodeIndices, vectors, dimension } = matrix;
  const indexBytes = new Uint8Array(nodeIndices.buffer, nodeIndices.byteOffset, nodeIndices.byteLength);
  const full: VectorFileHeader = {
    format: FORMAT,
    formatVersion: FORMAT_VERSION,
    ...header,
    rows: nodeIndices.length,
    dimension,
    crc32: crc32(new Uint8Array(vectors.buffer, vectors.byteOffset, vectors.byteLength), crc32(indexBytes)),
  };
  let json = JSON.stringify(full);
  json += ' '.repeat((4 - (Buffer.byteLength(json) % 4)) % 4);
  const headerBytes = Buffer.from(json, 'utf8');
  const indicesAt = 4 + headerBytes.length;
  const vectorsAt = indicesAt + nodeIndices.byteLength;
  const bytes = new Uint8Array(vectorsAt + vectors.byteLength);
  new DataView(bytes.buffer).setUint32(0, headerBytes.length, true);
  bytes.set(headerBytes, 4);
  bytes.set(indexBytes, indicesAt);
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
  if (header.format === FORMAT && (header.formatVersion as number) === 1)
    throw new VectorFileError(path, 'written in format version 1, which has no checksum', true);
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
  const actual = crc32(bytes.subarray(indicesAt));
  if (actual !== header.crc32)
    throw fail(
      `checksum mismatch (crc32 ${actual}, the header records ${header.crc32}): the file is corrupt`,
    );
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

export interface WrittenVectorFile {
  type: string;
  column: VectorColumn;
  path: string;
  rows: number;
  bytes: number;
}

/**
 * Writes the vector file of every filled column of every table in `store`, for the tables'
 * current versions (atomically, one column in memory at a time): what a writer of the index
 * (`ingest`, `project`) calls last, so that no start has to decode LanceDB, read-only or not.
 */
export async function writeVectorFiles(
  store: VersionedVectorStore,
  options: { indexDirectory: string; logger?: Logger | undefined },
): Promise<WrittenVectorFile[]> {
  const logger = options.logger ?? noopLogger;
  const written: WrittenVectorFile[] = [];
  if (endianness() !== 'LE') return written;
  for (const type of await store.listTypes()) {
    const info = await store.tableInfo(type);
    const tableVersion = await store.dataVersion(type);
    const filled = { vector: info.withVector, projected: info.withProjected };
    for (const column of ['vector', 'projected'] as const) {
      if (filled[column] === 0) continue;
      const matrix = await store.readVectors(type, column);
      const bytes = encodeVectorFile({ type, column, tableVersion }, matrix);
      const path = vectorFilePath(options.indexDirectory, type, column);
      await writeFileAtomic(path, bytes);
      written.push({ type, column, path, rows: matrix.nodeIndices.length, bytes: bytes.byteLength });
    }
  }
  logger.info('vector files written', {
    files: written.length,
    megabytes: Math.round(written.reduce((sum, file) => sum + file.bytes, 0) / 1e5) / 10,
  });
  return written;
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
      const path = vectorFilePath(options.indexDirectory, type, column);
      // The file is read while LanceDB says which version the table is at.
      const [tableVersion, bytes] = await Promise.all([
        store.dataVersion(type),
        readFile(path).catch((error: unknown) => error as Error),
      ]);
      const expected = { type, column, tableVersion };
      try {
        if (bytes instanceof Error) throw bytes;
        return decodeVectorFile(path, bytes, expected);
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

/** zlib's CRC-32 (Node ≥ 20.15), or a table-driven one with the same result on older Node 20. */
const crc32: (data: Uint8Array, value?: number) => number =
  typeof zlib.crc32 === 'function' ? (data, value) => zlib.crc32(data, value) : crc32Fallback;

let crcTable: Uint32Array | undefined;
function crc32Fallback(data: Uint8Array, value = 0): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let bit = 0; bit < 8; bit++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = ~value >>> 0;
  for (let index = 0; index < data.length; index++)
    crc = crcTable[(crc ^ data[index]!) & 0xff]! ^ (crc >>> 8);
  return ~crc >>> 0;
}
