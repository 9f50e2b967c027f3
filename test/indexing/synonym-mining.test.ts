import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  lookupEntriesWithReport,
  readLookupEntries,
  writeLookupEntries,
} from '../../src/indexing/lookup-entries.js';
import type { SynonymMiningReport } from '../../src/indexing/synonym-mining.js';
import { ingestKg, type IngestResult } from '../../src/kg/ingest.js';
import { createEntityLinker } from '../../src/linking/entity-linker.js';
import type { NameEntry } from '../../src/store/name-lookup.js';

/**
 * A small KG in PrimeKG format whose texts are the shared KG's own rows (DrugBank descriptions,
 * DO definitions, GWAS Catalog mapped genes), plus one made-up drug whose "trade name" is another
 * drug's name, to check that a mined name never takes a real one.
 */
const NODES: [number, string, string, string, string][] = [
  [0, 'DOID:332', 'disease', 'amyotrophic lateral sclerosis', 'DOID'],
  [1, 'DOID:526', 'disease', 'Human immunodeficiency virus infectious disease', 'DOID'],
  [2, 'DOID:6677', 'disease', 'diffuse infiltrative lymphocytosis syndrome', 'DOID'],
  [3, 'HP:0007354', 'effect/phenotype', 'Amyotrophic lateral sclerosis', 'HPO'],
  [10, '5071', 'gene/protein', 'PRKN', 'NCBI'],
  [11, '6622', 'gene/protein', 'SNCA', 'NCBI'],
  [12, '7253', 'gene/protein', 'TSHR', 'NCBI'],
  [20, 'DB01076', 'drug', 'Atorvastatin', 'DrugBank'],
  [21, 'DB00316', 'drug', 'Acetaminophen', 'DrugBank'],
  [22, 'DB05025', 'drug', 'Arimoclomol', 'DrugBank'],
  [23, 'DB99999', 'drug', 'Examplumab', 'DrugBank'],
  [30, 'PC7_4365', 'pathway', 'HIV Infection', 'REACTOME'],
  [40, 'rs3016539', 'variant', 'rs3016539', 'dbSNP'],
  [41, 'rs926849', 'variant', 'rs926849', 'dbSNP'],
  [42, 'rs17111530', 'variant', 'rs17111530', 'dbSNP'],
];

const EDGES: [string, string, number, number][] = [
  ['variant_protein', 'maps to', 40, 10],
  ['variant_protein', 'maps to', 41, 10],
  ['variant_protein', 'maps to', 41, 11],
  ['variant_protein', 'maps to', 42, 12],
  ['indication', 'indication', 22, 0],
  ['disease_disease', 'parent-child', 2, 1],
  ['pathway_protein', 'interacts with', 30, 11],
];

const FILES: Record<string, string> = {
  nodes: csv(
    'node_index,node_id,node_type,node_name,node_source',
    NODES.map((node) => node.map(quote).join(',')),
  ),
  kg: csv(
    'relation,display_relation,x_index,x_id,x_type,x_name,x_source,y_index,y_id,y_type,y_name,y_source',
    EDGES.flatMap(([relation, display, x, y]) => [
      edge(relation, display, x, y),
      edge(relation, display, y, x),
    ]),
  ),
  drug_text: csv('node_index,drugbank_id,name,description', [
    '20,DB01076,Atorvastatin,"Atorvastatin (Lipitor) is a member of the drug class known as statins. It is used for lowering cholesterol."',
    '21,DB00316,Acetaminophen,"Acetaminophen, also known as paracetamol, is commonly used for its analgesic and antipyretic effects."',
    '22,DB05025,Arimoclomol,"Arimoclomol is an experimental drug compound developed by CytRx Corporation. The orally administered drug is intended to treat amyotrophic lateral sclerosis (ALS)."',
    '23,DB99999,Examplumab,"Examplumab (trade name Atorvastatin) is a made-up antibody."',
  ]),
  text_features: csv('node_index,node_type,node_id,name,definition', [
    '0,disease,DOID:332,amyotrophic lateral sclerosis,"A motor neuron disease that is characterized by muscle spasticity."',
    '1,disease,DOID:526,Human immunodeficiency virus infectious disease,"A viral infectious disease that results_in destruction of immune system."',
    '2,disease,DOID:6677,diffuse infiltrative lymphocytosis syndrome,"A syndrome that occurs in human immunodeficiency virus (HIV) positive patients, which is accompanied by decreased kidney function."',
    '3,effect/phenotype,HP:0007354,Amyotrophic lateral sclerosis,',
  ]),
  variant_features: csv('node_index,rsid,chrom,pos,mapped_gene,context,risk_allele', [
    '40,rs3016539,6,161815043,PARK2,intron,A',
    '41,rs926849,6,161740587,PARK2 - SNCA,intron,C',
    '42,rs17111530,14,81132568,LOC101928431,intron;intron,T',
  ]),
};

function edge(relation: string, display: string, x: number, y: number): string {
  const node = (index: number) => {
    const [nodeIndex, id, type, name, source] = NODES.find((candidate) => candidate[0] === index)!;
    return [nodeIndex, id, type, quote(name), source].join(',');
  };
  return `${relation},${display},${node(x)},${node(y)}`;
}

function csv(header: string, rows: readonly string[]): string {
  return `${header}\n${rows.join('\n')}\n`;
}

function quote(value: string | number): string {
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

describe('synonym mining at ingest', () => {
  let directory: string;
  let ingested: IngestResult;
  let entries: NameEntry[];
  let report: SynonymMiningReport;
  const synonymsOf = (id: string) =>
    (entries.find((entry) => entry.id === id)?.synonyms ?? []).map(
      (synonym) => `${synonym.text} | ${synonym.source}`,
    );

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'synonym-mining-'));
    for (const [baseName, content] of Object.entries(FILES))
      await writeFile(join(directory, `${baseName}.csv`), content);
    ingested = await ingestKg(directory);
    ({ entries, synonyms: report } = lookupEntriesWithReport(ingested.graph, ingested.payloads));
  });

  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('mines drug names, defined abbreviations, infection forms and older gene symbols, with their source', () => {
    expect(synonymsOf('DB01076')).toEqual(['Lipitor | drug-description:also-known-as']);
    expect(synonymsOf('DB00316')).toEqual(['paracetamol | drug-description:also-known-as']);
    // "amyotrophic lateral sclerosis (ALS)" in Arimoclomol's description names the disease and
    // the phenotype of that name, not the drug.
    expect(synonymsOf('DOID:332')).toEqual(['ALS | text:abbreviation']);
    expect(synonymsOf('HP:0007354')).toEqual(['ALS | text:abbreviation']);
    expect(synonymsOf('DB05025')).toEqual([]);
    expect(synonymsOf('DOID:526')).toEqual([
      'Human immunodeficiency virus infection | name:infection-form',
      'HIV infectious disease | name:abbreviated',
      'HIV infection | name:abbreviated',
    ]);
    // Both GWAS rows list PARK2, which no gene is called any more, beside the renamed gene PRKN.
    expect(synonymsOf('5071')).toEqual(['PARK2 | gwas-catalog:mapped-gene']);
    expect(synonymsOf('6622')).toEqual([]);
    // LOC101928431 is the placeholder of Entrez gene 101928431, so not an older name of TSHR (7253).
    expect(synonymsOf('7253')).toEqual([]);
  });

  it("drops a mined name that already is another drug's name, and counts it", () => {
    expect(synonymsOf('DB99999')).toEqual([]);
    expect(report.droppedTaken).toBe(1);
    // "HIV infection" is also the Reactome pathway's name: kept, and the linker says ambiguous.
    expect(report.sharedWithName).toBe(1);
    expect(report.kept['gwas-catalog:mapped-gene']).toBe(1);
    expect(report.nodes).toBe(6);
  });

  it('links the mined names below exact names, with provenance and the ambiguity reported', () => {
    const linker = createEntityLinker(entries);
    const result = linker.link('Does Lipitor or paracetamol help in HIV infection, or with ALS and PARK2?');
    const summary = result.spans.map((span) => ({
      surface: span.surface,
      top: span.candidates[0]?.id,
      matchedBy: span.candidates[0]?.matchedBy,
      source: span.candidates[0]?.source,
      ambiguous: span.ambiguous,
    }));
    expect(summary).toEqual([
      {
        surface: 'Lipitor',
        top: 'DB01076',
        matchedBy: 'synonym',
        source: 'drug-description:also-known-as',
        ambiguous: false,
      },
      {
        surface: 'paracetamol',
        top: 'DB00316',
        matchedBy: 'synonym',
        source: 'drug-description:also-known-as',
        ambiguous: false,
      },
      {
        surface: 'HIV infection',
        top: 'DOID:526',
        matchedBy: 'synonym',
        source: 'name:abbreviated',
        ambiguous: true,
      },
      { surface: 'ALS', top: 'DOID:332', matchedBy: 'synonym', source: 'text:abbreviation', ambiguous: true },
      {
        surface: 'PARK2',
        top: '5071',
        matchedBy: 'synonym',
        source: 'gwas-catalog:mapped-gene',
        ambiguous: false,
      },
    ]);
    const hiv = result.spans[2]!;
    expect(hiv.candidates.map((candidate) => candidate.id)).toEqual(['DOID:526', 'PC7_4365']);
    expect(hiv.candidates[0]!.score).toBeLessThan(hiv.candidates[1]!.score);
    // An abbreviation counts only in its own capitals; the exact name still scores 1.
    expect(linker.link('als is common').spans).toEqual([]);
    expect(linker.resolve('Atorvastatin')[0]).toMatchObject({ id: 'DB01076', score: 1, matchedBy: 'exact' });
    expect(linker.resolve('Atorvastatin')[0]?.source).toBeUndefined();
  });

  it('stores the synonyms in the index and still reads a table written before them', async () => {
    await writeLookupEntries(directory, ingested.graph, ingested.payloads);
    const read = await readLookupEntries(directory);
    expect(read.find((entry) => entry.id === 'DB01076')?.synonyms).toEqual([
      { text: 'Lipitor', source: 'drug-description:also-known-as' },
    ]);
    const older = read.map(({ synonyms: _dropped, ...entry }) => entry);
    expect(createEntityLinker(older).link('Does Lipitor lower cholesterol?').spans).toEqual([]);
  });
});
