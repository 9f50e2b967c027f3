import type { EntityLinker } from '../../linking/types.js';
import type { LookupCandidate, NameLookup } from '../../store/name-lookup.js';
import { typedPhrase } from './question-form.js';

/** A phrase of the question resolved to one KG node. */
export interface LinkedPhrase {
  phrase: string;
  nodeIndex: number;
  type: string;
  id: string;
  name: string;
  /** Lookup score of the match (1 exact … fuzzy below 0.85). */
  score: number;
  /** How it matched: the whole phrase, a rewritten variant, the entity linker, fuzzily, or a mention inside it. */
  matchedBy: 'phrase' | 'variant' | 'linker' | 'fuzzy' | 'mention';
}

/** Lowest edit similarity for a fuzzy phrase match: typos yes, other names no. */
const MIN_FUZZY_SIMILARITY = 0.84;
/** A number left outside a mention ("2", "type II", "IV"): "neurofibromatosis type II" is not "neurofibromatosis". */
const NUMBERED = /\d|\b(?:type|class|grade|stage)\s+[ivx]+\b|\b[IVX]{2,4}\b/i;
/** A mention must cover this share of the phrase to stand for it. */
const MIN_MENTION_COVERAGE = 0.5;

const ROMAN: Readonly<Record<string, string>> = {
  i: '1',
  ii: '2',
  iii: '3',
  iv: '4',
  v: '5',
  vi: '6',
  vii: '7',
  viii: '8',
  ix: '9',
  x: '10',
};
const ARABIC = Object.fromEntries(Object.entries(ROMAN).map(([roman, arabic]) => [arabic, roman]));

/**
 * Rewrites of a phrase that KG names often use instead: "disorder" ↔ "disease", "type 1" ↔ "1" ↔
 * "I", a dropped possessive, a trailing "gene"/"protein".
 */
export function phraseVariants(phrase: string): string[] {
  const variants = new Set<string>();
  const add = (value: string) => {
    const trimmed = value.replace(/\s+/g, ' ').trim();
    if (trimmed !== '' && trimmed !== phrase) variants.add(trimmed);
  };
  add(phrase.replace(/\bdisorders?\b/gi, 'disease'));
  add(phrase.replace(/\bdiseases?\b/gi, 'disorder'));
  add(phrase.replace(/\bsyndrome\b/gi, 'disease'));
  add(phrase.replace(/['’]s\b/g, ''));
  add(phrase.replace(/\s+(?:gene|protein|variant|snp)$/i, ''));
  // "type I diabetes mellitus" ↔ "type 1 diabetes mellitus": a numbered type inside the name.
  const typeNumber = (to: 'arabic' | 'roman') =>
    phrase.replace(/\btype\s+(\d+|[ivx]+)\b/gi, (whole, number: string) => {
      const arabic = ROMAN[number.toLowerCase()] ?? number;
      const written = to === 'arabic' ? arabic : ARABIC[arabic]?.toUpperCase();
      return written === undefined ? whole : `type ${written}`;
    });
  add(typeNumber('arabic'));
  add(typeNumber('roman'));
  const numbered = /^(.*?)\s+(?:type\s+)?(\d+|[ivx]+)([a-z]?)$/i.exec(phrase);
  if (numbered) {
    const [, base, number, suffix] = numbered as unknown as [string, string, string, string];
    const arabic = ROMAN[number.toLowerCase()] ?? number;
    const roman = ARABIC[arabic];
    add(`${base} type ${arabic}${suffix}`);
    add(`${base} ${arabic}${suffix}`);
    if (roman) add(`${base} type ${roman}${suffix}`);
    if (roman) add(`${base} ${roman}${suffix}`);
    // Never the base name alone: "neurofibromatosis 2" is not "neurofibromatosis".
  }
  return [...variants];
}

/**
 * Links a phrase of a parsed question to one node, preferring `expectedType`: the whole phrase
 * (exact, case-insensitive, normalised), the phrase without a type word ("Gene SMAD4"), rewritten
 * variants, a close fuzzy match, then the longest mention inside it that covers most of it.
 * Undefined when nothing fits: the caller says so instead of guessing.
 */
export function linkPhrase(
  lookup: NameLookup,
  phrase: string,
  expectedType?: string | undefined,
  linker?: EntityLinker | undefined,
): LinkedPhrase | undefined {
  return linkCandidates(lookup, phrase, expectedType, linker)[0];
}

/** A linker span stands for the phrase only when nothing but punctuation is left outside it ("neurofibromatosis" is not "neurofibromatosis 2"). */
function coversPhrase(phrase: string, start: number, end: number): boolean {
  return !/[\p{L}\p{N}]/u.test(phrase.slice(0, start) + phrase.slice(end));
}

/** Candidates kept per phrase, so that the reasoner can pick the reading that fits the relation. */
const MAX_CANDIDATES = 4;

/**
 * Every node the phrase may name, from the first stage of {@link linkPhrase} that matches
 * anything, the expected type first ("crohn's disease" is a disease and a phenotype).
 */
export function linkCandidates(
  lookup: NameLookup,
  phrase: string,
  expectedType?: string | undefined,
  linker?: EntityLinker | undefined,
): LinkedPhrase[] {
  // "amyotrophic lateral sclerosis (ALS)": the name without its aside is a reading too (a pathway
  // may carry the whole text as its name), and the one a reader means first.
  const aside = /^(.*?\S)\s*\([^()]{1,40}\)$/.exec(phrase.trim());
  if (aside) {
    const readings = [
      ...linkStages(lookup, aside[1]!, expectedType, linker),
      ...linkStages(lookup, phrase, expectedType, linker),
    ].map((candidate) => ({ ...candidate, phrase }));
    const seen = new Set<number>();
    return readings
      .filter((candidate) => !seen.has(candidate.nodeIndex) && seen.add(candidate.nodeIndex))
      .slice(0, MAX_CANDIDATES);
  }
  return linkStages(lookup, phrase, expectedType, linker);
}

function linkStages(
  lookup: NameLookup,
  phrase: string,
  expectedType: string | undefined,
  linker: EntityLinker | undefined,
): LinkedPhrase[] {
  const typed = typedPhrase(phrase);
  const typeHint = typed.type ?? expectedType;
  const types = typeHint ? [typeHint] : undefined;
  const attempts: [string, LinkedPhrase['matchedBy']][] = [
    [phrase, 'phrase'],
    [typed.phrase, 'phrase'],
    ...phraseVariants(typed.phrase).map((variant): [string, LinkedPhrase['matchedBy']] => [
      variant,
      'variant',
    ]),
  ];
  for (const typeFilter of types ? [types, undefined] : [undefined]) {
    const find = (text: string) =>
      ordered(
        lookup.lookup(text, { ...(typeFilter ? { types: typeFilter } : {}), limit: 5, fuzzy: 'never' }),
        typeHint,
      );
    for (const [position, [text, matchedBy]] of attempts.entries()) {
      if (text === '') continue;
      const found = find(text);
      if (found.length === 0) continue;
      // "type I diabetes mellitus" is an HPO name and, as "type 1 …", the DO disease: both are readings.
      const renumbered = attempts
        .slice(position + 1)
        .filter(([other]) => other !== '' && numeralsOnly(text, other))
        .flatMap(([other]) => find(other).map((candidate) => toLinked(phrase, candidate, 'variant')));
      const seen = new Set<number>();
      return [...found.map((candidate) => toLinked(phrase, candidate, matchedBy)), ...renumbered]
        .filter((candidate) => !seen.has(candidate.nodeIndex) && seen.add(candidate.nodeIndex))
        .slice(0, MAX_CANDIDATES);
    }
  }
  // The entity linker folds roman numerals, "type N", plurals, word order and synonyms.
  if (linker && typed.phrase !== '') {
    const span = linker
      .link(typed.phrase, { preferTypes: typeHint ? [typeHint] : undefined, fuzzy: false })
      .spans.filter((each) => coversPhrase(typed.phrase, each.start, each.end))[0];
    if (span && span.candidates.length > 0)
      return ordered(
        span.candidates.map((candidate) => ({ ...candidate, matchKind: 'normalized' as const })),
        typeHint,
      ).map((candidate) => toLinked(phrase, candidate, 'linker'));
  }
  // A typo never changes a number: "neurofibromatosis 2" is not "neurofibromatosis".
  const fuzzy = ordered(
    lookup
      .lookup(typed.phrase, {
        ...(types ? { types } : {}),
        limit: 5,
        fuzzy: 'always',
        minFuzzySimilarity: MIN_FUZZY_SIMILARITY,
      })
      .filter((candidate) => digitsOf(candidate.matched) === digitsOf(typed.phrase)),
    typeHint,
  );
  if (fuzzy.length > 0) return fuzzy.map((candidate) => toLinked(phrase, candidate, 'fuzzy'));
  const mentions = lookup
    .findMentions(typed.phrase, { ...(types ? { types } : {}), candidatesPerMention: 3 })
    .filter((mention) => mention.text.length >= typed.phrase.length * MIN_MENTION_COVERAGE)
    .filter(
      (mention) => !NUMBERED.test(typed.phrase.slice(0, mention.start) + typed.phrase.slice(mention.end)),
    )
    .sort((left, right) => right.text.length - left.text.length);
  const mention = mentions[0];
  return mention
    ? ordered(mention.candidates, typeHint).map((candidate) => toLinked(phrase, candidate, 'mention'))
    : [];
}

/** Best score first, the hinted type first among equals; one candidate per node. */
function ordered(candidates: readonly LookupCandidate[], typeHint: string | undefined): LookupCandidate[] {
  const seen = new Set<number>();
  return [...candidates]
    .sort(
      (left, right) =>
        Number(right.type === typeHint) - Number(left.type === typeHint) || right.score - left.score,
    )
    .filter((candidate) => !seen.has(candidate.nodeIndex) && seen.add(candidate.nodeIndex))
    .slice(0, MAX_CANDIDATES);
}

/** Whether two phrases differ only in how they write a number ("type I" / "type 1" / "1"). */
function numeralsOnly(left: string, right: string): boolean {
  const key = (text: string) =>
    text
      .toLowerCase()
      .replace(/\btype\s+/g, '')
      .replace(/\b(?:ii|iii|iv|vi|vii|viii|ix|i|v|x)\b/g, (roman) => ROMAN[roman] ?? roman)
      .replace(/\s+/g, ' ')
      .trim();
  return left.toLowerCase() !== right.toLowerCase() && key(left) === key(right);
}

/** The numbers a name carries, roman numerals ("type II", "IV") read as digits. */
function digitsOf(text: string): string {
  return (text.match(/\d+|\b(?:[IVX]{1,4}|ii|iii|iv|vi|vii|viii|ix)\b/g) ?? [])
    .map((number) => ROMAN[number.toLowerCase()] ?? number)
    .join(' ');
}

function toLinked(
  phrase: string,
  candidate: LookupCandidate,
  matchedBy: LinkedPhrase['matchedBy'],
): LinkedPhrase {
  return {
    phrase,
    nodeIndex: candidate.nodeIndex,
    type: candidate.type,
    id: candidate.id,
    name: candidate.name,
    score: candidate.score,
    matchedBy,
  };
}
