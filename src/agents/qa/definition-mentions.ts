import type { KgGraph } from '../../kg/graph.js';
import type { VectorStore } from '../../store/vector-store.js';

/**
 * Genes named in disease definitions ("… caused by mutation in the SMAD4 gene"): gene–disease
 * knowledge the Disease Ontology states in prose that the KG's edge list often lacks. Matching is
 * word-bounded and case-sensitive against gene symbols, so "CAT" in a definition matches the gene
 * but "cat" does not, and the word "gene(s)" must stand within {@link GENE_WORD_WINDOW} words of
 * the symbol: abbreviations that happen to be symbols ("electroretinogram (ERG)") do not count.
 */
export interface DefinitionMentions {
  /** Genes whose symbol the disease's definition names. */
  genesOf(disease: number): readonly number[];
  /** Diseases whose definition names the gene's symbol. */
  diseasesOf(gene: number): readonly number[];
  /** The definition text of a disease, when it has one. */
  definitionOf(disease: number): string | undefined;
}

const DISEASE = 'disease';
const GENE = 'gene/protein';
/** Gene symbols: upper-case letters and digits (HLA-B, C9orf72 excepted), at least two characters. */
const SYMBOL = /^[A-Z][A-Z0-9-]*[A-Z0-9]$/;
/** Word-bounded tokens that could be symbols; a hyphen joins (HLA-B), other punctuation bounds. */
const TOKEN = /[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9]/g;
const ROWS_PER_READ = 2_000;
const GENE_WORD = /^genes?$/;
/** Words between a symbol and "gene": "the APC gene", "genes SMAD4 and BMPR1A", "KCNJ2 gene which". */
const GENE_WORD_WINDOW = 3;

/** Indexes the genes mentioned by each definition; `definitions` maps disease node → text. */
export function buildDefinitionMentions(
  graph: KgGraph,
  definitions: ReadonlyMap<number, string>,
): DefinitionMentions {
  const symbols = geneSymbols(graph);
  const genesByDisease = new Map<number, number[]>();
  const diseasesByGene = new Map<number, number[]>();
  for (const [disease, text] of definitions) {
    const genes = mentionedGenes(text, symbols);
    if (genes.size === 0) continue;
    genesByDisease.set(disease, [...genes]);
    for (const gene of genes) {
      const list = diseasesByGene.get(gene);
      if (list) list.push(disease);
      else diseasesByGene.set(gene, [disease]);
    }
  }
  return {
    genesOf: (disease) => genesByDisease.get(disease) ?? [],
    diseasesOf: (gene) => diseasesByGene.get(gene) ?? [],
    definitionOf: (disease) => definitions.get(disease),
  };
}

/** Reads every disease definition from the index's store (its text payloads), in batches. */
export async function loadDefinitionMentions(
  graph: KgGraph,
  store: VectorStore,
): Promise<DefinitionMentions> {
  const definitions = new Map<number, string>();
  if ((await store.listTypes()).includes(DISEASE)) {
    const diseases = [...graph.nodesOfType(DISEASE)];
    for (let start = 0; start < diseases.length; start += ROWS_PER_READ)
      for (const row of await store.getRows(DISEASE, diseases.slice(start, start + ROWS_PER_READ)))
        if (row.payloadKind === 'text' && row.payload) definitions.set(row.nodeIndex, row.payload);
  }
  return buildDefinitionMentions(graph, definitions);
}

function mentionedGenes(text: string, symbols: ReadonlyMap<string, number>): Set<number> {
  const tokens = text.match(TOKEN) ?? [];
  const genes = new Set<number>();
  tokens.forEach((token, position) => {
    const gene = symbols.get(token);
    if (gene === undefined) return;
    const near = tokens.slice(Math.max(0, position - GENE_WORD_WINDOW), position + GENE_WORD_WINDOW + 1);
    if (near.some((word) => GENE_WORD.test(word))) genes.add(gene);
  });
  return genes;
}

function geneSymbols(graph: KgGraph): Map<string, number> {
  const symbols = new Map<string, number>();
  const ambiguous = new Set<string>();
  for (const gene of graph.nodesOfType(GENE)) {
    const name = graph.node(gene)?.name;
    if (name === undefined || !SYMBOL.test(name)) continue;
    if (symbols.has(name)) ambiguous.add(name);
    symbols.set(name, gene);
  }
  for (const name of ambiguous) symbols.delete(name);
  return symbols;
}
