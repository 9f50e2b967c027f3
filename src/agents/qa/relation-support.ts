import type { KgGraph } from '../../kg/graph.js';
import type { KgFacts } from '../../kg/kg-facts.js';
import type { DefinitionMentions } from './definition-mentions.js';
import { relationFamily, type RelationFamily } from './relation-phrases.js';

/**
 * How strongly the KG supports "subject —relation→ target", for every target at once.
 *
 * Scoring policy (weights are the evidence's strength; a target's score is its best weight plus a
 * small bonus per further independent fact, so one KG fact > several weaker paths > nothing):
 * - a direct edge of the relation's family: its family weight (1 for the defining relation,
 *   e.g. `indication` for "treats", 0.8 for `off-label use`), plus up to 0.05 for GWAS strength
 *   (−log10 p) on variant–disease edges;
 * - when the family has no edge kind between the two types, any other direct edge: 0.7;
 * - disease–variant–gene (GWAS hit mapped to the gene): 0.5, plus up to 0.1 for GWAS strength;
 * - the relation holding for a more specific term (is_a descendant) of the subject: 0.6 × its weight;
 * - "associated with" between a gene and a disease the KG has no edge for, when the disease's
 *   definition names the gene's symbol ("… caused by mutation in the SMAD4 gene"): 0.55, above
 *   the threshold (the Disease Ontology states it) but below any KG edge;
 * - "is a": the is_a closure (1), or an undirected parent-child edge when the index has no
 *   directions (0.6).
 * Each further supporting fact adds {@link MULTI_SOURCE_BONUS}, up to {@link MAX_MULTI_SOURCE_BONUS}.
 */
export interface SupportFact {
  head: number;
  tail: number;
  /** Display relations along the path, e.g. `['associated with', 'maps to']`. */
  relations: string[];
  /** Intermediate nodes of a path (a variant, a more specific disease). */
  via: number[];
  weight: number;
  kind: 'edge' | 'gwas-path' | 'descendant' | 'ontology' | 'definition' | 'indirect';
  /** Indirect evidence (`indirect-support.ts`): which neighbourhood source it comes from. */
  source?:
    | 'ancestor'
    | 'sibling'
    | 'similar'
    | 'shared-neighbours'
    | 'related-disease'
    | 'similar-disease'
    | 'similar-structure'
    | 'interactors'
    | 'annotations'
    | 'drug-bridge'
    | 'locus'
    | 'targets'
    | undefined;
  /** −log10 p of the GWAS association on the path, when there is one. */
  pvalueMlog?: number | undefined;
  /** PubMed id of the study behind that GWAS association, when the KG has it. */
  pubmedId?: string | undefined;
}

export interface Support {
  score: number;
  facts: SupportFact[];
}

export const SUPPORT_THRESHOLD = 0.5;
export const MULTI_SOURCE_BONUS = 0.02;
export const MAX_MULTI_SOURCE_BONUS = 0.1;
const OTHER_EDGE_WEIGHT = 0.7;
const GWAS_PATH_WEIGHT = 0.5;
const DESCENDANT_FACTOR = 0.6;
const UNDIRECTED_ONTOLOGY_WEIGHT = 0.6;
const DEFINITION_WEIGHT = 0.55;
/** The display relation a definition mention stands for. */
const DEFINITION_RELATION = 'associated with';
/** Descendants followed per subject: deep ontologies (GO) would otherwise cost milliseconds. */
const MAX_DESCENDANTS = 200;
/** −log10 p at which GWAS strength saturates. */
const STRONG_GWAS_MLOG = 30;
/** The PrimeKG relation of ontology is_a edges. */
export const ONTOLOGY_RELATION = 'parent-child';

export interface SupportContext {
  graph: KgGraph;
  facts: KgFacts;
  /** Genes named in disease definitions; without it definitions are not evidence. */
  definitions?: DefinitionMentions | undefined;
}

/**
 * Support for every target of `targetType` (any type when undefined) reachable from `subject`
 * under `family`, best evidence first per target.
 */
export function supportFrom(
  context: SupportContext,
  subject: number,
  family: RelationFamily,
  targetType?: string | undefined,
): Map<number, Support> {
  const found = new Map<number, SupportFact[]>();
  const add = (target: number, fact: SupportFact) => {
    const list = found.get(target);
    if (list) list.push(fact);
    else found.set(target, [fact]);
  };
  if (family === 'is-a') addOntology(context, subject, targetType, add);
  else {
    addDirect(context, subject, family, targetType, 1, [], add);
    addGwasPaths(context, subject, targetType, add);
    addDescendants(context, subject, family, targetType, add);
    if (family === 'associated') addDefinitionMentions(context, subject, targetType, found, add);
  }
  const result = new Map<number, Support>();
  for (const [target, facts] of found) {
    if (target === subject) continue;
    facts.sort((left, right) => right.weight - left.weight);
    const bonus = Math.min(MAX_MULTI_SOURCE_BONUS, (facts.length - 1) * MULTI_SOURCE_BONUS);
    result.set(target, { score: facts[0]!.weight + bonus, facts });
  }
  return result;
}

/** Support between two given nodes, in whichever direction the KG states it better. */
export function supportBetween(
  context: SupportContext,
  subject: number,
  object: number,
  family: RelationFamily,
): Support | undefined {
  const objectType = context.graph.typeOf(object);
  const forward = supportFrom(context, subject, family, objectType).get(object);
  if (family === 'is-a') return forward;
  const backward = supportFrom(context, object, family, context.graph.typeOf(subject)).get(subject);
  if (!forward) return backward;
  if (!backward) return forward;
  return forward.score >= backward.score ? forward : backward;
}

/** Display relations of `family` that exist between the subject's type and `targetType`. */
function familyWeights(
  graph: KgGraph,
  family: RelationFamily,
  headType: string | undefined,
  targetType: string | undefined,
) {
  const weights = relationFamily(family).relations;
  const available = graph.edgeKinds.some(
    (kind) =>
      kind.headType === headType &&
      (targetType === undefined || kind.tailType === targetType) &&
      weights[kind.displayRelation] !== undefined,
  );
  return { weights, available };
}

/** Records a fact supporting `target` (the collector of `supportFrom`). */
type AddFact = (target: number, fact: SupportFact) => void;

function addDirect(
  context: SupportContext,
  subject: number,
  family: RelationFamily,
  targetType: string | undefined,
  factor: number,
  via: number[],
  add: AddFact,
  origin = subject,
): void {
  const { graph, facts } = context;
  const { weights, available } = familyWeights(graph, family, graph.typeOf(subject), targetType);
  for (const { node, kind } of graph.neighbours(subject)) {
    const edgeKind = graph.edgeKinds[kind]!;
    if (targetType !== undefined && edgeKind.tailType !== targetType) continue;
    if (edgeKind.displayRelation === ONTOLOGY_RELATION) continue;
    const familyWeight = weights[edgeKind.displayRelation];
    const weight = familyWeight ?? (available ? undefined : OTHER_EDGE_WEIGHT);
    if (weight === undefined) continue;
    const gwas = variantDisease(graph, subject, node) ? facts.association(subject, node) : undefined;
    add(node, {
      head: origin,
      tail: node,
      relations: [edgeKind.displayRelation],
      via,
      weight: factor * (weight + gwasBonus(gwas?.pvalueMlog, 0.05)),
      kind: via.length > 0 ? 'descendant' : 'edge',
      pvalueMlog: gwas?.pvalueMlog,
      pubmedId: gwas?.pubmedId,
    });
  }
}

function variantDisease(graph: KgGraph, first: number, second: number): boolean {
  const types = [graph.typeOf(first), graph.typeOf(second)];
  return types.includes('variant') && types.includes('disease');
}

function gwasBonus(pvalueMlog: number | undefined, maximum: number): number {
  if (pvalueMlog === undefined || !Number.isFinite(pvalueMlog)) return 0;
  return maximum * Math.min(1, Math.max(0, pvalueMlog) / STRONG_GWAS_MLOG);
}

/**
 * The other end of a gene–disease link (gene for a disease, disease for a gene), or undefined when
 * the subject is neither or the asked target type is another.
 */
function geneDiseaseCounterpart(
  subjectType: string | undefined,
  targetType: string | undefined,
): 'gene/protein' | 'disease' | undefined {
  const wanted =
    subjectType === 'disease' ? 'gene/protein' : subjectType === 'gene/protein' ? 'disease' : undefined;
  return targetType === undefined || targetType === wanted ? wanted : undefined;
}

/** disease → variant (GWAS) → gene (maps to), and gene → variant → disease. */
function addGwasPaths(
  context: SupportContext,
  subject: number,
  targetType: string | undefined,
  add: AddFact,
): void {
  const { graph, facts } = context;
  const subjectType = graph.typeOf(subject);
  const wanted = geneDiseaseCounterpart(subjectType, targetType);
  if (wanted === undefined) return;
  for (const { node: variant, kind } of graph.neighbours(subject)) {
    if (graph.edgeKinds[kind]!.tailType !== 'variant') continue;
    const firstRelation = graph.edgeKinds[kind]!.displayRelation;
    for (const { node: target, kind: secondKind } of graph.neighbours(variant)) {
      if (graph.edgeKinds[secondKind]!.tailType !== wanted) continue;
      const disease = subjectType === 'disease' ? subject : target;
      const association = facts.association(variant, disease);
      const pvalueMlog = association?.pvalueMlog;
      add(target, {
        head: subject,
        tail: target,
        relations: [firstRelation, graph.edgeKinds[secondKind]!.displayRelation],
        via: [variant],
        weight: GWAS_PATH_WEIGHT + gwasBonus(pvalueMlog, 0.1),
        kind: 'gwas-path',
        pvalueMlog,
        pubmedId: association?.pubmedId,
      });
    }
  }
}

/**
 * gene ↔ disease named in the disease's definition, for targets the KG relates no other way
 * (a definition restating a KG edge adds no independent evidence).
 */
function addDefinitionMentions(
  context: SupportContext,
  subject: number,
  targetType: string | undefined,
  found: ReadonlyMap<number, SupportFact[]>,
  add: AddFact,
): void {
  const { graph, definitions } = context;
  if (!definitions) return;
  const subjectType = graph.typeOf(subject);
  if (geneDiseaseCounterpart(subjectType, targetType) === undefined) return;
  const targets = subjectType === 'disease' ? definitions.genesOf(subject) : definitions.diseasesOf(subject);
  for (const target of targets) {
    if (found.get(target)?.some((fact) => fact.kind === 'edge')) continue;
    add(target, {
      head: subject,
      tail: target,
      relations: [DEFINITION_RELATION],
      via: [],
      weight: DEFINITION_WEIGHT,
      kind: 'definition',
    });
  }
}

/** The relation stated for a more specific term: "psoriatic arthritis —associated with→ G" supports psoriasis. */
function addDescendants(
  context: SupportContext,
  subject: number,
  family: RelationFamily,
  targetType: string | undefined,
  add: AddFact,
): void {
  const { facts } = context;
  if (!facts.hasOntology) return;
  let followed = 0;
  for (const descendant of facts.descendants(subject)) {
    if (followed++ === MAX_DESCENDANTS) break;
    addDirect(context, descendant, family, targetType, DESCENDANT_FACTOR, [descendant], add, subject);
  }
}

function addOntology(
  context: SupportContext,
  subject: number,
  targetType: string | undefined,
  add: AddFact,
): void {
  const { graph, facts } = context;
  if (facts.hasOntology) {
    for (const ancestor of facts.ancestors(subject))
      if (targetType === undefined || graph.typeOf(ancestor) === targetType)
        add(ancestor, {
          head: subject,
          tail: ancestor,
          relations: ['is a'],
          via: [],
          weight: 1,
          kind: 'ontology',
        });
    return;
  }
  for (const { node, kind } of graph.neighbours(subject))
    if (graph.edgeKinds[kind]!.displayRelation === ONTOLOGY_RELATION)
      add(node, {
        head: subject,
        tail: node,
        relations: [ONTOLOGY_RELATION],
        via: [],
        weight: UNDIRECTED_ONTOLOGY_WEIGHT,
        kind: 'ontology',
      });
}
