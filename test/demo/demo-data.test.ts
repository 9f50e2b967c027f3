import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { NODE_TYPES, compareNodes } from '../../scripts/demo/assemble.js';
import { decodeCsvFile, parseCsvHeader, parseCsvRecords, type CsvRecord } from '../../scripts/demo/csv.js';
import { readSeed, type Seed } from '../../scripts/demo/seed.js';
import {
  DEMO_FILES,
  DRUG_SMILES_HEADER,
  KG_HEADER,
  NODES_HEADER,
  PROTEIN_SEQUENCES_HEADER,
  TEXT_FEATURES_HEADER,
} from '../../scripts/demo/write-output.js';

/** Well-formedness of the committed demo KG in data/demo (no ../shared needed). */
const demoDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../data/demo');
const MAX_DEMO_BYTES = 3 * 1024 * 1024;

const EXPECTED_EDGE_KINDS = [
  'bioprocess_bioprocess|parent-child',
  'bioprocess_protein|interacts with',
  'cellcomp_cellcomp|parent-child',
  'cellcomp_protein|interacts with',
  'disease_protein|associated with',
  'drug_protein|target',
  'indication|indication',
  'molfunc_molfunc|parent-child',
  'molfunc_protein|interacts with',
];

function readText(file: string): string {
  return decodeCsvFile(file, readFileSync(join(demoDir, file)));
}

function directorySize(directory: string): number {
  let total = 0;
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    total += entry.isDirectory() ? directorySize(path) : statSync(path).size;
  }
  return total;
}

describe('data/demo (built demo KG)', () => {
  const texts = new Map<string, string>();
  let nodes: CsvRecord[];
  let edges: CsvRecord[];
  let smiles: CsvRecord[];
  let sequences: CsvRecord[];
  let textFeatures: CsvRecord[];
  let seed: Seed;

  beforeAll(async () => {
    for (const file of Object.values(DEMO_FILES)) texts.set(file, readText(file));
    const records = (file: string) => parseCsvRecords(texts.get(file) ?? '');
    nodes = records(DEMO_FILES.nodes);
    edges = records(DEMO_FILES.kg);
    smiles = records(DEMO_FILES.drugSmiles);
    sequences = records(DEMO_FILES.proteinSequences);
    textFeatures = records(DEMO_FILES.textFeatures);
    seed = await readSeed(join(demoDir, 'seed'));
  });

  it.each([
    [DEMO_FILES.kg, KG_HEADER],
    [DEMO_FILES.nodes, NODES_HEADER],
    [DEMO_FILES.proteinSequences, PROTEIN_SEQUENCES_HEADER],
    [DEMO_FILES.drugSmiles, DRUG_SMILES_HEADER],
    [DEMO_FILES.textFeatures, TEXT_FEATURES_HEADER],
  ])('%s has the PrimeKG-format header', (file, header) => {
    expect(parseCsvHeader(texts.get(file) ?? '')).toEqual([...header]);
  });

  it('stays under 3 MB in all (seed, sources and stats included)', () => {
    expect(directorySize(demoDir)).toBeLessThan(MAX_DEMO_BYTES);
  });

  it('node_index is dense 0..N-1, in node_type then node_id order, with unique ids', () => {
    expect(nodes.length).toBeGreaterThan(1000);
    const misplaced: string[] = [];
    nodes.forEach((node, position) => {
      if (node.node_index !== String(position))
        misplaced.push(`row ${position} has node_index ${node.node_index}`);
      const previous = nodes[position - 1];
      if (previous === undefined) return;
      const order = compareNodes(
        { type: previous.node_type ?? '', id: previous.node_id ?? '' },
        { type: node.node_type ?? '', id: node.node_id ?? '' },
      );
      if (order >= 0) misplaced.push(`${previous.node_id} is not before ${node.node_id}`);
    });
    expect(misplaced).toEqual([]);
  });

  it('has the six node types with the expected id formats and sources', () => {
    const types = new Set(nodes.map((node) => node.node_type));
    expect([...types].sort()).toEqual(Object.values(NODE_TYPES).sort());
    const patterns: Record<string, RegExp> = {
      [NODE_TYPES.drug]: /^DB\d{5}$/,
      [NODE_TYPES.gene]: /^\d+$/,
      [NODE_TYPES.disease]: /^(DOID:\d+|name:[a-z0-9_'-]+)$/,
      [NODE_TYPES.biologicalProcess]: /^GO:\d{7}$/,
      [NODE_TYPES.molecularFunction]: /^GO:\d{7}$/,
      [NODE_TYPES.cellularComponent]: /^GO:\d{7}$/,
    };
    const malformed = nodes
      .filter(
        (node) =>
          !(patterns[node.node_type ?? '']?.test(node.node_id ?? '') ?? false) || node.node_name === '',
      )
      .map((node) => `${node.node_type} ${node.node_id}`);
    expect(malformed).toEqual([]);
  });

  it('every edge endpoint is a node, with the id, type, name and source of that node', () => {
    const wrong: string[] = [];
    for (const edge of edges)
      for (const side of ['x', 'y'] as const) {
        const node = nodes[Number(edge[`${side}_index`])];
        const inEdge = [
          edge[`${side}_id`],
          edge[`${side}_type`],
          edge[`${side}_name`],
          edge[`${side}_source`],
        ].join('|');
        const inNodes =
          node === undefined
            ? 'no such node'
            : [node.node_id, node.node_type, node.node_name, node.node_source].join('|');
        if (inEdge !== inNodes)
          wrong.push(`${edge.relation} ${side}_index ${edge[`${side}_index`]}: ${inEdge} vs ${inNodes}`);
      }
    expect(wrong.slice(0, 10)).toEqual([]);
  });

  it('lists every edge in both directions, once each, with only the expected relations', () => {
    const key = (relation: string, display: string, x: string, y: string) =>
      `${relation}|${display}|${x}|${y}`;
    const rows = edges.map((edge) =>
      key(edge.relation ?? '', edge.display_relation ?? '', edge.x_index ?? '', edge.y_index ?? ''),
    );
    const set = new Set(rows);
    expect(set.size, 'duplicate kg rows').toBe(rows.length);
    const withoutReverse = edges
      .filter(
        (edge) =>
          !set.has(
            key(edge.relation ?? '', edge.display_relation ?? '', edge.y_index ?? '', edge.x_index ?? ''),
          ),
      )
      .map((edge) => `${edge.relation} ${edge.x_id}->${edge.y_id}`);
    expect(withoutReverse).toEqual([]);
    expect([...new Set(edges.map((edge) => `${edge.relation}|${edge.display_relation}`))].sort()).toEqual(
      EXPECTED_EDGE_KINDS,
    );
  });

  it('connects every node', () => {
    const connected = new Set(edges.flatMap((edge) => [edge.x_index, edge.y_index]));
    const isolated = nodes.filter((node) => !connected.has(node.node_index)).map((node) => node.node_id);
    expect(isolated).toEqual([]);
  });

  it('gives every drug exactly one SMILES and every protein exactly one sequence', () => {
    const drugs = nodes.filter((node) => node.node_type === NODE_TYPES.drug);
    expect(smiles.map((row) => [row.node_index, row.drugbank_id, row.name])).toEqual(
      drugs.map((node) => [node.node_index, node.node_id, node.node_name]),
    );
    expect(smiles.filter((row) => !/^\S+$/.test(row.smiles ?? '')).map((row) => row.drugbank_id)).toEqual([]);

    const genes = nodes.filter((node) => node.node_type === NODE_TYPES.gene);
    expect(sequences.map((row) => [row.node_index, row.entrez_id, row.symbol])).toEqual(
      genes.map((node) => [node.node_index, node.node_id, node.node_name]),
    );
    const uniprotAccession = /^[OPQ][0-9][A-Z0-9]{3}[0-9]$|^[A-NR-Z][0-9]([A-Z][A-Z0-9]{2}[0-9]){1,2}$/;
    const malformed = sequences
      .filter(
        (row) => !/^[A-Z]{30,}$/.test(row.sequence ?? '') || !uniprotAccession.test(row.uniprot_id ?? ''),
      )
      .map((row) => row.symbol);
    expect(malformed).toEqual([]);
  });

  it('gives every disease and GO node one text_features row, most with a definition', () => {
    const textNodes = nodes.filter(
      (node) => node.node_type !== NODE_TYPES.drug && node.node_type !== NODE_TYPES.gene,
    );
    expect(textFeatures.map((row) => [row.node_index, row.node_type, row.node_id, row.name])).toEqual(
      textNodes.map((node) => [node.node_index, node.node_type, node.node_id, node.node_name]),
    );
    const diseasesWithoutDefinition = textFeatures.filter(
      (row) => row.node_type === NODE_TYPES.disease && row.definition === '',
    );
    expect(diseasesWithoutDefinition.map((row) => row.node_id)).toEqual([]);
    const withDefinition = textFeatures.filter((row) => row.definition !== '').length;
    expect(withDefinition / textFeatures.length).toBeGreaterThan(0.8);
  });

  it('is up to date with the seed: the same drugs, and every seed disease', () => {
    expect(smiles.map((row) => row.drugbank_id).sort()).toEqual(
      seed.drugs.map((drug) => drug.drugbankId).sort(),
    );
    const smilesById = new Map(smiles.map((row) => [row.drugbank_id, row.smiles]));
    expect(
      seed.drugs
        .filter((drug) => smilesById.get(drug.drugbankId) !== drug.smiles)
        .map((drug) => drug.drugbankId),
    ).toEqual([]);
    const diseaseIds = new Set(
      nodes.filter((node) => node.node_type === NODE_TYPES.disease).map((node) => node.node_id),
    );
    expect(
      seed.diseases.filter((disease) => !diseaseIds.has(disease.id)).map((disease) => disease.id),
    ).toEqual([]);
  });

  it('contains the demo acceptance examples (imatinib and the EGFR inhibitors with their targets)', () => {
    const targetsOf = (drugName: string) =>
      edges
        .filter((edge) => edge.relation === 'drug_protein' && edge.x_name === drugName)
        .map((edge) => edge.y_name)
        .sort();
    expect(targetsOf('Imatinib')).toEqual(['ABL1', 'KIT', 'PDGFRA', 'PDGFRB']);
    for (const drug of ['Gefitinib', 'Erlotinib', 'Afatinib', 'Lapatinib', 'Vandetanib'])
      expect(targetsOf(drug), drug).toContain('EGFR');
    for (const drug of ['Dasatinib', 'Nilotinib', 'Sorafenib', 'Sunitinib'])
      expect(targetsOf(drug).length, drug).toBeGreaterThan(0);
    const indications = edges
      .filter((edge) => edge.relation === 'indication' && edge.x_name === 'Imatinib')
      .map((edge) => edge.y_name)
      .sort();
    expect(indications).toContain('chronic myeloid leukemia');
  });
});
