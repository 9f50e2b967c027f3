import { createHash } from 'node:crypto';
import { readdir, readFile, readlink, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEncoder } from '../../src/encoders/create-encoder.js';
import { describeVariant } from '../../src/encoders/variant-text.js';
import { AppError } from '../../src/errors.js';
import { buildIndex, type BuildIndexResult } from '../../src/indexing/build-index.js';
import { lookupEntries, readLookupEntries } from '../../src/indexing/lookup-entries.js';
import { buildLigandFingerprints, readLigandFingerprints } from '../../src/retrieval/ligand-fingerprints.js';
import { readManifest, type IndexManifest } from '../../src/indexing/manifest.js';
import { payloadKindOf, payloadOf } from '../../src/indexing/node-payload.js';
import { openIndex, type IndexHandle } from '../../src/indexing/open-index.js';
import { ingestKg } from '../../src/kg/ingest.js';
import { Registry } from '../../src/kg/registry.js';
import { createNameLookup } from '../../src/store/name-lookup.js';
import { openLanceStore } from '../../src/store/lancedb-store.js';
import { VECTOR_FILES_DIRECTORY } from '../../src/store/vector-files.js';
import { createMemoryLogger } from '../../src/util/logger.js';
import { createTemporaryDirectory } from '../kg/csv-test-helpers.js';
import { TINY_EDGES, TINY_FILES, TINY_NODE_COUNTS } from '../kg/tiny-kg.js';
import {
  buildTinyIndex,
  TINY_DIMENSIONS,
  TINY_ENCODERS,
  writeTinyEncoderConfig,
  writeTinyIndexKg,
} from './tiny-index.js';
import { cli } from '../helpers/run-cli.js';
import { snapshotDirectory } from '../helpers/directory-snapshot.js';

let root: Awaited<ReturnType<typeof createTemporaryDirectory>>;
let kgDirectory: string;
let indexDirectory: string;
let built: BuildIndexResult;
let manifest: IndexManifest;
let index: IndexHandle;

beforeAll(async () => {
  root = await createTemporaryDirectory('biobridge-index-');
  ({ kgDirectory, indexDirectory, result: built } = await buildTinyIndex(root.path));
  manifest = await readManifest(indexDirectory);
  index = await openIndex(indexDirectory);
});
afterAll(async () => {
  await index?.close();
  await root?.cleanup();
});

const TEXT_TYPES = ['biological_process', 'disease', 'effect/phenotype'];

/** The spec of `dataHash`: sha256 over each input file's name, size and bytes, by file name. */
async function expectedDataHash(directory: string, files: string[]): Promise<string> {
  const hash = createHash('sha256');
  for (const file of [...files].sort()) {
    const bytes = await readFile(join(directory, file));
    hash.update(`${file}\0${bytes.byteLength}\0`).update(bytes);
  }
  return hash.digest('hex');
}

describe('buildIndex: manifest', () => {
  it('counts nodes and edges per type and relation', () => {
    expect(manifest).toEqual(built.manifest);
    expect(manifest.formatVersion).toBe(1);
    expect(manifest.name).toBe('index');
    expect(manifest.nodes).toEqual(TINY_NODE_COUNTS);
    expect(manifest.edges.total).toBe(14);
    expect(manifest.edges.byRelation).toMatchObject({
      'drug -target-> gene/protein (drug_protein)': 1,
      'gene/protein -target-> drug (drug_protein)': 1,
      'gene/protein -ppi-> gene/protein (protein_protein)': 2,
      'variant -associated with-> disease (variant_disease)': 1,
    });
    expect(Object.values(manifest.edges.byRelation).reduce((sum, count) => sum + count, 0)).toBe(14);
    expect(manifest.registry).toEqual(Registry.default().toJSON());
    expect(manifest.ingest).toMatchObject({ malformedRows: 0 });
  });

  it('records coverage per type under the payload policy', () => {
    expect(manifest.coverage).toEqual({
      // GO:0000003 has no definition: it is encoded from its name but has no modality payload
      biological_process: { total: 2, withPayload: 1, encoded: 2, failed: 0, payloadKind: 'text' },
      // A2M has no sequence: no vector
      'gene/protein': { total: 2, withPayload: 1, encoded: 1, failed: 0, payloadKind: 'sequence' },
      disease: { total: 1, withPayload: 1, encoded: 1, failed: 0, payloadKind: 'text' },
      'effect/phenotype': { total: 1, withPayload: 1, encoded: 1, failed: 0, payloadKind: 'text' },
      // Cetuximab has no SMILES: no vector
      drug: { total: 2, withPayload: 1, encoded: 1, failed: 0, payloadKind: 'smiles' },
      variant: { total: 1, withPayload: 1, encoded: 1, failed: 0, payloadKind: 'variant' },
    });
    expect(built.encodeFailures).toEqual([]);
  });

  it('names the encoder of each type; text types share one saved encoder', async () => {
    expect(manifest.encoders['gene/protein']).toMatchObject({
      kind: 'protein-kmer',
      modality: 'protein',
      dimension: TINY_DIMENSIONS.protein,
    });
    expect(manifest.encoders.drug).toMatchObject({
      kind: 'molecule-morgan',
      modality: 'molecule',
      dimension: TINY_DIMENSIONS.drug,
    });
    expect(manifest.encoders.variant).toMatchObject({
      kind: 'variant-text',
      modality: 'variant',
      dimension: TINY_DIMENSIONS.text,
    });
    const textDirectories = new Set(TEXT_TYPES.map((type) => manifest.encoders[type]?.directory));
    expect(textDirectories.size).toBe(1);
    expect([...textDirectories][0]).toMatch(/^encoders\/text-tfidf-[0-9a-f]{12}$/);
    // types with no nodes get no entry, even though the configuration names an encoder for them
    expect(Object.keys(manifest.encoders).sort()).toEqual(Object.keys(manifest.nodes).sort());
    for (const ref of Object.values(manifest.encoders)) {
      expect(ref.configHash).toMatch(/^[0-9a-f]{64}$/);
      expect((await stat(join(indexDirectory, ref.directory, 'encoder.json'))).isFile()).toBe(true);
    }
  });

  it('records the sources and a dataHash over the files read', async () => {
    const files = [
      'nodes.csv.gz',
      'kg.csv.gz',
      'protein_sequences.csv.gz',
      'drug_smiles.csv.gz',
      'text_features.csv.gz',
      'drug_text.csv.gz',
      'variant_features.csv.gz',
      'edge_attributes.csv.gz',
      'ontology_is_a.csv.gz',
    ];
    expect(manifest.source.directory).toBe(kgDirectory);
    expect(manifest.source.includeNonCommercial).toBe(false);
    expect(manifest.source.files.map((file) => file.name)).toEqual(files);
    for (const file of manifest.source.files)
      expect(file.bytes, file.name).toBe((await stat(join(kgDirectory, file.name))).size);
    // kg_noncommercial.csv.gz is in the directory but was not read, so it is not hashed
    expect(manifest.dataHash).toBe(await expectedDataHash(kgDirectory, files));
  });
});

describe('buildIndex: tables', () => {
  it('writes one LanceDB table per node type with rows and vectors', async () => {
    expect((await index.store.listTypes()).sort()).toEqual(Object.keys(manifest.nodes).sort());
    const infos = Object.fromEntries(
      await Promise.all(
        Object.keys(manifest.nodes).map(async (type) => [type, await index.store.tableInfo(type)] as const),
      ),
    );
    expect(infos['gene/protein']).toMatchObject({
      rows: 2,
      withVector: 1,
      dimension: TINY_DIMENSIONS.protein,
      withProjected: 0,
      annIndex: false,
    });
    expect(infos.drug).toMatchObject({ rows: 2, withVector: 1, dimension: TINY_DIMENSIONS.drug });
    expect(infos.biological_process).toMatchObject({
      rows: 2,
      withVector: 2,
      dimension: TINY_DIMENSIONS.text,
    });
    expect(infos.variant).toMatchObject({ rows: 1, withVector: 1, dimension: TINY_DIMENSIONS.text });
    for (const type of Object.keys(manifest.nodes)) {
      expect(infos[type]?.rows, type).toBe(manifest.coverage[type]?.total);
      expect(infos[type]?.withVector, type).toBe(manifest.coverage[type]?.encoded);
    }
  });

  it('stores the payload each node was encoded from, and no vector for nodes without one', async () => {
    const [a1bg, a2m] = await index.store.getRows('gene/protein', [10, 11]);
    expect(a1bg).toMatchObject({
      nodeId: '1',
      name: 'A1BG',
      payloadKind: 'sequence',
      payload: 'MSMLVVFLLLWGVTWGPVTEAAIFYETQPSLW',
    });
    expect(a1bg?.vector).toHaveLength(TINY_DIMENSIONS.protein);
    expect(a2m).toMatchObject({ nodeId: '2', name: 'A2M', payloadKind: 'name', payload: null, vector: null });
    const [lepirudin, cetuximab] = await index.store.getRows('drug', [20, 21]);
    expect(lepirudin).toMatchObject({ payloadKind: 'smiles', payload: 'CC(=O)NC1=CC=C(O)C=C1' });
    expect(cetuximab).toMatchObject({ payloadKind: 'name', payload: null, vector: null });

    const [maintenance, reproduction] = await index.store.getRows('biological_process', [0, 1]);
    expect(maintenance).toMatchObject({
      payloadKind: 'text',
      payload:
        'mitochondrial genome maintenance. The maintenance of the structure, and integrity, of the mitochondrial genome.',
    });
    expect(reproduction).toMatchObject({ payloadKind: 'text', payload: 'reproduction' });
    expect(reproduction?.vector).toHaveLength(TINY_DIMENSIONS.text);
    const [variant] = await index.store.getRows('variant', [40]);
    expect(variant?.payloadKind).toBe('variant');
    expect(variant?.payload).toBe(
      describeVariant({
        rsid: 'rs10104997',
        chrom: '8',
        pos: '117842390',
        mapped_gene: 'A2M',
        context: 'intron_variant',
        risk_allele: 'T',
      }),
    );
    expect(variant?.payload).toMatch(/^rs10104997 .*A2M.* on chromosome 8, risk allele T$/);
  });

  it('stores the vectors the saved encoders produce', async () => {
    const vectors = await index.store.readVectors('gene/protein', 'vector');
    expect(Array.from(vectors.nodeIndices)).toEqual([10]);
    expect(vectors.dimension).toBe(TINY_DIMENSIONS.protein);
    const encoder = await loadEncoder(join(indexDirectory, manifest.encoders['gene/protein']!.directory));
    const [outcome] = await encoder.encode(['MSMLVVFLLLWGVTWGPVTEAAIFYETQPSLW']);
    if (!outcome?.ok) throw new Error('the saved protein encoder rejected the sequence');
    expect(Array.from(vectors.vectors)).toEqual(Array.from(outcome.value));

    const text = await index.store.readVectors('biological_process', 'vector');
    expect(Array.from(text.nodeIndices)).toEqual([0, 1]);
    const textEncoder = await loadEncoder(
      join(indexDirectory, manifest.encoders.biological_process!.directory),
    );
    const [reproduction] = await textEncoder.encode(['reproduction']);
    if (!reproduction?.ok) throw new Error('the saved text encoder rejected the name');
    const stored = text.vectors.subarray(TINY_DIMENSIONS.text);
    reproduction.value.forEach((value, position) => expect(stored[position]).toBeCloseTo(value, 6));
    expect(Math.hypot(...stored)).toBeGreaterThan(0.5);
  });

  it('writes the vector files of every encoded type, so a start reads no vector column from LanceDB', async () => {
    const encoded = Object.keys(manifest.nodes).filter((type) => (manifest.coverage[type]?.encoded ?? 0) > 0);
    expect(encoded.length).toBeGreaterThan(3);
    expect((await readdir(join(indexDirectory, VECTOR_FILES_DIRECTORY))).sort()).toEqual(
      encoded.map((type) => `${encodeURIComponent(type)}.vector.f32`).sort(),
    );
    const logger = createMemoryLogger();
    const start = await openIndex(indexDirectory, { logger });
    const lance = await openLanceStore(join(indexDirectory, 'lance'));
    try {
      for (const type of encoded) {
        const fromFile = await start.store.readVectors(type, 'vector');
        const fromLance = await lance.readVectors(type, 'vector');
        expect(fromFile.nodeIndices, type).toEqual(fromLance.nodeIndices);
        expect(fromFile.vectors, type).toEqual(fromLance.vectors);
      }
    } finally {
      await lance.close();
      await start.close();
    }
    // Neither "no vector file yet", "stale" nor "unusable": every column came from its file.
    expect(logger.lines.filter((line) => line.fields.file !== undefined)).toEqual([]);
  });

  it('writes the graph the index is opened with', () => {
    expect(index.graph.nodeCount).toBe(9);
    expect(index.graph.edgeCount).toBe(14);
    expect(index.graph.node(40)).toEqual({
      index: 40,
      id: 'rs10104997',
      type: 'variant',
      name: 'rs10104997',
      source: 'dbSNP',
    });
    expect(index.registry.toJSON()).toEqual(manifest.registry);
  });
});

describe('buildIndex: ligand fingerprints', () => {
  it("fingerprints every KG drug with a SMILES into <index>/ligands/, the same as fit-fusion's rebuild", async () => {
    const drugs = index.graph.nodesOfType('drug');
    const withSmiles = (await index.store.getRows('drug', Array.from(drugs))).filter((row) => row.payload);
    expect(built.ligands.molecules + built.ligands.skipped).toBe(withSmiles.length);
    expect(built.ligands.molecules).toBeGreaterThan(0);
    expect(built.durationMs.ligands).toBeGreaterThan(0);
    const stored = await readLigandFingerprints(indexDirectory);
    expect(stored && Array.from(stored.nodes)).toEqual(
      withSmiles
        .map((row) => row.nodeIndex)
        .filter((node) => stored?.rowOf(node) !== undefined)
        .sort((left, right) => left - right),
    );
    const rebuilt = await createTemporaryDirectory('biobridge-ligands-');
    try {
      await buildLigandFingerprints(rebuilt.path, index.store);
      const again = (await readLigandFingerprints(rebuilt.path))!;
      expect(Array.from(again.nodes)).toEqual(Array.from(stored!.nodes));
      expect(again.fingerprint(0)).toEqual(stored!.fingerprint(0));
    } finally {
      await rebuilt.cleanup();
    }
  });
});

describe('payload policy', () => {
  it('maps node types to payload kinds', () => {
    expect(['gene/protein', 'drug', 'variant', 'disease', 'pathway', 'anatomy'].map(payloadKindOf)).toEqual([
      'sequence',
      'smiles',
      'variant',
      'text',
      'text',
      'text',
    ]);
  });

  it('falls back to the name for text types and a named variant without features', async () => {
    const { graph, payloads } = await ingestKg(join(root.path, 'kg'));
    expect(payloadOf(graph.node(1)!, payloads)).toEqual({
      kind: 'text',
      input: 'reproduction',
      fromModalityFile: false,
    });
    // drugs: the description is not the payload; a drug without SMILES gets none
    expect(payloadOf(graph.node(21)!, payloads)).toEqual({
      kind: 'smiles',
      input: null,
      fromModalityFile: false,
    });
    expect(payloadOf(graph.node(11)!, payloads)).toEqual({
      kind: 'sequence',
      input: null,
      fromModalityFile: false,
    });

    const bare = join(root.path, 'kg-no-variant-features');
    await writeTinyIndexKg(bare);
    await rm(join(bare, 'variant_features.csv.gz'));
    const withoutFeatures = await ingestKg(bare);
    expect(payloadOf(withoutFeatures.graph.node(40)!, withoutFeatures.payloads)).toEqual({
      kind: 'variant',
      input: 'rs10104997 variant',
      fromModalityFile: false,
    });
  });
});

describe('lookup entries', () => {
  it('hold every node with its aliases (UniProt id; DrugBank ids and rsIDs are the node ids)', async () => {
    const entries = await readLookupEntries(indexDirectory);
    expect(entries).toHaveLength(9);
    const byIndex = new Map(entries.map((entry) => [entry.nodeIndex, entry]));
    expect(byIndex.get(10)).toEqual({
      nodeIndex: 10,
      type: 'gene/protein',
      name: 'A1BG',
      id: '1',
      aliases: ['P04217'],
    });
    expect(byIndex.get(20)).toEqual({
      nodeIndex: 20,
      type: 'drug',
      name: 'Lepirudin',
      id: 'DB00001',
      aliases: [],
    });
    expect(byIndex.get(40)).toEqual({
      nodeIndex: 40,
      type: 'variant',
      name: 'rs10104997',
      id: 'rs10104997',
      aliases: [],
    });

    const lookup = createNameLookup(entries);
    const first = (query: string) => lookup.lookup(query, { limit: 1 })[0];
    expect(first('P04217')).toMatchObject({ nodeIndex: 10, matchKind: 'exact' });
    expect(first('DB00001')).toMatchObject({ nodeIndex: 20 });
    expect(first('rs10104997')).toMatchObject({ nodeIndex: 40 });
    expect(first('lepirudin')).toMatchObject({ nodeIndex: 20, matchKind: 'case-insensitive' });
  });

  it('keep aliases that differ from the name and id, once each', async () => {
    // With A2M's sequence row, A2M gets its UniProt id; its symbol equals its name and is left out.
    const { graph, payloads } = await ingestKg(
      await writeKg('kg-full', { protein_sequences: TINY_FILES.protein_sequences! }),
    );
    const entry = lookupEntries(graph, payloads).find((candidate) => candidate.nodeIndex === 11);
    expect(entry?.aliases).toEqual(['P01023']);
  });

  it('name the file when the entries are missing', async () => {
    const error = await readLookupEntries(join(root.path, 'nowhere')).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('INVALID_INDEX');
    expect((error as AppError).message).toContain(join(root.path, 'nowhere', 'lookup/entries.json.gz'));
  });
});

async function writeKg(name: string, replace: Record<string, string> = {}): Promise<string> {
  const directory = join(root.path, name);
  await writeTinyIndexKg(directory, replace);
  return directory;
}

describe('biobridge info and lookup on the index', () => {
  it('info --json prints only the JSON report, matching the manifest', async () => {
    const run = await cli(['info', indexDirectory, '--json']);
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(report).toEqual({
      name: 'index',
      createdAt: manifest.createdAt,
      source: manifest.source,
      dataHash: manifest.dataHash,
      nodes: manifest.nodes,
      edges: manifest.edges,
      coverage: manifest.coverage,
      encoders: manifest.encoders,
      bridge: null,
    });
    expect(report.nodes).toEqual(TINY_NODE_COUNTS);
  });

  it('info prints a table with coverage per type', async () => {
    const run = await cli(['info', indexDirectory]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^gene\/protein\s+2\s+sequence\s+1\s+1\s+50\.0%\s+protein-kmer \(444d\)$/m);
    expect(run.stdout).toContain('9 nodes, 14 directed edges\n');
    expect(run.stdout).toContain('bridge: none (run `biobridge train <index>`)');
  });

  it('lookup --json finds a protein by its UniProt id; no match exits 1', async () => {
    const run = await cli(['lookup', indexDirectory, 'P04217', '--json']);
    expect(run.code).toBe(0);
    const body = JSON.parse(run.stdout) as {
      query: string;
      candidates: { nodeIndex: number; name: string }[];
    };
    expect(body.query).toBe('P04217');
    expect(body.candidates[0]).toMatchObject({ nodeIndex: 10, name: 'A1BG' });
    expect((await cli(['lookup', indexDirectory, 'zzzzzzzz'])).code).toBe(1);
  });
});

describe('biobridge ingest: malformed rows and atomic replacement', () => {
  const badRow = 'drug_protein,target,20,DB00001,drug,Lepirudin,DrugBank,abc,2,gene/protein,A2M,NCBI';
  const brokenEdges = `${TINY_FILES.kg!.split('\n')[0]}\n${[...TINY_EDGES, badRow].join('\n')}\n`;

  it('--on-error fail names the file and line and leaves the previous index untouched', async () => {
    const out = join(root.path, 'cli-index');
    const encoders = await writeTinyEncoderConfig(join(root.path, 'encoders.json'));
    const first = await cli([
      'ingest',
      await writeKg('kg-good'),
      '--out',
      out,
      '--encoders',
      encoders,
      '--json',
      '-q',
    ]);
    expect(first.code, first.stderr).toBe(0);
    const summary = JSON.parse(first.stdout) as Record<string, unknown>;
    expect(summary).toMatchObject({
      index: out,
      nodes: manifest.nodes,
      edges: 14,
      malformedRows: 0,
      encodeFailures: [],
    });
    const before = await snapshotDirectory(out);

    const failed = await cli([
      'ingest',
      await writeKg('kg-broken', { kg: brokenEdges }),
      '--out',
      out,
      '--encoders',
      encoders,
      // Off, not `auto`: stderr must not depend on which name vocabularies this machine has.
      '--gene-info',
      'none',
      '--wordnet',
      'none',
      '-q',
    ]);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toBe('');
    expect(failed.stderr).toBe(
      "error: kg.csv.gz line 16, column y_index: expected a non-negative integer, got 'abc'\n",
    );

    expect(await snapshotDirectory(out)).toEqual(before);
    // nothing beside the live version the link names
    expect((await readdir(root.path)).filter((name) => name.startsWith('.cli-index'))).toEqual([
      await readlink(out),
    ]);
    const reopened = await openIndex(out);
    try {
      expect(reopened.graph.edgeCount).toBe(14);
      expect((await reopened.store.tableInfo('gene/protein')).withVector).toBe(1);
    } finally {
      await reopened.close();
    }
  });

  it('a build that fails while writing tables leaves the previous index untouched', async () => {
    const out = join(root.path, 'aborted-index');
    await buildIndex({
      kgDirectory: await writeKg('kg-abort'),
      outDirectory: out,
      encoders: TINY_ENCODERS,
      progress: false,
    });
    const before = await snapshotDirectory(out);
    const controller = new AbortController();
    const logger = createMemoryLogger();
    // Abort once ingest and encoder fitting are done, so that the failure happens in the staging directory.
    const abortingLogger = {
      ...logger,
      info(message: string, fields?: Record<string, unknown>) {
        logger.info(message, fields);
        if (message === 'preparing encoders') controller.abort(new Error('stopped by the test'));
      },
    };
    const failure = await buildIndex({
      kgDirectory: join(root.path, 'kg-abort'),
      outDirectory: out,
      encoders: TINY_ENCODERS,
      progress: false,
      logger: abortingLogger,
      signal: controller.signal,
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toBe('stopped by the test');
    expect(await snapshotDirectory(out)).toEqual(before);
    expect((await readdir(root.path)).filter((name) => name.startsWith('.aborted-index'))).toEqual([
      await readlink(out),
    ]);
  });

  it('--on-error skip builds the index and counts the malformed row', async () => {
    const out = join(root.path, 'skip-index');
    const encoders = await writeTinyEncoderConfig(join(root.path, 'encoders-skip.json'));
    // an invalid SMILES is not a malformed row: the encoder rejects it and coverage counts it
    const smiles = TINY_FILES.drug_smiles + '21,DB00002,Cetuximab,C1CC(\n';
    const kg = await writeKg('kg-skip', { kg: brokenEdges, drug_smiles: smiles });
    const run = await cli([
      'ingest',
      kg,
      '--out',
      out,
      '--on-error',
      'skip',
      '--encoders',
      encoders,
      '--json',
      '--quiet',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout) as {
      malformedRows: number;
      edges: number;
      coverage: IndexManifest['coverage'];
      encodeFailures: { type: string; nodeId: string; message: string }[];
    };
    expect(summary.malformedRows).toBe(1);
    expect(summary.edges).toBe(14);
    expect(summary.coverage.drug).toEqual({
      total: 2,
      withPayload: 2,
      encoded: 1,
      failed: 1,
      payloadKind: 'smiles',
    });
    expect(summary.encodeFailures).toEqual([
      { type: 'drug', nodeId: 'DB00002', message: expect.stringMatching(/^[A-Z_]+: /) },
    ]);
    const written = await readManifest(out);
    expect(written.ingest).toMatchObject({ malformedRows: 1 });
    expect(written.coverage.drug?.failed).toBe(1);
  });

  it('rejects an unreadable --encoders file with exit 2', async () => {
    const run = await cli([
      'ingest',
      kgDirectory,
      '--out',
      join(root.path, 'never'),
      '--encoders',
      join(root.path, 'missing.json'),
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `error: --encoders ${join(root.path, 'missing.json')}: cannot read a JSON object from the file\n`,
    );
  });
});
