/** A KG node as read from `nodes.csv`. `index` is PrimeKG's `node_index`. */
export interface KgNode {
  index: number;
  id: string;
  type: string;
  name: string;
  source: string;
}

/** What kind of raw payload a node carries for its unimodal encoder. */
export type PayloadKind = 'sequence' | 'smiles' | 'text' | 'variant' | 'name';

/**
 * One PrimeKG edge kind: the `relation` column (e.g. `drug_protein`), the `display_relation`
 * used as BioBridge relation key (e.g. `target`), and its head and tail types.
 */
export interface EdgeKind {
  relation: string;
  displayRelation: string;
  headType: string;
  tailType: string;
}
