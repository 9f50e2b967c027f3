import { foldGreek } from '../store/text-normalize.js';

/**
 * Tokens and their canonical word forms, shared by the names the linker indexes and the text it
 * links, so that a span matches a name exactly when their forms agree.
 *
 * A token is a run of letters and digits with inner hyphens, apostrophes, colons, dots, slashes
 * or pluses (`TNF-α`, `DOID:1612`, `Crohn's`, `5.8S`). Its forms are its letter/digit pieces,
 * each folded: Greek spelled out, accents and case dropped, a possessive `'s` removed, roman
 * numerals as digits, plurals singular, British spellings American; the word "type" before a
 * numeral is dropped.
 */

export interface Token {
  text: string;
  start: number;
  end: number;
  /** Canonical pieces; empty for a dropped word ("type" before a numeral). */
  forms: string[];
}

const TOKEN_PATTERN = /[\p{L}\p{N}]+(?:['’\-‐‑–:./+][\p{L}\p{N}]+)*/gu;
const NON_PIECE = /[^\p{L}\p{N}]+/u;
const PLAIN_ASCII = /^[\x20-\x7e]*$/;
const POSSESSIVE = /['’]s(?=$|[^\p{L}\p{N}])/gu;

/** Roman numerals read as numbers everywhere ("mucopolysaccharidosis II"). */
const ROMAN_ALWAYS = new Map(
  Object.entries({
    ii: '2',
    iii: '3',
    iv: '4',
    vi: '6',
    vii: '7',
    viii: '8',
    ix: '9',
    xi: '11',
    xii: '12',
    xiii: '13',
    xiv: '14',
    xv: '15',
  }),
);
/** Single letters that are numerals only after a classifier ("type I", "complex V", "factor X"), not the pronoun or "X-linked". */
const ROMAN_AFTER_CLASSIFIER = new Map(Object.entries({ i: '1', v: '5', x: '10' }));
const CLASSIFIERS = new Set([
  'type',
  'class',
  'grade',
  'stage',
  'group',
  'complex',
  'factor',
  'subtype',
  'phase',
]);

/** Endings that are not plurals ("arteritis", "virus", "stress"); "diabetes" → "diabete" is harmless, as both sides fold alike. */
const NOT_PLURAL = /(?:ss|us|is)$/;
const MIN_PLURAL_LENGTH = 5;

export function singular(form: string): string {
  if (form.length < MIN_PLURAL_LENGTH || !form.endsWith('s') || NOT_PLURAL.test(form)) return form;
  if (/\d/.test(form)) return form;
  if (form.endsWith('ies') && form.length > MIN_PLURAL_LENGTH) return `${form.slice(0, -3)}y`;
  return form.slice(0, -1);
}

/** British spellings as American ones: leukaemia → leukemia, oedema → edema, tumour → tumor. */
export function americanSpelling(form: string): string {
  if (form.length < 5) return form;
  let spelled = form;
  // Only where British writes "ae" for "e" (haem-, -aemia, anaest-, paed-, gynaec-, faec-): a blanket
  // rule would fold typos ("gabaentin") away from the word they mistype.
  if (spelled.includes('ae')) spelled = spelled.replace(/(?<=.)ae(?=m|st)|(?<=^p|^f|^c|gyn)ae(?=c|d)/g, 'e');
  if (spelled.startsWith('oe')) spelled = spelled.slice(1);
  if (spelled.endsWith('our')) spelled = `${spelled.slice(0, -3)}or`;
  // "oe" inside a word only where British keeps the Greek/Latin digraph: coeliac, foetal, diarrhoea, dyspnoea.
  if (spelled.includes('oe')) spelled = spelled.replace(/^(c|f)oe(?=l|t)|(?<=rrh|pn)oe(?=a)/, '$1e');
  return spelled;
}

/** "haematological" and "hematologic", "neurological" and "neurologic": one form. */
export function adjectiveStem(form: string): string {
  return form.length > 8 && form.endsWith('logical') ? form.slice(0, -2) : form;
}

/** Accents, case and Greek letters folded: `Sjögren` → `sjogren`, `TNF-α` → `tnf-alpha`. */
export function foldCharacters(text: string): string {
  // Spelled-out Greek letters become pieces of their own: "IL-1β" → il, 1, beta.
  return text
    .normalize('NFKD')
    .replace(GREEK_LETTER, (letter) => `-${foldGreek(letter)}-`)
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
}

const GREEK_LETTER = /[\u0391-\u03a9\u03b1-\u03c9\u00b5]/g;

function isNumeral(form: string | undefined): boolean {
  return (
    form !== undefined && (/^\d+$/.test(form) || ROMAN_ALWAYS.has(form) || ROMAN_AFTER_CLASSIFIER.has(form))
  );
}

/** Folded pieces of every token, before the context rules (numerals, "type", plurals). */
function rawPieces(token: string): string[] {
  // Most tokens are ASCII: lower-casing is all the folding they need.
  let folded = PLAIN_ASCII.test(token) ? token.toLowerCase() : foldCharacters(token);
  if (folded.includes("'") || folded.includes('’')) folded = folded.replace(POSSESSIVE, '');
  const pieces = folded.split(NON_PIECE);
  return pieces[0] === '' || pieces[pieces.length - 1] === ''
    ? pieces.filter((piece) => piece !== '')
    : pieces;
}

/** Tokens of `text` with their forms (the same rules for names and questions). */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  TOKEN_PATTERN.lastIndex = 0;
  for (let match = TOKEN_PATTERN.exec(text); match !== null; match = TOKEN_PATTERN.exec(text))
    tokens.push({
      text: match[0],
      start: match.index,
      end: match.index + match[0].length,
      forms: rawPieces(match[0]),
    });
  canonicalize(tokens);
  return tokens;
}

/** Applies the rules that look at neighbouring pieces, across token boundaries. */
function canonicalize(tokens: Token[]): void {
  const owner: number[] = [];
  const raw: string[] = [];
  tokens.forEach((token, tokenIndex) => {
    for (const form of token.forms) {
      owner.push(tokenIndex);
      raw.push(form);
    }
    token.forms = [];
  });
  for (let index = 0; index < raw.length; index++) {
    const form = raw[index]!;
    const previous = raw[index - 1];
    let canonical: string;
    if (ROMAN_ALWAYS.has(form)) canonical = ROMAN_ALWAYS.get(form)!;
    else if (ROMAN_AFTER_CLASSIFIER.has(form) && previous !== undefined && CLASSIFIERS.has(previous))
      canonical = ROMAN_AFTER_CLASSIFIER.get(form)!;
    else if (form === 'type' && isNumeral(raw[index + 1])) canonical = '';
    else canonical = adjectiveStem(americanSpelling(singular(form)));
    if (canonical !== '') tokens[owner[index]!]!.forms.push(canonical);
  }
}

/** The `normalized` key of a name: its forms concatenated, so spaces and hyphens do not matter. */
export function formKey(text: string): string {
  return tokenize(text)
    .map((token) => token.forms.join(''))
    .join('');
}
