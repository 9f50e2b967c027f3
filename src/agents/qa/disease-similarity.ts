import type { KgGraph } from '../../kg/graph.js';
import type { KgFacts } from '../../kg/kg-facts.js';

/**
 * How alike two diseases are, from what the KG says about them that no ablation hides: the words
 * of their names and Disease Ontology definitions (TF-IDF cosine; "giant cell arteritis" and
 * "Takayasu's arteritis", or a definition that names the same organ and mechanism) and their
 * place in the is_a hierarchy (Lin similarity: the information content of their most specific
 * common ancestor, so sharing "disease of anatomical entity" counts for almost nothing while two
 * children of "arteritis" count much). The QA evidence model transfers an entity's
 * facts about one disease to a similar one (`pair-evidence.ts`). Built once per process on first
 * use (~6,600 diseases, tens of milliseconds), keyed on the definitions (or the facts) so every
 * ablation view of the graph shares it.
 */
export interface DiseaseSimilarity {
  /** TF-IDF cosine of the two diseases' names and definitions, in [0, 1]. */
  text(a: number, b: number): number;
  /** Lin similarity in the is_a hierarchy, in [0, 1]; 0 without an ontology. */
  ontology(a: number, b: number): number;
  /** The better of the two, in [0, 1]. */
  combined(a: number, b: number): number;
}

/** Definition texts by disease; `definitionOf` of the QA reasoner's definition mentions. */
export interface DiseaseTexts {
  definitionOf(disease: number): string | undefined;
}

const DISEASE = 'disease';
/** Name words count this many times a definition's: a name says what the disease is. */
const NAME_REPEAT = 2;
/**
 * Words that carry no meaning about a disease: English function words and the Disease Ontology's
 * own vocabulary (every definition says "a disease that … has_material_basis_in …").
 */
const STOP_WORDS = new Set(
  (
    'a an and are as at be by for from has have in is it its of on or that the this to which with ' +
    'disease diseases disorder syndrome characterized located results has_material_basis_in ' +
    'results_in located_in has_symptom derives_from involves type'
  ).split(' '),
);
const WORD = /[a-z0-9_]+/g;

interface SparseVector {
  terms: Int32Array;
  weights: Float64Array;
}

const built = new WeakMap<object, DiseaseSimilarity>();

/** The similarity for the graph's diseases, built on first use and shared per definitions/facts. */
export function diseaseSimilarityOf(
  graph: KgGraph,
  facts: KgFacts,
  texts?: DiseaseTexts | undefined,
): DiseaseSimilarity {
  const key = texts ?? facts;
  let found = built.get(key);
  if (!found) {
    found = buildDiseaseSimilarity(graph, facts, texts);
    built.set(key, found);
  }
  return found;
}

export function buildDiseaseSimilarity(
  graph: KgGraph,
  facts: KgFacts,
  texts?: DiseaseTexts | undefined,
): DiseaseSimilarity {
  const vectors = tfIdfVectors(graph, texts);
  const ontology = facts.hasOntology ? linSimilarity(graph, facts) : () => 0;
  const text = (a: number, b: number) => {
    const first = vectors.get(a);
    const second = vectors.get(b);
    return first && second ? dot(first, second) : 0;
  };
  return { text, ontology, combined: (a, b) => Math.max(text(a, b), ontology(a, b)) };
}

/**
 * Lin similarity over the disease is_a hierarchy: 2 IC(most specific common ancestor) / (IC(a) +
 * IC(b)), IC(term) = −log(share of diseases at or below it).
 */
function linSimilarity(graph: KgGraph, facts: KgFacts): (a: number, b: number) => number {
  const diseases = graph.nodesOfType(DISEASE);
  const below = new Map<number, number>();
  for (const disease of diseases)
    for (const term of [disease, ...facts.ancestors(disease)]) below.set(term, (below.get(term) ?? 0) + 1);
  const total = Math.max(1, diseases.length);
  const information = (term: number) => -Math.log((below.get(term) ?? 1) / total);
  return (a, b) => {
    if (a === b) return 1;
    const denominator = information(a) + information(b);
    if (denominator <= 0) return 0;
    const above = facts.ancestors(b);
    let shared = 0;
    for (const term of [a, ...facts.ancestors(a)])
      if (term === b || above.has(term)) shared = Math.max(shared, information(term));
    return Math.min(1, (2 * shared) / denominator);
  };
}

/** Unit-length TF-IDF vectors of every disease's name (repeated) and definition. */
function tfIdfVectors(graph: KgGraph, texts: DiseaseTexts | undefined): Map<number, SparseVector> {
  const vocabulary = new Map<string, number>();
  const documentFrequency: number[] = [];
  const counts = new Map<number, Map<number, number>>();
  for (const disease of graph.nodesOfType(DISEASE)) {
    const name = graph.node(disease)?.name ?? '';
    const words = [
      ...Array<string>(NAME_REPEAT).fill(name).flatMap(wordsOf),
      ...wordsOf(texts?.definitionOf(disease) ?? ''),
    ];
    if (words.length === 0) continue;
    const termCounts = new Map<number, number>();
    for (const word of words) {
      let term = vocabulary.get(word);
      if (term === undefined) {
        term = vocabulary.size;
        vocabulary.set(word, term);
        documentFrequency.push(0);
      }
      termCounts.set(term, (termCounts.get(term) ?? 0) + 1);
    }
    for (const term of termCounts.keys()) documentFrequency[term]!++;
    counts.set(disease, termCounts);
  }
  const documents = counts.size;
  const vectors = new Map<number, SparseVector>();
  for (const [disease, termCounts] of counts) {
    const entries = [...termCounts]
      .map(
        ([term, count]) =>
          [term, (1 + Math.log(count)) * Math.log(documents / documentFrequency[term]!)] as const,
      )
      .filter(([, weight]) => weight > 0)
      .sort((left, right) => left[0] - right[0]);
    const norm = Math.sqrt(entries.reduce((sum, [, weight]) => sum + weight * weight, 0));
    if (norm === 0) continue;
    vectors.set(disease, {
      terms: Int32Array.from(entries, ([term]) => term),
      weights: Float64Array.from(entries, ([, weight]) => weight / norm),
    });
  }
  return vectors;
}

function wordsOf(text: string): string[] {
  return (text.toLowerCase().match(WORD) ?? []).filter((word) => word.length > 1 && !STOP_WORDS.has(word));
}

/** Dot product of two unit vectors with sorted term ids. */
function dot(first: SparseVector, second: SparseVector): number {
  let sum = 0;
  let i = 0;
  let j = 0;
  while (i < first.terms.length && j < second.terms.length) {
    const left = first.terms[i]!;
    const right = second.terms[j]!;
    if (left === right) sum += first.weights[i++]! * second.weights[j++]!;
    else if (left < right) i++;
    else j++;
  }
  return Math.min(1, sum);
}
