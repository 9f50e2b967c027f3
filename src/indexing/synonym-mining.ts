import type { KgGraph } from '../kg/graph.js';
import type { NodePayloads } from '../kg/payloads.js';
import {
  abbreviates,
  definedAbbreviations,
  drugDescriptionSynonyms,
  infectionForm,
  SYNONYM_SOURCES,
  type SynonymSource,
  type TextSynonym,
} from '../kg/synonym-text.js';
import { isCommonWord, STOP_WORDS } from '../store/english-words.js';
import { normalizeKey } from '../store/text-normalize.js';
import { lexiconSynonyms } from './lexicon-synonyms.js';
import type { NameLexicons } from './name-lexicons.js';

/**
 * Synonyms mined from the KG's own files at ingest (the KG carries no synonym column): brand and
 * other names in DrugBank descriptions, abbreviations defined in any definition or description,
 * the "infection" form of DO "… infectious disease" names (also with a defined abbreviation in
 * place of its long form: "HIV infection"), and older gene symbols from the GWAS Catalog's
 * mapped genes. Each keeps its source. A mined name that already is another node's name, id or
 * alias, or a common English word, is dropped; one mined for several nodes is kept for each (the
 * linker reports it ambiguous) when they are at most {@link MAX_SHARED_NODES}. Names from the
 * optional vocabularies outside the KG (gene full names and alias symbols, WordNet synonyms:
 * `lexicon-synonyms.ts`) go through the same rules, with their own sources.
 */

export interface MinedSynonym {
  text: string;
  source: SynonymSource;
}

export interface SynonymMiningReport {
  /** Synonyms kept, by source. */
  kept: Record<SynonymSource, number>;
  nodes: number;
  /** Dropped because a node of the same type, a gene or a variant is already called so. */
  droppedTaken: number;
  /** Kept although a node of another type (a pathway, a phenotype) is called so: reported ambiguous. */
  sharedWithName: number;
  droppedCommonWord: number;
  /** Texts mined for more than {@link MAX_SHARED_NODES} nodes, dropped; texts kept for 2–3 nodes. */
  droppedShared: number;
  sharedKept: number;
}

export interface SynonymTable {
  byNode: Map<number, MinedSynonym[]>;
  report: SynonymMiningReport;
}

export const MAX_SHARED_NODES = 3;
/** A one-word name that occurs in this many KG names is a generic word there ("Recombinant"). */
const GENERIC_WORD_NAMES = 3;
/** Long-form substitution only inside these types' names ("HIV infection"). */
const ABBREVIATED_TYPES: ReadonlySet<string> = new Set(['disease', 'effect/phenotype']);
const GENE_TYPE = 'gene/protein';
const VARIANT_TYPE = 'variant';

interface NodeNames {
  /** Folded name or alias → node indices. */
  byKey: Map<string, number[]>;
  nameOf: (node: number) => string;
  typeOf: (node: number) => string;
  /** How many node names each lower-case word occurs in. */
  wordCounts: Map<string, number>;
}

export function mineSynonyms(
  graph: KgGraph,
  payloads: NodePayloads,
  lexicons?: NameLexicons | undefined,
): SynonymTable {
  const names = nodeNames(graph, payloads);
  const proposed: { node: number; synonym: TextSynonym }[] = [];
  const propose = (node: number, synonym: TextSynonym) => proposed.push({ node, synonym });

  for (const [node, text] of payloads.texts) {
    if (text.description !== undefined && names.typeOf(node) === 'drug')
      for (const synonym of drugDescriptionSynonyms(names.nameOf(node), text.description))
        propose(node, synonym);
  }
  const abbreviations = abbreviationsOf(payloads, names);
  for (const { abbreviation, nodes } of abbreviations.named)
    for (const node of nodes) propose(node, { text: abbreviation, source: 'text:abbreviation' });
  for (const node of graph.nodes.indices) {
    const type = names.typeOf(node);
    if (type !== 'disease') continue;
    const infection = infectionForm(names.nameOf(node));
    if (infection !== undefined) propose(node, { text: infection, source: 'name:infection-form' });
  }
  for (const [node, text] of abbreviatedNames(graph, names, abbreviations.phrases))
    propose(node, { text, source: 'name:abbreviated' });
  for (const [node, symbol] of earlierGeneSymbols(graph, payloads, names))
    propose(node, { text: symbol, source: 'gwas-catalog:mapped-gene' });
  if (lexicons !== undefined)
    for (const { node, synonym } of lexiconSynonyms(graph, names, lexicons)) propose(node, synonym);

  return settle(proposed, names);
}

/** Every node's name and aliases by folded key, to resolve long forms and find collisions. */
function nodeNames(graph: KgGraph, payloads: NodePayloads): NodeNames {
  const byKey = new Map<string, number[]>();
  const wordCounts = new Map<string, number>();
  const add = (key: string, node: number) => {
    if (key === '') return;
    const list = byKey.get(key);
    if (!list) byKey.set(key, [node]);
    else if (list[list.length - 1] !== node) list.push(node);
  };
  for (const node of graph.nodes.indices) {
    const record = graph.node(node);
    if (!record) continue;
    add(normalizeKey(record.name), node);
    for (const word of new Set(record.name.toLowerCase().split(/[\s,()]+/)))
      wordCounts.set(word, (wordCounts.get(word) ?? 0) + 1);
    add(normalizeKey(record.id), node);
    for (const alias of payloads.aliasesOf(node)) add(normalizeKey(alias), node);
  }
  return {
    byKey,
    nameOf: (node) => graph.node(node)?.name ?? '',
    typeOf: (node) => graph.typeOf(node) ?? '',
    wordCounts,
  };
}

interface Abbreviations {
  /** Abbreviations whose long form is a node's name: "ALS" for the nodes named "amyotrophic lateral sclerosis". */
  named: { abbreviation: string; nodes: number[] }[];
  /** Abbreviations of a phrase that is no node's name, with one long form across all texts ("HIV"). */
  phrases: Map<string, string>;
}

/**
 * "long form (SF)" pairs over every definition and description. The longest phrase before the
 * parenthesis that names a node and passes {@link abbreviates} is its long form; otherwise the
 * shortest phrase that passes is kept as a phrase, when all texts agree on it.
 */
function abbreviationsOf(payloads: NodePayloads, names: NodeNames): Abbreviations {
  const named = new Map<string, Set<number>>();
  const phrases = new Map<string, Set<string>>();
  for (const text of payloads.texts.values()) {
    for (const source of [text.definition, text.description]) {
      if (source === undefined) continue;
      for (const { abbreviation, longForms } of definedAbbreviations(source)) {
        const valid = longForms.filter((longForm) => abbreviates(abbreviation, longForm));
        const naming = valid.filter((longForm) => names.byKey.has(normalizeKey(longForm))).pop();
        if (naming !== undefined) {
          const nodes = named.get(abbreviation) ?? new Set<number>();
          for (const node of names.byKey.get(normalizeKey(naming))!) nodes.add(node);
          named.set(abbreviation, nodes);
        } else if (valid[0] !== undefined) {
          const forms = phrases.get(abbreviation) ?? new Set<string>();
          forms.add(valid[0].toLowerCase());
          phrases.set(abbreviation, forms);
        }
      }
    }
  }
  const agreed = new Map<string, string>();
  for (const [abbreviation, forms] of phrases)
    if (forms.size === 1 && !named.has(abbreviation)) agreed.set(abbreviation, [...forms][0]!);
  return {
    named: [...named].map(([abbreviation, nodes]) => ({ abbreviation, nodes: [...nodes] })),
    phrases: agreed,
  };
}

/**
 * Disease and phenotype names with a defined abbreviation in place of its long form:
 * "Human immunodeficiency virus infectious disease" → "HIV infectious disease", "HIV infection".
 */
function abbreviatedNames(
  graph: KgGraph,
  names: NodeNames,
  phrases: ReadonlyMap<string, string>,
): [number, string][] {
  const byFirstWord = new Map<string, [string, string][]>();
  for (const [abbreviation, longForm] of phrases) {
    const first = longForm.split(' ')[0]!;
    const list = byFirstWord.get(first) ?? [];
    list.push([abbreviation, longForm]);
    byFirstWord.set(first, list);
  }
  const result: [number, string][] = [];
  for (const node of graph.nodes.indices) {
    if (!ABBREVIATED_TYPES.has(names.typeOf(node))) continue;
    const name = names.nameOf(node);
    const lower = name.toLowerCase();
    if (name.includes('(')) continue;
    const words = lower.split(/\s+/);
    for (const [position, word] of words.entries()) {
      for (const [abbreviation, longForm] of byFirstWord.get(word) ?? []) {
        const before = words.slice(0, position).join(' ');
        if (!`${lower} `.startsWith(`${before}${before === '' ? '' : ' '}${longForm} `)) continue;
        const rest = name.split(/\s+/).slice(position + longForm.split(' ').length);
        if (rest.length === 0) continue;
        const replaced = [...name.split(/\s+/).slice(0, position), abbreviation, ...rest].join(' ');
        result.push([node, replaced]);
        const infection = infectionForm(replaced);
        if (infection !== undefined) result.push([node, infection]);
      }
    }
  }
  return result;
}

/**
 * Older gene symbols: a GWAS Catalog (2015) variant maps to a symbol that no gene node has any
 * more, and to exactly one gene node whose current symbol it does not list; that node is the
 * renamed gene ("GATSL3" → CASTOR1). Kept when every such variant agrees.
 */
function earlierGeneSymbols(graph: KgGraph, payloads: NodePayloads, names: NodeNames): [number, string][] {
  const current = new Set<string>();
  for (const node of graph.nodesOfType(GENE_TYPE)) current.add(names.nameOf(node));
  const votes = new Map<string, Set<number>>();
  for (const [variant, payload] of payloads.variants) {
    if (names.typeOf(variant) !== VARIANT_TYPE || payload.mappedGene === undefined) continue;
    const mapped = new Set(
      payload.mappedGene
        .split(/\s+-\s+|[,;]/)
        .map((symbol) => symbol.trim())
        .filter((symbol) => symbol !== ''),
    );
    const unknown = [...mapped].filter((symbol) => !current.has(symbol));
    const unlisted = graph
      .neighbours(variant)
      .map((neighbour) => neighbour.node)
      .filter((node) => names.typeOf(node) === GENE_TYPE && !mapped.has(names.nameOf(node)));
    const genes = [...new Set(unlisted)];
    if (unknown.length !== 1 || genes.length !== 1) continue;
    // "LOC<Entrez id>" keeps its Entrez id when the gene is named: another id is another gene.
    const placeholder = /^LOC(\d+)$/.exec(unknown[0]!);
    if (placeholder && graph.node(genes[0]!)?.id !== placeholder[1]) continue;
    const nodes = votes.get(unknown[0]!) ?? new Set<number>();
    nodes.add(genes[0]!);
    votes.set(unknown[0]!, nodes);
  }
  return [...votes].flatMap(([symbol, nodes]) =>
    nodes.size === 1 ? [[[...nodes][0]!, symbol] as [number, string]] : [],
  );
}

/**
 * Whether a node already called by a text keeps it to itself: a node of the mined one's own type
 * (a real name beats a mined one), a gene symbol or a variant id. Otherwise both are kept and the
 * linker reports the span ambiguous ("HIV infection": the Reactome pathway and, mined, the disease).
 */
function outranks(ownerType: string, minedType: string): boolean {
  return ownerType === minedType || ownerType === GENE_TYPE || ownerType === VARIANT_TYPE;
}

/** Collision rules and the report: see the module comment. */
function settle(proposed: readonly { node: number; synonym: TextSynonym }[], names: NodeNames): SynonymTable {
  const report: SynonymMiningReport = {
    kept: Object.fromEntries(SYNONYM_SOURCES.map((source) => [source, 0])) as Record<SynonymSource, number>,
    nodes: 0,
    droppedTaken: 0,
    sharedWithName: 0,
    droppedCommonWord: 0,
    droppedShared: 0,
    sharedKept: 0,
  };
  const byKey = new Map<string, { node: number; synonym: TextSynonym }[]>();
  for (const item of proposed) {
    const key = normalizeKey(item.synonym.text);
    if (key === '') continue;
    const owners = names.byKey.get(key);
    if (owners?.includes(item.node)) continue;
    if (owners?.some((owner) => outranks(names.typeOf(owner), names.typeOf(item.node)))) {
      report.droppedTaken++;
      continue;
    }
    if (owners !== undefined) report.sharedWithName++;
    const lower = item.synonym.text.toLowerCase();
    // A gene alias symbol ("P53", "HER2") is in many KG names because genes name processes.
    const generic =
      item.synonym.source !== 'gene-info:alias-symbol' &&
      (names.wordCounts.get(lower) ?? 0) >= GENERIC_WORD_NAMES;
    if (STOP_WORDS.has(lower) || isCommonWord(lower) || generic) {
      report.droppedCommonWord++;
      continue;
    }
    const list = byKey.get(key) ?? [];
    // Spellings that fold alike stay apart: "HER2" and "HER-2" are matched in their own case.
    if (!list.some((other) => other.node === item.node && other.synonym.text === item.synonym.text))
      list.push(item);
    byKey.set(key, list);
  }
  const byNode = new Map<number, MinedSynonym[]>();
  for (const items of byKey.values()) {
    const nodes = new Set(items.map((item) => item.node)).size;
    if (nodes > MAX_SHARED_NODES) {
      report.droppedShared++;
      continue;
    }
    if (nodes > 1) report.sharedKept++;
    for (const { node, synonym } of items) {
      const list = byNode.get(node) ?? [];
      list.push({ text: synonym.text, source: synonym.source });
      byNode.set(node, list);
      report.kept[synonym.source]++;
    }
  }
  report.nodes = byNode.size;
  return { byNode, report };
}
