import { STOP_WORDS } from '../store/english-words.js';

/**
 * Acronyms of disease and phenotype names, derived from the names themselves (no hand-written
 * list): the initials of a multi-word name ("chronic obstructive pulmonary disease" → COPD,
 * "type 2 diabetes" → T2D, "non-small cell lung carcinoma" → NSCLC) and an abbreviation the
 * name or an alias gives in parentheses ("… (ALS)").
 *
 * Collision rules, applied by {@link collectAcronyms}:
 * - an acronym that already is a surface of any node (a gene symbol such as `CAT`, a drug or an
 *   id) is not added: the exact symbol wins;
 * - names that fold to the same text (a disease and the phenotype of the same name) count as one;
 * - several names sharing an acronym (CF: cystic fibrosis, cardiac fibroma, …): the names whose
 *   prominence (the node's KG degree: how much the KG knows about it) is at least
 *   1/{@link DOMINANCE} of the most prominent one's contend; when that is one name it takes the
 *   acronym, when two to {@link MAX_ACRONYM_NAMES} it is added for each, so the linker reports
 *   the span ambiguous and the caller (or the QA reasoner, by KG support) chooses; more are
 *   dropped as uninformative. Without prominence every name contends.
 */
export const DOMINANCE = 3;
export const MAX_ACRONYM_NAMES = 3;
const MIN_WORDS = 2;
const MAX_LENGTH = 6;
const ROMAN: ReadonlyMap<string, string> = new Map([
  ['i', '1'],
  ['ii', '2'],
  ['iii', '3'],
  ['iv', '4'],
  ['v', '5'],
  ['vi', '6'],
]);
/** "(ALS)", "(COPD)", "(T2DM)": upper-case letters and digits, at least two letters. */
const PARENTHESISED = /\(([A-Z][A-Z0-9-]{1,7})\)/g;

/** The initials of a name, or undefined when it has fewer than two words or makes no acronym. */
export function initialsOf(name: string): string | undefined {
  const words = name
    .replace(/['’]s\b/g, '')
    .split(/[\s\-/,]+/)
    .filter((word) => word !== '');
  let acronym = '';
  let counted = 0;
  for (const [position, word] of words.entries()) {
    const lower = word.toLowerCase();
    if (STOP_WORDS.has(lower) && !/^\d+$/.test(word)) continue;
    if (/^\d+$/.test(word)) acronym += word;
    else if (ROMAN.has(lower) && words[position - 1]?.toLowerCase() === 'type') acronym += ROMAN.get(lower);
    else if (/^[A-Z][A-Z0-9]+$/.test(word)) acronym += word;
    else if (/^\p{L}/u.test(word)) acronym += word[0]!.toUpperCase();
    else return undefined;
    counted++;
  }
  if (counted < MIN_WORDS || acronym.length < 2 || acronym.length > MAX_LENGTH) return undefined;
  if ((acronym.match(/[A-Z]/g) ?? []).length < 2) return undefined;
  return acronym;
}

/** Abbreviations written in parentheses in a name or alias. */
export function parenthesisedAbbreviations(text: string): string[] {
  return [...text.matchAll(PARENTHESISED)].map((match) => match[1]!);
}

export interface AcronymSource {
  /** Entry position in the caller's table. */
  entry: number;
  /** Texts the node is called by: its name, shortened name, aliases. */
  names: readonly string[];
  /** The node's name folded (case, spelling): equal keys are one name. */
  nameKey: string;
  /** How well known the node is (its KG degree); 0 when unknown. */
  prominence: number;
}

/** What the collision rules did, counted in distinct acronym texts. */
export interface AcronymCounts {
  /** Taken by one name. */
  unique: number;
  /** Shared by two or three contending names: kept for each, reported ambiguous. */
  ambiguous: number;
  /** More contenders than {@link MAX_ACRONYM_NAMES}: dropped. */
  droppedAmbiguous: number;
  /** Already a surface of some node (a gene symbol, a drug, an id): dropped. */
  droppedTaken: number;
}

/**
 * Acronym → entries, after the collision rules above. `taken` says whether a text already is a
 * surface of some node; `counts`, when given, is filled with what the rules kept and dropped.
 */
export function collectAcronyms(
  sources: readonly AcronymSource[],
  taken: (text: string) => boolean,
  counts?: AcronymCounts | undefined,
): Map<string, number[]> {
  const takenTexts = new Set<string>();
  const byAcronym = new Map<string, Map<string, { entries: number[]; prominence: number }>>();
  for (const source of sources) {
    const acronyms = new Set<string>();
    for (const name of source.names) {
      const initials = initialsOf(name.replace(/\s*\([^()]*\)/g, ''));
      if (initials !== undefined) acronyms.add(initials);
      for (const abbreviation of parenthesisedAbbreviations(name)) acronyms.add(abbreviation);
    }
    for (const acronym of acronyms) {
      if (taken(acronym)) {
        takenTexts.add(acronym);
        continue;
      }
      const names = byAcronym.get(acronym) ?? new Map<string, { entries: number[]; prominence: number }>();
      const group = names.get(source.nameKey) ?? { entries: [], prominence: 0 };
      group.entries.push(source.entry);
      group.prominence = Math.max(group.prominence, source.prominence);
      names.set(source.nameKey, group);
      byAcronym.set(acronym, names);
    }
  }
  const result = new Map<string, number[]>();
  for (const [acronym, names] of byAcronym) {
    const groups = [...names.values()];
    const leader = Math.max(...groups.map((group) => group.prominence));
    const contenders = groups.filter((group) => group.prominence * DOMINANCE >= leader);
    if (contenders.length <= MAX_ACRONYM_NAMES)
      result.set(
        acronym,
        contenders.flatMap((group) => group.entries),
      );
    if (counts === undefined) continue;
    if (contenders.length === 1) counts.unique++;
    else if (contenders.length <= MAX_ACRONYM_NAMES) counts.ambiguous++;
    else counts.droppedAmbiguous++;
  }
  if (counts !== undefined) counts.droppedTaken += takenTexts.size;
  return result;
}
