import type { KgGraph } from '../kg/graph.js';
import type { TextSynonym } from '../kg/synonym-text.js';
import type { WordnetSynset } from '../kg/wordnet-synsets.js';
import { isCommonWord } from '../store/english-words.js';
import { editDistance, normalizeKey } from '../store/text-normalize.js';
import type { NameLexicons } from './name-lexicons.js';

/**
 * Names for KG nodes from the optional vocabularies of `name-lexicons.ts`. Each is a proposal:
 * `synonym-mining.ts` then applies the same collision rules as to names mined from the KG's texts.
 *
 * - Gene full names and alias symbols are joined by Entrez id (the gene node's id), not by name, so
 *   they are exact; an alias symbol is kept only when it belongs to one KG gene and has a digit or
 *   two capitals (the linker matches those in their own case only, so "CAMP" never links "camp"),
 *   and, with WordNet loaded, when it is no English word in capitals ("END OF TERMS").
 * - WordNet: a synset gives its other words to a disease, phenotype or drug node when its words
 *   name exactly one KG name (a disease and its phenotype of the same name count as one), one of
 *   those words has no other sense in WordNet (so the synset is that node's sense, not "depression"
 *   the economic slump), and the word given has no other sense either ("cold" for the common cold
 *   is dropped: it has fourteen). A word of 15+ letters also names a KG name one letter away when
 *   it is the only such name and both have the same numbers ("acquired immune deficiency
 *   syndrome" = "acquired immunodeficiency syndrome"; never "type 1" for "type 2").
 */

export interface NodeNameView {
  /** Folded name, id or alias → node indices. */
  byKey: ReadonlyMap<string, readonly number[]>;
  nameOf: (node: number) => string;
  typeOf: (node: number) => string;
}

export interface LexiconProposal {
  node: number;
  synonym: TextSynonym;
}

const GENE_TYPE = 'gene/protein';
/** Node types whose lay and eponymous names WordNet knows. */
const WORDNET_TYPES: ReadonlySet<string> = new Set(['disease', 'effect/phenotype', 'drug']);
const MIN_ALIAS_LENGTH = 3;
/** Folded length from which a WordNet word may name a KG name one edit away. */
const MIN_NEAR_KEY_LENGTH = 15;

export function lexiconSynonyms(
  graph: KgGraph,
  names: NodeNameView,
  lexicons: NameLexicons,
): LexiconProposal[] {
  return [
    ...(lexicons.geneInfo ? geneInfoSynonyms(graph, names, lexicons.geneInfo, englishWords(lexicons)) : []),
    ...(lexicons.wordnet ? wordnetSynonyms(names, lexicons.wordnet) : []),
  ];
}

/** WordNet's one-word lemmas, lower case: an alias symbol spelled like one ("END", "SAD") is a word. */
function englishWords(lexicons: NameLexicons): ReadonlySet<string> {
  const words = new Set<string>();
  for (const synset of lexicons.wordnet ?? [])
    for (const lemma of synset.lemmas) if (!lemma.includes(' ')) words.add(lemma.toLowerCase());
  return words;
}

function geneInfoSynonyms(
  graph: KgGraph,
  names: NodeNameView,
  geneInfo: NonNullable<NameLexicons['geneInfo']>,
  english: ReadonlySet<string>,
): LexiconProposal[] {
  const proposals: LexiconProposal[] = [];
  const aliasOwners = new Map<string, Set<number>>();
  for (const node of graph.nodesOfType(GENE_TYPE)) {
    const info = geneInfo.get(graph.node(node)?.id ?? '');
    if (!info) continue;
    const symbol = names.nameOf(node);
    // "uncharacterized LOC…" says nothing a user would write.
    if (info.fullName !== undefined && !/^uncharacterized\b/i.test(info.fullName))
      proposals.push({ node, synonym: { text: info.fullName, source: 'gene-info:full-name' } });
    for (const alias of info.aliases) {
      if (alias === symbol || !symbolLike(alias)) continue;
      if (!/\d/.test(alias) && english.has(alias.toLowerCase())) continue;
      const owners = aliasOwners.get(alias) ?? new Set<number>();
      owners.add(node);
      aliasOwners.set(alias, owners);
    }
  }
  for (const [alias, owners] of aliasOwners)
    if (owners.size === 1)
      proposals.push({ node: [...owners][0]!, synonym: { text: alias, source: 'gene-info:alias-symbol' } });
  return proposals;
}

/** "P53", "HER2", "ERBB1": a digit or two capitals, no space, three characters or more. */
function symbolLike(alias: string): boolean {
  return (
    alias.length >= MIN_ALIAS_LENGTH &&
    !/\s/.test(alias) &&
    /[A-Za-z]/.test(alias) &&
    (/\d/.test(alias) || (alias.match(/[A-Z]/g) ?? []).length >= 2)
  );
}

function wordnetSynonyms(names: NodeNameView, synsets: readonly WordnetSynset[]): LexiconProposal[] {
  const senses = new Map<string, number>();
  for (const synset of synsets)
    for (const lemma of new Set(synset.lemmas.map((word) => word.toLowerCase())))
      senses.set(lemma, (senses.get(lemma) ?? 0) + 1);
  const monosemous = (lemma: string) => senses.get(lemma.toLowerCase()) === 1;
  const near = nearNameIndex(names);
  const nodesNamed = (lemma: string): number[] => {
    const key = normalizeKey(lemma);
    const exact = (names.byKey.get(key) ?? []).filter((node) => WORDNET_TYPES.has(names.typeOf(node)));
    if (exact.length > 0 || key.length < MIN_NEAR_KEY_LENGTH) return exact;
    const keys = near.lookup(lemma);
    return keys.length === 1 ? near.nodesOf(keys[0]!) : [];
  };

  const proposals: LexiconProposal[] = [];
  for (const synset of synsets) {
    if (synset.pos !== 'n' || synset.lemmas.length < 2) continue;
    const matched = new Map<string, number[]>();
    for (const lemma of synset.lemmas) {
      const nodes = nodesNamed(lemma);
      if (nodes.length > 0) matched.set(lemma, nodes);
    }
    const nodes = [...new Set([...matched.values()].flat())];
    if (nodes.length === 0) continue;
    if (new Set(nodes.map((node) => normalizeKey(names.nameOf(node)))).size !== 1) continue;
    if (![...matched.keys()].some(monosemous)) continue;
    for (const lemma of synset.lemmas) {
      if (matched.has(lemma) || !monosemous(lemma) || isCommonWord(lemma.toLowerCase())) continue;
      for (const node of nodes) proposals.push({ node, synonym: { text: lemma, source: 'wordnet:synonym' } });
    }
  }
  return proposals;
}

/**
 * Names of WordNet's node types one edit from a long word (single-deletion neighbourhoods, checked
 * with the real edit distance), with the same numbers and roman numerals.
 */
function nearNameIndex(names: NodeNameView): {
  lookup: (text: string) => string[];
  nodesOf: (key: string) => number[];
} {
  const byKey = new Map<string, number[]>();
  const textOf = new Map<string, string>();
  for (const [key, nodes] of names.byKey) {
    if (key.length < MIN_NEAR_KEY_LENGTH) continue;
    const typed = nodes.filter((node) => WORDNET_TYPES.has(names.typeOf(node)));
    const named = typed.filter((node) => normalizeKey(names.nameOf(node)) === key);
    if (named.length === 0) continue;
    byKey.set(key, named);
    textOf.set(key, names.nameOf(named[0]!));
  }
  const deletions = new Map<string, string[]>();
  for (const key of byKey.keys())
    for (const variant of withDeletions(key)) {
      const list = deletions.get(variant) ?? [];
      list.push(key);
      deletions.set(variant, list);
    }
  return {
    lookup: (text) => {
      const key = normalizeKey(text);
      const found = new Set<string>();
      for (const variant of withDeletions(key))
        for (const candidate of deletions.get(variant) ?? [])
          if (editDistance(key, candidate, 2) <= 1 && numbersOf(text) === numbersOf(textOf.get(candidate)!))
            found.add(candidate);
      return [...found];
    },
    nodesOf: (key) => byKey.get(key) ?? [],
  };
}

function withDeletions(key: string): string[] {
  const variants = [key];
  for (let position = 0; position < key.length; position++)
    variants.push(key.slice(0, position) + key.slice(position + 1));
  return variants;
}

/** Digits and standalone roman numerals, in order: "type II" and "type 2" must both agree. */
function numbersOf(text: string): string {
  return (text.toLowerCase().match(/\d+|\b[ivx]+\b/g) ?? []).join(' ');
}
