import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/**
 * A nine-node KG in PrimeKG format with every modality file; node indices are sparse on purpose.
 * Edges are listed in both directions, as in PrimeKG.
 */
export const TINY_NODES = [
  [0, 'GO:0000002', 'biological_process', 'mitochondrial genome maintenance', 'GO'],
  [1, 'GO:0000003', 'biological_process', 'reproduction', 'GO'],
  [10, '1', 'gene/protein', 'A1BG', 'NCBI'],
  [11, '2', 'gene/protein', 'A2M', 'NCBI'],
  [20, 'DB00001', 'drug', 'Lepirudin', 'DrugBank'],
  [21, 'DB00002', 'drug', 'Cetuximab', 'DrugBank'],
  [30, 'DOID:0050156', 'disease', 'idiopathic pulmonary fibrosis', 'DOID'],
  [40, 'rs10104997', 'variant', 'rs10104997', 'dbSNP'],
  [50, 'HP:0000010', 'effect/phenotype', 'Recurrent urinary tract infections', 'HPO'],
] as const;

/** Nodes per type in TINY_NODES, as an ingest must count them (written out, not computed). */
export const TINY_NODE_COUNTS = {
  biological_process: 2,
  'gene/protein': 2,
  disease: 1,
  'effect/phenotype': 1,
  drug: 2,
  variant: 1,
};

const EDGE_HEADER =
  'relation,display_relation,x_index,x_id,x_type,x_name,x_source,y_index,y_id,y_type,y_name,y_source';

/** One PrimeKG row from x to y, names and ids taken from TINY_NODES. */
export function edgeRow(relation: string, display: string, x: number, y: number): string {
  const node = (index: number) => {
    const found = TINY_NODES.find((candidate) => candidate[0] === index);
    if (!found) throw new Error(`no tiny node ${index}`);
    return [found[0], found[1], found[2], quote(found[3]), found[4]].join(',');
  };
  return `${relation},${display},${node(x)},${node(y)}`;
}

const both = (relation: string, display: string, x: number, y: number) => [
  edgeRow(relation, display, x, y),
  edgeRow(relation, display, y, x),
];

export const TINY_EDGES = [
  ...both('protein_protein', 'ppi', 10, 11),
  ...both('drug_protein', 'target', 20, 10),
  ...both('bioprocess_protein', 'interacts with', 0, 10),
  ...both('bioprocess_bioprocess', 'parent-child', 0, 1),
  ...both('variant_disease', 'associated with', 40, 30),
  ...both('variant_protein', 'maps to', 11, 40),
  ...both('disease_phenotype_positive', 'phenotype present', 30, 50),
];

export const TINY_FILES: Record<string, string> = {
  nodes: csv(
    'node_index,node_id,node_type,node_name,node_source',
    TINY_NODES.map((node) => [node[0], node[1], node[2], quote(node[3]), node[4]].join(',')),
  ),
  kg: csv(EDGE_HEADER, TINY_EDGES),
  kg_noncommercial: csv(EDGE_HEADER, both('drug_effect', 'side effect', 20, 50)),
  protein_sequences: csv('node_index,entrez_id,symbol,uniprot_id,sequence', [
    '10,1,A1BG,P04217,MSMLVVFLLLWGVTWGPVTEAAIFYETQPSLW',
    '11,2,A2M,P01023,MGKNKLLHPSLVLLLLVLLPTDASVSGKPQYM',
  ]),
  drug_smiles: csv('node_index,drugbank_id,name,smiles', ['20,DB00001,Lepirudin,CC(=O)NC1=CC=C(O)C=C1']),
  text_features: csv('node_index,node_type,node_id,name,definition', [
    '0,biological_process,GO:0000002,mitochondrial genome maintenance,"The maintenance of the structure, and integrity, of the mitochondrial genome."',
    '1,biological_process,GO:0000003,reproduction,',
    '30,disease,DOID:0050156,idiopathic pulmonary fibrosis,A lung disease.',
    '50,effect/phenotype,HP:0000010,Recurrent urinary tract infections,Repeated infections.',
  ]),
  drug_text: csv('node_index,drugbank_id,name,description', [
    '20,DB00001,Lepirudin,"Lepirudin is identical to natural hirudin, except for one residue."',
    '21,DB00002,Cetuximab,An antibody.',
  ]),
  variant_features: csv('node_index,rsid,chrom,pos,mapped_gene,context,risk_allele', [
    '40,rs10104997,8,117842390,A2M,intron_variant,T',
  ]),
  edge_attributes: csv('x_index,y_index,relation,pvalue_mlog,or_beta,pubmed_id', [
    '40,30,variant_disease,6.522879,1.54,17554300',
  ]),
  ontology_is_a: csv('child_index,parent_index', ['0,1']),
};

/**
 * Writes the tiny KG to `directory`, gzip-compressed unless `gzip: false`. `replace` swaps a file's
 * content by base name; `omit` leaves files out.
 */
export async function writeTinyKg(
  directory: string,
  options: { gzip?: boolean; replace?: Record<string, string>; omit?: string[] } = {},
): Promise<void> {
  await mkdir(directory, { recursive: true });
  const files = { ...TINY_FILES, ...options.replace };
  for (const [baseName, content] of Object.entries(files)) {
    if (options.omit?.includes(baseName)) continue;
    if (options.gzip === false) await writeFile(join(directory, `${baseName}.csv`), content);
    else await writeFile(join(directory, `${baseName}.csv.gz`), gzipSync(Buffer.from(content)));
  }
}

function csv(header: string, rows: readonly string[]): string {
  return `${header}\n${rows.join('\n')}\n`;
}

function quote(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
