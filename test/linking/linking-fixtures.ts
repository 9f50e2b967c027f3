import type { NameEntry } from '../../src/store/name-lookup.js';

/** [node index, type, name, id, aliases], one entry a line. */
const ROWS: [number, string, string, string, string[]][] = [
  [1, 'gene/protein', 'TP53', '7157', ['P04637']],
  [2, 'gene/protein', 'TNF', '7124', ['P01375']],
  [3, 'gene/protein', 'IL1B', '3553', ['P01584']],
  [4, 'gene/protein', 'SMAD4', '4089', ['Q13485']],
  [5, 'gene/protein', 'CAT', '847', ['P04040']],
  [6, 'gene/protein', 'HLA-B', '3106', ['P01889']],
  [7, 'gene/protein', 'PAH', '5053', ['P00439']],
  [20, 'drug', 'Imatinib', 'DB00619', []],
  [21, 'drug', 'Metronidazole', 'DB00916', []],
  [30, 'disease', "Crohn's disease", 'DOID:8778', []],
  [31, 'disease', 'syndrome', 'DOID:225', []],
  [32, 'disease', 'cancer', 'DOID:162', []],
  [33, 'disease', 'breast cancer', 'DOID:1612', []],
  [34, 'disease', 'type 2 diabetes mellitus', 'DOID:9352', []],
  [35, 'disease', 'mucopolysaccharidosis II', 'DOID:12799', []],
  [36, 'disease', 'Sjögren syndrome', 'DOID:12894', []],
  [37, 'disease', 'chronic myeloid leukemia', 'DOID:8552', []],
  [38, 'disease', 'Marfan syndrome', 'DOID:14323', []],
  [39, 'disease', 'phenylketonuria', 'DOID:9281', []],
  [40, 'disease', 'spondyloepimetaphyseal dysplasia, Pakistani type', 'DOID:0070001', []],
  [41, 'disease', 'mitochondrial complex V (ATP synthase) deficiency', 'DOID:0070002', []],
  [42, 'disease', 'allergy', 'DOID:1205', []],
  [50, 'effect/phenotype', "Crohn's disease", 'HP:0100280', []],
  [51, 'effect/phenotype', 'Type II diabetes mellitus', 'HP:0005978', []],
  [52, 'effect/phenotype', 'PAH', 'HP:0002092', []],
  [60, 'cellular_component', 'cell', 'GO:0005623', []],
  [61, 'biological_process', 'apoptotic process', 'GO:0006915', []],
  [70, 'variant', 'rs7903146', 'rs7903146', ['rs7903146']],
];

/** A small KG's lookup entries covering each linking rule: collisions, generic heads, ids. */
export const linkingEntries: NameEntry[] = ROWS.map(([nodeIndex, type, name, id, aliases]) => ({
  nodeIndex,
  type,
  name,
  id,
  aliases,
}));
