import type { PayloadKind } from './types.js';

/** Raw inputs of the unimodal encoders, by `node_index`, as read from the modality files. */

export interface ProteinPayload {
  sequence: string;
  entrezId: string;
  symbol?: string;
  uniprotId?: string;
}

export interface MoleculePayload {
  smiles: string;
  drugbankId: string;
  name: string;
}

/** Text for the text encoder: GO/disease/phenotype definitions, or a DrugBank drug description. */
export interface TextPayload {
  name: string;
  definition?: string;
  description?: string;
}

export interface VariantPayload {
  rsid: string;
  chromosome?: string;
  position?: number;
  mappedGene?: string;
  context?: string;
  riskAllele?: string;
}

/** GWAS statistics of one `variant_disease` edge (head = variant, tail = disease). */
export interface EdgeAttribute {
  head: number;
  tail: number;
  relation: string;
  pvalueMlog?: number | undefined;
  orBeta?: number | undefined;
  pubmedId?: string | undefined;
}

export class NodePayloads {
  readonly proteins = new Map<number, ProteinPayload>();
  readonly molecules = new Map<number, MoleculePayload>();
  readonly texts = new Map<number, TextPayload>();
  readonly variants = new Map<number, VariantPayload>();

  protein(index: number): ProteinPayload | undefined {
    return this.proteins.get(index);
  }

  molecule(index: number): MoleculePayload | undefined {
    return this.molecules.get(index);
  }

  text(index: number): TextPayload | undefined {
    return this.texts.get(index);
  }

  variant(index: number): VariantPayload | undefined {
    return this.variants.get(index);
  }

  /** Payload kinds a node has; `text` only when there is a definition or description to encode. */
  kindsOf(index: number): PayloadKind[] {
    const kinds: PayloadKind[] = [];
    if (this.proteins.has(index)) kinds.push('sequence');
    if (this.molecules.has(index)) kinds.push('smiles');
    const text = this.texts.get(index);
    if (text?.definition !== undefined || text?.description !== undefined) kinds.push('text');
    if (this.variants.has(index)) kinds.push('variant');
    return kinds;
  }

  /** Other names a node is known by (gene symbol, UniProt and DrugBank ids, rsID), for lookup. */
  aliasesOf(index: number): string[] {
    const aliases: string[] = [];
    const protein = this.proteins.get(index);
    if (protein?.symbol !== undefined) aliases.push(protein.symbol);
    if (protein?.uniprotId !== undefined) aliases.push(protein.uniprotId);
    const molecule = this.molecules.get(index);
    if (molecule !== undefined) aliases.push(molecule.drugbankId);
    const variant = this.variants.get(index);
    if (variant !== undefined) aliases.push(variant.rsid);
    return aliases;
  }
}
