import { describe, expect, it } from 'vitest';
import { EVIDENCE_MODELS, scorePair } from '../../../src/agents/qa/evidence-model.js';
import { indirectSupport, MAX_INDIRECT } from '../../../src/agents/qa/indirect-support.js';
import { pairEvidence, pairKindOf } from '../../../src/agents/qa/pair-evidence.js';
import { createVariantLoci } from '../../../src/agents/qa/variant-loci.js';
import type { KgGraph } from '../../../src/kg/graph.js';
import { withoutEdges } from '../../../src/kg/hidden-edges.js';
import { KgFacts } from '../../../src/kg/kg-facts.js';
import { buildEvidenceGraph } from './qa-world.js';

/**
 * A hand-built neighbourhood for each evidence source: disease D (child of P, sibling S) with
 * genes G1, G2; candidate gene X interacts with G1 and G2 and shares a GO term with G1; gene Y
 * has nothing; variants V1 (near D's variant V2, mapped to G1) and V3 (far away); drug A targets
 * G1 and treats D2, whose genes overlap D's; drug B treats nothing like D.
 */
const NODES: [number, string, string][] = [
  [1, 'gene/protein', 'G1'],
  [2, 'gene/protein', 'G2'],
  [3, 'gene/protein', 'X'],
  [4, 'gene/protein', 'Y'],
  [5, 'gene/protein', 'G3'],
  [10, 'disease', 'D'],
  [11, 'disease', 'P'],
  [12, 'disease', 'S'],
  [13, 'disease', 'D2'],
  [14, 'disease', 'E'],
  [20, 'variant', 'V1'],
  [21, 'variant', 'V2'],
  [22, 'variant', 'V3'],
  [30, 'drug', 'A'],
  [31, 'drug', 'B'],
  [40, 'biological_process', 'GO1'],
];

const EDGES: [string, number, number][] = [
  ['associated with', 10, 1],
  ['associated with', 10, 2],
  ['associated with', 12, 3],
  ['associated with', 13, 1],
  ['associated with', 13, 2],
  ['associated with', 14, 5],
  ['associated with', 10, 21],
  ['associated with', 10, 20],
  ['associated with', 14, 22],
  ['indication', 13, 30],
  ['indication', 10, 30],
  ['indication', 14, 31],
  ['parent-child', 10, 11],
  ['parent-child', 12, 11],
  ['maps to', 20, 1],
  ['ppi', 3, 1],
  ['ppi', 3, 2],
  ['target', 30, 1],
  ['target', 31, 4],
  ['interacts with', 3, 40],
  ['interacts with', 1, 40],
];

function buildGraph(): { graph: KgGraph; facts: KgFacts } {
  const graph = buildEvidenceGraph(NODES, EDGES);
  const facts = new KgFacts(
    [],
    [
      { child: 10, parent: 11 },
      { child: 12, parent: 11 },
    ],
  );
  return { graph, facts };
}

const { graph, facts } = buildGraph();
const loci = createVariantLoci([
  { nodeIndex: 20, chrom: 'chr5', pos: 1_000_000 },
  { nodeIndex: 21, chrom: '5', pos: 1_020_000 },
  { nodeIndex: 22, chrom: '5', pos: 90_000_000 },
]);
/** D's edges to the candidate hidden, as the ablation benchmark does. */
const hiding = (candidate: number) => ({ graph: withoutEdges(graph, [[10, candidate]]), facts, loci });

describe('pairEvidence', () => {
  it('knows which pairs it covers', () => {
    expect(pairKindOf(graph, 3, 10)).toBe('gene-disease');
    expect(pairKindOf(graph, 10, 20)).toBe('variant-disease');
    expect(pairKindOf(graph, 30, 10)).toBe('drug-disease');
    expect(pairKindOf(graph, 1, 2)).toBeUndefined();
    expect(pairEvidence({ graph, facts }, 1, 40)).toBeUndefined();
  });

  it("gene: interactors among the disease's genes, shared GO terms and the sibling disease", () => {
    const x = pairEvidence({ graph, facts }, 10, 3)!;
    expect(x.kind).toBe('gene-disease');
    expect(x.values.ppi).toBeCloseTo(Math.log1p(2));
    expect(x.values.ppiShare).toBeCloseTo(2 / Math.sqrt(2 * 2));
    expect(x.via.ppi).toBe(1);
    expect(x.values.annotationNear).toBeCloseTo(1);
    expect(x.via.annotationNear).toBe(1);
    // S shares D's parent P and is associated with X.
    expect(x.values.siblings).toBeCloseTo(Math.log1p(1));
    expect(x.via.siblings).toBe(12);
    const y = pairEvidence({ graph, facts }, 10, 4)!;
    expect(y.values.ppi).toBeUndefined();
    expect(y.values.annotationNear).toBeUndefined();
    expect(y.values.siblings).toBeUndefined();
  });

  it("variant: its mapped gene is a gene of the disease, and the disease's variants lie near it", () => {
    const v1 = pairEvidence(hiding(20), 10, 20)!;
    expect(v1.values.geneOfDisease).toBeCloseTo(Math.log1p(1));
    expect(v1.via.geneOfDisease).toBe(1);
    expect(v1.values.nearbyVariants).toBeCloseTo(Math.exp(-20_000 / 100_000));
    expect(v1.via.nearbyVariants).toBe(21);
    const v3 = pairEvidence(hiding(22), 10, 22)!;
    expect(v3.values.nearbyVariants ?? 0).toBeLessThan(1e-6);
    expect(v3.values.geneOfDisease).toBeUndefined();
    // Without positions there is no locus feature.
    expect(pairEvidence({ graph: hiding(20).graph, facts }, 10, 20)!.values.nearbyVariants).toBeUndefined();
  });

  it("drug: its targets are genes of the disease, and its other indication shares the disease's genes", () => {
    const a = pairEvidence(hiding(30), 10, 30)!;
    expect(a.values.targets).toBeCloseTo(Math.log1p(1));
    expect(a.values.geneNear).toBeCloseTo(1);
    expect(a.via.geneNear).toBe(13);
    const b = pairEvidence(hiding(31), 10, 31)!;
    expect(b.values.targets).toBeUndefined();
    expect(b.values.geneNear).toBeUndefined();
  });

  it('cannot see hidden edges: the hidden indication is not one of the drug’s diseases', () => {
    const visible = pairEvidence({ graph, facts }, 10, 30)!;
    const hidden = pairEvidence(hiding(30), 10, 30)!;
    // D itself is never counted; hiding D–A leaves D2 as A's only disease either way.
    expect(hidden.values.degree).toBeCloseTo(Math.log1p(1));
    expect(visible.values.degree).toBeCloseTo(Math.log1p(1));
    // Hiding D–G1 removes G1 from D's genes: X keeps one interactor among them, not two.
    const noG1 = pairEvidence({ graph: withoutEdges(graph, [[10, 1]]), facts }, 10, 3)!;
    expect(noG1.values.ppi).toBeCloseTo(Math.log1p(1));
  });
});

describe('pairEvidence: priors', () => {
  it('reads how studied the entity is and how many partners the disease has besides it', () => {
    const x = pairEvidence({ graph, facts }, 10, 3)!;
    // X: S (its only disease besides D), two interactors, one GO term.
    expect(x.values.degree).toBeCloseTo(Math.log1p(1));
    expect(x.values.popularity).toBeCloseTo(Math.log1p(graph.degree(3)));
    expect(x.values.studied).toBeCloseTo(Math.log1p(2));
    // D's genes are G1 and G2, X is not one of them.
    expect(x.values.coverage).toBeCloseTo(Math.log1p(2));
    // G1 is one of D's genes: coverage counts the other one only, as it would with D–G1 hidden.
    const g1 = pairEvidence({ graph, facts }, 10, 1)!;
    const g1Hidden = pairEvidence({ graph: withoutEdges(graph, [[10, 1]]), facts }, 10, 1)!;
    expect(g1.values.coverage).toBeCloseTo(Math.log1p(1));
    expect(g1Hidden.values.coverage).toBeCloseTo(g1.values.coverage!);
  });

  it('lets a signed coverage weight lower the odds, and never cites a prior', () => {
    const evidence = pairEvidence({ graph, facts }, 10, 3)!;
    const none = { similar: undefined, 'shared-neighbours': undefined };
    const base = { bias: 0, trueAt: 0, weights: { ppiShare: 1 } };
    const models = (weights: object) => ({
      'gene-disease': { ...base, weights: { ...base.weights, ...weights } },
      'variant-disease': base,
      'drug-disease': base,
    });
    const plain = scorePair(evidence, none, models({}));
    const closedWorld = scorePair(evidence, none, models({ coverage: -1 }));
    const popular = scorePair(evidence, none, models({ popularity: 1 }));
    expect(closedWorld.logOdds).toBeCloseTo(plain.logOdds - Math.log1p(2));
    expect(popular.logOdds).toBeGreaterThan(plain.logOdds);
    for (const score of [closedWorld, popular])
      expect(score.contributions.map((each) => each.feature)).toEqual(['ppiShare']);
  });
});

describe('evidence model', () => {
  it('raises the log-odds with each positive feature and names what contributed most', () => {
    const x = scorePair(pairEvidence({ graph, facts }, 10, 3)!, {
      similar: undefined,
      'shared-neighbours': undefined,
    });
    const yEvidence = pairEvidence({ graph, facts }, 10, 4)!;
    const y = scorePair(yEvidence, {
      similar: undefined,
      'shared-neighbours': undefined,
    });
    // Y's only inputs are priors: they move its log-odds but are not evidence, so nothing is cited.
    const model = EVIDENCE_MODELS['gene-disease'];
    const priors = (['degree', 'popularity', 'studied', 'coverage'] as const).reduce(
      (sum, feature) => sum + (model.weights[feature] ?? 0) * (yEvidence.values[feature] ?? 0),
      0,
    );
    expect(y.logOdds).toBeCloseTo(model.bias + priors);
    expect(y.contributions).toEqual([]);
    expect(x.logOdds).toBeGreaterThan(y.logOdds);
    expect(x.contributions.map((each) => each.feature)).toContain('ppiShare');
    const values = x.contributions.map((each) => each.value);
    expect(values).toEqual([...values].sort((left, right) => right - left));
  });

  it('ranks the supported candidate above the unsupported one, below a KG fact, citing the disease gene behind it', () => {
    const context = { graph, facts };
    const x = indirectSupport(context, 10, 3, 'associated')!;
    expect(x.score).toBeGreaterThan(0);
    expect(x.score).toBeLessThanOrEqual(MAX_INDIRECT);
    // X's strongest evidence runs through G1, D's gene (its interactor, with a shared GO term).
    expect(x.facts.some((fact) => fact.source !== undefined && fact.via[0] === 1)).toBe(true);
    // Y has no evidence: no support at all, not the model's base rate.
    expect(indirectSupport(context, 10, 4, 'associated')).toBeUndefined();
    const a = indirectSupport(hiding(30), 10, 30, 'treats')!;
    const b = indirectSupport(hiding(31), 10, 31, 'treats');
    expect(a.score).toBeGreaterThan(b?.score ?? 0);
  });

  it('falls back to the noisy-or of neighbourhood sources when the model is off', () => {
    const modelled = indirectSupport({ graph, facts }, 10, 3, 'associated')!;
    const noisyOr = indirectSupport({ graph, facts, evidenceModel: false }, 10, 3, 'associated')!;
    expect(noisyOr.score).not.toBeCloseTo(modelled.score, 6);
    expect(noisyOr.facts.every((fact) => fact.kind === 'indirect')).toBe(true);
  });
});
