import { GENERIC_HEADS } from '../linking/context-words.js';
import { isIdentifier } from '../linking/surface-index.js';
import { formKey } from '../linking/word-forms.js';
import { createRandom, type Random } from '../molecules/ga/random.js';
import { GENERIC_WORDS, STOP_WORDS } from '../store/english-words.js';
import type { NameEntry } from '../store/name-lookup.js';

/**
 * A labelled entity-linking set generated from the KG's own names: each case is one node's name,
 * perturbed one way, inside a sentence, with the character span and the nodes it may link to.
 */

export const PERTURBATIONS = ['none', 'case', 'id', 'spelling', 'word-order', 'typo', 'distractors'] as const;
export type Perturbation = (typeof PERTURBATIONS)[number];

export interface LinkingCase {
  perturbation: Perturbation;
  text: string;
  /** Where the mention is in `text`. */
  start: number;
  end: number;
  mention: string;
  /** The sampled node and every node whose name folds to the same key ("Meckel's diverticulum" and "Meckel diverticulum"): text cannot tell those apart. */
  nodeIndex: number;
  gold: number[];
  type: string;
}

/** Neutral sentences: none of their words is meant as an entity. */
const TEMPLATES = [
  'What is known about {X}?',
  'Tell me more about {X}.',
  '{X}',
  'Could you summarise the evidence on {X}?',
  'I have a question about {X} please.',
  'Is there anything on {X} here?',
];
/** Sentences full of domain words that are not entities themselves. */
const DISTRACTOR_TEMPLATES = [
  'In patients with high levels, which genes and drugs play a role in {X} and the treatment response?',
  'Which proteins, pathways or side effects are associated with {X} according to recent studies?',
  'Give the mechanism, targets and risk factors linked to {X} in humans, with references.',
  'Compare the expression and function of {X} with similar candidates in new therapies.',
];

export interface CaseOptions {
  seed: number;
  perPerturbation: number;
}

export function generateLinkingCases(entries: readonly NameEntry[], options: CaseOptions): LinkingCase[] {
  const random = createRandom(options.seed);
  const byName = new Map<string, number[]>();
  for (const entry of entries) {
    const key = formKey(entry.name);
    const list = byName.get(key);
    if (list) list.push(entry.nodeIndex);
    else byName.set(key, [entry.nodeIndex]);
  }
  const byType = new Map<string, NameEntry[]>();
  for (const entry of entries.filter(eligible)) {
    const list = byType.get(entry.type);
    if (list) list.push(entry);
    else byType.set(entry.type, [entry]);
  }
  const types = [...byType.keys()].sort();
  const cases: LinkingCase[] = [];
  for (const perturbation of PERTURBATIONS) {
    for (
      let made = 0, tries = 0;
      made < options.perPerturbation && tries < options.perPerturbation * 50;
      tries++
    ) {
      const entry = random.pick(byType.get(random.pick(types))!);
      const mention = perturb(entry, perturbation, random);
      if (mention === undefined) continue;
      const templates = perturbation === 'distractors' ? DISTRACTOR_TEMPLATES : TEMPLATES;
      const [before, after] = random.pick(templates).split('{X}') as [string, string];
      const gold =
        perturbation === 'id' ? [entry.nodeIndex] : (byName.get(formKey(entry.name)) ?? [entry.nodeIndex]);
      cases.push({
        perturbation,
        text: `${before}${mention}${after}`,
        start: before.length,
        end: before.length + mention.length,
        mention,
        nodeIndex: entry.nodeIndex,
        gold,
        type: entry.type,
      });
      made++;
    }
  }
  return cases;
}

/**
 * Names a user could type: not generic one-word heads or question words (never linked alone, by
 * design), not longer than eight words.
 */
function eligible(entry: NameEntry): boolean {
  const name = entry.name.trim();
  const lower = name.toLowerCase();
  if (name.length < 2 || name.length > 80 || name.split(/\s+/).length > 8) return false;
  return !GENERIC_HEADS.has(lower) && !GENERIC_WORDS.has(lower) && !STOP_WORDS.has(lower);
}

function perturb(entry: NameEntry, perturbation: Perturbation, random: Random): string | undefined {
  const name = entry.name;
  switch (perturbation) {
    case 'none':
    case 'distractors':
      return name;
    case 'case':
      return changeCase(name, random);
    case 'id':
      return identifierOf(entry, random);
    case 'spelling':
      return respell(name, random);
    case 'word-order':
      return reorder(name);
    case 'typo':
      return addTypo(name, random);
  }
}

function changeCase(name: string, random: Random): string | undefined {
  const options = [
    name.toLowerCase(),
    name.toUpperCase(),
    name.replace(/\p{L}+/gu, (word) => word[0]!.toUpperCase() + word.slice(1).toLowerCase()),
  ].filter((option) => option !== name);
  return options.length === 0 ? undefined : random.pick(options);
}

/** The node id, or an id alias (UniProt, DrugBank, rsID); Entrez numbers need a cue word, so they get one. */
function identifierOf(entry: NameEntry, random: Random): string | undefined {
  const ids = [entry.id, ...entry.aliases].filter(isIdentifier);
  if (ids.length > 0) return random.pick([...new Set(ids)]);
  return /^\d+$/.test(entry.id) && entry.type === 'gene/protein' ? `Entrez gene ${entry.id}` : undefined;
}

const GREEK_TO_LETTER: Record<string, string> = { alpha: 'α', beta: 'β', gamma: 'γ', delta: 'δ', kappa: 'κ' };
const ROMAN: Record<string, string> = { '1': 'I', '2': 'II', '3': 'III', '4': 'IV', '5': 'V', '6': 'VI' };
const ARABIC: Record<string, string> = Object.fromEntries(
  Object.entries(ROMAN).map(([arabic, roman]) => [roman, arabic]),
);

/** One spelling variant a person might write: apostrophes, hyphens, Greek letters, numerals, plurals, accents. */
function respell(name: string, random: Random): string | undefined {
  const variants: string[] = [];
  if (/['’]s\b/.test(name)) variants.push(name.replace(/['’]s\b/g, ''), name.replace(/['’]s\b/g, 's'));
  if (/\w-\w/.test(name)) variants.push(name.replace(/(\w)-(\w)/g, '$1 $2'));
  if (/\b(alpha|beta|gamma|delta|kappa)\b/i.test(name))
    variants.push(
      name.replace(/\b(alpha|beta|gamma|delta|kappa)\b/gi, (word) => GREEK_TO_LETTER[word.toLowerCase()]!),
    );
  if (/\btype (\d)\b/i.test(name))
    variants.push(name.replace(/\btype (\d)\b/gi, (_, digit: string) => `type ${ROMAN[digit] ?? digit}`));
  if (/\btype (I{1,3}|IV|V|VI)\b/.test(name))
    variants.push(name.replace(/\btype (I{1,3}|IV|V|VI)\b/g, (_, roman: string) => `type ${ARABIC[roman]}`));
  if (/\p{M}/u.test(name.normalize('NFKD'))) variants.push(name.normalize('NFKD').replace(/\p{M}+/gu, ''));
  if (/[a-z]{4,}$/.test(name) && !/s$/.test(name) && name.includes(' ')) variants.push(`${name}s`);
  const changed = variants.filter((variant) => variant !== name);
  return changed.length === 0 ? undefined : random.pick(changed);
}

/** Head word first, as indexes write it: "chronic myeloid leukemia" → "leukemia, chronic myeloid". */
function reorder(name: string): string | undefined {
  if (name.includes(',') || /[()]/.test(name)) return undefined;
  const words = name.split(/\s+/);
  if (words.length < 2 || words.length > 4) return undefined;
  if (words.some((word) => STOP_WORDS.has(word.toLowerCase()))) return undefined;
  return `${words.at(-1)}, ${words.slice(0, -1).join(' ')}`;
}

/** One typing error (drop, swap, replace or add a letter) inside a word of six letters or more. */
function addTypo(name: string, random: Random): string | undefined {
  const words = [...name.matchAll(/\p{L}{6,}/gu)];
  if (words.length === 0) return undefined;
  const word = random.pick(words);
  const text = word[0];
  const position = 1 + random.int(text.length - 2);
  const letter = 'abcdefghijklmnopqrstuvwxyz'[random.int(26)]!;
  const edits = [
    text.slice(0, position) + text.slice(position + 1),
    text.slice(0, position) + text[position + 1] + text[position] + text.slice(position + 2),
    text.slice(0, position) + letter + text.slice(position + 1),
    text.slice(0, position) + letter + text.slice(position),
  ].filter((edit) => edit.toLowerCase() !== text.toLowerCase());
  const typo = random.pick(edits);
  return name.slice(0, word.index) + typo + name.slice(word.index + text.length);
}
