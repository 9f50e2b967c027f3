import { STOP_WORDS, GENERIC_WORDS } from '../store/english-words.js';
import { CONJUNCTIONS } from './context-words.js';
import {
  bagKey,
  forEachPosting,
  matchKindOf,
  SurfaceField,
  type Posting,
  type SurfaceIndex,
} from './surface-index.js';
import type { LinkMatchKind } from './types.js';
import { allowedEdits, type Correction } from './typo-index.js';
import type { Token } from './word-forms.js';

/**
 * Matching one span of text against the surface index, tier by tier: exact text, lower case,
 * form key, word bag, and (when nothing else matched) the form key with typos corrected.
 */

export interface Match {
  entry: number;
  surface: number;
  kind: LinkMatchKind;
  score: number;
}

/**
 * Scores by tier and surface field: names beat ids beat aliases beat derived synonyms beat names
 * shortened by a generic last word ("type 2 diabetes"); a synonym mined from the KG's texts
 * scores below a KG alias (0.9 as written), so a real name of another node matched as well is a
 * contender and the span is reported ambiguous.
 */
type Tier = 'exact' | 'lower' | 'key' | 'symbol' | 'bag';
const TIER_SCORES: Record<Tier, Record<SurfaceField, number>> = {
  exact: [1, 1, 1, 0.95, 0.93, 0.85, 0.82, 0.9],
  lower: [0.97, 0.98, 0.98, 0.93, 0.91, 0.84, 0.82, 0.88],
  key: [0.9, 0.95, 0.95, 0.88, 0.86, 0.8, 0.8, 0.84],
  symbol: [0.88, 0.88, 0.88, 0.86, 0.84, 0.78, 0.78, 0.78],
  bag: [0.8, 0.8, 0.8, 0.78, 0.76, 0.72, 0.72, 0.72],
};
const GENE_TYPE = 'gene/protein';
const MAX_SYMBOL_TOKENS = 3;
const GREEK_INITIALS = new Map(
  Object.entries({ alpha: 'a', beta: 'b', gamma: 'g', delta: 'd', epsilon: 'e', kappa: 'k' }),
);
const FUZZY_WEIGHT = 0.85;
/** A single word corrected alone must be this long: shorter ones are too often other words. */
const MIN_FUZZY_SINGLE_WORD = 6;

export interface SpanText {
  raw: string;
  /** Forms of the span's tokens, concatenated. */
  key: string;
  forms: string[];
  /** The key with typos corrected, and how many edits that took (0: nothing corrected). */
  correctedKey: string;
  edits: number;
  /** A conjunction inside the span: no word-order match across it. */
  joinsNames: boolean;
  tokenCount: number;
}

export type TypeFilter = (type: string) => boolean;

export function typeFilter(types: readonly string[] | undefined): TypeFilter {
  if (!types || types.length === 0) return () => true;
  const allowed = new Set(types);
  return (type) => allowed.has(type);
}

export function createSpanMatcher(index: SurfaceIndex) {
  const offer = (
    best: Map<number, Match>,
    allow: TypeFilter,
    posting: Posting | undefined,
    tier: Tier,
    raw?: string,
  ) =>
    forEachPosting(posting, (surface) => {
      if (tier !== 'exact' && index.surfaceExactCase[surface] === 1) {
        if (tier !== 'symbol' || raw === undefined || !sameSymbolCase(raw, index.surfaceText[surface]!))
          return;
      }
      const entry = index.surfaceEntry[surface]!;
      if (!allow(index.type[entry]!)) return;
      const field = index.surfaceField[surface]! as SurfaceField;
      const match: Match = { entry, surface, kind: kindFor(tier, field), score: TIER_SCORES[tier][field] };
      const previous = best.get(entry);
      if (!previous || previous.score < match.score) best.set(entry, match);
    });

  const offerFuzzy = (best: Map<number, Match>, allow: TypeFilter, span: SpanText) =>
    forEachPosting(index.key.get(span.correctedKey), (surface) => {
      // Typos on top of a shortened name ("type 2 diabetis") stray too far from the KG's name.
      if (index.surfaceExactCase[surface] === 1 || index.surfaceField[surface] === SurfaceField.Shortened)
        return;
      const entry = index.surfaceEntry[surface]!;
      if (!allow(index.type[entry]!)) return;
      const length = Math.max(span.key.length, index.surfaceKeyLength[surface]!, 1);
      const score = FUZZY_WEIGHT * Math.max(0, 1 - span.edits / length);
      const previous = best.get(entry);
      if (!previous || previous.score < score) best.set(entry, { entry, surface, kind: 'fuzzy', score });
    });

  /** "TNF-α" → TNF, "IL-1β" → IL1B, "PPAR-γ" → PPARG: gene symbols write Greek letters as Latin initials or drop a final one. */
  const offerSymbols = (best: Map<number, Match>, allow: TypeFilter, span: SpanText) => {
    if (!allow(GENE_TYPE) || !span.forms.some((form) => GREEK_INITIALS.has(form))) return;
    const initials = span.forms.map((form) => GREEK_INITIALS.get(form) ?? form).join('');
    const last = span.forms.length - 1;
    const withoutFinal = GREEK_INITIALS.has(span.forms[last]!)
      ? span.forms.slice(0, last).join('')
      : undefined;
    for (const key of withoutFinal === undefined ? [initials] : [initials, withoutFinal])
      offer(best, (type) => type === GENE_TYPE, index.key.get(key), 'symbol', span.raw);
  };

  return {
    /** Best match per entry for one span; empty when nothing matches. */
    match(span: SpanText, allow: TypeFilter, fuzzy: boolean): Map<number, Match> {
      const best = new Map<number, Match>();
      offer(best, allow, index.exact.get(span.raw), 'exact');
      offer(best, allow, index.lower.get(span.raw.toLowerCase()), 'lower');
      if (span.key !== '') offer(best, allow, index.key.get(span.key), 'key');
      if (!span.joinsNames && span.tokenCount > 1) {
        const bag = bagKey(span.forms);
        if (bag !== undefined) offer(best, allow, index.bag.get(bag), 'bag');
      }
      if (best.size === 0 && span.tokenCount <= MAX_SYMBOL_TOKENS) offerSymbols(best, allow, span);
      if (best.size === 0 && fuzzy && span.edits > 0 && fuzzyAllowed(span)) offerFuzzy(best, allow, span);
      return best;
    },
  };
}

export type SpanMatcher = ReturnType<typeof createSpanMatcher>;

/** "TNF-α" is written in the case of "TNF", "tnf-α" is not: the Latin letters agree as far as both go. */
function sameSymbolCase(raw: string, symbol: string): boolean {
  const written = raw.replace(/[^A-Za-z0-9]/g, '');
  const stored = symbol.replace(/[^A-Za-z0-9]/g, '');
  return written.startsWith(stored) || stored.startsWith(written);
}

function kindFor(tier: Tier, field: SurfaceField): LinkMatchKind {
  const kind = matchKindOf(field);
  if (kind !== 'exact') return kind;
  return tier === 'exact' || tier === 'lower' ? 'exact' : 'normalized';
}

function fuzzyAllowed(span: SpanText): boolean {
  if (span.edits > allowedEdits(span.key.length)) return false;
  return span.tokenCount > 1 || span.key.length >= MIN_FUZZY_SINGLE_WORD;
}

/** Whether a token may end a span: not a function word, not a dropped word. */
export function boundaryToken(token: Token): boolean {
  return token.forms.length > 0 && !STOP_WORDS.has(token.text.toLowerCase());
}

/** Whether a token may begin a span: as `boundaryToken`, or "type" before a numeral ("type II diabetes"). */
export function startToken(token: Token): boolean {
  return boundaryToken(token) || (token.forms.length === 0 && token.text.toLowerCase() === 'type');
}

/** Whether one token alone may be a span (before any lookup). */
export function singleTokenMentionable(token: Token): boolean {
  const lower = token.text.toLowerCase();
  if (GENERIC_WORDS.has(lower)) return false;
  if (/^\d+$/.test(token.text)) return false;
  return token.text.length >= 2;
}

export function isConjunction(token: Token): boolean {
  return CONJUNCTIONS.has(token.text.toLowerCase());
}

/** Corrected forms of a token and the edits they took; undefined when nothing needed correcting. */
export function correctToken(
  token: Token,
  correct: (form: string) => Correction | undefined,
): { forms: string[]; edits: number } | undefined {
  if (STOP_WORDS.has(token.text.toLowerCase()) || GENERIC_WORDS.has(token.text.toLowerCase()))
    return undefined;
  let edits = 0;
  const forms = token.forms.map((form) => {
    // A misspelt word ending in "s" ("proces", "kinaes") was folded as a plural; try it as written first.
    const written = /s$/i.test(token.text) && !form.endsWith('s') ? correct(`${form}s`) : undefined;
    const correction = written ?? correct(form);
    if (!correction) return form;
    edits += correction.edits;
    return correction.form;
  });
  return edits === 0 ? undefined : { forms, edits };
}
