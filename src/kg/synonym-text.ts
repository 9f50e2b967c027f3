/**
 * Other names a KG text gives for a thing, read with fixed patterns (no hand-written name list):
 * brand names and "also known as" names in a DrugBank description, abbreviations defined in any
 * definition ("amyotrophic lateral sclerosis (ALS)"), and the "infection" form of a Disease
 * Ontology "… infectious disease" name. Pure string functions; `synonym-mining.ts` decides which
 * node each name belongs to.
 */

/** Where a mined name came from (stored with it in the index, reported by the linker). */
export const SYNONYM_SOURCES = [
  'drug-description:brand-name',
  'drug-description:also-known-as',
  'text:abbreviation',
  'name:infection-form',
  'name:abbreviated',
  'gwas-catalog:mapped-gene',
  // Optional vocabularies outside the KG (`src/indexing/name-lexicons.ts`).
  'gene-info:full-name',
  'gene-info:alias-symbol',
  'wordnet:synonym',
] as const;
export type SynonymSource = (typeof SYNONYM_SOURCES)[number];
/** Sources outside the KG's own files: their names must not change how KG names are matched. */
export const LEXICON_SOURCES: ReadonlySet<string> = new Set<SynonymSource>([
  'gene-info:full-name',
  'gene-info:alias-symbol',
  'wordnet:synonym',
]);
/**
 * Sources that yield to every other name: matched only where no KG name, id, alias or synonym
 * covers the text, and never used for typo correction (NCBI lists tens of thousands of alias
 * symbols, and "ALS" or "AD" must stay the diseases'). Read by the linker and the name lookup.
 */
export const LAST_RESORT_SOURCES: ReadonlySet<string> = new Set<SynonymSource>(['gene-info:alias-symbol']);

export interface TextSynonym {
  text: string;
  source: SynonymSource;
}

/** Brand, trade and development names are short: longer captures are prose the pattern overran. */
const MAX_NAME_WORDS = 4;
const MAX_NAME_LENGTH = 40;
const TRADEMARK = /(?:®|™|&reg;|&trade;|\(R\)|\(TM\))/g;

/** Introducers of a list of brand or trade names; the list follows the match. */
const BRAND_LIST_INTRODUCERS = [
  /\((?:trade|brand)\s?names?:?\s+/gi,
  /\((?:marketed|sold)\s+(?:as|under)\s+(?:the\s+)?(?:(?:brand|trade)\s?names?\s+)?/gi,
  /\b(?:marketed|sold|available)\s+(?:worldwide\s+)?(?:\([^)]*\)\s+)?under\s+(?:the\s+|various\s+|several\s+)?(?:brand|trade)\s?names?\s+(?:including\s+|such\s+as\s+|of\s+)?/gi,
  /\b(?:marketed|sold)\s+as\s+(?:the\s+brand\s+name\s+)?(?=[A-Z])/g,
  /\b(?:brand|trade)\s?names?\s+(?:for\s+\S+\s+)?(?:is|are|include|including|such\s+as)\s+/gi,
  /\bunder\s+the\s+(?:brand|trade)\s?names?\s+/gi,
];
/** "originally PS-341", "formerly known as …", "code name …": earlier or development names. */
const EARLIER_NAME =
  /\b(?:originally|formerly(?:\s+known\s+as)?|previously\s+known\s+as|initially\s+called|code[- ]named?)\s+/gi;

/**
 * Names a drug's DrugBank description gives for the drug itself: brand and trade names, "also
 * known as" names and earlier (development) names. A name counts only where the sentence is about
 * this drug: its name, "it", "the drug" or "the agent" is the subject, or the pattern is a
 * parenthesis right after its name.
 */
export function drugDescriptionSynonyms(name: string, description: string): TextSynonym[] {
  const found: TextSynonym[] = [];
  const add = (text: string, source: SynonymSource) => {
    const cleaned = cleanName(text);
    if (cleaned !== undefined && fold(cleaned) !== fold(name)) found.push({ text: cleaned, source });
  };
  for (const sentence of sentencesAbout(name, description)) {
    for (const introducer of BRAND_LIST_INTRODUCERS)
      for (const match of sentence.matchAll(introducer))
        for (const item of listAfter(sentence, match.index + match[0].length, 'capitalised'))
          add(item, 'drug-description:brand-name');
    for (const match of sentence.matchAll(EARLIER_NAME))
      for (const item of listAfter(sentence, match.index + match[0].length, 'capitalised').slice(0, 1))
        add(item, 'drug-description:also-known-as');
    for (const alias of alsoKnownAs(name, sentence)) add(alias, 'drug-description:also-known-as');
  }
  for (const alias of ownParenthesis(name, description)) add(alias, 'drug-description:also-known-as');
  return dedupe(found);
}

/** "N, also known as X," / "X, also known as N" / "N or X, …" (at the start) / "N (also known as X)". */
function alsoKnownAs(name: string, sentence: string): string[] {
  const aliases: string[] = [];
  const aka = /\b(?:also\s+known\s+as|also\s+called|a\.k\.a\.?|otherwise\s+known\s+as)\s+/gi;
  for (const match of sentence.matchAll(aka)) {
    const before = sentence.slice(0, match.index).replace(/[\s,(–—-]+$/, '');
    const after = listAfter(sentence, match.index + match[0].length, 'any');
    const subject = lastPhrase(before);
    // "Thiamine or thiamin, also known as …": either spelling is the subject.
    const subjects = subject?.split(/\s+or\s+/) ?? [];
    if (subjects.some((part) => sameName(part, name) || /^(?:the\s+(?:agent|drug|compound)|it)$/i.test(part)))
      aliases.push(...after);
    else if (after.some((item) => sameName(item, name)) && subject !== undefined) aliases.push(subject);
  }
  const opening = new RegExp(`^${escapeRegExp(name)}\\s+or\\s+([\\w-]+(?:\\s+[\\w-]+)?)\\s*[,(]`, 'i');
  const or = opening.exec(sentence.trim());
  if (or) aliases.push(or[1]!);
  return aliases;
}

/** The noun phrase that ends `text`: after the last clause break, at most four words. */
function lastPhrase(text: string): string | undefined {
  const clause =
    text
      .split(/[,;:()]|\bwhich\b|\bthat\b/)
      .pop()
      ?.trim() ?? '';
  const words = clause.split(/\s+/).filter((word) => word !== '');
  if (words.length === 0 || words.length > MAX_NAME_WORDS) return undefined;
  return words.join(' ');
}

/** Sentences of a description that are about the named drug (its name or a pronoun as subject). */
function sentencesAbout(name: string, description: string): string[] {
  const key = fold(name);
  return description
    .replace(/\s+/g, ' ')
    .split(/(?<=[.!?])\s+(?=[A-Z])/)
    .filter((sentence) => {
      const start = sentence.trim().slice(0, 120);
      return (
        fold(start).includes(key) ||
        /^(?:it|this\s+(?:drug|agent|compound)|the\s+(?:drug|agent|compound))\b/i.test(start)
      );
    });
}

/**
 * "Lepirudin (Refludan)": a parenthesis right after the drug's name holding one name, either a
 * capitalised word with a lower-case letter (a brand) or an abbreviation of a multi-word name
 * ("Alpha-Linolenic Acid (ALA)"); never a naming authority ("(INN)", "(USAN)").
 */
function ownParenthesis(name: string, description: string): string[] {
  const pattern = new RegExp(`\\b${escapeRegExp(name)}\\s+\\(([\\w-]{3,})(?:®|&reg;)?\\)`, 'gi');
  return [...description.matchAll(pattern)]
    .map((match) => match[1]!)
    .filter((text) => !NAMING_AUTHORITIES.test(text))
    .filter((text) => (/^[A-Z][a-z]/.test(text) && /^[A-Z][a-z-]+$/.test(text)) || abbreviates(text, name));
}
const NAMING_AUTHORITIES = /^(?:r?INN|INNM|USAN|BAN|JAN|DCI|USP|DCF|IUPAC|CAS)$/;

/**
 * Names listed from `offset` on ("A, B and C", "A (Roche), B (Abbott)"), up to the clause end:
 * `capitalised` keeps each item's leading capitalised words (brands); `any` keeps items of a few
 * words whatever their case ("thiamin", "vitamin B1").
 */
function listAfter(sentence: string, offset: number, shape: 'capitalised' | 'any'): string[] {
  const rest = sentence
    .slice(offset)
    .replace(TRADEMARK, '')
    .replace(/\([^()]*\)/g, ' ');
  const end = rest.search(
    /[.;:)]\s|[.;:)]$|\s(?:in|from|at|since|until|with)\s|\bfor\b|\bby\b|\bwhich\b|\bthat\b|\bis\b|\bwas\b|\bwere\b|\bare\b/,
  );
  const list = end < 0 ? rest : rest.slice(0, end);
  return list
    .split(/,|\band\b|\bor\b|\//)
    .map((item) => (shape === 'capitalised' ? capitalisedPrefix(item) : shortItem(item)))
    .filter((item): item is string => item !== undefined);
}

/** The leading words of an item that look like a name: each starts with a capital or a digit. */
function capitalisedPrefix(item: string): string | undefined {
  const words = item.replace(TRADEMARK, '').trim().split(/\s+/);
  const kept: string[] = [];
  for (const word of words) {
    if (!/^[A-Z0-9][\w-]*$/.test(word) || kept.length === MAX_NAME_WORDS) break;
    kept.push(word);
  }
  return kept.length === 0 ? undefined : kept.join(' ');
}

function shortItem(item: string): string | undefined {
  const words = item
    .replace(TRADEMARK, '')
    .trim()
    .split(/\s+/)
    .filter((word) => word !== '');
  return words.length === 0 || words.length > MAX_NAME_WORDS ? undefined : words.join(' ');
}

function cleanName(text: string): string | undefined {
  const cleaned = text
    .replace(TRADEMARK, '')
    .replace(/^["'“]|["'”]$/g, '')
    .trim();
  if (cleaned.length < 3 || cleaned.length > MAX_NAME_LENGTH) return undefined;
  if (cleaned.split(/\s+/).length > MAX_NAME_WORDS || !/\p{L}/u.test(cleaned)) return undefined;
  // A fragment the pattern cut out of a chemical name or a parenthesis: "4'- benzamidine", "urethane)".
  if (/[()[\]]|['’]-?\s|-\s|\s-/.test(cleaned) || !/^[\p{L}\p{N}]/u.test(cleaned)) return undefined;
  if (/^(?:The|This|It|A|An|In|As|US|USA|FDA|EU|UK)$/i.test(cleaned)) return undefined;
  return cleaned;
}

/** An abbreviation in parentheses: two or more letters, mostly capitals ("ALS", "HIV-1", "AdoCbl"). */
const ABBREVIATION = /\(([A-Za-z][A-Za-z0-9-]{1,9})\)/g;
/** Words before the parenthesis that may form the long form. */
const MAX_LONG_FORM_WORDS = 8;

export interface DefinedAbbreviation {
  abbreviation: string;
  /** Candidate long forms, shortest first: the words before the parenthesis, 1 to 8 of them. */
  longForms: string[];
}

/**
 * Abbreviations a text defines, "long form (SF)", with the phrases before the parenthesis that
 * could be the long form. The caller keeps a phrase only when it names a KG node and
 * {@link abbreviates} accepts it (the letters of SF appear in order, the first at a word start).
 */
export function definedAbbreviations(text: string): DefinedAbbreviation[] {
  const result: DefinedAbbreviation[] = [];
  for (const match of text.matchAll(ABBREVIATION)) {
    const abbreviation = match[1]!;
    if ((abbreviation.match(/[A-Z]/g) ?? []).length < 2) continue;
    const before = text
      .slice(0, match.index)
      .split(/[.;:,()[\]]/)
      .pop()!
      .trim()
      .split(/\s+/)
      .filter((word) => word !== '');
    const longForms: string[] = [];
    for (let count = 1; count <= Math.min(MAX_LONG_FORM_WORDS, before.length); count++)
      longForms.push(before.slice(before.length - count).join(' '));
    if (longForms.length > 0) result.push({ abbreviation, longForms });
  }
  return result;
}

/**
 * Schwartz–Hearst's test, strict form: every letter or digit of the abbreviation appears in the
 * long form in order, reading from the end, and the first one is the long form's first letter
 * ("cerebrospinal fluid (CSF)", never "abnormality of the cerebrospinal fluid").
 */
export function abbreviates(abbreviation: string, longForm: string): boolean {
  const short = abbreviation.toLowerCase().replace(/[^a-z0-9]/g, '');
  const long = longForm.toLowerCase();
  if (short.length < 2 || long.split(/\s+/).length < 2 || long[0] !== short[0]) return false;
  let position = long.length - 1;
  for (let index = short.length - 1; index >= 1; index--) {
    while (position > 0 && long[position] !== short[index]) position--;
    if (position <= 0) return false;
    position--;
  }
  return true;
}

/** "Human immunodeficiency virus infectious disease" → "Human immunodeficiency virus infection". */
export function infectionForm(name: string): string | undefined {
  const match = /^(.+\S)\s+infectious disease$/i.exec(name.trim());
  return match ? `${match[1]} infection` : undefined;
}

function sameName(left: string, right: string): boolean {
  return fold(left) === fold(right);
}

function fold(text: string): string {
  return text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function dedupe(synonyms: TextSynonym[]): TextSynonym[] {
  const seen = new Set<string>();
  return synonyms.filter((synonym) => {
    const key = fold(synonym.text);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
