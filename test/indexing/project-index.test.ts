import { cp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readManifest, writeManifest } from '../../src/indexing/manifest.js';
import { openIndex } from '../../src/indexing/open-index.js';
import { projectIndex } from '../../src/indexing/project-index.js';
import { createLanceStoreWriter, openLanceStore } from '../../src/store/lancedb-store.js';
import { VECTOR_FILES_DIRECTORY } from '../../src/store/vector-files.js';
import { createMemoryLogger } from '../../src/util/logger.js';
import { createTemporaryDirectory } from '../kg/csv-test-helpers.js';
import { makeRows } from '../store/store-fixtures.js';
import { buildTinyIndex } from './tiny-index.js';

/** The committed parity bridge's node types: their dimensions and encoder config hashes. */
const FIXTURE_TYPES = [
  { type: 'gene/protein', dimension: 20, configHash: 'fixture-20' },
  { type: 'drug', dimension: 12, configHash: 'fixture-12' },
  { type: 'disease', dimension: 8, configHash: 'fixture-8' },
];

let root: Awaited<ReturnType<typeof createTemporaryDirectory>>;
let indexDirectory: string;

/**
 * The tiny index, its bridge types' tables rewritten with vectors of the fixture bridge's
 * dimensions, and that bridge. A recreated table starts again at version 1, so the vector files
 * the ingest wrote are removed: they would pass for the new tables' (ingest writes into a fresh
 * directory, where that cannot happen).
 */
beforeAll(async () => {
  root = await createTemporaryDirectory('biobridge-project-');
  ({ indexDirectory } = await buildTinyIndex(root.path));
  const manifest = await readManifest(indexDirectory);
  const writer = await createLanceStoreWriter(join(indexDirectory, 'lance'));
  try {
    for (const [position, { type, dimension, configHash }] of FIXTURE_TYPES.entries()) {
      const rows = makeRows({ type, firstIndex: 1000 * (position + 1), count: 9, dimension, seed: position });
      await writer.writeNodeTable(type, [rows], { dimension });
      manifest.encoders[type] = { ...manifest.encoders[type]!, dimension, configHash };
    }
  } finally {
    await writer.close();
  }
  await writeManifest(indexDirectory, manifest);
  await rm(join(indexDirectory, VECTOR_FILES_DIRECTORY), { recursive: true });
  await cp(join(import.meta.dirname, '..', 'fixtures', 'bridge'), join(indexDirectory, 'bridge'), {
    recursive: true,
  });
});
afterAll(async () => {
  await root?.cleanup();
});

describe('projectIndex: vector files', () => {
  it('rewrites them for the projected tables, so the next start reads no column from LanceDB', async () => {
    const result = await projectIndex(indexDirectory, { progress: false });
    expect(result.types.map((entry) => entry.type).sort()).toEqual(FIXTURE_TYPES.map((t) => t.type).sort());

    const logger = createMemoryLogger();
    const start = await openIndex(indexDirectory, { logger });
    const lance = await openLanceStore(join(indexDirectory, 'lance'));
    try {
      for (const type of await lance.listTypes()) {
        const info = await lance.tableInfo(type);
        const filled = { vector: info.withVector, projected: info.withProjected };
        for (const column of (['vector', 'projected'] as const).filter((name) => filled[name] > 0)) {
          const fromFile = await start.store.readVectors(type, column);
          const fromLance = await lance.readVectors(type, column);
          expect(fromFile.nodeIndices, `${type}.${column}`).toEqual(fromLance.nodeIndices);
          expect(fromFile.vectors, `${type}.${column}`).toEqual(fromLance.vectors);
        }
      }
      expect((await start.store.readVectors('drug', 'projected')).nodeIndices).toHaveLength(9);
    } finally {
      await lance.close();
      await start.close();
    }
    // Neither "no vector file yet" nor "stale": every filled column came from its file.
    expect(logger.lines.filter((line) => line.fields.file !== undefined)).toEqual([]);
  });
});
