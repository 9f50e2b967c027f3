import type { Gene, GoAnnotation, GoIsA, GoOntology, GoTerm } from './annotations.js';
import type { Seed } from './seed.js';

/**
 * Turns the seed tables plus the facts extracted from the Debian packages into PrimeKG-format
 * tables. Pure and deterministic: the same inputs give the same rows in the same order.
 */

export const NODE_TYPES = {
  biologicalProcess: 'biological_process',
  cellularComponent: 'cellular_component',
  disease: 'disease',
  drug: 'drug',
  gene: 'gene/protein',
  molecularFunction: 'molecular_function',
} as const;

export const NODE_SOURCES = {
  drug: 'DrugBank',
  gene: 'NCBI',
  go: 'GO',
  diseaseOntology: 'DOID',
  /** Diseases without a confident DOID get a `name:` id and this source. */
  diseaseByName: 'name',
} as const;

/** GO annotations that assert nothing ("no biological data available") are not edges. */
export const EXCLUDED_EVIDENCE_CODES: readonly string[] = ['ND'];

const GO_TYPES: Record<GoOntology, string> = {
  BP: NODE_TYPES.biologicalProcess,
  MF: NODE_TYPES.molecularFunction,
  CC: NODE_TYPES.cellularComponent,
};
const GO_ANNOTATION_RELATIONS: Record<GoOntology, string> = {
  BP: 'bioprocess_protein',
  MF: 'molfunc_protein',
  CC: 'cellcomp_protein',
};
const GO_IS_A_RELATIONS: Record<GoOntology, string> = {
  BP: 'bioprocess_bioprocess',
  MF: 'molfunc_molfunc',
  CC: 'cellcomp_cellcomp',
};

export interface NodeRow {
  index: number;
  id: string;
  type: string;
  name: string;
  source: string;
}

/** One directed kg.csv row; every undirected edge appears as two rows (x/y swapped). */
export interface EdgeRow {
  relation: string;
  displayRelation: string;
  x: NodeRow;
  y: NodeRow;
}

export interface ProteinSequenceRow {
  index: number;
  entrezId: string;
  symbol: string;
  uniprotId: string;
  sequence: string;
}

export interface DrugSmilesRow {
  index: number;
  drugbankId: string;
  name: string;
  smiles: string;
}

export interface TextFeatureRow {
  index: number;
  type: string;
  id: string;
  name: string;
  definition: string;
}

export interface AssemblyReport {
  /** Seed genes left out because no Swiss-Prot 2014-01 sequence maps to them. */
  genesWithoutSequence: string[];
  /** Seed drugs / diseases left out because none of their edges survived. */
  drugsWithoutEdges: string[];
  diseasesWithoutEdges: string[];
  /** GO annotations dropped: excluded evidence only, or a term not in GO.sqlite (obsolete). */
  annotationsExcludedByEvidence: number;
  annotationsWithUnknownTerm: number;
}

export interface DemoKg {
  nodes: NodeRow[];
  edges: EdgeRow[];
  proteinSequences: ProteinSequenceRow[];
  drugSmiles: DrugSmilesRow[];
  textFeatures: TextFeatureRow[];
  report: AssemblyReport;
}

export interface DemoKgInputs {
  seed: Seed;
  /** By official symbol. */
  genes: ReadonlyMap<string, Gene>;
  /** UniProt accession -> Swiss-Prot sequence. */
  sequences: ReadonlyMap<string, string>;
  goAnnotations: readonly GoAnnotation[];
  goTerms: ReadonlyMap<string, GoTerm>;
  goIsA: readonly GoIsA[];
}

interface PendingNode {
  id: string;
  type: string;
  name: string;
  source: string;
}

interface PendingEdge {
  relation: string;
  displayRelation: string;
  x: PendingNode;
  y: PendingNode;
}

const compareCodeUnits = (left: string, right: string): number => (left < right ? -1 : left > right ? 1 : 0);

/** ../shared/kg order: node_type alphabetically, then node_id, numeric for Entrez ids. */
export function compareNodes(
  left: { type: string; id: string },
  right: { type: string; id: string },
): number {
  const byType = compareCodeUnits(left.type, right.type);
  if (byType !== 0) return byType;
  if (left.type === NODE_TYPES.gene) return Number(left.id) - Number(right.id);
  return compareCodeUnits(left.id, right.id);
}

function nodeKey(node: { type: string; id: string }): string {
  return `${node.type}\u0000${node.id}`;
}

/**
 * Picks one Swiss-Prot sequence per gene among the accessions the 2014-01 release contains: the
 * longest, so that the main product wins over short alternative-ORF entries (PRNP maps to both
 * the prion protein P04156 and AltPrP F7VJQ1); ties go to the first accession in sorted order.
 */
export function pickSequence(
  gene: Gene,
  sequences: ReadonlyMap<string, string>,
): { accession: string; sequence: string } | undefined {
  let best: { accession: string; sequence: string } | undefined;
  for (const accession of gene.uniprotAccessions) {
    const sequence = sequences.get(accession);
    if (sequence !== undefined && (best === undefined || sequence.length > best.sequence.length))
      best = { accession, sequence };
  }
  return best;
}

export function assembleDemoKg(inputs: DemoKgInputs): DemoKg {
  const { seed, genes, sequences, goAnnotations, goTerms, goIsA } = inputs;
  const report: AssemblyReport = {
    genesWithoutSequence: [],
    drugsWithoutEdges: [],
    diseasesWithoutEdges: [],
    annotationsExcludedByEvidence: 0,
    annotationsWithUnknownTerm: 0,
  };

  const geneNodes = new Map<string, PendingNode & { uniprotId: string; sequence: string }>();
  const symbols = [
    ...new Set([
      ...seed.drugs.flatMap((drug) => drug.targets),
      ...seed.diseases.flatMap((disease) => disease.genes),
    ]),
  ].sort();
  for (const symbol of symbols) {
    const gene = genes.get(symbol);
    if (gene === undefined) throw new Error(`assembleDemoKg: no gene record for seed symbol ${symbol}`);
    const picked = pickSequence(gene, sequences);
    if (picked === undefined) {
      report.genesWithoutSequence.push(symbol);
      continue;
    }
    geneNodes.set(symbol, {
      id: gene.entrezId,
      type: NODE_TYPES.gene,
      name: gene.symbol,
      source: NODE_SOURCES.gene,
      uniprotId: picked.accession,
      sequence: picked.sequence,
    });
  }

  const diseaseNodes = new Map<string, PendingNode & { definition: string }>();
  for (const disease of seed.diseases)
    diseaseNodes.set(disease.name, {
      id: disease.id,
      type: NODE_TYPES.disease,
      name: disease.name,
      source: disease.id.startsWith('DOID:') ? NODE_SOURCES.diseaseOntology : NODE_SOURCES.diseaseByName,
      definition: disease.definition,
    });

  const edges: PendingEdge[] = [];
  const drugNodes = new Map<string, PendingNode & { smiles: string }>();
  for (const drug of seed.drugs) {
    const node = {
      id: drug.drugbankId,
      type: NODE_TYPES.drug,
      name: drug.name,
      source: NODE_SOURCES.drug,
      smiles: drug.smiles,
    };
    let degree = 0;
    for (const symbol of drug.targets) {
      const gene = geneNodes.get(symbol);
      if (gene === undefined) continue;
      edges.push({ relation: 'drug_protein', displayRelation: 'target', x: node, y: gene });
      degree += 1;
    }
    for (const name of drug.indications) {
      const disease = diseaseNodes.get(name);
      if (disease === undefined)
        throw new Error(`assembleDemoKg: ${drug.drugbankId} indication "${name}" is not a seed disease`);
      edges.push({ relation: 'indication', displayRelation: 'indication', x: node, y: disease });
      degree += 1;
    }
    if (degree === 0) report.drugsWithoutEdges.push(drug.drugbankId);
    else drugNodes.set(drug.drugbankId, node);
  }

  for (const disease of seed.diseases) {
    const node = diseaseNodes.get(disease.name);
    if (node === undefined) continue;
    for (const symbol of disease.genes) {
      const gene = geneNodes.get(symbol);
      if (gene !== undefined)
        edges.push({ relation: 'disease_protein', displayRelation: 'associated with', x: node, y: gene });
    }
  }
  const diseasesWithEdges = new Set<string>();
  for (const edge of edges)
    for (const end of [edge.x, edge.y]) if (end.type === NODE_TYPES.disease) diseasesWithEdges.add(end.id);
  for (const [name, node] of diseaseNodes)
    if (!diseasesWithEdges.has(node.id)) {
      report.diseasesWithoutEdges.push(node.id);
      diseaseNodes.delete(name);
    }

  const goNodes = new Map<string, PendingNode & { definition: string }>();
  const geneByEntrez = new Map([...geneNodes.values()].map((gene) => [gene.id, gene]));
  const annotationKeys = new Set<string>();
  for (const annotation of goAnnotations) {
    const gene = geneByEntrez.get(annotation.entrezId);
    if (gene === undefined) continue;
    if (EXCLUDED_EVIDENCE_CODES.includes(annotation.evidence)) {
      report.annotationsExcludedByEvidence += 1;
      continue;
    }
    const term = goTerms.get(annotation.goId);
    if (term === undefined) {
      report.annotationsWithUnknownTerm += 1;
      continue;
    }
    // One edge per term-gene pair, however many evidence codes support it.
    const key = `${term.goId}|${gene.id}`;
    if (annotationKeys.has(key)) continue;
    annotationKeys.add(key);
    let node = goNodes.get(term.goId);
    if (node === undefined) {
      node = {
        id: term.goId,
        type: GO_TYPES[term.ontology],
        name: term.name,
        source: NODE_SOURCES.go,
        definition: term.definition,
      };
      goNodes.set(term.goId, node);
    }
    edges.push({
      relation: GO_ANNOTATION_RELATIONS[term.ontology],
      displayRelation: 'interacts with',
      x: node,
      y: gene,
    });
  }
  for (const link of goIsA) {
    const child = goNodes.get(link.childId);
    const parent = goNodes.get(link.parentId);
    if (child === undefined || parent === undefined || child.type !== parent.type) continue;
    edges.push({
      relation: GO_IS_A_RELATIONS[link.ontology],
      displayRelation: 'parent-child',
      x: child,
      y: parent,
    });
  }

  const pending: PendingNode[] = [
    ...drugNodes.values(),
    ...geneNodes.values(),
    ...diseaseNodes.values(),
    ...goNodes.values(),
  ];
  pending.sort(compareNodes);
  const rowsByKey = new Map<string, NodeRow>();
  const nodes = pending.map((node, index) => {
    const row: NodeRow = { index, id: node.id, type: node.type, name: node.name, source: node.source };
    rowsByKey.set(nodeKey(node), row);
    return row;
  });
  const rowOf = (node: PendingNode): NodeRow => {
    const row = rowsByKey.get(nodeKey(node));
    if (row === undefined)
      throw new Error(`assembleDemoKg: edge endpoint ${node.type} ${node.id} is not a node`);
    return row;
  };

  const seenEdges = new Set<string>();
  const directed: EdgeRow[] = [];
  for (const edge of edges) {
    const x = rowOf(edge.x);
    const y = rowOf(edge.y);
    const key = `${edge.relation}|${edge.displayRelation}|${Math.min(x.index, y.index)}|${Math.max(x.index, y.index)}`;
    if (seenEdges.has(key)) continue;
    seenEdges.add(key);
    directed.push({ relation: edge.relation, displayRelation: edge.displayRelation, x, y });
    directed.push({ relation: edge.relation, displayRelation: edge.displayRelation, x: y, y: x });
  }
  directed.sort(
    (left, right) =>
      compareCodeUnits(left.relation, right.relation) ||
      left.x.index - right.x.index ||
      left.y.index - right.y.index,
  );

  /** One payload row per node, in node-index order (the order of the modality files). */
  const payloadRows = <Node extends PendingNode, Row>(nodes: Iterable<Node>, toRow: (node: Node) => Row) =>
    [...nodes]
      .map((node) => ({ index: rowOf(node).index, ...toRow(node) }))
      .sort((left, right) => left.index - right.index);
  const proteinSequences = payloadRows(geneNodes.values(), (gene) => ({
    entrezId: gene.id,
    symbol: gene.name,
    uniprotId: gene.uniprotId,
    sequence: gene.sequence,
  }));
  const drugSmiles = payloadRows(drugNodes.values(), (drug) => ({
    drugbankId: drug.id,
    name: drug.name,
    smiles: drug.smiles,
  }));
  const textFeatures = payloadRows([...diseaseNodes.values(), ...goNodes.values()], (node) => ({
    type: node.type,
    id: node.id,
    name: node.name,
    definition: node.definition,
  }));

  return { nodes, edges: directed, proteinSequences, drugSmiles, textFeatures, report };
}
