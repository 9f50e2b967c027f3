/**
 * Entity linking: finding the KG nodes a free text names. These types are the component's
 * contract with its callers (the QA agent, `POST /v1/link`, `biobridge link`, the benchmark);
 * fields are only ever added.
 */

/**
 * How a candidate matched, best first:
 * - `id`: a node id or an id the KG files carry for it (DOID:…, HP:…, GO:…, DrugBank DB…, rsID,
 *   UniProt accession; an Entrez id only after a cue such as "Entrez" or "NCBIGene:");
 * - `exact`: the node's name or gene symbol, letter for letter up to case;
 * - `normalized`: equal after folding case, diacritics, apostrophes, hyphens and spaces, Greek
 *   letters, roman numerals, "type 1" ↔ "1", plurals, or word order;
 * - `synonym`: another name the KG carries for the node, its name without a parenthetical, or
 *   without a generic last word ("type 2 diabetes" for "type 2 diabetes mellitus", scored lower),
 *   an acronym of its name, or a name mined from the KG's texts (with `source`, scored lower);
 * - `fuzzy`: within one or two typing errors of a name.
 */
export type LinkMatchKind = 'id' | 'exact' | 'normalized' | 'synonym' | 'fuzzy';

export interface LinkCandidate {
  nodeIndex: number;
  id: string;
  type: string;
  name: string;
  /** Match quality in [0, 1]: 1 for an id or exact name, lower for looser matches. */
  score: number;
  matchedBy: LinkMatchKind;
  /** The stored name, id or alias that matched. */
  matched: string;
  /**
   * For a synonym mined from the KG's texts at ingest, where it was found
   * (`drug-description:brand-name`, `text:abbreviation`, `gwas-catalog:mapped-gene`…).
   */
  source?: string | undefined;
}

export interface LinkSpan {
  /** UTF-16 offsets into the text: `text.slice(start, end) === surface`. */
  start: number;
  end: number;
  surface: string;
  /** Best first; the first is the link. */
  candidates: LinkCandidate[];
  /**
   * Several nodes match this span about equally well (e.g. a disease and a phenotype of the
   * same name, or a symbol shared by two genes) and no type preference tells them apart.
   */
  ambiguous: boolean;
}

/**
 * A name-like phrase the KG has no node for: a generic head word with modifiers
 * ("Kleefstra syndrome 1") that the linker refused to link to the generic node alone.
 */
export interface UnlinkedSpan {
  start: number;
  end: number;
  surface: string;
  /** The generic node's name that was not linked ("syndrome"). */
  head: string;
}

export interface LinkResult {
  text: string;
  /** Non-overlapping, in order of appearance. */
  spans: LinkSpan[];
  /** Some span is ambiguous. */
  ambiguous: boolean;
  /** Name-like phrases left unlinked; empty when none. */
  unlinked: UnlinkedSpan[];
}

export interface LinkOptions {
  /** Only nodes of these types are linked (a filter); default every type. */
  types?: readonly string[] | undefined;
  /**
   * Types preferred when a span matches several nodes, most preferred first (a caller that
   * knows it expects a gene passes `['gene/protein']`). Words next to a span ("gene SMAD4",
   * "the drug X") add their own preference.
   */
  preferTypes?: readonly string[] | undefined;
  /** Candidates kept per span; default 5. */
  maxCandidates?: number | undefined;
  /** Allow typo-tolerant matches; default true. */
  fuzzy?: boolean | undefined;
}

export interface EntityLinker {
  readonly size: { entries: number; surfaces: number };
  /** Entity mentions in free text: longest non-overlapping spans with their candidates. */
  link(text: string, options?: LinkOptions): LinkResult;
  /** Candidates for a whole string taken as one name (a multiple-choice option, a field value). */
  resolve(name: string, options?: LinkOptions): LinkCandidate[];
}
