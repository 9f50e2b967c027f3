import type { NodePayloads } from '../kg/payloads.js';
import type { KgNode, PayloadKind } from '../kg/types.js';
import { describeVariant } from '../encoders/variant-text.js';

/**
 * The payload policy: what each node's encoder reads.
 *
 * - proteins → their amino-acid sequence; drugs → their SMILES;
 * - text types (GO terms, diseases, phenotypes, pathways) → "name. definition", or the name alone
 *   when there is no definition: a name is text, and leaving two thirds of the diseases out of the
 *   bridge would cost more than a short input;
 * - variants → a sentence built from their GWAS features;
 * - a protein without a sequence or a drug without a SMILES gets no vector: it stays in the index,
 *   reachable by name and through its KG edges, but is left out of vector search and bridge training.
 */
export interface NodePayload {
  kind: PayloadKind;
  /** Encoder input, or null for a node that gets no vector. */
  input: string | null;
  /** Whether the modality file had a real payload (a definition, a sequence…) for the node. */
  fromModalityFile: boolean;
}

export const PROTEIN_TYPE = 'gene/protein';
export const DRUG_TYPE = 'drug';
export const VARIANT_TYPE = 'variant';

/** The payload kind a node type is encoded from. */
export function payloadKindOf(type: string): PayloadKind {
  if (type === PROTEIN_TYPE) return 'sequence';
  if (type === DRUG_TYPE) return 'smiles';
  if (type === VARIANT_TYPE) return 'variant';
  return 'text';
}

export function payloadOf(node: KgNode, payloads: NodePayloads): NodePayload {
  const kind = payloadKindOf(node.type);
  switch (kind) {
    case 'sequence': {
      const sequence = payloads.protein(node.index)?.sequence;
      return { kind, input: sequence ?? null, fromModalityFile: sequence !== undefined };
    }
    case 'smiles': {
      const smiles = payloads.molecule(node.index)?.smiles;
      return { kind, input: smiles ?? null, fromModalityFile: smiles !== undefined };
    }
    case 'variant': {
      const variant = payloads.variant(node.index);
      if (!variant)
        return { kind, input: node.name ? `${node.name} variant` : null, fromModalityFile: false };
      const text = describeVariant({
        rsid: variant.rsid,
        chrom: variant.chromosome ?? '',
        pos: variant.position === undefined ? '' : String(variant.position),
        mapped_gene: variant.mappedGene ?? '',
        context: variant.context ?? '',
        risk_allele: variant.riskAllele ?? '',
      });
      return { kind, input: text, fromModalityFile: true };
    }
    default: {
      const text = payloads.text(node.index);
      const definition = text?.definition?.trim() || text?.description?.trim();
      const name = node.name.trim();
      if (definition)
        return { kind: 'text', input: name ? `${name}. ${definition}` : definition, fromModalityFile: true };
      return { kind: 'text', input: name || null, fromModalityFile: false };
    }
  }
}
