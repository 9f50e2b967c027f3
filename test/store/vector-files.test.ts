import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createLanceStoreWriter, openLanceStore } from '../../src/store/lancedb-store.js';
import {
  decodeVectorFile,
  encodeVectorFile,
  VECTOR_FILES_DIRECTORY,
  vectorFilePath,
  VectorFileError,
  withVectorFiles,
  writeVectorFiles,
  type VersionedVectorStore,
} from '../../src/store/vector-files.js';
import type { NodeRow, VectorColumn, VectorStore } from '../../src/store/vector-store.js';
import type { Logger } from '../../src/util/logger.js';
import { makeRows } from './store-fixtures.js';

const temporaryDirectories: string[] = [];
afterAll(async () => {
  await Promise.all(temporaryDirectories.map((directory) => rm(directory, { recursive: true, force: true })));
});

/** An index directory whose LanceDB holds 40 drugs (12-d, 3 without a vector) projected to 6-d. */
async function indexWithDrugs(): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'biobridge-vector-files-'));
  temporaryDirectories.push(directory);
  await writeDrugs(directory, 3);
  return directory;
}

/** Writes the drug table of `indexWithDrugs` with values drawn from `seed`; returns its rows. */
async function writeDrugs(directory: string, seed: number): Promise<NodeRow[]> {
  const rows = makeRows({
    type: 'drug',
    firstIndex: 100,
    count: 40,
    dimension: 12,
    seed,
    withoutVectorEvery: 13,
    projectedDimension: 6,
  });
  const writer = await createLanceStoreWriter(join(directory, 'lance'));
  await writer.writeNodeTable('drug', [rows.slice(0, 25), rows.slice(25)], { dimension: 12 });
  await reproject(writer, rows.filter((row) => row.vector).length, 1);
  await writer.close();
  return rows;
}

/** Writes a projection of `count` rows whose values depend on `scale` (a new table version). */
async function reproject(
  writer: Awaited<ReturnType<typeof createLanceStoreWriter>>,
  count: number,
  scale: number,
): Promise<void> {
  const nodeIndices = Int32Array.from({ length: count }, (_, row) => 101 + row);
  const vectors = Float32Array.from({ length: count * 6 }, (_, position) => scale * Math.sin(position));
  await writer.writeProjected('drug', nodeIndices, vectors, 6);
}

/** Records log lines and counts the reads that reach LanceDB. */
function observed(store: VersionedVectorStore) {
  const lines: { level: string; message: string; fields?: Record<string, unknown> | undefined }[] = [];
  const record =
    (level: string) =>
    (message: string, fields?: Record<string, unknown>): void => {
      lines.push({ level, message, fields });
    };
  const logger: Logger = {
    debug: record('debug'),
    info: record('info'),
    warn: record('warn'),
    error: record('error'),
    child: () => logger,
  };
  const reads: string[] = [];
  const counted: VersionedVectorStore = {
    ...store,
    readVectors: (type: string, column: VectorColumn) => {
      reads.push(`${type}.${column}`);
      return store.readVectors(type, column);
    },
  };
  return { lines, reads, logger, store: counted };
}

async function readBoth(store: VectorStore) {
  return {
    vector: await store.readVectors('drug', 'vector'),
    projected: await store.readVectors('drug', 'projected'),
  };
}

/** One start that reads both drug columns through the vector files, observed, and closes. */
async function observedStartReadingBoth(directory: string) {
  const run = observed(await openLanceStore(join(directory, 'lance')));
  const store = withVectorFiles(run.store, { indexDirectory: directory, logger: run.logger });
  const matrices = await readBoth(store);
  await store.close();
  return { ...run, ...matrices };
}

/** A start that finds both files current: it reads nothing from Lance and warns of nothing. */
async function startFromFilesOnly(directory: string) {
  const start = await observedStartReadingBoth(directory);
  expect(start.reads).toEqual([]);
  expect(start.lines.filter((line) => line.level !== 'debug')).toEqual([]);
  return start;
}

/** One start that reads the drugs' `column` (writing its file) and closes. */
async function startOnce(directory: string, column: VectorColumn) {
  const store = withVectorFiles(await openLanceStore(join(directory, 'lance')), {
    indexDirectory: directory,
  });
  const matrix = await store.readVectors('drug', column);
  await store.close();
  return matrix;
}

describe('vector files', () => {
  it('encode and decode the same node indices and values, bit for bit', () => {
    const nodeIndices = Int32Array.of(3, 7, 8);
    const vectors = Float32Array.of(1.5, -0, Number.MIN_VALUE, 3.4e38, 0.1, -2.25);
    const bytes = encodeVectorFile(
      { type: 'gene/protein', column: 'projected', tableVersion: '4' },
      {
        nodeIndices,
        vectors,
        dimension: 2,
      },
    );
    const decoded = decodeVectorFile('x.f32', bytes, {
      type: 'gene/protein',
      column: 'projected',
      tableVersion: '4',
    });
    expect(decoded.dimension).toBe(2);
    expect([...decoded.nodeIndices]).toEqual([3, 7, 8]);
    expect(
      Buffer.from(decoded.vectors.buffer, decoded.vectors.byteOffset, decoded.vectors.byteLength),
    ).toEqual(Buffer.from(vectors.buffer));
  });

  it('are written on the first read, atomically, and read back identically by the next start', async () => {
    const directory = await indexWithDrugs();
    const first = observed(await openLanceStore(join(directory, 'lance')));
    const firstStart = withVectorFiles(first.store, { indexDirectory: directory, logger: first.logger });
    const fromLance = await readBoth(firstStart);
    await firstStart.close(); // waits for the background writes
    expect(first.reads).toEqual(['drug.vector', 'drug.projected']);
    expect(first.lines.filter((line) => line.message.startsWith('no vector file yet'))).toHaveLength(2);
    // Only the two files, no temporary left behind.
    expect((await readdir(join(directory, VECTOR_FILES_DIRECTORY))).sort()).toEqual([
      'drug.projected.f32',
      'drug.vector.f32',
    ]);

    const fromFiles = await startFromFilesOnly(directory);
    expect(fromFiles.vector.nodeIndices).toEqual(fromLance.vector.nodeIndices);
    expect(fromFiles.vector.vectors).toEqual(fromLance.vector.vectors);
    expect(fromFiles.vector.dimension).toBe(12);
    expect(fromFiles.vector.nodeIndices).toHaveLength(36);
    expect(fromFiles.projected.vectors).toEqual(fromLance.projected.vectors);
    expect(fromFiles.projected.dimension).toBe(6);
  });

  it('are not used once the table changed (a new projection), and are rewritten', async () => {
    const directory = await indexWithDrugs();
    const oldProjection = await startOnce(directory, 'projected');

    const writer = await createLanceStoreWriter(join(directory, 'lance'));
    await reproject(writer, 36, 2);
    await writer.close();

    const after = observed(await openLanceStore(join(directory, 'lance')));
    const store = withVectorFiles(after.store, { indexDirectory: directory, logger: after.logger });
    const projected = await store.readVectors('drug', 'projected');
    await store.close();
    expect(after.reads).toEqual(['drug.projected']);
    expect(projected.vectors[1]).toBeCloseTo(2 * oldProjection.vectors[1]!, 5);
    const stale = after.lines.find((line) => line.message.startsWith('vector file is stale'));
    expect(stale?.fields?.file).toBe(vectorFilePath(directory, 'drug', 'projected'));

    const again = observed(await openLanceStore(join(directory, 'lance')));
    const next = withVectorFiles(again.store, { indexDirectory: directory });
    const reread = await next.readVectors('drug', 'projected');
    await next.close();
    expect(again.reads).toEqual([]);
    expect(reread.vectors).toEqual(projected.vectors);
  });

  it('are not used for a table dropped and written again, whose version number starts over', async () => {
    const directory = await indexWithDrugs();
    const oldVectors = await startOnce(directory, 'vector');
    const before = await openLanceStore(join(directory, 'lance'));
    const oldVersion = await before.dataVersion('drug');
    await before.close();

    // The same writes as indexWithDrugs, other values: the table ends at the same version number.
    await rm(join(directory, 'lance'), { recursive: true });
    const rows = await writeDrugs(directory, 9);

    const after = observed(await openLanceStore(join(directory, 'lance')));
    const newVersion = await after.store.dataVersion('drug');
    expect(newVersion.split('@')[0]).toBe(oldVersion.split('@')[0]);
    expect(newVersion).not.toBe(oldVersion);
    const store = withVectorFiles(after.store, { indexDirectory: directory, logger: after.logger });
    const vectors = await store.readVectors('drug', 'vector');
    await store.close();
    expect(after.reads).toEqual(['drug.vector']);
    expect(after.lines.find((line) => line.message.startsWith('vector file is stale'))?.fields?.file).toBe(
      vectorFilePath(directory, 'drug', 'vector'),
    );
    expect(vectors.vectors).not.toEqual(oldVectors.vectors);
    expect(vectors.vectors[0]).toBe(rows.find((row) => row.vector)!.vector![0]);
  });

  it('fall back to LanceDB with a warning naming the file when one is corrupt', async () => {
    const directory = await indexWithDrugs();
    const expected = await startOnce(directory, 'vector');
    const path = vectorFilePath(directory, 'drug', 'vector');
    const bytes = await readFile(path);
    // One bit of one value, and one bit of one node index: same size, same header, other contents.
    const flipped = (at: number) => {
      const copy = Buffer.from(bytes);
      copy[at]! ^= 0x10;
      return copy;
    };
    const corruptions: [string, Uint8Array][] = [
      ['flipped value bit', flipped(bytes.length - 7)],
      ['flipped index bit', flipped(bytes.length - 36 * 12 * 4 - 9)],
      ['truncated', bytes.subarray(0, bytes.length - 4)],
      ['header', Buffer.concat([Buffer.from([8, 0, 0, 0]), Buffer.from('{"not":1'), bytes.subarray(12)])],
      ['empty', new Uint8Array(0)],
    ];
    for (const [name, corrupt] of corruptions) {
      await writeFile(path, corrupt);
      const run = observed(await openLanceStore(join(directory, 'lance')));
      const tableVersion = await run.store.dataVersion('drug');
      expect(
        () => decodeVectorFile(path, corrupt, { type: 'drug', column: 'vector', tableVersion }),
        name,
      ).toThrow(VectorFileError);
      const store = withVectorFiles(run.store, { indexDirectory: directory, logger: run.logger });
      const read = await store.readVectors('drug', 'vector');
      await store.close();
      expect(read.vectors, name).toEqual(expected.vectors);
      expect(run.reads, name).toEqual(['drug.vector']);
      const warning = run.lines.find((line) => line.level === 'warn');
      expect(String(warning?.fields?.error), name).toContain(path);
      // Rewritten whole for the next start.
      expect((await readFile(path)).equals(bytes), name).toBe(true);
    }
  });

  it('name the corrupt file and the checksum when a bit flipped', async () => {
    const directory = await indexWithDrugs();
    await startOnce(directory, 'projected');
    const path = vectorFilePath(directory, 'drug', 'projected');
    const bytes = await readFile(path);
    bytes[bytes.length - 1]! ^= 0x01;
    const store = await openLanceStore(join(directory, 'lance'));
    const tableVersion = await store.dataVersion('drug');
    await store.close();
    expect(() => decodeVectorFile(path, bytes, { type: 'drug', column: 'projected', tableVersion })).toThrow(
      `${path}: checksum mismatch`,
    );
  });

  it('of the older format (no checksum) are treated as stale and rewritten', async () => {
    const directory = await indexWithDrugs();
    await startOnce(directory, 'vector');
    const path = vectorFilePath(directory, 'drug', 'vector');
    const bytes = await readFile(path);
    const headerLength = bytes.readUInt32LE(0);
    const header = bytes.subarray(4, 4 + headerLength).toString('utf8');
    const older = header.replace('"formatVersion":2', '"formatVersion":1');
    expect(older).not.toBe(header);
    await writeFile(
      path,
      Buffer.concat([bytes.subarray(0, 4), Buffer.from(older), bytes.subarray(4 + headerLength)]),
    );
    const run = observed(await openLanceStore(join(directory, 'lance')));
    const store = withVectorFiles(run.store, { indexDirectory: directory, logger: run.logger });
    await store.readVectors('drug', 'vector');
    await store.close();
    expect(run.reads).toEqual(['drug.vector']);
    expect(
      run.lines.find((line) => line.message.startsWith('vector file is stale'))?.fields?.reason,
    ).toContain('format version 1');
    expect((await readFile(path)).equals(bytes)).toBe(true);
  });

  it('are written for every filled column by writeVectorFiles, and a start then reads no column from LanceDB', async () => {
    const directory = await indexWithDrugs();
    const lance = await openLanceStore(join(directory, 'lance'));
    const written = await writeVectorFiles(lance, { indexDirectory: directory });
    const fromLance = await readBoth(lance);
    await lance.close();
    expect(written.map((file) => [file.type, file.column, file.rows])).toEqual([
      ['drug', 'vector', 36],
      ['drug', 'projected', 36],
    ]);
    const fromFiles = await startFromFilesOnly(directory);
    expect(fromFiles.vector.vectors).toEqual(fromLance.vector.vectors);
    expect(fromFiles.projected.vectors).toEqual(fromLance.projected.vectors);
    expect(fromFiles.projected.nodeIndices).toEqual(fromLance.projected.nodeIndices);
  });

  it('still answer when the file cannot be written, and say so', async () => {
    const directory = await indexWithDrugs();
    // A plain file where the vectors directory would go: the write fails whoever runs the test.
    await writeFile(join(directory, VECTOR_FILES_DIRECTORY), 'in the way');
    const run = observed(await openLanceStore(join(directory, 'lance')));
    const store = withVectorFiles(run.store, { indexDirectory: directory, logger: run.logger });
    expect((await store.readVectors('drug', 'vector')).nodeIndices).toHaveLength(36);
    await store.close();
    const warning = run.lines.find((line) => line.level === 'warn');
    expect(warning?.message).toContain('vector file not written');
    expect(warning?.fields?.file).toBe(vectorFilePath(directory, 'drug', 'vector'));
  });
});
