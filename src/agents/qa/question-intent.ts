import type { KgGraph } from '../../kg/graph.js';
import { relationsBetween, tailTypesOf } from '../../retrieval/relation-plan.js';

/**
 * Question-type heuristics: which target types and relations a question asks about, so that
 * "which proteins does imatinib target" retrieves drug→protein `target` facts first and "what does
 * ABL1 do" GO terms. Keyword rules, not a classifier: they only order and narrow retrieval, and a
 * question that matches nothing gets each head type's defaults.
 */
export type QuestionIntent =
  | 'targets'
  | 'side-effects'
  | 'treatment'
  | 'diseases'
  | 'function'
  | 'phenotypes'
  | 'interactions'
  | 'genes'
  | 'drugs';

interface IntentRule {
  intent: QuestionIntent;
  pattern: RegExp;
  /** Tail types (and relations, when narrower than all) the intent asks about, most relevant first. */
  targets: readonly TargetPreference[];
}

export interface TargetPreference {
  tailType: string;
  relations?: readonly string[];
}

const RULES: readonly IntentRule[] = [
  {
    intent: 'targets',
    pattern: /\b(targets?|targeted|targeting|binds?|binding|inhibit\w*|agonists?|antagonists?|acts? on)\b/,
    targets: [
      { tailType: 'gene/protein', relations: ['target'] },
      { tailType: 'drug', relations: ['target'] },
    ],
  },
  {
    intent: 'side-effects',
    pattern: /\b(side[- ]effects?|adverse|toxicit\w*)\b/,
    targets: [{ tailType: 'effect/phenotype', relations: ['side effect'] }],
  },
  {
    intent: 'treatment',
    pattern: /\b(treat\w*|indicat\w*|therap\w*|cure\w*|prescribed|used (for|against))\b/,
    targets: [
      { tailType: 'disease', relations: ['indication', 'off-label use'] },
      { tailType: 'drug', relations: ['indication', 'off-label use'] },
    ],
  },
  {
    intent: 'diseases',
    pattern: /\b(diseases?|disorders?|syndromes?|associated|associations?|linked|causes?|conditions?)\b/,
    targets: [{ tailType: 'disease' }],
  },
  {
    intent: 'function',
    pattern: /\b(what does .+ do|functions?|processe?s?|pathways?|roles?|involved|located|locali[sz]\w*)\b/,
    targets: [
      { tailType: 'biological_process' },
      { tailType: 'molecular_function' },
      { tailType: 'pathway' },
      { tailType: 'cellular_component' },
    ],
  },
  {
    intent: 'phenotypes',
    pattern: /\b(phenotypes?|symptoms?|signs?|present\w* with)\b/,
    targets: [{ tailType: 'effect/phenotype' }],
  },
  {
    intent: 'interactions',
    pattern: /\b(interact\w*|partners?|complex\w*)\b/,
    targets: [
      { tailType: 'gene/protein', relations: ['ppi'] },
      { tailType: 'drug', relations: ['synergistic interaction'] },
    ],
  },
  {
    intent: 'genes',
    pattern: /\b(genes?|proteins?|enzymes?|receptors?)\b/,
    targets: [{ tailType: 'gene/protein' }],
  },
  {
    intent: 'drugs',
    pattern: /\b(drugs?|compounds?|medications?|medicines?|molecules?|inhibitors?)\b/,
    targets: [{ tailType: 'drug' }],
  },
];

/** What to retrieve for a head type when the question says nothing more specific. */
const DEFAULT_TARGETS: Readonly<Record<string, readonly TargetPreference[]>> = {
  drug: [
    { tailType: 'gene/protein', relations: ['target'] },
    { tailType: 'disease', relations: ['indication', 'off-label use'] },
    { tailType: 'effect/phenotype', relations: ['side effect'] },
  ],
  'gene/protein': [
    { tailType: 'biological_process' },
    { tailType: 'disease' },
    { tailType: 'drug', relations: ['target'] },
  ],
  disease: [{ tailType: 'gene/protein' }, { tailType: 'drug' }, { tailType: 'effect/phenotype' }],
};

/** Tail types retrieved per subject at most. */
export const MAX_TARGET_TYPES = 3;

/** Intents found in a question, in rule order (the more specific first). */
export function classifyQuestion(question: string): QuestionIntent[] {
  const text = question.toLowerCase();
  return RULES.filter((rule) => rule.pattern.test(text)).map((rule) => rule.intent);
}

export interface RetrievalTarget {
  tailType: string;
  /** Relations to query; all listed exist in the KG between the head type and `tailType`. */
  relations: string[];
}

/**
 * Target types and relations to retrieve for a subject of `headType`, most relevant first: those the
 * intents ask for that the KG has for this head type, then the head type's defaults, then any other
 * type it links to, up to {@link MAX_TARGET_TYPES}.
 */
export function retrievalTargets(
  graph: KgGraph,
  headType: string,
  intents: readonly QuestionIntent[],
): RetrievalTarget[] {
  const wanted: TargetPreference[] = [
    ...intents.flatMap((intent) => RULES.find((rule) => rule.intent === intent)!.targets),
    ...(DEFAULT_TARGETS[headType] ?? []),
    ...tailTypesOf(graph, headType).map((tailType) => ({ tailType })),
  ];
  const targets: RetrievalTarget[] = [];
  for (const preference of wanted) {
    if (targets.length === MAX_TARGET_TYPES) break;
    if (targets.some((target) => target.tailType === preference.tailType)) continue;
    const available = relationsBetween(graph, headType, preference.tailType);
    const relations = preference.relations
      ? available.filter((relation) => preference.relations!.includes(relation))
      : available;
    if (relations.length > 0) targets.push({ tailType: preference.tailType, relations });
  }
  return targets;
}
