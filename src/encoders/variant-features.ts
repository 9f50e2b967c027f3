import { z } from 'zod';

/**
 * Featurisation of a SNP for the learned variant encoder, token for token the same as
 * `train/biobridge_train/variant_data.py` (FORMAT.md § 4): tokens by group, each group spreading
 * weight 1 over its tokens the vocabulary knows, then the mean encoder vector of the mapped genes.
 */

/** Bin widths of the two position tokens: ~1 Mb (region) and 100 kb (about an LD block). */
export const POSITION_BINS = [1_000_000, 100_000] as const;
const ALLELES = new Set(['A', 'C', 'G', 'T']);

/** What a caller can say about a variant; everything is optional, more gives a better embedding. */
export const variantFeatureInputSchema = z.strictObject({
  chrom: z
    .union([z.string().trim().max(8), z.number().int().min(1).max(26)])
    .transform(String)
    .optional()
    .describe('Chromosome: 1–22, X/Y or 23/24 as in the GWAS Catalog'),
  pos: z
    .number()
    .int()
    .min(0)
    .max(300_000_000)
    .optional()
    .describe('Position (GRCh38, as the GWAS Catalog gives it)'),
  mappedGenes: z
    .array(z.string().trim().min(1).max(64))
    .max(50)
    .optional()
    .describe('Mapped or flanking genes (symbols)'),
  context: z
    .string()
    .trim()
    .max(200)
    .optional()
    .describe('Functional class(es), e.g. `intron` or `missense;intron`'),
  riskAllele: z.string().trim().max(50).optional().describe('Risk allele (A, C, G or T)'),
});
export type VariantFeatureInput = z.infer<typeof variantFeatureInputSchema>;

/** One variant's features as the model reads them (genes already split into symbols). */
export interface VariantFeatureValues {
  chrom?: string | undefined;
  pos?: number | undefined;
  mappedGenes?: readonly string[] | undefined;
  context?: string | undefined;
  riskAllele?: string | undefined;
}

/** Symbols of a GWAS Catalog `mapped_gene`: "A - B" (flanking genes of an intergenic SNP) or "A, B" / "A;B". */
export function splitMappedGenes(mappedGene: string): string[] {
  const text = mappedGene.trim();
  if (!text) return [];
  const parts = text.includes(' - ') ? text.split(/\s+-\s+/) : text.split(/[;,]\s*/);
  return unique(parts.map((part) => part.trim()).filter(Boolean));
}

/** Tokens by group, in the order of the model's token groups; empty fields give no tokens. */
export function variantTokens(features: VariantFeatureValues): string[][] {
  const chrom = normalChromosome(features.chrom ?? '');
  const chromosome: string[] = [];
  const bins: string[][] = POSITION_BINS.map(() => []);
  if (chrom) {
    chromosome.push(`chr:${chrom}`);
    if (features.pos !== undefined && features.pos >= 0)
      POSITION_BINS.forEach((width, group) =>
        bins[group]!.push(`bin${width}:${chrom}:${Math.floor(features.pos! / width)}`),
      );
  }
  const genes = unique((features.mappedGenes ?? []).map((gene) => gene.trim()).filter(Boolean)).map(
    (symbol) => `gene:${symbol.toUpperCase()}`,
  );
  const contexts = unique(
    (features.context ?? '')
      .split(/[;,]/)
      .map((part) => part.trim())
      .filter(Boolean)
      .map((part) => `ctx:${part}`),
  );
  const allele = (features.riskAllele ?? '').trim().toUpperCase();
  return [chromosome, ...bins, genes, contexts, [`allele:${ALLELES.has(allele) ? allele : '?'}`]];
}

/**
 * The model input row: `[tokens | mean gene vector]`. Each group's known tokens share weight 1:
 * equally for the variant's own groups, by weight for `kgGroups` (token → weight, from the KG).
 * `geneVector` is the mean encoder vector of the mapped genes that have one (undefined: zeros).
 */
export function featurizeVariant(
  features: VariantFeatureValues,
  vocabulary: ReadonlyMap<string, number>,
  geneVector: Float32Array | undefined,
  geneDimension: number,
  kgGroups: readonly ReadonlyMap<string, number>[] = [],
): Float32Array {
  const row = new Float32Array(vocabulary.size + geneDimension);
  const groups = [
    ...variantTokens(features).map((group) => new Map(group.map((token) => [token, 1]))),
    ...kgGroups,
  ];
  for (const group of groups) {
    const known = [...group].filter(([token, weight]) => vocabulary.has(token) && weight > 0);
    const total = known.reduce((sum, [, weight]) => sum + weight, 0);
    for (const [token, weight] of known) row[vocabulary.get(token)!]! += weight / total;
  }
  if (geneVector) {
    if (geneVector.length !== geneDimension)
      throw new RangeError(`gene vector has ${geneVector.length} values, the model expects ${geneDimension}`);
    row.set(geneVector, vocabulary.size);
  }
  return row;
}

/** `chr6`, ` 6 ` → `6`; `x` → `X`. */
export function normalChromosome(chrom: string): string {
  return chrom.trim().toUpperCase().replace(/^CHR/, '');
}

/** Tokens the vocabulary knows, for explaining an embedding (and an error when there are none). */
export function knownTokens(
  features: VariantFeatureValues,
  vocabulary: ReadonlyMap<string, number>,
): string[] {
  return variantTokens(features)
    .flat()
    .filter((token) => vocabulary.has(token) && !token.startsWith('allele:'));
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}
