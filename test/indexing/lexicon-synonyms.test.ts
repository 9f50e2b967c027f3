import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lookupEntriesWithReport } from '../../src/indexing/lookup-entries.js';
import { loadNameLexicons, readWordnet, type NameLexicons } from '../../src/indexing/name-lexicons.js';
import { ingestKg, type IngestResult } from '../../src/kg/ingest.js';
import { parseWordnetData } from '../../src/kg/wordnet-synsets.js';
import { createEntityLinker } from '../../src/linking/entity-linker.js';
import type { NameEntry } from '../../src/store/name-lookup.js';

/**
 * Names from the optional vocabularies outside the KG: WordNet synsets (real `data.noun` lines in
 * test/fixtures/wordnet) and NCBI gene names and alias symbols (an `org.Hs.eg.sqlite` with the real
 * schema and the real rows of six genes, written with the sqlite3 command).
 */
const WORDNET_DIRECTORY = fileURLToPath(new URL('../fixtures/wordnet', import.meta.url));

const NODES: [number, string, string, string, string][] = [
  [0, 'GO:0040007', 'biological_process', 'growth', 'GO'],
  [1, 'DOID:332', 'disease', 'amyotrophic lateral sclerosis', 'DOID'],
  [2, 'DOID:635', 'disease', 'acquired immunodeficiency syndrome', 'DOID'],
  [3, 'DOID:5844', 'disease', 'myocardial infarction', 'DOID'],
  [4, 'DOID:8469', 'disease', 'influenza', 'DOID'],
  [5, 'DOID:10459', 'disease', 'common cold', 'DOID'],
  [6, 'DB00316', 'drug', 'Acetaminophen', 'DrugBank'],
  [7, 'HP:0000716', 'effect/phenotype', 'Depression', 'HPO'],
  [8, 'HP:0007354', 'effect/phenotype', 'Amyotrophic lateral sclerosis', 'HPO'],
  [9, 'DOID:8552', 'disease', 'chronic myeloid leukemia', 'DOID'],
  [10, '1956', 'gene/protein', 'EGFR', 'NCBI'],
  [16, '613', 'gene/protein', 'BCR', 'NCBI'],
  [17, '1938', 'gene/protein', 'EEF2', 'NCBI'],
  [18, '1977', 'gene/protein', 'EIF4E', 'NCBI'],
  [19, '1981', 'gene/protein', 'EIF4G1', 'NCBI'],
  [20, '51364', 'gene/protein', 'ZMYND10', 'NCBI'],
  [21, 'GO:0006412', 'biological_process', 'translation', 'GO'],
  [22, 'GO:0000041', 'biological_process', 'transition metal ion transport', 'GO'],
  [23, 'GO:0000086', 'biological_process', 'G2/M transition of mitotic cell cycle', 'GO'],
  [11, '2064', 'gene/protein', 'ERBB2', 'NCBI'],
  [12, '3483', 'gene/protein', 'IGFALS', 'NCBI'],
  [13, '4149', 'gene/protein', 'MAX', 'NCBI'],
  [14, '6647', 'gene/protein', 'SOD1', 'NCBI'],
  [15, '7157', 'gene/protein', 'TP53', 'NCBI'],
];
const EDGES: [string, string, number, number][] = [
  ['disease_protein', 'associated with', 1, 14],
  ['protein_protein', 'ppi', 10, 11],
  ['protein_protein', 'ppi', 12, 13],
  ['protein_protein', 'ppi', 15, 10],
  ['disease_phenotype_positive', 'phenotype present', 1, 8],
  ['disease_phenotype_positive', 'phenotype present', 4, 7],
  ['disease_disease', 'parent-child', 5, 4],
  ['disease_disease', 'parent-child', 3, 2],
  ['bioprocess_protein', 'interacts with', 0, 10],
  ['disease_protein', 'associated with', 9, 16],
  ['bioprocess_protein', 'interacts with', 21, 17],
  ['bioprocess_protein', 'interacts with', 21, 18],
  ['bioprocess_protein', 'interacts with', 21, 19],
  ['bioprocess_protein', 'interacts with', 22, 20],
  ['bioprocess_protein', 'interacts with', 23, 20],
];

/** org.Hs.eg.db 3.16's schema (the three tables read) and its rows for the six genes above. */
const GENE_INFO_SQL = `
CREATE TABLE genes (_id INTEGER PRIMARY KEY, gene_id VARCHAR(10) NOT NULL UNIQUE);
CREATE TABLE gene_info (_id INTEGER NOT NULL UNIQUE, gene_name VARCHAR(255) NOT NULL, symbol VARCHAR(80) NOT NULL);
CREATE TABLE alias (_id INTEGER NOT NULL, alias_symbol VARCHAR(80) NOT NULL);
INSERT INTO genes VALUES (1,'1956'),(2,'2064'),(3,'3483'),(4,'4149'),(5,'6647'),(6,'7157'),(7,'613'),
  (8,'1938'),(9,'1977'),(10,'1981'),(11,'51364');
INSERT INTO gene_info VALUES
  (1,'epidermal growth factor receptor','EGFR'), (2,'erb-b2 receptor tyrosine kinase 2','ERBB2'),
  (3,'insulin like growth factor binding protein acid labile subunit','IGFALS'),
  (4,'MYC associated factor X','MAX'), (5,'superoxide dismutase 1','SOD1'), (6,'tumor protein p53','TP53'),
  (7,'BCR activator of RhoGEF and GTPase','BCR'), (8,'eukaryotic translation elongation factor 2','EEF2'),
  (9,'eukaryotic translation initiation factor 4E','EIF4E'),
  (10,'eukaryotic translation initiation factor 4 gamma 1','EIF4G1'),
  (11,'zinc finger MYND-type containing 10','ZMYND10');
INSERT INTO alias VALUES
  (1,'ERBB'),(1,'ERBB1'),(1,'ERRP'),(1,'HER1'),(1,'NISBD2'),(1,'PIG61'),(1,'mENA'),(1,'EGFR'),
  (2,'CD340'),(2,'HER-2'),(2,'HER-2/neu'),(2,'HER2'),(2,'MLN 19'),(2,'MLN-19'),(2,'NEU'),(2,'NGL'),
  (2,'TKR1'),(2,'VSCN2'),(2,'c-ERB-2'),(2,'c-ERB2'),(2,'p185(erbB2)'),(2,'ERBB2'),
  (3,'ACLSD'),(3,'ALS'),(3,'IGFALS'),(4,'bHLHd4'),(4,'MAX'),
  (5,'ALS'),(5,'ALS1'),(5,'HEL-S-44'),(5,'IPOA'),(5,'SOD'),(5,'STAHP'),(5,'hSod1'),(5,'homodimer'),(5,'SOD1'),
  (6,'BCC7'),(6,'BMFS5'),(6,'LFS1'),(6,'P53'),(6,'TRP53'),(6,'TP53'),
  (7,'ALL'),(7,'BCR1'),(7,'CML'),(7,'D22S11'),(7,'D22S662'),(7,'PHL'),(7,'BCR'),
  (11,'BLU'),(11,'CILD22'),(11,'DNAAF7'),(11,'FLU'),(11,'ZMYND10');
`;

describe('synonyms from name vocabularies outside the KG', () => {
  let directory: string;
  let ingested: IngestResult;
  let lexicons: NameLexicons;
  let entries: NameEntry[];
  let linker: ReturnType<typeof createEntityLinker>;
  const synonymsOf = (id: string, from: NameEntry[] = entries) =>
    (from.find((entry) => entry.id === id)?.synonyms ?? []).map(
      (synonym) => `${synonym.text} | ${synonym.source}`,
    );
  const top = (text: string) =>
    linker.link(text).spans.map((span) => [span.surface, span.candidates[0]?.id, span.candidates[0]?.source]);

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'lexicon-synonyms-'));
    const node = (index: number) => NODES.find((candidate) => candidate[0] === index)!.join(',');
    await writeFile(
      join(directory, 'nodes.csv'),
      ['node_index,node_id,node_type,node_name,node_source', ...NODES.map((row) => row.join(','))].join('\n'),
    );
    await writeFile(
      join(directory, 'kg.csv'),
      [
        'relation,display_relation,x_index,x_id,x_type,x_name,x_source,y_index,y_id,y_type,y_name,y_source',
        ...EDGES.flatMap(([relation, display, x, y]) => [
          `${relation},${display},${node(x)},${node(y)}`,
          `${relation},${display},${node(y)},${node(x)}`,
        ]),
      ].join('\n'),
    );
    const geneInfo = join(directory, 'org.Hs.eg.sqlite');
    await promisify(execFile)('sqlite3', [geneInfo, GENE_INFO_SQL]);
    ingested = await ingestKg(directory);
    lexicons = await loadNameLexicons({ geneInfo, wordnet: WORDNET_DIRECTORY });
    entries = lookupEntriesWithReport(ingested.graph, ingested.payloads, lexicons).entries;
    linker = createEntityLinker(entries);
  });

  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('reads WordNet synsets with their words, spaces for underscores, skipping the licence header', () => {
    const synsets = parseWordnetData(
      '  1 This software and database is being provided\n' +
        "14105737 26 n 03 amyotrophic_lateral_sclerosis 0 ALS 0 Lou_Gehrig's_disease 0 002 @ 14084880 n 0000 | thickening\n",
    );
    expect(synsets).toEqual([
      {
        offset: '14105737',
        lexFile: 26,
        pos: 'n',
        lemmas: ['amyotrophic lateral sclerosis', 'ALS', "Lou Gehrig's disease"],
      },
    ]);
  });

  it('gives a node the other words of its WordNet synset, eponyms and lay names included', () => {
    expect(synonymsOf('DOID:332')).toEqual([
      'ALS | wordnet:synonym',
      "Lou Gehrig's disease | wordnet:synonym",
    ]);
    // The phenotype of the same name is the same name: both get them (the linker ranks the disease first).
    expect(synonymsOf('HP:0007354')).toEqual(synonymsOf('DOID:332'));
    expect(synonymsOf('DOID:8469')).toEqual(['flu | wordnet:synonym', 'grippe | wordnet:synonym']);
    expect(synonymsOf('DB00316')).toContain('Tylenol | wordnet:synonym');
    // WordNet writes "acquired immune deficiency syndrome": one letter from the DO name.
    expect(synonymsOf('DOID:635')).toEqual(['AIDS | wordnet:synonym']);
  });

  it('gives no word that has another sense, nor any word through a polysemous match', () => {
    // "cold" is also the sensation: the common cold does not get it.
    expect(synonymsOf('DOID:10459')).toEqual([]);
    // "depression" is also the economic slump: its synset's other words go nowhere.
    expect(synonymsOf('HP:0000716')).toEqual([]);
    // "heart attack" is its own synset in WordNet 3.0 (MI is a part of it), not a synonym.
    expect(synonymsOf('DOID:5844')).toEqual(['myocardial infarct | wordnet:synonym', 'MI | wordnet:synonym']);
  });

  it('gives genes their NCBI full name and the alias symbols no other KG gene shares', () => {
    expect(synonymsOf('7157')).toEqual([
      'tumor protein p53 | gene-info:full-name',
      'BCC7 | gene-info:alias-symbol',
      'BMFS5 | gene-info:alias-symbol',
      'LFS1 | gene-info:alias-symbol',
      'P53 | gene-info:alias-symbol',
      'TRP53 | gene-info:alias-symbol',
    ]);
    const erbb2 = synonymsOf('2064');
    expect(erbb2).toEqual(
      expect.arrayContaining(['HER2 | gene-info:alias-symbol', 'HER-2 | gene-info:alias-symbol']),
    );
    // "MLN 19" has a space and "homodimer" is a word: not symbols. "ALS" is both IGFALS's and SOD1's.
    expect(erbb2).not.toContain('MLN 19 | gene-info:alias-symbol');
    expect(synonymsOf('6647')).not.toContain('homodimer | gene-info:alias-symbol');
    expect(synonymsOf('6647')).not.toContain('ALS | gene-info:alias-symbol');
    expect(synonymsOf('3483')).not.toContain('ALS | gene-info:alias-symbol');
  });

  it('adds nothing without the vocabularies', () => {
    const without = lookupEntriesWithReport(ingested.graph, ingested.payloads).entries;
    expect(without.every((entry) => entry.synonyms === undefined)).toBe(true);
  });

  it('links lay names, eponyms, full gene names and alias symbols, with their source', () => {
    expect(top("Riluzole is given for Lou Gehrig's disease.")).toEqual([
      ["Lou Gehrig's disease", 'DOID:332', 'wordnet:synonym'],
    ]);
    expect(top('the flu and AIDS')).toEqual([
      ['flu', 'DOID:8469', 'wordnet:synonym'],
      ['AIDS', 'DOID:635', 'wordnet:synonym'],
    ]);
    expect(top('Which drugs target the epidermal growth factor receptor?')).toEqual([
      ['epidermal growth factor receptor', '1956', 'gene-info:full-name'],
    ]);
    expect(top('tumor protein p53, p53 and HER2')).toEqual([
      ['tumor protein p53', '7157', 'gene-info:full-name'],
      ['p53', '7157', 'gene-info:alias-symbol'],
      ['HER2', '2064', 'gene-info:alias-symbol'],
    ]);
  });

  it('keeps alias symbols behind every other name and out of ordinary English', () => {
    // ALS stays the disease's (WordNet); the gene aliases "ALS" were shared and dropped.
    expect(top('ALS')[0]).toEqual(['ALS', 'DOID:332', 'wordnet:synonym']);
    // BCR's alias "CML" is the disease's acronym (generated from its name): the acronym keeps it.
    expect(synonymsOf('613')).toContain('CML | gene-info:alias-symbol');
    expect(top('imatinib for CML')).toEqual([['CML', 'DOID:8552', undefined]]);
    expect(top('D22S11')).toEqual([['D22S11', '613', 'gene-info:alias-symbol']]);
    // "FLU" is ZMYND10's alias, but WordNet knows "flu" as a word.
    expect(synonymsOf('51364')).toEqual([
      'zinc finger MYND-type containing 10 | gene-info:full-name',
      'BLU | gene-info:alias-symbol',
      'CILD22 | gene-info:alias-symbol',
      'DNAAF7 | gene-info:alias-symbol',
    ]);
    // Three gene names say "translation", the KG names "transition" twice and "translation" once:
    // the typo "transaction" is still corrected to the KG's "transition", which names no node.
    expect(top('each party to that transaction')).toEqual([]);
    // "NEU" and "MAX" (a symbol) only in capitals; "cold", "growth" alone never win a longer span.
    expect(top('We had a cold week at the neu camp and the max was low.')).toEqual([]);
  });

  it('says which vocabulary path is missing', async () => {
    await expect(readWordnet(join(directory, 'absent'))).rejects.toThrow(
      /wordnet: .*absent\/data\.noun does not exist/,
    );
  });
});
