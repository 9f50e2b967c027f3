import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { lookupEntries } from '../../../src/indexing/lookup-entries.js';
import { ingestKg } from '../../../src/kg/ingest.js';
import { createNameLookup, type NameEntry, type NameLookup } from '../../../src/store/name-lookup.js';

const repoRoot = resolve(fileURLToPath(import.meta.url), '../../../..');
const kgDirectory = resolve(repoRoot, '../shared/kg');

/** The entries an index built from ../shared/kg holds: names, ids and aliases (UniProt ids…). */
async function loadEntries(): Promise<NameEntry[]> {
  const { graph, payloads } = await ingestKg(kgDirectory, { onError: 'skip' });
  return lookupEntries(graph, payloads);
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
