import type { NameEntry } from '../store/name-lookup.js';
import { rankCandidates, type RankedCandidates } from './candidate-ranking.js';
import { DETERMINERS, GENERIC_HEADS, typeCue } from './context-words.js';
import { entrezMentions } from './entrez-ids.js';
import {
  boundaryToken,
  correctToken,
  createSpanMatcher,
  isConjunction,
  singleTokenMentionable,
  startToken,
  typeFilter,
  type Match,
  type SpanText,
  type TypeFilter,
} from './span-matcher.js';
import { buildSurfaceIndex, type SurfaceIndex } from './surface-index.js';
import type {
  EntityLinker,
  LinkCandidate,
  LinkOptions,
  LinkResult,
  LinkSpan,
  UnlinkedSpan,
} from './types.js';
import { tokenize, type Token } from './word-forms.js';

export interface EntityLinkerOptions {
  /**
   * Type order that breaks ties between equally good candidates when nothing else prefers one
   * (most preferred first; other types follow alphabetically). Does not hide the ambiguity.
   */
  typePriority?: readonly string[] | undefined;
  /**
   * How well known a node is (its KG degree): decides which of several names sharing an acronym
   * takes it (`acronyms.ts`). Without it, shared acronyms are ambiguous or dropped.
   */
  prominence?: ((nodeIndex: number) => number) | undefined;
}

export const DEFAULT_TYPE_PRIORITY: readonly string[] = [
  'drug',
  'gene/protein',
  'disease',
  'effect/phenotype',
  'variant',
  'biological_process',
  'molecular_function',
  'cellular_component',
  'pathway',
];
export const DEFAULT_MAX_CANDIDATES = 5;

/** A span that matched something, before spans are chosen. */
interface FoundSpan {
  first: number;
  last: number;
  ranked: RankedCandidates;
}

/** Text between two tokens that ends a sentence: no span crosses it. */
const SENTENCE_BREAK = /[.;?!]/;
/** Text between a generic head and its modifier when they form one phrase. */
const PHRASE_GAP = /^[\s\-‐‑]*$/;
const MAX_UNLINKED_MODIFIERS = 6;

/**
 * Longest-span entity linking over every name, id and alias of an index's nodes. Built once per
 * index (about a second for the 75k-node shared KG); linking a question takes well under a
 * millisecond to a few (see `eval/bench/entity-linker.ts`).
 */
export function createEntityLinker(
  entries: readonly NameEntry[],
  options: EntityLinkerOptions = {},
): EntityLinker {
  const index = buildSurfaceIndex(entries, options.prominence);
  const matcher = createSpanMatcher(index);
  const typePriority = options.typePriority ?? DEFAULT_TYPE_PRIORITY;

  const candidatesOf = (matches: Map<number, Match>, preferred: readonly string[]): RankedCandidates =>
    rankCandidates(index, [...matches.values()], { preferred, typePriority });

  return {
    size: { entries: index.entries, surfaces: index.surfaceText.length },

    link(text, linkOptions = {}) {
      const tokens = tokenize(text);
      const allow = typeFilter(linkOptions.types);
      const found = findSpans(index, matcher, text, tokens, allow, linkOptions, candidatesOf);
      const { chosen, unlinked } = chooseSpans(index, text, tokens, found);
      const limit = linkOptions.maxCandidates ?? DEFAULT_MAX_CANDIDATES;
      const spans = chosen.map((span) => toLinkSpan(index, text, tokens, span, limit));
      return { text, spans, ambiguous: spans.some((span) => span.ambiguous), unlinked } satisfies LinkResult;
    },

    resolve(name, resolveOptions = {}) {
      const trimmed = name.trim();
      if (trimmed === '') return [];
      const allow = typeFilter(resolveOptions.types);
      const preferred = resolveOptions.preferTypes ?? [];
      const entrez = /^(?:(?:ncbigene|entrez|geneid):)?(\d+)$/i.exec(trimmed);
      const matches = new Map<number, Match>();
      const entrezEntry =
        entrez && preferred.concat(resolveOptions.types ?? []).includes('gene/protein')
          ? index.entrez.get(entrez[1]!)
          : undefined;
      if (entrezEntry !== undefined && allow('gene/protein'))
        matches.set(entrezEntry, { entry: entrezEntry, surface: -1, kind: 'id', score: 1 });
      const tokens = tokenize(trimmed);
      const span = spanText(trimmed, tokens, 0, tokens.length - 1, index, resolveOptions.fuzzy ?? true);
      if (tokens.length > 0)
        for (const [entry, match] of matcher.match(span, allow, resolveOptions.fuzzy ?? true))
          matches.set(entry, match);
      const limit = resolveOptions.maxCandidates ?? DEFAULT_MAX_CANDIDATES;
      return candidatesOf(matches, preferred)
        .candidates.slice(0, limit)
        .map((match) => toCandidate(index, match));
    },
  };
}

/** Every span (up to the longest name, not crossing a sentence end) that matches a node. */
function findSpans(
  index: SurfaceIndex,
  matcher: ReturnType<typeof createSpanMatcher>,
  text: string,
  tokens: readonly Token[],
  allow: TypeFilter,
  options: LinkOptions,
  candidatesOf: (matches: Map<number, Match>, preferred: readonly string[]) => RankedCandidates,
): FoundSpan[] {
  const fuzzy = options.fuzzy ?? true;
  const corrections = fuzzy
    ? tokens.map((token) => correctToken(token, (form) => index.typos.correct(form)))
    : [];
  const found: FoundSpan[] = [];
  for (let first = 0; first < tokens.length; first++) {
    if (!startToken(tokens[first]!)) continue;
    const limit = Math.min(tokens.length, first + index.maxTokens);
    const span = emptySpan('');
    for (let last = first; last < limit; last++) {
      const token = tokens[last]!;
      if (last > first && SENTENCE_BREAK.test(text.slice(tokens[last - 1]!.end, token.start))) break;
      extendSpan(span, token, corrections[last]);
      if (!boundaryToken(token)) continue;
      if (first === last && !singleTokenMentionable(token)) continue;
      span.raw = text.slice(tokens[first]!.start, token.end);
      const matches = matcher.match(span, allow, fuzzy);
      if (matches.size === 0) continue;
      const preferred = preferredTypes(tokens, first, last, options.preferTypes);
      found.push({ first, last, ranked: candidatesOf(matches, preferred) });
    }
  }
  for (const mention of entrezMentions(tokens, index.entrez)) {
    if (!allow('gene/protein')) break;
    const matches = new Map<number, Match>([
      [mention.entry, { entry: mention.entry, surface: -1, kind: 'id', score: 1 }],
    ]);
    found.push({
      first: mention.token,
      last: mention.token,
      ranked: candidatesOf(matches, ['gene/protein']),
    });
  }
  return found;
}

/** A span of no tokens yet, to be grown by {@link extendSpan}. */
function emptySpan(raw: string): SpanText {
  return { raw, key: '', forms: [], correctedKey: '', edits: 0, joinsNames: false, tokenCount: 0 };
}

function extendSpan(
  span: SpanText,
  token: Token,
  correction: { forms: string[]; edits: number } | undefined,
): void {
  const key = token.forms.join('');
  span.key += key;
  span.forms.push(...token.forms);
  span.correctedKey += correction ? correction.forms.join('') : key;
  span.edits += correction?.edits ?? 0;
  span.joinsNames ||= isConjunction(token);
  span.tokenCount++;
}

/** The span text of whole `tokens[first..last]` (for `resolve`, where the whole string is the span). */
function spanText(
  text: string,
  tokens: readonly Token[],
  first: number,
  last: number,
  index: SurfaceIndex,
  fuzzy: boolean,
): SpanText {
  const span = emptySpan(text);
  for (let position = first; position <= last; position++) {
    const token = tokens[position]!;
    extendSpan(span, token, fuzzy ? correctToken(token, (form) => index.typos.correct(form)) : undefined);
  }
  return span;
}

/** The caller's preferred types, then the types a neighbouring word names ("gene X", "X gene"). */
function preferredTypes(
  tokens: readonly Token[],
  first: number,
  last: number,
  callerPreference: readonly string[] | undefined,
): readonly string[] {
  let before = first - 1;
  if (before >= 0 && DETERMINERS.has(tokens[before]!.text.toLowerCase())) before--;
  const cues = [tokens[before], tokens[last + 1]].flatMap((token) =>
    token ? (typeCue(token.text.toLowerCase()) ?? []) : [],
  );
  if (cues.length === 0) return callerPreference ?? [];
  return [...(callerPreference ?? []), ...cues];
}

/**
 * Longest spans first (then better scored, then earlier), never overlapping. A generic
 * one-word node ("syndrome") is not linked where it heads a longer phrase the KG has no node
 * for; that phrase is reported as unlinked instead.
 */
function chooseSpans(
  index: SurfaceIndex,
  text: string,
  tokens: readonly Token[],
  found: FoundSpan[],
): { chosen: FoundSpan[]; unlinked: UnlinkedSpan[] } {
  found.sort(
    (left, right) =>
      right.last - right.first - (left.last - left.first) ||
      right.ranked.bestScore - left.ranked.bestScore ||
      left.first - right.first,
  );
  const taken = new Uint8Array(tokens.length);
  const chosen: FoundSpan[] = [];
  const suppressedHeads: FoundSpan[] = [];
  for (const span of found) {
    if (taken.subarray(span.first, span.last + 1).some((flag) => flag === 1)) continue;
    if (span.first === span.last && isGenericHead(index, span)) {
      const role = genericRole(text, tokens, span.first);
      if (role === 'class-noun') continue;
      if (role === 'modified') {
        suppressedHeads.push(span);
        continue;
      }
    }
    taken.fill(1, span.first, span.last + 1);
    chosen.push(span);
  }
  const unlinked = suppressedHeads
    .filter((span) => taken[span.first] === 0)
    .map((span) => unlinkedPhrase(index, text, tokens, taken, span));
  chosen.sort((left, right) => left.first - right.first);
  unlinked.sort((left, right) => left.start - right.start);
  return { chosen, unlinked };
}

function isGenericHead(index: SurfaceIndex, span: FoundSpan): boolean {
  return span.ranked.contenders.every((match) => GENERIC_HEADS.has(index.name[match.entry]!.toLowerCase()));
}

/**
 * How a generic head word is used: `modified` when a content word stands right before it or
 * a numeral or capital letter right after it ("Kleefstra syndrome", "syndrome 1", "syndrome X"), `class-noun` after a
 * determiner ("which syndrome"), else `alone` ("drugs that treat cancer").
 */
function genericRole(
  text: string,
  tokens: readonly Token[],
  position: number,
): 'modified' | 'class-noun' | 'alone' {
  const before = tokens[position - 1];
  const after = tokens[position + 1];
  const head = tokens[position]!;
  if (before && PHRASE_GAP.test(text.slice(before.end, head.start))) {
    const word = before.text.toLowerCase();
    if (DETERMINERS.has(word)) return 'class-noun';
    if (isModifier(before)) return 'modified';
  }
  if (
    after &&
    PHRASE_GAP.test(text.slice(head.end, after.start)) &&
    isNumeralToken(after, tokens[position + 2])
  )
    return 'modified';
  return 'alone';
}

function isModifier(token: Token): boolean {
  return (
    boundaryToken(token) && singleTokenMentionable(token) && typeCue(token.text.toLowerCase()) === undefined
  );
}

/** A designator after a name: a numeral ("1", "II"), a capital letter ("syndrome X"), or "type" before a numeral. */
function isNumeralToken(token: Token, next: Token | undefined): boolean {
  if (token.forms.length === 1 && /^\d+$/.test(token.forms[0]!)) return true;
  if (/^[A-Z]$/.test(token.text)) return true;
  return token.forms.length === 0 && next !== undefined && /^\d+$/.test(next.forms[0] ?? '');
}

function unlinkedPhrase(
  index: SurfaceIndex,
  text: string,
  tokens: readonly Token[],
  taken: Uint8Array,
  head: FoundSpan,
): UnlinkedSpan {
  let first = head.first;
  while (first > 0 && head.first - first < MAX_UNLINKED_MODIFIERS) {
    const before = tokens[first - 1]!;
    if (
      taken[first - 1] === 1 ||
      !isModifier(before) ||
      !PHRASE_GAP.test(text.slice(before.end, tokens[first]!.start))
    )
      break;
    first--;
  }
  let last = head.last;
  while (
    last + 1 < tokens.length &&
    taken[last + 1] === 0 &&
    isNumeralToken(tokens[last + 1]!, tokens[last + 2])
  ) {
    if (!PHRASE_GAP.test(text.slice(tokens[last]!.end, tokens[last + 1]!.start))) break;
    last++;
  }
  const start = tokens[first]!.start;
  const end = tokens[last]!.end;
  return { start, end, surface: text.slice(start, end), head: index.name[head.ranked.candidates[0]!.entry]! };
}

function toLinkSpan(
  index: SurfaceIndex,
  text: string,
  tokens: readonly Token[],
  span: FoundSpan,
  limit: number,
): LinkSpan {
  const start = tokens[span.first]!.start;
  const end = tokens[span.last]!.end;
  return {
    start,
    end,
    surface: text.slice(start, end),
    candidates: span.ranked.candidates.slice(0, limit).map((match) => toCandidate(index, match)),
    ambiguous: span.ranked.ambiguous,
  };
}

function toCandidate(index: SurfaceIndex, match: Match): LinkCandidate {
  return {
    nodeIndex: index.nodeIndex[match.entry]!,
    id: index.id[match.entry]!,
    type: index.type[match.entry]!,
    name: index.name[match.entry]!,
    score: Math.round(match.score * 1000) / 1000,
    matchedBy: match.kind,
    matched: match.surface >= 0 ? index.surfaceText[match.surface]! : index.id[match.entry]!,
    source: index.surfaceSource.get(match.surface),
  };
}
