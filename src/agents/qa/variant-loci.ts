import { normalChromosome } from '../../encoders/variant-features.js';

/**
 * Where each KG variant lies on the genome (chromosome and position, from the KG's variant
 * features): the QA evidence for "variant V is associated with disease D" when the KG does not
 * say so reads the disease's other variants near V (GWAS hits of one locus are often reported
 * as several SNPs in linkage with each other).
 */
export interface VariantLoci {
  locusOf(variant: number): VariantLocus | undefined;
}

export interface VariantLocus {
  chrom: string;
  pos: number;
}

/** Builds the loci from variant feature rows (`variants/variant-features.json` of an index). */
export function createVariantLoci(
  rows: Iterable<{ nodeIndex: number; chrom?: string | undefined; pos?: number | null | undefined }>,
): VariantLoci {
  const loci = new Map<number, VariantLocus>();
  for (const row of rows) {
    const chrom = normalChromosome(row.chrom ?? '');
    if (chrom === '' || row.pos === null || row.pos === undefined || row.pos < 0) continue;
    loci.set(row.nodeIndex, { chrom, pos: row.pos });
  }
  return { locusOf: (variant) => loci.get(variant) };
}

/** The loci of every KG variant the learned variant model holds features for. */
export function variantLociOf(model: {
  variants: { nodeIndices: ArrayLike<number> };
  featuresOfNode(nodeIndex: number): { nodeIndex: number; chrom: string; pos: number | null } | undefined;
}): VariantLoci {
  const rows = Array.from(model.variants.nodeIndices, (node) => model.featuresOfNode(node));
  return createVariantLoci(rows.filter((row) => row !== undefined));
}
