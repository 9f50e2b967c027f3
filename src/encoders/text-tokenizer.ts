/**
 * Lexical tokenizer for biomedical text: NFKC, lower case, Unicode letters and digits. A token may join
 * letters and digits with inner hyphens, dots, apostrophes or slashes, so `il-6`, `tp53`, `5-ht2a`,
 * `covid-19`, `2.5` and `3'-utr` stay whole; a hyphenated or slashed compound also yields its parts
 * (`il-6` → `il-6`, `il`, `6`) so that it matches text that spells it with a space.
 */
const TOKEN_PATTERN = /[\p{L}\p{M}\p{N}]+(?:['’\-‐./][\p{L}\p{M}\p{N}]+)*/gu;
const PART_SEPARATOR = /['’\-‐/]/u;

/**
 * Function words that carry no meaning in term matching; they are dropped before bigrams are formed,
 * as scikit-learn does. Short on purpose: negations and biomedical words (e.g. "no", "not", "via")
 * stay because they change meaning.
 */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  (
    'a an and are as at be been being by for from has have had in into is it its of on or that the their ' +
    'them then there these this those to was were which with within'
  ).split(' '),
);

export interface TokenizedText {
  /** Whole tokens in order, stop words removed: the sequence bigrams are built from. */
  words: string[];
  /** Parts of hyphenated or slashed compounds, counted as extra unigrams. */
  parts: string[];
}

export function tokenizeText(text: string): TokenizedText {
  const words: string[] = [];
  const parts: string[] = [];
  const normalized = text.normalize('NFKC').toLowerCase();
  for (const match of normalized.matchAll(TOKEN_PATTERN)) {
    const token = match[0];
    if (STOP_WORDS.has(token)) continue;
    words.push(token);
    if (PART_SEPARATOR.test(token)) {
      for (const part of token.split(PART_SEPARATOR)) if (part && !STOP_WORDS.has(part)) parts.push(part);
    }
  }
  return { words, parts };
}

/** Unigrams (words and compound parts) and bigrams of adjacent words, with repeats. */
export function textTerms(tokenized: TokenizedText): string[] {
  const terms = [...tokenized.words, ...tokenized.parts];
  for (let index = 0; index + 1 < tokenized.words.length; index++) {
    terms.push(`${tokenized.words[index]} ${tokenized.words[index + 1]}`);
  }
  return terms;
}

/** Character trigrams of a word with `<` and `>` marking its ends: `il-6` → `<il`, `il-`, `l-6`, `-6>`. */
export function characterTrigrams(word: string): string[] {
  const padded = `<${word}>`;
  const trigrams: string[] = [];
  const characters = [...padded];
  for (let index = 0; index + 3 <= characters.length; index++) {
    trigrams.push(characters[index]! + characters[index + 1]! + characters[index + 2]!);
  }
  return trigrams;
}
