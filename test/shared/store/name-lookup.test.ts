import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { createNameLookup, type NameEntry, type NameLookup } from '../../../src/store/name-lookup.js';

const repoRoot = resolve(fileURLToPath(import.meta.url), '../../../..');
const kgDirectory = resolve(repoRoot, '../shared/kg');

async function readCsv(file: string): Promise<Record<string, string>[]> {
  return parse(gunzipSync(await readFile(join(kgDirectory, file))), { columns: true }) as Record<
    string,
    string
  >[];
}

/** Node names and ids from nodes.csv, UniProt accessions from protein_sequences.csv as aliases. */
async function loadEntries(): Promise<NameEntry[]> {
  const entries = new Map<number, NameEntry>();
  for (const row of await readCsv('nodes.csv.gz')) {
    const nodeIndex = Number(row.node_index);
    entries.set(nodeIndex, {
      nodeIndex,
      type: row.node_type!,
      name: row.node_name!,
      id: row.node_id!,
      aliases: [],
    });
  }
  for (const row of await readCsv('protein_sequences.csv.gz')) {
    if (row.uniprot_id) entries.get(Number(row.node_index))?.aliases.push(row.uniprot_id);
  }
  return [...entries.values()];
}

describe('name lookup on the shared KG', () => {
  let lookup: NameLookup;

  beforeAll(async () => {
    lookup = createNameLookup(await loadEntries());
  });

  it('indexes every node', () => {
    expect(lookup.size.entries).toBe(75_676);
  });

  it('finds drugs, genes and diseases by name, id and UniProt accession', () => {
    expect(lookup.lookup('imatinib')[0]).toMatchObject({
      id: 'DB00619',
      type: 'drug',
      matchKind: 'case-insensitive',
    });
    expect(lookup.lookup('DB00619')[0]).toMatchObject({ name: 'Imatinib', matchKind: 'exact' });
    expect(lookup.lookup('TP53')[0]).toMatchObject({ id: '7157', type: 'gene/protein', matchKind: 'exact' });
    expect(lookup.lookup('P04637')[0]).toMatchObject({ name: 'TP53' });
    expect(lookup.lookup('DOID:1612')[0]).toMatchObject({ name: 'breast cancer' });
    // WikiPathways has a pathway "Alzheimers Disease": a closer match than DO's "Alzheimer's disease".
    expect(
      lookup.lookup('alzheimers disease').map((candidate) => [candidate.id, candidate.matchKind]),
    ).toEqual([
      ['WP2059_r82906', 'case-insensitive'],
      ['DOID:10652', 'normalized'],
    ]);
  });

  it('corrects typos', () => {
    expect(lookup.lookup('imatinb')[0]).toMatchObject({ name: 'Imatinib', matchKind: 'fuzzy' });
    expect(lookup.lookup('cellular respose to water deprivation')[0]).toMatchObject({
      name: 'cellular response to water deprivation',
      matchKind: 'fuzzy',
    });
  });

  it('keeps same-named nodes of different types apart with a type filter', () => {
    expect(lookup.lookup('asthma').map((candidate) => candidate.type)).toEqual([
      'disease',
      'effect/phenotype',
    ]);
    expect(lookup.lookup('asthma', { types: ['effect/phenotype'] })[0]).toMatchObject({ id: 'HP:0002099' });
  });

  it('finds the entities of example questions', () => {
    const mentions = (text: string) =>
      lookup.findMentions(text).map((mention) => [mention.text, mention.candidates[0]?.id]);
    expect(mentions('Which proteins does imatinib target?')).toEqual([['imatinib', 'DB00619']]);
    expect(mentions('What is the role of TP53 in breast cancer?')).toEqual([
      ['TP53', '7157'],
      ['breast cancer', 'DOID:1612'],
    ]);
    expect(mentions('Does the cat set an impact on MET?')).toEqual([['MET', '4233']]);
  });
});
