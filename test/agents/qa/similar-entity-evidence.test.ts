import { beforeAll, describe, expect, it } from 'vitest';
import { buildDiseaseSimilarity } from '../../../src/agents/qa/disease-similarity.js';
import { drugStructuresFrom, type DrugStructures } from '../../../src/agents/qa/drug-structures.js';
import { pairEvidence, poissonTail } from '../../../src/agents/qa/pair-evidence.js';
import { createVariantLoci } from '../../../src/agents/qa/variant-loci.js';
import {
  createLigandFingerprintLibrary,
  LIGAND_FINGERPRINT_BYTES,
  ligandFingerprint,
} from '../../../src/chem/ligand-fingerprint.js';
import { loadRDKit } from '../../../src/chem/rdkit.js';
import { withoutEdges } from '../../../src/kg/hidden-edges.js';
import { KgFacts } from '../../../src/kg/kg-facts.js';
import { buildEvidenceGraph } from './qa-world.js';

/**
 * Giant cell arteritis (GCA, the question's disease) and Takayasu's arteritis are both children of
 * "arteritis"; asthma sits under "lung disease". Gene X is associated with Takayasu's arteritis,
 * gene Y with asthma. Variant V1 has no disease; its genomic neighbour V2 is a GWAS hit of
 * Takayasu's arteritis, while V3, as close to V4, is a hit of asthma. Gene Z carries variant V5 of
 * Takayasu's arteritis. GCA's genes G1–G3 and gene W share the GO term T1 (size 5), which gene U
 * lacks. Drug A treats GCA; drug B (its close analogue) and drug C (unrelated) treat nothing.
 */
const NODES: [number, string, string][] = [
  [1, 'gene/protein', 'X'],
  [2, 'gene/protein', 'Y'],
  [3, 'gene/protein', 'Z'],
  [4, 'gene/protein', 'G1'],
  [5, 'gene/protein', 'G2'],
  [6, 'gene/protein', 'G3'],
  [7, 'gene/protein', 'W'],
  [8, 'gene/protein', 'U'],
  [9, 'gene/protein', 'F1'],
  [10, 'disease', 'giant cell arteritis'],
  [11, 'disease', "Takayasu's arteritis"],
  [12, 'disease', 'asthma'],
  [13, 'disease', 'arteritis'],
  [14, 'disease', 'lung disease'],
  [15, 'disease', 'disease'],
  [16, 'disease', 'vasculitis'],
  [20, 'variant', 'V1'],
  [21, 'variant', 'V2'],
  [22, 'variant', 'V3'],
  [23, 'variant', 'V4'],
  [24, 'variant', 'V5'],
  [30, 'drug', 'A'],
  [31, 'drug', 'B'],
  [32, 'drug', 'C'],
  [40, 'biological_process', 'T1'],
  [41, 'biological_process', 'T2'],
];

const EDGES: [string, number, number][] = [
  ['associated with', 10, 4],
  ['associated with', 10, 5],
  ['associated with', 10, 6],
  ['associated with', 11, 1],
  ['associated with', 12, 2],
  ['associated with', 11, 21],
  ['associated with', 12, 22],
  ['associated with', 11, 24],
  ['indication', 10, 30],
  ['maps to', 24, 3],
  ...[4, 5, 6, 7, 9].map((gene): [string, number, number] => ['interacts with', gene, 40]),
  ['interacts with', 8, 41],
  ['interacts with', 9, 41],
];

const DEFINITIONS = new Map<number, string>([
  [10, 'An arteritis that involves inflammation of large arteries, the temporal artery in particular.'],
  [11, 'An arteritis that involves inflammation of the aorta and its large arteries.'],
  [12, 'A lung disease that involves reversible airway obstruction.'],
]);

const graph = buildEvidenceGraph(NODES, EDGES);
const facts = new KgFacts(
  [],
  [
    { child: 10, parent: 13 },
    { child: 11, parent: 13 },
    { child: 13, parent: 16 },
    { child: 16, parent: 15 },
    { child: 12, parent: 14 },
    { child: 14, parent: 15 },
  ],
);
const definitions = { definitionOf: (disease: number) => DEFINITIONS.get(disease) };
const loci = createVariantLoci([
  { nodeIndex: 20, chrom: '6', pos: 31_000_000 },
  { nodeIndex: 21, chrom: '6', pos: 31_010_000 },
  { nodeIndex: 22, chrom: '11', pos: 5_000_000 },
  { nodeIndex: 23, chrom: '11', pos: 5_010_000 },
]);
/** The question's pair hidden, as `biobridge eval qa --ablate-direct` does. */
const ablated = (entity: number) => ({
  graph: withoutEdges(graph, [[10, entity]]),
  facts,
  loci,
  definitions,
});

describe('disease similarity', () => {
  const similarity = buildDiseaseSimilarity(graph, facts, definitions);

  it('finds the disease whose name and definition read alike', () => {
    expect(similarity.text(10, 11)).toBeGreaterThan(0.2);
    expect(similarity.text(10, 12)).toBe(0);
    expect(similarity.text(10, 10)).toBeCloseTo(1);
  });

  it('weighs a specific common ancestor above the root (Lin)', () => {
    // Siblings under "arteritis" against cousins meeting only at the root "disease".
    expect(similarity.ontology(10, 11)).toBeGreaterThan(0.3);
    expect(similarity.ontology(10, 12)).toBe(0);
    expect(similarity.combined(10, 11)).toBe(Math.max(similarity.text(10, 11), similarity.ontology(10, 11)));
  });
});

describe('similar-entity transfer features', () => {
  it("textNear: the gene's other disease reads like the question's", () => {
    const x = pairEvidence(ablated(1), 10, 1)!;
    expect(x.values.textNear).toBeGreaterThan(0.2);
    expect(x.via.textNear).toBe(11);
    expect(pairEvidence(ablated(2), 10, 2)!.values.textNear).toBeUndefined();
  });

  it('reads the graph view: hiding the other disease link removes it', () => {
    const view = { ...ablated(1), graph: withoutEdges(graph, [[11, 1]]) };
    expect(pairEvidence(view, 10, 1)!.values.textNear).toBeUndefined();
  });

  it('variantDiseaseNear: a GWAS hit on the gene is associated with a disease like this one', () => {
    const z = pairEvidence(ablated(3), 10, 3)!;
    expect(z.values.variantDiseaseNear).toBeGreaterThan(0.3);
    expect(z.via.variantDiseaseNear).toBe(11);
    expect(pairEvidence(ablated(2), 10, 2)!.values.variantDiseaseNear).toBeUndefined();
  });

  it("geneDiseaseNear: the variant's gene carries a hit of a similar disease", () => {
    const variant = { ...ablated(20), graph: buildWithEdge(['maps to', 20, 3]) };
    const found = pairEvidence(variant, 10, 20)!;
    expect(found.values.geneDiseaseNear).toBeGreaterThan(0.3);
    expect(found.via.geneDiseaseNear).toBe(11);
    expect(pairEvidence(ablated(20), 10, 20)!.values.geneDiseaseNear).toBeUndefined();
  });

  it('nearbySimilar: a genomic neighbour is a hit of a similar disease, decayed by distance', () => {
    const v1 = pairEvidence(ablated(20), 10, 20)!;
    expect(v1.via.nearbySimilar).toBe(21);
    const similarity = buildDiseaseSimilarity(graph, facts, definitions).combined(10, 11);
    expect(v1.values.nearbySimilar).toBeCloseTo(similarity * Math.exp(-10_000 / 100_000));
    // V4's neighbour V3 is a hit of asthma, nothing like giant cell arteritis.
    expect(pairEvidence(ablated(23), 10, 23)!.values.nearbySimilar).toBeUndefined();
    expect(pairEvidence({ ...ablated(20), loci: undefined }, 10, 20)!.values.nearbySimilar).toBeUndefined();
  });

  it("annotationEnrichment: the disease's genes gather in one of the gene's GO terms", () => {
    const w = pairEvidence(ablated(7), 10, 7)!;
    // T1 holds 5 genes, 3 of them GCA's (expected 5 × 3 / 20,000), and is W's only term tested.
    const p = poissonTail((5 * 3) / 20_000, 3);
    expect(p / ((0.00075 ** 3 / 6) * Math.exp(-0.00075))).toBeCloseTo(1, 2);
    expect(w.values.annotationEnrichment).toBeCloseTo(-Math.log10(p));
    expect(w.via.annotationEnrichment).toBe(40);
    // U's only term holds no gene of the disease.
    expect(pairEvidence(ablated(8), 10, 8)!.values.annotationEnrichment).toBeUndefined();
  });
});

describe('structureNear', () => {
  let structures: DrugStructures;
  beforeAll(async () => {
    const rdkit = await loadRDKit();
    const smiles = new Map([
      [30, 'CC(=O)Oc1ccccc1C(=O)O'],
      [31, 'CC(=O)Oc1ccccc1C(=O)OC'],
      [32, 'CCCCCCCCCCCCCCCC(=O)O'],
    ]);
    const nodes = Int32Array.from(smiles.keys());
    const packed = new Uint8Array(nodes.length * LIGAND_FINGERPRINT_BYTES);
    [...smiles.values()].forEach((each, row) =>
      packed.set(ligandFingerprint(rdkit, each)!, row * LIGAND_FINGERPRINT_BYTES),
    );
    const rows = new Map([...nodes].map((node, row) => [node, row]));
    structures = drugStructuresFrom({
      nodes,
      rowOf: (node) => rows.get(node),
      fingerprint: (row) =>
        packed.subarray(row * LIGAND_FINGERPRINT_BYTES, (row + 1) * LIGAND_FINGERPRINT_BYTES),
      library: createLigandFingerprintLibrary(packed, nodes.length),
    });
  }, 60_000);

  it("scores a drug by its closest analogue among the disease's treating drugs", () => {
    const context = { ...ablated(31), drugStructures: structures };
    const analogue = pairEvidence(context, 10, 31)!;
    const unrelated = pairEvidence({ ...ablated(32), drugStructures: structures }, 10, 32)!;
    expect(analogue.via.structureNear).toBe(30);
    expect(analogue.values.structureNear).toBeGreaterThan(0.5);
    expect(unrelated.values.structureNear ?? 0).toBeLessThan(analogue.values.structureNear! / 2);
    // The drug never counts as its own analogue, and without fingerprints there is no feature.
    expect(
      pairEvidence({ ...ablated(30), drugStructures: structures }, 10, 30)!.values.structureNear,
    ).toBeUndefined();
    expect(pairEvidence(ablated(31), 10, 31)!.values.structureNear).toBeUndefined();
  });
});

function buildWithEdge(edge: [string, number, number]) {
  return buildEvidenceGraph(NODES, [...EDGES, edge]);
}
