import type { NameEntry } from '../../src/store/name-lookup.js';

/** Entries of one type, each row [node index, name, id, ...aliases]. */
function entriesOf(type: string, rows: [number, string, string, ...string[]][]): NameEntry[] {
  return rows.map(([nodeIndex, name, id, ...aliases]) => ({ nodeIndex, type, name, id, aliases }));
}

/** A small KG's lookup entries covering each linking rule: collisions, generic heads, ids. */
export const linkingEntries: NameEntry[] = [
  ...entriesOf('gene/protein', [
    [1, 'TP53', '7157', 'P04637'],
    [2, 'TNF', '7124', 'P01375'],
    [3, 'IL1B', '3553', 'P01584'],
    [4, 'SMAD4', '4089', 'Q13485'],
    [5, 'CAT', '847', 'P04040'],
    [6, 'HLA-B', '3106', 'P01889'],
    [7, 'PAH', '5053', 'P00439'],
  ]),
  ...entriesOf('drug', [
    [20, 'Imatinib', 'DB00619'],
    [21, 'Metronidazole', 'DB00916'],
  ]),
  ...entriesOf('disease', [
    [30, "Crohn's disease", 'DOID:8778'],
    [31, 'syndrome', 'DOID:225'],
    [32, 'cancer', 'DOID:162'],
    [33, 'breast cancer', 'DOID:1612'],
    [34, 'type 2 diabetes mellitus', 'DOID:9352'],
    [35, 'mucopolysaccharidosis II', 'DOID:12799'],
    [36, 'Sjögren syndrome', 'DOID:12894'],
    [37, 'chronic myeloid leukemia', 'DOID:8552'],
    [38, 'Marfan syndrome', 'DOID:14323'],
    [39, 'phenylketonuria', 'DOID:9281'],
    [40, 'spondyloepimetaphyseal dysplasia, Pakistani type', 'DOID:0070001'],
    [41, 'mitochondrial complex V (ATP synthase) deficiency', 'DOID:0070002'],
    [42, 'allergy', 'DOID:1205'],
  ]),
  ...entriesOf('effect/phenotype', [
    [50, "Crohn's disease", 'HP:0100280'],
    [51, 'Type II diabetes mellitus', 'HP:0005978'],
    [52, 'PAH', 'HP:0002092'],
  ]),
  ...entriesOf('cellular_component', [[60, 'cell', 'GO:0005623']]),
  ...entriesOf('biological_process', [[61, 'apoptotic process', 'GO:0006915']]),
  ...entriesOf('variant', [[70, 'rs7903146', 'rs7903146', 'rs7903146']]),
];
