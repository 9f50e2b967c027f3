import type { Token } from './word-forms.js';

/**
 * Entrez gene ids are bare numbers, and numbers in text are mostly not gene ids ("type 2",
 * "2 drugs"), so a number links to a gene only after a cue: "Entrez 7157", "Entrez gene id 7157",
 * "NCBI gene 7157", "gene id: 7157", or written as `NCBIGene:7157`.
 */
export interface EntrezMention {
  token: number;
  entry: number;
}

const PREFIXED = /^(?:ncbigene|entrez|entrezgene|geneid):(\d+)$/i;
const CUE_WORDS = new Set(['entrez', 'ncbigene', 'geneid']);
const CUE_PAIRS = new Set(['gene id', 'ncbi gene', 'entrez gene', 'entrez id']);
const FILLERS = new Set(['id', 'gene', 'number', 'no']);

export function entrezMentions(
  tokens: readonly Token[],
  entrez: ReadonlyMap<string, number>,
): EntrezMention[] {
  const mentions: EntrezMention[] = [];
  tokens.forEach((token, position) => {
    const prefixed = PREFIXED.exec(token.text);
    const number = prefixed
      ? prefixed[1]!
      : /^\d+$/.test(token.text) && cued(tokens, position)
        ? token.text
        : undefined;
    if (number === undefined) return;
    const entry = entrez.get(number);
    if (entry !== undefined) mentions.push({ token: position, entry });
  });
  return mentions;
}

function cued(tokens: readonly Token[], position: number): boolean {
  let before = position - 1;
  while (before >= 0 && FILLERS.has(tokens[before]!.text.toLowerCase()) && position - before <= 2) {
    const pair = `${tokens[before - 1]?.text.toLowerCase()} ${tokens[before]!.text.toLowerCase()}`;
    if (CUE_PAIRS.has(pair)) return true;
    before--;
  }
  return before >= 0 && CUE_WORDS.has(tokens[before]!.text.toLowerCase());
}
