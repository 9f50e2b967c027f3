import type { CitationCheck } from '../chat-agent.js';

/** `[E3]`, `[E1, E4]`, `[E1; E2]`, `[E2-E4]` is read as its two ends. */
const BRACKET_PATTERN = /\[([^[\]]{1,200})\]/g;
const ID_PATTERN = /^E[1-9][0-9]*$/;

/** Evidence ids cited in `text`, in order of first use. */
export function citedIds(text: string): string[] {
  const seen = new Set<string>();
  for (const match of text.matchAll(BRACKET_PATTERN)) {
    const tokens = match[1]!.split(/[\s,;–-]+/).filter((token) => token.length > 0);
    // A bracket only counts when every token in it is an id: "[see E1]" is prose.
    if (tokens.length === 0 || !tokens.every((token) => ID_PATTERN.test(token))) continue;
    for (const token of tokens) seen.add(token);
  }
  return [...seen];
}

/** Sentences of an answer: split after `.`, `!`, `?` or a citation before whitespace, and at line breaks. */
export function sentencesOf(text: string): string[] {
  return text
    .split(/\n+|(?<=[.!?])\s+(?=[A-Z0-9(["'])/)
    .map((sentence) => sentence.replace(/^[\s*•-]+/, '').trim())
    .filter((sentence) => /[\p{L}\p{N}]/u.test(sentence));
}

/** Checks an answer's citations against the evidence ids it was given. */
export function checkCitations(text: string, evidenceIds: Iterable<string>): CitationCheck {
  const known = new Set(evidenceIds);
  const cited = citedIds(text);
  const sentences = sentencesOf(text);
  return {
    valid: cited.filter((id) => known.has(id)),
    unknown: cited.filter((id) => !known.has(id)),
    sentences: sentences.length,
    uncitedSentences: sentences.filter((sentence) => citedIds(sentence).length === 0).length,
  };
}
