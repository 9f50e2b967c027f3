import { join } from 'node:path';
import { z } from 'zod';
import { err } from '../errors.js';
import type { EncodeFailure, EncodeOutcome, Encoder } from './encoder.js';
import { describeEncoder, writeEncoderDirectory } from './encoder-description.js';

export const VARIANT_TEXT_KIND = 'variant-text';
const VERSION = 1;
/** Where the wrapped text encoder is saved, relative to the variant encoder's directory. */
export const VARIANT_TEXT_ENCODER_DIRECTORY = 'text';

/** One row of `variant_features.csv` (GWAS Catalog); every field but `rsid` may be empty. */
export const variantFeaturesSchema = z.object({
  rsid: z.string().trim().min(1),
  chrom: z.string().trim().optional().default(''),
  pos: z.union([z.string(), z.number()]).optional().default('').transform(String),
  mapped_gene: z.string().trim().optional().default(''),
  context: z.string().trim().optional().default(''),
  risk_allele: z.string().trim().optional().default(''),
});
export type VariantFeatures = z.infer<typeof variantFeaturesSchema>;
export type VariantFeaturesInput = z.input<typeof variantFeaturesSchema>;

// GWAS Catalog functional classes (dbSNP function codes) in words a text encoder knows.
const CONTEXT_PHRASES: Record<string, string> = {
  intron: 'intron variant',
  intergenic: 'intergenic variant',
  missense: 'missense variant',
  'cds-synon': 'synonymous variant',
  'nearGene-5': 'upstream gene variant',
  'nearGene-3': 'downstream gene variant',
  'UTR-3': "3' UTR variant",
  'UTR-5': "5' UTR variant",
  ncRNA: 'non-coding transcript variant',
  'STOP-GAIN': 'stop gained variant',
  'STOP-LOSS': 'stop lost variant',
  frameshift: 'frameshift variant',
  splice: 'splice site variant',
  'splice-3': 'splice acceptor variant',
  'splice-5': 'splice donor variant',
};

// The GWAS Catalog numbers the sex chromosomes 23 (X) and 24 (Y), as PLINK does.
const CHROMOSOME_NAMES: Record<string, string> = { '23': 'X', '24': 'Y', '25': 'XY', '26': 'MT' };

/**
 * One sentence describing a variant, e.g. `rs1000113 intergenic variant near IRGM and ZNF300 on
 * chromosome 5` or `rs1190596 intron variant in HSP90AA1 on chromosome 14, risk allele A`.
 * `mapped_gene` "A - B" (the catalog's flanking genes of an intergenic SNP) becomes "near A and B";
 * repeated consequences ("intron;intron") are listed once; an unknown risk allele ("?") is omitted.
 */
export function describeVariant(input: VariantFeaturesInput): string {
  const features = variantFeaturesSchema.parse(input);
  const consequences = [
    ...new Set(
      features.context
        .split(/[;,]/)
        .map((part) => part.trim())
        .filter(Boolean)
        .map((part) => CONTEXT_PHRASES[part] ?? `${part} variant`),
    ),
  ];
  const parts = [features.rsid, consequences.length > 0 ? joinWords(consequences) : 'variant'];

  const flanking = features.mapped_gene
    .split(/\s+-\s+/)
    .map((gene) => gene.trim())
    .filter(Boolean);
  const genes = features.mapped_gene.includes(' - ')
    ? flanking
    : features.mapped_gene
        .split(/[;,]\s*/)
        .map((gene) => gene.trim())
        .filter(Boolean);
  if (genes.length > 0) {
    const uniqueGenes = [...new Set(genes)];
    const preposition = features.mapped_gene.includes(' - ') || consequences.every(isNearby) ? 'near' : 'in';
    parts.push(`${preposition} ${joinWords(uniqueGenes)}`);
  }
  if (features.chrom) parts.push(`on chromosome ${CHROMOSOME_NAMES[features.chrom] ?? features.chrom}`);
  let sentence = parts.join(' ');
  if (/^[ACGT]+$/i.test(features.risk_allele))
    sentence += `, risk allele ${features.risk_allele.toUpperCase()}`;
  return sentence;
}

function isNearby(phrase: string): boolean {
  return /intergenic|upstream|downstream/.test(phrase);
}

function joinWords(words: readonly string[]): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

/**
 * Turns one encoder input into text. Inputs are strings (the `Encoder` contract): a JSON object with
 * the `VariantFeatures` fields is described with {@link describeVariant}; any other non-empty string
 * (a query such as "variant near IRGM") goes to the text encoder as it is.
 */
export function variantInputToText(
  input: string,
): { ok: true; value: string } | { ok: false; error: EncodeFailure } {
  const trimmed = input.trim();
  if (trimmed.length === 0) return err({ code: 'EMPTY', message: 'empty variant input' });
  if (!trimmed.startsWith('{')) return { ok: true, value: trimmed };
  let json: unknown;
  try {
    json = JSON.parse(trimmed);
  } catch (error) {
    return err({
      code: 'INVALID_INPUT',
      message: `variant input is not valid JSON: ${(error as Error).message}`,
    });
  }
  const parsed = variantFeaturesSchema.safeParse(json);
  if (!parsed.success) {
    return err({ code: 'INVALID_INPUT', message: `variant features: ${z.prettifyError(parsed.error)}` });
  }
  return { ok: true, value: describeVariant(parsed.data) };
}

export interface VariantTextEncoder extends Encoder {
  readonly textEncoder: Encoder;
  /** Encodes feature rows directly (no JSON round trip). */
  encodeFeatures(features: readonly VariantFeaturesInput[]): Promise<EncodeOutcome[]>;
}

/**
 * Variant encoder: describes each variant in words ({@link describeVariant}) and encodes the sentence
 * with `textEncoder` (by default the KG's shared text encoder, so variants and diseases share a space).
 * Saving writes the text encoder into `text/`; the variant encoder's `configHash` covers it through
 * the text encoder's own `configHash`. `dispose()` disposes the text encoder only when
 * `ownsTextEncoder` is set (a shared text encoder belongs to whoever built it).
 */
export function createVariantTextEncoder(
  textEncoder: Encoder,
  ownership: { ownsTextEncoder?: boolean } = {},
): VariantTextEncoder {
  const inner = textEncoder.describe();
  // The hash covers the text encoder through its configHash (itself a hash of that encoder's
  // artifacts), so it is the same before and after saving.
  const description = describeEncoder({
    kind: VARIANT_TEXT_KIND,
    version: VERSION,
    modality: 'variant',
    dimension: textEncoder.dimension,
    options: {
      text: { kind: inner.kind, version: inner.version, configHash: inner.configHash },
      textDirectory: VARIANT_TEXT_ENCODER_DIRECTORY,
    },
  });

  const encodeTexts = async (texts: readonly (string | EncodeFailure)[]): Promise<EncodeOutcome[]> => {
    const valid = texts.flatMap((text, index) => (typeof text === 'string' ? [{ text, index }] : []));
    const encoded = await textEncoder.encode(valid.map((item) => item.text));
    const outcomes = new Array<EncodeOutcome>(texts.length);
    texts.forEach((text, index) => {
      if (typeof text !== 'string') outcomes[index] = err(text);
    });
    valid.forEach((item, position) => {
      outcomes[item.index] = encoded[position]!;
    });
    return outcomes;
  };

  return {
    modality: 'variant',
    dimension: textEncoder.dimension,
    textEncoder,
    encode: (inputs) =>
      encodeTexts(
        inputs.map((input) => {
          const text = variantInputToText(input);
          return text.ok ? text.value : text.error;
        }),
      ),
    encodeFeatures: (features) =>
      encodeTexts(
        features.map((row) => {
          const parsed = variantFeaturesSchema.safeParse(row);
          return parsed.success
            ? describeVariant(parsed.data)
            : {
                code: 'INVALID_INPUT' as const,
                message: `variant features: ${z.prettifyError(parsed.error)}`,
              };
        }),
      ),
    describe: () => description,
    save: async (directory) => {
      await textEncoder.save(join(directory, VARIANT_TEXT_ENCODER_DIRECTORY));
      await writeEncoderDirectory(directory, description);
    },
    dispose: ownership.ownsTextEncoder && textEncoder.dispose ? () => textEncoder.dispose!() : undefined,
  };
}
