import type { KgGraph } from '../../kg/graph.js';
import { withoutEdges } from '../../kg/hidden-edges.js';
import type { DrugStructures } from './drug-structures.js';
import type { KgFacts } from '../../kg/kg-facts.js';
import type { EntityLinker } from '../../linking/types.js';
import type { NameLookup } from '../../store/name-lookup.js';
import { normalizeKey } from '../../store/text-normalize.js';
import type { DefinitionMentions } from './definition-mentions.js';
import type { VariantLoci } from './variant-loci.js';
import { INDIRECT_TRUE_ABOVE, indirectSupport, MAX_INDIRECT } from './indirect-support.js';
import { linkCandidates, linkPhrase, type LinkedPhrase } from './phrase-linking.js';
import type { ParsedQuestion, QuestionForm } from './question-form.js';
import type { RelationFamily } from './relation-phrases.js';
import { SUPPORT_THRESHOLD, supportFrom, type Support, type SupportFact } from './relation-support.js';

/**
 * The evidence-only decision for a parsed question: a choice, a verdict or a list, with the KG
 * facts behind it. `undetermined` says what could not be determined when there is no decision.
 *
 * Verdict policy for statements the KG does not support: closed world. A statement whose entities
 * are both in the KG but whose relation the KG does not state is judged false, with a confidence
 * that is lower when the subject has few facts of that relation (the KG may simply not know). A
 * statement whose entity cannot be found at all is "cannot determine" under the `undetermined`
 * policy, and false with confidence 0.5 under `closed-world` (the default; the measured cost of
 * each is in the README's QA section).
 */
export interface QaDecision {
  form: QuestionForm;
  choice?: string | undefined;
  verdict?: boolean | undefined;
  items?: string[] | undefined;
  confidence: number;
  /** Facts cited, best first. */
  facts: SupportFact[];
  linked: LinkedPhrase[];
  /** The answer's first sentence. */
  headline: string;
  /** Why no choice/verdict could be given, or what was guessed. */
  note?: string | undefined;
  undetermined?: string | undefined;
}

export type UnsupportedPolicy = 'closed-world' | 'undetermined';

export interface ReasonerContext {
  graph: KgGraph;
  facts: KgFacts;
  lookup: NameLookup;
  /** Folds "type N", roman numerals, plurals, word order and synonyms the lookup does not. */
  linker?: EntityLinker | undefined;
  unsupported?: UnsupportedPolicy | undefined;
  /** Genes named in disease definitions: weaker gene–disease evidence where the KG has no edge. */
  definitions?: DefinitionMentions | undefined;
  /** Variant positions: locus evidence for variant–disease pairs (`pair-evidence.ts`). */
  loci?: VariantLoci | undefined;
  /** Drug structure similarity: "similar drugs treat it" evidence for drug–disease pairs. */
  drugStructures?: DrugStructures | undefined;
  /** Items listed at most for list questions. */
  maxItems?: number | undefined;
  /**
   * Evaluation only: node pairs whose direct edges the reasoner must not see (the ablation
   * benchmark hides the facts that answer a generated question).
   */
  hidden?: readonly (readonly [number, number])[] | undefined;
  /** Weigh indirect evidence where the KG states no direct fact (default true). */
  indirect?: boolean | undefined;
  /**
   * Score disease–gene/variant/drug pairs with the calibrated evidence model (`evidence-model.ts`;
   * default true); false keeps the earlier noisy-or of neighbourhood sources.
   */
  evidenceModel?: boolean | undefined;
  /**
   * True/false: indirect support at or above which an unstated statement is judged true
   * (default {@link INDIRECT_TRUE_ABOVE}; above {@link MAX_INDIRECT} turns it off).
   */
  indirectTrueAbove?: number | undefined;
}

export { INDIRECT_TRUE_ABOVE };

/** Facts cited per answer at most: the answer explains, it does not dump. */
export const MAX_CITED_FACTS = 5;
const DEFAULT_MAX_ITEMS = 10;
/** Who states a fact that only a disease definition names (no KG edge). */
const DEFINITION_SOURCE = 'the Disease Ontology definition';
/** Subjects with at least this many facts of the relation make a closed-world "false" confident. */
const WELL_COVERED = 3;

/** Decides a parsed question from KG facts; undefined for free-form questions (retrieval answers those). */
export function decide(given: ReasonerContext, question: ParsedQuestion): QaDecision | undefined {
  const context =
    given.hidden && given.hidden.length > 0
      ? { ...given, graph: withoutEdges(given.graph, given.hidden) }
      : given;
  switch (question.form) {
    case 'multiple-choice':
      return decideChoice(context, question);
    case 'true-false':
      return decideStatement(context, question);
    case 'list':
      return decideList(context, question);
    case 'identifier':
      return decideIdentifier(context, question);
    case 'free-form':
      return undefined;
  }
}

type SupportMemo = (
  subject: number,
  family: RelationFamily,
  targetType: string | undefined,
) => Map<number, Support>;

function memoSupport(context: ReasonerContext): SupportMemo {
  const memo = new Map<string, Map<number, Support>>();
  return (subject, family, targetType) => {
    const key = `${subject}|${family}|${targetType ?? ''}`;
    let result = memo.get(key);
    if (!result) {
      result = supportFrom(context, subject, family, targetType);
      memo.set(key, result);
    }
    return result;
  };
}

/** Support for "a —family→ b" from either side (is_a only from the child). */
function pairSupport(
  context: ReasonerContext,
  memo: SupportMemo,
  a: number,
  b: number,
  family: RelationFamily,
) {
  const forward = memo(a, family, context.graph.typeOf(b)).get(b);
  if (family === 'is-a') return forward;
  const backward = memo(b, family, context.graph.typeOf(a)).get(a);
  if (!forward || !backward) return forward ?? backward;
  return forward.score >= backward.score ? forward : backward;
}

/**
 * Direct support when it reaches the threshold; otherwise the direct evidence (if any) combined
 * with the pair's indirect evidence by noisy-or, capped below a KG fact.
 */
function pairEvidence(
  context: ReasonerContext,
  memo: SupportMemo,
  a: number,
  b: number,
  family: RelationFamily,
): Support | undefined {
  const direct = pairSupport(context, memo, a, b, family);
  if ((direct && direct.score >= SUPPORT_THRESHOLD) || context.indirect === false) return direct;
  const indirect = indirectSupport(context, a, b, family);
  if (!indirect) return direct;
  if (!direct) return indirect;
  return {
    score: Math.min(MAX_INDIRECT, 1 - (1 - direct.score) * (1 - indirect.score)),
    facts: [...direct.facts, ...indirect.facts],
  };
}

/**
 * Links each phrase, choosing among its readings ("crohn's disease": disease or phenotype) the one
 * `fit` scores highest, then the one whose type the KG relates to `relatedType`, then the first.
 */
function linkAll(
  context: ReasonerContext,
  phrases: readonly string[],
  type: string | undefined,
  relatedType: string | undefined,
  fit: (candidate: LinkedPhrase) => number,
) {
  const linked: LinkedPhrase[] = [];
  const missing: string[] = [];
  for (const phrase of phrases) {
    const candidates = linkCandidates(context.lookup, phrase, type, context.linker);
    const best = bestReading(context, candidates, relatedType, fit);
    if (best) linked.push(best);
    else missing.push(phrase);
  }
  return { linked, missing };
}

function bestReading(
  context: ReasonerContext,
  candidates: readonly LinkedPhrase[],
  relatedType: string | undefined,
  fit: (candidate: LinkedPhrase) => number,
): LinkedPhrase | undefined {
  let best: { candidate: LinkedPhrase; key: [number, number, number] } | undefined;
  for (const [position, candidate] of candidates.entries()) {
    const key: [number, number, number] = [
      fit(candidate),
      typesRelated(context.graph, candidate.type, relatedType) ? 1 : 0,
      -position,
    ];
    if (!best || compareKeys(key, best.key) > 0) best = { candidate, key };
  }
  return best?.candidate;
}

function compareKeys(left: readonly number[], right: readonly number[]): number {
  for (let position = 0; position < left.length; position++) {
    const difference = left[position]! - right[position]!;
    if (difference !== 0) return difference;
  }
  return 0;
}

/** Whether the KG has any edge kind between the two types (the same type counts, for is_a). */
function typesRelated(graph: KgGraph, first: string, second: string | undefined): boolean {
  if (second === undefined) return true;
  return (
    first === second || graph.edgeKinds.some((kind) => kind.headType === first && kind.tailType === second)
  );
}

interface OptionScore {
  option: string;
  position: number;
  link: LinkedPhrase | undefined;
  supported: number;
  score: number;
  prior: number;
  facts: SupportFact[];
}

/**
 * Multiple choice: each option is scored against every subject; the option supported for the most
 * subjects wins, then the higher summed support, then the option with more facts of the relation
 * in the KG overall (a better-studied entity is the likelier answer when the KG is silent), then
 * the earlier option. "Which … is not …" picks the least supported option instead.
 */
function decideChoice(context: ReasonerContext, question: ParsedQuestion): QaDecision {
  const options = question.options ?? [];
  const family = question.relation ?? 'associated';
  const optionLinks = options.map((option) =>
    linkPhrase(context.lookup, option, question.answerType, context.linker),
  );
  const memo = memoSupport(context);
  const optionType = question.answerType ?? optionLinks.find((link) => link !== undefined)?.type;
  const subjects = linkAll(context, question.subjects, question.subjectType, optionType, (candidate) =>
    optionLinks.reduce((sum, link) => {
      const support = link
        ? pairSupport(context, memo, candidate.nodeIndex, link.nodeIndex, family)
        : undefined;
      return sum + (support && support.score >= SUPPORT_THRESHOLD ? 1 : 0);
    }, 0),
  );
  const scores: OptionScore[] = options.map((option, position) => {
    const link = optionLinks[position];
    const entry: OptionScore = { option, position, link, supported: 0, score: 0, prior: 0, facts: [] };
    if (!link) return entry;
    entry.prior = relationDegree(context, link.nodeIndex, family);
    for (const subject of subjects.linked) {
      const support = pairEvidence(context, memo, subject.nodeIndex, link.nodeIndex, family);
      if (!support) continue;
      if (support.score >= SUPPORT_THRESHOLD) entry.supported++;
      entry.score += support.score;
      entry.facts.push(...support.facts.slice(0, 2));
    }
    return entry;
  });
  const duplicates = duplicateOptions(scores);
  const direction = question.negated ? -1 : 1;
  const ranked = [...scores].sort(
    (left, right) =>
      Number(right.link !== undefined) - Number(left.link !== undefined) ||
      direction * (right.supported - left.supported) ||
      direction * (right.score - left.score) ||
      direction * (right.prior - left.prior) ||
      left.position - right.position,
  );
  const best = ranked[0];
  const linked = [...subjects.linked, ...scores.flatMap((score) => (score.link ? [score.link] : []))];
  const notes = [
    subjects.missing.length > 0 ? `could not find ${quoteList(subjects.missing)} in the knowledge graph` : '',
    scores.some((score) => !score.link)
      ? `options not found in the knowledge graph: ${quoteList(scores.filter((score) => !score.link).map((score) => score.option))}`
      : '',
    duplicates.length > 0 ? `options naming the same entity: ${duplicates.join('; ')}` : '',
  ].filter((note) => note !== '');
  if (!best || !best.link)
    return {
      form: 'multiple-choice',
      confidence: 0,
      facts: [],
      linked,
      headline: 'Cannot determine: none of the options was found in the knowledge graph.',
      note: notes.join('; '),
      undetermined: 'no option links to a knowledge-graph entity',
    };
  const runnerUp = ranked[1];
  const separated = !runnerUp || runnerUp.supported < best.supported || runnerUp.score < best.score;
  const decisive = best.supported > 0 && separated;
  const byIndirect = !decisive && separated && best.score > 0;
  const confidence = decisive
    ? subjects.linked.length > 0 && best.supported === subjects.linked.length
      ? 0.9
      : 0.65
    : byIndirect
      ? Math.min(0.6, 1 / Math.max(1, options.length) + best.score - (runnerUp?.score ?? 0))
      : 1 / Math.max(1, options.length) + 0.1;
  const how = decisive
    ? question.negated
      ? 'it is the option the knowledge graph links least'
      : `${best.facts[0]?.kind === 'definition' ? DEFINITION_SOURCE : 'the knowledge graph'} links it to ${subjectNames(best.facts, subjects.linked)}`
    : byIndirect
      ? question.negated
        ? 'it is the option the knowledge graph links least, indirectly'
        : `the knowledge graph states no direct link for any option; the strongest indirect evidence links it to ${subjectNames(best.facts, subjects.linked)}`
      : 'the knowledge graph does not separate the options; chosen by how well studied each is (weak)';
  return {
    form: 'multiple-choice',
    choice: best.option,
    confidence,
    facts:
      question.negated || (!decisive && !byIndirect) ? [] : dedupeFacts(best.facts).slice(0, MAX_CITED_FACTS),
    linked,
    headline: `Answer: ${best.option} (${how}).`,
    note: notes.length > 0 ? notes.join('; ') : undefined,
  };
}

/** Facts of the relation's family a node has in the KG: the prior of a multiple-choice option. */
function relationDegree(context: ReasonerContext, node: number, family: RelationFamily): number {
  return supportFrom(context, node, family === 'is-a' ? 'associated' : family).size;
}

function duplicateOptions(scores: readonly OptionScore[]): string[] {
  const byNode = new Map<number, string[]>();
  for (const score of scores) {
    if (!score.link) continue;
    const list = byNode.get(score.link.nodeIndex) ?? [];
    list.push(score.option);
    byNode.set(score.link.nodeIndex, list);
  }
  return [...byNode.values()].filter((list) => list.length > 1).map((list) => quoteList(list));
}

/**
 * True/false: the statement holds when support reaches {@link SUPPORT_THRESHOLD}; a negated
 * statement ("is not associated with") holds when it does not.
 */
function decideStatement(context: ReasonerContext, question: ParsedQuestion): QaDecision | undefined {
  const family = question.relation ?? 'associated';
  const subjectPhrase = question.subjects[0] ?? '';
  // "Do X and Y share targets?" names no object: not a statement the reasoner can check.
  if (subjectPhrase === '' || (question.object ?? '') === '') return undefined;
  const memo = memoSupport(context);
  const { subject, object } = bestPair(
    context,
    memo,
    family,
    linkCandidates(context.lookup, subjectPhrase, question.subjectType, context.linker),
    linkCandidates(context.lookup, question.object ?? '', question.answerType, context.linker),
  );
  const linked = [subject, object].filter((each): each is LinkedPhrase => each !== undefined);
  if (!subject || !object) {
    const missing = [!subject ? subjectPhrase : undefined, !object ? question.object : undefined].filter(
      (each): each is string => each !== undefined && each !== '',
    );
    const what = missing.length > 0 ? quoteList(missing) : "the statement's entities";
    if ((context.unsupported ?? 'closed-world') === 'undetermined' || missing.length === 0)
      return {
        form: 'true-false',
        confidence: 0,
        facts: [],
        linked,
        headline: `Cannot determine: ${what} not found in the knowledge graph.`,
        undetermined: `${what} not found in the knowledge graph`,
      };
    const verdict = question.negated;
    return {
      form: 'true-false',
      verdict,
      confidence: 0.5,
      facts: [],
      linked,
      headline: `${verdict ? 'True' : 'False'} (weak: ${what} not found in the knowledge graph, so it states no such fact).`,
      note: 'closed-world verdict on an entity the knowledge graph lacks',
    };
  }
  const support = pairEvidence(context, memo, subject.nodeIndex, object.nodeIndex, family);
  const stated = support !== undefined && support.score >= SUPPORT_THRESHOLD;
  const trueAbove = context.indirectTrueAbove ?? INDIRECT_TRUE_ABOVE;
  const suggested = !stated && support !== undefined && support.score >= trueAbove;
  const holds = stated || suggested;
  const verdict = question.negated ? !holds : holds;
  const facts =
    support && (holds || support.score > 0) ? dedupeFacts(support.facts).slice(0, MAX_CITED_FACTS) : [];
  const covered = relationDegree(context, subject.nodeIndex, family) >= WELL_COVERED;
  const indirectScore = stated ? 0 : (support?.score ?? 0);
  const confidence = stated
    ? Math.min(0.97, 0.6 + 0.37 * Math.min(1, support.score))
    : suggested
      ? Math.min(0.75, 0.5 + (indirectScore - trueAbove) + 0.1)
      : Math.max(0.5, (covered ? 0.75 : 0.6) - indirectScore / 2);
  const statement = `${subject.name} ${relationVerb(family)} ${object.name}`;
  const source = support?.facts[0]?.kind === 'definition' ? DEFINITION_SOURCE : 'the knowledge graph';
  const headline = stated
    ? `${verdict ? 'True' : 'False'}: ${source} states that ${statement}.`
    : suggested
      ? `${verdict ? 'True' : 'False'} (indirect): the knowledge graph has no direct fact that ${statement}, but indirect evidence supports it (${indirectScore.toFixed(2)}).`
      : `${verdict ? 'True' : 'False'}: the knowledge graph has no fact that ${statement}${covered ? '' : ` (it holds few such facts about ${subject.name})`}${indirectScore > 0 ? `; indirect evidence is weak (${indirectScore.toFixed(2)})` : ''}.`;
  if ((context.unsupported ?? 'closed-world') === 'undetermined' && !stated)
    return {
      form: 'true-false',
      confidence: 0,
      facts: [],
      linked,
      headline: `Cannot determine: the knowledge graph has no fact that ${statement}.`,
      undetermined: 'the knowledge graph does not state it',
    };
  return { form: 'true-false', verdict, confidence, facts, linked, headline };
}

/** The reading of subject and object under which the KG supports the statement best. */
function bestPair(
  context: ReasonerContext,
  memo: SupportMemo,
  family: RelationFamily,
  subjects: readonly LinkedPhrase[],
  objects: readonly LinkedPhrase[],
): { subject: LinkedPhrase | undefined; object: LinkedPhrase | undefined } {
  let best: { subject: LinkedPhrase; object: LinkedPhrase; key: number[] } | undefined;
  for (const [subjectPosition, subject] of subjects.entries())
    for (const [objectPosition, object] of objects.entries()) {
      const support = pairSupport(context, memo, subject.nodeIndex, object.nodeIndex, family)?.score ?? 0;
      const related =
        family === 'is-a'
          ? subject.type === object.type
          : typesRelated(context.graph, subject.type, object.type);
      const key = [support, related ? 1 : 0, -(subjectPosition + objectPosition)];
      if (!best || compareKeys(key, best.key) > 0) best = { subject, object, key };
    }
  return best ? best : { subject: subjects[0], object: objects[0] };
}

/** List questions: targets supported for every subject (an intersection), best supported first. */
function decideList(context: ReasonerContext, question: ParsedQuestion): QaDecision | undefined {
  const family = question.relation ?? 'associated';
  const memo = memoSupport(context);
  const subjects = linkAll(
    context,
    question.subjects,
    question.subjectType,
    question.answerType,
    (candidate) => {
      let count = 0;
      for (const support of memo(candidate.nodeIndex, family, question.answerType).values())
        if (support.score >= SUPPORT_THRESHOLD) count++;
      return Math.min(count, 1);
    },
  );
  // Nothing linked ("what are its side effects?"): retrieval answers, with suggestions and context.
  if (subjects.linked.length === 0) return undefined;
  const maps = subjects.linked.map((subject) => memo(subject.nodeIndex, family, question.answerType));
  const totals = new Map<number, { score: number; facts: SupportFact[] }>();
  for (const [target, first] of maps[0]!) {
    if (first.score < SUPPORT_THRESHOLD) continue;
    const rest = maps.slice(1).map((map) => map.get(target));
    if (rest.some((support) => !support || support.score < SUPPORT_THRESHOLD)) continue;
    totals.set(target, {
      score: first.score + rest.reduce((sum, support) => sum + support!.score, 0),
      facts: [first.facts[0]!, ...rest.map((support) => support!.facts[0]!)],
    });
  }
  // Equal support (GWAS strength saturates in the score): the stronger association first.
  const ranked = [...totals.entries()].sort(
    (left, right) =>
      right[1].score - left[1].score ||
      gwasStrength(right[1].facts) - gwasStrength(left[1].facts) ||
      left[0] - right[0],
  );
  const limit = context.maxItems ?? DEFAULT_MAX_ITEMS;
  const items = ranked.slice(0, limit).map(([target]) => context.graph.node(target)?.name ?? String(target));
  const names = subjects.linked.map((subject) => subject.name).join(' and ');
  const relation = relationVerb(family);
  const headline =
    items.length === 0
      ? `None found: the knowledge graph has no ${question.answerType ?? 'entity'} linked to ${names} by "${relation}".`
      : `Answer: ${items.join(', ')} (${ranked.length} found in the knowledge graph for "${relation}" with ${names}${ranked.length > limit ? `; top ${limit} shown` : ''}).`;
  return {
    form: 'list',
    items,
    confidence: items.length > 0 ? 0.85 : 0.5,
    // An intersection cites each top item's fact for every subject, so each subject's claim is grounded.
    facts: ranked.slice(0, MAX_CITED_FACTS).flatMap(([, total]) => total.facts),
    linked: subjects.linked,
    headline,
    note: subjects.missing.length > 0 ? `could not find ${quoteList(subjects.missing)}` : undefined,
  };
}

/** Summed −log10 p of the GWAS associations behind an item (0 without any). */
function gwasStrength(facts: readonly SupportFact[]): number {
  return facts.reduce(
    (sum, fact) =>
      sum + (fact.pvalueMlog !== undefined && Number.isFinite(fact.pvalueMlog) ? fact.pvalueMlog : 0),
    0,
  );
}

/** "The DOID of X is DOID:N": compares the linked node's id; without an id, answers with it. */
function decideIdentifier(context: ReasonerContext, question: ParsedQuestion): QaDecision {
  const phrase = question.subjects[0] ?? '';
  const stated = question.identifier;
  const byId = stated ? context.lookup.lookup(stated, { limit: 1, fuzzy: 'never' })[0] : undefined;
  const expectedType = byId?.type;
  const subject =
    phrase === '' ? undefined : linkPhrase(context.lookup, phrase, expectedType, context.linker);
  const linked = subject ? [subject] : [];
  if (stated === undefined) {
    if (!subject)
      return {
        form: 'identifier',
        confidence: 0,
        facts: [],
        linked,
        headline: `Cannot determine: "${phrase}" not found in the knowledge graph.`,
        undetermined: `"${phrase}" not found in the knowledge graph`,
      };
    return {
      form: 'identifier',
      choice: subject.id,
      items: [subject.id],
      confidence: subject.matchedBy === 'phrase' ? 0.95 : 0.7,
      facts: [],
      linked,
      headline: `The identifier of ${subject.name} is ${subject.id}.`,
    };
  }
  const matches =
    (subject !== undefined && subject.id.toUpperCase() === stated.toUpperCase()) ||
    (byId !== undefined && normalizeKey(byId.name) === normalizeKey(phrase));
  const verdict = question.negated ? !matches : matches;
  const truth = matches
    ? `${stated} is the identifier of ${byId?.name ?? subject?.name ?? phrase}`
    : subject
      ? `the identifier of ${subject.name} is ${subject.id}${byId ? `; ${stated} is ${byId.name}` : ''}`
      : byId
        ? `${stated} is ${byId.name}`
        : `${stated} is not in the knowledge graph`;
  return {
    form: 'identifier',
    verdict,
    confidence: subject || byId ? 0.95 : 0.5,
    facts: [],
    linked: byId && !subject ? [] : linked,
    headline: `${verdict ? 'True' : 'False'}: ${truth}.`,
  };
}

export function relationVerb(family: RelationFamily): string {
  switch (family) {
    case 'associated':
      return 'is associated with';
    case 'treats':
      return 'treats';
    case 'targets':
      return 'targets';
    case 'phenotype':
      return 'has the phenotype';
    case 'side-effect':
      return 'has the side effect';
    case 'interacts':
      return 'interacts with';
    case 'maps-to':
      return 'maps to';
    case 'participates':
      return 'takes part in';
    case 'is-a':
      return 'is a';
  }
}

function subjectNames(facts: readonly SupportFact[], subjects: readonly LinkedPhrase[]): string {
  const supported = new Set(facts.flatMap((fact) => [fact.head, fact.tail]));
  const names = subjects.filter((subject) => supported.has(subject.nodeIndex)).map((subject) => subject.name);
  return names.length > 0 ? names.join(' and ') : subjects.map((subject) => subject.name).join(' and ');
}

function dedupeFacts(facts: readonly SupportFact[]): SupportFact[] {
  const seen = new Set<string>();
  return [...facts]
    .sort((left, right) => right.weight - left.weight)
    .filter((fact) => {
      const key = `${fact.head}|${fact.tail}|${fact.via.join(',')}|${fact.relations.join(',')}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}

function quoteList(values: readonly string[]): string {
  return values.map((value) => `"${value}"`).join(', ');
}
