import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { readGraph, writeGraph } from '../../src/kg/graph.js';
import { ingestKg, type IngestResult } from '../../src/kg/ingest.js';

const repositoryRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const kgDirectory = resolve(repositoryRoot, '../shared/kg');
const available = existsSync(join(kgDirectory, 'kg.csv.gz')) || existsSync(join(kgDirectory, 'kg.csv'));
if (!available) console.warn(`skipping shared KG ingest tests: no kg.csv(.gz) in ${kgDirectory}`);

// Numbers from ../shared/kg/stats.md.
describe.skipIf(!available)('ingestKg on ../shared/kg', () => {
  let result: IngestResult;
  beforeAll(async () => {
    result = await ingestKg(kgDirectory, { onError: 'skip' });
  });

  it('finds every node of nodes.csv, by type', () => {
    expect(result.report.nodes.byType).toEqual({
      biological_process: 15505,
      'gene/protein': 22849,
      disease: 6573,
      'effect/phenotype': 10222,
      molecular_function: 4964,
      drug: 5282,
      cellular_component: 1992,
      pathway: 1862,
      variant: 6427,
    });
    expect(result.graph.nodeCount).toBe(75676);
    expect(result.report.unknownNodeTypes).toEqual([]);
    expect(result.report.unknownRelations).toEqual([]);
  });

  it('keeps all 1,348,560 directed edges with no malformed row', () => {
    expect(result.report.malformedRows).toBe(0);
    expect(result.report.files.flatMap((file) => file.errors)).toEqual([]);
    expect(result.report.edges).toMatchObject({ rowsRead: 1_348_560, kept: 1_348_560, duplicatesRemoved: 0 });
    const kinds = Object.fromEntries(
      result.report.edges.byKind.map((kind) => [
        `${kind.relation}|${kind.displayRelation}|${kind.headType}|${kind.tailType}`,
        kind.edges,
      ]),
    );
    // Both directions of each undirected pair are kept as separate kinds.
    expect(kinds['protein_protein|ppi|gene/protein|gene/protein']).toBe(296_968);
    expect(kinds['drug_protein|target|drug|gene/protein']).toBe(14_911);
    expect(kinds['drug_protein|target|gene/protein|drug']).toBe(14_911);
    expect(
      kinds['variant_protein|maps to|variant|gene/protein']! +
        kinds['variant_protein|maps to|gene/protein|variant']!,
    ).toBe(17_540);
    expect(result.report.files.find((file) => file.role === 'nonCommercialEdges')).toMatchObject({
      status: 'excluded',
    });
  });

  it('matches the payload coverage in stats.md', () => {
    const coverage = result.report.payloadCoverage;
    expect(coverage['gene/protein']?.sequence).toBe(17549);
    expect(coverage.drug).toMatchObject({ smiles: 4827, description: 2426 });
    expect(coverage.biological_process?.definition).toBe(11986);
    expect(coverage.cellular_component?.definition).toBe(1794);
    expect(coverage.disease?.definition).toBe(2532);
    expect(coverage['effect/phenotype']?.definition).toBe(6940);
    expect(coverage.molecular_function?.definition).toBe(4632);
    expect(coverage.pathway).toMatchObject({ textRecord: 1862, definition: 0 });
    expect(coverage.variant).toMatchObject({ variant: 6427, variantPosition: 6307 });
    expect(result.edgeAttributes).toHaveLength(8424);
    let both = 0;
    for (const index of result.graph.nodesOfType('drug'))
      if (result.payloads.molecule(index) && result.payloads.text(index)?.description) both++;
    expect(both).toBe(2064);
  });

  it('reads kg_noncommercial when asked (138,762 side-effect rows)', async () => {
    const withSider = await ingestKg(kgDirectory, { onError: 'skip', includeNonCommercial: true });
    expect(withSider.report.malformedRows).toBe(0);
    expect(withSider.graph.edgeCount).toBe(1_348_560 + 138_762);
  });

  it('round-trips the graph through writeGraph/readGraph', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'biobridge-shared-graph-'));
    try {
      await writeGraph(directory, result.graph);
      const read = await readGraph(directory);
      expect(read.edgeCount).toBe(result.graph.edgeCount);
      expect(
        Buffer.compare(
          Buffer.from(read.heads.buffer, read.heads.byteOffset, read.heads.byteLength),
          Buffer.from(result.graph.heads.buffer),
        ),
      ).toBe(0);
      expect(read.node(39574)).toEqual({
        index: 39574,
        id: '1',
        type: 'gene/protein',
        name: 'A1BG',
        source: 'NCBI',
      });
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});
