import type { KgGraph } from '../../kg/graph.js';
import type { KgFacts } from '../../kg/kg-facts.js';
import type { DrugStructures } from './drug-structures.js';
import { diseaseSimilarityOf, type DiseaseSimilarity, type DiseaseTexts } from './disease-similarity.js';
import {
  geneDiseaseNear,
  nearbySimilar,
  structureNear,
  targetDiseaseNear,
  textNear,
  variantDiseaseNear,
  type Transfer,
} from './similar-entity-evidence.js';
import { siblingsWhere } from './ontology-siblings.js';
import type { VariantLoci } from './variant-loci.js';

/**
 * Named, non-learned features of a disease–entity pair the KG may not link directly, read from
 * the pair's neighbourhood (guilt by association). They are the inputs of the calibrated evidence
 * model (`evidence-model.ts`), which turns them into one probability per pair. Every feature reads
 * the graph it is given, so under the QA ablation (`kg/hidden-edges.ts`) the hidden edges cannot
 * leak into it. Kinds and their features:
 * - every kind: the entity's other diseases seen from the disease's ontology (`parent`,
 *   `grandparent`, `child` (a more specific term), `siblings`, `ontologyNear`: the best ancestor
 *   Jaccard), their phenotypes (`phenotypeNear`) and their genes (`geneNear`), and two priors (a
 *   better-studied entity is the likelier answer): how many other diseases the entity has
 *   (`degree`) and how many KG facts of any relation (`popularity`), and how many partners of the
 *   entity's type the disease has (`coverage`), all on the graph view given ({@link PRIOR_FEATURES});
 * - gene–disease: the gene's interactors among the disease's genes (`ppi`, `ppiShare`), the best
 *   GO/pathway overlap with a disease gene (`annotationNear`), the gene's GO term or pathway most
 *   significantly enriched in the disease's genes (`annotationEnrichment`), drugs acting on the gene that treat
 *   the disease (`drugBridge`), interaction degree (`studied`);
 * - variant–disease: the variant's mapped gene is a gene of the disease (`geneOfDisease`), or has
 *   other variants of the disease (`locusVariants`); the disease's variants near it on the genome
 *   (`nearbyVariants`: exp(−distance / 100 kb) of the nearest, with variant positions);
 * - drug–disease: the drug's targets among the disease's genes (`targets`) or interacting with them
 *   (`targetPpi`), drugs sharing its targets that treat the disease (`similarDrugs`);
 * - similar-entity transfer (`similar-entity-evidence.ts`): the entity's other diseases whose
 *   names and definitions resemble the disease's (`textNear`, every kind), diseases like it of the
 *   gene's GWAS variants (`variantDiseaseNear`), of the variant's mapped genes
 *   (`geneDiseaseNear`) and of its genomic neighbours (`nearbySimilar`), and of the drug's
 *   targets (`targetDiseaseNear`); drugs of similar structure that treat the disease
 *   (`structureNear`, best mean Tanimoto, with the index's ligand fingerprints).
 * Each positive feature also names the node behind it (`via`), so an answer can cite it.
 */
export type PairKind = 'gene-disease' | 'variant-disease' | 'drug-disease';

/** Features of every kind: the entity's other diseases seen from the disease, and the priors. */
const SHARED_FEATURES = [
  'parent',
  'grandparent',
  'child',
  'siblings',
  'ontologyNear',
  'phenotypeNear',
  'geneNear',
  'degree',
  'popularity',
  'coverage',
  'textNear',
] as const;

export const PAIR_FEATURES = {
  'gene-disease': [
    ...SHARED_FEATURES,
    'ppi',
    'ppiShare',
    'annotationNear',
    'drugBridge',
    'studied',
    'variantDiseaseNear',
    'annotationEnrichment',
  ],
  'variant-disease': [
    ...SHARED_FEATURES,
    'geneOfDisease',
    'locusVariants',
    'nearbyVariants',
    'geneDiseaseNear',
    'nearbySimilar',
  ],
  'drug-disease': [
    ...SHARED_FEATURES,
    'targets',
    'targetPpi',
    'similarDrugs',
    'targetDiseaseNear',
    'structureNear',
  ],
} as const satisfies Record<PairKind, readonly string[]>;

/**
 * How well studied the pair's two sides are, not evidence about the pair: never cited, and a pair
 * with nothing but priors has no indirect support. The entity's priors are non-negative (a better
 * studied entity is the likelier answer; a negative weight would learn the generated set's
 * artefacts, e.g. an answer whose only edge the ablation hid). `coverage` (the disease's other
 * partners, the same whether or not the pair's own edge is visible) may be negative: an absent
 * edge says more about a disease the KG covers well (closed world).
 */
export const PRIOR_FEATURES: ReadonlySet<string> = new Set(['degree', 'popularity', 'studied', 'coverage']);
export const SIGNED_FEATURES: ReadonlySet<string> = new Set(['coverage']);

export type PairFeature = (typeof PAIR_FEATURES)[PairKind][number];

export interface PairEvidence {
  kind: PairKind;
  disease: number;
  entity: number;
  values: Partial<Record<PairFeature, number>>;
  /** The node behind each positive feature (a parent disease, an interactor, a drug…). */
  via: Partial<Record<PairFeature, number>>;
}

export interface PairEvidenceContext {
  graph: KgGraph;
  facts: KgFacts;
  /** Variant positions; without them `nearbyVariants` is absent. */
  loci?: VariantLoci | undefined;
  /** Disease definitions for the text similarity; without them it reads names only. */
  definitions?: DiseaseTexts | undefined;
  /** Drug structure similarity; without it `structureNear` is absent. */
  drugStructures?: DrugStructures | undefined;
}

const DISEASE = 'disease';
const GENE = 'gene/protein';
const VARIANT = 'variant';
const DRUG = 'drug';
const PHENOTYPE = 'effect/phenotype';
/** Display relations read, declared once. */
const ASSOCIATED = 'associated with';
const TREATS = new Set(['indication', 'off-label use']);
const PPI = 'ppi';
const MAPS_TO = 'maps to';
const PHENOTYPE_PRESENT = 'phenotype present';
const DRUG_GENE = new Set(['target', 'enzyme', 'carrier', 'transporter']);
const ANNOTATION = 'interacts with';
/** Related diseases/genes compared at most: a gene can have hundreds of diseases, a disease of genes. */
const MAX_COMPARED = 150;

/** The pair's kind, from the two node types; undefined for pairs the model does not cover. */
export function pairKindOf(graph: KgGraph, a: number, b: number): PairKind | undefined {
  const types = [graph.typeOf(a), graph.typeOf(b)];
  if (!types.includes(DISEASE)) return undefined;
  const other = types[0] === DISEASE ? types[1] : types[0];
  if (other === GENE) return 'gene-disease';
  if (other === VARIANT) return 'variant-disease';
  if (other === DRUG) return 'drug-disease';
  return undefined;
}

/**
 * Neighbour sets by (relation, type), memoised per graph view: a decision reads the same
 * diseases' genes and phenotypes for every option.
 */
class Neighbourhood {
  readonly memo = new Map<string, Set<number>>();

  constructor(readonly graph: KgGraph) {}

  of(node: number, relations: string | ReadonlySet<string>, type: string): Set<number> {
    const key = `${node}|${typeof relations === 'string' ? relations : [...relations].join(',')}|${type}`;
    let set = this.memo.get(key);
    if (!set) {
      set = new Set<number>();
      for (const { node: other, kind } of this.graph.neighbours(node)) {
        const edgeKind = this.graph.edgeKinds[kind]!;
        if (edgeKind.tailType !== type) continue;
        const relation = edgeKind.displayRelation;
        if (typeof relations === 'string' ? relation === relations : relations.has(relation)) set.add(other);
      }
      this.memo.set(key, set);
    }
    return set;
  }
}

const neighbourhoods = new WeakMap<KgGraph, Neighbourhood>();
/** Cached sets per graph at most, so a long-running service's cache stays bounded. */
const MAX_CACHED_SETS = 20_000;

function neighbourhoodOf(graph: KgGraph): Neighbourhood {
  let found = neighbourhoods.get(graph);
  if (!found || found.memo.size > MAX_CACHED_SETS) {
    found = new Neighbourhood(graph);
    neighbourhoods.set(graph, found);
  }
  return found;
}

/** Features of the pair (either order); undefined when it is not a disease–gene/variant/drug pair. */
export function pairEvidence(context: PairEvidenceContext, a: number, b: number): PairEvidence | undefined {
  const kind = pairKindOf(context.graph, a, b);
  if (kind === undefined) return undefined;
  const [disease, entity] = context.graph.typeOf(a) === DISEASE ? [a, b] : [b, a];
  const evidence: PairEvidence = { kind, disease, entity, values: {}, via: {} };
  const hood = neighbourhoodOf(context.graph);
  const set = (feature: PairFeature, value: number, via?: number) => {
    if (value <= 0) return;
    evidence.values[feature] = value;
    if (via !== undefined) evidence.via[feature] = via;
  };
  const diseasesOfEntity = entityDiseases(hood, kind, entity);
  diseasesOfEntity.delete(disease);
  diseaseSideFeatures(context.facts, hood, disease, diseasesOfEntity, set);
  set('degree', Math.log1p(diseasesOfEntity.size));
  set('popularity', Math.log1p(context.graph.degree(entity)));
  const partners = diseasePartners(hood, kind, disease);
  set('coverage', Math.log1p(partners.size - (partners.has(entity) ? 1 : 0)));
  if (kind === 'gene-disease') geneFeatures(hood, disease, entity, set);
  else if (kind === 'variant-disease') {
    variantFeatures(hood, disease, entity, set);
    if (context.loci) nearbyFeature(context.loci, hood, disease, entity, set);
  } else drugFeatures(hood, disease, entity, set);
  transferFeatures(context, hood, kind, disease, entity, diseasesOfEntity, set);
  return evidence;
}

/** Similar-entity transfer: the entity's facts about diseases like this one. */
function transferFeatures(
  context: PairEvidenceContext,
  hood: Neighbourhood,
  kind: PairKind,
  disease: number,
  entity: number,
  others: ReadonlySet<number>,
  set: Setter,
): void {
  const similarity: DiseaseSimilarity = diseaseSimilarityOf(
    context.graph,
    context.facts,
    context.definitions,
  );
  const put = (feature: PairFeature, found: Transfer | undefined) => {
    if (found) set(feature, found.value, found.via);
  };
  put('textNear', textNear(similarity, disease, others));
  if (kind === 'gene-disease')
    put('variantDiseaseNear', variantDiseaseNear(similarity, hood, disease, entity));
  else if (kind === 'variant-disease') {
    put('geneDiseaseNear', geneDiseaseNear(similarity, hood, disease, entity));
    if (context.loci) {
      const variants = context.graph.nodesOfType(VARIANT);
      put('nearbySimilar', nearbySimilar(similarity, hood, context.loci, variants, disease, entity));
    }
  } else {
    put('targetDiseaseNear', targetDiseaseNear(similarity, hood, disease, entity));
    if (context.drugStructures)
      put('structureNear', structureNear(context.drugStructures, hood.of(disease, TREATS, DRUG), entity));
  }
}

type Setter = (feature: PairFeature, value: number, via?: number) => void;

/** The disease's partners of the entity's type: its genes, variants or treating drugs. */
function diseasePartners(hood: Neighbourhood, kind: PairKind, disease: number): Set<number> {
  if (kind === 'drug-disease') return hood.of(disease, TREATS, DRUG);
  return hood.of(disease, ASSOCIATED, kind === 'gene-disease' ? GENE : VARIANT);
}

function entityDiseases(hood: Neighbourhood, kind: PairKind, entity: number): Set<number> {
  return new Set(hood.of(entity, kind === 'drug-disease' ? TREATS : ASSOCIATED, DISEASE));
}

/** The entity's other diseases as the disease's ontology, phenotypes and genes see them. */
function diseaseSideFeatures(
  facts: KgFacts,
  hood: Neighbourhood,
  disease: number,
  others: ReadonlySet<number>,
  set: Setter,
): void {
  if (others.size === 0) return;
  if (facts.hasOntology) {
    const parents = facts.parents(disease);
    const parent = parents.find((node) => others.has(node));
    if (parent !== undefined) set('parent', 1, parent);
    const grandparent = parents.flatMap((node) => facts.parents(node)).find((node) => others.has(node));
    if (grandparent !== undefined) set('grandparent', 1, grandparent);
    const child = facts.children(disease).find((node) => others.has(node));
    if (child !== undefined) set('child', 1, child);
    const siblings = siblingsWhere(facts, disease, (sibling) => others.has(sibling));
    set('siblings', Math.log1p(siblings.count), siblings.example);
    const ancestors = withSelf(facts.ancestors(disease), disease);
    const best = bestOver(others, (other) => jaccard(ancestors, withSelf(facts.ancestors(other), other)));
    if (best) set('ontologyNear', best.value, best.node);
  }
  const phenotypes = hood.of(disease, PHENOTYPE_PRESENT, PHENOTYPE);
  if (phenotypes.size > 0) {
    const best = bestOver(others, (other) =>
      cosine(phenotypes, hood.of(other, PHENOTYPE_PRESENT, PHENOTYPE)),
    );
    if (best) set('phenotypeNear', best.value, best.node);
  }
  const genes = hood.of(disease, ASSOCIATED, GENE);
  if (genes.size > 0) {
    const best = bestOver(others, (other) => cosine(genes, hood.of(other, ASSOCIATED, GENE)));
    if (best) set('geneNear', best.value, best.node);
  }
}

function geneFeatures(hood: Neighbourhood, disease: number, gene: number, set: Setter): void {
  const diseaseGenes = hood.of(disease, ASSOCIATED, GENE);
  const interactors = hood.of(gene, PPI, GENE);
  set('studied', Math.log1p(interactors.size));
  const shared = intersection(interactors, diseaseGenes);
  set('ppi', Math.log1p(shared.length), shared[0]);
  if (shared.length > 0)
    set('ppiShare', shared.length / Math.sqrt(interactors.size * diseaseGenes.size), shared[0]);
  const annotations = annotationsOf(hood, gene);
  if (annotations.size > 0) {
    const compared = [...diseaseGenes].filter((other) => other !== gene).slice(0, MAX_COMPARED);
    const best = bestOver(compared, (other) => cosine(annotations, annotationsOf(hood, other)));
    if (best) set('annotationNear', best.value, best.node);
  }
  const enriched = annotationEnrichment(hood, annotations, diseaseGenes, gene);
  if (enriched) set('annotationEnrichment', enriched.value, enriched.node);
  const treating = hood.of(disease, TREATS, DRUG);
  const acting = [...hood.of(gene, DRUG_GENE, DRUG)].filter((drug) => treating.has(drug));
  set('drugBridge', Math.log1p(acting.length), acting[0]);
}

/** Annotation terms read for enrichment: specific enough to mean something, small enough to read. */
const MIN_TERM_GENES = 5;
const MAX_TERM_GENES = 500;
/** Disease genes a term must hold besides the candidate, so one co-annotated gene is not enrichment. */
const MIN_TERM_OVERLAP = 2;
/** Genes of the KG, for the expected overlap (order of magnitude is enough). */
const GENE_COUNT = 20_000;
/** −log10 p at which the enrichment saturates (double precision ends near 1e−16). */
const MAX_ENRICHMENT = 16;

/**
 * The gene's GO term or pathway most significantly enriched in the disease's genes
 * (`annotationEnrichment`): −log10 of the Poisson tail P(X ≥ overlap) for the disease genes other
 * than the candidate that the term holds, against the term's share of all genes, multiplied by the
 * number of terms tested (Bonferroni, so that a gene with many terms does not win by chance);
 * terms of 5–500 genes holding at least two such genes. Unlike `annotationNear` (one disease gene
 * alike), it asks whether the disease's genes gather in one of the candidate's processes.
 */
function annotationEnrichment(
  hood: Neighbourhood,
  annotations: ReadonlySet<number>,
  diseaseGenes: ReadonlySet<number>,
  gene: number,
): { node: number; value: number } | undefined {
  const others = diseaseGenes.size - (diseaseGenes.has(gene) ? 1 : 0);
  if (others < MIN_TERM_OVERLAP) return undefined;
  let best: { node: number; p: number } | undefined;
  let tested = 0;
  for (const term of annotations) {
    const members = hood.of(term, ANNOTATION, GENE);
    if (members.size < MIN_TERM_GENES || members.size > MAX_TERM_GENES) continue;
    tested++;
    let overlap = 0;
    for (const member of diseaseGenes) if (member !== gene && members.has(member)) overlap++;
    if (overlap < MIN_TERM_OVERLAP) continue;
    const p = poissonTail((members.size * others) / GENE_COUNT, overlap);
    if (!best || p < best.p) best = { node: term, p };
  }
  if (!best) return undefined;
  const value = Math.min(MAX_ENRICHMENT, -Math.log10(Math.max(1e-300, best.p * tested)));
  return value > 0 ? { node: best.node, value } : undefined;
}

/** P(X ≥ k) for X ~ Poisson(λ), summed from k upwards (no cancellation for small tails). */
export function poissonTail(lambda: number, k: number): number {
  let term = Math.exp(-lambda);
  for (let i = 1; i <= k; i++) term *= lambda / i;
  let sum = 0;
  for (let i = k; term > 1e-300 && i < k + 1000; i++) {
    sum += term;
    if (term < sum * 1e-12) break;
    term *= lambda / (i + 1);
  }
  return Math.min(1, sum);
}

const ANNOTATION_TYPES = ['biological_process', 'molecular_function', 'cellular_component', 'pathway'];

function annotationsOf(hood: Neighbourhood, gene: number): Set<number> {
  const all = new Set<number>();
  for (const type of ANNOTATION_TYPES) for (const node of hood.of(gene, ANNOTATION, type)) all.add(node);
  return all;
}

function variantFeatures(hood: Neighbourhood, disease: number, variant: number, set: Setter): void {
  const diseaseGenes = hood.of(disease, ASSOCIATED, GENE);
  const diseaseVariants = hood.of(disease, ASSOCIATED, VARIANT);
  let genesOfDisease = 0;
  let locusVariants = 0;
  let geneVia: number | undefined;
  let variantVia: number | undefined;
  for (const gene of hood.of(variant, MAPS_TO, GENE)) {
    if (diseaseGenes.has(gene)) {
      genesOfDisease++;
      geneVia ??= gene;
    }
    for (const other of hood.of(gene, MAPS_TO, VARIANT))
      if (other !== variant && diseaseVariants.has(other)) {
        locusVariants++;
        variantVia ??= other;
      }
  }
  set('geneOfDisease', Math.log1p(genesOfDisease), geneVia);
  set('locusVariants', Math.log1p(locusVariants), variantVia);
}

/** Distance at which a neighbouring GWAS hit counts 1/e (linkage decays over ~100 kb). */
const LOCUS_SCALE = 100_000;

function nearbyFeature(
  loci: VariantLoci,
  hood: Neighbourhood,
  disease: number,
  variant: number,
  set: Setter,
): void {
  const locus = loci.locusOf(variant);
  if (!locus) return;
  let best: { node: number; value: number } | undefined;
  for (const other of hood.of(disease, ASSOCIATED, VARIANT)) {
    const near = other === variant ? undefined : loci.locusOf(other);
    if (!near || near.chrom !== locus.chrom) continue;
    const value = Math.exp(-Math.abs(near.pos - locus.pos) / LOCUS_SCALE);
    if (!best || value > best.value) best = { node: other, value };
  }
  if (best) set('nearbyVariants', best.value, best.node);
}

function drugFeatures(hood: Neighbourhood, disease: number, drug: number, set: Setter): void {
  const diseaseGenes = hood.of(disease, ASSOCIATED, GENE);
  const targets = hood.of(drug, DRUG_GENE, GENE);
  const direct = intersection(targets, diseaseGenes);
  set('targets', Math.log1p(direct.length), direct[0]);
  let near = 0;
  let nearVia: number | undefined;
  for (const target of targets) {
    const shared = intersection(hood.of(target, PPI, GENE), diseaseGenes);
    if (shared.length > 0) {
      near++;
      nearVia ??= target;
    }
  }
  if (targets.size > 0) set('targetPpi', near / targets.size, nearVia);
  if (targets.size > 0) {
    const treating = [...hood.of(disease, TREATS, DRUG)].filter((other) => other !== drug);
    const best = bestOver(treating.slice(0, MAX_COMPARED), (other) =>
      cosine(targets, hood.of(other, DRUG_GENE, GENE)),
    );
    if (best) set('similarDrugs', best.value, best.node);
  }
}

function withSelf(set: ReadonlySet<number>, node: number): Set<number> {
  const copy = new Set(set);
  copy.add(node);
  return copy;
}

function intersection(first: ReadonlySet<number>, second: ReadonlySet<number>): number[] {
  const [small, large] = first.size <= second.size ? [first, second] : [second, first];
  return [...small].filter((node) => large.has(node));
}

function cosine(first: ReadonlySet<number>, second: ReadonlySet<number>): number {
  if (first.size === 0 || second.size === 0) return 0;
  return intersection(first, second).length / Math.sqrt(first.size * second.size);
}

function jaccard(first: ReadonlySet<number>, second: ReadonlySet<number>): number {
  const common = intersection(first, second).length;
  return common === 0 ? 0 : common / (first.size + second.size - common);
}

/** The highest positive score over at most {@link MAX_COMPARED} nodes. */
function bestOver(
  nodes: Iterable<number>,
  score: (node: number) => number,
): { node: number; value: number } | undefined {
  let best: { node: number; value: number } | undefined;
  let compared = 0;
  for (const node of nodes) {
    if (compared++ >= MAX_COMPARED) break;
    const value = score(node);
    if (value > 0 && (!best || value > best.value)) best = { node, value };
  }
  return best;
}
