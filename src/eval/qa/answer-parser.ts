/**
 * Reads the decision out of a QA answer's text, so that any run (this service's, another system's,
 * an LLM's) can be scored the same way. The answer is looked for first in the first line, then in
 * the whole text:
 * - true/false: a leading "True"/"False"/"Yes"/"No" (also "Answer: true", "The statement is false");
 * - multiple choice: "Answer: X" or the option named first; an option letter ("(b)", "B.") or
 *   roman numeral ("iv.") when the options were labelled; on ties the longest option (so "HLA-B"
 *   beats "HLA").
 * Returns `{}` when the text commits to nothing.
 */
export interface ParsedAnswer {
  choice?: string;
  verdict?: boolean;
}

export interface AnswerParseOptions {
  /** The options of a multiple-choice question, as given. */
  options?: readonly string[] | undefined;
}

const TRUE_WORDS = /^(?:true|yes|correct|right|supported)\b/i;
const FALSE_WORDS = /^(?:false|no|incorrect|wrong|not\s+(?:true|correct)|unsupported)\b/i;
const LEAD =
  /^\s*(?:\*\*)?\s*(?:final\s+)?(?:answer|verdict|response|result)?\s*(?:is)?\s*[:\-–]?\s*(?:\*\*)?\s*/i;

export function parseAnswer(text: string, options: AnswerParseOptions = {}): ParsedAnswer {
  const firstLine = text.split(/\r?\n/).find((line) => line.trim() !== '') ?? '';
  if (options.options && options.options.length > 0) {
    const choice = findChoice(firstLine, options.options) ?? findChoice(text, options.options);
    return choice === undefined ? {} : { choice };
  }
  const verdict = findVerdict(firstLine) ?? findVerdict(text);
  return verdict === undefined ? {} : { verdict };
}

function findVerdict(text: string): boolean | undefined {
  const body = text.replace(LEAD, '');
  if (TRUE_WORDS.test(body)) return true;
  if (FALSE_WORDS.test(body)) return false;
  const stated = /\b(?:statement|claim|it)\s+is\s+(true|false|correct|incorrect)\b/i.exec(text);
  if (stated) return /^(?:true|correct)$/i.test(stated[1]!);
  return undefined;
}

function findChoice(text: string, options: readonly string[]): string | undefined {
  const answered = /\banswer\s*(?:is)?\s*[:\-–]?\s*(.+)$/i.exec(text);
  const region = answered ? answered[1]! : text;
  const letter =
    /^\s*\(?([a-z]|[ivx]{1,4})[).:]\s*/i.exec(region) ?? /^\s*\(?([a-z]|[ivx]{1,4})\)?\s*$/i.exec(region);
  if (letter) {
    const position = labelPosition(letter[1]!, options.length);
    if (position >= 0 && position < options.length && !options.some((option) => sameText(option, letter[1]!)))
      return options[position];
  }
  let best: { option: string; at: number } | undefined;
  const lower = region.toLowerCase();
  for (const option of options) {
    const at = findWord(lower, option.toLowerCase());
    if (at < 0) continue;
    if (!best || at < best.at || (at === best.at && option.length > best.option.length))
      best = { option, at };
  }
  return best?.option;
}

const ROMAN_LABELS = ['i', 'ii', 'iii', 'iv', 'v', 'vi', 'vii', 'viii', 'ix', 'x'];

/**
 * The option a label names: a letter ("b" → 1), or a roman numeral ("iv" → 3) when it is one
 * and a letter could not be ("i" with fewer than nine options).
 */
function labelPosition(label: string, optionCount: number): number {
  const lower = label.toLowerCase();
  const roman = ROMAN_LABELS.indexOf(lower);
  const asLetter = lower.length === 1 ? lower.charCodeAt(0) - 97 : -1;
  if (asLetter >= 0 && asLetter < optionCount) return asLetter;
  return roman;
}

/** Position of `needle` in `haystack` as a whole word (not inside a longer name), or −1. */
function findWord(haystack: string, needle: string): number {
  if (needle === '') return -1;
  let from = 0;
  for (;;) {
    const at = haystack.indexOf(needle, from);
    if (at < 0) return -1;
    const before = haystack[at - 1];
    const after = haystack[at + needle.length] ?? '';
    const next = haystack[at + needle.length + 1] ?? '';
    const wordBefore = before !== undefined && /[\p{L}\p{N}-]/u.test(before);
    const wordAfter = /[\p{L}\p{N}]/u.test(after) || (after === '-' && /[\p{L}\p{N}]/u.test(next));
    if (!wordBefore && !wordAfter) return at;
    from = at + 1;
  }
}

function sameText(left: string, right: string): boolean {
  return left.trim().toLowerCase() === right.trim().toLowerCase();
}
