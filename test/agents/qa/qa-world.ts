import { EdgeListBuilder } from '../../../src/kg/edge-list.js';
import { KgGraph } from '../../../src/kg/graph.js';
import { KgFacts } from '../../../src/kg/kg-facts.js';
import { NodeTableBuilder } from '../../../src/kg/node-table.js';
import { Registry } from '../../../src/kg/registry.js';
import type { EdgeKind } from '../../../src/kg/types.js';
import { createNameLookup, type NameLookup } from '../../../src/store/name-lookup.js';

/**
 * A small KG shaped like the shared one, for the QA reasoner: disease–gene associations, a GWAS
 * variants, drug indications, a disease is_a hierarchy with directions, and a name that is both a
 * disease and a phenotype.
 */
const NODES: readonly [number, string, string, string][] = [
  [1, '3106', 'gene/protein', 'HLA-B'],
  [2, '57698', 'gene/protein', 'SHTN1'],
  [3, '65010', 'gene/protein', 'SLC14A2'],
  [4, '4089', 'gene/protein', 'SMAD4'],
  [5, '1080', 'gene/protein', 'CFTR'],
  [6, '3458', 'gene/protein', 'IFNG'],
  [7, '7124', 'gene/protein', 'TNF'],
  [10, 'DOID:8893', 'disease', 'psoriasis'],
  [11, 'DOID:2508', 'disease', "Takayasu's arteritis"],
  [12, 'DOID:0050787', 'disease', 'juvenile polyposis syndrome'],
  [13, 'DOID:1485', 'disease', 'cystic fibrosis'],
  [14, 'DOID:1579', 'disease', 'respiratory system disease'],
  [15, 'DOID:850', 'disease', 'lung disease'],
  [16, 'DOID:8778', 'disease', "Crohn's disease"],
  [17, 'DOID:14323', 'disease', 'Marfan syndrome'],
  [18, 'DOID:4', 'disease', 'disease'],
  [19, 'DOID:0060055', 'disease', 'popliteal pterygium syndrome'],
  [20, 'DOID:5419', 'disease', 'psoriatic arthritis'],
  [30, 'DB00916', 'drug', 'Metronidazole'],
  [31, 'DB00244', 'drug', 'Mesalazine'],
  [32, 'DB00635', 'drug', 'Prednisone'],
  [40, 'rs2476601', 'variant', 'rs2476601'],
  [41, 'rs7903146', 'variant', 'rs7903146'],
  [50, 'HP:0100280', 'effect/phenotype', "Crohn's disease"],
];

const KIND_LIST: [string, string, string, string][] = [
  ['disease_protein', 'associated with', 'disease', 'gene/protein'],
  ['disease_protein', 'associated with', 'gene/protein', 'disease'],
  ['indication', 'indication', 'drug', 'disease'],
  ['indication', 'indication', 'disease', 'drug'],
  ['disease_disease', 'parent-child', 'disease', 'disease'],
  ['variant_disease', 'associated with', 'variant', 'disease'],
  ['variant_disease', 'associated with', 'disease', 'variant'],
  ['variant_protein', 'maps to', 'variant', 'gene/protein'],
  ['variant_protein', 'maps to', 'gene/protein', 'variant'],
  ['protein_protein', 'ppi', 'gene/protein', 'gene/protein'],
];
const KINDS: EdgeKind[] = KIND_LIST.map(([relation, displayRelation, headType, tailType]) => ({
  relation,
  displayRelation,
  headType,
  tailType,
}));

const EDGES: readonly [string, number, number][] = [
  ['associated with', 10, 1],
  ['associated with', 11, 1],
  ['associated with', 10, 6],
  ['associated with', 12, 4],
  ['associated with', 13, 5],
  ['associated with', 20, 7],
  ['indication', 31, 16],
  ['indication', 32, 16],
  ['parent-child', 13, 15],
  ['parent-child', 15, 14],
  ['parent-child', 14, 18],
  ['parent-child', 20, 10],
  ['associated with', 40, 16],
  ['maps to', 40, 3],
  ['associated with', 41, 10],
  ['associated with', 41, 16],
  ['maps to', 41, 7],
  ['ppi', 2, 3],
];

/** Directed is_a links (child, parent): kg.csv lists the parent-child edges both ways. */
const IS_A: readonly [number, number][] = [
  [13, 15],
  [15, 14],
  [14, 18],
  [20, 10],
];

/**
 * Edge kinds from (display relation, head type, tail type), the relation named by its display
 * name; a kind between two types is listed in both directions, as kg.csv has it.
 */
export function edgeKindsBothWays(list: readonly (readonly [string, string, string])[]): EdgeKind[] {
  return list.flatMap(([displayRelation, headType, tailType]) => {
    const forward = { relation: displayRelation, displayRelation, headType, tailType };
    return headType === tailType
      ? [forward]
      : [forward, { ...forward, headType: tailType, tailType: headType }];
  });
}

/**
 * The relations of the hand-built evidence worlds (pair-evidence and similar-entity tests), as
 * (display relation, head type, tail type), each kind listed both ways.
 */
export const EVIDENCE_EDGE_KINDS: EdgeKind[] = edgeKindsBothWays([
  ['associated with', 'disease', 'gene/protein'],
  ['associated with', 'disease', 'variant'],
  ['indication', 'disease', 'drug'],
  ['parent-child', 'disease', 'disease'],
  ['maps to', 'variant', 'gene/protein'],
  ['ppi', 'gene/protein', 'gene/protein'],
  ['target', 'drug', 'gene/protein'],
  ['interacts with', 'gene/protein', 'biological_process'],
]);

/** A graph over {@link EVIDENCE_EDGE_KINDS} from (index, type, name) nodes whose name doubles as their id. */
export function buildEvidenceGraph(
  nodeRows: readonly (readonly [number, string, string])[],
  edgeRows: readonly (readonly [string, number, number])[],
): KgGraph {
  const rows = nodeRows.map(([index, type, name]) => [index, name, type, name] as const);
  return buildTestGraph(rows, EVIDENCE_EDGE_KINDS, edgeRows);
}

/**
 * A KgGraph from (index, id, type, name) nodes, edge kinds and undirected (display relation, x, y)
 * edges, each added in both directions as kg.csv lists them.
 */
export function buildTestGraph(
  nodeRows: readonly (readonly [number, string, string, string])[],
  kinds: EdgeKind[],
  edgeRows: readonly (readonly [string, number, number])[],
): KgGraph {
  const registry = Registry.default();
  const nodes = new NodeTableBuilder();
  nodeRows.forEach(([index, id, type, name], line) =>
    nodes.add(index, id, registry.requireTypeId(type), name, 'test', line + 2),
  );
  const typeOf = (index: number) => nodeRows.find((node) => node[0] === index)![2];
  const edges = new EdgeListBuilder(64);
  const kindId = (display: string, head: number, tail: number) =>
    kinds.findIndex(
      (kind) =>
        kind.displayRelation === display && kind.headType === typeOf(head) && kind.tailType === typeOf(tail),
    );
  for (const [display, x, y] of edgeRows) {
    edges.add(kindId(display, x, y), x, y);
    edges.add(kindId(display, y, x), y, x);
  }
  return new KgGraph({ registry, nodes: nodes.build(), edgeKinds: kinds, ...edges.build() });
}

export interface QaWorld {
  graph: KgGraph;
  facts: KgFacts;
  lookup: NameLookup;
  node: (name: string, type?: string) => number;
}

export function buildQaWorld(): QaWorld {
  const graph = buildTestGraph(NODES, KINDS, EDGES);
  const facts = new KgFacts(
    [
      { head: 40, tail: 16, relation: 'variant_disease', pvalueMlog: 12.5 },
      // Both past the score's saturation (30), so only the list's GWAS tie-break orders them.
      { head: 41, tail: 10, relation: 'variant_disease', pvalueMlog: 35 },
      { head: 41, tail: 16, relation: 'variant_disease', pvalueMlog: 60 },
    ],
    IS_A.map(([child, parent]) => ({ child, parent })),
  );
  const lookup = createNameLookup(
    NODES.map(([nodeIndex, id, type, name]) => ({ nodeIndex, id, type, name, aliases: [] })),
    { typePriority: ['drug', 'gene/protein', 'disease'] },
  );
  const node = (name: string, type?: string) =>
    NODES.find((each) => each[3] === name && (type === undefined || each[2] === type))![0];
  return { graph, facts, lookup, node };
}
