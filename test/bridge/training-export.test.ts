import { execFile, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  readTrainingExportHash,
  writeTrainingExport,
  type TrainingExportManifest,
  type TrainingExportSummary,
} from '../../src/bridge/training-export.js';
import { buildIndex } from '../../src/indexing/build-index.js';
import { openIndex, type IndexHandle } from '../../src/indexing/open-index.js';
import { tableNameForType } from '../../src/kg/registry.js';
import { createTemporaryDirectory } from '../kg/csv-test-helpers.js';
import { edgeRow, TINY_EDGES, TINY_FILES } from '../kg/tiny-kg.js';
import { buildTinyIndex, TINY_DIMENSIONS, TINY_ENCODERS, writeTinyIndexKg } from '../indexing/tiny-index.js';
import { rejection } from '../helpers/expect-app-error.js';

const TRAINER_DIRECTORY = join(import.meta.dirname, '..', '..', 'train');
const PYTHON = '/usr/bin/python3';
/** The reader needs numpy only (importing torch as well would cost a second and a half). */
const pythonReaderAvailable =
  spawnSync(PYTHON, ['-c', 'import numpy'], { stdio: 'ignore', timeout: 20_000 }).status === 0;

let root: Awaited<ReturnType<typeof createTemporaryDirectory>>;
let index: IndexHandle;
let encoderHashes: Record<string, string>;
let exportDirectory: string;
let summary: TrainingExportSummary;

beforeAll(async () => {
  root = await createTemporaryDirectory('biobridge-export-');
  const { indexDirectory } = await buildTinyIndex(root.path);
  index = await openIndex(indexDirectory);
  encoderHashes = Object.fromEntries(
    Object.entries(index.manifest.encoders).map(([type, ref]) => [type, ref.configHash]),
  );
  exportDirectory = join(root.path, 'export');
  summary = await writeTrainingExport({
    graph: index.graph,
    store: index.store,
    encoderHashes,
    outDirectory: exportDirectory,
    source: { index: indexDirectory },
  });
});
afterAll(async () => {
  await index?.close();
  await root?.cleanup();
});

async function readExportManifest(directory: string): Promise<TrainingExportManifest> {
  return JSON.parse(await readFile(join(directory, 'manifest.json'), 'utf8')) as TrainingExportManifest;
}

async function readInt32File(path: string): Promise<Int32Array> {
  const bytes = await readFile(path);
  return new Int32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

async function readFloat32File(path: string): Promise<Float32Array> {
  const bytes = await readFile(path);
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

async function sha256File(path: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(path))
    .digest('hex');
}

function rowsOf(triples: Int32Array): [number, number, number][] {
  const rows: [number, number, number][] = [];
  for (let row = 0; row < triples.length / 3; row++)
    rows.push([triples[row * 3]!, triples[row * 3 + 1]!, triples[row * 3 + 2]!]);
  return rows;
}

/** FORMAT.md § dataHash, written from the spec's text. */
function specDataHash(manifest: TrainingExportManifest): string {
  const TAB = '\t';
  let text = 'biobridge-training-export/1\n';
  text += ['nodeTypes', ...manifest.registry.nodeTypes].join(TAB) + '\n';
  text += ['relations', ...manifest.registry.relations].join(TAB) + '\n';
  for (const table of [...manifest.nodeTables].sort((a, b) => a.typeId - b.typeId)) {
    text +=
      `table${TAB}${table.typeId}${TAB}${table.type}${TAB}${table.rows}${TAB}${table.dim}${TAB}` +
      `${table.encoderConfigHash}${TAB}${table.sha256.vectors}${TAB}${table.sha256.nodeIndices}\n`;
  }
  text += `triples${TAB}${manifest.triples.count}${TAB}${manifest.triples.sha256}\n`;
  return createHash('sha256').update(Buffer.from(text, 'utf8')).digest('hex');
}

// Relation ids of Registry.default(): interacts with 2, phenotype present 4, parent-child 5,
// associated with 6, target 10. A2M (11) has no vector: its ppi and `maps to` edges are dropped.
const EXPECTED_TRIPLES: [number, number, number][] = [
  [0, 2, 10],
  [0, 5, 1],
  [1, 5, 0],
  [10, 2, 0],
  [10, 10, 20],
  [20, 10, 10],
  [30, 4, 50],
  [30, 6, 40],
  [40, 6, 30],
  [50, 4, 30],
];

describe('writeTrainingExport (train/FORMAT.md §1)', () => {
  it('writes exactly the manifest fields of the spec', async () => {
    const manifest = await readExportManifest(exportDirectory);
    expect(Object.keys(manifest).sort()).toEqual(
      [
        'format',
        'formatVersion',
        'createdAt',
        'registry',
        'nodeTables',
        'triples',
        'dataHash',
        'source',
      ].sort(),
    );
    expect(manifest.format).toBe('biobridge-training-export');
    expect(manifest.formatVersion).toBe(1);
    expect(new Date(manifest.createdAt).toISOString()).toBe(manifest.createdAt);
    expect(manifest.registry).toEqual(index.manifest.registry);
    expect(manifest.source).toEqual({ index: index.directory });
    expect(manifest.triples).toEqual({
      file: 'triples.i32',
      count: 10,
      sha256: await sha256File(join(exportDirectory, 'triples.i32')),
    });
    expect(manifest.dataHash).toMatch(/^[0-9a-f]{64}$/);
    expect((await readdir(exportDirectory)).sort()).toEqual(['manifest.json', 'triples.i32', 'vectors']);
  });

  it('has one table per node type with vectors, in typeId order, with exact file sizes and hashes', async () => {
    const manifest = await readExportManifest(exportDirectory);
    expect(manifest.nodeTables.map((table) => [table.type, table.typeId, table.rows, table.dim])).toEqual([
      ['biological_process', 0, 2, TINY_DIMENSIONS.text],
      ['gene/protein', 1, 1, TINY_DIMENSIONS.protein],
      ['disease', 2, 1, TINY_DIMENSIONS.text],
      ['effect/phenotype', 3, 1, TINY_DIMENSIONS.text],
      ['drug', 6, 1, TINY_DIMENSIONS.drug],
      ['variant', 10, 1, TINY_DIMENSIONS.text],
    ]);
    const seen = new Set<number>();
    for (const table of manifest.nodeTables) {
      const name = tableNameForType(table.type);
      expect(table).toMatchObject({
        typeId: manifest.registry.nodeTypes.indexOf(table.type),
        table: name,
        vectors: `vectors/${name}.f32`,
        nodeIndices: `vectors/${name}.i32`,
        encoderConfigHash: encoderHashes[table.type],
      });
      const vectorPath = join(exportDirectory, table.vectors);
      const indexPath = join(exportDirectory, table.nodeIndices);
      expect((await stat(vectorPath)).size, table.type).toBe(table.rows * table.dim * 4);
      expect((await stat(indexPath)).size, table.type).toBe(table.rows * 4);
      expect(table.sha256).toEqual({
        vectors: await sha256File(vectorPath),
        nodeIndices: await sha256File(indexPath),
      });

      const nodeIndices = Array.from(await readInt32File(indexPath));
      for (let i = 1; i < nodeIndices.length; i++)
        expect(nodeIndices[i]!).toBeGreaterThan(nodeIndices[i - 1]!);
      for (const node of nodeIndices) {
        expect(node).toBeGreaterThanOrEqual(0);
        expect(seen.has(node), `node ${node} in two tables`).toBe(false);
        seen.add(node);
        expect(index.graph.typeOf(node)).toBe(table.type);
      }
      // the vectors are the index's raw vectors, row for row
      const stored = await index.store.readVectors(table.type, 'vector');
      expect(nodeIndices).toEqual(Array.from(stored.nodeIndices));
      expect(Array.from(await readFloat32File(vectorPath))).toEqual(Array.from(stored.vectors));
    }
    // only nodes with vectors: A2M (11) and Cetuximab (21) are left out
    expect([...seen].sort((a, b) => a - b)).toEqual([0, 1, 10, 20, 30, 40, 50]);
  });

  it('writes the sorted, unique triples between nodes with vectors', async () => {
    const triples = rowsOf(await readInt32File(join(exportDirectory, 'triples.i32')));
    expect(triples).toEqual(EXPECTED_TRIPLES);
    expect(summary).toMatchObject({ directory: exportDirectory, triples: 10, droppedTriples: 4 });
  });

  it('computes dataHash as the spec says, and reports it', async () => {
    const manifest = await readExportManifest(exportDirectory);
    expect(manifest.dataHash).toBe(specDataHash(manifest));
    expect(summary.dataHash).toBe(manifest.dataHash);
    expect(summary.tables).toEqual(
      manifest.nodeTables.map((table) => ({ type: table.type, rows: table.rows, dim: table.dim })),
    );
    expect(await readTrainingExportHash(exportDirectory)).toEqual({
      dataHash: manifest.dataHash,
      triples: 10,
    });
  });

  it('is deterministic: the same index exports the same data hash', async () => {
    const again = await writeTrainingExport({
      graph: index.graph,
      store: index.store,
      encoderHashes,
      outDirectory: join(root.path, 'export-again'),
    });
    expect(again.dataHash).toBe(summary.dataHash);
    expect(await readFile(join(root.path, 'export-again', 'triples.i32'))).toEqual(
      await readFile(join(exportDirectory, 'triples.i32')),
    );
  });

  it('leaves out excluded relations and types without an encoder hash', async () => {
    const directory = join(root.path, 'export-partial');
    const { variant: _variant, ...withoutVariant } = encoderHashes;
    const partial = await writeTrainingExport({
      graph: index.graph,
      store: index.store,
      encoderHashes: withoutVariant,
      outDirectory: directory,
      excludeRelations: ['parent-child'],
    });
    expect(partial.tables.map((table) => table.type)).not.toContain('variant');
    expect(rowsOf(await readInt32File(join(directory, 'triples.i32')))).toEqual(
      EXPECTED_TRIPLES.filter(([head, relation, tail]) => relation !== 5 && head !== 40 && tail !== 40),
    );
    // excluded relations are not counted as dropped; edges to nodes without vectors are
    expect(partial.droppedTriples).toBe(6);
    const manifest = await readExportManifest(directory);
    expect(manifest.dataHash).toBe(specDataHash(manifest));
    expect(manifest.dataHash).not.toBe(summary.dataHash);
  });

  it('fails clearly on an unknown excluded relation or an index without vectors', async () => {
    await expect(
      writeTrainingExport({
        graph: index.graph,
        store: index.store,
        encoderHashes,
        outDirectory: join(root.path, 'bad'),
        excludeRelations: ['cures'],
      }),
    ).rejects.toThrow('unknown relation "cures"');
    const empty = await rejection(
      writeTrainingExport({
        graph: index.graph,
        store: index.store,
        encoderHashes: {},
        outDirectory: join(root.path, 'empty'),
      }),
    );
    expect(empty.code).toBe('INVALID_INDEX');
    expect(empty.message).toBe('the index has no encoded nodes to train on');
    await expect(readdir(join(root.path, 'empty'))).rejects.toThrow(/ENOENT/);
    await expect(readTrainingExportHash(join(root.path, 'empty'))).rejects.toThrow(
      /empty\/manifest.json: not a training export/,
    );
  });

  it('refuses an export in which no triple is left to train on', async () => {
    const everyRelation = [...new Set(index.graph.edgeKinds.map((kind) => kind.displayRelation))];
    const none = await rejection(
      writeTrainingExport({
        graph: index.graph,
        store: index.store,
        encoderHashes,
        outDirectory: join(root.path, 'no-triples'),
        excludeRelations: everyRelation,
      }),
    );
    expect(none.message).toMatch(/^no triple joins two encoded nodes/);
    await expect(readdir(join(root.path, 'no-triples'))).rejects.toThrow(/ENOENT/);
  });

  it('keeps one row for two PrimeKG relations with the same display relation', async () => {
    const twin = join(root.path, 'twin');
    const edges = [
      ...TINY_EDGES,
      edgeRow('disease_protein', 'associated with', 30, 10),
      edgeRow('disease_gene', 'associated with', 30, 10),
    ];
    await writeTinyIndexKg(join(twin, 'kg'), {
      kg: `${TINY_FILES.kg!.split('\n')[0]}\n${edges.join('\n')}\n`,
    });
    await buildIndex({
      kgDirectory: join(twin, 'kg'),
      outDirectory: join(twin, 'index'),
      encoders: TINY_ENCODERS,
      progress: false,
    });
    const twinIndex = await openIndex(join(twin, 'index'));
    try {
      expect(twinIndex.graph.edgeCount).toBe(16);
      const exported = await writeTrainingExport({
        graph: twinIndex.graph,
        store: twinIndex.store,
        encoderHashes,
        outDirectory: join(twin, 'export'),
      });
      expect(exported.triples).toBe(11);
      const triples = rowsOf(await readInt32File(join(twin, 'export', 'triples.i32')));
      expect(
        triples.filter(([head, relation, tail]) => head === 30 && relation === 6 && tail === 10),
      ).toHaveLength(1);
    } finally {
      await twinIndex.close();
    }
  });

  const pythonTitle = 'is read by the Python trainer (biobridge_train.export_format.read_export)';
  it.runIf(pythonReaderAvailable)(
    pythonReaderAvailable ? pythonTitle : `${pythonTitle}: SKIPPED, ${PYTHON} cannot import numpy`,
    async () => {
      const script = [
        'import json, sys',
        'from biobridge_train.export_format import read_export',
        'data = read_export(sys.argv[1])',
        'print(json.dumps({"dataHash": data.data_hash, "triples": data.triples.tolist(),',
        ' "tables": {t.type: [t.rows, t.dim, t.node_indices.tolist()] for t in data.tables.values()}}))',
      ].join('\n');
      const { stdout } = await promisify(execFile)(PYTHON, ['-c', script, exportDirectory], {
        cwd: TRAINER_DIRECTORY,
        timeout: 30_000,
      });
      const read = JSON.parse(stdout) as {
        dataHash: string;
        triples: number[][];
        tables: Record<string, [number, number, number[]]>;
      };
      expect(read.dataHash).toBe(summary.dataHash);
      expect(read.triples).toEqual(EXPECTED_TRIPLES);
      expect(read.tables['gene/protein']).toEqual([1, TINY_DIMENSIONS.protein, [10]]);
      expect(read.tables.biological_process).toEqual([2, TINY_DIMENSIONS.text, [0, 1]]);
    },
  );
});
