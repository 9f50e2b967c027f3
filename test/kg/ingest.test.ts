import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatRowError } from '../../src/kg/csv-reader.js';
import { ingestKg } from '../../src/kg/ingest.js';
import { summarizeIngestReport, type IngestReport } from '../../src/kg/ingest-report.js';
import { Registry } from '../../src/kg/registry.js';
import { createMemoryLogger } from '../../src/util/logger.js';
import type { Progress } from '../../src/util/progress.js';
import { createTemporaryDirectory } from './csv-test-helpers.js';
import { edgeRow, TINY_EDGES, TINY_FILES, TINY_NODE_COUNTS, writeTinyKg } from './tiny-kg.js';
import { rejection } from '../helpers/expect-app-error.js';

let root: Awaited<ReturnType<typeof createTemporaryDirectory>>;
let counter = 0;
beforeAll(async () => {
  root = await createTemporaryDirectory('biobridge-ingest-');
});
afterAll(async () => {
  await root.cleanup();
});

async function tinyKg(options: Parameters<typeof writeTinyKg>[1] = {}): Promise<string> {
  const directory = join(root.path, `kg-${counter++}`);
  await writeTinyKg(directory, options);
  return directory;
}

const errorsOf = (report: IngestReport) =>
  report.files.flatMap((file) => file.errors.map((error) => formatRowError(error)));

describe('ingestKg on a well-formed KG', () => {
  it('builds the graph, payloads and report', async () => {
    const logger = createMemoryLogger();
    const { graph, payloads, edgeAttributes, report } = await ingestKg(await tinyKg(), { logger });

    expect(report.nodes).toEqual({
      total: 9,
      byType: TINY_NODE_COUNTS,
      derivedFromEdges: false,
    });
    expect(report.edges).toMatchObject({ rowsRead: 14, kept: 14, duplicatesRemoved: 0 });
    expect(report.edges.byKind).toContainEqual({
      relation: 'drug_protein',
      displayRelation: 'target',
      headType: 'drug',
      tailType: 'gene/protein',
      edges: 1,
    });
    expect(report.malformedRows).toBe(0);
    expect(report.unknownNodeTypes).toEqual([]);
    expect(report.unknownRelations).toEqual([]);
    expect(report.edgeAttributes).toBe(1);
    expect(report.files.map((file) => [file.file, file.status, file.rowsRead])).toEqual([
      ['nodes.csv.gz', 'read', 9],
      ['kg.csv.gz', 'read', 14],
      ['kg_noncommercial.csv.gz', 'excluded', 0],
      ['protein_sequences.csv.gz', 'read', 2],
      ['drug_smiles.csv.gz', 'read', 1],
      ['text_features.csv.gz', 'read', 4],
      ['drug_text.csv.gz', 'read', 2],
      ['variant_features.csv.gz', 'read', 1],
      ['edge_attributes.csv.gz', 'read', 1],
      ['ontology_is_a.csv.gz', 'read', 1],
    ]);
    expect(report.isALinks).toBe(1);
    expect(report.files[2]?.note).toContain('CC BY-NC-SA');
    expect(report.payloadCoverage['gene/protein']).toMatchObject({ nodes: 2, sequence: 2 });
    expect(report.payloadCoverage.drug).toMatchObject({ nodes: 2, smiles: 1, description: 2 });
    expect(report.payloadCoverage.biological_process).toMatchObject({
      nodes: 2,
      textRecord: 2,
      definition: 1,
    });
    expect(report.payloadCoverage.variant).toMatchObject({ nodes: 1, variant: 1, variantPosition: 1 });

    expect(graph.nodeCount).toBe(9);
    expect(graph.edgeCount).toBe(14);
    expect(graph.typeOf(20)).toBe('drug');
    expect(graph.typeOf(2)).toBeUndefined();
    expect(graph.node(10)).toEqual({
      index: 10,
      id: '1',
      type: 'gene/protein',
      name: 'A1BG',
      source: 'NCBI',
    });
    const neighbours = graph
      .neighbours(10)
      .map(({ node, kind }) => [node, graph.edgeKinds[kind]!.displayRelation])
      .sort((left, right) => Number(left[0]) - Number(right[0]));
    expect(neighbours).toEqual([
      [0, 'interacts with'],
      [11, 'ppi'],
      [20, 'target'],
    ]);
    const target = graph.edgeKinds.find((kind) => kind.displayRelation === 'target')!;
    expect(target).toMatchObject({ relationId: 10, headTypeId: 6, tailTypeId: 1 });
    expect(graph.edgesOfKind(target.id)).toEqual({ heads: Int32Array.of(20), tails: Int32Array.of(10) });

    expect(payloads.protein(10)).toEqual({
      sequence: 'MSMLVVFLLLWGVTWGPVTEAAIFYETQPSLW',
      entrezId: '1',
      symbol: 'A1BG',
      uniprotId: 'P04217',
    });
    expect(payloads.molecule(20)).toEqual({
      smiles: 'CC(=O)NC1=CC=C(O)C=C1',
      drugbankId: 'DB00001',
      name: 'Lepirudin',
    });
    expect(payloads.text(20)).toEqual({
      name: 'Lepirudin',
      description: 'Lepirudin is identical to natural hirudin, except for one residue.',
    });
    expect(payloads.text(1)).toEqual({ name: 'reproduction' });
    expect(payloads.variant(40)).toEqual({
      rsid: 'rs10104997',
      chromosome: '8',
      position: 117842390,
      mappedGene: 'A2M',
      context: 'intron_variant',
      riskAllele: 'T',
    });
    expect(payloads.kindsOf(20)).toEqual(['smiles', 'text']);
    expect(payloads.kindsOf(1)).toEqual([]);
    expect(payloads.aliasesOf(10)).toEqual(['A1BG', 'P04217']);
    expect(edgeAttributes).toEqual([
      {
        head: 40,
        tail: 30,
        relation: 'variant_disease',
        pvalueMlog: 6.522879,
        orBeta: 1.54,
        pubmedId: '17554300',
      },
    ]);
    expect(logger.lines.filter((line) => line.message === 'kg file read')).toHaveLength(9);
    expect(summarizeIngestReport(report)).toContain('edges: 14 kept of 14 rows, 0 duplicates removed');
  });

  it('reads kg_noncommercial only when asked', async () => {
    const { graph, report } = await ingestKg(await tinyKg(), { includeNonCommercial: true });
    expect(graph.edgeCount).toBe(16);
    expect(report.files.find((file) => file.role === 'nonCommercialEdges')).toMatchObject({
      status: 'read',
      rowsRead: 2,
      edgesKept: 2,
    });
    expect(report.edges.byKind).toContainEqual({
      relation: 'drug_effect',
      displayRelation: 'side effect',
      headType: 'drug',
      tailType: 'effect/phenotype',
      edges: 1,
    });
  });

  it('reads plain CSV like gzip, prefers .csv over .csv.gz, and reports absent modality files', async () => {
    const plain = await ingestKg(await tinyKg({ gzip: false, omit: ['drug_smiles', 'kg_noncommercial'] }));
    const gzip = await ingestKg(await tinyKg({ omit: ['drug_smiles', 'kg_noncommercial'] }));
    expect(Array.from(plain.graph.heads)).toEqual(Array.from(gzip.graph.heads));
    expect(plain.report.nodes).toEqual(gzip.report.nodes);
    expect(plain.payloads.molecule(20)).toBeUndefined();
    expect(plain.report.files.find((file) => file.role === 'drugSmiles')).toMatchObject({
      file: 'drug_smiles.csv(.gz)',
      status: 'absent',
    });
    expect(plain.report.payloadCoverage.drug?.smiles).toBe(0);

    const both = await tinyKg({ gzip: false });
    await writeTinyKg(both, { replace: { kg: 'not,a,kg\n' } });
    const preferred = await ingestKg(both);
    expect(preferred.report.files.find((file) => file.role === 'edges')?.file).toBe('kg.csv');
    expect(preferred.graph.edgeCount).toBe(14);
  });

  it('reports progress in bytes against the estimated total', async () => {
    let total = -1;
    let ticked = 0;
    let summary = '';
    const progress: Progress = {
      tick: (delta = 1) => void (ticked += delta),
      update: () => {},
      setTotal: () => {},
      done: (text) => void (summary = text ?? ''),
    };
    const { report } = await ingestKg(await tinyKg(), {
      progress: (bytes) => {
        total = bytes;
        return progress;
      },
    });
    const read = report.files.reduce((sum, file) => sum + file.bytesRead, 0);
    expect(total).toBeGreaterThan(500);
    expect(ticked).toBe(total);
    expect(read).toBe(total);
    expect(summary).toBe('9 nodes, 14 edges, 0 malformed rows');
  });
});

describe('ingestKg: edge rows', () => {
  it('de-duplicates repeated edges and counts them', async () => {
    const rows = [...TINY_EDGES, TINY_EDGES[0]!, TINY_EDGES[0]!, TINY_EDGES[3]!];
    const { graph, report } = await ingestKg(await tinyKg({ replace: { kg: csvOf(rows) } }));
    expect(graph.edgeCount).toBe(14);
    expect(report.edges).toMatchObject({ rowsRead: 17, kept: 14, duplicatesRemoved: 3 });
    expect(report.malformedRows).toBe(0);
  });

  it('appends unknown node types and relations to the registry and reports them', async () => {
    const nodes = TINY_FILES.nodes + '60,NCBITaxon:562,microbe,Escherichia coli,NCBITaxon\n';
    const rows = [
      ...TINY_EDGES,
      'microbe_protein,colonizes,60,NCBITaxon:562,microbe,Escherichia coli,NCBITaxon,10,1,gene/protein,A1BG,NCBI',
      'microbe_protein,colonizes,10,1,gene/protein,A1BG,NCBI,60,NCBITaxon:562,microbe,Escherichia coli,NCBITaxon',
    ];
    const registry = Registry.default();
    const { graph, report } = await ingestKg(await tinyKg({ replace: { nodes, kg: csvOf(rows) } }), {
      registry,
    });
    expect(report.unknownNodeTypes).toEqual([{ name: 'microbe', id: 11, nodes: 1 }]);
    expect(report.unknownRelations).toEqual([{ name: 'colonizes', id: 19, edges: 2 }]);
    expect(graph.registry.typeId('microbe')).toBe(11);
    expect(graph.typeOf(60)).toBe('microbe');
    expect(registry.typeId('microbe')).toBeUndefined();
    expect(summarizeIngestReport(report)).toContain('new relation "colonizes" (id 19): 2 edges');
  });

  it('rejects rows whose endpoints are unknown or disagree with nodes.csv', async () => {
    const rows = [
      ...TINY_EDGES,
      edgeRow('drug_protein', 'target', 20, 11).replace(',20,DB00001,drug,', ',20,DB00001,disease,'),
      edgeRow('drug_protein', 'target', 20, 11).replace(',11,2,gene/protein,', ',99,2,gene/protein,'),
      edgeRow('drug_protein', 'target', 20, 11).replace(',11,2,gene/protein,', ',11,3,gene/protein,'),
      'drug_protein,target,20,DB00001,drug,Lepirudin,DrugBank,abc,2,gene/protein,A2M,NCBI',
    ];
    const { graph, report } = await ingestKg(await tinyKg({ replace: { kg: csvOf(rows) } }), {
      onError: 'skip',
    });
    expect(graph.edgeCount).toBe(14);
    expect(report.malformedRows).toBe(4);
    expect(errorsOf(report)).toMatchInlineSnapshot(`
      [
        "kg.csv.gz line 16, column x_type: 'disease' does not match the type 'drug' of node 20 in nodes.csv.gz",
        "kg.csv.gz line 17, column y_index: node 99 is not in nodes.csv.gz",
        "kg.csv.gz line 18, column y_id: '3' does not match the id '2' of node 11 in nodes.csv.gz",
        "kg.csv.gz line 19, column y_index: expected a non-negative integer, got 'abc'",
      ]
    `);
  });

  it('stops at the first bad row in fail mode (the default)', async () => {
    const rows = [
      ...TINY_EDGES,
      edgeRow('drug_protein', 'target', 20, 11).replace(',20,DB00001,drug,', ',20,DB00001,disease,'),
    ];
    const failure = await rejection(ingestKg(await tinyKg({ replace: { kg: csvOf(rows) } })));
    expect(failure.code).toBe('INVALID_INPUT_FILE');
    expect(failure.message).toBe(
      "kg.csv.gz line 16, column x_type: 'disease' does not match the type 'drug' of node 20 in nodes.csv.gz",
    );
  });

  it('derives nodes from the edge rows when nodes.csv is absent', async () => {
    const rows = [
      ...TINY_EDGES,
      edgeRow('drug_protein', 'target', 20, 11).replace(',20,DB00001,drug,', ',20,DB00001,disease,'),
    ];
    const { graph, report } = await ingestKg(
      await tinyKg({ omit: ['nodes'], replace: { kg: csvOf(rows) } }),
      {
        onError: 'skip',
      },
    );
    expect(report.nodes.derivedFromEdges).toBe(true);
    // Cetuximab (21) has no edge, so it is unknown without nodes.csv, and its description is rejected.
    expect(graph.nodeCount).toBe(8);
    expect(graph.node(40)).toEqual({
      index: 40,
      id: 'rs10104997',
      type: 'variant',
      name: 'rs10104997',
      source: 'dbSNP',
    });
    expect(errorsOf(report)).toEqual([
      "kg.csv.gz line 16, column x_type: 'disease' does not match the type 'drug' of node 20 given on line 4",
      'drug_text.csv.gz line 3, column node_index: node 21 is not in kg.csv.gz (no nodes file; nodes derived from edge rows)',
    ]);
    expect(report.files[0]).toMatchObject({ role: 'nodes', status: 'absent' });
  });
});

describe('ingestKg: nodes and modality files', () => {
  it('rejects a node_index defined twice', async () => {
    const nodes = TINY_FILES.nodes + '20,DB99999,drug,Again,DrugBank\n';
    const { graph, report } = await ingestKg(await tinyKg({ replace: { nodes } }), { onError: 'skip' });
    expect(graph.node(20)?.id).toBe('DB00001');
    expect(errorsOf(report)).toEqual([
      'nodes.csv.gz line 11, column node_index: node 20 is defined twice (first on line 6)',
    ]);
  });

  it('reports modality rows for unknown nodes, wrong types, wrong ids and repeats', async () => {
    const { payloads, edgeAttributes, report } = await ingestKg(
      await tinyKg({
        replace: {
          protein_sequences:
            TINY_FILES.protein_sequences +
            '20,1,X,P1,MK\n77,1,X,P1,MK\n11,9,A2M,P01023,MK\n10,1,A1BG,P04217,MK\n',
          drug_smiles: TINY_FILES.drug_smiles + '21,DB00009,Cetuximab,CC\n',
          text_features: TINY_FILES.text_features + '20,disease,DB00001,Lepirudin,def\n',
          variant_features: TINY_FILES.variant_features + '30,DOID:0050156,1,1,,,\n',
          edge_attributes:
            TINY_FILES.edge_attributes + '40,11,variant_disease,1,1,1\n40,30,variant_disease,2,2,2\n',
        },
      }),
      { onError: 'skip' },
    );
    expect(errorsOf(report)).toMatchInlineSnapshot(`
      [
        "protein_sequences.csv.gz line 4, column node_index: node 20 is a drug node, not gene/protein",
        "protein_sequences.csv.gz line 5, column node_index: node 77 is not in nodes.csv.gz",
        "protein_sequences.csv.gz line 6, column entrez_id: '9' does not match the id '2' of node 11 in nodes.csv.gz",
        "protein_sequences.csv.gz line 7, column node_index: node 10 already has a protein sequence",
        "drug_smiles.csv.gz line 3, column drugbank_id: 'DB00009' does not match the id 'DB00002' of node 21 in nodes.csv.gz",
        "text_features.csv.gz line 6, column node_type: 'disease' does not match the type 'drug' of node 20 in nodes.csv.gz",
        "variant_features.csv.gz line 3, column node_index: node 30 is a disease node, not variant",
        "edge_attributes.csv.gz line 3: there is no variant_disease edge from node 40 to node 11",
        "edge_attributes.csv.gz line 4: repeats the attributes of the variant_disease edge 40 → 30",
      ]
    `);
    expect(payloads.protein(10)?.sequence).toBe('MSMLVVFLLLWGVTWGPVTEAAIFYETQPSLW');
    expect(payloads.molecule(21)).toBeUndefined();
    expect(edgeAttributes).toHaveLength(1);
    expect(report.payloadCoverage['gene/protein']?.sequence).toBe(2);
    expect(report.files.find((file) => file.role === 'proteinSequences')).toMatchObject({
      rowsRead: 6,
      rowsSkipped: 4,
      payloadsKept: 2,
    });
  });
});

describe('ingestKg: directory problems', () => {
  it('fails clearly without a directory or without kg.csv', async () => {
    await expect(ingestKg(join(root.path, 'nowhere'))).rejects.toThrow(
      /KG directory .*nowhere cannot be read/,
    );
    const directory = await tinyKg({ omit: ['kg'] });
    await expect(ingestKg(directory)).rejects.toThrow(`${directory} has neither kg.csv nor kg.csv.gz`);
  });
});

function csvOf(rows: string[]): string {
  return `${TINY_FILES.kg!.split('\n')[0]}\n${rows.join('\n')}\n`;
}
