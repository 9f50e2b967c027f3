import type { GeneVectorSource } from '../encoders/variant-learned.js';
import type { KgGraph } from '../kg/graph.js';
import type { VectorStore } from '../store/vector-store.js';

export const GENE_TYPE = 'gene/protein';

/**
 * Gene symbol (upper case) → `node_index` of the KG's gene/protein nodes; the first node in
 * `node_index` order wins a clash, as in the trainer.
 */
export function geneSymbolIndex(graph: KgGraph): Map<string, number> {
  const typeId = graph.registry.typeId(GENE_TYPE);
  const symbols = new Map<string, number>();
  if (typeId === undefined) return symbols;
  const { nodes } = graph;
  for (let position = 0; position < nodes.indices.length; position++) {
    if (nodes.types[position] !== typeId) continue;
    const symbol = nodes.names[position]!.toUpperCase();
    if (!symbols.has(symbol)) symbols.set(symbol, nodes.indices[position]!);
  }
  return symbols;
}

/**
 * Mean encoder vector of genes by symbol, read from the index's gene table (cached per gene):
 * the learned variant encoder's mapped-gene input.
 */
export function createGeneVectorSource(graph: KgGraph, store: VectorStore): GeneVectorSource {
  const symbols = geneSymbolIndex(graph);
  const cache = new Map<number, Float32Array | null>();
  return async (genes) => {
    const nodes = [...new Set(genes.map((gene) => gene.trim()).filter(Boolean))].flatMap((symbol) => {
      const node = symbols.get(symbol.toUpperCase());
      return node === undefined ? [] : [node];
    });
    const missing = nodes.filter((node) => !cache.has(node));
    if (missing.length > 0) {
      const rows = await store.getRows(GENE_TYPE, missing);
      for (const node of missing) cache.set(node, null);
      for (const row of rows) cache.set(row.nodeIndex, row.vector);
    }
    const vectors = nodes.flatMap((node) => {
      const vector = cache.get(node);
      return vector ? [vector] : [];
    });
    if (vectors.length === 0) return undefined;
    const mean = new Float32Array(vectors[0]!.length);
    for (const vector of vectors)
      for (let i = 0; i < mean.length; i++) mean[i]! += vector[i]! / vectors.length;
    return mean;
  };
}
