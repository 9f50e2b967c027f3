import { editDistance, trigrams } from '../store/text-normalize.js';

/**
 * Spelling correction of single words against the words of KG names, so that a typo anywhere
 * in a multi-word name ("Crohn's diseaes", "imatnib") still links, with a lower score.
 * Correcting words rather than whole spans keeps the cost per question to a few lookups.
 */
export interface TypoIndex {
  readonly words: number;
  has(form: string): boolean;
  /** The closest name word within the allowed edits, or undefined; cached per word. */
  correct(form: string): Correction | undefined;
}

export interface Correction {
  form: string;
  edits: number;
}

/** Shorter words have too many neighbours one edit away ("gene" → "gent", "gena"…). */
export const MIN_TYPO_WORD_LENGTH = 5;
/** Two edits are allowed from this length on, one below it. */
const TWO_EDIT_LENGTH = 9;
const SHORTLIST = 24;
const CACHE_LIMIT = 20_000;

export function allowedEdits(length: number): number {
  return length >= TWO_EDIT_LENGTH ? 2 : 1;
}

export function createTypoIndex(wordCounts: ReadonlyMap<string, number>): TypoIndex {
  const words: string[] = [];
  const counts: number[] = [];
  for (const [word, count] of wordCounts) {
    if (word.length < MIN_TYPO_WORD_LENGTH - 1 || !/^\p{L}+$/u.test(word)) continue;
    words.push(word);
    counts.push(count);
  }
  const gramLists = new Map<string, number[]>();
  words.forEach((word, wordId) => {
    for (const gram of trigrams(word)) {
      const list = gramLists.get(gram);
      if (list) list.push(wordId);
      else gramLists.set(gram, [wordId]);
    }
  });
  const grams = new Map<string, Int32Array>();
  for (const [gram, list] of gramLists) grams.set(gram, Int32Array.from(list));
  const shared = new Uint16Array(words.length);
  const cache = new Map<string, Correction | null>();

  const search = (form: string): Correction | undefined => {
    const allowed = allowedEdits(form.length);
    const queryGrams = trigrams(form);
    const touched: number[] = [];
    for (const gram of queryGrams) {
      const posting = grams.get(gram);
      if (!posting) continue;
      for (let index = 0; index < posting.length; index++) {
        const wordId = posting[index]!;
        if (shared[wordId] === 0) touched.push(wordId);
        shared[wordId]!++;
      }
    }
    // A word within `allowed` edits shares all but at most 3 trigrams per edit (4 for a swap).
    const minimum = queryGrams.length - 4 * allowed;
    const shortlist: { wordId: number; shared: number }[] = [];
    for (const wordId of touched) {
      const count = shared[wordId]!;
      shared[wordId] = 0;
      if (count < minimum || Math.abs(words[wordId]!.length - form.length) > allowed) continue;
      shortlist.push({ wordId, shared: count });
    }
    shortlist.sort((left, right) => right.shared - left.shared);
    let best: { wordId: number; edits: number } | undefined;
    for (const { wordId } of shortlist.slice(0, SHORTLIST)) {
      const edits = editDistance(form, words[wordId]!, allowed);
      if (edits > allowed) continue;
      if (!best || edits < best.edits || (edits === best.edits && counts[wordId]! > counts[best.wordId]!))
        best = { wordId, edits };
    }
    return best ? { form: words[best.wordId]!, edits: best.edits } : undefined;
  };

  return {
    words: words.length,
    has: (form) => wordCounts.has(form),
    correct(form) {
      if (form.length < MIN_TYPO_WORD_LENGTH || !/^\p{L}+$/u.test(form) || wordCounts.has(form))
        return undefined;
      const cached = cache.get(form);
      if (cached !== undefined) return cached ?? undefined;
      const correction = search(form);
      if (cache.size >= CACHE_LIMIT) cache.clear();
      cache.set(form, correction ?? null);
      return correction;
    },
  };
}
