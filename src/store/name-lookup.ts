import { z } from 'zod';
import { LAST_RESORT_SOURCES } from '../kg/synonym-text.js';
import { isCommonWord, GENERIC_WORDS, STOP_WORDS } from './english-words.js';
import { editDistance, normalizeKey, trigrams } from './text-normalize.js';

/** Another name mined from the KG's text for a node, and where it was found (`synonym-mining.ts`). */
export const minedNameSchema = z.object({ text: z.string(), source: z.string() });
export type MinedName = z.infer<typeof minedNameSchema>;

/**
 * One KG node as the name index sees it: its name, id and every alias (symbols, UniProt ids…),
 * and the synonyms mined for it at ingest (absent in indexes built before them).
 */
export const nameEntrySchema = z.object({
  nodeIndex: z.number().int().nonnegative(),
  type: z.string().min(1),
  name: z.string(),
  id: z.string(),
  aliases: z.array(z.string()),
  synonyms: z.array(minedNameSchema).optional(),
});
export type NameEntry = z.infer<typeof nameEntrySchema>;

export type MatchKind = 'exact' | 'case-insensitive' | 'normalized' | 'fuzzy';

export interface LookupCandidate {
  nodeIndex: number;
  type: string;
  name: string;
  id: string;
  /** The name, id or alias that matched, as stored. */
  matched: string;
  matchKind: MatchKind;
  /**
   * 1 exact, 0.95 case-insensitive, 0.9 normalized, 0.85 × similarity for fuzzy matches; × 0.9
   * when what matched is a synonym mined from the KG's texts.
   */
  score: number;
}

export interface LookupOptions {
  types?: readonly string[];
  /** Default 10. */
  limit?: number;
  /**
   * `fallback` (default) tries fuzzy matching only when nothing matched exactly, case-insensitively
   * or normalized; `always` adds fuzzy matches below those; `never` skips it.
   */
  fuzzy?: 'fallback' | 'always' | 'never';
  /** Lowest edit similarity (1 − distance / longer length) of a fuzzy match; default 0.75. */
  minFuzzySimilarity?: number;
}

export interface Mention {
  /** The text as written in the question. */
  text: string;
  /** UTF-16 offsets into the question: `question.slice(start, end) === text`. */
  start: number;
  end: number;
  candidates: LookupCandidate[];
}

export interface FindMentionsOptions {
  types?: readonly string[];
  /** Longest word n-gram tried (default 6). */
  maxNgram?: number;
  /** Candidates kept per mention (default 5). */
  candidatesPerMention?: number;
}

export interface NameLookupOptions {
  /** Types preferred when matches otherwise tie, most preferred first; other types follow alphabetically. */
  typePriority?: readonly string[];
}

export interface NameLookup {
  readonly size: { entries: number; surfaces: number; keys: number };
  lookup(query: string, options?: LookupOptions): LookupCandidate[];
  /**
   * Entity mentions in free text: exact, case-insensitive or normalized n-gram matches, longest
   * first; a name from a last-resort source only where no KG name matches that text or an
   * overlapping one.
   */
  findMentions(text: string, options?: FindMentionsOptions): Mention[];
}

/** A string a node is known by, and where it came from (the order is the tie-break order). */
const FIELD_NAME = 0;
const FIELD_ID = 1;
const FIELD_ALIAS = 2;
/** A synonym mined from the KG's texts at ingest: matched like an alias, scored lower. */
const FIELD_SYNONYM = 3;
const SYNONYM_WEIGHT = 0.9;

function scoreOf(kind: Exclude<MatchKind, 'fuzzy'>, field: number): number {
  return kindScore[kind] * (field === FIELD_SYNONYM ? SYNONYM_WEIGHT : 1);
}

const kindRank: Record<MatchKind, number> = { exact: 0, 'case-insensitive': 1, normalized: 2, fuzzy: 3 };
const kindScore: Record<Exclude<MatchKind, 'fuzzy'>, number> = {
  exact: 1,
  'case-insensitive': 0.95,
  normalized: 0.9,
};
const FUZZY_WEIGHT = 0.85;
/** Below four characters one edit is a quarter of the key: fuzzy matches would be noise. */
const MIN_FUZZY_KEY_LENGTH = 4;
const POSSESSIVE = /['’]s\b/i;
const POSSESSIVE_ALL = /['’]s\b/gi;
/** Longer queries are sentences, not names; they would only cost time. */
const MAX_FUZZY_KEY_LENGTH = 256;
/** Fuzzy candidates verified with the edit distance, chosen by shared trigrams. */
const FUZZY_SHORTLIST = 64;

/** Surface ids under one key: a bare number for the common single-surface case saves memory. */
type Posting = number | number[];

function addPosting(map: Map<string, Posting>, key: string, id: number): void {
  const existing = map.get(key);
  if (existing === undefined) map.set(key, id);
  else if (typeof existing === 'number') map.set(key, [existing, id]);
  else existing.push(id);
}

function forEachPosting(posting: Posting | undefined, visit: (id: number) => void): void {
  if (posting === undefined) return;
  if (typeof posting === 'number') visit(posting);
  else for (const id of posting) visit(id);
}

interface Match {
  entry: number;
  surface: number;
  kind: MatchKind;
  score: number;
}

/**
 * In-memory name index for entity linking: exact, case-insensitive and normalized hash maps over
 * every name, id and alias, plus a character-trigram index over normalized keys for typos.
 * Built at load (≈ 1 s for 80k nodes with 150k aliases; see `eval/bench/name-lookup.ts`).
 */
export function createNameLookup(entries: Iterable<NameEntry>, options: NameLookupOptions = {}): NameLookup {
  const tables = buildNameTables(entries);
  const {
    nodeIndices,
    types,
    names,
    ids,
    surfaceText,
    surfaceEntry,
    surfaceField,
    surfaceLastResort,
    exact,
    lower,
    keyIds,
    keyText,
    keySurfaces,
  } = tables;
  const fuzzyMatches = createFuzzyMatcher(tables);
  const typeRank = new Map((options.typePriority ?? []).map((type, rank) => [type, rank]));

  const lastResortRank = (match: Match) => (surfaceLastResort.has(match.surface) ? 1 : 0);
  const compare = (left: Match, right: Match): number =>
    lastResortRank(left) - lastResortRank(right) ||
    kindRank[left.kind] - kindRank[right.kind] ||
    right.score - left.score ||
    surfaceField[left.surface]! - surfaceField[right.surface]! ||
    names[left.entry]!.length - names[right.entry]!.length ||
    (typeRank.get(types[left.entry]!) ?? typeRank.size) -
      (typeRank.get(types[right.entry]!) ?? typeRank.size) ||
    compareStrings(types[left.entry]!, types[right.entry]!) ||
    nodeIndices[left.entry]! - nodeIndices[right.entry]!;

  const toCandidate = (match: Match): LookupCandidate => ({
    nodeIndex: nodeIndices[match.entry]!,
    type: types[match.entry]!,
    name: names[match.entry]!,
    id: ids[match.entry]!,
    matched: surfaceText[match.surface]!,
    matchKind: match.kind,
    score: match.score,
  });

  /** Exact, case-insensitive and normalized matches of `text`, best per entry. */
  const directMatches = (
    text: string,
    allowType: (type: string) => boolean,
    accept: (surface: number, kind: MatchKind) => boolean = () => true,
  ): Map<number, Match> => {
    const best = new Map<number, Match>();
    const offer = (surface: number, kind: Exclude<MatchKind, 'fuzzy'>) => {
      const entry = surfaceEntry[surface]!;
      if (!allowType(types[entry]!) || !accept(surface, kind)) return;
      const match: Match = { entry, surface, kind, score: scoreOf(kind, surfaceField[surface]!) };
      const previous = best.get(entry);
      if (!previous || compare(match, previous) < 0) best.set(entry, match);
    };
    forEachPosting(exact.get(text), (surface) => offer(surface, 'exact'));
    forEachPosting(lower.get(text.toLowerCase()), (surface) => offer(surface, 'case-insensitive'));
    const keyId = keyIds.get(normalizeKey(text));
    if (keyId !== undefined) forEachPosting(keySurfaces[keyId], (surface) => offer(surface, 'normalized'));
    return best;
  };

  const mentionMatches = createMentionMatcher(tables, directMatches, compare);

  return {
    size: { entries: nodeIndices.length, surfaces: surfaceText.length, keys: keyText.length },

    lookup(query, lookupOptions = {}) {
      const text = query.trim();
      if (text === '') return [];
      const limit = lookupOptions.limit ?? 10;
      const allowType = typeFilter(lookupOptions.types);
      const best = directMatches(text, allowType);
      const fuzzy = lookupOptions.fuzzy ?? 'fallback';
      if (fuzzy === 'always' || (fuzzy === 'fallback' && best.size === 0))
        fuzzyMatches(text, allowType, lookupOptions.minFuzzySimilarity ?? 0.75, best);
      return [...best.values()].sort(compare).slice(0, limit).map(toCandidate);
    },

    findMentions(text, mentionOptions = {}) {
      const perMention = mentionOptions.candidatesPerMention ?? 5;
      const allowType = typeFilter(mentionOptions.types);
      return findMentionSpans(text, mentionOptions.maxNgram ?? 6, (span) =>
        mentionMatches(span, allowType),
      ).map(({ start, end, matches }) => ({
        text: text.slice(start, end),
        start,
        end,
        candidates: matches.slice(0, perMention).map(toCandidate),
      }));
    },
  };
}

type DirectMatches = (
  text: string,
  allowType: (type: string) => boolean,
  accept: (surface: number, kind: MatchKind) => boolean,
) => Map<number, Match>;

/**
 * A span's matches for `findMentions`: names from last-resort sources only when no other name
 * matches the span (the linker's rule), so an alias symbol never displaces a KG name, and only
 * as written; short all-capital KG symbols only as written too ({@link requiresExactCase}).
 */
function createMentionMatcher(
  { surfaceText, surfaceLastResort }: NameTables,
  directMatches: DirectMatches,
  compare: (left: Match, right: Match) => number,
) {
  const caseAllowed = (surface: number, kind: MatchKind) =>
    kind === 'exact' || !requiresExactCase(surfaceText[surface]!);
  return (
    span: string,
    allowType: (type: string) => boolean,
  ): { matches: Match[]; lastResort: boolean } | undefined => {
    let sawLastResort = false;
    const kg = directMatches(span, allowType, (surface, kind) => {
      if (!surfaceLastResort.has(surface)) return caseAllowed(surface, kind);
      sawLastResort = true;
      return false;
    });
    if (kg.size > 0) return { matches: [...kg.values()].sort(compare), lastResort: false };
    if (!sawLastResort) return undefined;
    // Alias symbols are case-sensitive identifiers: "cava" is not CAVA, "acid, 2" is not ACID2
    // (the linker likewise matches abbreviation-like mined names only as written).
    const fallback = directMatches(span, allowType, (_surface, kind) => kind === 'exact');
    return fallback.size === 0
      ? undefined
      : { matches: [...fallback.values()].sort(compare), lastResort: true };
  };
}

/** The exact, case-insensitive and normalized hash maps over every name, id and alias. */
class NameTables {
  /** Per entry. */
  readonly nodeIndices: number[] = [];
  readonly types: string[] = [];
  readonly names: string[] = [];
  readonly ids: string[] = [];
  /** Per surface (a trimmed name, id or alias of one entry). */
  readonly surfaceText: string[] = [];
  readonly surfaceEntry: number[] = [];
  readonly surfaceField: number[] = [];
  /** Surfaces from {@link LAST_RESORT_SOURCES}: matched after every other name, never fuzzily. */
  readonly surfaceLastResort = new Set<number>();
  readonly exact = new Map<string, Posting>();
  readonly lower = new Map<string, Posting>();
  /** Per normalized key: its id, text and surfaces. */
  readonly keyIds = new Map<string, number>();
  readonly keyText: string[] = [];
  readonly keySurfaces: Posting[] = [];

  addEntry(entry: NameEntry): void {
    const entryId = this.nodeIndices.length;
    this.nodeIndices.push(entry.nodeIndex);
    this.types.push(entry.type);
    this.names.push(entry.name);
    this.ids.push(entry.id);
    const seen = new Set<string>();
    const addSurface = (raw: string, field: number) => {
      const text = raw.trim();
      if (text === '' || seen.has(text)) return;
      seen.add(text);
      this.addSurface(text, entryId, field);
    };
    addSurface(entry.name, FIELD_NAME);
    addSurface(entry.id, FIELD_ID);
    for (const alias of entry.aliases) addSurface(alias, FIELD_ALIAS);
    // Last-resort synonyms after the others, so a text that is both keeps the stronger source.
    const synonyms = entry.synonyms ?? [];
    for (const synonym of synonyms)
      if (!LAST_RESORT_SOURCES.has(synonym.source)) addSurface(synonym.text, FIELD_SYNONYM);
    for (const synonym of synonyms)
      if (LAST_RESORT_SOURCES.has(synonym.source)) {
        const surface = this.surfaceText.length;
        addSurface(synonym.text, FIELD_SYNONYM);
        if (this.surfaceText.length > surface) this.surfaceLastResort.add(surface);
      }
  }

  private addSurface(text: string, entryId: number, field: number): void {
    const surface = this.surfaceText.length;
    this.surfaceText.push(text);
    this.surfaceEntry.push(entryId);
    this.surfaceField.push(field);
    addPosting(this.exact, text, surface);
    addPosting(this.lower, text.toLowerCase(), surface);
    this.addKey(normalizeKey(text), surface);
    // "Parkinson's disease" is also written "Parkinson disease": index the form without the
    // possessive too ("Parkinsons disease" already matches the first key).
    if (POSSESSIVE.test(text)) this.addKey(normalizeKey(text.replace(POSSESSIVE_ALL, '')), surface);
  }

  private addKey(key: string, surface: number): void {
    if (key === '') return;
    const keyId = this.keyIds.get(key);
    if (keyId === undefined) {
      this.keyIds.set(key, this.keyText.length);
      this.keyText.push(key);
      this.keySurfaces.push(surface);
      return;
    }
    const posting = this.keySurfaces[keyId]!;
    if (typeof posting === 'number') {
      if (posting !== surface) this.keySurfaces[keyId] = [posting, surface];
    } else if (posting[posting.length - 1] !== surface) posting.push(surface);
  }
}

function buildNameTables(entries: Iterable<NameEntry>): NameTables {
  const tables = new NameTables();
  for (const entry of entries) tables.addEntry(entry);
  return tables;
}

/** Trigram-shortlisted, edit-distance-checked fuzzy matches over the normalized keys. */
function createFuzzyMatcher(tables: NameTables) {
  const { types, surfaceEntry, surfaceLastResort, keyText, keySurfaces } = tables;
  // Half the build (≈ 1 CPU-second over the shared KG's names) and needed only for typos: built
  // by the first fuzzy lookup, so a service whose first query is an exact name does not wait for it.
  let trigramIndex: Map<string, Int32Array> | undefined;
  const sharedCounts = new Uint16Array(keyText.length);
  const keyLengths = Uint16Array.from(keyText, (key) => Math.min(key.length, 0xffff));
  return (
    text: string,
    allowType: (type: string) => boolean,
    minSimilarity: number,
    best: Map<number, Match>,
  ): void => {
    const query = normalizeKey(text);
    if (query.length < MIN_FUZZY_KEY_LENGTH || query.length > MAX_FUZZY_KEY_LENGTH) return;
    const queryGrams = trigrams(query);
    // Dense counting and one pass over all keys beat tracking the touched keys: common trigrams
    // ("ion", "ati") reach ~10k keys each, and a push per first touch costs more than the scan.
    const counts = sharedCounts;
    const lengths = keyLengths;
    trigramIndex ??= buildTrigramIndex(keyText);
    for (const gram of queryGrams) {
      const posting = trigramIndex.get(gram);
      if (!posting) continue;
      for (let index = 0; index < posting.length; index++) counts[posting[index]!]!++;
    }
    // The best FUZZY_SHORTLIST keys by Dice coefficient, kept sorted (best first); a full sort
    // of every key sharing a trigram cost ~2.6 ms for long GO names.
    const shortlist: { keyId: number; dice: number; allowed: number }[] = [];
    for (let keyId = 0; keyId < counts.length; keyId++) {
      const shared = counts[keyId]!;
      if (shared === 0) continue;
      counts[keyId] = 0;
      const length = lengths[keyId]!;
      const allowed = Math.floor((1 - minSimilarity) * Math.max(length, query.length) + 1e-9);
      if (Math.abs(length - query.length) > allowed) continue;
      // One edit changes at most four trigrams (a transposition), so a key within `allowed`
      // edits shares at least this many.
      if (shared < queryGrams.length - 4 * allowed) continue;
      // A key has `length` padded trigrams (fewer when some repeat; close enough to rank).
      const dice = (2 * shared) / (queryGrams.length + length);
      if (shortlist.length === FUZZY_SHORTLIST && dice <= shortlist[FUZZY_SHORTLIST - 1]!.dice) continue;
      let position = shortlist.length;
      while (position > 0 && shortlist[position - 1]!.dice < dice) position--;
      shortlist.splice(position, 0, { keyId, dice, allowed });
      if (shortlist.length > FUZZY_SHORTLIST) shortlist.pop();
    }
    for (const { keyId, allowed } of shortlist) {
      const key = keyText[keyId]!;
      const distance = editDistance(query, key, allowed);
      if (distance > allowed) continue;
      const similarity = 1 - distance / Math.max(key.length, query.length);
      const score = FUZZY_WEIGHT * similarity;
      forEachPosting(keySurfaces[keyId], (surface) => {
        const entry = surfaceEntry[surface]!;
        if (!allowType(types[entry]!) || surfaceLastResort.has(surface)) return;
        const previous = best.get(entry);
        if (previous && (previous.kind !== 'fuzzy' || previous.score >= score)) return;
        best.set(entry, { entry, surface, kind: 'fuzzy', score });
      });
    }
  };
}

/** The mentions' spans in `text`, in reading order, with the matches `matchSpan` gave each. */
function findMentionSpans(
  text: string,
  maxNgram: number,
  matchSpan: (span: string) => { matches: Match[]; lastResort: boolean } | undefined,
): { start: number; end: number; matches: Match[] }[] {
  const tokens = tokenize(text);
  const found: FoundSpan[] = [];
  for (let first = 0; first < tokens.length; first++) {
    for (let last = Math.min(tokens.length, first + maxNgram) - 1; last >= first; last--) {
      if (!mentionable(tokens, first, last)) continue;
      const spanMatches = matchSpan(text.slice(tokens[first]!.start, tokens[last]!.end));
      if (spanMatches) found.push({ first, last, ...spanMatches });
    }
  }
  return pickMentions(found, tokens.length)
    .map(({ first, last, matches }) => ({ start: tokens[first]!.start, end: tokens[last]!.end, matches }))
    .sort((left, right) => left.start - right.start);
}

interface FoundSpan {
  first: number;
  last: number;
  matches: Match[];
  /** Whether only last-resort names matched the span. */
  lastResort: boolean;
}

/**
 * Spans matched by a KG name before spans matched only by a last-resort name, then longest
 * first, then the earlier one; a token belongs to one mention at most.
 */
function pickMentions(found: FoundSpan[], tokenCount: number): FoundSpan[] {
  found.sort(
    (left, right) =>
      Number(left.lastResort) - Number(right.lastResort) ||
      right.last - right.first - (left.last - left.first) ||
      left.first - right.first,
  );
  const taken = new Uint8Array(tokenCount);
  const picked: FoundSpan[] = [];
  for (const candidate of found) {
    let free = true;
    for (let token = candidate.first; token <= candidate.last; token++) if (taken[token]) free = false;
    if (!free) continue;
    taken.fill(1, candidate.first, candidate.last + 1);
    picked.push(candidate);
  }
  return picked;
}

function buildTrigramIndex(keys: readonly string[]): Map<string, Int32Array> {
  const lists = new Map<string, number[]>();
  keys.forEach((key, keyId) => {
    if (key.length < MIN_FUZZY_KEY_LENGTH - 1) return;
    for (const gram of trigrams(key)) {
      const list = lists.get(gram);
      if (list) list.push(keyId);
      else lists.set(gram, [keyId]);
    }
  });
  const index = new Map<string, Int32Array>();
  for (const [gram, list] of lists) index.set(gram, Int32Array.from(list));
  return index;
}

function typeFilter(types: readonly string[] | undefined): (type: string) => boolean {
  if (!types || types.length === 0) return () => true;
  const allowed = new Set(types);
  return (type) => allowed.has(type);
}

function compareStrings(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0;
}

interface Token {
  text: string;
  lower: string;
  start: number;
  end: number;
}

/** Words, keeping inner hyphens, apostrophes, colons, dots and slashes: `TNF-α`, `DOID:1612`, `Alzheimer's`. */
const TOKEN_PATTERN = /[\p{L}\p{N}]+(?:['’\-‐:./+][\p{L}\p{N}]+)*/gu;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  for (const match of text.matchAll(TOKEN_PATTERN)) {
    const start = match.index;
    tokens.push({ text: match[0], lower: match[0].toLowerCase(), start, end: start + match[0].length });
  }
  return tokens;
}

/** Whether tokens `first..last` may form a mention at all (before any lookup). */
function mentionable(tokens: readonly Token[], first: number, last: number): boolean {
  const head = tokens[first]!;
  const tail = tokens[last]!;
  if (STOP_WORDS.has(head.lower) || STOP_WORDS.has(tail.lower)) return false;
  if (first !== last) return true;
  if (GENERIC_WORDS.has(head.lower)) return false;
  if (/^\d+$/.test(head.text)) return false; // bare numbers would hit Entrez gene ids
  return head.text.length >= 2;
}

/**
 * All-capital symbols that are short or spell an English word (`CAT`, `SET`, `MET`, `IMPACT`)
 * only count as mentions when written exactly so.
 */
export function requiresExactCase(surface: string): boolean {
  if (!/^[A-Z0-9][A-Z0-9-]*$/.test(surface) || !/[A-Z]/.test(surface)) return false;
  if (surface.length <= 2) return true;
  if (surface.length === 3 && /^[A-Z]+$/.test(surface)) return true;
  return isCommonWord(surface.toLowerCase());
}
