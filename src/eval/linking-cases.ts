import { GENERIC_HEADS } from '../linking/context-words.js';
import { isIdentifier } from '../linking/surface-index.js';
import { formKey } from '../linking/word-forms.js';
import { createRandom, type Random } from '../molecules/ga/random.js';
import { GENERIC_WORDS, STOP_WORDS } from '../store/english-words.js';
import type { NameEntry } from '../store/name-lookup.js';

/**
 * A labelled entity-linking set generated from the KG's own names: each case is one node's name,
 * perturbed one way, inside a sentence, with the character span and the nodes it may link to.
 * Two more arms replace the name by a synonym mined from the KG's texts at ingest
 * (`synonym-mining.ts`): `synonym` (brand and other drug names, infection forms, names with an
 * abbreviation inside, older gene symbols) and `abbreviation` (abbreviations a definition or
 * description defines, "amyotrophic lateral sclerosis (ALS)"). The second is also a held-out test
 * of the acronyms the linker generates from names alone: a linker built without the mined table
 * can only find them that way. Three arms draw on the optional vocabularies outside the KG
 * (`lexicon-synonyms.ts`): `gene-name` (NCBI full names) and `lay-name` (WordNet synonyms), each
 * written as stored or with one held-out change the table does not hold (other case, spelling
 * variant, one typo), and `gene-alias` (alias symbols, as written: they match in their own case).
 */

export const NAME_PERTURBATIONS = [
  'none',
  'case',
  'id',
  'spelling',
  'word-order',
  'typo',
  'distractors',
] as const;
export const SYNONYM_PERTURBATIONS = [
  'synonym',
  'abbreviation',
  'gene-name',
  'gene-alias',
  'lay-name',
] as const;
export const PERTURBATIONS = [...NAME_PERTURBATIONS, ...SYNONYM_PERTURBATIONS] as const;
export type Perturbation = (typeof PERTURBATIONS)[number];
type SynonymPerturbation = (typeof SYNONYM_PERTURBATIONS)[number];
const ABBREVIATION_SOURCE = 'text:abbreviation';
/** Mined sources of each arm drawn from a vocabulary outside the KG; `synonym` takes the other KG sources. */
const LEXICON_ARM_SOURCES: Partial<Record<SynonymPerturbation, string>> = {
  'gene-name': 'gene-info:full-name',
  'gene-alias': 'gene-info:alias-symbol',
  'lay-name': 'wordnet:synonym',
};
const LEXICON_SOURCES: ReadonlySet<string> = new Set(Object.values(LEXICON_ARM_SOURCES));
/** Arms whose stored name also gets one held-out change. */
const PERTURBED_ARMS: ReadonlySet<Perturbation> = new Set(['gene-name', 'lay-name']);

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
  const pools = {
    names: poolByType(entries.filter(eligible)),
    ...(Object.fromEntries(
      SYNONYM_PERTURBATIONS.map((arm) => [
        arm,
        poolByType(entries.filter((entry) => minedOf(entry, arm).length > 0)),
      ]),
    ) as Record<SynonymPerturbation, Map<string, NameEntry[]>>),
  };
  const bySynonym = synonymCarriers(entries);
  const cases: LinkingCase[] = [];
  for (const perturbation of PERTURBATIONS) {
    const byType = pools[isSynonymArm(perturbation) ? perturbation : 'names'];
    const types = [...byType.keys()].sort();
    if (types.length === 0) continue;
    for (
      let made = 0, tries = 0;
      made < options.perPerturbation && tries < options.perPerturbation * 50;
      tries++
    ) {
      const entry = random.pick(byType.get(random.pick(types))!);
      const mined = isSynonymArm(perturbation) ? random.pick(minedOf(entry, perturbation)) : undefined;
      const mention =
        mined === undefined
          ? perturb(entry, perturbation, random)
          : PERTURBED_ARMS.has(perturbation)
            ? heldOutChange(mined, random)
            : mined;
      if (mention === undefined) continue;
      const templates = perturbation === 'distractors' ? DISTRACTOR_TEMPLATES : TEMPLATES;
      const [before, after] = random.pick(templates).split('{X}') as [string, string];
      const gold =
        perturbation === 'id'
          ? [entry.nodeIndex]
          : isSynonymArm(perturbation)
            ? (bySynonym.get(formKey(mined ?? mention)) ?? [entry.nodeIndex])
            : (byName.get(formKey(entry.name)) ?? [entry.nodeIndex]);
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

function poolByType(entries: readonly NameEntry[]): Map<string, NameEntry[]> {
  const byType = new Map<string, NameEntry[]>();
  for (const entry of entries) {
    const list = byType.get(entry.type);
    if (list) list.push(entry);
    else byType.set(entry.type, [entry]);
  }
  return byType;
}

function isSynonymArm(perturbation: Perturbation): perturbation is SynonymPerturbation {
  return (SYNONYM_PERTURBATIONS as readonly string[]).includes(perturbation);
}

/**
 * The mined synonyms an arm draws from: defined abbreviations for `abbreviation`, one vocabulary's
 * names for a lexicon arm, the other names mined from the KG's texts for `synonym`.
 */
function minedOf(entry: NameEntry, arm: SynonymPerturbation): string[] {
  const lexicon = LEXICON_ARM_SOURCES[arm];
  return (entry.synonyms ?? [])
    .filter((synonym) =>
      lexicon !== undefined
        ? synonym.source === lexicon
        : !LEXICON_SOURCES.has(synonym.source) &&
          (synonym.source === ABBREVIATION_SOURCE) === (arm === 'abbreviation'),
    )
    .map((synonym) => synonym.text);
}

/** A stored name as written, or with one change the table does not hold: case, spelling or a typo. */
function heldOutChange(text: string, random: Random): string {
  const options = [text, changeCase(text, random), respell(text, random), addTypo(text, random)].filter(
    (option): option is string => option !== undefined,
  );
  return random.pick(options);
}

/** Every node a mined synonym was kept for ("MI": two diseases and a phenotype): text cannot tell them apart. */
function synonymCarriers(entries: readonly NameEntry[]): Map<string, number[]> {
  const carriers = new Map<string, number[]>();
  for (const entry of entries)
    for (const synonym of entry.synonyms ?? []) {
      const key = formKey(synonym.text);
      const list = carriers.get(key) ?? [];
      if (!list.includes(entry.nodeIndex)) list.push(entry.nodeIndex);
      carriers.set(key, list);
    }
  return carriers;
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
    default: {
      const mined = minedOf(entry, perturbation);
      return mined.length === 0 ? undefined : random.pick(mined);
    }
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
