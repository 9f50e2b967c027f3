import { LAST_RESORT_SOURCES, LEXICON_SOURCES } from '../kg/synonym-text.js';
import { STOP_WORDS } from '../store/english-words.js';
import { requiresExactCase, type NameEntry } from '../store/name-lookup.js';
import { createTypoIndex, type TypoIndex } from './typo-index.js';
import type { LinkMatchKind } from './types.js';
import { formKey, tokenize } from './word-forms.js';
import { collectAcronyms, type AcronymCounts, type AcronymSource } from './acronyms.js';

/**
 * Every string a node is known by (name, id, aliases, derived synonyms), with hash maps from
 * its exact text, lower case, form key and word bag to the surfaces, built once per index.
 */

/** Where a surface came from; also the tie-break order between candidates that match equally. */
export const SurfaceField = {
  Name: 0,
  Id: 1,
  IdAlias: 2,
  Alias: 3,
  Derived: 4,
  Shortened: 5,
  Acronym: 6,
  /** A synonym mined from the KG's texts at ingest (a brand name, a defined abbreviation…). */
  Mined: 7,
} as const;
export type SurfaceField = (typeof SurfaceField)[keyof typeof SurfaceField];

/** Surface ids under one key: a bare number for the common single-surface case saves memory. */
export type Posting = number | number[];

export interface SurfaceIndex {
  entries: number;
  nodeIndex: Int32Array;
  type: string[];
  name: string[];
  id: string[];
  surfaceText: string[];
  surfaceEntry: Int32Array;
  surfaceField: Uint8Array;
  /** Surfaces that only count when written with this exact case (`CAT`, `SET`, `IMPACT`). */
  surfaceExactCase: Uint8Array;
  /** Form-key length of each surface, for fuzzy scores. */
  surfaceKeyLength: Uint16Array;
  /** Where each mined surface came from (`synonym-mining.ts`), by surface id; other surfaces have none. */
  surfaceSource: Map<number, string>;
  exact: Map<string, Posting>;
  lower: Map<string, Posting>;
  key: Map<string, Posting>;
  bag: Map<string, Posting>;
  /** Gene/protein nodes by Entrez id, reached only after a cue word ("Entrez 7157"). */
  entrez: Map<string, number>;
  /** What the acronym collision rules kept and dropped (`acronyms.ts`). */
  acronymCounts: AcronymCounts;
  /** Longest surface, in tokens (capped); spans longer than this cannot match. */
  maxTokens: number;
  typos: TypoIndex;
}

/** Spans are never longer than this many tokens, whatever the longest GO name is. */
const MAX_SPAN_TOKENS = 16;
/** Word-order matches only for names of a few content words: longer bags are sentences. */
export const MIN_BAG_WORDS = 2;
export const MAX_BAG_WORDS = 6;

/** Ontology ids, rsIDs, DrugBank and UniProt accessions: an alias that is an identifier, not a name. */
const ID_PATTERN =
  /^(?:rs\d+|DB\d{5}|[A-Za-z][A-Za-z0-9]*[:_][A-Za-z0-9._-]+|[OPQ]\d[A-Z0-9]{3}\d(?:-\d+)?|[A-NR-Z]\d(?:[A-Z][A-Z0-9]{2}\d){1,2}(?:-\d+)?)$/;

export function isIdentifier(text: string): boolean {
  return ID_PATTERN.test(text);
}

function addPosting(map: Map<string, Posting>, key: string, surface: number): void {
  const existing = map.get(key);
  if (existing === undefined) map.set(key, surface);
  else if (typeof existing === 'number') {
    if (existing !== surface) map.set(key, [existing, surface]);
  } else if (existing[existing.length - 1] !== surface) existing.push(surface);
}

export function forEachPosting(posting: Posting | undefined, visit: (surface: number) => void): void {
  if (posting === undefined) return;
  if (typeof posting === 'number') visit(posting);
  else for (const surface of posting) visit(surface);
}

/** The sorted content words of a name, or undefined when it has too few or too many. */
export function bagKey(forms: readonly string[]): string | undefined {
  const content = forms.filter((form) => !STOP_WORDS.has(form));
  if (content.length < MIN_BAG_WORDS || content.length > MAX_BAG_WORDS) return undefined;
  return content.sort().join(' ');
}

/** "mitochondrial complex V (ATP synthase) deficiency" is also said without the parenthetical. */
function withoutParenthetical(name: string): string | undefined {
  if (!name.includes('(')) return undefined;
  const stripped = name
    .replace(/\s*\([^()]*\)/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  return stripped === name || stripped === '' ? undefined : stripped;
}

/**
 * Last words a disease or phenotype name is often said without, and how much of the name must
 * be left for the rest to still read as that name:
 * - "mellitus": anything ("type 2 diabetes" for "type 2 diabetes mellitus");
 * - "syndrome", "disorder": two or more words ("irritable bowel", "major depressive") or a
 *   possessive eponym ("Asperger's"), never one plain word ("bipolar", "Down");
 * - "disease": only a possessive eponym ("Alzheimer's", "Crohn's"): "coronary artery" or "lung"
 *   name the organ, not the disease.
 */
const SUFFIX_RULES: ReadonlyMap<string, 'any' | 'phrase' | 'eponym'> = new Map([
  ['mellitus', 'any'],
  ['syndrome', 'phrase'],
  ['disorder', 'phrase'],
  ['disease', 'eponym'],
] as const);
const SHORTENED_TYPES: ReadonlySet<string> = new Set(['disease', 'effect/phenotype']);
const POSSESSIVE = /^\S+['’]s$/;

/** The name without its generic last word, when the rest still reads as the name (see {@link SUFFIX_RULES}). */
function withoutGenericSuffix(name: string): string | undefined {
  const words = name.trim().split(/\s+/);
  const rule = words.length < 2 ? undefined : SUFFIX_RULES.get(words[words.length - 1]!.toLowerCase());
  if (rule === undefined) return undefined;
  const rest = words.slice(0, -1);
  const eponym = rest.length === 1 && POSSESSIVE.test(rest[0]!);
  if (rule === 'eponym' && !eponym) return undefined;
  if (rule === 'phrase' && rest.length === 1 && !eponym) return undefined;
  return rest.join(' ');
}

const kindOfField: Record<SurfaceField, LinkMatchKind> = {
  [SurfaceField.Name]: 'exact',
  [SurfaceField.Id]: 'id',
  [SurfaceField.IdAlias]: 'id',
  [SurfaceField.Alias]: 'synonym',
  [SurfaceField.Derived]: 'synonym',
  [SurfaceField.Shortened]: 'synonym',
  // Reported as a synonym: an acronym is another name for the node.
  [SurfaceField.Acronym]: 'synonym',
  [SurfaceField.Mined]: 'synonym',
};

export function matchKindOf(field: SurfaceField): LinkMatchKind {
  return kindOfField[field];
}

/**
 * Shortened names ({@link withoutGenericSuffix}) that are unambiguous: one full name shortens to
 * them (a disease and a phenotype of that same name count as one), and no node is known by them
 * already, so a shortened name never competes with a real one.
 */
function addShortenedNames(
  entries: readonly NameEntry[],
  add: (entry: number, text: string) => void,
  index: SurfaceIndex,
): void {
  const keyOf = (text: string) =>
    tokenize(text)
      .flatMap((token) => token.forms)
      .join('');
  const byKey = new Map<string, { name: string; entries: number[] }>();
  const ambiguous = new Set<string>();
  entries.forEach((entry, position) => {
    if (!SHORTENED_TYPES.has(entry.type)) return;
    const shortened = withoutGenericSuffix(entry.name);
    if (shortened === undefined) return;
    const key = keyOf(shortened);
    if (key === '' || index.key.has(key)) return;
    // Names equal after folding ("type II …" and "type 2 …", a disease and its phenotype) are one name.
    const name = keyOf(entry.name);
    const found = byKey.get(key);
    if (!found) byKey.set(key, { name, entries: [position] });
    else if (found.name === name) found.entries.push(position);
    else ambiguous.add(key);
  });
  for (const [key, { entries: sameName }] of byKey) {
    if (ambiguous.has(key)) continue;
    for (const entry of sameName) add(entry, withoutGenericSuffix(entries[entry]!.name)!);
  }
}

/**
 * Acronyms of disease and phenotype names ({@link collectAcronyms}: initials, parenthesised
 * abbreviations), after every other surface so that an existing symbol or name always wins.
 */
function addAcronyms(
  entries: readonly NameEntry[],
  index: SurfaceIndex,
  add: (entry: number, text: string) => void,
  prominence: ((nodeIndex: number) => number) | undefined,
): void {
  const sources: AcronymSource[] = [];
  entries.forEach((entry, position) => {
    if (!SHORTENED_TYPES.has(entry.type)) return;
    const shortened = withoutGenericSuffix(entry.name);
    sources.push({
      entry: position,
      names: [
        entry.name,
        ...(shortened === undefined ? [] : [shortened]),
        ...entry.aliases.filter((alias) => !isIdentifier(alias)),
      ],
      nameKey: formKey(entry.name),
      prominence: prominence?.(entry.nodeIndex) ?? 0,
    });
  });
  const taken = (text: string) => index.exact.has(text) || index.lower.has(text.toLowerCase());
  for (const [acronym, positions] of collectAcronyms(sources, taken, index.acronymCounts))
    for (const position of positions) add(position, acronym);
}

/**
 * Synonyms mined at ingest, after every name, id and alias: one that is already a name, id or
 * alias of another node of the same type is skipped (mining drops those too; this guards tables
 * built from other KGs), so a mined name never displaces a real one. Gene alias symbols
 * ({@link LAST_RESORT_SOURCES}) come last, after the acronyms, and only where no node has that
 * text in any form: NCBI lists tens of thousands, and "ALS" or "AD" must stay the diseases'.
 */
function addMinedSynonyms(
  entries: readonly NameEntry[],
  index: SurfaceIndex,
  ownerOf: (surface: number) => { entry: number; field: SurfaceField },
  /** `counted`: whether the surface's words count for typo correction (not for names from outside the KG). */
  add: (entry: number, text: string, seen: Set<string>, counted: boolean) => void,
  pass: 'first' | 'last-resort',
): void {
  entries.forEach((entry, position) => {
    if (entry.synonyms === undefined) return;
    const seen = new Set<string>([entry.name, entry.id, ...entry.aliases]);
    for (const synonym of entry.synonyms) {
      const lastResort = LAST_RESORT_SOURCES.has(synonym.source);
      if (lastResort !== (pass === 'last-resort')) continue;
      let taken =
        lastResort && (index.exact.has(synonym.text) || index.lower.has(synonym.text.toLowerCase()));
      forEachPosting(index.key.get(formKey(synonym.text)), (surface) => {
        const owner = ownerOf(surface);
        if (
          owner.entry !== position &&
          (lastResort || (owner.field !== SurfaceField.Mined && index.type[owner.entry] === entry.type))
        )
          taken = true;
      });
      if (taken) continue;
      const surface = index.surfaceText.length;
      add(position, synonym.text, seen, !LEXICON_SOURCES.has(synonym.source));
      if (index.surfaceText.length > surface) index.surfaceSource.set(surface, synonym.source);
    }
  });
}

/** "ALS", "HIV-1", "PsA": a mined abbreviation, matched only in its own case like a generated acronym. */
function abbreviationLike(text: string): boolean {
  return !/\s/.test(text.trim()) && (text.match(/[A-Z]/g) ?? []).length >= 2;
}

/**
 * `prominence` (a node's KG degree) settles acronyms several names share; without it they are
 * kept only when at most three names share them.
 */
export function buildSurfaceIndex(
  entries: readonly NameEntry[],
  prominence?: ((nodeIndex: number) => number) | undefined,
): SurfaceIndex {
  const count = entries.length;
  const index: SurfaceIndex = {
    entries: count,
    nodeIndex: new Int32Array(count),
    type: [],
    name: [],
    id: [],
    surfaceText: [],
    surfaceEntry: new Int32Array(0),
    surfaceField: new Uint8Array(0),
    surfaceExactCase: new Uint8Array(0),
    surfaceKeyLength: new Uint16Array(0),
    surfaceSource: new Map(),
    exact: new Map(),
    lower: new Map(),
    key: new Map(),
    bag: new Map(),
    entrez: new Map(),
    acronymCounts: { unique: 0, ambiguous: 0, droppedAmbiguous: 0, droppedTaken: 0 },
    maxTokens: 1,
    typos: createTypoIndex(new Map()),
  };
  const surfaceEntry: number[] = [];
  const surfaceField: number[] = [];
  const surfaceExactCase: number[] = [];
  const surfaceKeyLength: number[] = [];
  const wordCounts = new Map<string, number>();

  // `counted` false (names from outside the KG): typo targets that change no word's count, so that
  // NCBI's many "… translation …" gene names leave "transaction" corrected to "transition".
  const addSurface = (entry: number, raw: string, field: SurfaceField, seen: Set<string>, counted = true) => {
    const acronym = field === SurfaceField.Acronym || (field === SurfaceField.Mined && abbreviationLike(raw));
    const text = raw.trim();
    if (text === '' || seen.has(text)) return;
    seen.add(text);
    // A bare number is an Entrez id: too many collisions with numbers in text to match it alone.
    if (/^\d+$/.test(text)) {
      if (index.type[entry] === 'gene/protein') index.entrez.set(text, entry);
      return;
    }
    const surface = index.surfaceText.length;
    index.surfaceText.push(text);
    surfaceEntry.push(entry);
    surfaceField.push(field);
    // An acronym only in its own case: "ALS", never "als" or "Als".
    surfaceExactCase.push(acronym || requiresExactCase(text) ? 1 : 0);
    addPosting(index.exact, text, surface);
    addPosting(index.lower, text.toLowerCase(), surface);
    const tokens = tokenize(text);
    const forms = tokens.flatMap((token) => token.forms);
    const key = forms.join('');
    surfaceKeyLength.push(Math.min(key.length, 0xffff));
    if (key !== '') addPosting(index.key, key, surface);
    const identifier = field === SurfaceField.Id || field === SurfaceField.IdAlias;
    if (identifier || acronym) return;
    index.maxTokens = Math.max(index.maxTokens, Math.min(tokens.length, MAX_SPAN_TOKENS));
    const bag = bagKey(forms);
    if (bag !== undefined) addPosting(index.bag, bag, surface);
    for (const form of forms) wordCounts.set(form, (wordCounts.get(form) ?? 0) + (counted ? 1 : 0));
  };

  entries.forEach((entry, position) => {
    index.nodeIndex[position] = entry.nodeIndex;
    index.type.push(entry.type);
    index.name.push(entry.name);
    index.id.push(entry.id);
    const seen = new Set<string>();
    addSurface(position, entry.name, SurfaceField.Name, seen);
    addSurface(position, entry.id, SurfaceField.Id, seen);
    for (const alias of entry.aliases)
      addSurface(position, alias, isIdentifier(alias) ? SurfaceField.IdAlias : SurfaceField.Alias, seen);
    const derived = withoutParenthetical(entry.name);
    if (derived !== undefined) addSurface(position, derived, SurfaceField.Derived, seen);
  });
  const addMined = (pass: 'first' | 'last-resort') =>
    addMinedSynonyms(
      entries,
      index,
      (surface) => ({ entry: surfaceEntry[surface]!, field: surfaceField[surface]! as SurfaceField }),
      (entry, text, seen, counted) => addSurface(entry, text, SurfaceField.Mined, seen, counted),
      pass,
    );
  addMined('first');
  addShortenedNames(
    entries,
    (entry, text) => addSurface(entry, text, SurfaceField.Shortened, new Set()),
    index,
  );
  addAcronyms(
    entries,
    index,
    (entry, text) => addSurface(entry, text, SurfaceField.Acronym, new Set()),
    prominence,
  );
  addMined('last-resort');

  index.surfaceEntry = Int32Array.from(surfaceEntry);
  index.surfaceField = Uint8Array.from(surfaceField);
  index.surfaceExactCase = Uint8Array.from(surfaceExactCase);
  index.surfaceKeyLength = Uint16Array.from(surfaceKeyLength);
  index.typos = createTypoIndex(wordCounts);
  return index;
}
