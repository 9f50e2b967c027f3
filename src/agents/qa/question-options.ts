import type { EntityLinker } from '../../linking/types.js';
import { TRUE_FALSE_PREFIX, TYPE_WORD_SOURCE, WH_START } from './question-words.js';

/**
 * The options of a multiple-choice question, found in its text: one per line, an enumeration
 * ("(a) x (b) y"), a list before the question, or a list after a marker ("Options: x, y").
 */

/** Where the options of a multiple-choice question start. */
const OPTION_MARKERS =
  /(?:^|[\s.?:;,])(?:(?:the\s+)?given\s+list\s+is|(?:the\s+)?(?:answer\s+)?(?:options|choices|candidates|alternatives)(?:\s+are)?|(?:answer\s+)?options?|choices?|(?:possible\s+)?answers(?:\s+choices)?|answer\s+choices|one\s+of|among|choose\s+(?:one\s+)?(?:from|between|among)|select\s+(?:one\s+)?(?:from|among)|pick\s+(?:one\s+)?(?:from|of)|from\s+(?:the\s+)?(?:following|list)(?:\s+list)?|among\s+(?:the\s+)?following|one\s+of\s+the\s+following)\s*(?::|-|is|are)?\s*/giu;
/** "(a) x (b) y", "a) x b) y", "A. x B. y", "1. x 2. y", "1) x 2) y". */
const ENUMERATION = /(?:^|\s)(?:\(([a-h]|[1-9])\)|([a-h]|[1-9])[).])\s+/giu;

/** How a list in the text is read: split into options, and each option checked for length. */
interface OptionReader {
  split(list: string): string[];
  /** Short enough to be an option; a KG name of any length is one. */
  isShort(option: string): boolean;
}

export interface ExtractedOptions {
  stem: string;
  options: string[];
  /** "A", "b", "1"… when the options were labelled. */
  labels?: string[] | undefined;
}

/**
 * Options listed in the text: one per line, as an enumeration, before the question, or after a
 * marker ("Given list is: a, b, c"). Line breaks in `linedText` are kept for the first.
 */
export function extractOptions(
  linedText: string,
  names?: OptionNames | undefined,
): ExtractedOptions | undefined {
  const lined = extractLines(linedText);
  if (lined) return lined;
  const text = linedText.replace(/\s+/g, ' ');
  const enumerated = extractEnumeration(text);
  if (enumerated) return enumerated;
  const reader: OptionReader = {
    split: (list) => splitOptions(list, names),
    isShort: (option) => isShortOption(option) || names?.nameOf(option) !== undefined,
  };
  const leading = extractLeadingList(text, reader);
  if (leading) return leading;
  let marker: RegExpExecArray | undefined;
  for (const match of text.matchAll(OPTION_MARKERS)) marker = match;
  if (!marker || marker.index === undefined) return extractAfterColon(text, reader);
  let stemEnd = marker.index;
  let tail = text.slice(marker.index + marker[0].length);
  // "Which gene from the following list is associated with X: A, B, C": the options follow the colon.
  const colon = tail.lastIndexOf(':');
  if (colon >= 0 && !/\b(?:DOID|HP|GO|UniProt)$/i.test(tail.slice(0, colon))) {
    stemEnd = marker.index + marker[0].length + colon;
    tail = tail.slice(colon + 1);
  }
  const options = reader.split(tail);
  if (options.length < 2 || !options.every(reader.isShort) || options.some(isQuestionPart))
    return extractAfterColon(text, reader);
  return { stem: text.slice(0, stemEnd).trim(), options };
}

/** "- x", "* x", "• x", "A) x", "a. x", "(1) x": a bullet or label before an option on its own line. */
const LINE_LABEL =
  /^(?:[-*•·–]\s*|\(?((?:i{1,3}|iv|vi{0,3}|ix|x)(?=[).:])|[a-h]|[1-9])[).:]\s+|\(((?:i{1,3}|iv|vi{0,3}|ix|x)|[a-h]|[1-9])\)\s*)/i;

/**
 * One option per line after the question: "Which SNP …?\n- rs1\n- rs2", "Options:\nA) x\nB) y",
 * or bare lines. The run of short last lines are the options; a marker line ("Options:") before
 * them is dropped from the stem.
 */
function extractLines(text: string): ExtractedOptions | undefined {
  const lines = text.split('\n').map((line) => line.trim());
  if (lines.length < 3) return undefined;
  // "Consider these genes:\ni. A\nii. B\nWhich of them …?": labelled lines before the question.
  if (/\?$/.test(lines.at(-1)!) && LINE_LABEL.test(lines.at(-2)!)) {
    const before = extractLines(lines.slice(0, -1).join('\n'));
    if (before?.labels) return { ...before, stem: questionAfterList(before.stem, lines.at(-1)!) };
  }
  let first = lines.length;
  while (first > 1) {
    const line = lines[first - 1]!;
    if (line === '' || /[?:]$/.test(line) || !isShortOption(line.replace(LINE_LABEL, ''))) break;
    first--;
  }
  const options = lines.slice(first).map((line) => cleanOption(line.replace(LINE_LABEL, '')));
  if (options.length < 2 || options.some((option) => option === '')) return undefined;
  const labels = lines.slice(first).map((line) => {
    const label = LINE_LABEL.exec(line);
    return label?.[1] ?? label?.[2];
  });
  const stem = lines
    .slice(0, first)
    .join(' ')
    .replace(
      /(?:^|\s)(?:(?:the\s+)?(?:answer\s+)?(?:options|choices|candidates)|choose\s+from|select\s+from)\s*:?\s*$/i,
      '',
    )
    .trim();
  if (stem === '') return undefined;
  const given = labels.filter((label): label is string => label !== undefined);
  return given.length === options.length ? { stem, options, labels: given } : { stem, options };
}

/** "Consider these genes:" + "Which of them …?" → "which genes …?". */
function questionAfterList(lead: string, question: string): string {
  const type = new RegExp(String.raw`\b(${TYPE_WORD_SOURCE})\b`, 'iu').exec(lead)?.[1];
  return question.replace(
    /^(?:which|what)\s+(?:one\s+)?(?:of\s+(?:them|these|those|the\s+above))\b/i,
    `which ${type ?? ''}`.trim(),
  );
}

/**
 * Options before the question: "Given the genes A, B, C, which one is associated with X?",
 * "Which gene out of A, B, C is related to X?", "Of the drugs listed (A, B, C), which one treats
 * X?", "Among the variants A, B and C, which one …?" → stem "which gene is associated with X".
 */
function extractLeadingList(text: string, reader: OptionReader): ExtractedOptions | undefined {
  const match = new RegExp(
    String.raw`^(?<lead>(?:(?:which|what)\s+(?<type1>${TYPE_WORD_SOURCE})\s*,?\s+)?(?:given|among|amongst|of|out\s+of|from|between)\s+(?:the|these|those)?\s*(?:following\s+)?(?:(?<type2>${TYPE_WORD_SOURCE})\s+)?(?:listed\s+|below\s+|given\s+)?)(?:\(|:)?\s*(?<list>[^()?:]+?)\s*\)?\s*[,:]?\s+(?<rest>(?:which|what)\b.*|(?:is|are|was|were|has|have|can|could|does|do)\b.*|(?:choose|select|pick|identify|name)\s+the\s+(?:one|option|answer)\b.*)$`,
    'iu',
  ).exec(text);
  if (!match?.groups) return undefined;
  const list = match.groups['list']!;
  // A list after a later "choices:" is the one to take.
  if (!/[,;|]|\s\/\s/.test(list) || match.groups['rest']!.includes(':')) return undefined;
  const options = reader.split(list);
  if (options.length < 2 || !options.every(reader.isShort)) return undefined;
  const type = match.groups['type1'] ?? match.groups['type2'] ?? '';
  const rest = match.groups['rest']!.replace(
    /^(?:(?:which|what)(?:\s+one|\s+of\s+(?:them|these|those))?|(?:choose|select|pick|identify|name)\s+the\s+(?:one|option|answer)(?:\s+(?:that|which)\s+is|\s+(?:that|which))?)\b\s*/i,
    '',
  );
  return { stem: `which ${type} ${rest}`.replace(/\s+/g, ' ').trim(), options };
}

/** "which drug is used" is the question, never one of its options. */
function isQuestionPart(option: string): boolean {
  return /^(?:which|what|who|how|whose)\b/i.test(option);
}

function isShortOption(option: string): boolean {
  return option.split(/\s+/).length <= MAX_OPTION_WORDS;
}

/** No marker: "Pick the gene related to X from: A; B; C" lists short options after the last colon. */
function extractAfterColon(text: string, reader: OptionReader): ExtractedOptions | undefined {
  // "Which SNP …? rs1, rs2, rs3": a list after the question mark reads like one after a colon.
  const colon = Math.max(text.lastIndexOf(': '), text.lastIndexOf('? '));
  if (colon < 0) return undefined;
  const stem = text
    .slice(0, colon)
    .trim()
    .replace(/\s+(?:from|among|between|of)$/i, '');
  if (TRUE_FALSE_PREFIX.test(`${stem}:`)) return undefined;
  const tail = text.slice(colon + 2);
  // "…: IL13 or TP53?": a short "or" list counts after a question.
  const orList =
    WH_START.test(stem) && /^\s*\S+(?:\s+\S+){0,2}\s+or\s+\S+(?:\s+\S+){0,2}\s*[?.]?\s*$/i.test(tail);
  if (!/[,;|]|\s\/\s/.test(tail) && !orList) return undefined;
  const options = reader.split(tail);
  const short = options.every(reader.isShort);
  return options.length >= 2 && short ? { stem, options } : undefined;
}

/** Options longer than this are sentences, not answers. */
const MAX_OPTION_WORDS = 8;

function extractEnumeration(text: string): ExtractedOptions | undefined {
  const labels = [...text.matchAll(ENUMERATION)];
  if (labels.length < 2) return undefined;
  // Labels must run a, b, c… or 1, 2, 3…: otherwise "1." is part of a name.
  const values = labels.map((label) => (label[1] ?? label[2] ?? '').toLowerCase());
  // The run starts at an "a" or "1" label: an earlier "B." may end a name ("hepatitis B.").
  let run: RegExpMatchArray[] = [];
  for (const [from, first] of values.entries()) {
    if (first !== 'a' && first !== '1') continue;
    const start = first.charCodeAt(0);
    const candidate: RegExpMatchArray[] = [];
    for (let position = from; position < labels.length; position++) {
      if (values[position]!.charCodeAt(0) !== start + candidate.length) break;
      candidate.push(labels[position]!);
    }
    if (candidate.length > run.length) run = candidate;
  }
  if (run.length < 2) return undefined;
  const options = run.map((label, position) => {
    const from = label.index! + label[0].length;
    const to = position + 1 < run.length ? run[position + 1]!.index! : text.length;
    return cleanOption(text.slice(from, to));
  });
  if (options.some((option) => option === '')) return undefined;
  const stem = text.slice(0, run[0]!.index).replace(OPTION_MARKERS, ' ').trim();
  return { stem, options, labels: run.map((label) => label[1] ?? label[2] ?? '') };
}

/**
 * "a, b, c", "a; b", "a | b", "a / b", "a, b or c", "a or b"; a question after the list
 * ("… or d. Which one?") is not an option. With `names`, pieces a comma split out of one KG name
 * ("RAB4B, member RAS oncogene family") are joined again (`joinCommaNames`).
 */
export function splitOptions(
  tail: string,
  names?: OptionNames | undefined,
  expectedCount?: number | undefined,
): string[] {
  const body = tail.replace(/[.?!]\s+(?:which|what)\b[^.]*$/i, '').replace(/[.?!]\s*$/, '');
  const listed = /[,;|\n]|\s\/\s/.test(body);
  const pieces = listed ? piecesOf(body, SEPARATOR) : piecesOf(body, OR_SEPARATOR);
  const last = pieces.at(-1);
  if (listed && pieces.length >= 2 && last !== undefined && /\s+or\s+/.test(last.text))
    pieces.splice(-1, 1, ...piecesOf(last.text, OR_SEPARATOR, last.separator));
  const parts = names ? joinCommaNames(pieces, names, expectedCount) : pieces.map((piece) => piece.text);
  // "A, B and C": a final "and" joins one-word options (symbols, rsIDs), never inside a long name.
  const final = parts.at(-1);
  if (
    listed &&
    parts.slice(0, -1).every((part) => !/\s/.test(part.trim())) &&
    final &&
    /^\S+\s+and\s+\S+$/.test(final.trim())
  )
    parts.splice(-1, 1, ...final.trim().split(/\s+and\s+/));
  return parts.map(cleanOption).filter((option) => option !== '');
}

/**
 * Where an option list splits: a comma, semicolon, bar or line break (with an "or"/"and" after
 * it), or a spaced slash. A comma between digits ("phosphatidylinositol-4,5-bisphosphate") is
 * part of a name.
 */
const SEPARATOR = /\s*(?:(?<!\d),|,(?!\d)|[;|\n])\s*(?:or\s+|and\s+)?|\s+\/\s+/g;
const OR_SEPARATOR = /\s+or\s+/g;

/** One option as split, with the separator before it ("" for the first). */
interface Piece {
  text: string;
  separator: string;
}

function piecesOf(text: string, separator: RegExp, firstSeparator = ''): Piece[] {
  const pieces: Piece[] = [];
  let from = 0;
  let before = firstSeparator;
  for (const match of text.matchAll(separator)) {
    if (match[0] === '') continue;
    pieces.push({ text: text.slice(from, match.index), separator: before });
    before = match[0];
    from = match.index + match[0].length;
  }
  pieces.push({ text: text.slice(from), separator: before });
  return pieces;
}

/**
 * What the option parser asks of the KG's names: the stored name `text` is, taken whole, with no
 * typo tolerance ("RAB4B, member RAS oncogene family"), or undefined when it names nothing.
 */
export interface OptionNames {
  nameOf(text: string): string | undefined;
}

/** Option names from the entity linker: an id, exact, normalised or synonym match, never a typo. */
export function linkerOptionNames(linker: Pick<EntityLinker, 'resolve'>): OptionNames {
  return {
    nameOf: (text) => linker.resolve(text, { fuzzy: false, maxCandidates: 1 })[0]?.matched,
  };
}

/** A name is not cut at more commas than this ("major histocompatibility complex, class II, DR beta 1"). */
const MAX_PIECES_PER_NAME = 4;

/**
 * The segmentation of comma-split pieces that reads most options as KG names. Pieces separated by
 * a bare comma may be joined when the joined text is a KG name written with a comma. Of the
 * segmentations, the one with the fewest pieces that name nothing wins (a lone one-word lowercase
 * piece such as "male" counts half: it names a generic node at best), then the one with more
 * options; with `expectedCount` (the request said how many), only segmentations of that length
 * count when there is one. Without any joinable name, the pieces are kept as split (no lookups).
 */
function joinCommaNames(
  pieces: readonly Piece[],
  names: OptionNames,
  expectedCount?: number | undefined,
): string[] {
  const joined = new Map<string, boolean>();
  for (let first = 0; first < pieces.length; first++)
    for (let last = first + 1; last < Math.min(pieces.length, first + MAX_PIECES_PER_NAME); last++) {
      if (!isBareComma(pieces[last]!.separator)) break;
      const text = cleanOption(joinText(pieces, first, last));
      joined.set(`${first}:${last}`, names.nameOf(text)?.includes(',') === true);
    }
  if (![...joined.values()].some(Boolean)) return pieces.map((piece) => piece.text);
  const cost = pieces.map((piece) => pieceCost(cleanOption(piece.text), names));
  // best[end][count]: the cheapest reading of pieces[0..end) as `count` options.
  const best: (Reading | undefined)[][] = [[{ cost: 0, options: [] }]];
  for (let end = 1; end <= pieces.length; end++) {
    best[end] = [];
    for (let first = Math.max(0, end - MAX_PIECES_PER_NAME); first < end; first++) {
      const single = first === end - 1;
      if (!single && joined.get(`${first}:${end - 1}`) !== true) continue;
      const text = single ? pieces[first]!.text : joinText(pieces, first, end - 1);
      const added = single ? cost[first]! : 0;
      for (const [count, reading] of best[first]!.entries()) {
        if (!reading) continue;
        const next = { cost: reading.cost + added, options: [...reading.options, text] };
        const held = best[end]![count + 1];
        if (!held || next.cost < held.cost) best[end]![count + 1] = next;
      }
    }
  }
  const readings = best[pieces.length]!.filter((reading): reading is Reading => reading !== undefined);
  const counted = readings.filter((reading) => reading.options.length === expectedCount);
  const pool = counted.length > 0 ? counted : readings;
  // Cheapest first, then more options: a join must name more than the pieces do.
  pool.sort((left, right) => left.cost - right.cost || right.options.length - left.options.length);
  return pool[0]!.options;
}

interface Reading {
  cost: number;
  options: string[];
}

function isBareComma(separator: string): boolean {
  return /^\s*,\s*$/.test(separator);
}

function joinText(pieces: readonly Piece[], first: number, last: number): string {
  let text = pieces[first]!.text;
  for (let position = first + 1; position <= last; position++)
    text += pieces[position]!.separator + pieces[position]!.text;
  return text;
}

/** 0 for a piece that names a KG node, 1 for one that names nothing, ½ for a lone lowercase word. */
function pieceCost(piece: string, names: OptionNames): number {
  if (names.nameOf(piece) === undefined) return 1;
  return /^\p{Ll}+$/u.test(piece) ? 0.5 : 0;
}

function cleanOption(option: string): string {
  return option
    .trim()
    .replace(/^(?:or|and)\s+/i, '')
    .replace(/[\s,;.?!]+$/, '')
    .replace(/^["'“‘]|["'”’]$/g, '')
    .trim();
}
